//! Text rules ConnectWise imposes on fields the app writes or filters on.
//!
//! `summary` and `externalXRef` are limited to 100 characters as ConnectWise
//! counts them (.NET and SQL Server count UTF-16 code units, so an emoji is
//! two), and single-line fields turn `\r`, `\n`, `\t` into garbage, so they
//! are cleaned client-side. Invisible bidi and zero-width format characters
//! ([`is_invisible_format`]) are dropped from everything shown to people:
//! they can make a ticket read differently from what it says.

/// Maximum length of a ticket summary, in UTF-16 code units (what
/// ConnectWise counts; the same as characters for most text).
pub const SUMMARY_MAX_CHARS: usize = 100;
/// Maximum length of a ticket's `externalXRef`, in UTF-16 code units.
pub const EXTERNAL_XREF_MAX_CHARS: usize = 100;

const ELLIPSIS: char = '…';

/// Cleans and shortens a ticket summary to at most 100 UTF-16 units.
///
/// Invisible format characters are dropped, control characters (`\r`,
/// `\n`, `\t`, …) become spaces, runs of spaces collapse, and a summary that
/// is too long is cut at the last word boundary that leaves room for "…" (or
/// mid-word when a single word is too long), never inside a character.
pub fn truncate_summary(s: &str) -> String {
    let cleaned = s
        .chars()
        .filter(|c| !is_invisible_format(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if utf16_len(&cleaned) <= SUMMARY_MAX_CHARS {
        return cleaned;
    }
    let budget = SUMMARY_MAX_CHARS - ELLIPSIS.len_utf16();
    let head = utf16_prefix(&cleaned, budget);
    let next_is_space = cleaned[head.len()..].starts_with(' ');
    let cut = if next_is_space {
        head
    } else {
        match head.rfind(' ') {
            // Keep at least half the budget, otherwise a long last word would leave a stub.
            Some(pos) if utf16_len(&head[..pos]) >= budget / 2 => &head[..pos],
            _ => head,
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
    let kept: String = s.chars().filter(|c| !c.is_control() && *c != '"').collect();
    utf16_prefix(&kept, EXTERNAL_XREF_MAX_CHARS)
        .trim()
        .to_string()
}

/// Length of `s` as ConnectWise counts it: UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The longest prefix of `s` of at most `max` UTF-16 units, ending on a
/// character boundary.
pub fn utf16_prefix(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (at, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..at];
        }
    }
    s
}

/// Invisible bidi and zero-width format characters (Unicode Cf): U+061C,
/// U+200B–U+200F, U+202A–U+202E, U+2060–U+2064, U+2066–U+2069 and U+FEFF.
/// They reorder or hide text, so a summary or note could show something
/// other than what it holds; BackupBridge drops them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `text` without [`is_invisible_format`] characters.
pub fn strip_invisible(text: &str) -> String {
    text.chars().filter(|c| !is_invisible_format(*c)).collect()
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

    /// REGRESSION: limits counted characters, but ConnectWise counts UTF-16
    /// units, so a summary or xref with emoji passed the client's check and
    /// was refused by the server (400) every cycle.
    #[test]
    fn limits_count_utf16_units() {
        let emoji = "😀".repeat(60); // 60 characters, 120 units
        let got = truncate_summary(&emoji);
        assert_eq!(got, format!("{}…", "😀".repeat(49)));
        assert!(utf16_len(&got) <= SUMMARY_MAX_CHARS);
        let mixed = format!("Error: {} end", "a😀".repeat(40));
        let got = truncate_summary(&mixed);
        assert!(utf16_len(&got) <= SUMMARY_MAX_CHARS, "{got}");
        assert!(got.ends_with('…'));
        let xref = clamp_external_xref(&format!("bb:{}", "😀".repeat(60)));
        assert_eq!(xref, format!("bb:{}", "😀".repeat(48)));
        assert_eq!(utf16_len(&xref), 99);
        assert_eq!(utf16_prefix("a😀b", 2), "a");
        assert_eq!(utf16_prefix("a😀b", 3), "a😀");
        // ASCII and other one-unit text is cut exactly where it was.
        assert_eq!(clamp_external_xref(&"x".repeat(150)), "x".repeat(100));
    }

    /// REGRESSION: bidi overrides and zero-width characters went into
    /// summaries as sent, so a ticket could read differently from its text.
    #[test]
    fn invisible_format_characters_are_dropped() {
        let sneaky =
            "Error:\u{202E}txt.exe\u{202C} \u{200B}SRV\u{2066}01\u{2069}\u{FEFF}\u{061C}\u{2060}";
        assert_eq!(truncate_summary(sneaky), "Error:txt.exe SRV01");
        assert_eq!(strip_invisible("a\u{200D}b\u{200E}c\u{2064}"), "abc");
        for c in ['\u{200A}', '\u{2010}', '\u{2065}', '\u{FEFE}', 'é'] {
            assert!(!is_invisible_format(c), "{c:?}");
        }
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
