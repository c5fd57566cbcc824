#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A cycle reads the Dashboard one page at a time and applies each page
//! before decoding the next (engine::pass), from a listing fetched at one
//! moment. Every World test already runs on two-event pages; these check
//! what only a paged read can get wrong: a Dashboard that changes while
//! pages are applied, a listing that fails half-way, ticket-state lookups
//! batched across pages (rule 8), and removals decided only once every page
//! was read cleanly (rules 7 and 11).

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

/// Acme's evt-1 to evt-4 ticketed (two pages), and the status of an open ticket.
async fn four_tickets() -> (World, String) {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(&["evt-1", "evt-2", "evt-3", "evt-4"]))
        .await;
    let open = status(&w, "evt-1");
    (w, open)
}

/// An engine reading two events per page that does not retry the Dashboard.
fn impatient(w: &World) -> Engine {
    Engine::new(w.store.clone(), Arc::new(Demo::secrets())).with_tuning(NetTuning {
        dashboard_page_size: PAGE_SIZE,
        dashboard_retry: RetryPolicy::none(),
        ..NetTuning::default()
    })
}

#[tokio::test]
async fn a_listing_is_read_at_one_moment_however_long_its_pages_take() {
    let (w, open) = four_tickets().await;

    // evt-2 completes (page 1). While page 1 is applied, evt-1 leaves the
    // Dashboard: read then, page 2 would start at evt-4 and evt-3 would be
    // on no page at all.
    let mut next = failing(&["evt-1", "evt-2", "evt-3", "evt-4"]);
    next[1] = ev("evt-2", ACME, "Error", "Completed", "3 files");
    w.demo.dashboard.set_events(next.clone());
    let dashboard = &w.demo.dashboard;
    let later = next[1..].to_vec();
    let moved = AtomicBool::new(false);
    let remove_evt_1 = |_line| {
        if !moved.swap(true, Ordering::SeqCst) {
            dashboard.set_events(later.clone());
        }
    };
    let report = w.engine.run_cycle_with(false, &remove_evt_1).await.unwrap();
    assert!(moved.load(Ordering::SeqCst));
    assert_eq!(report.events_seen, 4, "the listing as it was at the start");
    assert_eq!(report.counts.closed, 1, "evt-2 only");
    assert_ne!(status(&w, "evt-2"), open);
    for event in ["evt-1", "evt-3", "evt-4"] {
        assert_eq!(status(&w, event), open, "{event} left alone");
    }

    // The next cycle sees evt-1 gone.
    let report = w.sync_ok(later).await;
    assert_eq!(report.counts.closed, 1, "{:?}", report.actions);
    assert_ne!(status(&w, "evt-1"), open);
    assert_eq!(status(&w, "evt-3"), open);
}

#[tokio::test]
async fn a_listing_that_fails_half_way_applies_nothing() {
    let (w, open) = four_tickets().await;

    // evt-1 is gone, evt-2 completes (page 1), evt-5 is new (page 2), and
    // the Dashboard fails on page 2.
    let mut next = failing(&["evt-2", "evt-3", "evt-4", "evt-5"]);
    next[0] = ev("evt-2", ACME, "Error", "Completed", "3 files");
    w.demo.dashboard.set_events(next.clone());
    w.demo.dashboard.faults().fail_after(1, 1, 503);
    w.cw().clear_requests();
    let err = impatient(&w)
        .run_cycle(false)
        .await
        .expect_err("page 2 fails");
    assert!(err.to_string().contains("503"), "{err}");
    assert_eq!(w.cw_requests(), Vec::<String>::new(), "nothing applied");
    let run = runs::recent_runs(&w.store, 1).unwrap().remove(0);
    assert!(
        run.error_messages.iter().any(|m| m.contains("503")),
        "{run:?}"
    );

    // The next cycle does it all, once.
    let report = w.sync_ok(next.clone()).await;
    assert_eq!(
        (report.counts.created, report.counts.closed),
        (1, 2),
        "{:?}",
        report.actions
    );
    assert_ne!(status(&w, "evt-1"), open, "evt-1 closed as removed");
    assert_ne!(status(&w, "evt-2"), open, "evt-2 closed as completed");
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
    let (w, open) = four_tickets().await;

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

#[tokio::test]
async fn problems_come_in_the_order_of_a_whole_listing() {
    let w = World::new().await;
    w.set(
        "defaults.agreement_condition",
        r#"name like "%No such agreement""#,
    );
    w.map(ACME, "AcmeDental").await;
    w.map(NORTHWIND, "NorthwindLaw").await;
    // Northwind's events fill page 1, Acme's and an unreadable item page 2.
    let report = w
        .sync(vec![
            ev("evt-1", NORTHWIND, "Error", "Failed", "locked"),
            ev("evt-2", NORTHWIND, "Error", "Failed", "locked"),
            ev("evt-3", ACME, "Error", "Failed", "3 files"),
            json!({"id": "evt-9", "companyId": ACME, "jobStatus": 3}),
        ])
        .await;
    let keys: Vec<&str> = report.errors.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        ["item:evt-9", "company:c-1001", "company:c-1002"],
        "unreadable items, then companies by id: {:?}",
        report.errors
    );
    assert!(w.cw().tickets().is_empty());
}

#[tokio::test]
async fn after_a_refused_connection_later_pages_send_nothing_and_say_so() {
    let w = World::new().await;
    w.set("defaults.agreement_condition", ICB_ACTIVE);
    // Creates page by page: under the storm guard's cap they wait for the
    // end of the listing (issue 17), after every page's lookups.
    w.set("storm.max_creates_per_cycle", "0");
    w.map(ACME, "AcmeDental").await;
    w.map(NORTHWIND, "NorthwindLaw").await;
    // A first sync resolves and caches the ticket template.
    w.sync_ok(vec![ev("evt-1", ACME, "Error", "Failed", "3 files")])
        .await;

    // Page 1: Acme's agreement lookup passes, its create is refused (401).
    // Page 2: Northwind's lookup must not be sent.
    w.cw().faults().fail_after(1, 100, 401);
    w.cw().clear_requests();
    let report = w
        .sync(vec![
            ev("evt-1", ACME, "Error", "Failed", "3 files"),
            ev("evt-2", ACME, "Error", "Failed", "locked"),
            ev("evt-3", NORTHWIND, "Error", "Failed", "locked"),
        ])
        .await;
    w.cw().faults().reset();
    let sent = w.cw_requests();
    assert_eq!(sent.len(), 2, "one lookup and one create: {sent:?}");
    assert!(sent[1].starts_with("POST /service/tickets"), "{sent:?}");
    let northwind = w.last_status(NORTHWIND).await.expect("status");
    assert!(!northwind.ok, "{northwind:?}");
    assert!(northwind.message.contains("not attempted"), "{northwind:?}");
    assert!(report.has_errors());
    assert!(w.cw().tickets().len() == 1, "only evt-1's ticket");
}

#[tokio::test]
async fn an_unreadable_event_with_an_id_keeps_its_ticket_on_any_page() {
    let (w, open) = four_tickets().await;

    // evt-1 is gone; evt-4, alone on page 2, cannot be read but has its id.
    let mut next = failing(&["evt-2", "evt-3"]);
    next.push(json!({"id": "evt-4", "companyId": ACME, "jobStatus": 3}));
    let report = w.sync(next).await;
    assert!(!report.removals_held, "every unreadable item has an id");
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    assert_eq!(report.counts.closed, 1, "{:?}", report.actions);
    assert_ne!(status(&w, "evt-1"), open, "evt-1 closed as removed");
    assert_eq!(status(&w, "evt-4"), open, "evt-4 might still be there");
}
