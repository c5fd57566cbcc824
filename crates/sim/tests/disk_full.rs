#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 6, database: the disk fills up in the middle of a sync (simulated
//! with SQLite's `max_page_count` on the engine's connection, which fails
//! writes with SQLITE_FULL exactly like a full disk, without mounts or root).
//! - the sync stops with one clear sentence ("the disk holding the database
//!   … is full"), retryable;
//! - nothing confirmed before is lost, and every ticket or note ConnectWise
//!   holds is either in the ledger or in the outbox as an unconfirmed call;
//! - with space back, the next sync finishes the work without a duplicate and
//!   ConnectWise ends exactly as after an uninterrupted run.

mod world;

use bridge_core::store::ledger;
use bridge_core::store::outbox::{self, Intent};
use bridge_core::store::{Store, StoreError};
use bridge_core::Error;
use serde_json::Value;
use world::*;

/// Events of the cycle during which the disk fills: many creates with
/// page-sized rows (the message is kept whole in the ledger and the outbox).
fn crowd() -> Vec<Value> {
    let mut events = lap_snapshot(0, 2);
    let companies = [ACME, NORTHWIND, FABRIKAM, CONTOSO];
    for n in 0..24 {
        let message = format!("{n}: {}", "disk full soon ".repeat(200));
        events.push(
            ev(
                &format!("evt-c{n}"),
                companies[n % 4],
                "Error",
                "Failed",
                &message,
            )
            .details(FILE, &["d-1"]),
        );
    }
    events
}

fn page_count(store: &Store) -> i64 {
    store
        .with_conn(|c| c.query_row("PRAGMA page_count", [], |r| r.get(0)))
        .unwrap()
}

/// Limits the database to `pages` pages on this connection (0 = no limit).
fn limit_pages(store: &Store, pages: i64) {
    let pages = if pages == 0 { 1 << 30 } else { pages };
    store
        .with_conn(|c| c.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(())))
        .unwrap();
}

/// Every `bb:` ticket on the server is known to the ledger or pending as a
/// create; every detail note is counted as pushed or pending as a note.
fn nothing_unaccounted(w: &World, what: &str) {
    let (rows, pending) = w
        .fresh_engine()
        .store()
        .with_conn(|c| Ok((ledger::all(c)?, outbox::pending(c)?)))
        .unwrap();
    for t in w.cw().tickets() {
        let event = t["externalXRef"]
            .as_str()
            .unwrap()
            .trim_start_matches("bb:");
        let id = t["id"].as_i64().unwrap();
        let known = rows.get(event).is_some_and(|r| r.ticket_id == id);
        let intended = pending
            .iter()
            .any(|p| p.event_id == event && matches!(p.intent, Some(Intent::Create { .. })));
        assert!(
            known || intended,
            "{what}: ticket #{id} of {event} unaccounted for"
        );
        for n in w.cw().notes(id).iter().skip(1) {
            let text = n["text"].as_str().unwrap();
            let Some(detail) = text
                .strip_prefix("Detail ")
                .and_then(|t| t.split(" ·").next())
            else {
                continue;
            };
            let pushed = rows
                .get(event)
                .is_some_and(|r| r.pushed_details.contains(detail));
            let noted = pending.iter().any(
                |p| matches!(&p.intent, Some(Intent::Note { text: t, .. }) if t.trim() == text.trim()),
            );
            assert!(
                pushed || noted,
                "{what}: note of {detail} on #{id} unaccounted for"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_mid_sync_loses_nothing_and_the_next_sync_completes() {
    let w = mapped_world().await;
    let reference = mapped_world().await;
    for phase in 0..2 {
        let events = lap_snapshot(0, phase);
        w.sync_ok(events.clone()).await;
        reference.sync_ok(events).await;
    }
    let confirmed = w.store.with_conn(ledger::all).unwrap();
    assert_eq!(confirmed.len(), 5);

    // Room for a handful of pages more: the cycle starts, then the disk fills.
    let events = crowd();
    reference.sync_ok(events.clone()).await;
    w.demo.dashboard.set_events(events.clone());
    limit_pages(&w.store, page_count(&w.store) + 12);
    let before = w.cw().tickets().len();
    let error = match w.engine.run_cycle(false).await {
        Err(e) => e.to_string(),
        Ok(report) => {
            assert!(report.has_errors(), "the disk never filled");
            report.errors[0].message.clone()
        }
    };
    let created_meanwhile = w.cw().tickets().len() - before;
    println!("disk full after {created_meanwhile} of 24 creates: {error}");
    assert!(
        error.contains("the disk holding the database at ") && error.contains(" is full"),
        "{error}"
    );
    assert!(
        created_meanwhile > 0 && created_meanwhile < 24,
        "the disk must fill mid-sync: {created_meanwhile} creates"
    );
    let full = StoreError::DiskFull { path: "x".into() };
    assert!(Error::Store(full).is_retryable());

    // What was confirmed before is still there, read by a new connection.
    let after = w.fresh_engine().store().with_conn(ledger::all).unwrap();
    for (event, row) in &confirmed {
        let now = after.get(event).unwrap_or_else(|| panic!("{event} lost"));
        assert_eq!(now.ticket_id, row.ticket_id, "{event}");
        assert!(
            now.pushed_details.is_superset(&row.pushed_details),
            "{event}"
        );
    }
    nothing_unaccounted(&w, "disk full");

    // Space back (a new process has no limit; this connection gets it lifted).
    limit_pages(&w.store, 0);
    let report = w.fresh_engine().run_cycle(false).await.unwrap();
    assert!(!report.has_errors(), "{:?}", report.errors);
    assert_invariants(&w, &events, "space back");
    assert_ledger_matches_server(&w, "space back");
    let (got, want) = (w.state(), reference.state());
    assert!(
        got == want,
        "differs from the uninterrupted run\n--- got ---\n{got}--- want ---\n{want}"
    );
}
