//! Shared causes (issue 17, the pure half of the roll-up): a failure
//! message masked down to what stays the same when one cause breaks many
//! machines at once, and the groups of a cycle's new failures that share
//! one. Building the roll-up ticket itself is the engine's job, not this
//! module's.
//!
//! [`shared_cause`] replaces what differs from machine to machine — URLs,
//! paths, GUIDs, IP addresses, dates, times, sizes, the computer's own
//! name and counts — with placeholders, and collapses whitespace. An error
//! code (`Error 1603`, `exit code 5`, `0x80070005`) is kept: two codes are
//! two causes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde::Serialize;

/// One pattern and its placeholder, applied in order.
struct Mask {
    pattern: Regex,
    placeholder: &'static str,
}

fn mask(pattern: &str, placeholder: &'static str) -> Mask {
    #[allow(clippy::expect_used)] // a constant pattern; the tests compile every one
    let pattern = Regex::new(pattern).expect("valid mask pattern");
    Mask {
        pattern,
        placeholder,
    }
}

/// The masks before the computer name: the ones whose text may contain it
/// (a URL or UNC path naming the machine).
static OUTER: LazyLock<Vec<Mask>> = LazyLock::new(|| {
    vec![
        mask(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s'\x22<>]+", "<url>"),
        // A quoted path may hold spaces (`'C:\Program Files\…'`).
        mask(
            r#"'(?:[A-Za-z]:\\|\\\\|/)[^']*'|"(?:[A-Za-z]:\\|\\\\|/)[^"]*""#,
            "'<path>'",
        ),
        mask(r#"\\\\[^\s\\'"]+(?:\\[^\s'"]*)?"#, "<path>"),
        mask(r#"\b[A-Za-z]:\\[^\s'"]*"#, "<path>"),
        mask(r#"(?:^|[\s(=\[,])(/[^\s/'"]+(?:/[^\s'"]*)?)"#, "<path>"),
        mask(
            r"\{?\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b\}?",
            "<guid>",
        ),
        mask(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b", "<email>"),
    ]
});

/// The masks after the computer name.
static INNER: LazyLock<Vec<Mask>> = LazyLock::new(|| {
    vec![
        // Before the times: `10.0.0.5:10006` is no time.
        mask(
            r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b|\[?\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b\]?|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}\b)?",
            "<ip>",
        ),
        mask(
            r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b",
            "<time>",
        ),
        mask(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b", "<date>"),
        mask(
            r"(?i)\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?[ap]\.?m\b\.?)?",
            "<time>",
        ),
        mask(
            r"(?i)\b\d+(?:[.,]\d+)?\s?(?:[kmgtp]i?b|bytes?|b)\b",
            "<size>",
        ),
        mask(
            r"(?i)\b\d+(?:[.,]\d+)?\s?(?:ms|milliseconds?|s|sec|seconds?|mins?|minutes?|h|hours?|days?)\b",
            "<duration>",
        ),
    ]
});

/// A number after these words is an error code, kept.
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)] // a constant pattern; the tests use it
    Regex::new(r"(?i)\b(error|code|hresult|status|event id)(\s*[:#]?\s*)(-?\d+)\b")
        .expect("valid code pattern")
});

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)] // a constant pattern; the tests use it
    Regex::new(r"\b0x[0-9A-Fa-f]+\b|\b\d+(?:[.,]\d+)*\b").expect("valid number pattern")
});

/// Request and session ids: a long hex word with a digit in it.
static HEX_ID: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)] // a constant pattern; the tests use it
    Regex::new(r"\b[0-9A-Fa-f]{8,}\b").expect("valid id pattern")
});

static SPACE: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)] // a constant pattern
    Regex::new(r"\s+").expect("valid space pattern")
});

/// `message` with what differs from machine to machine masked, so that the
/// same failure on different machines gives the same text. `computer` is
/// the event's computer name (masked wherever it appears, with or without
/// its domain).
pub fn shared_cause(message: &str, computer: &str) -> String {
    let mut text = message.to_owned();
    for m in OUTER.iter() {
        text = replace(&m.pattern, &text, m.placeholder);
    }
    let computer = computer.trim();
    if !computer.is_empty() {
        // Word boundaries only where the name has a word character.
        let edge = |c: Option<char>| match c {
            Some(c) if c.is_alphanumeric() || c == '_' => r"\b",
            _ => "",
        };
        let name = format!(
            r"(?i){}{}(?:\.[a-z0-9-]*[a-z0-9])*{}",
            edge(computer.chars().next()),
            regex::escape(computer),
            edge(computer.chars().last())
        );
        if let Ok(name) = Regex::new(&name) {
            text = name.replace_all(&text, "<computer>").into_owned();
        }
    }
    for m in INNER.iter() {
        text = replace(&m.pattern, &text, m.placeholder);
    }
    text = HEX_ID
        .replace_all(&text, |c: &Captures<'_>| {
            let all_digits = c[0].bytes().all(|b| b.is_ascii_digit());
            if c[0].bytes().any(|b| b.is_ascii_digit()) && !all_digits {
                "<id>".to_owned()
            } else {
                c[0].to_owned()
            }
        })
        .into_owned();
    // Error codes are kept: set them aside while the counts go.
    let mut codes = Vec::new();
    text = CODE
        .replace_all(&text, |c: &Captures<'_>| {
            codes.push(c[3].to_owned());
            format!("{}{}\u{0}", &c[1], &c[2])
        })
        .into_owned();
    text = NUMBER
        .replace_all(&text, |c: &Captures<'_>| {
            if c[0].starts_with("0x") {
                c[0].to_owned()
            } else {
                "<n>".to_owned()
            }
        })
        .into_owned();
    for code in codes {
        text = text.replacen('\u{0}', &code, 1);
    }
    SPACE.replace_all(text.trim(), " ").into_owned()
}

/// Replaces each match of `pattern` with `placeholder`, keeping the
/// character before a match that its first group excludes (a Unix path's
/// leading space).
fn replace(pattern: &Regex, text: &str, placeholder: &str) -> String {
    pattern
        .replace_all(text, |c: &Captures<'_>| match (c.get(0), c.get(1)) {
            (Some(all), Some(inner)) => {
                let lead = &text[all.start()..inner.start()];
                format!("{lead}{placeholder}")
            }
            _ => placeholder.to_owned(),
        })
        .into_owned()
}

/// One of a cycle's new failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewFailure<'a> {
    pub event_id: &'a str,
    pub company_id: &'a str,
    pub computer: &'a str,
    pub message: &'a str,
}

/// New failures that share one cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CauseGroup {
    /// The masked message ([`shared_cause`]).
    pub cause: String,
    /// The failures' event ids, in the order given.
    pub event_ids: Vec<String>,
    pub companies: BTreeSet<String>,
    pub computers: BTreeSet<String>,
}

/// The groups of `failures` sharing a cause with at least `min` members
/// (never fewer than two: one failure is no shared cause), largest first,
/// then by cause.
pub fn shared_causes(failures: &[NewFailure<'_>], min: usize) -> Vec<CauseGroup> {
    let mut groups: BTreeMap<String, CauseGroup> = BTreeMap::new();
    for f in failures {
        let cause = shared_cause(f.message, f.computer);
        let group = groups.entry(cause.clone()).or_insert_with(|| CauseGroup {
            cause,
            event_ids: Vec::new(),
            companies: BTreeSet::new(),
            computers: BTreeSet::new(),
        });
        group.event_ids.push(f.event_id.to_owned());
        group.companies.insert(f.company_id.to_owned());
        group.computers.insert(f.computer.to_owned());
    }
    let mut out: Vec<CauseGroup> = groups
        .into_values()
        .filter(|g| g.event_ids.len() >= min.max(2))
        .collect();
    // Stable: equal sizes stay in cause order.
    out.sort_by_key(|g| std::cmp::Reverse(g.event_ids.len()));
    out
}

#[cfg(test)]
#[path = "storm_tests.rs"]
mod tests;
