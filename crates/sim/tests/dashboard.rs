#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Dashboard simulator over HTTP: bearer auth, paging, raw items, the
//! snapshot timeline, faults and the request log.

use std::time::Duration;

use bridge_sim::dashboard::{self, DashboardSim, DEMO_DASHBOARD_TOKEN};
use bridge_sim::log::STATUS_NO_RESPONSE;
use serde_json::{json, Value};

struct Dash {
    sim: DashboardSim,
    http: reqwest::Client,
}

impl Dash {
    async fn demo() -> Dash {
        let sim = DashboardSim::start(DEMO_DASHBOARD_TOKEN).await.unwrap();
        sim.set_companies(dashboard::demo_companies());
        sim.set_timeline(dashboard::demo_timeline());
        Dash {
            sim,
            http: reqwest::Client::new(),
        }
    }

    async fn get_with(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(format!("{}{path}", self.sim.base_url()));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.get_with(path, Some(DEMO_DASHBOARD_TOKEN)).await
    }
}

#[tokio::test]
async fn bearer_token_is_required() {
    let d = Dash::demo().await;
    for token in [None, Some("wrong"), Some("")] {
        let (s, body) = d.get_with("/api/v1/companies", token).await;
        assert_eq!(s, 401, "{token:?}");
        assert_eq!(body["error"], "unauthorized");
        assert!(body["message"].is_string());
    }
    assert_eq!(d.get("/api/v1/companies").await.0, 200);
    d.sim.set_token("rotated");
    assert_eq!(d.get("/api/v1/companies").await.0, 401);
    assert_eq!(
        d.get_with("/api/v1/companies", Some("rotated")).await.0,
        200
    );
}

#[tokio::test]
async fn companies_page_with_next_page() {
    let d = Dash::demo().await;
    let (_, p1) = d.get("/api/v1/companies?pageSize=4").await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 4);
    assert_eq!(p1["nextPage"], 2);
    let (_, p2) = d.get("/api/v1/companies?pageSize=4&page=2").await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 2);
    assert_eq!(p2["nextPage"], Value::Null);
    let (_, all) = d.get("/api/v1/companies").await;
    assert_eq!(
        all["items"][0],
        json!({"id": "c-1001", "name": "Acme Dental Ltd"})
    );
    for bad in ["pageSize=1001", "pageSize=0", "page=0"] {
        let (s, body) = d.get(&format!("/api/v1/companies?{bad}")).await;
        assert_eq!(s, 400, "{bad}");
        assert_eq!(body["error"], "bad_request");
    }
    assert_eq!(d.get("/api/v1/nothing").await.0, 404);
}

#[tokio::test]
async fn timeline_advances_after_each_complete_listing() {
    let d = Dash::demo().await;
    let timeline = dashboard::demo_timeline();
    // Snapshot 0 over two pages: the first page does not advance.
    let (_, p1) = d.get("/api/v1/monitoring/events?pageSize=2").await;
    assert_eq!(p1["nextPage"], 2);
    assert_eq!(d.sim.snapshot_index(), 0);
    let (_, p2) = d.get("/api/v1/monitoring/events?pageSize=2&page=2").await;
    assert_eq!(p2["nextPage"], Value::Null);
    let mut seen: Vec<Value> = p1["items"].as_array().unwrap().clone();
    seen.extend(p2["items"].as_array().unwrap().iter().cloned());
    assert_eq!(seen, timeline[0]);
    assert_eq!(d.sim.snapshot_index(), 1);
    assert_eq!(d.sim.completed_listings(), 1);
    for expected in &timeline[1..] {
        let (_, page) = d.get("/api/v1/monitoring/events").await;
        assert_eq!(&page["items"].as_array().unwrap()[..], &expected[..]);
    }
    // Stays on the last snapshot.
    let (_, page) = d.get("/api/v1/monitoring/events").await;
    assert_eq!(page["items"].as_array().unwrap(), timeline.last().unwrap());
}

#[tokio::test]
async fn malformed_items_are_served_as_given() {
    let d = Dash::demo().await;
    let raw = vec![
        json!({"id": 5, "companyId": null}),
        json!("not an object"),
        json!({"id": "evt-ok"}),
    ];
    d.sim.set_events(raw.clone());
    let (_, page) = d.get("/api/v1/monitoring/events").await;
    assert_eq!(page["items"], Value::Array(raw.clone()));
    let (_, page) = d.get("/api/v1/monitoring/events").await;
    assert_eq!(
        page["items"],
        Value::Array(raw),
        "a single snapshot repeats"
    );
}

#[tokio::test]
async fn faults() {
    let d = Dash::demo().await;
    let url = format!("{}/api/v1/monitoring/events", d.sim.base_url());
    let send = || d.http.get(&url).bearer_auth(DEMO_DASHBOARD_TOKEN).send();

    d.sim.faults().fail_next(1, 502);
    let r = send().await.unwrap();
    assert_eq!(r.status(), 502);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "server_error");

    d.sim.faults().rate_limit_next(1, 12);
    let r = send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "12");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");

    d.sim.faults().garbage_next(1);
    let r = send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err());

    // Only the hung request has a short timeout: it can never be answered,
    // while the others must not fail on a slow, busy machine.
    d.sim.faults().hang_next(1);
    let hung = d
        .http
        .get(&url)
        .bearer_auth(DEMO_DASHBOARD_TOKEN)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.unwrap_err().is_timeout());

    // None of the faulted requests was a complete listing.
    assert_eq!(d.sim.snapshot_index(), 0);
    assert_eq!(send().await.unwrap().status(), 200);
    assert_eq!(d.sim.snapshot_index(), 1);

    let statuses: Vec<u16> = d.sim.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [502, 429, 200, STATUS_NO_RESPONSE, 200]);
    assert!(d
        .sim
        .requests()
        .iter()
        .all(|r| r.path == "/api/v1/monitoring/events"));
    tokio::time::timeout(Duration::from_secs(5), d.sim.shutdown())
        .await
        .unwrap();
}
