#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real Comet adapter against the strict Comet simulator: auth in every
//! body, errors in both forms, the TOTP sentence, the poll window, GUID
//! de-duplication, log and profile caching, `gone`, unreadable answers, no
//! secret in any output; and the simulator's own strictness.

use std::collections::BTreeSet;
use std::time::Duration;

use bridge_core::source::comet::CometClient;
use bridge_core::source::platform::{PlatformError, PlatformOptions, RunStatus};
use bridge_sim::comet::{self, job, CometSim, DEMO_COMET_PASSWORD, DEMO_COMET_USER};
use secrecy::SecretString;
use serde_json::{json, Value};

const NOW: i64 = 1_800_000_000;

async fn sim() -> CometSim {
    let sim = CometSim::start(DEMO_COMET_USER, DEMO_COMET_PASSWORD)
        .await
        .unwrap();
    sim.set_tenants(comet::demo_tenants());
    sim.set_users(comet::demo_users());
    sim
}

fn client_with(sim: &CometSim, secret: &str) -> CometClient {
    let options = PlatformOptions {
        request_timeout: Duration::from_secs(5),
        ..PlatformOptions::default()
    };
    CometClient::new(
        &sim.base_url(),
        DEMO_COMET_USER,
        SecretString::from(secret),
        options,
    )
    .unwrap()
}

fn client(sim: &CometSim) -> CometClient {
    client_with(sim, DEMO_COMET_PASSWORD)
}

fn acme(guid: &str, status: i64, times: (i64, i64)) -> Value {
    job(
        guid,
        "acme",
        "src-acme-files",
        "dev-acme-dc01",
        status,
        times,
    )
}

fn no_keys() -> BTreeSet<String> {
    BTreeSet::new()
}

/// No secret of the profiles, and not the password, in `text`.
fn assert_clean(text: &str) {
    assert!(!text.contains(comet::SECRET_MARKER), "{text}");
    assert!(!text.contains(DEMO_COMET_PASSWORD), "{text}");
}

#[tokio::test]
async fn the_demo_maps_and_every_body_signs_in() {
    let sim = sim().await;
    sim.load_demo();
    let c = client(&sim);
    let now = chrono::Utc::now().timestamp();
    let list = c.companies().await.unwrap();
    let names: Vec<&str> = list.companies.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Acme Dental Ltd",
            "Contoso Health Clinic",
            "Northwind Law LLP",
            "Tailspin Toys"
        ]
    );
    let obs = c.observe(None, &no_keys(), now).await.unwrap();
    assert!(obs.rejected.is_empty(), "{:?}", obs.rejected);
    let run = obs.runs.iter().find(|r| r.plan == "Nightly files").unwrap();
    assert_eq!(
        run.key,
        "8b0f-acme/acme/dev-acme-dc01/src-acme-files/acme-vault"
    );
    assert_eq!(run.company_id, "8b0f-acme");
    assert_eq!(run.computer, "ACME-DC01");
    assert_eq!(run.backup_type, "FileLevel");
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(
        run.message,
        "Cannot read C:\\Data\\ledger.db: the file is locked"
    );
    assert_eq!(run.error_lines.len(), 2, "the I line is left out");
    let warn = obs.runs.iter().find(|r| r.plan == "Server image").unwrap();
    assert_eq!(
        (warn.status, warn.backup_type.as_str()),
        (RunStatus::Warning, "ImageBased")
    );
    assert_eq!(obs.cursor.as_deref(), Some(now.to_string().as_str()));
    // Steps 1–4: running, success, skipped, restore, failing again.
    let mut cursor = obs.cursor;
    let mut last = obs.runs;
    for _ in 0..4 {
        let obs = c
            .observe(cursor.as_deref(), &no_keys(), now + 1)
            .await
            .unwrap();
        cursor = obs.cursor;
        last = obs.runs;
    }
    let status_of = |guid_plan: &str| {
        last.iter()
            .filter(|r| r.plan == guid_plan)
            .map(|r| r.status)
            .collect::<Vec<_>>()
    };
    assert!(status_of("Practice SQL").contains(&RunStatus::NotTicketed));
    assert!(status_of("Shares").contains(&RunStatus::NotTicketed));
    assert!(status_of("Hyper-V guests").contains(&RunStatus::Overdue));
    let files = status_of("Nightly files");
    assert!(files.contains(&RunStatus::Completed) && files.contains(&RunStatus::Failed));
    let requests = sim.requests();
    assert!(requests.len() > 5);
    for r in &requests {
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(r.field("Username"), Some(DEMO_COMET_USER));
        assert_eq!(r.field("AuthType"), Some("Password"));
        assert_eq!(r.field("Password"), Some(DEMO_COMET_PASSWORD));
        assert_eq!(r.status, 200, "{r:?}");
    }
    for r in requests
        .iter()
        .filter(|r| r.endpoint() == "get-job-log-entries")
    {
        assert_eq!(r.field("MinSeverity"), Some("W"));
    }
}

#[tokio::test]
async fn errors_are_detected_in_both_forms() {
    let sim = sim().await;
    let c = client_with(&sim, "wrong-password");
    for http_200 in [false, true] {
        sim.errors_with_http_200(http_200);
        let e = c.companies().await.unwrap_err();
        assert!(matches!(e, PlatformError::Auth { .. }), "{e}");
        assert!(
            e.to_string().contains(
                "check source.username and the admin password (`backup-bridge secret set source`)"
            ),
            "{e}"
        );
        let last = sim.requests().pop().unwrap();
        assert_eq!(last.status, if http_200 { 200 } else { 403 });
        assert_eq!(last.body_status, Some(403));
    }
    let c = client(&sim);
    sim.fail_next(503);
    let e = c.companies().await.unwrap_err();
    assert!(e.is_retryable() && e.to_string().contains("503"), "{e}");
    sim.errors_with_http_200(false);
    sim.fail_next(400);
    let e = c.companies().await.unwrap_err();
    assert!(
        matches!(e, PlatformError::Refused { status: 400, .. }),
        "{e}"
    );
}

#[tokio::test]
async fn a_second_factor_is_named() {
    let sim = sim().await;
    sim.require_totp(true);
    let c = client(&sim);
    let e = c.companies().await.unwrap_err();
    assert!(
        e.to_string().contains(
            "this admin needs a second factor; use a dedicated admin without TOTP or a session key"
        ),
        "{e}"
    );
    let steps = c.check().await;
    assert_eq!(steps.len(), 2);
    assert!(steps[0].ok && !steps[1].ok, "{steps:?}");
    // A session key signs in where the password needs TOTP.
    sim.set_session_key(Some("sk-123456"));
    let c = client_with(&sim, "session:sk-123456");
    assert_eq!(c.companies().await.unwrap().companies.len(), 4);
    let last = sim.requests().pop().unwrap();
    assert_eq!(last.field("AuthType"), Some("SessionKey"));
    assert_eq!(last.field("SessionKey"), Some("sk-123456"));
    assert_eq!(last.field("Password"), None);
}

#[tokio::test]
async fn the_window_overlaps_and_guids_are_deduplicated() {
    let sim = sim().await;
    let c = client(&sim);
    sim.set_jobs(vec![
        acme("job-1", 6001, (NOW - 100, 0)),
        acme("job-1", 7002, (NOW - 100, NOW - 50)),
        acme("job-1", 6001, (NOW - 100, 0)),
    ]);
    sim.set_log_entries(
        "job-1",
        vec![json!({"Time": NOW - 60, "Severity": "E", "Message": "disk full"})],
    );
    let obs = c.observe(None, &no_keys(), NOW).await.unwrap();
    let r = &sim.requests()[0];
    assert_eq!(r.endpoint(), "get-jobs-for-date-range");
    assert_eq!(
        r.field("Start"),
        Some((NOW - 7 * 24 * 3600).to_string().as_str())
    );
    assert_eq!(r.field("End"), Some(NOW.to_string().as_str()));
    assert_eq!(obs.runs.len(), 1);
    assert_eq!(obs.runs[0].status, RunStatus::Failed);
    assert_eq!(obs.runs[0].message, "disk full");
    // The next poll reaches 15 minutes back, sees job-1 again, and does not
    // ask for its log a second time.
    let obs = c
        .observe(obs.cursor.as_deref(), &no_keys(), NOW + 600)
        .await
        .unwrap();
    assert_eq!(obs.runs.len(), 1);
    let jobs: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.endpoint() == "get-jobs-for-date-range")
        .collect();
    assert_eq!(
        jobs[1].field("Start"),
        Some((NOW - 900).to_string().as_str())
    );
    assert_eq!(sim.count("get-job-log-entries"), 1);
    // A clone shares the cache.
    let again = c.clone().observe(None, &no_keys(), NOW).await.unwrap();
    assert_eq!(again.runs[0].error_lines.len(), 1);
    assert_eq!(sim.count("get-job-log-entries"), 1);
    assert_eq!(sim.count("list-users-full"), 1);
}

#[tokio::test]
async fn profiles_are_read_again_for_an_unknown_device() {
    let sim = sim().await;
    let c = client(&sim);
    sim.set_jobs(vec![acme("job-1", 5000, (NOW - 100, NOW - 50))]);
    c.observe(None, &no_keys(), NOW).await.unwrap();
    assert_eq!(sim.count("list-users-full"), 1);
    // A new device registers and runs a job.
    let mut users = comet::demo_users();
    users["acme"]["Devices"]["dev-new"] = json!({"FriendlyName": "ACME-LAPTOP"});
    sim.set_users(users);
    sim.set_jobs(vec![
        acme("job-1", 5000, (NOW - 100, NOW - 50)),
        job(
            "job-2",
            "acme",
            "src-acme-files",
            "dev-new",
            5000,
            (NOW, NOW + 5),
        ),
        job(
            "job-3",
            "acme",
            "src-acme-files",
            "dev-ghost",
            7002,
            (NOW, NOW + 5),
        ),
    ]);
    let obs = c
        .observe(Some(&NOW.to_string()), &no_keys(), NOW + 60)
        .await
        .unwrap();
    assert_eq!(
        sim.count("list-users-full"),
        2,
        "one refresh for both unknowns"
    );
    let computers: Vec<&str> = obs.runs.iter().map(|r| r.computer.as_str()).collect();
    assert_eq!(computers, ["ACME-DC01", "ACME-LAPTOP"]);
    assert_eq!(obs.rejected.len(), 1);
    let reason = &obs.rejected[0].reason;
    assert!(
        reason.contains("job-3") && reason.contains("device \"dev-ghost\""),
        "{reason}"
    );
    assert_eq!(
        sim.count("get-job-log-entries"),
        0,
        "no log for a rejected job"
    );
}

#[tokio::test]
async fn a_deleted_protected_item_is_gone() {
    let sim = sim().await;
    let c = client(&sim).with_profile_max_age(Duration::ZERO);
    let key = "8b0f-acme/acme/dev-acme-dc01/src-acme-sql/acme-vault".to_owned();
    let kept = "8b0f-acme/acme/dev-acme-dc01/src-acme-files/acme-vault".to_owned();
    let known: BTreeSet<String> = [key.clone(), kept.clone()].into_iter().collect();
    let obs = c.observe(None, &known, NOW).await.unwrap();
    assert!(obs.gone.keys.is_empty() && !obs.gone.undecided);
    let mut users = comet::demo_users();
    users["acme"]["Sources"]
        .as_object_mut()
        .unwrap()
        .remove("src-acme-sql");
    sim.set_users(users.clone());
    let obs = c.observe(None, &known, NOW).await.unwrap();
    assert_eq!(obs.gone.keys, [key].into_iter().collect());
    assert!(!obs.gone.undecided);
    // A profile that cannot be read: nothing is taken as gone.
    users["broken"] = json!({"Username": 42});
    sim.set_users(users);
    let obs = c.observe(None, &known, NOW).await.unwrap();
    assert!(obs.gone.undecided);
}

#[tokio::test]
async fn unreadable_answers_name_the_endpoint() {
    let sim = sim().await;
    let c = client(&sim);
    sim.garbage_next();
    let e = c.observe(None, &no_keys(), NOW).await.unwrap_err();
    assert!(matches!(e, PlatformError::Decode { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("/api/v1/admin/get-jobs-for-date-range"),
        "{e}"
    );
    sim.garbage_next();
    let e = c.companies().await.unwrap_err();
    assert!(e.to_string().contains("list-users-full"), "{e}");
}

#[tokio::test]
async fn no_secret_reaches_any_output() {
    let sim = sim().await;
    sim.load_demo();
    let c = client(&sim);
    assert_clean(&format!("{c:?}"));
    let obs = c
        .observe(None, &no_keys(), chrono::Utc::now().timestamp())
        .await
        .unwrap();
    assert_clean(&format!("{obs:?}"));
    assert_clean(&format!("{:?}", c.companies().await.unwrap()));
    assert_clean(&format!("{:?}", c.check().await));
    // Error bodies that echo the profile are still clean.
    let mut broken = comet::demo_users();
    broken["acme"]["Devices"] = json!("not a map");
    sim.set_users(broken);
    let c = client(&sim).with_profile_max_age(Duration::ZERO);
    let obs = c.observe(None, &no_keys(), NOW).await.unwrap();
    assert!(obs.gone.undecided);
    assert_clean(&format!("{obs:?} {c:?}"));
    for (fault, http_200) in [(400, false), (500, true)] {
        sim.errors_with_http_200(http_200);
        sim.fail_next(fault);
        let e = c.companies().await.unwrap_err();
        assert_clean(&format!("{e} {e:?}"));
    }
    let wrong = client_with(&sim, "a-wrong-password");
    let e = wrong.companies().await.unwrap_err();
    assert!(!format!("{e} {e:?} {wrong:?}").contains("a-wrong-password"));
}

#[tokio::test]
async fn check_reports_each_step() {
    let sim = sim().await;
    let c = client(&sim);
    let steps = c.check().await;
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Reachable",
            "Signed in",
            "Can list companies",
            "Can read monitoring"
        ]
    );
    assert!(steps.iter().all(|s| s.ok), "{steps:?}");
    assert!(steps[1].detail.contains("24.6.3"), "{steps:?}");
    assert!(steps[2].detail.contains("4 companies"), "{steps:?}");
    // No tenants (organization/list refused): the accounts.
    sim.set_tenants(Vec::new());
    let steps = c.check().await;
    assert!(steps[2].detail.contains("4 user accounts"), "{steps:?}");
    let ids: Vec<String> = c
        .companies()
        .await
        .unwrap()
        .companies
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["acme", "contoso", "northwind", "tailspin"]);
    sim.fail_next(500);
    let steps = c.check().await;
    assert_eq!(steps.len(), 2);
    assert!(!steps[1].ok && steps[1].detail.contains("500"), "{steps:?}");
}

#[tokio::test]
async fn the_simulator_is_strict() {
    let sim = sim().await;
    let http = reqwest::Client::new();
    let url = |e: &str| format!("{}/api/v1/admin/{e}", sim.base_url());
    let auth = [
        ("Username", DEMO_COMET_USER),
        ("AuthType", "Password"),
        ("Password", DEMO_COMET_PASSWORD),
    ];
    let form = |extra: &[(&str, &str)]| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in auth.iter().chain(extra) {
            s.append_pair(k, v);
        }
        s.finish()
    };
    let post = |endpoint: &str, body: String, content_type: &str| {
        http.post(url(endpoint))
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    const FORM: &str = "application/x-www-form-urlencoded";
    let ok = post("meta/version", form(&[]), FORM).await.unwrap();
    assert_eq!(ok.status(), 200);
    let get = http.get(url("meta/version")).send().await.unwrap();
    assert_eq!(get.status(), 405);
    let as_json = post(
        "meta/version",
        json!({"Username": DEMO_COMET_USER}).to_string(),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(as_json.status(), 400);
    let missing = post("get-jobs-for-date-range", form(&[("End", "5")]), FORM)
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["Status"], 400);
    assert!(body["Message"].as_str().unwrap().contains("Start"));
    let no_job = post("get-job-log-entries", form(&[]), FORM).await.unwrap();
    assert_eq!(no_job.status(), 400);
    let wrong = post(
        "meta/version",
        "Username=bridge-reader&AuthType=Password&Password=nope".to_owned(),
        FORM,
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), 403);
    let unknown = post("list-everything", form(&[]), FORM).await.unwrap();
    assert_eq!(unknown.status(), 404);
    // Range filter: started or ended inside; 0,0 = running only.
    sim.set_jobs(vec![
        acme("old", 5000, (100, 200)),
        acme("ends-in", 5000, (100, 1_000)),
        acme("running", 6001, (100, 0)),
    ]);
    for ((start, end), want) in [((900, 2_000), vec!["ends-in"]), ((0, 0), vec!["running"])] {
        let (s, e) = (start.to_string(), end.to_string());
        let r = post(
            "get-jobs-for-date-range",
            form(&[("Start", &s), ("End", &e)]),
            FORM,
        )
        .await
        .unwrap();
        let jobs: Vec<Value> = r.json().await.unwrap();
        let guids: Vec<&str> = jobs.iter().map(|j| j["GUID"].as_str().unwrap()).collect();
        assert_eq!(guids, want);
    }
}
