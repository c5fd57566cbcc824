#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The core's VSPC client against the strict simulator: tokens are renewed
//! with the refresh token (never a second password sign-in while it
//! works), a refused token is renewed once and then a clear error, API
//! keys are sent as they are, pages are read 500 at a time and
//! de-duplicated while they shift, and *Test connection* reads no alarm
//! listing whole.

mod vspc_common;

use bridge_core::source::platform::{PlatformError, PlatformOptions};
use bridge_core::source::vspc::{alarms, VspcClient};
use bridge_core::source::{Source, SourceKind};
use bridge_sim::vspc::{AlarmStatus, NewAlarm, VspcSim};
use secrecy::SecretString;
use serde_json::json;
use vspc_common::{alarms, object, sim, KEY, PASSWORD, USER};

fn client(sim: &VspcSim) -> VspcClient {
    let secret = SecretString::from(PASSWORD.to_owned());
    VspcClient::new(
        &sim.base_url(),
        Some(USER),
        secret,
        PlatformOptions::default(),
    )
    .unwrap()
}

fn key_client(sim: &VspcSim, key: &str) -> VspcClient {
    let secret = SecretString::from(key.to_owned());
    VspcClient::new(&sim.base_url(), None, secret, PlatformOptions::default()).unwrap()
}

/// A simulator whose alarms name one template "t" in category BackupVmJob.
async fn with_template() -> VspcSim {
    let sim = sim().await;
    sim.set_templates(vec![json!({
        "instanceUid": "t", "name": "Job state", "category": "BackupVmJob",
    })]);
    sim.set_companies(vec![json!({"instanceUid": "org", "name": "Acme"})]);
    sim
}

#[tokio::test]
async fn an_expired_token_is_refreshed_without_a_second_sign_in() {
    let sim = with_template().await;
    sim.set_alarms(alarms(3)).unwrap();
    let c = client(&sim);
    assert_eq!(c.alarms().await.unwrap().alarms.len(), 3);
    sim.expire_access_tokens();
    // A clone shares the tokens.
    let listing = c.clone().alarms().await.unwrap();
    assert_eq!(listing.alarms.len(), 3);
    assert_eq!((sim.password_logins(), sim.refreshes()), (1, 1));
    assert_eq!(c.sign_ins().await, (1, 1));
    // Refresh tokens are single-use: the next renewal uses the new one.
    sim.expire_access_tokens();
    c.companies().await.unwrap();
    assert_eq!((sim.password_logins(), sim.refreshes()), (1, 2));
}

#[tokio::test]
async fn a_refused_refresh_token_signs_in_once_more() {
    let sim = with_template().await;
    let c = client(&sim);
    c.companies().await.unwrap();
    sim.expire_access_tokens();
    sim.expire_refresh_tokens();
    c.companies().await.unwrap();
    // The simulator counts the refreshes it granted; the client tried one.
    assert_eq!((sim.password_logins(), sim.refreshes()), (2, 0));
    assert_eq!(c.sign_ins().await, (2, 1));
}

#[tokio::test]
async fn a_wrong_password_is_one_clear_sentence() {
    let sim = with_template().await;
    let wrong = SecretString::from("not-it".to_owned());
    let c = VspcClient::new(
        &sim.base_url(),
        Some(USER),
        wrong,
        PlatformOptions::default(),
    )
    .unwrap();
    let e = c.companies().await.unwrap_err();
    assert!(matches!(e, PlatformError::Auth { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("Veeam Service Provider Console refused the sign-in"),
        "{text}"
    );
    assert!(
        text.contains(USER) && text.contains("secret set source"),
        "{text}"
    );
    assert!(!text.contains("not-it"), "{text}");
    assert_eq!(sim.password_logins(), 0);
}

#[tokio::test]
async fn api_keys_are_sent_as_they_are() {
    let sim = with_template().await;
    sim.set_alarms(alarms(2)).unwrap();
    let c = key_client(&sim, KEY);
    assert_eq!(c.alarms().await.unwrap().alarms.len(), 2);
    assert_eq!((sim.password_logins(), sim.refreshes()), (0, 0));
    let e = key_client(&sim, "wrong-key").companies().await.unwrap_err();
    assert!(e.to_string().contains("the API key was refused"), "{e}");
    assert!(!e.to_string().contains("wrong-key"), "{e}");
}

#[tokio::test]
async fn pages_of_500_are_read_whole() {
    let sim = with_template().await;
    sim.set_alarms(alarms(1203)).unwrap();
    let listing = client(&sim).alarms().await.unwrap();
    assert_eq!(listing.alarms.len(), 1203);
    assert!(listing.complete && listing.rejected.is_empty());
    let pages: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v3/alarms/active")
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert_eq!(
        pages,
        [
            "limit=500&offset=0",
            "limit=500&offset=500",
            "limit=500&offset=1000"
        ]
    );
}

#[tokio::test]
async fn shifting_pages_are_read_again_and_never_doubled() {
    let sim = with_template().await;
    sim.set_alarms(alarms(7)).unwrap();
    // New alarms slip in at the top while the pages are read.
    sim.shift_pages(2);
    let listing = client(&sim).with_page_size(3).alarms().await.unwrap();
    let mut uids: Vec<&str> = listing.alarms.iter().map(|a| a.uid.as_str()).collect();
    let count = uids.len();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), count, "no alarm twice");
    assert!(listing.complete, "the listing held still on a later read");
    assert_eq!(count, 9, "both slipped-in alarms are there");
    assert_eq!(sim.shifted(), 2);
}

#[tokio::test]
async fn a_listing_that_never_holds_still_deletes_nothing() {
    let sim = with_template().await;
    sim.set_alarms(alarms(7)).unwrap();
    sim.shift_pages(100);
    let listing = client(&sim).with_page_size(3).alarms().await.unwrap();
    assert!(!listing.complete);
    assert!(listing.alarms.len() >= 7);
    // Applied to a state that knows an alarm this listing lacks, nothing
    // is dropped.
    let mut states = std::collections::BTreeMap::new();
    let mut known = listing.clone();
    known.complete = true;
    known.alarms.truncate(1);
    known.uids = known.alarms.iter().map(|a| a.uid.clone()).collect();
    known.uids.insert("gone".to_owned());
    let mut gone = known.alarms[0].clone();
    gone.uid = "gone".to_owned();
    known.alarms.push(gone);
    alarms::apply(&mut states, &known);
    assert!(states.contains_key("gone"));
    let applied = alarms::apply(&mut states, &listing);
    assert!(applied.dropped.is_empty(), "{:?}", applied.dropped);
    assert!(states.contains_key("gone"));
}

#[tokio::test]
async fn server_faults_and_garbage_are_named() {
    let sim = with_template().await;
    let c = client(&sim);
    c.companies().await.unwrap();
    sim.fail_next(503);
    let e = c.companies().await.unwrap_err();
    assert!(e.is_retryable(), "{e:?}");
    assert!(e.to_string().contains("HTTP 503"), "{e}");
    sim.garbage_next();
    let e = c.companies().await.unwrap_err();
    assert!(matches!(e, PlatformError::Decode { .. }), "{e:?}");
    assert!(
        e.to_string().contains("/api/v3/organizations/companies"),
        "{e}"
    );
}

#[tokio::test]
async fn test_connection_reads_no_alarm_listing_whole() {
    let sim = with_template().await;
    sim.set_alarms(alarms(4)).unwrap();
    let source = Source::Vspc(client(&sim));
    assert_eq!(source.kind(), SourceKind::Vspc);
    let steps = source.check().await;
    let shown: Vec<(String, bool)> = steps.iter().map(|s| (s.name.clone(), s.ok)).collect();
    assert_eq!(shown.len(), 4, "{steps:#?}");
    assert!(shown.iter().all(|(_, ok)| *ok), "{steps:#?}");
    assert!(steps[1].detail.contains(USER), "{steps:#?}");
    assert!(steps[3].detail.contains("4 active alarms"), "{steps:#?}");
    assert_eq!(sim.completed_reads(), 0);

    let wrong = SecretString::from("nope".to_owned());
    let bad = VspcClient::new(
        &sim.base_url(),
        Some(USER),
        wrong,
        PlatformOptions::default(),
    )
    .unwrap();
    let steps = Source::Vspc(bad).check().await;
    assert_eq!(steps.len(), 2, "{steps:#?}");
    assert!(steps[0].ok && !steps[1].ok, "{steps:#?}");
}

#[tokio::test]
async fn a_new_activation_and_a_malware_alarm_read_as_the_reference_says() {
    let sim = with_template().await;
    let mut templates =
        vec![json!({"instanceUid": "t", "name": "Job state", "category": "BackupVmJob"})];
    templates.push(json!({
        "instanceUid": "m", "name": "Potential malware activity detected", "category": "BackupServer",
    }));
    sim.set_templates(templates);
    sim.set_alarms(vec![
        NewAlarm::new(
            "job",
            "t",
            object("org"),
            AlarmStatus::Error,
            "Job failed.\nDisk full.\n",
        ),
        NewAlarm::new(
            "mal",
            "m",
            object("org"),
            AlarmStatus::Error,
            "Event 41600: Potential malware activity detected on PC-1.\n",
        ),
    ])
    .unwrap();
    let c = client(&sim);
    let first = c.alarms().await.unwrap();
    let job = first.alarms.iter().find(|a| a.uid == "job").unwrap();
    assert_eq!(job.activation.message, "Job failed.\nDisk full.");
    sim.activate("job", AlarmStatus::Error, "Job failed again.\n")
        .unwrap();
    let second = c.alarms().await.unwrap();
    let again = second.alarms.iter().find(|a| a.uid == "job").unwrap();
    assert_ne!(again.activation.uid, job.activation.uid, "a new activation");
    assert!(!alarms::is_anomaly(
        &again.template,
        &again.activation.message
    ));
    let malware = second.alarms.iter().find(|a| a.uid == "mal").unwrap();
    assert!(alarms::is_anomaly(
        &malware.template,
        &malware.activation.message
    ));
    assert_eq!(malware.template.category, "BackupServer");
    // As events: the job alarm an Error with two activations, the malware
    // alarm an anomaly.
    let mut states = std::collections::BTreeMap::new();
    alarms::apply(&mut states, &first);
    alarms::apply(&mut states, &second);
    let event = |uid: &str| states[uid].incident.clone().unwrap().event;
    assert_eq!(event("job").details.len(), 2);
    assert_eq!(event("job").message, "Job failed again.");
    assert_eq!(event("mal").event_type, "BackupAnomaly");
}
