//! The VSPC adapter's pure parts: decoding, the alarm-to-event rules, and
//! building the client. The HTTP side is tested against the simulator
//! (`crates/sim/tests/vspc_client.rs`).

use std::collections::{BTreeMap, HashMap};

use secrecy::SecretString;
use serde_json::{json, Value};

use super::alarms::{self, ANOMALY_DETAIL_KIND};
use super::decode::{self, AlarmListing, Template};
use super::VspcClient;
use crate::source::derive::KeyState;
use crate::source::platform::PlatformOptions;

const JOB_TEMPLATE: &str = "t-job";
const MALWARE_TEMPLATE: &str = "t-malware";

fn templates() -> HashMap<String, Template> {
    decode::templates(&[
        json!({"instanceUid": JOB_TEMPLATE, "name": "Job state", "category": "BackupVmJob"}),
        json!({"instanceUid": MALWARE_TEMPLATE, "name": "Potential malware activity detected",
               "category": "BackupServer"}),
        json!({"name": "no uid"}),
    ])
}

fn alarm(uid: &str, template: &str, activation: &str, status: &str, message: Value) -> Value {
    json!({
        "instanceUid": uid,
        "alarmTemplateUid": template,
        "repeatCount": 1,
        "object": {
            "instanceUid": "o-1", "type": "ObjectEntity", "organizationUid": "c-acme",
            "computerName": "ACME-HV01", "objectName": "Nightly VMs",
        },
        "lastActivation": {
            "instanceUid": activation, "time": "2026-11-20T01:00:00.000+01:00",
            "status": status, "message": message, "remark": null,
        },
    })
}

fn listing(items: &[Value]) -> AlarmListing {
    decode::alarms(items, &templates(), true)
}

/// Applies each listing in turn and returns the alarm's event after each.
fn run(steps: &[Vec<Value>]) -> Vec<Option<crate::model::MonitoringEvent>> {
    let mut states: BTreeMap<String, KeyState> = BTreeMap::new();
    steps
        .iter()
        .map(|items| {
            alarms::apply(&mut states, &listing(items));
            states
                .get("a-1")
                .and_then(|s| s.incident.as_ref())
                .map(|i| i.event.clone())
        })
        .collect()
}

#[test]
fn alarms_decode_with_their_template_and_first_line() {
    let seen = listing(&[alarm(
        "a-1",
        JOB_TEMPLATE,
        "act-1",
        "Error",
        json!("Job finished with error.\r\nFailed to connect to host.\r\n"),
    )]);
    assert!(seen.complete && seen.rejected.is_empty());
    let a = &seen.alarms[0];
    assert_eq!(a.template.category, "BackupVmJob");
    assert_eq!(a.company_id, "c-acme");
    assert_eq!(a.activation.time.as_deref(), Some("2026-11-20T00:00:00Z"));
    assert_eq!(
        a.activation.message,
        "Job finished with error.\nFailed to connect to host."
    );
}

#[test]
fn unreadable_alarms_are_reported_and_block_removals() {
    let mut older = alarm("a-2", JOB_TEMPLATE, "act-2", "Warning", Value::Null);
    let last = older["lastActivation"].take();
    older["LastAlarmActivation"] = last;
    let seen = listing(&[
        alarm("a-1", "t-gone", "act-1", "Error", json!("x")),
        json!("not an object"),
        older,
    ]);
    let rejected: Vec<_> = seen
        .rejected
        .iter()
        .map(|r| (r.position, r.id.clone()))
        .collect();
    assert_eq!(rejected, [(0, Some("vspc:a-1".to_owned())), (1, None)]);
    assert!(
        seen.rejected[0].reason.contains("t-gone"),
        "{:?}",
        seen.rejected
    );
    assert!(!seen.complete);
    // The older console's field name reads; a null message takes the
    // template's name.
    assert_eq!(seen.alarms.len(), 1);
    let mut states = BTreeMap::new();
    alarms::apply(&mut states, &seen);
    let event = &states["a-2"].incident.as_ref().unwrap().event;
    assert_eq!(event.message, "Job state");
    assert_eq!(
        (event.event_type.as_str(), event.job_status.as_str()),
        ("Warning", "Warning")
    );
}

/// The reference's mapping, read after read.
#[test]
fn statuses_map_as_the_reference_says() {
    let a = |activation: &str, status: &str, message: &str| {
        vec![alarm(
            "a-1",
            JOB_TEMPLATE,
            activation,
            status,
            json!(message),
        )]
    };
    let events = run(&[
        a("act-1", "Info", "Started"),
        a("act-1", "Acknowledged", "Started"),
        a("act-2", "Warning", "Slow storage"),
        a("act-3", "Error", "Disk full\r\nmore"),
        a("act-3", "Acknowledged", "Disk full\r\nmore"),
        a("act-4", "Acknowledged", "Looked at by Jo"),
        a("act-5", "Resolved", "Job finished with Success"),
        a("act-6", "Error", "Failed again"),
    ]);
    let fields: Vec<Option<(String, String, String, usize)>> = events
        .iter()
        .map(|e| {
            e.as_ref().map(|e| {
                (
                    e.event_type.clone(),
                    e.job_status.clone(),
                    e.message.clone(),
                    e.details.len(),
                )
            })
        })
        .collect();
    let f = |t: &str, s: &str, m: &str, d| Some((t.to_owned(), s.to_owned(), m.to_owned(), d));
    assert_eq!(
        fields,
        [
            None, // Info: not ticketed
            None, // Acknowledged with nothing before it: nothing
            f("Warning", "Warning", "Slow storage", 1),
            f("Error", "Failed", "Disk full", 2),
            f("Error", "Failed", "Disk full", 2), // same activation, status only
            f("Error", "Failed", "Disk full", 2), // an acknowledgement adds nothing
            f("Error", "Completed", "Job finished with Success", 3),
            f("Error", "Failed", "Failed again", 4), // the same alarm fires again
        ]
    );
    let last = events[7].as_ref().unwrap();
    assert_eq!(last.id, "vspc:a-1");
    assert_eq!(last.backup_type, "BackupVmJob");
    assert_eq!(
        (last.computer.as_str(), last.plan.as_str()),
        ("ACME-HV01", "Nightly VMs")
    );
    assert_eq!(last.details[1].text, "Error: Disk full\nmore");
    assert!(last
        .details
        .iter()
        .all(|d| d.kind == "FileLevelErrorDetails"));
}

#[test]
fn a_job_alarm_first_seen_resolved_needs_no_ticket() {
    let events = run(&[vec![alarm(
        "a-1",
        JOB_TEMPLATE,
        "act-1",
        "Resolved",
        json!("ok"),
    )]]);
    assert_eq!(events, [None]);
}

#[test]
fn malware_alarms_are_anomalies_that_stay_open() {
    let m = |activation: &str, status: &str| {
        vec![alarm(
            "a-1",
            MALWARE_TEMPLATE,
            activation,
            status,
            json!("Event 41600: Potential malware activity detected on CH-FS01.\r\n"),
        )]
    };
    let events = run(&[m("act-1", "Error"), m("act-2", "Resolved")]);
    let (first, resolved) = (events[0].clone().unwrap(), events[1].clone().unwrap());
    assert!(first.is_anomaly() && resolved.is_anomaly());
    assert_eq!(first.job_status, "Failed");
    // Completed, but rule 6 never closes an anomaly's ticket: that is the
    // planner's to keep (the event only says what VSPC says).
    assert_eq!(resolved.job_status, "Completed");
    assert!(resolved
        .details
        .iter()
        .all(|d| d.kind == ANOMALY_DETAIL_KIND));
    assert_eq!(resolved.details.len(), 2);
}

#[test]
fn anomalies_are_recognised_by_template_or_message() {
    let t = |name: &str, category: &str| Template {
        name: name.to_owned(),
        category: category.to_owned(),
    };
    let cases = [
        (
            t("Potential malware activity detected", "BackupServer"),
            "",
            true,
        ),
        (
            t("Suspicious incremental backup size", "BackupVmJob"),
            "",
            true,
        ),
        (
            t("Job state", "BackupVmJob"),
            "Event 41600: something",
            true,
        ),
        (
            t("Job state", "BackupVmJob"),
            "Job failed: malware scan skipped?",
            false,
        ),
        (t("Job state", "BackupAgentJob"), "Job failed", false),
    ];
    for (template, message, expected) in cases {
        assert_eq!(
            alarms::is_anomaly(&template, message),
            expected,
            "{template:?} {message}"
        );
    }
}

#[test]
fn deleted_alarms_leave_only_when_the_listing_was_whole() {
    let mut states = BTreeMap::new();
    let one = alarm("a-1", JOB_TEMPLATE, "act-1", "Error", json!("x"));
    let info = alarm("a-9", JOB_TEMPLATE, "act-9", "Info", json!("y"));
    alarms::apply(&mut states, &listing(&[one.clone(), info]));
    assert_eq!(states.len(), 1, "an Info alarm is not remembered");
    let moving = decode::alarms(&[], &templates(), false);
    let d = alarms::apply(&mut states, &moving);
    assert!(d.dropped.is_empty() && states.contains_key("a-1"));
    let again = alarms::apply(&mut states, &listing(&[one]));
    assert!(again.changed.is_empty(), "the same read changes nothing");
    let gone = alarms::apply(&mut states, &listing(&[]));
    assert_eq!(gone.dropped.into_iter().collect::<Vec<_>>(), ["a-1"]);
    assert!(states.is_empty());
}

#[test]
fn an_unreadable_alarm_with_a_uid_keeps_only_itself() {
    let mut states = BTreeMap::new();
    let one = alarm("a-1", JOB_TEMPLATE, "act-1", "Error", json!("x"));
    let bad = alarm("a-2", "t-gone", "act-2", "Error", json!("y"));
    alarms::apply(&mut states, &listing(&[one.clone(), bad.clone()]));
    let seen = listing(&[bad]);
    assert!(seen.complete, "its uid says which alarm it is");
    assert!(seen.uids.contains("a-2"));
    let d = alarms::apply(&mut states, &seen);
    assert_eq!(d.dropped.into_iter().collect::<Vec<_>>(), ["a-1"]);
}

#[test]
fn companies_decode_and_report_bad_items() {
    let list = decode::companies(&[
        json!({"instanceUid": "c-1", "name": "Acme"}),
        json!({"instanceUid": "c-1", "name": "Acme again"}),
        json!({"name": "No uid"}),
        json!({"instanceUid": "c-2", "name": " "}),
    ]);
    assert_eq!(list.companies.len(), 1);
    let reasons: Vec<&str> = list.rejected.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons.len(), 3);
    assert!(reasons[0].contains("appears twice"), "{reasons:?}");
}

#[test]
fn the_client_takes_the_console_address_with_or_without_api_v3() {
    let key = || SecretString::from("key-123");
    let options = PlatformOptions::default;
    for (given, base) in [
        (
            "https://vspc.example.com:1280",
            "https://vspc.example.com:1280/",
        ),
        (
            "https://vspc.example.com:1280/api/v3/",
            "https://vspc.example.com:1280/",
        ),
        (
            "https://proxy.example.com/vspc/API/v3",
            "https://proxy.example.com/vspc/",
        ),
    ] {
        let client = VspcClient::new(given, None, key(), options()).unwrap();
        assert_eq!(client.base_url().as_str(), base, "{given}");
        assert!(!format!("{client:?}").contains("key-123"));
    }
    let e = VspcClient::new("http://vspc.example.com", None, key(), options()).unwrap_err();
    assert!(e.to_string().contains("https"), "{e}");
    let e = VspcClient::new(
        "https://vspc.example.com",
        Some("svc"),
        SecretString::from(" "),
        options(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("secret set source"), "{e}");
}
