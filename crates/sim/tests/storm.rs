#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 17: the storm guard's create cap through real cycles on two-event
//! pages. Past `storm.max_creates_per_cycle`, creates wait for later
//! cycles, oldest event first across pages; nothing records a held event,
//! so none is lost, none is duplicated, and no cycle takes the held ones
//! for in step (rule 10).

mod world;

use serde_json::Value;
use world::*;

/// The event ids that have a ticket, sorted.
fn ticketed(w: &World) -> Vec<String> {
    let mut ids: Vec<String> = w
        .cw()
        .tickets()
        .iter()
        .filter_map(|t| t["externalXRef"].as_str())
        .map(|x| x.trim_start_matches("bb:").to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_storm_guard_creates_oldest_first_over_cycles_and_loses_nothing() {
    let w = World::new().await;
    w.set("storm.max_creates_per_cycle", "2");
    w.map(ACME, "AcmeDental").await;
    // Listed newest first, so the oldest are on the last page.
    let events: Vec<Value> = (1..=5)
        .rev()
        .map(|i| {
            ev(&format!("evt-{i}"), ACME, "Error", "Failed", "locked")
                .with("startedAt", &format!("2026-11-20T0{i}:00:00Z"))
        })
        .collect();

    let first = w.sync(events.clone()).await;
    assert!(!first.has_errors(), "{:?}", first.errors);
    assert_eq!(first.counts.created, 2);
    assert_eq!(first.creates_held, 3);
    assert_eq!(ticketed(&w), ["evt-1", "evt-2"]);

    let second = w.sync(events.clone()).await;
    assert_eq!((second.counts.created, second.creates_held), (2, 1));
    assert_eq!(ticketed(&w), ["evt-1", "evt-2", "evt-3", "evt-4"]);

    let third = w.sync(events.clone()).await;
    assert_eq!((third.counts.created, third.creates_held), (1, 0));
    let fourth = w.sync(events).await;
    assert_eq!((fourth.counts.created, fourth.creates_held), (0, 0));
    assert_eq!(
        ticketed(&w),
        ["evt-1", "evt-2", "evt-3", "evt-4", "evt-5"],
        "one ticket per event"
    );
    // The run history (Activity, `status`) keeps what each run held.
    let history = bridge_core::store::runs::recent_runs(&w.store, 4).unwrap();
    let held: Vec<(u32, u32)> = history
        .iter()
        .rev()
        .map(|r| (r.counts.created, r.counts.held))
        .collect();
    assert_eq!(held, [(2, 3), (2, 1), (1, 0), (0, 0)]);
}

#[tokio::test]
async fn a_dry_run_names_the_creates_the_storm_guard_would_hold() {
    let w = World::new().await;
    w.set("storm.max_creates_per_cycle", "1");
    w.map(ACME, "AcmeDental").await;
    w.demo.dashboard.set_events(vec![
        ev("evt-2", ACME, "Error", "Failed", "locked").with("startedAt", "2026-11-20T02:00:00Z"),
        ev("evt-1", ACME, "Error", "Failed", "locked").with("startedAt", "2026-11-20T01:00:00Z"),
    ]);
    let report = w.engine.run_cycle(true).await.unwrap();
    assert_eq!(report.creates_held, 1);
    let held: Vec<&str> = report
        .actions
        .iter()
        .filter(|a| a.text.contains("storm guard"))
        .map(|a| a.event_id.as_str())
        .collect();
    assert_eq!(held, ["evt-2"]);
    assert!(w.cw().tickets().is_empty());
}
