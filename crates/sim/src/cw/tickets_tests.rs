//! Unit tests of the ticket create and patch rules, straight on the model.

use super::*;
use crate::cw::demo::*;
use crate::cw::seed::CwSeed;
use axum::http::StatusCode;
use serde_json::json;

fn model() -> Model {
    Model::new(CwSeed::demo(), "http://sim".into())
}

fn base() -> Value {
    json!({"summary": "s", "board": {"id": DEMO_SERVICE_BOARD_ID}, "company": {"id": DEMO_ACME_ID}})
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
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

fn patched(ops: Value) -> Result<Value, ApiError> {
    let mut m = model();
    let body = with(base(), "agreement", json!({"id": 401}));
    let body = with(body, "type", json!({"id": 250}));
    let id = create(&mut m, &body, "me", Utc::now()).unwrap();
    crate::cw::patch::patch(&mut m, id, &ops, "you", Utc::now())?;
    Ok(m.ticket_json(&m.tickets[&id]))
}

#[test]
fn patch_rejects_malformed_operations() {
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"op": "replace", "path": "summary", "value": "x"}),
            "JSON Patch array",
        ),
        (
            json!([{"op": "replace", "path": "status/id", "value": 17}]),
            "inside an object",
        ),
        (
            json!([{"op": "replace", "path": "Summary", "value": "x"}]),
            "not a patchable",
        ),
        (
            json!([{"op": "replace", "path": "closedFlag", "value": true}]),
            "not a patchable",
        ),
        (
            json!([{"op": "move", "path": "summary", "value": "x"}]),
            "op must be",
        ),
        (
            json!([{"op": "replace", "path": "summary"}]),
            "needs a value",
        ),
        (json!(["summary"]), "must be an object"),
        (json!([{"op": "replace", "value": "x"}]), "no path"),
    ];
    for (ops, text) in cases {
        let e = patched(ops.clone()).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{ops}");
        assert!(e.message().contains(text), "{ops}: {}", e.message());
    }
}

#[test]
fn patch_validates_references_against_the_final_board_and_company() {
    let bad: Vec<(Value, &str)> = vec![
        (
            json!([{"op": "replace", "path": "status", "value": {"id": DEMO_PROJECTS_STATUS_NEW}}]),
            "status",
        ),
        (
            json!([{"op": "replace", "path": "board", "value": {"id": DEMO_PROJECTS_BOARD_ID}}]),
            "status",
        ),
        (
            json!([{"op": "replace", "path": "company", "value": {"id": DEMO_NORTHWIND_ID}}]),
            "agreement",
        ),
        (json!([{"op": "remove", "path": "status"}]), "status"),
        (
            json!([{"op": "replace", "path": "summary", "value": "y".repeat(101)}]),
            "summary",
        ),
        (
            json!([{"op": "replace", "path": "status", "value": 17}]),
            "status",
        ),
    ];
    for (ops, field) in bad {
        let e = patched(ops.clone()).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{ops}");
        let errors = e.body["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|x| x["field"] == field),
            "{ops}: {errors:?}"
        );
    }
    // Moving boards works with a status (and no type) of the new board.
    let moved = patched(json!([
        {"op": "replace", "path": "board", "value": {"id": DEMO_PROJECTS_BOARD_ID}},
        {"op": "replace", "path": "status", "value": {"name": "Scoping"}},
        {"op": "remove", "path": "type"},
    ]))
    .unwrap();
    assert_eq!(moved["board"]["name"], "Projects Intake");
    assert_eq!(moved["status"]["name"], "Scoping");
    // Changing company with a matching agreement works.
    let moved = patched(json!([
        {"op": "replace", "path": "company", "value": {"id": DEMO_NORTHWIND_ID}},
        {"op": "replace", "path": "agreement", "value": {"id": 411}},
    ]))
    .unwrap();
    assert_eq!(moved["agreement"]["id"], 411);
}

#[test]
fn patch_status_drives_closed_fields_and_audit_info() {
    let closed =
        patched(json!([{"op": "replace", "path": "status", "value": {"id": DEMO_STATUS_CLOSED}}]))
            .unwrap();
    assert_eq!(closed["closedFlag"], true);
    assert!(closed["closedDate"].is_string());
    assert_eq!(closed["closedBy"], "you");
    assert_eq!(closed["_info"]["updatedBy"], "you");
    assert_eq!(closed["_info"]["enteredBy"], "me");

    let mut m = model();
    let id = create(&mut m, &base(), "me", Utc::now()).unwrap();
    let close = json!([{"op": "replace", "path": "status", "value": {"name": ">Closed"}}]);
    crate::cw::patch::patch(&mut m, id, &close, "you", Utc::now()).unwrap();
    let reopen = json!([{"op": "replace", "path": "status", "value": {"name": "In Progress"}}]);
    crate::cw::patch::patch(&mut m, id, &reopen, "you", Utc::now()).unwrap();
    let t = m.ticket_json(&m.tickets[&id]);
    assert_eq!(t["closedFlag"], false);
    assert!(t.get("closedDate").is_none());
}

#[test]
fn patch_of_a_missing_ticket_is_404() {
    let mut m = model();
    let e = crate::cw::patch::patch(&mut m, 42, &json!([]), "you", Utc::now()).unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    assert_eq!(e.message(), "Ticket 42 not found");
}
