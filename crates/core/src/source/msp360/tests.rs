//! Table tests of the MSP360 mapping: statuses and plan types (integers and
//! names), timestamp forms, company matching (null company included), and
//! item-by-item rejection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use secrecy::SecretString;
use serde_json::{json, Value};

use super::decode::{companies, observation, plan_type_of, status_of, timestamp, user_companies};
use super::*;
use crate::model::BackupCompany;
use crate::source::platform::RunStatus;

#[test]
fn statuses_map_by_integer_and_by_name() {
    let table = [
        (0, "Success", RunStatus::Completed),
        (1, "Overdue", RunStatus::Overdue),
        (2, "Error", RunStatus::Failed),
        (3, "Running", RunStatus::Running),
        (4, "Unknown", RunStatus::Unknown),
        (5, "Interrupted", RunStatus::Failed),
        (6, "UnexpectedlyClosed", RunStatus::Failed),
        (7, "Warning", RunStatus::Warning),
    ];
    for (number, name, want) in table {
        assert_eq!(
            status_of(Some(&json!(number))),
            Ok((name, want)),
            "{number}"
        );
        assert_eq!(status_of(Some(&json!(name))), Ok((name, want)), "{name}");
        let lower = name.to_ascii_lowercase();
        assert_eq!(status_of(Some(&json!(lower))), Ok((name, want)), "{lower}");
    }
    for bad in [
        json!(8),
        json!(-1),
        json!("Exploded"),
        json!(null),
        json!(2.5),
    ] {
        let e = status_of(Some(&bad)).unwrap_err();
        assert!(e.contains("not a known MSP360 status"), "{bad}: {e}");
    }
    assert!(status_of(None).unwrap_err().contains("missing"));
    assert!(status_of(Some(&json!("Exploded")))
        .unwrap_err()
        .contains("\"Exploded\""));
}

#[test]
fn plan_types_map_by_integer_and_by_name() {
    let table: [(u64, &str, &str, bool); 18] = [
        (0, "NA", "NA", false),
        (1, "Backup", "FileLevel", true),
        (2, "Restore", "Restore", false),
        (3, "BackupFiles", "FileLevel", true),
        (4, "RestoreFiles", "RestoreFiles", false),
        (5, "VMBackup", "VMware", true),
        (6, "VMRestore", "VMRestore", false),
        (7, "SQLBackup", "MSSQL", true),
        (8, "SQLResore", "SQLResore", false),
        (9, "ExchangeBackup", "Exchange", true),
        (10, "ExchangeRestore", "ExchangeRestore", false),
        (11, "BMSSBackup", "ImageBased", true),
        (12, "BMSSRestore", "BMSSRestore", false),
        (13, "ConsistencyCheck", "ConsistencyCheck", false),
        (14, "EC2Backup", "EC2Backup", true),
        (15, "EC2Restore", "EC2Restore", false),
        (16, "HyperVBackup", "HyperV", true),
        (17, "HyperVRestore", "HyperVRestore", false),
    ];
    for (number, name, backup_type, ticketed) in table {
        let want = Ok((backup_type.to_owned(), ticketed));
        assert_eq!(plan_type_of(Some(&json!(number))), want, "{number}");
        assert_eq!(plan_type_of(Some(&json!(name))), want, "{name}");
    }
    // A name outside the table is kept as it came.
    assert_eq!(
        plan_type_of(Some(&json!("M365Backup"))),
        Ok(("M365Backup".to_owned(), true))
    );
    assert_eq!(
        plan_type_of(Some(&json!("SQLRestore"))),
        Ok(("SQLRestore".to_owned(), false))
    );
    for bad in [json!(18), json!(null), json!(""), json!(true)] {
        assert!(plan_type_of(Some(&bad)).is_err(), "{bad}");
    }
}

#[test]
fn timestamps_become_rfc3339_utc() {
    let cases = [
        (json!("2018-05-11T14:50:57"), Some("2018-05-11T14:50:57Z")),
        (
            json!("2018-05-11T14:50:57.25"),
            Some("2018-05-11T14:50:57.250Z"),
        ),
        (json!("2018-05-11T14:50:57Z"), Some("2018-05-11T14:50:57Z")),
        (
            json!("2018-05-11T16:50:57+02:00"),
            Some("2018-05-11T14:50:57Z"),
        ),
        (json!(null), None),
        (json!(""), None),
    ];
    for (value, want) in cases {
        assert_eq!(
            timestamp(Some(&value), "LastStart"),
            Ok(want.map(str::to_owned)),
            "{value}"
        );
    }
    assert_eq!(timestamp(None, "LastStart"), Ok(None));
    for bad in [json!("yesterday"), json!(12), json!("2018-13-40T00:00:00")] {
        let e = timestamp(Some(&bad), "LastStart").unwrap_err();
        assert!(e.starts_with("LastStart"), "{e}");
    }
}

fn company(id: &str, name: &str) -> BackupCompany {
    BackupCompany {
        id: id.to_owned(),
        name: name.to_owned(),
    }
}

fn row(company: Value, computer: &str, plan_id: &str, status: Value) -> Value {
    json!({
        "PlanName": format!("plan {plan_id}"),
        "CompanyName": company,
        "UserName": "jdoe",
        "UserID": "u-1",
        "ComputerName": computer,
        "LastStart": "2026-11-20T01:00:00",
        "Status": status,
        "ErrorMessage": null,
        "FilesFailed": 3,
        "PlanId": plan_id,
        "PlanType": 3,
        "StorageType": "AmazonS3",
        "DetailedReportLink": "https://mspbackups.example/report/1",
    })
}

#[test]
fn companies_decode_item_by_item() {
    let list = companies(&[
        json!({"ID": "a", "Name": "Acme"}),
        json!({"ID": "b"}),
        json!("x"),
        json!({"ID": "a", "Name": "Again"}),
        json!({"ID": 7, "Name": "Numbered"}),
    ]);
    assert_eq!(
        list.companies,
        vec![company("a", "Acme"), company("7", "Numbered")]
    );
    let rejected: Vec<_> = list
        .rejected
        .iter()
        .map(|r| (r.position, r.id.clone(), r.reason.clone()))
        .collect();
    assert_eq!(rejected[0].0, 1);
    assert!(rejected[0].2.contains("Name"));
    assert_eq!((rejected[1].0, rejected[1].1.clone()), (2, None));
    assert_eq!(rejected[2].1.as_deref(), Some("a"));
    assert!(rejected[2].2.contains("appears twice"));
}

#[test]
fn companies_match_by_name_exactly_then_ignoring_case() {
    let known = [
        company("c-1", "Acme Dental Ltd"),
        company("c-2", "ACME DENTAL LTD"),
        company("c-3", "Northwind"),
    ];
    let rows = [
        row(json!("ACME DENTAL LTD"), "PC1", "p1", json!(2)),
        row(json!("northwind"), "PC2", "p2", json!(2)),
        row(json!(null), "PC3", "p3", json!(2)),
        row(json!(""), "PC4", "p4", json!(2)),
        row(json!("Nobody Inc"), "PC5", "p5", json!(2)),
    ];
    let seen = observation(&known, &rows, &BTreeSet::new());
    let keys: Vec<_> = seen.runs.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "c-2/PC1/p1",
            "c-3/PC2/p2",
            "user:u-1/PC3/p3",
            "user:u-1/PC4/p4"
        ]
    );
    assert_eq!(seen.rejected.len(), 1);
    assert_eq!(seen.rejected[0].position, 4);
    assert_eq!(
        seen.rejected[0].reason,
        "company \"Nobody Inc\" is not in /api/Companies; run companies refresh"
    );
    // Its key could not be built, so nothing is taken as gone.
    assert!(seen.gone.undecided);
    assert_eq!(
        user_companies(&rows),
        vec![company("user:u-1", "jdoe (no company)")]
    );
}

#[test]
fn a_row_becomes_a_plan_run() {
    let known = [company("c-1", "Acme")];
    let mut failing = row(json!("Acme"), "PC1", "p1", json!("Error"));
    failing["ErrorMessage"] = json!("Access denied");
    let rows = [
        failing,
        row(json!("Acme"), "PC1", "p2", json!(5)),
        row(json!("Acme"), "PC1", "p3", json!(0)),
    ];
    let seen = observation(&known, &rows, &BTreeSet::new());
    let run = &seen.runs[0];
    assert_eq!(run.key, "c-1/PC1/p1");
    assert_eq!(run.company_id, "c-1");
    assert_eq!(run.computer, "PC1");
    assert_eq!(run.plan, "plan p1");
    assert_eq!(run.backup_type, "FileLevel");
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.started_at.as_deref(), Some("2026-11-20T01:00:00Z"));
    assert_eq!(run.message, "Access denied");
    assert!(run.error_lines.is_empty());
    assert_eq!(
        run.description,
        vec![
            (
                "Report".to_owned(),
                "https://mspbackups.example/report/1".to_owned()
            ),
            ("Storage".to_owned(), "AmazonS3".to_owned()),
        ]
    );
    assert_eq!(seen.runs[1].message, "Interrupted: 3 files failed");
    assert_eq!(seen.runs[2].status, RunStatus::Completed);
    assert_eq!(seen.runs[2].message, "");
    assert!(seen.cursor.is_none());
}

#[test]
fn restores_are_never_ticketed_and_plan_name_stands_in_for_plan_id() {
    let known = [company("c-1", "Acme")];
    let mut restore = row(json!("Acme"), "PC1", "p1", json!(2));
    restore["PlanType"] = json!("RestoreFiles");
    let mut unnamed = row(json!("Acme"), "PC1", "p2", json!(2));
    unnamed.as_object_mut().unwrap().remove("PlanId");
    let seen = observation(&known, &[restore, unnamed], &BTreeSet::new());
    assert_eq!(seen.runs[0].status, RunStatus::NotTicketed);
    assert_eq!(seen.runs[1].key, "c-1/PC1/plan p2");
}

#[test]
fn an_unknown_status_is_rejected_while_the_others_decode() {
    let known = [company("c-1", "Acme")];
    let rows = [
        row(json!("Acme"), "PC1", "p1", json!(2)),
        row(json!("Acme"), "PC1", "p2", json!(42)),
        row(json!("Acme"), "PC1", "p3", json!("Exploded")),
        row(json!("Acme"), "PC1", "p4", json!(7)),
    ];
    let before: BTreeSet<String> = ["c-1/PC1/p2", "c-1/PC1/p9"]
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    let seen = observation(&known, &rows, &before);
    let keys: Vec<_> = seen.runs.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["c-1/PC1/p1", "c-1/PC1/p4"]);
    assert_eq!(seen.rejected.len(), 2);
    assert_eq!(seen.rejected[0].position, 1);
    assert_eq!(seen.rejected[0].id.as_deref(), Some("c-1/PC1/p2"));
    assert!(seen.rejected[0].reason.contains("Status 42"));
    assert!(seen.rejected[1].reason.contains("\"Exploded\""));
    // A rejected row with a key still counts as listed.
    assert!(!seen.gone.undecided);
    assert_eq!(
        seen.gone.keys.iter().collect::<Vec<_>>(),
        vec!["c-1/PC1/p9"]
    );
}

#[test]
fn rows_without_a_key_make_the_listing_undecided() {
    let known = [company("c-1", "Acme")];
    let mut no_computer = row(json!("Acme"), "PC1", "p1", json!(2));
    no_computer.as_object_mut().unwrap().remove("ComputerName");
    for bad in [json!([1]), no_computer] {
        let seen = observation(&known, &[bad], &BTreeSet::new());
        assert!(seen.runs.is_empty());
        assert_eq!(seen.rejected.len(), 1);
        assert!(seen.gone.undecided);
    }
}

#[test]
fn construction_is_checked_and_debug_hides_the_password() {
    let password = || SecretString::from("s3cr3t-pw");
    let options = PlatformOptions::default;
    assert!(Msp360Client::new(MSP360_DEFAULT_URL_FOR_TESTS, "api", password(), options()).is_ok());
    let e = Msp360Client::new("http://api.example.com", "api", password(), options()).unwrap_err();
    assert!(matches!(e, PlatformError::Config { .. }));
    assert!(e.to_string().contains("source.url"), "{e}");
    assert!(!e.to_string().contains("Dashboard"), "{e}");
    let e = Msp360Client::new("https://api.example.com", " ", password(), options()).unwrap_err();
    assert!(e.to_string().contains("source.username"), "{e}");
    let e = Msp360Client::new(
        "https://api.example.com",
        "api",
        SecretString::from(""),
        options(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("secret set source"), "{e}");
    let client = Msp360Client::new("http://127.0.0.1:1", "api", password(), options()).unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(debug.contains("api"), "{debug}");
}

const MSP360_DEFAULT_URL_FOR_TESTS: &str = crate::source::MSP360_DEFAULT_URL;

#[tokio::test]
async fn an_unreachable_server_fails_the_first_check_step() {
    let client = Msp360Client::new(
        "http://127.0.0.1:1",
        "api",
        SecretString::from("pw-123"),
        PlatformOptions::default(),
    )
    .unwrap();
    let steps = client.check().await;
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].name, CHECK_REACHABLE);
    assert!(!steps[0].ok);
    assert!(
        steps[0].detail.contains("cannot reach MSP360"),
        "{}",
        steps[0].detail
    );
}

/// A server that signs anyone in and answers `/api/Companies` with `body`.
async fn serving(body: &'static str) -> String {
    use axum::routing::{get, post};
    let app = axum::Router::new()
        .route(
            LOGIN_PATH,
            post(|| async { axum::Json(json!({"access_token": "t", "expires_in": 600})) }),
        )
        .route(COMPANIES_PATH, get(move || async move { body }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn a_wrong_shape_is_a_decode_error_naming_the_path() {
    for (body, fragment) in [
        (r#"{"items": []}"#, "expected a JSON array, got an object"),
        ("<html>oops</html>", "not JSON"),
    ] {
        let url = serving(body).await;
        let client = Msp360Client::new(
            &url,
            "api",
            SecretString::from("pw-123"),
            PlatformOptions::default(),
        )
        .unwrap();
        let e = client.companies().await.unwrap_err();
        assert!(
            matches!(&e, PlatformError::Decode { path, .. } if path == COMPANIES_PATH),
            "{e:?}"
        );
        assert!(e.to_string().contains(fragment), "{e}");
    }
}
