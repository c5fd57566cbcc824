#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Transport rules through a real sync (issue 12): a Dashboard that
//! redirects to another origin fails the cycle with a sentence, and the
//! listing found there is never used, so no tracked ticket is closed.

mod world;

use serde_json::json;
use world::*;

/// A server on another port (another origin) that answers every path with
/// an empty listing, and counts what it was asked.
async fn empty_listing_elsewhere() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let app = axum::Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { axum::Json(json!({"items": [], "nextPage": null})) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, asked)
}

/// REGRESSION: the Dashboard client followed redirects, so a Dashboard (or
/// a proxy) sending it to another origin that lists nothing made the cycle
/// close every tracked ticket as "removed from the Dashboard".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_origin_fails_the_cycle_and_closes_nothing() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(vec![ev("evt-1", ACME, "Error", "Failed", "disk full")])
        .await;
    let ticket = w.ticket_id("evt-1");

    let (elsewhere, asked) = empty_listing_elsewhere().await;
    let location = format!("{elsewhere}/api/v1/monitoring/events?page=1&pageSize=250");
    w.demo.dashboard.faults().redirect_next(100, &location);
    let err = w.engine.run_cycle(false).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the Dashboard answered /api/v1/monitoring/events with a redirect (HTTP 302) to \
             {location}, which BackupBridge does not follow; check dashboard.url (set it to the \
             address the Dashboard API answers on)"
        )
    );
    assert!(!err.is_retryable());
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
    let t = w.cw().ticket(ticket).unwrap();
    assert_eq!(t["closedFlag"], false, "{t}");
    assert_eq!(w.cw().notes(ticket).len(), 1, "only the description note");
}
