#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real MSP360 client against the strict MSP360 simulator: sign-in and
//! token reuse, one new sign-in after a 401, errors by kind, the demo
//! timeline through the incident deriver, plans that disappear, and the
//! simulator's own strictness.

use std::collections::{BTreeMap, BTreeSet};

use bridge_core::source::derive::{derive, events};
use bridge_core::source::msp360::Msp360Client;
use bridge_core::source::platform::{PlatformError, PlatformOptions, RunStatus};
use bridge_core::source::{Source, SourceError, SourceKind};
use bridge_sim::msp360::demo::{ACME_ID, CONTOSO_ID, LONE_USER_ID, NORTHWIND_ID};
use bridge_sim::msp360::{self, Msp360Sim, DEMO_MSP360_PASSWORD, DEMO_MSP360_USER};
use secrecy::SecretString;
use serde_json::{json, Value};

const FILES_KEY: &str = "ACME-FS01/a1f0c3e2-0001-4d1b-9c55-6e7f8a9b0c01";

async fn demo() -> Msp360Sim {
    let sim = Msp360Sim::start(DEMO_MSP360_USER, DEMO_MSP360_PASSWORD)
        .await
        .unwrap();
    sim.set_companies(msp360::demo_companies());
    sim.set_timeline(msp360::demo_timeline());
    sim
}

fn client_with(sim: &Msp360Sim, password: &str) -> Msp360Client {
    Msp360Client::new(
        &sim.base_url(),
        DEMO_MSP360_USER,
        SecretString::from(password.to_owned()),
        PlatformOptions::default(),
    )
    .unwrap()
}

fn client(sim: &Msp360Sim) -> Msp360Client {
    client_with(sim, DEMO_MSP360_PASSWORD)
}

fn files_key() -> String {
    format!("{ACME_ID}/{FILES_KEY}")
}

/// `(method, path, status)` of every request so far.
fn traffic(sim: &Msp360Sim) -> Vec<(String, String, u16)> {
    sim.requests()
        .into_iter()
        .map(|r| (r.method, r.path, r.status))
        .collect()
}

fn req(method: &str, path: &str, status: u16) -> (String, String, u16) {
    (method.to_owned(), path.to_owned(), status)
}

#[tokio::test]
async fn signs_in_once_and_clones_reuse_the_token() {
    let sim = demo().await;
    let c = client(&sim);
    let list = c.companies().await.unwrap();
    c.observe(&BTreeSet::new()).await.unwrap();
    c.clone().observe(&BTreeSet::new()).await.unwrap();
    assert_eq!(sim.logins(), 1);
    let t = traffic(&sim);
    assert_eq!(t[0], req("POST", "/api/Provider/Login", 200));
    assert_eq!(t.len(), 7);
    assert!(
        t[1..].iter().all(|(m, _, s)| m == "GET" && *s == 200),
        "{t:?}"
    );
    // Four companies and the user without one.
    let ids: Vec<_> = list.companies.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(ids[4], format!("user:{LONE_USER_ID}"));
    assert_eq!(list.companies[4].name, "jdoe (no company)");
    assert!(list.rejected.is_empty());
}

#[tokio::test]
async fn an_expired_token_signs_in_again_exactly_once() {
    let sim = demo().await;
    let c = client(&sim);
    c.observe(&BTreeSet::new()).await.unwrap();
    sim.clear_requests();
    sim.expire_tokens();
    c.observe(&BTreeSet::new()).await.unwrap();
    assert_eq!(sim.logins(), 2);
    assert_eq!(
        traffic(&sim),
        vec![
            req("GET", "/api/Companies", 401),
            req("POST", "/api/Provider/Login", 200),
            req("GET", "/api/Companies", 200),
            req("GET", "/api/Monitoring", 200),
        ]
    );
}

#[tokio::test]
async fn a_token_refused_again_after_a_new_sign_in_is_an_auth_error() {
    let sim = demo().await;
    // Tokens that are dead on arrival: the call signs in, is refused, signs
    // in once more, is refused again, and gives up.
    sim.set_token_lifetime(0);
    let e = client(&sim).observe(&BTreeSet::new()).await.unwrap_err();
    assert!(matches!(e, PlatformError::Auth { .. }), "{e:?}");
    assert!(e.to_string().contains("/api/Companies"), "{e}");
    assert_eq!(sim.logins(), 2);
    assert_eq!(traffic(&sim).len(), 4);
}

#[tokio::test]
async fn a_wrong_password_is_an_auth_error_without_the_password() {
    let sim = demo().await;
    let wrong = "not-the-password-9f8e";
    let source = Source::Msp360(client_with(&sim, wrong));
    let e = source.companies().await.unwrap_err();
    let SourceError::Platform(platform) = &e else {
        panic!("{e:?}")
    };
    assert!(matches!(platform, PlatformError::Auth { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "MSP360 refused the sign-in: The user name or password is incorrect.; check \
         source.username and the API password (MSP360 console: Settings > General > API), \
         `backup-bridge secret set source`"
    );
    assert!(!format!("{e:?}").contains(wrong));
    assert!(!e.is_retryable());
    assert_eq!(sim.logins(), 0);
    assert_eq!(traffic(&sim), vec![req("POST", "/api/Provider/Login", 400)]);

    let steps = source.check().await;
    let summary: Vec<_> = steps.iter().map(|s| (s.name.as_str(), s.ok)).collect();
    assert_eq!(summary, [("Reachable", true), ("Signed in", false)]);
    assert!(steps[1]
        .detail
        .contains("user name or password is incorrect"));
}

#[tokio::test]
async fn a_non_json_answer_is_a_decode_error_naming_the_path() {
    let sim = demo().await;
    let c = client(&sim);
    sim.garbage_next();
    let e = c.observe(&BTreeSet::new()).await.unwrap_err();
    assert!(
        matches!(&e, PlatformError::Decode { path, .. } if path == "/api/Companies"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("MSP360 sent an unreadable answer to /api/Companies"),
        "{e}"
    );
    assert!(!e.is_retryable());
    // The fault was one-shot.
    c.observe(&BTreeSet::new()).await.unwrap();
}

#[tokio::test]
async fn a_server_error_is_retryable_and_names_the_path() {
    let sim = demo().await;
    let c = client(&sim);
    sim.fail_next(500);
    let e = c.companies().await.unwrap_err();
    assert!(
        matches!(&e, PlatformError::Server { status: 500, path, .. } if path == "/api/Companies"),
        "{e:?}"
    );
    assert!(e.is_retryable());
    assert_eq!(
        e.to_string(),
        "MSP360 had a server error (HTTP 500) on /api/Companies: An error has occurred."
    );
    sim.fail_next(503);
    sim.fail_next(429);
    assert!(matches!(
        c.companies().await.unwrap_err(),
        PlatformError::Server { status: 503, .. }
    ));
    assert!(matches!(
        c.companies().await.unwrap_err(),
        PlatformError::RateLimited { .. }
    ));
    assert!(c.companies().await.is_ok());
}

#[tokio::test]
async fn the_check_reports_every_step() {
    let sim = demo().await;
    let steps = client(&sim).check().await;
    let summary: Vec<_> = steps
        .iter()
        .map(|s| (s.name.as_str(), s.ok, s.detail.as_str()))
        .collect();
    assert_eq!(summary[0].0, "Reachable");
    assert_eq!(summary[1], ("Signed in", true, "signed in as bridge-api"));
    assert_eq!(summary[2], ("Can list companies", true, "4 companies"));
    assert_eq!(summary[3], ("Can read monitoring", true, "6 plans"));
    assert!(summary.iter().all(|s| s.1));
}

#[tokio::test]
async fn the_demo_timeline_becomes_incidents() {
    let sim = demo().await;
    let c = client(&sim);
    let mut states = BTreeMap::new();
    let mut files = Vec::new();
    let mut retired = Vec::new();
    for step in 0..5 {
        let known: BTreeSet<String> = states.keys().cloned().collect();
        let seen = c.observe(&known).await.unwrap();
        assert!(seen.rejected.is_empty(), "step {step}: {:?}", seen.rejected);
        assert!(seen.gone.keys.is_empty() && !seen.gone.undecided);
        assert_eq!(seen.runs.len(), 6);
        let run = seen.runs.iter().find(|r| r.key == files_key()).unwrap();
        files.push((
            run.status,
            run.started_at.clone().unwrap(),
            run.message.clone(),
        ));
        let now = format!("2026-11-20T1{step}:00:00Z");
        retired.extend(derive(SourceKind::Msp360, &mut states, &seen, &now).retired);
    }
    assert_eq!(sim.logins(), 1);
    let statuses: Vec<_> = files.iter().map(|f| f.0).collect();
    assert_eq!(
        statuses,
        [
            RunStatus::Failed,
            RunStatus::Failed,
            RunStatus::Running,
            RunStatus::Completed,
            RunStatus::Failed
        ]
    );
    assert_eq!(
        files[1].2,
        "Destination is unreachable: bucket acme-backups"
    );
    assert_eq!(files[4].1, "2026-11-20T04:00:00Z");
    assert_eq!(files[4].2, "Interrupted: 37 files failed");
    // The first incident completed and was retired by the second.
    assert_eq!(
        retired,
        [format!("msp360:{}@2026-11-20T01:00:00Z", files_key())]
    );

    let listed = events(&states);
    let by_id: BTreeMap<_, _> = listed.iter().map(|e| (e.id.as_str(), e)).collect();
    let open = by_id[format!("msp360:{}@2026-11-20T04:00:00Z", files_key()).as_str()];
    assert_eq!(
        (open.event_type.as_str(), open.job_status.as_str()),
        ("Error", "Failed")
    );
    assert_eq!(open.backup_type, "FileLevel");
    assert_eq!(open.extra[0].0, "Report");
    let kinds: BTreeSet<_> = listed
        .iter()
        .map(|e| {
            (
                e.company_id.as_str(),
                e.backup_type.as_str(),
                e.job_status.as_str(),
            )
        })
        .collect();
    let lone = format!("user:{LONE_USER_ID}");
    let want: BTreeSet<_> = [
        (ACME_ID, "FileLevel", "Failed"),
        (NORTHWIND_ID, "MSSQL", "Warning"),
        (CONTOSO_ID, "ImageBased", "Overdue"),
        (lone.as_str(), "FileLevel", "Completed"),
    ]
    .into_iter()
    .collect();
    // The restore test never became an incident; the NAS never failed.
    assert_eq!(kinds, want);
    assert_eq!(listed.len(), 4);
}

#[tokio::test]
async fn a_plan_that_disappears_is_gone() {
    let sim = demo().await;
    let c = client(&sim);
    let rows = msp360::demo_timeline().remove(0);
    sim.set_monitoring(rows.clone());
    let first = c.observe(&BTreeSet::new()).await.unwrap();
    let known: BTreeSet<String> = first.runs.iter().map(|r| r.key.clone()).collect();
    assert_eq!(known.len(), 6);
    sim.set_monitoring(rows[1..].to_vec());
    let second = c.observe(&known).await.unwrap();
    assert_eq!(second.gone.keys.iter().collect::<Vec<_>>(), [&files_key()]);
    assert!(!second.gone.undecided);

    // A row whose key cannot be built leaves nothing decided.
    let mut broken = rows[0].clone();
    broken["ComputerName"] = Value::Null;
    sim.set_monitoring(vec![broken, rows[1].clone()]);
    let third = c.observe(&known).await.unwrap();
    assert!(third.gone.undecided);
    assert_eq!(third.rejected.len(), 1);
    assert_eq!(third.rejected[0].position, 0);
    assert_eq!(third.runs.len(), 1);
}

/// A raw request to the simulator.
async fn raw(
    sim: &Msp360Sim,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Value) {
    let mut r = reqwest::Client::new().request(method, format!("{}{path}", sim.base_url()));
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    if let Some(b) = body {
        r = r.body(b.to_owned());
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A request the simulator must refuse: the status, method, path, headers, body.
type Probe<'a> = (
    u16,
    reqwest::Method,
    &'a str,
    Vec<(&'a str, &'a str)>,
    Option<String>,
);

#[tokio::test]
async fn the_simulator_is_strict() {
    use reqwest::Method;
    let sim = demo().await;
    let json_type = ("Content-Type", "application/json");
    let good = json!({"UserName": DEMO_MSP360_USER, "Password": DEMO_MSP360_PASSWORD}).to_string();
    let login = "/api/Provider/Login";

    let (s, body) = raw(&sim, Method::POST, login, &[json_type], Some(&good)).await;
    assert_eq!(s, 200);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 1_209_599);
    let token = body["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let auth = ("Authorization", bearer.as_str());

    let refused: Vec<Probe> = vec![
        (405, Method::GET, login, vec![], None),
        (405, Method::POST, "/api/Companies", vec![auth], Some("[]".into())),
        (405, Method::DELETE, "/api/Monitoring", vec![auth], None),
        (404, Method::GET, "/api/v1/companies", vec![auth], None),
        (401, Method::GET, "/api/Companies", vec![], None),
        (401, Method::GET, "/api/Monitoring", vec![("Authorization", "Bearer nope")], None),
        (401, Method::GET, "/api/Monitoring", vec![("Authorization", token.as_str())], None),
        (406, Method::GET, "/api/Monitoring", vec![auth, ("Accept", "text/html")], None),
        (415, Method::POST, login, vec![("Content-Type", "application/x-www-form-urlencoded")], Some(good.clone())),
        (415, Method::POST, login, vec![], Some(good.clone())),
        (400, Method::POST, login, vec![json_type], Some(json!({"UserName": DEMO_MSP360_USER}).to_string())),
        (400, Method::POST, login, vec![json_type], Some(json!({"UserName": DEMO_MSP360_USER, "Password": 5}).to_string())),
        (400, Method::POST, login, vec![json_type], Some(json!({"UserName": DEMO_MSP360_USER, "Password": DEMO_MSP360_PASSWORD, "grant_type": "password"}).to_string())),
        (400, Method::POST, login, vec![json_type], Some("UserName=x".into())),
    ];
    for (want, method, path, headers, body) in refused {
        let (s, _) = raw(&sim, method.clone(), path, &headers, body.as_deref()).await;
        assert_eq!(s, want, "{method} {path} {headers:?} {body:?}");
    }
    let wrong = json!({"UserName": DEMO_MSP360_USER, "Password": "nope"}).to_string();
    let (s, body) = raw(&sim, Method::POST, login, &[json_type], Some(&wrong)).await;
    assert_eq!(s, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].is_string());
    assert_eq!(sim.logins(), 1);

    // Answers are bare arrays with the reference's types.
    let accept = ("Accept", "application/json");
    let (s, rows) = raw(&sim, Method::GET, "/api/Monitoring", &[auth, accept], None).await;
    assert_eq!(s, 200);
    let rows = rows.as_array().unwrap();
    assert!(rows
        .iter()
        .all(|r| r["Status"].is_i64() && r["PlanType"].is_i64()));
    assert!(rows
        .iter()
        .all(|r| !r["LastStart"].as_str().unwrap().ends_with('Z')));
    let (s, companies) = raw(&sim, Method::GET, "/api/Companies", &[auth], None).await;
    assert_eq!(s, 200);
    assert_eq!(companies.as_array().unwrap().len(), 4);
    // One completed read moved the timeline on; refused ones did not.
    assert_eq!(sim.timeline_index(), 1);
    // Every refused request is in the log with its status.
    let log = traffic(&sim);
    assert!(log.contains(&req("GET", "/api/Monitoring", 406)));
    assert!(log.contains(&req("POST", "/api/Provider/Login", 415)));
}

#[tokio::test]
async fn the_engine_builds_an_msp360_source_from_the_settings() {
    use bridge_core::secrets::{MemoryStore, SecretKey};
    let sim = demo().await;
    let settings = bridge_core::store::settings::Settings {
        source_kind: SourceKind::Msp360,
        source_url: Some(sim.base_url()),
        source_username: Some(DEMO_MSP360_USER.to_owned()),
        ..Default::default()
    };
    let secrets = MemoryStore::new().with(SecretKey::SourceSecret, DEMO_MSP360_PASSWORD);
    let source = bridge_core::engine::source_client(&settings, &secrets).unwrap();
    assert!(matches!(source, Source::Msp360(_)));
    assert_eq!(source.kind(), SourceKind::Msp360);
    assert_eq!(source.companies().await.unwrap().companies.len(), 5);
    let seen = source
        .observe(Some("ignored"), &BTreeSet::new())
        .await
        .unwrap();
    assert_eq!(seen.unwrap().runs.len(), 6);
}
