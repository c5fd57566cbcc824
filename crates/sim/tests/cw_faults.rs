#![allow(clippy::unwrap_used, clippy::expect_used)]
//! ConnectWise simulator fault injection: 5xx, 429 + Retry-After, hangs,
//! drop-after-commit, garbage bodies, latency, the real per-minute limiter,
//! and the request log that records them.

mod common;

use std::time::{Duration, Instant};

use bridge_sim::log::STATUS_NO_RESPONSE;
use common::{minimal_ticket, status_json, Cw};
use serde_json::json;

#[tokio::test]
async fn fail_next_returns_server_errors_then_recovers() {
    let cw = Cw::demo().await;
    cw.sim.faults().fail_next(2, 503);
    for _ in 0..2 {
        let (s, body) = status_json(cw.get("/system/info").await).await;
        assert_eq!(s, 503);
        assert!(
            body["message"].is_string() && body["code"].is_string(),
            "{body}"
        );
    }
    assert_eq!(cw.get("/system/info").await.status(), 200);
}

#[tokio::test]
async fn rate_limit_next_sends_429_with_retry_after_and_its_own_body_shape() {
    let cw = Cw::demo().await;
    cw.sim.faults().rate_limit_next(1, 30);
    let r = cw.get("/service/tickets").await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "30");
    let (_, body) = status_json(r).await;
    assert_eq!(body["error"], "ConnectWiseAPI");
    assert!(body["message"].as_str().unwrap().contains("30 seconds"));
    assert!(body.get("code").is_none());
    assert_eq!(cw.get("/service/tickets").await.status(), 200);
}

#[tokio::test]
async fn real_rate_limiter_throttles_beyond_the_limit() {
    let cw = Cw::demo().await;
    cw.sim.faults().set_rate_limit_per_minute(Some(3));
    for _ in 0..3 {
        assert_eq!(cw.get("/system/info").await.status(), 200);
    }
    let r = cw.get("/system/info").await;
    assert_eq!(r.status(), 429);
    let secs: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    cw.sim.faults().set_rate_limit_per_minute(None);
    assert_eq!(cw.get("/system/info").await.status(), 200);
}

#[tokio::test]
async fn hang_next_makes_the_client_time_out() {
    let cw = Cw::demo().await;
    cw.sim.faults().hang_next(1);
    let started = Instant::now();
    let err = cw
        .req(reqwest::Method::GET, "/system/info")
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(cw.get("/system/info").await.status(), 200);
    let log = cw.sim.requests();
    assert_eq!(log[0].status, STATUS_NO_RESPONSE);
    assert_eq!(log[1].status, 200);
    // Shutdown releases the hung request instead of waiting forever.
    tokio::time::timeout(Duration::from_secs(5), cw.sim.shutdown())
        .await
        .unwrap();
}

#[tokio::test]
async fn drop_after_commit_stores_the_ticket_and_errors_the_client() {
    let cw = Cw::demo().await;
    cw.sim.faults().drop_after_commit_next(1);
    // Other requests are not affected by the armed fault.
    assert_eq!(cw.get("/service/tickets").await.status(), 200);
    let err = cw
        .req(reqwest::Method::POST, "/service/tickets")
        .json(&minimal_ticket("committed then dropped"))
        .send()
        .await
        .unwrap_err();
    assert!(
        !err.is_timeout() && err.status().is_none(),
        "a connection error, not a status: {err:?}"
    );
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    let stored = cw.sim.tickets();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["externalXRef"], "bkp:committed then dropped");
    let last = cw.sim.requests().last().cloned().unwrap();
    assert_eq!(
        (last.method.as_str(), last.api_path(), last.status),
        ("POST", "/service/tickets", STATUS_NO_RESPONSE)
    );
    // The next create goes through normally.
    cw.create_ticket("second").await;
    assert_eq!(cw.sim.tickets().len(), 2);
}

#[tokio::test]
async fn garbage_next_sends_a_non_json_body() {
    let cw = Cw::demo().await;
    cw.sim.faults().garbage_next(1);
    let r = cw.get("/system/info").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
}

/// How long a round trip takes is the bench's business: this checks that
/// the delay is applied, recorded, and gone after a reset.
#[tokio::test]
async fn latency_delays_every_request_until_reset() {
    let cw = Cw::demo().await;
    let latency = Duration::from_millis(150);
    let after = Duration::from_millis(50);
    cw.sim.faults().set_latency(latency);
    cw.sim.faults().set_response_latency(after);
    for _ in 0..2 {
        let started = Instant::now();
        assert_eq!(cw.get("/system/info").await.status(), 200);
        // A lower bound only: the delay can be no shorter than asked.
        assert!(started.elapsed() >= latency + after);
    }
    cw.sim.faults().reset();
    assert_eq!(cw.get("/system/info").await.status(), 200);
    let delays: Vec<_> = cw.sim.requests().iter().map(|r| r.injected_delay).collect();
    assert_eq!(delays, [latency + after, latency + after, Duration::ZERO]);
}

#[tokio::test]
async fn request_log_records_method_path_query_and_status() {
    let cw = Cw::demo().await;
    cw.get("/service/tickets?conditions=id%3D1&pageSize=5")
        .await;
    cw.post("/service/tickets", &json!({})).await;
    let log = cw.sim.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/v2025_1/apis/3.0/service/tickets");
    assert_eq!(
        log[0].query.as_deref(),
        Some("conditions=id%3D1&pageSize=5")
    );
    assert_eq!(log[0].query_param("conditions").as_deref(), Some("id=1"));
    assert_eq!(log[0].status, 200);
    assert_eq!((log[1].method.as_str(), log[1].status), ("POST", 400));
    cw.sim.clear_requests();
    assert!(cw.sim.requests().is_empty());
}
