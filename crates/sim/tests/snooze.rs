#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Snoozes (maintenance windows) in a real engine against the simulators:
//! a window that runs out is noticed although nothing else changed (the
//! in-step memo of rule 10 must not hide it), and a start note whose answer
//! was lost is settled by looking, never sent twice (rules 9 and 13).

mod world;

use std::time::Duration;

use bridge_core::store::ledger;
use bridge_core::store::snoozes::{self, time_text, SnoozeScope};
use chrono::Utc;
use serde_json::Value;
use world::*;

fn events() -> Vec<Value> {
    vec![ev("evt-1", ACME, "Error", "Failed", "3 files")]
}

/// The snooze notes on `ticket`, in order.
fn snooze_notes(w: &World, ticket: i64) -> Vec<String> {
    w.cw()
        .notes(ticket)
        .iter()
        .filter_map(|n| n["text"].as_str())
        .filter(|t| t.contains("snooze #") || t.starts_with("Snooze #"))
        .map(str::to_owned)
        .collect()
}

/// A world with ACME's evt-1 ticketed and in step, and a snooze of ACME
/// that ends in `secs` seconds; returns the ticket and the snooze's end.
async fn snoozed_world(secs: i64) -> (World, i64, chrono::DateTime<Utc>) {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(events()).await;
    let ticket = w.ticket_id("evt-1");
    w.sync_ok(events()).await;
    let until = Utc::now() + chrono::Duration::seconds(secs);
    let now = time_text(Utc::now());
    w.store
        .with_conn(|c| {
            snoozes::add(
                c,
                SnoozeScope::Company,
                "Acme Dental Ltd",
                &time_text(until),
                "patching",
                &now,
            )
        })
        .unwrap();
    (w, ticket, until)
}

#[tokio::test]
async fn a_snooze_that_runs_out_ends_with_one_note_though_nothing_else_changed() {
    let (w, ticket, until) = snoozed_world(3).await;
    w.sync_ok(events()).await;
    assert_eq!(snooze_notes(&w, ticket).len(), 1, "the start note");
    for _ in 0..2 {
        let r = w.sync_ok(events()).await;
        assert_eq!(r.snoozed, 1);
        assert_eq!(snooze_notes(&w, ticket).len(), 1, "no second start note");
    }
    let left = (until - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(left + Duration::from_millis(1100)).await;
    let r = w.sync_ok(events()).await;
    assert_eq!(r.snoozed, 0);
    let notes = snooze_notes(&w, ticket);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[1].starts_with("Snooze #1 ended"), "{notes:?}");
    w.sync_ok(events()).await;
    assert_eq!(snooze_notes(&w, ticket).len(), 2, "the end note goes once");
}

#[tokio::test]
async fn a_start_note_whose_answer_was_lost_is_found_not_sent_again() {
    let (w, ticket, _) = snoozed_world(3600).await;
    // The note lands, the answer is a gateway's 502.
    w.cw().faults().fail_after_commit_next(1, 502);
    let r = w.sync(events()).await;
    assert!(r.has_errors(), "{r:?}");
    assert_eq!(snooze_notes(&w, ticket).len(), 1);
    let row = w.store.with_conn(|c| ledger::get(c, "evt-1")).unwrap();
    assert_eq!(row.unwrap().snoozed, None, "not confirmed yet");
    // The next cycle looks the note up and records it.
    let r = w.sync_ok(events()).await;
    assert_eq!(r.snoozed, 1);
    assert_eq!(snooze_notes(&w, ticket).len(), 1, "never twice");
    let row = w.store.with_conn(|c| ledger::get(c, "evt-1")).unwrap();
    assert_eq!(row.unwrap().snoozed, Some(1));
}

/// A dry run says which events a snooze holds back, instead of leaving them out.
#[tokio::test]
async fn a_dry_run_names_the_snoozed_events() {
    let (w, _, _) = snoozed_world(3600).await;
    let mut listing = events();
    listing.push(ev("evt-2", ACME, "Error", "Failed", "disk full"));
    listing.push(ev("evt-3", NORTHWIND, "Error", "Failed", "disk full"));
    w.map(NORTHWIND, "NorthwindLaw").await;
    w.demo.dashboard.set_events(listing);
    let report = w.engine.run_cycle(true).await.unwrap();
    let snoozed: Vec<&str> = report
        .actions
        .iter()
        .filter(|a| a.text.starts_with("snoozed: "))
        .map(|a| a.event_id.as_str())
        .collect();
    assert_eq!(snoozed, ["evt-2"], "{:#?}", report.actions);
    assert!(report
        .actions
        .iter()
        .any(|a| a.event_id == "evt-3" && a.text.starts_with("would create")));
}
