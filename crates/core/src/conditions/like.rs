//! SQL-Server-style `like` patterns, matched case-insensitively.
//!
//! `%` and `*` match any run of characters (ConnectWise documents both), `_` one
//! character, `[abc]` / `[a-z]` one character from a class and `[^abc]` one not
//! in it; `[[]`, `[%]`, `[_]` match the literal character. A `[` with no closing
//! `]`, or `[]`, is a literal `[`. Matching is O(pattern × text), never exponential.

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    AnyRun,
    AnyChar,
    Char(char),
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A compiled `like` pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LikePattern {
    pieces: Vec<Piece>,
}

impl LikePattern {
    pub fn new(pattern: &str) -> Self {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pieces = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            let piece = match c {
                '%' | '*' => {
                    if pieces.last() == Some(&Piece::AnyRun) {
                        continue;
                    }
                    Piece::AnyRun
                }
                '_' => Piece::AnyChar,
                '[' => match chars[i..].iter().position(|&q| q == ']') {
                    Some(len) if len > 0 => {
                        let class = &chars[i..i + len];
                        i += len + 1;
                        class_piece(class)
                    }
                    _ => Piece::Char('['),
                },
                c => Piece::Char(c),
            };
            pieces.push(piece);
        }
        LikePattern { pieces }
    }

    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let pieces = &self.pieces;
        let (mut p, mut t) = (0, 0);
        // After the last `%`: the piece index following it and the text index it
        // currently absorbs up to; on a mismatch the `%` swallows one more char.
        let mut backtrack: Option<(usize, usize)> = None;
        while t < text.len() {
            match pieces.get(p) {
                Some(Piece::AnyRun) => {
                    p += 1;
                    backtrack = Some((p, t));
                }
                Some(piece) if piece_matches(piece, text[t]) => {
                    p += 1;
                    t += 1;
                }
                _ => match backtrack {
                    Some((after, absorbed)) => {
                        p = after;
                        t = absorbed + 1;
                        backtrack = Some((after, absorbed + 1));
                    }
                    None => return false,
                },
            }
        }
        pieces[p.min(pieces.len())..]
            .iter()
            .all(|piece| *piece == Piece::AnyRun)
    }
}

fn class_piece(class: &[char]) -> Piece {
    let (negated, body) = match class.split_first() {
        Some(('^', rest)) if !rest.is_empty() => (true, rest),
        _ => (false, class),
    };
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(&lo) = body.get(i) {
        match (body.get(i + 1), body.get(i + 2)) {
            (Some('-'), Some(&hi)) => {
                ranges.push((lo, hi));
                i += 3;
            }
            _ => {
                ranges.push((lo, lo));
                i += 1;
            }
        }
    }
    Piece::Class { negated, ranges }
}

/// `c` itself plus its single-character lower- and upper-case forms.
fn case_variants(c: char) -> impl Iterator<Item = char> {
    fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
        let first = chars.next()?;
        chars.next().is_none().then_some(first)
    }
    let lower = single(c.to_lowercase());
    let upper = single(c.to_uppercase());
    std::iter::once(c).chain(lower).chain(upper)
}

pub(crate) fn chars_eq_ci(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

fn piece_matches(piece: &Piece, c: char) -> bool {
    match piece {
        Piece::AnyRun | Piece::AnyChar => true,
        Piece::Char(p) => chars_eq_ci(*p, c),
        Piece::Class { negated, ranges } => {
            let hit = case_variants(c).any(|v| ranges.iter().any(|&(lo, hi)| lo <= v && v <= hi));
            hit != *negated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_table() {
        let cases = [
            ("%ICB", "Business Continuity ICB", true),
            ("%icb", "Business Continuity ICB", true),
            ("%ICB", "ICB Business", false),
            ("Fred%", "fred flintstone", true),
            ("%SP%", "a sp b", true),
            ("%SP%", "a s p b", false),
            ("*Continuity", "Business Continuity", true),
            ("%", "", true),
            ("", "", true),
            ("", "x", false),
            ("_", "x", true),
            ("_", "", false),
            ("_", "С", true),
            ("a_c", "abc", true),
            ("a_c", "abbc", false),
            ("[[]x]", "[x]", true),
            ("[[]x]", "x]", false),
            ("[%]%", "%off", true),
            ("[%]%", "off", false),
            ("[_]a", "_a", true),
            ("[_]a", "ba", false),
            ("[a-c]1", "B1", true),
            ("[a-c]1", "d1", false),
            ("[^a-c]1", "d1", true),
            ("[^a-c]1", "a1", false),
            ("[abc]", "c", true),
            ("[-a]", "-", true),
            ("[a", "[a", true),
            ("[]", "[]", true),
            ("Business Сontinuity", "Business Continuity", false),
            (
                "%a%a%a%a%a%a%a%b",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                false,
            ),
            ("%%x", "x", true),
            ("x%", "x", true),
            ("x%y", "xaaay", true),
            ("x%y", "xaaayz", false),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(
                LikePattern::new(pattern).matches(text),
                want,
                "{pattern:?} like {text:?}"
            );
        }
    }
}
