//! Splits condition text into tokens, tracking 1-based character columns.
//!
//! Lexing stops at the first bad character; that error becomes a final
//! [`Kind::Bad`] token so the parser reports whichever problem comes first
//! in the text (a grammar error before a lexing error wins).

use chrono::{DateTime, Utc};

use super::ast::{parse_instant, CmpOp, Number};
use super::ConditionError;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A word or slash path (`name`, `type/name`, `and`, `True`).
    Ident(Vec<String>),
    Str(String),
    Num(Number),
    Date(DateTime<Utc>),
    Op(CmpOp),
    LParen,
    RParen,
    Comma,
    /// End of input.
    End,
    /// A lexing error at this point; nothing follows it.
    Bad(ConditionError),
}

/// A token with its 1-based column and the source text it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub column: usize,
    pub text: String,
}

impl Token {
    /// True for a one-segment word equal to `keyword`, ignoring ASCII case.
    pub fn is_keyword(&self, keyword: &str) -> bool {
        matches!(&self.kind, Kind::Ident(segs) if segs.len() == 1 && segs[0].eq_ignore_ascii_case(keyword))
    }

    /// How an error message names this token ("found ...").
    pub fn describe(&self) -> String {
        const MAX_CHARS: usize = 40;
        let mut text: String = self.text.chars().take(MAX_CHARS).collect();
        if self.text.chars().count() > MAX_CHARS {
            text.push('…');
        }
        match &self.kind {
            Kind::End => "the end of the condition".to_owned(),
            Kind::Str(_) => format!("the string {text}"),
            Kind::Num(_) => format!("the number {text}"),
            Kind::Date(_) => format!("the date {text}"),
            _ => format!("\"{text}\""),
        }
    }
}

/// Words that cannot start a field path.
pub(crate) const KEYWORDS: [&str; 9] = [
    "and", "or", "not", "contains", "like", "in", "true", "false", "null",
];

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Names one character for an error message, escaping controls and quotes.
pub(crate) fn describe_char(c: Option<&char>) -> String {
    match c {
        None => "the end of the condition".to_owned(),
        Some(c) => format!("\"{}\"", c.escape_debug()),
    }
}

/// Tokenises `text`. The result always ends with an `End` or a `Bad` token.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let start = i;
        let column = start + 1;
        let Some(&c) = chars.get(i) else {
            tokens.push(Token {
                kind: Kind::End,
                column,
                text: String::new(),
            });
            return tokens;
        };
        let kind = match c {
            '(' | ')' | ',' | '=' => {
                i += 1;
                match c {
                    '(' => Kind::LParen,
                    ')' => Kind::RParen,
                    ',' => Kind::Comma,
                    _ => Kind::Op(CmpOp::Eq),
                }
            }
            '!' | '<' | '>' => lex_operator(&chars, &mut i),
            '"' | '\'' => lex_string(&chars, &mut i),
            '[' => lex_date(&chars, &mut i),
            '-' | '0'..='9' => lex_number(&chars, &mut i),
            c if is_ident_start(c) => lex_path(&chars, &mut i),
            c => {
                i += 1;
                bad(
                    column,
                    format!(
                        "unexpected character {} at column {column}",
                        describe_char(Some(&c))
                    ),
                )
            }
        };
        let stop = matches!(kind, Kind::Bad(_));
        tokens.push(Token {
            kind,
            column,
            text: chars[start..i.min(chars.len())].iter().collect(),
        });
        if stop {
            return tokens;
        }
    }
}

fn bad(column: usize, message: String) -> Kind {
    Kind::Bad(ConditionError::new(column, message))
}

/// `!=`, `<`, `<=`, `>`, `>=`; `i` points at the first character.
fn lex_operator(chars: &[char], i: &mut usize) -> Kind {
    let column = *i + 1;
    let first = chars[*i];
    let has_eq = chars.get(*i + 1) == Some(&'=');
    *i += if has_eq { 2 } else { 1 };
    match (first, has_eq) {
        ('<', false) => Kind::Op(CmpOp::Lt),
        ('<', true) => Kind::Op(CmpOp::Le),
        ('>', false) => Kind::Op(CmpOp::Gt),
        ('>', true) => Kind::Op(CmpOp::Ge),
        ('!', true) => Kind::Op(CmpOp::Ne),
        _ => bad(
            column,
            format!("unexpected character \"!\" at column {column} (did you mean \"!=\"?)"),
        ),
    }
}

/// A string in `"` or `'`; it ends at the next quote of the same style (no escapes).
fn lex_string(chars: &[char], i: &mut usize) -> Kind {
    let column = *i + 1;
    let quote = chars[*i];
    match chars[*i + 1..].iter().position(|&c| c == quote) {
        Some(len) => {
            let body = chars[*i + 1..*i + 1 + len].iter().collect();
            *i += len + 2;
            Kind::Str(body)
        }
        None => {
            *i = chars.len();
            bad(
                column,
                format!("unterminated string starting at column {column}: add the closing {quote}"),
            )
        }
    }
}

/// A `[datetime]` literal.
fn lex_date(chars: &[char], i: &mut usize) -> Kind {
    let column = *i + 1;
    let Some(len) = chars[*i + 1..].iter().position(|&c| c == ']') else {
        *i = chars.len();
        return bad(
            column,
            format!("unterminated date starting at column {column}: add the closing ]"),
        );
    };
    let body: String = chars[*i + 1..*i + 1 + len].iter().collect();
    *i += len + 2;
    match parse_instant(&body) {
        Some(t) => Kind::Date(t),
        None => bad(
            column,
            format!(
                "invalid date [{}] at column {column}: expected an ISO-8601 date-time such as [2016-08-20T18:04:26Z]",
                body.escape_debug()
            ),
        ),
    }
}

/// `["-"] digit+ ["." digit+]`; `i` points at the first character.
fn lex_number(chars: &[char], i: &mut usize) -> Kind {
    let start = *i;
    let digits = |i: &mut usize| {
        let from = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    if chars[*i] == '-' {
        *i += 1;
    }
    if !digits(i) {
        let column = *i + 1;
        return bad(
            column,
            format!(
                "expected a digit after \"-\" at column {column}, found {}",
                describe_char(chars.get(*i))
            ),
        );
    }
    if chars.get(*i) == Some(&'.') {
        *i += 1;
        if !digits(i) {
            let column = *i + 1;
            return bad(
                column,
                format!(
                    "expected a digit after \".\" at column {column}, found {}",
                    describe_char(chars.get(*i))
                ),
            );
        }
    }
    let text: String = chars[start..*i].iter().collect();
    match Number::parse(&text) {
        Some(n) => Kind::Num(n),
        // Unreachable by construction; reported rather than panicking.
        None => bad(
            start + 1,
            format!("invalid number {text} at column {}", start + 1),
        ),
    }
}

/// `ident { "/" ident }`; `i` points at an identifier start.
fn lex_path(chars: &[char], i: &mut usize) -> Kind {
    let mut segments = Vec::new();
    loop {
        let from = *i;
        while chars.get(*i).is_some_and(|&c| is_ident_char(c)) {
            *i += 1;
        }
        segments.push(chars[from..*i].iter().collect());
        if chars.get(*i) != Some(&'/') {
            return Kind::Ident(segments);
        }
        *i += 1;
        if !chars.get(*i).is_some_and(|&c| is_ident_start(c)) {
            let column = *i + 1;
            return bad(
                column,
                format!(
                    "expected a field name after \"/\" at column {column}, found {}",
                    describe_char(chars.get(*i))
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        tokenize(text).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_and_columns() {
        let toks = tokenize("type/name <= 'x' , (1.5)");
        let cols: Vec<usize> = toks.iter().map(|t| t.column).collect();
        assert_eq!(cols, vec![1, 11, 14, 18, 20, 21, 24, 25]);
        assert_eq!(
            toks[0].kind,
            Kind::Ident(vec!["type".into(), "name".into()])
        );
        assert_eq!(toks[1].kind, Kind::Op(CmpOp::Le));
        assert_eq!(toks[2].kind, Kind::Str("x".into()));
        assert_eq!(toks[5].kind, Kind::Num(Number::parse("1.5").unwrap()));
    }

    #[test]
    fn multibyte_columns_count_characters() {
        let toks = tokenize("a = \"Сé\" #");
        assert_eq!(toks[2].kind, Kind::Str("Сé".into()));
        assert!(matches!(&toks[3].kind, Kind::Bad(e) if e.column == 10));
        let toks = tokenize("é");
        assert!(
            matches!(&toks[0].kind, Kind::Bad(e) if e.message == "unexpected character \"é\" at column 1")
        );
    }

    #[test]
    fn lexing_errors() {
        let cases = [
            ("a = \"abc", "unterminated string starting at column 5: add the closing \""),
            ("a = 'abc", "unterminated string starting at column 5: add the closing '"),
            ("a = [2020-01-01", "unterminated date starting at column 5: add the closing ]"),
            ("a = -x", "expected a digit after \"-\" at column 6, found \"x\""),
            ("a = 1.", "expected a digit after \".\" at column 7, found the end of the condition"),
            ("a/ = 1", "expected a field name after \"/\" at column 3, found \" \""),
            ("a ! 1", "unexpected character \"!\" at column 3 (did you mean \"!=\"?)"),
            ("a = 1 ; b", "unexpected character \";\" at column 7"),
            ("a = [tomorrow]", "invalid date [tomorrow] at column 5: expected an ISO-8601 date-time such as [2016-08-20T18:04:26Z]"),
        ];
        for (text, want) in cases {
            match kinds(text).pop() {
                Some(Kind::Bad(e)) => assert_eq!(e.message, want, "{text:?}"),
                other => panic!("{text:?}: expected a lexing error, got {other:?}"),
            }
        }
    }
}
