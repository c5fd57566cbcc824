#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Rule 10 at its cheapest (engine::in_step): a cycle whose inputs match the
//! last in-step cycle skips decoding and planning. These tests hold it to the
//! full cycle's answer, and make it notice every input that can change: the
//! Dashboard's bytes, the ledger (also when another process writes it), the
//! mapping and the settings.

mod world;

use bridge_core::engine::RunReport;
use bridge_core::store::{self, Store};
use serde_json::{json, Value};
use world::*;

/// Ticketed events for two companies, one event of an unmapped company
/// (skipped) and one unreadable item (reported every cycle).
fn events() -> Vec<Value> {
    vec![
        ev("evt-1", ACME, "Error", "Failed", "3 files"),
        ev("evt-2", ACME, "Warning", "Warning", "slow"),
        ev("evt-3", NORTHWIND, "Error", "Failed", "locked"),
        ev("evt-6", TAILSPIN, "Error", "Failed", "unmapped"),
        json!({"id": "evt-9", "companyId": ACME, "jobStatus": 3}),
    ]
}

async fn in_step_world() -> World {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.map(NORTHWIND, "NorthwindLaw").await;
    let first = w.sync(events()).await;
    assert_eq!(first.counts.created, 3, "{:?}", first.errors);
    w
}

/// What a report says, without its run id.
fn gist(r: &RunReport) -> String {
    format!(
        "seen {} counts {:?} actions {:?} errors {:?} rejected {:?} held {}",
        r.events_seen, r.counts, r.actions, r.errors, r.rejected, r.removals_held
    )
}

#[tokio::test]
async fn an_unchanged_cycle_answers_like_a_full_one_and_costs_nothing() {
    let w = in_step_world().await;
    // The first in-step cycle plans in full; the later ones may skip it.
    let full = w.sync_costs("in step, planned", events(), &[]).await;
    assert_eq!(full.counts.skipped, 1);
    assert_eq!(full.rejected.len(), 1, "{:?}", full.rejected);
    let before = w.last_status(ACME).await.expect("status");
    let hits = w.engine.in_step_hits();
    for round in 0..3u64 {
        let again = w.sync_costs("in step, remembered", events(), &[]).await;
        assert_eq!(gist(&again), gist(&full), "round {round}");
        assert!(again.run_id > full.run_id, "each cycle is a run");
        assert_eq!(
            w.engine.in_step_hits(),
            hits + round + 1,
            "answered from memory"
        );
    }
    let after = w.last_status(ACME).await.expect("status");
    assert!(after.ok && after.at >= before.at, "{after:?}");
    // A fresh engine (no memory of earlier cycles) agrees.
    w.cw().clear_requests();
    let fresh = w.fresh_engine().run_cycle(false).await.unwrap();
    assert_eq!(gist(&fresh), gist(&full));
    assert!(w.cw_requests().is_empty());
}

#[tokio::test]
async fn a_changed_event_is_noticed() {
    let w = in_step_world().await;
    w.sync_ok_or_rejected(events()).await;
    w.sync_ok_or_rejected(events()).await;
    let mut changed = events();
    changed[2] = ev("evt-3", NORTHWIND, "Error", "Completed", "locked");
    let t3 = w.ticket_id("evt-3");
    let hits = w.engine.in_step_hits();
    assert!(hits > 0, "the unchanged cycles were answered from memory");
    let report = w
        .sync_costs(
            "evt-3 completed",
            changed,
            &[
                format!("POST /service/tickets/{t3}/notes"),
                format!("PATCH /service/tickets/{t3}"),
            ],
        )
        .await;
    assert_eq!(report.counts.closed, 1, "{:?}", report.actions);
    assert_eq!(w.engine.in_step_hits(), hits, "a change is planned in full");
}

/// Without the ledger's revision the engine would trust its memory here and
/// leave the ticket's summary as another process left it.
#[tokio::test]
async fn a_ledger_written_by_another_process_is_noticed() {
    let w = in_step_world().await;
    w.sync_ok_or_rejected(events()).await;
    w.sync_ok_or_rejected(events()).await;
    let other = Store::open(&store::db_path(w.dir.path())).unwrap();
    other
        .with_conn(|c| {
            c.execute(
                "UPDATE ledger SET summary = 'stale', content_hash = 'stale' \
                 WHERE event_id = 'evt-1'",
                [],
            )
        })
        .unwrap();
    let t1 = w.ticket_id("evt-1");
    let hits = w.engine.in_step_hits();
    assert!(hits > 0, "the unchanged cycles were answered from memory");
    w.sync_costs(
        "ledger edited elsewhere",
        events(),
        &[format!("PATCH /service/tickets/{t1}")],
    )
    .await;
    assert_eq!(w.engine.in_step_hits(), hits, "the edit is planned in full");
    w.sync_costs("in step again, planned", events(), &[]).await;
    w.sync_costs("in step again, remembered", events(), &[])
        .await;
    assert_eq!(w.engine.in_step_hits(), hits + 1);
}

#[tokio::test]
async fn a_mapping_or_settings_change_is_noticed() {
    let w = in_step_world().await;
    w.sync_ok_or_rejected(events()).await;
    w.sync_ok_or_rejected(events()).await;

    let hits = w.engine.in_step_hits();
    assert!(hits > 0, "the unchanged cycles were answered from memory");
    // Only errors for Acme from now on: evt-2 (a warning) is filtered.
    w.map_with(bridge_core::ops::MapRequest {
        backup_company_id: ACME.to_owned(),
        cw_identifier: "AcmeDental".to_owned(),
        event_types: only("Error"),
        ..Default::default()
    })
    .await;
    let report = w.sync_costs("filter changed", events(), &[]).await;
    assert_eq!(report.counts.skipped, 2, "{:?}", report);
    assert_eq!(
        w.engine.in_step_hits(),
        hits,
        "the new filter is planned in full"
    );

    // A new summary template patches every ticket still tracked.
    w.set(
        "ticket.summary_template",
        "{company}: {eventType} on {computer}",
    );
    let (t1, t2, t3) = (
        w.ticket_id("evt-1"),
        w.ticket_id("evt-2"),
        w.ticket_id("evt-3"),
    );
    let _ = t2; // filtered out: left as it is
    let mut want = vec![
        format!("PATCH /service/tickets/{t1}"),
        format!("PATCH /service/tickets/{t3}"),
    ];
    want.sort();
    w.cw().clear_requests();
    w.sync(events()).await;
    let mut got = w.cw_requests();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(
        w.engine.in_step_hits(),
        hits,
        "the new template is planned in full"
    );
    w.sync_costs("in step with the new template", events(), &[])
        .await;
}

trait SyncExt {
    async fn sync_ok_or_rejected(&self, events: Vec<Value>) -> RunReport;
}

impl SyncExt for World {
    /// A cycle whose only problems are unreadable items.
    async fn sync_ok_or_rejected(&self, events: Vec<Value>) -> RunReport {
        let report = self.sync(events).await;
        assert_eq!(
            report.errors.len(),
            report.rejected.len(),
            "{:?}",
            report.errors
        );
        report
    }
}
