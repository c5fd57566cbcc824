//! Unit tests of the ticket create rules, straight on the model. The helpers
//! here are shared with `patch`'s tests.

use super::*;
use crate::cw::demo::*;
use crate::cw::seed::CwSeed;
use axum::http::StatusCode;
use serde_json::json;

pub(crate) fn model() -> Model {
    Model::new(CwSeed::demo(), "http://sim".into())
}

pub(crate) fn base() -> Value {
    json!({"summary": "s", "board": {"id": DEMO_SERVICE_BOARD_ID}, "company": {"id": DEMO_ACME_ID}})
}

pub(crate) fn with(mut v: Value, key: &str, value: Value) -> Value {
    if value.is_null() {
        v.as_object_mut().unwrap().remove(key);
    } else {
        v[key] = value;
    }
    v
}

#[test]
fn create_rejects_invalid_bodies_with_field_errors() {
    let long = "x".repeat(101);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(base(), "summary", Value::Null),
            "summary",
            "MissingRequiredField",
        ),
        (
            with(base(), "summary", json!("   ")),
            "summary",
            "MissingRequiredField",
        ),
        (
            with(base(), "summary", json!(long)),
            "summary",
            "InvalidField",
        ),
        (with(base(), "summary", json!(5)), "summary", "InvalidField"),
        // Counted in UTF-16 units, as the real server does: 51 emoji are 102.
        (
            with(base(), "summary", json!("😀".repeat(51))),
            "summary",
            "InvalidField",
        ),
        (
            with(
                base(),
                "externalXRef",
                json!(format!("bb:{}", "😀".repeat(49))),
            ),
            "externalXRef",
            "InvalidField",
        ),
        (
            with(base(), "company", Value::Null),
            "company",
            "MissingRequiredField",
        ),
        (
            with(base(), "company", json!({"id": 999})),
            "company",
            "InvalidField",
        ),
        (
            with(base(), "company", json!({"id": DEMO_DELETED_COMPANY_ID})),
            "company",
            "InvalidField",
        ),
        (
            with(base(), "company", json!(250)),
            "company",
            "InvalidField",
        ),
        (
            with(base(), "board", Value::Null),
            "board",
            "MissingRequiredField",
        ),
        (
            with(base(), "board", json!({"id": 99})),
            "board",
            "InvalidField",
        ),
        (
            with(base(), "status", json!({"id": DEMO_PROJECTS_STATUS_NEW})),
            "status",
            "InvalidField",
        ),
        (
            with(base(), "status", json!({"name": "Scoping"})),
            "status",
            "InvalidField",
        ),
        (
            with(base(), "priority", json!({"id": 77})),
            "priority",
            "InvalidField",
        ),
        (
            with(base(), "agreement", json!({"id": 9999})),
            "agreement",
            "InvalidField",
        ),
        (
            with(base(), "agreement", json!({"id": 411})),
            "agreement",
            "InvalidField",
        ),
        (
            with(base(), "type", json!({"id": 260})),
            "type",
            "InvalidField",
        ),
        (
            with(base(), "item", json!({"name": "Toaster"})),
            "item",
            "InvalidField",
        ),
        (
            with(base(), "externalXRef", json!("k".repeat(101))),
            "externalXRef",
            "InvalidField",
        ),
        (
            with(base(), "severity", json!("Extreme")),
            "severity",
            "InvalidField",
        ),
        (
            with(base(), "recordType", json!("Nonsense")),
            "recordType",
            "InvalidField",
        ),
    ];
    for (body, field, code) in cases {
        let mut m = model();
        let e = create(&mut m, &body, "me", Utc::now()).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(e.body["code"], "InvalidObject", "{body}");
        let errors = e.body["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|x| x["field"] == field && x["code"] == code),
            "{body}: {errors:?}"
        );
        assert!(m.tickets.is_empty(), "nothing stored for {body}");
    }
}

#[test]
fn create_fills_defaults_resolves_names_and_stores_initial_notes() {
    let mut m = model();
    let body = json!({
        "summary": "line one\nline two", "board": {"name": "service desk"},
        "company": {"identifier": "acmedental"}, "priority": {"name": "Priority 1 - Critical"},
        "agreement": {"id": 401}, "type": {"name": "Backup"}, "subType": {"id": 701}, "item": {"id": 12},
        "initialDescription": "desc", "initialInternalAnalysis": "raw", "initialResolution": "",
    });
    let id = create(&mut m, &body, "me", Utc::now()).unwrap();
    let t = m.ticket_json(&m.tickets[&id]);
    assert_eq!(t["summary"], "line one line two");
    assert_eq!(t["status"]["id"], DEMO_STATUS_NEW);
    assert_eq!(t["priority"]["id"], 1);
    assert_eq!(t["company"]["identifier"], "AcmeDental");
    assert_eq!(t["agreement"]["type"], "Business Continuity");
    assert_eq!(t["subType"]["name"], "Failure");
    assert!(t.get("externalXRef").is_none() && t.get("closedDate").is_none());
    let notes = m.notes_of(id);
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["detailDescriptionFlag"], true);
    assert_eq!(notes[1]["internalAnalysisFlag"], true);
}

#[test]
fn create_in_a_closed_status_is_closed() {
    let mut m = model();
    let body = with(base(), "status", json!({"id": DEMO_STATUS_CLOSED_RESOLVED}));
    let id = create(&mut m, &body, "me", Utc::now()).unwrap();
    let t = m.ticket_json(&m.tickets[&id]);
    assert_eq!(t["closedFlag"], true);
    assert_eq!(t["closedBy"], "me");
}
