//! Unit tests of the Comet adapter's pure parts: status ranges, engines,
//! classification, Unix times, keys, the joins (tenants, accounts, a
//! missing device) and the error classification.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::json;

use super::decode::{backup_type, rfc3339, run_status, Job, KeyParts, LogEntry, UserSlim};
use super::http::failure;
use super::profile::{JobLog, Joins, MAX_ERROR_LINES};
use super::*;
use crate::source::platform::RunStatus;

fn user() -> UserSlim {
    serde_json::from_value(json!({
        "Username": "acme-files",
        "AccountName": "Acme Dental",
        "OrganizationID": "org-1",
        "PasswordHash": "HASH-MARKER",
        "TOTPKey": "TOTP-MARKER",
        "Devices": {"dev-1": {"FriendlyName": "ACME-DC01", "PlatformVersion": {}}},
        "Sources": {"src-1": {"Description": "Nightly files", "Engine": "engine1/file"}},
        "Destinations": {"dst-1": {"Description": "Acme vault", "S3AccessKey": "KEY-MARKER"}}
    }))
    .unwrap()
}

fn joins(tenants: &[(&str, &str)]) -> Joins {
    let u = user();
    Joins {
        users: [(u.username.clone(), u)].into_iter().collect(),
        tenants: tenants
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect(),
        complete: true,
    }
}

fn job(status: i64) -> Job {
    Job {
        guid: "job-1".into(),
        username: "acme-files".into(),
        classification: 4001,
        status,
        start_time: 1_795_000_000,
        end_time: 1_795_000_600,
        source_guid: "src-1".into(),
        destination_guid: "dst-1".into(),
        device_id: "dev-1".into(),
    }
}

#[test]
fn status_ranges_map() {
    let cases = [
        (5000, Some(RunStatus::Completed)),
        (5999, Some(RunStatus::Completed)),
        (6001, Some(RunStatus::Running)),
        (6999, Some(RunStatus::Running)),
        (7000, Some(RunStatus::Failed)),
        (7001, Some(RunStatus::Warning)),
        (7002, Some(RunStatus::Failed)),
        (7004, Some(RunStatus::Overdue)),
        (7005, Some(RunStatus::Failed)),
        (7006, Some(RunStatus::NotTicketed)),
        (7999, Some(RunStatus::Failed)),
        (4999, None),
        (8000, None),
        (0, None),
    ];
    for (code, want) in cases {
        assert_eq!(run_status(code), want, "{code}");
    }
    let e = joins(&[]).run(&job(8123), &JobLog::default()).unwrap_err();
    assert_eq!(e, "unknown job Status 8123");
}

#[test]
fn engines_map_and_others_are_kept() {
    let cases = [
        ("engine1/file", "FileLevel"),
        ("engine1/windisk", "ImageBased"),
        ("engine1/mssql", "MSSQL"),
        ("engine1/exchangeedb", "Exchange"),
        ("engine1/hyperv", "HyperV"),
        ("engine1/vmware", "VMware"),
        ("engine1/winmsofficemail", "Microsoft365"),
        ("engine1/systemstate", "SystemState"),
        ("engine1/mysql", "engine1/mysql"),
    ];
    for (engine, want) in cases {
        assert_eq!(backup_type(engine), want);
    }
}

#[test]
fn times_convert_to_rfc3339_utc() {
    assert_eq!(rfc3339(0), None);
    assert_eq!(rfc3339(-5), None);
    assert_eq!(rfc3339(1).as_deref(), Some("1970-01-01T00:00:01Z"));
    assert_eq!(
        rfc3339(1_795_000_000).as_deref(),
        Some("2026-11-18T11:06:40Z")
    );
    assert_eq!(rfc3339(i64::MAX), None);
}

#[test]
fn a_job_joins_into_a_run() {
    let log = JobLog::from_entries(&[
        LogEntry {
            time: 1_795_000_100,
            severity: "W".into(),
            message: "file locked".into(),
        },
        LogEntry {
            time: 1_795_000_200,
            severity: "E".into(),
            message: " disk full ".into(),
        },
        LogEntry {
            time: 1_795_000_300,
            severity: "I".into(),
            message: "not wanted".into(),
        },
    ]);
    let run = joins(&[("org-1", "Acme Dental Ltd")])
        .run(&job(7002), &log)
        .unwrap();
    assert_eq!(run.key, "org-1/acme-files/dev-1/src-1/dst-1");
    assert_eq!(run.company_id, "org-1");
    assert_eq!(run.computer, "ACME-DC01");
    assert_eq!(run.plan, "Nightly files");
    assert_eq!(run.backup_type, "FileLevel");
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.message, "disk full");
    assert_eq!(run.started_at.as_deref(), Some("2026-11-18T11:06:40Z"));
    assert_eq!(run.updated_at.as_deref(), Some("2026-11-18T11:16:40Z"));
    assert_eq!(run.error_lines.len(), 2);
    assert_eq!(
        run.error_lines[0].at.as_deref(),
        Some("2026-11-18T11:08:20Z")
    );
    assert_eq!(
        run.description,
        vec![("Vault".to_owned(), "Acme vault".to_owned())]
    );
    // No E line: a status sentence.
    let run = joins(&[]).run(&job(7001), &JobLog::default()).unwrap();
    assert_eq!(run.message, "Completed with warnings (Status 7001)");
    let run = joins(&[]).run(&job(7002), &JobLog::default()).unwrap();
    assert_eq!(run.message, "Error (Status 7002)");
    // Running and successful runs carry no message.
    let mut running = job(6001);
    running.end_time = 0;
    let run = joins(&[]).run(&running, &log).unwrap();
    assert_eq!((run.status, run.updated_at), (RunStatus::Running, None));
    assert!(run.message.is_empty() && run.error_lines.is_empty());
}

#[test]
fn only_backups_are_ticketed() {
    for classification in [4002, 4010, 0] {
        let mut j = job(7002);
        j.classification = classification;
        let run = joins(&[]).run(&j, &JobLog::default()).unwrap();
        assert_eq!(run.status, RunStatus::NotTicketed, "{classification}");
    }
}

#[test]
fn error_lines_are_capped() {
    let entries: Vec<LogEntry> = (0..30)
        .map(|i| LogEntry {
            time: 1_795_000_000 + i,
            severity: "E".into(),
            message: format!("line {i}"),
        })
        .collect();
    let log = JobLog::from_entries(&entries);
    assert_eq!(log.lines.len(), MAX_ERROR_LINES);
    assert_eq!(log.first_error.as_deref(), Some("line 0"));
}

#[test]
fn companies_are_tenants_or_accounts() {
    // Tenants in use: the user's tenant.
    let j = joins(&[("org-1", "Acme Dental Ltd"), ("org-2", "Northwind")]);
    let ids: Vec<String> = j.companies().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["org-1", "org-2"]);
    // No tenants: the account, named by AccountName.
    let j = joins(&[]);
    let companies = j.companies();
    assert_eq!(companies.len(), 1);
    assert_eq!(
        (companies[0].id.as_str(), companies[0].name.as_str()),
        ("acme-files", "Acme Dental")
    );
    let run = j.run(&job(7002), &JobLog::default()).unwrap();
    assert_eq!(run.key, "acme-files/acme-files/dev-1/src-1/dst-1");
    // A user outside every tenant (empty OrganizationID): its account,
    // named by its Username when it has no AccountName.
    let mut j = joins(&[("org-9", "Other")]);
    if let Some(u) = j.users.get_mut("acme-files") {
        u.organization_id.clear();
        u.account_name.clear();
    }
    let c = j.company_of(&j.users["acme-files"]);
    assert_eq!(
        (c.id.as_str(), c.name.as_str()),
        ("acme-files", "acme-files")
    );
}

#[test]
fn missing_joins_are_named() {
    let j = joins(&[]);
    let mut unknown_device = job(7002);
    unknown_device.device_id = "dev-9".into();
    let e = j.run(&unknown_device, &JobLog::default()).unwrap_err();
    assert_eq!(
        e,
        "the profiles have no device \"dev-9\" of user \"acme-files\""
    );
    let mut unknown_user = job(7002);
    unknown_user.username = "ghost".into();
    assert!(j.missing(&unknown_user).unwrap().contains("user \"ghost\""));
    let mut unknown_vault = job(5000);
    unknown_vault.destination_guid = "dst-9".into();
    assert!(j.missing(&unknown_vault).unwrap().contains("storage vault"));
}

#[test]
fn keys_round_trip_and_gone_is_computed() {
    let parts = KeyParts {
        company: "org/1%".into(),
        username: "a/b".into(),
        device: "d".into(),
        source: "s".into(),
        destination: "t".into(),
    };
    assert_eq!(parts.key(), "org%2F1%25/a%2Fb/d/s/t");
    assert_eq!(KeyParts::parse(&parts.key()), Some(parts));
    assert_eq!(KeyParts::parse("a/b/c"), None);
    assert_eq!(KeyParts::parse("a/b/c/d/%zz"), None);
    let j = joins(&[("org-1", "Acme")]);
    let known: BTreeSet<String> = [
        "org-1/acme-files/dev-1/src-1/dst-1",
        "org-1/acme-files/dev-1/src-2/dst-1",
        "org-1/acme-files/dev-2/src-1/dst-1",
        "org-1/ghost/dev-1/src-1/dst-1",
        "not a key of ours",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let gone: Vec<String> = j.gone(&known).into_iter().collect();
    assert_eq!(
        gone,
        [
            "org-1/acme-files/dev-1/src-2/dst-1",
            "org-1/acme-files/dev-2/src-1/dst-1",
            "org-1/ghost/dev-1/src-1/dst-1"
        ]
    );
}

#[test]
fn failures_classify() {
    let e = failure(403, "/api/v1/admin/meta/version", "ERR_TOTP_REQUIRED");
    assert!(matches!(e, PlatformError::Auth { .. }));
    assert!(e.to_string().contains(TOTP_SENTENCE), "{e}");
    let e = failure(403, "/p", "Invalid password");
    assert!(e.to_string().contains(AUTH_HINT), "{e}");
    assert!(matches!(
        failure(429, "/p", ""),
        PlatformError::RateLimited { .. }
    ));
    let e = failure(500, "/p", "");
    assert!(e.is_retryable() && e.to_string().contains("no details given"));
    let e = failure(400, "/p", "Missing Start");
    assert!(matches!(e, PlatformError::Refused { status: 400, .. }));
}

#[test]
fn later_reports_of_a_job_win() {
    let finished = job(7002);
    let mut running = job(6001);
    running.end_time = 0;
    assert!(supersedes(&finished, &running));
    assert!(!supersedes(&running, &finished));
    let mut later = job(5000);
    later.end_time += 10;
    assert!(supersedes(&later, &finished));
    assert!(!supersedes(&finished, &later));
}

#[test]
fn construction_is_checked_and_debug_hides_the_secret() {
    let options = PlatformOptions::default;
    let secret = || SecretString::from("s3cr3t-pw");
    let c = CometClient::new("http://127.0.0.1:1", "admin", secret(), options()).unwrap();
    let text = format!("{c:?}");
    assert!(
        !text.contains("s3cr3t-pw") && text.contains("admin"),
        "{text}"
    );
    let e = CometClient::new("http://comet.example.com", "admin", secret(), options()).unwrap_err();
    assert!(e.to_string().contains("source.url"), "{e}");
    let e = CometClient::new("https://comet.example.com", " ", secret(), options()).unwrap_err();
    assert!(e.to_string().contains("source.username"), "{e}");
    let e = CometClient::new(
        "https://comet.example.com",
        "admin",
        SecretString::from("session:"),
        options(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("password is empty"), "{e}");
    let c = CometClient::new(
        "https://comet.example.com",
        "admin",
        SecretString::from("session:abc"),
        options(),
    )
    .unwrap();
    assert_eq!(
        c.auth_fields(),
        [
            ("Username", "admin"),
            ("AuthType", "SessionKey"),
            ("SessionKey", "abc")
        ]
    );
    assert_eq!(c.redact("echo abc"), "echo abc");
}
