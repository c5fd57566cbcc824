//! Helpers shared by the VSPC simulator's integration tests: a simulator
//! with known credentials, raw reqwest calls to it, and checks of the
//! error envelope.

#![allow(dead_code)]

use bridge_sim::vspc::{AlarmObject, AlarmStatus, NewAlarm, VspcSim};
use chrono::{Duration, TimeZone, Utc};
use serde_json::Value;

pub const USER: &str = "api-user";
pub const PASSWORD: &str = "pa55-word";
pub const KEY: &str = "the-api-key";

pub async fn sim() -> VspcSim {
    VspcSim::start(USER, PASSWORD, Some(KEY)).await.unwrap()
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `(status, body)` of a token request with `form`.
pub async fn token_request(sim: &VspcSim, form: &[(&str, &str)]) -> (u16, Value) {
    let r = http()
        .post(format!("{}/api/v3/token", sim.base_url()))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Signs in with the password grant: `(access token, refresh token)`.
pub async fn sign_in(sim: &VspcSim) -> (String, String) {
    let form = [
        ("grant_type", "password"),
        ("username", USER),
        ("password", PASSWORD),
    ];
    let (status, body) = token_request(sim, &form).await;
    assert_eq!(status, 200, "{body}");
    let text = |k: &str| body[k].as_str().unwrap().to_owned();
    (text("access_token"), text("refresh_token"))
}

pub async fn refresh(sim: &VspcSim, refresh_token: &str) -> (u16, Value) {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    token_request(sim, &form).await
}

/// `(status, body)` of `GET /api/v3{path}` with `bearer` (none when empty).
pub async fn get(sim: &VspcSim, bearer: &str, path: &str) -> (u16, Value) {
    let mut req = http().get(format!("{}/api/v3{path}", sim.base_url()));
    if !bearer.is_empty() {
        req = req.bearer_auth(bearer);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Asserts `body` is the error envelope with `code`; returns its message.
#[track_caller]
pub fn envelope(body: &Value, code: u16) -> String {
    assert_eq!(body["data"], Value::Null, "{body}");
    let errors = body["meta"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["code"], code, "{body}");
    assert!(errors[0]["type"].is_string(), "{body}");
    errors[0]["message"].as_str().unwrap().to_owned()
}

pub fn object(org: &str) -> AlarmObject {
    AlarmObject {
        instance_uid: "obj-1".into(),
        object_type: "ObjectEntity".into(),
        organization_uid: org.into(),
        location_uid: "loc-1".into(),
        management_agent_uid: "agent-1".into(),
        computer_name: "PC-1".into(),
        object_uid: "job-1".into(),
        object_name: Some("Nightly".into()),
    }
}

/// Alarms `a0` (oldest) … `a{n-1}` (newest), a minute apart in 2026.
pub fn alarms(n: u32) -> Vec<NewAlarm> {
    let base = Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            NewAlarm::new(
                &format!("a{i}"),
                "t",
                object("org"),
                AlarmStatus::Error,
                "x",
            )
            .at(base + Duration::minutes(i.into()))
        })
        .collect()
}

pub fn uids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["instanceUid"].as_str().unwrap().to_owned())
        .collect()
}
