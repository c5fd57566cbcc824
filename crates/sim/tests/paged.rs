#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A cycle reads the Dashboard one page at a time and applies each page
//! before fetching the next (engine::pass). Every World test already runs
//! on two-event pages; these check what only a paged read can get wrong:
//! a listing that fails half-way, ticket-state lookups batched across pages
//! (rule 8), and removals decided only once every page was read cleanly
//! (rules 7 and 11).

mod world;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bridge_core::engine::{Engine, NetTuning};
use bridge_core::source::RetryPolicy;
use bridge_core::store::runs;
use bridge_sim::demo::Demo;
use serde_json::{json, Value};
use world::*;

fn failing(ids: &[&str]) -> Vec<Value> {
    ids.iter()
        .map(|id| ev(id, ACME, "Error", "Failed", "3 files"))
        .collect()
}

/// The ConnectWise status name of `event`'s ticket.
fn status(w: &World, event: &str) -> String {
    let id = w.ticket_id(event);
    let ticket = w
        .cw()
        .tickets()
        .into_iter()
        .find(|t| t["id"] == id)
        .unwrap();
    ticket["status"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_listing_that_fails_half_way_keeps_what_was_done_and_removes_nothing() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(&["evt-1", "evt-2", "evt-3", "evt-4"]))
        .await;
    let open = status(&w, "evt-1");

    // evt-1 is gone, evt-2 completes (page 1), evt-5 is new (page 2). The
    // Dashboard fails as soon as page 1 has been applied.
    let mut next = failing(&["evt-2", "evt-3", "evt-4", "evt-5"]);
    next[0] = ev("evt-2", ACME, "Error", "Completed", "3 files");
    w.demo.dashboard.set_events(next.clone());
    let engine = Engine::new(w.store.clone(), Arc::new(Demo::secrets())).with_tuning(NetTuning {
        dashboard_page_size: PAGE_SIZE,
        dashboard_retry: RetryPolicy::none(),
        ..NetTuning::default()
    });
    let faults = w.demo.dashboard.faults();
    let armed = AtomicBool::new(false);
    let fail_after_first_action = |_line| {
        if !armed.swap(true, Ordering::SeqCst) {
            faults.fail_next(1, 503);
        }
    };
    let err = engine
        .run_cycle_with(false, &fail_after_first_action)
        .await
        .expect_err("page 2 fails");
    assert!(err.to_string().contains("503"), "{err}");

    // Page 1 was applied and is on record; nothing was taken for removed.
    assert_ne!(status(&w, "evt-2"), open, "evt-2 closed");
    assert_eq!(
        status(&w, "evt-1"),
        open,
        "evt-1 not closed: page 2 was never read"
    );
    assert_eq!(w.cw().tickets().len(), 4, "evt-5 is on the unread page");
    let run = runs::recent_runs(&w.store, 1).unwrap().remove(0);
    assert_eq!(run.counts.closed, 1, "{run:?}");
    assert!(
        run.error_messages.iter().any(|m| m.contains("503")),
        "{run:?}"
    );

    // The next clean cycle finishes the job, with no duplicate.
    let report = w.sync_ok(next.clone()).await;
    assert_eq!(
        (report.counts.created, report.counts.closed),
        (1, 1),
        "{:?}",
        report.actions
    );
    assert_ne!(status(&w, "evt-1"), open, "evt-1 closed as removed");
    assert_eq!(w.cw().tickets().len(), 5);
    w.sync_costs("in step", next, &[]).await;
}

#[tokio::test]
async fn ticket_states_are_looked_up_once_for_all_pages() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let ids = ["evt-1", "evt-2", "evt-3", "evt-4", "evt-5"];
    let with_details = |detailed: &[&str], details: &[&str]| -> Vec<Value> {
        ids.iter()
            .map(|id| {
                let e = ev(id, ACME, "Error", "Failed", "3 files");
                if detailed.contains(id) {
                    e.details(FILE, details)
                } else {
                    e
                }
            })
            .collect()
    };
    w.sync_ok(with_details(&["evt-1", "evt-5"], &["d-1"])).await;
    // A technician closes the tickets of pages 1 and 3.
    let (t1, t5) = (w.ticket_id("evt-1"), w.ticket_id("evt-5"));
    w.cw().set_ticket_status(t1, ">Closed").unwrap();
    w.cw().set_ticket_status(t5, ">Closed").unwrap();

    w.cw().clear_requests();
    let report = w
        .sync(with_details(&["evt-1", "evt-5"], &["d-1", "d-2"]))
        .await;
    assert!(!report.has_errors(), "{:?}", report.errors);
    let mut got = w.cw_requests();
    assert_eq!(
        got.remove(0),
        format!("GET /service/tickets?id in ({t1},{t5})"),
        "one batched lookup first: {got:?}"
    );
    got.sort();
    let mut want = Vec::new();
    for t in [t1, t5] {
        want.push(format!("PATCH /service/tickets/{t}"));
        want.push(format!("POST /service/tickets/{t}/notes"));
        want.push(format!("POST /service/tickets/{t}/notes"));
    }
    want.sort();
    assert_eq!(got, want);
    assert_eq!(report.counts.reopened, 2);
}

#[tokio::test]
async fn removals_wait_for_every_page_and_a_clean_listing() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(&["evt-1", "evt-2", "evt-3", "evt-4"]))
        .await;
    let open = status(&w, "evt-1");

    // evt-1 and evt-4 are gone; a later page repeats evt-2 and ends with an
    // item without an id, which might be any tracked event.
    let mut next = failing(&["evt-2", "evt-3"]);
    next.push(ev("evt-2", ACME, "Error", "Completed", "the copy"));
    next.push(json!({"companyId": ACME, "jobStatus": "Failed"}));
    w.cw().clear_requests();
    let report = w.sync(next).await;
    assert!(report.removals_held);
    assert_eq!(
        report
            .rejected
            .iter()
            .map(|r| (r.position, r.id.clone()))
            .collect::<Vec<_>>(),
        [(2, Some("evt-2".to_owned())), (3, None)]
    );
    assert_eq!(w.cw_requests(), Vec::<String>::new(), "nothing to do yet");
    for event in ["evt-1", "evt-2", "evt-4"] {
        assert_eq!(status(&w, event), open, "{event}");
    }

    // Read cleanly, the events no page had are removed; the others stay.
    let report = w.sync_ok(failing(&["evt-2", "evt-3"])).await;
    assert_eq!(report.counts.closed, 2, "{:?}", report.actions);
    assert_ne!(status(&w, "evt-1"), open);
    assert_ne!(status(&w, "evt-4"), open);
    assert_eq!(status(&w, "evt-2"), open);
    assert_eq!(status(&w, "evt-3"), open);
}
