//! The typed syntax tree of a condition, and the literal types it holds.
//!
//! The tree keeps what the text said (field names in their written case, numbers
//! in their written digits) so that printing and re-parsing gives the same tree.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

/// A parsed condition.
///
/// `And`/`Or` are n-ary: `a and b and c` is one `And` of three operands, and a
/// parenthesised group stays a nested node (`a and (b and c)`). [`super::parse`]
/// only produces `And`/`Or` with two or more operands; an empty `And` evaluates
/// to true and an empty `Or` to false.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// One `path <operator> <value>` test.
    Compare(Comparison),
    /// All operands hold.
    And(Vec<Expr>),
    /// At least one operand holds.
    Or(Vec<Expr>),
}

/// A field path and the test applied to it, e.g. `type/name like "%ICB"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Path segments as written: `type/name` is `["type", "name"]`.
    pub path: Vec<String>,
    /// The operator and its operand(s).
    pub test: Test,
}

/// The operator part of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// `= != < <= > >=` against one value.
    Cmp(CmpOp, Value),
    /// `[not] contains "text"`: case-insensitive substring.
    Contains { negated: bool, text: String },
    /// `[not] like "pattern"`: SQL-Server-style pattern.
    Like { negated: bool, pattern: String },
    /// `[not] in (v1, v2, ...)`.
    In { negated: bool, values: Vec<Value> },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written in a condition.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether `field.cmp(literal) == ordering` satisfies this operator.
    pub(crate) fn accepts(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            CmpOp::Eq => ordering == Equal,
            CmpOp::Ne => ordering != Equal,
            CmpOp::Lt => ordering == Less,
            CmpOp::Le => ordering != Greater,
            CmpOp::Gt => ordering == Greater,
            CmpOp::Ge => ordering != Less,
        }
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `"text"` or `'text'`.
    Str(String),
    /// `-12.5`
    Number(Number),
    /// `true` / `false` (any case).
    Bool(bool),
    /// `null` (any case).
    Null,
    /// `[2016-08-20T18:04:26Z]`, normalised to UTC (a naive time is taken as UTC).
    DateTime(DateTime<Utc>),
}

/// A number literal kept as its text (`-` sign, digits, optional `.digits`), so
/// large ids compare exactly and printing is lossless.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number(String);

impl Number {
    /// Accepts exactly the grammar's `["-"] digit+ ["." digit+]`.
    pub fn parse(text: &str) -> Option<Number> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = match digits.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (all_digits(int) && frac.is_none_or(all_digits)).then(|| Number(text.to_owned()))
    }

    /// A finite float in plain decimal notation; `None` for NaN and infinities.
    pub fn from_f64(value: f64) -> Option<Number> {
        // Rust's float Display never uses exponent notation, so this fits the grammar.
        value
            .is_finite()
            .then(|| Number::parse(&value.to_string()))
            .flatten()
    }

    /// The literal's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an exact integer when it has no fractional part and fits.
    pub fn as_i128(&self) -> Option<i128> {
        if self.0.contains('.') {
            None
        } else {
            self.0.parse().ok()
        }
    }

    /// The value as a float (possibly rounded).
    pub fn as_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        Number(value.to_string())
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Number(value.into())
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Str(value.to_owned())
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<DateTime<Utc>> for Value {
    fn from(value: DateTime<Utc>) -> Self {
        Value::DateTime(value)
    }
}

/// Reads an ISO-8601 instant: `Z` or a `±hh:mm`/`±hhmm` offset, or a naive
/// date-time (taken as UTC, like the server), or a bare date (midnight UTC).
/// Used for `[...]` literals and for JSON string fields compared with them.
///
/// Only four-digit years are read, and the instant must fall in years
/// 0000..=9999 UTC, so that every accepted instant prints back in a form this
/// function reads again.
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let four_digit_year = text.len() > 4
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && text.as_bytes()[4] == b'-';
    if !four_digit_year {
        return None;
    }
    parse_iso(text).filter(|t| (0..=9999).contains(&t.year()))
}

fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    const NAIVE: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    if let Some(t) = NAIVE
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_grammar() {
        let cases = [
            ("0", true),
            ("42", true),
            ("-7", true),
            ("3.25", true),
            ("-0.5", true),
            ("", false),
            ("-", false),
            ("1.", false),
            (".5", false),
            ("1e5", false),
            ("+1", false),
            ("1.2.3", false),
            ("١", false),
        ];
        for (text, ok) in cases {
            assert_eq!(Number::parse(text).is_some(), ok, "{text:?}");
        }
        assert_eq!(Number::from_f64(0.1).map(|n| n.as_f64()), Some(0.1));
        assert_eq!(Number::from_f64(1e21).map(|n| n.as_f64()), Some(1e21));
        assert_eq!(Number::from_f64(f64::NAN), None);
        assert_eq!(Number::from(-5).as_i128(), Some(-5));
        assert_eq!(Number::parse("5.0").and_then(|n| n.as_i128()), None);
    }

    #[test]
    fn instants() {
        let utc = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .ok()
        };
        let cases = [
            ("2016-08-20T18:04:26Z", utc("2016-08-20T18:04:26Z")),
            ("2016-08-20T20:04:26+02:00", utc("2016-08-20T18:04:26Z")),
            ("2016-08-20T20:04:26+0200", utc("2016-08-20T18:04:26Z")),
            (
                "2023-08-08T16:36:11.123456",
                utc("2023-08-08T16:36:11.123456Z"),
            ),
            ("2023-08-08T16:36:11", utc("2023-08-08T16:36:11Z")),
            ("2023-08-08 16:36:11", utc("2023-08-08T16:36:11Z")),
            ("2023-08-08T16:36", utc("2023-08-08T16:36:00Z")),
            (" 2023-08-08 ", utc("2023-08-08T00:00:00Z")),
            ("2023-02-30", None),
            ("yesterday", None),
            ("", None),
            ("2016-08-20T25:04:26Z", None),
            // Only four-digit years, and only instants in years 0000..=9999 UTC,
            // so that every accepted instant prints back in a readable form.
            ("+12345-01-01", None),
            ("-0001-01-01", None),
            ("0000-01-01T00:00:00+01:00", None),
            ("9999-12-31T23:00:00-01:00", None),
            ("0000-01-01T00:00:00Z", utc("0000-01-01T00:00:00Z")),
            ("2016-8-2", utc("2016-08-02T00:00:00Z")),
        ];
        for (text, want) in cases {
            assert_eq!(parse_instant(text), want, "{text:?}");
        }
    }
}
