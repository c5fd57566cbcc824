//! What one file declares and names: its `mod` declarations (with
//! `#[path]`), its inline modules, and every path it writes, each `use`
//! tree expanded (`a::{b, c::{self, D}}`).

use std::path::{Path, PathBuf};

use crate::lex::{lex, Tok, Token};

/// A module's path inside its crate: `[]` is the crate root, `["cw", "auth"]`
/// is `crate::cw::auth`.
pub type ModPath = Vec<String>;

/// A path a module names, where it names it.
#[derive(Debug, Clone)]
pub struct Ref {
    pub from: ModPath,
    pub segs: Vec<String>,
    pub file: PathBuf,
    pub line: usize,
}

/// What one file declares and names.
#[derive(Default)]
pub struct FileScan {
    /// Modules in other files: their path, their file (`name.rs`, or
    /// `name/mod.rs` when that is missing) and whether a `#[path]` named it.
    pub files: Vec<(ModPath, PathBuf, bool)>,
    /// Inline modules (`mod tests { … }`).
    pub inline: Vec<ModPath>,
    pub refs: Vec<Ref>,
}

fn is(tokens: &[Token], i: usize, want: &Tok) -> bool {
    tokens.get(i).is_some_and(|t| &t.tok == want)
}

fn ident(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(word)) => Some(word),
        _ => None,
    }
}

/// Reads the file of module `module`; `children` is the folder of the
/// modules it declares.
pub fn scan(src: &str, module: &[String], file: &Path, children: &Path) -> FileScan {
    let tokens = lex(src);
    let mut scan = FileScan::default();
    // Inline modules open at a brace depth: (path, depth inside).
    let mut stack: Vec<(ModPath, usize)> = vec![(module.to_vec(), 0)];
    let (mut depth, mut path_attr, mut i) = (0, None::<String>, 0);
    while i < tokens.len() {
        let current = stack.last().map(|(m, _)| m.clone()).unwrap_or_default();
        match &tokens[i].tok {
            Tok::Punct('#') => {
                let mut j = i + 1 + usize::from(is(&tokens, i + 1, &Tok::Punct('!')));
                let mut brackets = 0;
                while j < tokens.len() {
                    match tokens[j].tok {
                        Tok::Punct('[') => brackets += 1,
                        Tok::Punct(']') => brackets -= 1,
                        _ => {}
                    }
                    if ident(&tokens, j) == Some("path") && is(&tokens, j + 1, &Tok::Punct('=')) {
                        if let Some(Tok::Str(p)) = tokens.get(j + 2).map(|t| &t.tok) {
                            path_attr = Some(p.clone());
                        }
                    }
                    j += 1;
                    if brackets == 0 {
                        break;
                    }
                }
                i = j;
                continue;
            }
            Tok::Ident(word) if word == "use" => {
                let mut end = i + 1;
                while end < tokens.len() && !is(&tokens, end, &Tok::Punct(';')) {
                    end += 1;
                }
                let mut paths = Vec::new();
                let mut pos = i + 1;
                use_tree(&tokens[..end], &mut pos, Vec::new(), &mut paths);
                for segs in paths {
                    let (file, line) = (file.to_path_buf(), tokens[i].line);
                    scan.refs.push(Ref {
                        from: current.clone(),
                        segs,
                        file,
                        line,
                    });
                }
                i = end + 1;
                path_attr = None;
                continue;
            }
            Tok::Ident(word) if word == "mod" && ident(&tokens, i + 1).is_some() => {
                let name = ident(&tokens, i + 1).unwrap_or_default().to_owned();
                let mut child = current.clone();
                child.push(name.clone());
                if is(&tokens, i + 2, &Tok::Punct(';')) {
                    let dir = file.parent().unwrap_or(Path::new(""));
                    scan.files.push(match path_attr.take() {
                        Some(p) => (child, dir.join(p), true),
                        None => (child, children.join(format!("{name}.rs")), false),
                    });
                    i += 3;
                    continue;
                }
                if is(&tokens, i + 2, &Tok::Punct('{')) {
                    depth += 1;
                    stack.push((child.clone(), depth));
                    scan.inline.push(child);
                    i += 3;
                    continue;
                }
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                while stack.len() > 1 && stack.last().is_some_and(|(_, d)| *d > depth) {
                    stack.pop();
                }
            }
            Tok::Ident(_)
                if is(&tokens, i + 1, &Tok::PathSep)
                    && ident(&tokens, i + 2).is_some()
                    && !(i > 0
                        && (is(&tokens, i - 1, &Tok::PathSep)
                            || is(&tokens, i - 1, &Tok::Punct('$')))) =>
            {
                let mut segs = Vec::new();
                let mut j = i;
                while let Some(seg) = ident(&tokens, j) {
                    segs.push(seg.to_owned());
                    if !(is(&tokens, j + 1, &Tok::PathSep) && ident(&tokens, j + 2).is_some()) {
                        break;
                    }
                    j += 2;
                }
                let (file, line) = (file.to_path_buf(), tokens[i].line);
                scan.refs.push(Ref {
                    from: current,
                    segs,
                    file,
                    line,
                });
                i = j + 1;
                continue;
            }
            _ => {}
        }
        if !is_visibility(&tokens[i].tok) {
            path_attr = None;
        }
        i += 1;
    }
    scan
}

/// Part of a visibility (`pub(crate)`, `pub(in super::a)`), which may stand
/// between a `#[path]` and its `mod`.
fn is_visibility(tok: &Tok) -> bool {
    match tok {
        Tok::Ident(word) => ["pub", "crate", "super", "in"].contains(&word.as_str()),
        Tok::Punct(c) => *c == '(' || *c == ')',
        _ => false,
    }
}

/// Expands one use tree (`a::{b, c::{self, D}}`) into its paths.
fn use_tree(tokens: &[Token], pos: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut segs = prefix;
    if is(tokens, *pos, &Tok::PathSep) {
        *pos += 1;
    }
    while *pos < tokens.len() {
        match &tokens[*pos].tok {
            Tok::Ident(word) => {
                segs.push(word.clone());
                *pos += 1;
                if is(tokens, *pos, &Tok::PathSep) {
                    *pos += 1;
                    continue;
                }
                if ident(tokens, *pos) == Some("as") {
                    *pos += 2;
                }
                out.push(segs);
                return;
            }
            Tok::Punct('*') => {
                *pos += 1;
                out.push(segs);
                return;
            }
            Tok::Punct('{') => {
                *pos += 1;
                while *pos < tokens.len() && !is(tokens, *pos, &Tok::Punct('}')) {
                    use_tree(tokens, pos, segs.clone(), out);
                    if is(tokens, *pos, &Tok::Punct(',')) {
                        *pos += 1;
                    }
                }
                *pos += 1;
                return;
            }
            _ => {
                *pos += 1;
                return;
            }
        }
    }
}
