#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Contract tests: `CwClient` under the simulator's faults — latency, 429 with
//! `Retry-After`, 5xx, hung requests (Timeout), a connection dropped after a
//! committed create (`may_have_committed`), non-JSON answers, a real rate
//! limiter, an unreachable server, and codebase changes (rediscovery).

mod cw_common;

use std::time::{Duration, Instant};

use bridge_core::cw::{CwClient, CwError};
use cw_common::{api_member, client, new_ticket, Started};

#[tokio::test]
async fn latency_is_tolerated() {
    let Started { sim, cw } = Started::demo().await;
    sim.faults().set_latency(Duration::from_millis(300));
    let started = Instant::now();
    cw.boards().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    sim.shutdown().await;
}

#[tokio::test]
async fn rate_limits_honour_retry_after() {
    let Started { sim, .. } = Started::demo().await;
    // A real wait: Retry-After 1 s under a 5 s cap.
    let mut cfg = api_member(&sim);
    cfg.codebase = cw_common::codebase(&sim);
    let cw = CwClient::new(cfg)
        .unwrap()
        .with_backoff(Duration::from_millis(5), Duration::from_secs(5));
    sim.faults().rate_limit_next(1, 1);
    let started = Instant::now();
    cw.priorities().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    let statuses: Vec<u16> = sim.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200], "throttled, then retried");

    // Still throttled after every retry: RateLimited with the server's delay.
    let Started { sim, cw } = Started::demo().await;
    sim.faults().rate_limit_next(10, 0);
    let err = cw.priorities().await.unwrap_err();
    assert_eq!(
        err,
        CwError::RateLimited {
            retry_after: Some(Duration::ZERO)
        }
    );
    assert!(err.is_retryable() && !err.may_have_committed());
    assert_eq!(sim.requests().len(), 3, "first try + max_retries");

    // The sliding-window limiter: requests beyond the budget come back 429.
    let Started { sim, cw } = Started::demo().await;
    sim.faults().set_rate_limit_per_minute(Some(2));
    cw.boards().await.unwrap();
    cw.boards().await.unwrap();
    match cw.boards().await {
        Err(CwError::RateLimited {
            retry_after: Some(wait),
        }) => assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60)),
        other => panic!("{other:?}"),
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_retried_except_on_creates() {
    let Started { sim, cw } = Started::demo().await;
    sim.faults().fail_next(2, 503);
    assert_eq!(cw.priorities().await.unwrap().len(), 4);
    assert_eq!(sim.requests().len(), 3);

    sim.clear_requests();
    sim.faults().fail_next(5, 500);
    match cw.boards().await {
        Err(err @ CwError::Server { status: 500, .. }) => {
            assert!(err.is_retryable());
            assert!(err.to_string().contains("Simulated failure"), "{err}");
        }
        other => panic!("{other:?}"),
    }
    sim.faults().reset();

    sim.clear_requests();
    sim.faults().fail_next(1, 502);
    let err = cw
        .create_ticket(&new_ticket("x", "bb:5xx"))
        .await
        .unwrap_err();
    assert!(matches!(err, CwError::Server { status: 502, .. }));
    assert_eq!(sim.requests().len(), 1, "a create is never retried");
    assert!(sim.tickets().is_empty());
    let t = cw.create_ticket(&new_ticket("x", "bb:5xx")).await.unwrap();
    sim.clear_requests();
    sim.faults().fail_next(1, 503);
    let note = bridge_core::cw::NewNote::discussion("x");
    assert!(matches!(
        cw.add_note(t.id, &note).await,
        Err(CwError::Server { status: 503, .. })
    ));
    assert_eq!(sim.requests().len(), 1, "a note is never retried");
    assert_eq!(sim.notes(t.id).len(), 1, "only the initial description");
    sim.shutdown().await;
}

#[tokio::test]
async fn hung_requests_time_out_and_reads_retry() {
    let Started { sim, .. } = Started::demo().await;
    let mut cfg = api_member(&sim);
    cfg.codebase = Some("v2025_1/".into());
    cfg.request_timeout = Duration::from_millis(400);
    cfg.max_retries = 0;
    let cw = client(cfg.clone());
    sim.faults().hang_next(1);
    let err = cw.boards().await.unwrap_err();
    assert_eq!(err, CwError::Timeout);
    assert!(err.may_have_committed() && err.is_retryable());

    cfg.max_retries = 1;
    let cw = client(cfg);
    sim.faults().hang_next(1);
    assert_eq!(
        cw.boards().await.unwrap().len(),
        3,
        "the retry gets through"
    );

    sim.faults().hang_next(1);
    let err = cw
        .create_ticket(&new_ticket("x", "bb:hang"))
        .await
        .unwrap_err();
    assert_eq!(err, CwError::Timeout, "a hung create is not retried");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_create_dropped_after_commit_may_have_committed() {
    let Started { sim, cw } = Started::demo().await;
    sim.faults().drop_after_commit_next(1);
    let err = cw
        .create_ticket(&new_ticket("dropped", "bb:drop-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, CwError::Network(_)), "{err:?}");
    assert!(
        err.may_have_committed(),
        "the engine must look the ticket up"
    );
    let posts = sim.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 1, "never retried");
    // The recovery path: the ticket exists and is found by its externalXRef.
    assert_eq!(sim.tickets().len(), 1);
    let found = cw.find_tickets_by_xref("bb:drop-1").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].summary, "dropped");
    sim.shutdown().await;
}

#[tokio::test]
async fn garbage_and_unreachable_servers_are_classified() {
    let Started { sim, cw } = Started::demo().await;
    sim.faults().garbage_next(1);
    let err = cw.boards().await.unwrap_err();
    assert!(
        matches!(&err, CwError::Decode(m) if m.contains("HTML instead of JSON")),
        "{err:?}"
    );

    let cfg = api_member(&sim);
    sim.shutdown().await;
    let mut cfg = cfg;
    cfg.max_retries = 0;
    let err = client(cfg).boards().await.unwrap_err();
    assert!(matches!(err, CwError::Unreachable(_)), "{err:?}");
    assert!(err.is_retryable() && !err.may_have_committed());
}

#[tokio::test]
async fn a_stale_or_changed_codebase_is_rediscovered() {
    let Started { sim, cw } = Started::demo().await;
    let t = cw
        .create_ticket(&new_ticket("x", "bb:stale"))
        .await
        .unwrap();
    // Cached by an earlier run, and outdated.
    for stale in ["v2019_1/", "/v2024_2"] {
        let mut cfg = api_member(&sim);
        cfg.codebase = Some(stale.into());
        let cached = client(cfg);
        assert_eq!(cached.get_ticket(t.id).await.unwrap().id, t.id);
        assert_eq!(cached.codebase().as_deref(), Some("v2025_1/"));
        let mut cfg = api_member(&sim);
        cfg.codebase = Some(stale.into());
        assert_eq!(client(cfg).boards().await.unwrap().len(), 3);
    }
    // Upgraded while running: old URLs 404, the next call re-discovers once.
    sim.set_codebase("v2025_2/").unwrap();
    sim.clear_requests();
    assert_eq!(cw.get_ticket(t.id).await.unwrap().id, t.id);
    assert_eq!(cw.codebase().as_deref(), Some("v2025_2/"));
    let statuses: Vec<(String, u16)> = sim
        .requests()
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    let want = [
        (format!("/v2025_1/apis/3.0/service/tickets/{}", t.id), 404),
        (
            format!("/login/companyinfo/{}", bridge_sim::cw::DEMO_COMPANY),
            200,
        ),
        (format!("/v2025_2/apis/3.0/service/tickets/{}", t.id), 200),
    ];
    assert_eq!(statuses, want);
    // A record that is really gone: one company-info check, then NotFound.
    sim.clear_requests();
    assert!(matches!(
        cw.get_ticket(987_654).await,
        Err(CwError::NotFound { .. })
    ));
    assert_eq!(sim.requests().len(), 2);
    sim.shutdown().await;
}
