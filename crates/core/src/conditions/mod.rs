//! The ConnectWise `conditions` language (reference section 6): parse, validate,
//! print and evaluate.
//!
//! * [`parse`] turns text such as `type/name like "%Continuity" and closedFlag = false`
//!   into a typed [`Expr`]; errors carry a 1-based *character* column and say what
//!   was expected.
//! * `Display` on [`Expr`] prints the canonical form, which parses back to the same
//!   tree. Mixed `and`/`or` are always parenthesised, because the server's precedence
//!   is undocumented.
//! * [`Expr::matches`] evaluates a condition against a JSON object. The simulator
//!   uses it as its server-side filter; the semantics are documented in `eval.rs`.
//!
//! Choices made where the reference is silent (all `[U]` there):
//! * `and` binds tighter than `or` (as in SQL).
//! * `not` is written before a word operator only (`not contains`, `not like`,
//!   `not in`), as ConnectWise documents it; a prefix `not (…)`, which it does
//!   not document, is refused with a sentence saying what to write instead.
//! * Keywords (`and or not contains like in true false null`) are case-insensitive
//!   and cannot start a field path.
//! * Strings have no escapes: a string ends at the next quote of its own style, and a
//!   backslash is an ordinary character. Use [`quote_string`] to build literals.
//! * `like` follows SQL Server: `%` and `*` match any run, `_` one character,
//!   `[abc]`, `[a-z]`, `[^a]` a character class, `[[]` a literal bracket.
//!
//! The module does no I/O and never panics, whatever the input.

mod ast;
mod eval;
mod lexer;
mod like;
mod parser;
mod printer;
#[cfg(test)]
mod tests;

pub use ast::{CmpOp, Comparison, Expr, Number, Test, Value};
pub use printer::quote_string;

/// Deepest nesting of parentheses that [`parse`] accepts; keeps the
/// recursive parser, printer and evaluator far from the stack limit.
pub const MAX_NESTING: usize = 64;

/// Why a condition text was rejected.
///
/// `message` is the full sentence shown to the user (it already names the column),
/// e.g. `expected an operator (=, !=, <, <=, >, >=, contains, like, in) at column 6,
/// found "lik"`. `Display` prints exactly `message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConditionError {
    /// 1-based column, counted in characters (not bytes), where the problem is.
    pub column: usize,
    /// The full sentence describing the problem.
    pub message: String,
}

impl ConditionError {
    pub(crate) fn new(column: usize, message: impl Into<String>) -> Self {
        Self {
            column,
            message: message.into(),
        }
    }

    /// A malformed condition stays malformed: never worth retrying.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// Parses a whole condition text. Leading and trailing whitespace is ignored;
/// empty (or all-blank) text is an error, "the condition is empty".
///
/// Callers that treat an empty condition as "no filter" (the agreement condition)
/// must check for emptiness before calling this.
pub fn parse(text: &str) -> Result<Expr, ConditionError> {
    parser::parse(text)
}

/// Checks that `text` is a valid condition without keeping the tree.
pub fn validate(text: &str) -> Result<(), ConditionError> {
    parse(text).map(|_| ())
}
