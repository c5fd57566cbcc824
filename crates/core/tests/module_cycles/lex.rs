//! The tokens of a Rust file that name modules: identifiers, `::`,
//! punctuation and string literals (for `#[path]`), with their lines.
//! Comments, lifetimes, numbers and whitespace are dropped.

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    PathSep,
    Punct(char),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
}

/// The tokens that matter here, with their lines; comments, lifetimes,
/// numbers and whitespace dropped, string literals kept (for `#[path]`).
pub fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let ident_char = |ch: char| ch == '_' || ch.is_alphanumeric();
    let (mut out, mut i, mut line) = (Vec::new(), 0, 1);
    // Skips a quoted literal whose opening quote is at `i`; returns its text.
    let quoted = |i: &mut usize, line: &mut usize| {
        let mut text = String::new();
        *i += 1;
        while *i < c.len() && c[*i] != '"' {
            if c[*i] == '\\' {
                *i += 1;
            }
            *line += usize::from(at(*i) == '\n');
            text.push(at(*i));
            *i += 1;
        }
        *i += 1;
        text
    };
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
        match ch {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(c[i] == '\n');
                        i += 1;
                    }
                }
            }
            '"' => {
                let text = quoted(&mut i, &mut line);
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
            }
            'b' if at(i + 1) == '"' => {
                i += 1;
                quoted(&mut i, &mut line);
            }
            'b' if at(i + 1) == '\'' => i += 1,
            'r' | 'b' if raw_string_at(&c, i) => {
                i += if ch == 'b' { 2 } else { 1 };
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1;
                let mut text = String::new();
                loop {
                    if i >= c.len() {
                        break;
                    }
                    if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        i += 1 + hashes;
                        break;
                    }
                    line += usize::from(c[i] == '\n');
                    text.push(c[i]);
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
            }
            'r' if at(i + 1) == '#' && ident_char(at(i + 2)) => i += 2,
            '\'' if at(i + 1) == '\\' => {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if at(i + 2) == '\'' => i += 3,
            // A lifetime or a label.
            '\'' => {
                i += 1;
                while ident_char(at(i)) {
                    i += 1;
                }
            }
            _ if ch.is_ascii_digit() => {
                while ident_char(at(i)) {
                    i += 1;
                }
            }
            _ if ident_char(ch) => {
                let begin = i;
                while ident_char(at(i)) {
                    i += 1;
                }
                let word = c[begin..i].iter().collect();
                out.push(Token {
                    tok: Tok::Ident(word),
                    line,
                });
            }
            ':' if at(i + 1) == ':' => {
                out.push(Token {
                    tok: Tok::PathSep,
                    line,
                });
                i += 2;
            }
            _ if ch.is_whitespace() => i += 1,
            _ => {
                out.push(Token {
                    tok: Tok::Punct(ch),
                    line,
                });
                i += 1;
            }
        }
    }
    out
}

/// `r"`, `r#"`, `br"` or `br#"` starts at `i`.
fn raw_string_at(c: &[char], i: usize) -> bool {
    let mut j = i + usize::from(c[i] == 'b');
    if c.get(j) != Some(&'r') {
        return false;
    }
    j += 1;
    while c.get(j) == Some(&'#') {
        j += 1;
    }
    c.get(j) == Some(&'"')
}
