//! Recursive-descent parser for the conditions grammar (reference section 6).
//!
//! ```text
//! or_expr    := and_expr { OR and_expr }         ; AND binds tighter than OR
//! and_expr   := term { AND term }
//! term       := "(" or_expr ")" | comparison
//! comparison := path cmp_op value
//!             | path [NOT] (CONTAINS string | LIKE string | IN "(" value {"," value} ")")
//! ```
//! `not` only ever stands before a word operator, as ConnectWise documents
//! it; a prefix `not (…)` is refused with a sentence saying what to write.
//! Nesting of parentheses is capped at [`MAX_NESTING`] so the recursion can
//! never exhaust the stack.

use super::ast::{Comparison, Expr, Test, Value};
use super::lexer::{tokenize, Kind, Token, KEYWORDS};
use super::{ConditionError, MAX_NESTING};

/// The operator list in the "expected an operator" message (wording is relied on).
const EXPECTED_OPERATOR: &str = "an operator (=, !=, <, <=, >, >=, contains, like, in)";
const EXPECTED_VALUE: &str = "a value (a quoted string, number, true, false, null or [datetime])";
const EXPECTED_TERM: &str = "a field name or \"(\"";

pub(crate) fn parse(text: &str) -> Result<Expr, ConditionError> {
    let mut parser = Parser {
        tokens: tokenize(text),
        pos: 0,
    };
    if matches!(parser.peek().kind, Kind::End) {
        return Err(ConditionError::new(1, "the condition is empty"));
    }
    let expr = parser.or_expr(0)?;
    let next = parser.peek();
    match next.kind {
        Kind::End => Ok(expr),
        Kind::RParen => Err(ConditionError::new(
            next.column,
            format!(
                "unmatched \")\" at column {}: there is no \"(\" for it to close",
                next.column
            ),
        )),
        _ => Err(parser.unexpected("\"and\", \"or\" or the end of the condition")),
    }
}

struct Parser {
    /// Never empty: always ends with `End` or `Bad`.
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // `tokens` ends with End/Bad and `pos` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if !matches!(token.kind, Kind::End | Kind::Bad(_)) {
            self.pos += 1;
        }
        token
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let hit = self.peek().is_keyword(keyword);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// The error for the current token: its own lexing error if it is one,
    /// otherwise "expected X at column N, found Y".
    fn unexpected(&self, expected: &str) -> ConditionError {
        let token = self.peek();
        if let Kind::Bad(error) = &token.kind {
            return error.clone();
        }
        ConditionError::new(
            token.column,
            format!(
                "expected {expected} at column {}, found {}",
                token.column,
                token.describe()
            ),
        )
    }

    fn or_expr(&mut self, depth: usize) -> Result<Expr, ConditionError> {
        let mut items = vec![self.and_expr(depth)?];
        while self.eat_keyword("or") {
            items.push(self.and_expr(depth)?);
        }
        Ok(collapse(items, Expr::Or))
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, ConditionError> {
        let mut items = vec![self.term(depth)?];
        while self.eat_keyword("and") {
            items.push(self.term(depth)?);
        }
        Ok(collapse(items, Expr::And))
    }

    fn term(&mut self, depth: usize) -> Result<Expr, ConditionError> {
        let token = self.peek().clone();
        if token.is_keyword("not") {
            // ConnectWise documents `not` only before a word operator; a
            // prefix `not` could pass here and still be refused by the server.
            return Err(ConditionError::new(
                token.column,
                format!(
                    "ConnectWise does not take \"not\" before a condition (column {}): negate the \
                     comparison itself instead, e.g. summary not contains \"x\", name not like \
                     \"%ICB\", id not in (1, 2) or status/name != \"Closed\"",
                    token.column
                ),
            ));
        }
        if depth >= MAX_NESTING && token.kind == Kind::LParen {
            return Err(ConditionError::new(
                token.column,
                format!(
                    "the condition nests too deeply at column {} (at most {MAX_NESTING} levels of parentheses)",
                    token.column
                ),
            ));
        }
        match &token.kind {
            Kind::LParen => {
                self.advance();
                let inner = self.or_expr(depth + 1)?;
                match self.peek().kind {
                    Kind::RParen => {
                        self.advance();
                        Ok(inner)
                    }
                    Kind::End => {
                        let end = self.peek().column;
                        Err(ConditionError::new(
                            end,
                            format!(
                                "missing \")\" to close the \"(\" at column {}: expected \")\" at column {end}, found the end of the condition",
                                token.column
                            ),
                        ))
                    }
                    _ => Err(self.unexpected("\"and\", \"or\" or \")\"")),
                }
            }
            Kind::Ident(segments) if !is_keyword(&segments[0]) => {
                self.advance();
                let test = self.test()?;
                Ok(Expr::Compare(Comparison {
                    path: segments.clone(),
                    test,
                }))
            }
            _ => Err(self.unexpected(EXPECTED_TERM)),
        }
    }

    /// Everything after the path of a comparison.
    fn test(&mut self) -> Result<Test, ConditionError> {
        if let Kind::Op(op) = self.peek().kind {
            self.advance();
            return Ok(Test::Cmp(op, self.value()?));
        }
        let negated = self.eat_keyword("not");
        if self.eat_keyword("contains") {
            let text = self.string("contains")?;
            Ok(Test::Contains { negated, text })
        } else if self.eat_keyword("like") {
            let pattern = self.string("like")?;
            Ok(Test::Like { negated, pattern })
        } else if self.eat_keyword("in") {
            let values = self.value_list()?;
            Ok(Test::In { negated, values })
        } else if negated {
            Err(self.unexpected("contains, like or in after \"not\""))
        } else {
            Err(self.unexpected(EXPECTED_OPERATOR))
        }
    }

    fn string(&mut self, operator: &str) -> Result<String, ConditionError> {
        match &self.peek().kind {
            Kind::Str(s) => {
                let s = s.clone();
                self.advance();
                Ok(s)
            }
            _ => Err(self.unexpected(&format!("a quoted string after {operator}"))),
        }
    }

    fn value(&mut self) -> Result<Value, ConditionError> {
        let token = self.peek();
        let value = match &token.kind {
            Kind::Str(s) => Value::Str(s.clone()),
            Kind::Num(n) => Value::Number(n.clone()),
            Kind::Date(t) => Value::DateTime(*t),
            _ if token.is_keyword("true") => Value::Bool(true),
            _ if token.is_keyword("false") => Value::Bool(false),
            _ if token.is_keyword("null") => Value::Null,
            _ => return Err(self.unexpected(EXPECTED_VALUE)),
        };
        self.advance();
        Ok(value)
    }

    /// `"(" value { "," value } ")"` after `in`.
    fn value_list(&mut self) -> Result<Vec<Value>, ConditionError> {
        if self.peek().kind != Kind::LParen {
            return Err(self.unexpected("\"(\" after in"));
        }
        self.advance();
        let mut values = vec![self.value()?];
        loop {
            match self.peek().kind {
                Kind::Comma => {
                    self.advance();
                    values.push(self.value()?);
                }
                Kind::RParen => {
                    self.advance();
                    return Ok(values);
                }
                _ => return Err(self.unexpected("\",\" or \")\" in the in list")),
            }
        }
    }
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// One operand stays itself; several become an n-ary node.
fn collapse(mut items: Vec<Expr>, node: fn(Vec<Expr>) -> Expr) -> Expr {
    if items.len() == 1 {
        if let Some(only) = items.pop() {
            return only;
        }
    }
    node(items)
}
