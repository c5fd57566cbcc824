//! Text rules ConnectWise imposes on fields the app writes or filters on.
//!
//! `summary` and `externalXRef` are limited to 100 characters, and single-line
//! fields turn `\r`, `\n`, `\t` into garbage, so they are cleaned client-side.

/// Maximum length of a ticket summary, in characters.
pub const SUMMARY_MAX_CHARS: usize = 100;
/// Maximum length of a ticket's `externalXRef`, in characters.
pub const EXTERNAL_XREF_MAX_CHARS: usize = 100;

const ELLIPSIS: char = '…';

/// Cleans and shortens a ticket summary to at most 100 characters.
///
/// Control characters (`\r`, `\n`, `\t`, …) become spaces, runs of spaces
/// collapse, and a summary that is too long is cut at the last word boundary
/// that leaves room for "…" (or mid-word when a single word is too long).
pub fn truncate_summary(s: &str) -> String {
    let cleaned = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.chars().count() <= SUMMARY_MAX_CHARS {
        return cleaned;
    }
    let budget = SUMMARY_MAX_CHARS - 1; // room for the ellipsis
    let head: String = cleaned.chars().take(budget).collect();
    let next_is_space = cleaned.chars().nth(budget) == Some(' ');
    let cut = if next_is_space {
        head.as_str()
    } else {
        match head.rfind(' ') {
            // Keep at least half the budget, otherwise a long last word would leave a stub.
            Some(pos) if head[..pos].chars().count() >= budget / 2 => &head[..pos],
            _ => head.as_str(),
        }
    };
    let cut = cut.trim_end_matches([' ', '-', ',', ';', ':', '.', '(']);
    format!("{cut}{ELLIPSIS}")
}

/// Cleans an `externalXRef` the same way everywhere (create, lookup, and any
/// comparison with a ticket's stored value), so a long key is cut identically
/// and still finds its ticket. Double quotes are dropped because a condition
/// string cannot carry both quote kinds (see `conditions::quote_string`).
pub fn clamp_external_xref(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(EXTERNAL_XREF_MAX_CHARS)
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_cleaned_and_truncated() {
        let long_words = "word ".repeat(30);
        let long_single = "x".repeat(150);
        let accented = "é".repeat(120);
        let exact = "a".repeat(100);
        let cases: Vec<(&str, String)> = vec![
            ("Short summary", "Short summary".into()),
            ("line1\r\nline2\tend", "line1 line2 end".into()),
            ("  padded   spaces  ", "padded spaces".into()),
            (&exact, exact.clone()),
            // 20 words joined by spaces are exactly 99 chars, then the ellipsis.
            (&long_words, format!("{}…", vec!["word"; 20].join(" "))),
            (&long_single, format!("{}…", "x".repeat(99))),
            (&accented, format!("{}…", "é".repeat(99))),
        ];
        for (input, want) in cases {
            let got = truncate_summary(input);
            assert_eq!(got, want, "input {input:?}");
            assert!(got.chars().count() <= SUMMARY_MAX_CHARS);
        }
    }

    #[test]
    fn truncation_cuts_at_word_boundary() {
        let input = format!("Error: SRV01 - {} (Nightly files backup)", "a".repeat(80));
        let got = truncate_summary(&input);
        assert!(got.chars().count() <= SUMMARY_MAX_CHARS, "{got}");
        assert!(got.ends_with('…'));
        assert!(got.starts_with("Error: SRV01"));
        // "a"*80 ends at char 95; the cut falls inside "(Nightly", so the word is dropped.
        assert_eq!(got, format!("Error: SRV01 - {}…", "a".repeat(80)));
    }

    #[test]
    fn external_xref_is_clamped() {
        assert_eq!(clamp_external_xref("bb:abc"), "bb:abc");
        assert_eq!(clamp_external_xref("bb:a\nb"), "bb:ab");
        assert_eq!(clamp_external_xref("bb:it's \"x\""), "bb:it's x");
        let long = format!("bb:{}", "é".repeat(200));
        assert_eq!(clamp_external_xref(&long).chars().count(), 100);
    }
}
