//! Unit tests of the ticket patch rules, straight on the model.

use super::*;
use crate::cw::demo::*;
use crate::cw::tickets::create;
use crate::cw::tickets::tests::{base, model, with};
use axum::http::StatusCode;
use serde_json::json;

fn patched(ops: Value) -> Result<Value, ApiError> {
    let mut m = model();
    let body = with(base(), "agreement", json!({"id": 401}));
    let body = with(body, "type", json!({"id": 250}));
    let id = create(&mut m, &body, "me", Utc::now()).unwrap();
    patch(&mut m, id, &ops, "you", Utc::now())?;
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
    patch(&mut m, id, &close, "you", Utc::now()).unwrap();
    let reopen = json!([{"op": "replace", "path": "status", "value": {"name": "In Progress"}}]);
    patch(&mut m, id, &reopen, "you", Utc::now()).unwrap();
    let t = m.ticket_json(&m.tickets[&id]);
    assert_eq!(t["closedFlag"], false);
    assert!(t.get("closedDate").is_none());
}

#[test]
fn patch_of_a_missing_ticket_is_404() {
    let mut m = model();
    let e = patch(&mut m, 42, &json!([]), "you", Utc::now()).unwrap_err();
    assert_eq!(e.status, StatusCode::NOT_FOUND);
    assert_eq!(e.message(), "Ticket 42 not found");
}
