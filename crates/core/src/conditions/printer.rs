//! Canonical printing of conditions: `parse(&expr.to_string()) == Ok(expr)` for
//! every tree [`super::parse`] can produce.
//!
//! Keywords are lower case, operators have single spaces around them, and an
//! `and`/`or` inside another `and`/`or` is always parenthesised (the server's
//! precedence is undocumented, so printed text never relies on it).

use std::fmt::{self, Display, Formatter, Write as _};

use chrono::SecondsFormat;

use super::ast::{CmpOp, Comparison, Expr, Number, Test, Value};

/// Quotes `s` as a condition string literal.
///
/// The language has no escapes, so this picks double quotes unless `s` contains
/// `"`, then single quotes; if `s` contains both, the `"` characters are dropped
/// (they cannot be represented) and double quotes are used. Everything else,
/// backslashes included, is kept as is.
///
/// ```
/// use bridge_core::conditions::quote_string;
/// assert_eq!(quote_string("bb:evt-1"), "\"bb:evt-1\"");
/// assert_eq!(quote_string("say \"hi\""), "'say \"hi\"'");
/// assert_eq!(quote_string("it's \"x\""), "\"it's x\"");
/// ```
pub fn quote_string(s: &str) -> String {
    if !s.contains('"') {
        format!("\"{s}\"")
    } else if !s.contains('\'') {
        format!("'{s}'")
    } else {
        format!("\"{}\"", s.replace('"', ""))
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Compare(c) => c.fmt(f),
            Expr::And(items) => join(f, items, " and "),
            Expr::Or(items) => join(f, items, " or "),
        }
    }
}

/// Prints operands separated by `sep`, parenthesising nested `and`/`or` nodes.
fn join(f: &mut Formatter<'_>, items: &[Expr], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        match item {
            Expr::And(_) | Expr::Or(_) if items.len() > 1 => write!(f, "({item})")?,
            _ => item.fmt(f)?,
        }
    }
    Ok(())
}

impl Display for Comparison {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path.join("/"))?;
        let not = |negated: bool| if negated { "not " } else { "" };
        match &self.test {
            Test::Cmp(op, value) => write!(f, " {op} {value}"),
            Test::Contains { negated, text } => {
                write!(f, " {}contains {}", not(*negated), quote_string(text))
            }
            Test::Like { negated, pattern } => {
                write!(f, " {}like {}", not(*negated), quote_string(pattern))
            }
            Test::In { negated, values } => {
                write!(f, " {}in (", not(*negated))?;
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    value.fmt(f)?;
                }
                f.write_char(')')
            }
        }
    }
}

impl Display for CmpOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for Number {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => f.write_str(&quote_string(s)),
            Value::Number(n) => n.fmt(f),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Null => f.write_str("null"),
            // `Z` without fractional seconds is the server's canonical form.
            Value::DateTime(t) => write!(f, "[{}]", t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let cases = [
            ("bb:evt-1", "\"bb:evt-1\""),
            ("", "\"\""),
            ("O'Brien", "\"O'Brien\""),
            ("a \"b\"", "'a \"b\"'"),
            ("'a' \"b\"", "\"'a' b\""),
            ("C:\\path", "\"C:\\path\""),
            ("Сontinuity", "\"Сontinuity\""),
        ];
        for (raw, want) in cases {
            assert_eq!(quote_string(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn nested_logic_is_parenthesised() {
        let cmp = |name: &str| {
            Expr::Compare(Comparison {
                path: vec![name.to_owned()],
                test: Test::Cmp(CmpOp::Eq, Value::from(1)),
            })
        };
        let cases = [
            (Expr::And(vec![cmp("a"), cmp("b")]), "a = 1 and b = 1"),
            (
                Expr::Or(vec![Expr::And(vec![cmp("a"), cmp("b")]), cmp("c")]),
                "(a = 1 and b = 1) or c = 1",
            ),
            (
                Expr::And(vec![cmp("a"), Expr::And(vec![cmp("b"), cmp("c")])]),
                "a = 1 and (b = 1 and c = 1)",
            ),
            (Expr::And(vec![cmp("a")]), "a = 1"),
            (Expr::Or(vec![]), ""),
        ];
        for (expr, want) in cases {
            assert_eq!(expr.to_string(), want);
        }
    }
}
