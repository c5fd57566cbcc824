//! The OS conditions of one file: `cfg(…)`, `cfg!(…)` and the condition of
//! `cfg_attr(…, …)` that name the OS, with the item an attribute is on.

use crate::lex::{lex, Tok, Token};

/// Names that make a condition depend on the OS.
const OS_NAMES: &[&str] = &[
    "windows",
    "unix",
    "target_os",
    "target_family",
    "target_env",
    "target_vendor",
];

/// One OS condition.
#[derive(Debug)]
pub struct OsCfg {
    pub line: usize,
    /// The condition as written (spaces normalised), for the report.
    pub text: String,
    /// `mod name` or `fn name` for an attribute on a module or a function,
    /// `whole file` for an inner attribute (`#![cfg(…)]`).
    pub item: Option<String>,
}

/// Every OS condition in `src`.
pub fn os_cfgs(src: &str) -> Vec<OsCfg> {
    let tokens = lex(src);
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Tok::Ident(word) = &token.tok else {
            continue;
        };
        let bang = is_punct(tokens.get(i + 1), '!');
        let open = i + 1 + usize::from(bang);
        if !is_punct(tokens.get(open), '(') || !(word == "cfg" || word == "cfg_attr" && !bang) {
            continue;
        }
        let close = matching(&tokens, open);
        // `cfg_attr`: only the condition, up to its first top-level comma.
        let end = if word == "cfg_attr" {
            top_level_comma(&tokens, open, close).unwrap_or(close)
        } else {
            close
        };
        let condition = &tokens[open + 1..end];
        let names_os = condition
            .iter()
            .any(|t| matches!(&t.tok, Tok::Ident(name) if OS_NAMES.contains(&name.as_str())));
        if !names_os {
            continue;
        }
        let inner = render(condition);
        let text = match (word.as_str(), bang) {
            ("cfg_attr", _) => format!("cfg_attr({inner}, …)"),
            (_, true) => format!("cfg!({inner})"),
            _ => format!("cfg({inner})"),
        };
        let item = if !bang && word == "cfg" && is_inner_attribute(&tokens, i) {
            Some("whole file".to_string())
        } else {
            (!bang && word == "cfg")
                .then(|| item_after_attribute(&tokens, close))
                .flatten()
        };
        out.push(OsCfg {
            line: token.line,
            text,
            item,
        });
    }
    out
}

fn is_punct(token: Option<&Token>, c: char) -> bool {
    token.is_some_and(|t| t.tok == Tok::Punct(c))
}

/// The index of the bracket closing the one at `open`.
fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

fn top_level_comma(tokens: &[Token], open: usize, close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().take(close).skip(open + 1) {
        match token.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(',') if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether the word at `at` opens an inner attribute, `#![…]`: one on the
/// whole file.
fn is_inner_attribute(tokens: &[Token], at: usize) -> bool {
    at >= 3
        && is_punct(tokens.get(at - 1), '[')
        && is_punct(tokens.get(at - 2), '!')
        && is_punct(tokens.get(at - 3), '#')
}

/// `mod name` or `fn name` of the item an attribute ending with the `)` at
/// `close` is on, past further attributes and qualifiers.
fn item_after_attribute(tokens: &[Token], close: usize) -> Option<String> {
    if !is_punct(tokens.get(close + 1), ']') {
        return None;
    }
    let mut i = close + 2;
    while is_punct(tokens.get(i), '#') && is_punct(tokens.get(i + 1), '[') {
        i = matching(tokens, i + 1) + 1;
    }
    while let Some(Tok::Ident(word)) = tokens.get(i).map(|t| &t.tok) {
        if word == "mod" || word == "fn" {
            return match tokens.get(i + 1).map(|t| &t.tok) {
                Some(Tok::Ident(name)) => Some(format!("{word} {name}")),
                _ => None,
            };
        }
        i += 1;
    }
    None
}

/// Tokens as text: `all(unix, not(target_os = "macos"))`.
fn render(tokens: &[Token]) -> String {
    let mut out = String::new();
    for token in tokens {
        match &token.tok {
            Tok::Ident(word) => {
                if out.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '"') {
                    out.push(' ');
                }
                out.push_str(word);
            }
            Tok::Str(text) => {
                out.push_str(&format!(" \"{text}\""));
            }
            Tok::PathSep => out.push_str("::"),
            Tok::Punct('=') => out.push_str(" ="),
            Tok::Punct(',') => out.push_str(", "),
            Tok::Punct(c) => out.push(*c),
        }
    }
    out
}
