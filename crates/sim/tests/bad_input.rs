#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 6, bad input: Dashboard items with missing fields, wrong types,
//! a 1 MB detail and message, text from every Unicode plane and duplicate
//! ids; agreement conditions from a fuzzer; a ConnectWise server answering
//! HTML instead of JSON. Nothing panics, each problem is one clear sentence
//! in the run's errors (what `backup-bridge status`, the tray and the
//! Activity window show), and every other item still syncs. Afterwards
//! neither the database nor anything logged holds a secret.

mod world;

use std::cell::Cell;

use bridge_core::model::Override;
use bridge_core::ops::{self, MapRequest};
use bridge_core::store::runs;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use world::*;

/// One character from each of the 17 Unicode planes (assigned, private use
/// and unassigned alike), a combining mark, right-to-left text, a zero-width
/// joiner sequence, a BOM and a NUL.
const PLANES: &str =
    "A\u{e9}\u{5d0}\u{200f}\u{fe0f}\u{feff}\u{0}\u{1F600}\u{1F469}\u{200d}\u{1F4BB}\
     \u{20000}\u{30000}\u{40000}\u{50000}\u{60000}\u{70000}\u{80000}\u{90000}\u{A0000}\
     \u{B0000}\u{C0000}\u{D0000}\u{E0001}\u{F0000}\u{10FFFD}e\u{301}";
const MB: usize = 1 << 20;

/// Every kind of malformed item, each with the words its error must contain.
fn malformed() -> Vec<(Value, &'static str)> {
    let good = || ev("evt-x", ACME, "Error", "Failed", "x");
    let without = |key: &str| {
        let mut v = good();
        v.as_object_mut().unwrap().remove(key);
        v
    };
    vec![
        (
            without("eventType").with("id", "bad-1"),
            "\"eventType\" is missing",
        ),
        (
            good().with("id", "bad-2").set("jobStatus", json!(3)),
            "\"jobStatus\" must be a string, found a number (3)",
        ),
        (
            good().with("id", "bad-3").set("details", json!("C:\\Data")),
            "\"details\" must be a list",
        ),
        (
            good()
                .with("id", "bad-4")
                .set("details", json!([{"kind": FILE}])),
            "\"details[0].id\" is missing",
        ),
        (
            good().with("id", "bad-5").set("companyId", Value::Null),
            "\"companyId\" is null",
        ),
        (good().set("id", json!(77)), "id\" must be a string"),
        (good().with("id", "   "), "\"id\" is empty"),
        (json!("evt-9"), "must be an object, found a string"),
        (Value::Null, "must be an object, found null"),
        (json!([1, 2]), "must be an object, found a list"),
        (
            good()
                .with("id", "bad-6")
                .set("message", json!({"text": "x"})),
            "\"message\" must be a string, found an object",
        ),
    ]
}

trait Set {
    fn set(self, key: &str, value: Value) -> Value;
}

impl Set for Value {
    fn set(mut self, key: &str, value: Value) -> Value {
        self[key] = value;
        self
    }
}

/// REGRESSION: a 1 MB event message went whole into the ticket description
/// and into change notes (twice: old and new); it is now cut at
/// `MESSAGE_MAX_CHARS` with a marker, like detail text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_huge_and_exotic_items_are_reported_and_the_rest_sync() {
    capture_logs();
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.map(NORTHWIND, "NorthwindLaw").await;
    let huge_text = "x".repeat(MB);
    let good = vec![
        ev("evt-1", ACME, "Error", "Failed", "3 files").details(FILE, &["d-1"]),
        // 1 MB of detail text, and a 1 MB message.
        ev("evt-2", ACME, "Error", "Failed", &"m".repeat(MB))
            .set("details", json!([{"id": "d-big", "kind": FILE, "text": huge_text}])),
        // Every plane, in every text field the ticket shows.
        ev("evt-3", NORTHWIND, "Warning", "Warning", PLANES)
            .with("computer", &format!("PC-{PLANES}"))
            .with("plan", PLANES)
            // (ConnectWise text has no control characters: a NUL in an id
            // would show as a space, so the id carries every plane but that.)
            .set("details", json!([{"id": format!("d-{}", PLANES.replace('\0', "")), "kind": FILE, "text": PLANES}])),
        // An id from the astral planes.
        ev("evt-\u{1F600}\u{20000}", NORTHWIND, "Error", "Failed", "emoji id"),
    ];
    let bad = malformed();
    let mut items = good.clone();
    for (item, _) in &bad {
        items.push(item.clone());
    }
    // A duplicate id: the first one wins, the second is reported.
    items.push(ev("evt-1", ACME, "Warning", "Failed", "a second evt-1"));
    let report = w.sync(items).await;

    // One error per bad item, naming its position (and id when it has one).
    assert_eq!(report.errors.len(), bad.len() + 1, "{:#?}", report.errors);
    for (n, (_, words)) in bad.iter().enumerate() {
        let position = good.len() + n;
        let problem = &report.errors[n];
        assert!(
            problem
                .message
                .starts_with(&format!("item at position {position} ")),
            "{problem:?}"
        );
        assert!(problem.message.contains(words), "{words}: {problem:?}");
        assert!(!problem.message.contains('\n'), "{problem:?}");
    }
    let dup = report.errors.last().unwrap();
    assert!(
        dup.message.contains("id \"evt-1\": duplicate id"),
        "{dup:?}"
    );
    // The run record, which status and the Activity window show, has them all.
    let run = runs::recent_runs(&w.store, 1).unwrap().remove(0);
    assert_eq!(run.outcome(), runs::RunOutcome::WithErrors);
    assert_eq!(run.error_messages.len(), report.errors.len());

    // Every good item synced.
    assert_eq!(report.counts.created, 4, "{:#?}", report.actions);
    assert_eq!(w.cw().tickets().len(), 4);
    assert_invariants(&w, &good, "bad input");
    assert_ledger_matches_server(&w, "bad input");
    let first = w.cw().ticket(w.ticket_id("evt-1")).unwrap();
    assert_eq!(first["summary"], "Error: PC-1 - Nightly (FileLevel)");

    // The megabyte detail is cut with a marker; every note stays far below a megabyte.
    let big = w.ticket_id("evt-2");
    let notes = w.cw().notes(big);
    let description = notes[0]["text"].as_str().unwrap();
    assert!(
        description.contains("more characters not shown; see the Cloud Backup Dashboard"),
        "{}",
        &description[..200]
    );
    for n in &notes {
        let len = n["text"].as_str().unwrap().len();
        assert!(len < 100_000, "a note of {len} bytes");
    }

    // Every plane survives into the ticket; the summary fits ConnectWise's 100 UTF-16 units.
    let exotic = w.cw().ticket(w.ticket_id("evt-3")).unwrap();
    let summary = exotic["summary"].as_str().unwrap();
    assert!(summary.encode_utf16().count() <= 100, "{summary}");
    assert!(
        summary.contains("\u{1F600}") && summary.contains("\u{10FFFD}"),
        "{summary}"
    );
    let text = w.cw().notes(w.ticket_id("evt-3"))[0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    // Invisible bidi and zero-width characters are dropped on purpose
    // (issue 12: they can make a ticket read differently from its text).
    for c in PLANES.chars().filter(|c| !c.is_control()) {
        if bridge_core::cw::is_invisible_format(c) {
            assert!(!text.contains(c), "U+{:04X} kept: {text}", c as u32);
        } else {
            assert!(text.contains(c), "U+{:04X} lost: {text}", c as u32);
        }
    }
    w.ticket_id("evt-\u{1F600}\u{20000}");

    // The same snapshot again: nothing new is written, the errors are still shown.
    w.cw().clear_requests();
    let again = w.sync(w_items(&good, &bad)).await;
    assert_eq!(again.errors.len(), bad.len());
    let writes: Vec<String> = w
        .cw_requests()
        .into_iter()
        .filter(|r| !r.starts_with("GET"))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");

    // A ticketed event that turns unreadable is reported, never closed as removed.
    let mut broken = good.clone();
    broken[0] = broken[0].clone().set("jobStatus", json!(5));
    let third = w.sync(w_items(&broken, &bad)).await;
    assert_eq!(third.errors.len(), bad.len() + 1, "{:#?}", third.errors);
    assert!(third.errors[0]
        .message
        .contains("id \"evt-1\": field \"jobStatus\""));
    let first = w.cw().ticket(w.ticket_id("evt-1")).unwrap();
    assert_eq!(first["closedFlag"], false);

    let scanned = assert_no_secrets(&[w.dir.path()], &[&captured_logs()]);
    assert!(scanned >= 1);
}

fn w_items(good: &[Value], bad: &[(Value, &str)]) -> Vec<Value> {
    good.iter()
        .cloned()
        .chain(bad.iter().map(|(v, _)| v.clone()))
        .collect()
}

/// Agreement conditions from a fuzzer, as a company override and as the
/// default: a condition that does not parse is refused with a sentence that
/// names where, nothing is saved; one that parses is used, and whatever
/// ConnectWise makes of it lands in that company's Last Update Status while
/// the other company's event is ticketed as usual.
#[test]
fn fuzzed_agreement_conditions_never_panic_and_never_stop_other_companies() {
    capture_logs();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let w = rt.block_on(async {
        let w = World::new().await;
        w.map(ACME, "AcmeDental").await;
        w.map_with(MapRequest {
            backup_company_id: NORTHWIND.to_owned(),
            cw_identifier: "NorthwindLaw".to_owned(),
            agreement_condition: Some(Override::Explicit(String::new())),
            ..MapRequest::default()
        })
        .await;
        w
    });
    let pieces = prop::sample::select(vec![
        "name",
        "agreementStatus",
        "type/name",
        "company/id",
        "id",
        "_info/lastUpdated",
        "=",
        "!=",
        "<",
        ">=",
        "like",
        "contains",
        "in",
        "not",
        "and",
        "or",
        "(",
        ")",
        ",",
        "\"%ICB\"",
        "\"Active\"",
        "'x'",
        "\"",
        "'",
        "1",
        "-2.5",
        "true",
        "null",
        "[2026-01-01T00:00:00Z]",
        "[",
        "]",
        "\\",
        "%",
        "*",
        "😀",
        "\u{0}",
        " ",
    ]);
    // Well-formed comparisons with any field, operator and value: they parse,
    // and ConnectWise accepts, rejects or matches nothing.
    let comparison = (
        prop::sample::select(vec![
            "name",
            "agreementStatus",
            "type/name",
            "id",
            "cancelledFlag",
            "noSuchField",
        ]),
        prop::sample::select(vec!["=", "!=", "<", ">=", "like", "contains"]),
        prop::sample::select(vec![
            "\"%ICB\"",
            "\"Active\"",
            "\"😀\"",
            "401",
            "true",
            "null",
            "[2026-01-01T00:00:00Z]",
        ]),
    )
        .prop_map(|(f, o, v)| format!("{f} {o} {v}"));
    let structured = (prop::collection::vec(comparison, 1..4), any::<bool>())
        .prop_map(|(c, or)| c.join(if or { " or " } else { " and " }));
    let condition = prop_oneof![
        structured,
        prop::collection::vec(pieces, 0..12).prop_map(|p| p.join(" ")),
        any::<String>(),
        "[ -~]{0,40}",
    ];
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let (case, refused, used) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
    runner
        .run(&condition, |text| {
            case.set(case.get() + 1);
            let event = format!("evt-fz{}", case.get());
            rt.block_on(async {
                let mapped = ops::map_company(
                    &w.engine,
                    MapRequest {
                        backup_company_id: ACME.to_owned(),
                        cw_identifier: "AcmeDental".to_owned(),
                        agreement_condition: Some(Override::Explicit(text.clone())),
                        ..MapRequest::default()
                    },
                )
                .await;
                let default = bridge_core::store::settings::set(
                    &w.store,
                    "defaults.agreement_condition",
                    &text,
                );
                assert_eq!(mapped.is_ok(), default.is_ok(), "{text:?}");
                match mapped {
                    Err(e) => {
                        refused.set(refused.get() + 1);
                        let message = e.to_string();
                        assert!(
                            !message.trim().is_empty() && !message.contains('\n'),
                            "{text:?}: {message}"
                        );
                        let row = ops::list_companies(&w.engine).await.unwrap();
                        let acme = row.iter().find(|v| v.row.id == ACME).unwrap();
                        assert_ne!(
                            acme.row.agreement_condition,
                            Override::Explicit(text.clone())
                        );
                    }
                    Ok(_) => used.set(used.get() + 1),
                }
                let report = w
                    .sync(vec![
                        ev(&event, ACME, "Error", "Failed", "fuzz"),
                        ev("evt-nw", NORTHWIND, "Error", "Failed", "steady"),
                    ])
                    .await;
                for p in &report.errors {
                    assert!(
                        p.key == format!("company:{ACME}") || p.key == format!("event:{event}"),
                        "{text:?}: {p:?}"
                    );
                    assert!(!p.message.trim().is_empty());
                }
                if let Some(status) = w.last_status(ACME).await {
                    assert!(status.ok || !status.message.trim().is_empty());
                }
                // The other company is never held back.
                w.ticket_id("evt-nw");
            });
            Ok(())
        })
        .unwrap();
    let (case, refused, used) = (case.get(), refused.get(), used.get());
    println!("{case} fuzzed conditions: {refused} refused with a message, {used} used");
    assert!(refused > 0 && used > 0, "{refused} refused, {used} used");
    assert_no_secrets(&[w.dir.path()], &[&captured_logs()]);
    rt.block_on(async { w.demo.shutdown().await });
}

/// ConnectWise answering `200 OK` with an HTML page (a captive portal, a
/// proxy, a wrong Site): the affected action fails with a sentence saying
/// so, the other event is ticketed, and the next cycle completes the rest
/// without a duplicate. Every request answered with HTML fails the cycle
/// with the same sentence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_instead_of_json_is_a_clear_error_and_the_rest_still_syncs() {
    capture_logs();
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.map(NORTHWIND, "NorthwindLaw").await;
    let warm = vec![ev("evt-0", ACME, "Error", "Failed", "warm-up")];
    w.sync_ok(warm.clone()).await;
    let mut events = warm;
    events.push(ev("evt-1", ACME, "Error", "Failed", "a"));
    events.push(ev("evt-2", NORTHWIND, "Error", "Failed", "b"));
    // The template is cached: the creates are the cycle's first requests.
    w.cw().faults().garbage_next(1);
    let report = w.sync(events.clone()).await;
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let message = &report.errors[0].message;
    assert!(
        message.contains("ConnectWise answered with HTML instead of JSON — check the Site"),
        "{message}"
    );
    assert_eq!(report.counts.created, 1);
    let report = w.sync_ok(events.clone()).await;
    assert_eq!(report.counts.created, 1);
    assert_invariants(&w, &events, "after HTML");
    assert_ledger_matches_server(&w, "after HTML");

    w.cw().faults().garbage_next(10_000);
    let mut more = events.clone();
    more.push(ev("evt-3", ACME, "Error", "Failed", "c"));
    w.demo.dashboard.set_events(more.clone());
    match w.engine.run_cycle(false).await {
        Ok(report) => {
            assert!(report.has_errors());
            for p in &report.errors {
                assert!(p.message.contains("HTML instead of JSON"), "{p:?}");
            }
        }
        Err(e) => assert!(e.to_string().contains("HTML instead of JSON"), "{e}"),
    }
    let run = runs::recent_runs(&w.store, 1).unwrap().remove(0);
    assert!(
        run.error_messages[0].contains("HTML instead of JSON"),
        "{run:?}"
    );
    w.cw().faults().reset();
    w.sync_ok(more.clone()).await;
    assert_invariants(&w, &more, "after an HTML outage");
    assert_no_secrets(&[w.dir.path()], &[&captured_logs()]);
}
