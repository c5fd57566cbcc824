//! The event and backup types the Dashboard has sent, which the engine
//! records each cycle and `ops::seen_types` offers as filters on the
//! Defaults and Companies screens. The Dashboard may send any string, so
//! each list is capped ([`SEEN_TYPES_MAX`] entries of at most
//! [`SEEN_TYPE_MAX_CHARS`] characters): one settings row and a pick-list
//! stay small, and adding to a list costs a set look-up, not a scan.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// Settings key where the engine records the types the Dashboard has sent.
pub const SEEN_TYPES_KEY: &str = "internal.seen_types";
/// Most types kept per list (event types, backup types); later ones are not
/// recorded.
pub const SEEN_TYPES_MAX: usize = 200;
/// Longest type kept, in characters: a longer value is no useful filter.
pub const SEEN_TYPE_MAX_CHARS: usize = 64;

/// Event and backup types to offer: the documented ones, plus any the
/// Dashboard has sent (unknown types are kept and filterable).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeenTypes {
    pub event_types: Vec<String>,
    pub backup_types: Vec<String>,
}

impl SeenTypes {
    /// The stored lists (settings value), capped; empty when absent or unreadable.
    pub(crate) fn from_stored(text: Option<&str>) -> SeenTypes {
        let mut seen: SeenTypes = text
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        seen.cap();
        seen
    }

    /// Adds an event's types when not listed yet (in the order first seen).
    /// Each check is bounded by the cap: a full list returns at once.
    pub fn note(&mut self, event_type: &str, backup_type: &str) {
        add_missing(&mut self.event_types, event_type);
        add_missing(&mut self.backup_types, backup_type);
    }

    /// Adds the types of `other` not listed yet, up to the cap; whether any
    /// was new. One set of the listed types per call: O(n log n) overall.
    pub fn merge(&mut self, other: &SeenTypes) -> bool {
        let events = merge_list(&mut self.event_types, &other.event_types);
        let backups = merge_list(&mut self.backup_types, &other.backup_types);
        events || backups
    }

    /// Drops duplicates, over-long values and entries past the cap (a list
    /// stored before the cap existed); whether anything was dropped.
    pub fn cap(&mut self) -> bool {
        let events = cap_list(&mut self.event_types);
        let backups = cap_list(&mut self.backup_types);
        events || backups
    }
}

/// Whether `value` may be listed at all.
fn keepable(value: &str) -> bool {
    !value.is_empty() && value.chars().count() <= SEEN_TYPE_MAX_CHARS
}

fn add_missing(list: &mut Vec<String>, value: &str) -> bool {
    if list.len() >= SEEN_TYPES_MAX || !keepable(value) || list.iter().any(|v| v == value) {
        return false;
    }
    list.push(value.to_owned());
    true
}

fn merge_list(list: &mut Vec<String>, more: &[String]) -> bool {
    let mut listed: HashSet<String> = list.iter().cloned().collect();
    let mut added = false;
    for value in more {
        if list.len() >= SEEN_TYPES_MAX {
            break;
        }
        if keepable(value) && listed.insert(value.clone()) {
            list.push(value.clone());
            added = true;
        }
    }
    added
}

fn cap_list(list: &mut Vec<String>) -> bool {
    let before = list.len();
    let mut kept = Vec::with_capacity(before.min(SEEN_TYPES_MAX));
    merge_list(&mut kept, list);
    let changed = kept != *list;
    *list = kept;
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn many(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    /// REGRESSION: a Dashboard sending a new type in every event grew the
    /// stored list (and the UI's pick-lists) without bound.
    #[test]
    fn lists_stop_at_the_cap() {
        let mut seen = SeenTypes::default();
        let cycle = SeenTypes {
            event_types: many("E", 1_000),
            backup_types: many("B", 1_000),
        };
        assert!(seen.merge(&cycle));
        assert_eq!(seen.event_types.len(), SEEN_TYPES_MAX);
        assert_eq!(seen.backup_types.len(), SEEN_TYPES_MAX);
        // First seen are kept, in order.
        assert_eq!(seen.event_types[..2], ["E0", "E1"]);
        // Full: nothing more is added, by merge or by note.
        assert!(!seen.merge(&SeenTypes {
            event_types: vec!["Late".into()],
            backup_types: vec![],
        }));
        seen.note("Late", "Late");
        assert!(!seen.event_types.contains(&"Late".to_owned()));
        assert_eq!(seen.backup_types.len(), SEEN_TYPES_MAX);
    }

    #[test]
    fn long_empty_and_repeated_types_are_not_listed() {
        let long = "x".repeat(SEEN_TYPE_MAX_CHARS + 1);
        let fits = "é".repeat(SEEN_TYPE_MAX_CHARS);
        let mut seen = SeenTypes::default();
        seen.note(&long, "");
        seen.note(&fits, "Image");
        seen.note(&fits, "Image");
        assert!(!seen.merge(&SeenTypes {
            event_types: vec![long.clone(), fits.clone()],
            backup_types: vec!["Image".into(), String::new()],
        }));
        assert_eq!(seen.event_types, [fits]);
        assert_eq!(seen.backup_types, ["Image"]);
    }

    #[test]
    fn a_list_stored_before_the_cap_is_trimmed_on_load() {
        let mut events = many("E", 300);
        events.insert(1, "E0".into());
        events.insert(2, "y".repeat(100));
        let stored = serde_json::to_string(&SeenTypes {
            event_types: events,
            backup_types: vec!["FileLevel".into()],
        })
        .unwrap();
        let seen = SeenTypes::from_stored(Some(&stored));
        assert_eq!(seen.event_types, many("E", SEEN_TYPES_MAX));
        assert_eq!(seen.backup_types, ["FileLevel"]);
        let mut again = seen.clone();
        assert!(!again.cap(), "a capped list stays as it is");
        assert_eq!(
            SeenTypes::from_stored(Some("not json")),
            SeenTypes::default()
        );
    }
}
