#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Fuzzing the Dashboard JSON decoding (design §4 rule 11) with proptest:
//! any bytes, any JSON page, and pages of real-looking events with fields
//! removed, mistyped or garbled. Decoding never panics; every item is either
//! an event or a rejection naming its position; good items always decode,
//! in order and unchanged; a broken field is named in its rejection.
//!
//! Bounded cases in the normal `cargo test`; more with
//! `PROPTEST_CASES=100000 cargo test -p bridge-core --test dashboard_decode_props`
//! (and see FUZZING.md for the cargo-fuzz target).

use std::collections::BTreeSet;

use bridge_core::source::{decode_event_page, SourceError};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Fields a good event has, with whether they are required.
const FIELDS: &[(&str, bool)] = &[
    ("id", true),
    ("companyId", true),
    ("computer", false),
    ("plan", false),
    ("backupType", true),
    ("eventType", true),
    ("jobStatus", true),
    ("message", false),
    ("details", false),
    ("startedAt", false),
    ("updatedAt", false),
];

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A well-formed event; `n` keeps ids unique within a page.
fn good_event(n: usize) -> impl Strategy<Value = Value> {
    (
        "[a-z0-9-]{0,8}",
        "c-[0-9]{1,4}",
        any::<String>(),
        any::<String>(),
        prop::sample::select(vec!["FileLevel", "ImageBased", "HyperV", ""]),
        prop::sample::select(vec!["Error", "Warning", "BackupAnomaly", "Info"]),
        prop::sample::select(vec!["Failed", "Warning", "Completed", "Running"]),
        any::<String>(),
        prop::collection::vec(("[a-z0-9]{1,6}", any::<String>()), 0..3),
    )
        .prop_map(
            move |(id, company, computer, plan, bt, et, js, message, details)| {
                let details: Vec<Value> = details
                .into_iter()
                .enumerate()
                .map(|(i, (d, text))| {
                    json!({"id": format!("{d}-{i}"), "kind": "FileLevelErrorDetails", "text": text})
                })
                .collect();
                json!({
                    "id": format!("evt-{n}-{id}"), "companyId": company, "computer": computer,
                    "plan": plan, "backupType": bt, "eventType": et, "jobStatus": js,
                    "message": message, "details": details, "startedAt": "2026-11-20T02:00:00Z",
                })
            },
        )
}

/// How an item of a fuzzed page is made.
#[derive(Debug, Clone)]
enum Item {
    Good(Value),
    /// A good event with one field removed or replaced by any JSON value.
    Broken {
        value: Value,
        field: &'static str,
    },
    Noise(Value),
}

fn item(n: usize) -> impl Strategy<Value = Item> {
    let broken = (
        good_event(n),
        prop::sample::select(FIELDS.to_vec()),
        prop::option::of(any_json()),
    )
        .prop_map(|(mut v, (field, _), replacement)| {
            let map: &mut Map<String, Value> = v.as_object_mut().unwrap();
            match replacement {
                Some(r) => map.insert(field.to_owned(), r),
                None => map.remove(field),
            };
            Item::Broken { value: v, field }
        });
    prop_oneof![
        3 => good_event(n).prop_map(Item::Good),
        2 => broken,
        1 => any_json().prop_map(Item::Noise),
    ]
}

fn page() -> impl Strategy<Value = Vec<Item>> {
    (0usize..12).prop_flat_map(|len| (0..len).map(item).collect::<Vec<_>>())
}

fn value_of(item: &Item) -> &Value {
    match item {
        Item::Good(v) | Item::Noise(v) | Item::Broken { value: v, .. } => v,
    }
}

/// Whether a broken item is still a valid event (the replacement happened to
/// be acceptable, e.g. a string, or an optional field was removed).
fn still_valid(value: &Value, field: &str) -> bool {
    let required = FIELDS.iter().any(|(f, r)| *f == field && *r);
    match value.get(field) {
        None => !required,
        Some(Value::String(_)) if field == "details" => false,
        Some(Value::String(s)) => !(field == "id" || field == "companyId") || !s.trim().is_empty(),
        Some(Value::Null) => !required,
        Some(Value::Array(list)) if field == "details" => list.iter().all(|d| {
            d.get("id")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.trim().is_empty())
                && d.get("kind").is_some_and(Value::is_string)
                && d.get("at").is_none_or(|a| a.is_string() || a.is_null())
                && d.get("text").is_none_or(|t| t.is_string() || t.is_null())
        }),
        Some(_) => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512),
        // Failures print their minimal input; nothing is written into the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any bytes: a page or a clear, non-retryable decode error.
    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = decode_event_page(&bytes) {
            prop_assert!(matches!(e, SourceError::Decode(_)), "{e:?}");
            prop_assert!(!e.is_retryable());
            prop_assert!(!e.to_string().trim().is_empty());
        }
    }

    /// Any JSON document as a page body.
    #[test]
    fn any_json_page_never_panics(doc in any_json(), items in prop::collection::vec(any_json(), 0..8)) {
        let _ = decode_event_page(doc.to_string().as_bytes());
        let body = json!({"items": items, "nextPage": null}).to_string();
        let (snapshot, next) = decode_event_page(body.as_bytes()).unwrap();
        prop_assert_eq!(snapshot.events.len() + snapshot.rejected.len(), items.len());
        prop_assert_eq!(next, None);
    }

    /// Pages of good, broken and noise items.
    #[test]
    fn every_item_is_an_event_or_a_rejection_naming_it(items in page(), next in prop::option::of(1u64..1000)) {
        let values: Vec<&Value> = items.iter().map(value_of).collect();
        let body = json!({"items": values, "nextPage": next}).to_string();
        let (snapshot, got_next) = decode_event_page(body.as_bytes()).unwrap();
        prop_assert_eq!(got_next, next);
        prop_assert_eq!(snapshot.events.len() + snapshot.rejected.len(), items.len());
        // Deterministic.
        prop_assert_eq!(&decode_event_page(body.as_bytes()).unwrap().0, &snapshot);

        let mut positions = BTreeSet::new();
        for r in &snapshot.rejected {
            prop_assert!(r.position < items.len());
            prop_assert!(positions.insert(r.position), "position twice: {:?}", r);
            prop_assert!(!r.reason.trim().is_empty() && !r.reason.contains('\n'), "{:?}", r);
            let prefix = format!("item at position {} ", r.position);
            prop_assert!(r.to_string().starts_with(&prefix), "{}", r);
        }
        let ids: BTreeSet<&str> = snapshot.events.iter().map(|e| e.id.as_str()).collect();
        prop_assert_eq!(ids.len(), snapshot.events.len(), "duplicate ids accepted");
        prop_assert!(snapshot.events.iter().all(|e| !e.id.trim().is_empty()));

        // Accepted events keep the page's order, and good items are accepted unchanged.
        let mut accepted = snapshot.events.iter();
        for (position, item) in items.iter().enumerate() {
            if positions.contains(&position) {
                if let Item::Good(v) = item {
                    prop_assert!(false, "a good item was rejected: {}", v);
                }
                if let Item::Broken { value, field } = item {
                    let reason = &snapshot.rejected.iter().find(|r| r.position == position).unwrap().reason;
                    if !still_valid(value, field) && value.get("id").is_some_and(Value::is_string) {
                        let named = reason.contains(field) || reason.contains("duplicate id");
                        prop_assert!(named, "{field} broken, but: {reason}");
                    }
                }
                continue;
            }
            let event = accepted.next().unwrap();
            let v = value_of(item);
            prop_assert_eq!(Some(event.id.as_str()), v["id"].as_str());
            if let Item::Good(v) = item {
                prop_assert_eq!(Some(event.message.as_str()), v["message"].as_str());
                prop_assert_eq!(Some(event.computer.as_str()), v["computer"].as_str());
                prop_assert_eq!(event.details.len(), v["details"].as_array().unwrap().len());
            }
            if let Item::Broken { value, field } = item {
                prop_assert!(still_valid(value, field), "{field}: accepted {value}");
            }
        }
    }
}
