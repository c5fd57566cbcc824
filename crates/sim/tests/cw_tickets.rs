#![allow(clippy::unwrap_used, clippy::expect_used)]
//! ConnectWise simulator over HTTP: ticket create validation, PATCH rules,
//! closing, notes and error bodies.

mod common;

use bridge_sim::cw;
use common::{minimal_ticket, status_json, Cw};
use reqwest::Method;
use serde_json::{json, Value};

fn field_error(body: &Value, field: &str, code: &str) -> bool {
    body["errors"]
        .as_array()
        .is_some_and(|e| e.iter().any(|x| x["field"] == field && x["code"] == code))
}

#[tokio::test]
async fn create_enforces_summary_length_and_references() {
    let cw = Cw::demo().await;
    let hundred = "a".repeat(100);
    let mut body = minimal_ticket(&hundred);
    body["externalXRef"] = json!("x".repeat(100));
    let (s, t) = status_json(cw.post("/service/tickets", &body).await).await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["summary"], hundred);

    let with = |key: &str, value: Value| {
        let mut body = minimal_ticket("ok");
        if value.is_null() {
            body.as_object_mut().unwrap().remove(key);
        } else {
            body[key] = value;
        }
        body
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with("summary", json!("a".repeat(101))),
            "summary",
            "InvalidField",
        ),
        (
            with("summary", Value::Null),
            "summary",
            "MissingRequiredField",
        ),
        (
            with("company", json!({"id": 4242})),
            "company",
            "InvalidField",
        ),
        (
            with("company", json!({"identifier": "NoSuchCo"})),
            "company",
            "InvalidField",
        ),
        (
            with("company", Value::Null),
            "company",
            "MissingRequiredField",
        ),
        (with("board", json!({"id": 4242})), "board", "InvalidField"),
        (
            with("status", json!({"id": cw::DEMO_PROJECTS_STATUS_NEW})),
            "status",
            "InvalidField",
        ),
        (
            with("priority", json!({"id": 4242})),
            "priority",
            "InvalidField",
        ),
        (
            with("agreement", json!({"id": 4242})),
            "agreement",
            "InvalidField",
        ),
        (with("type", json!({"id": 4242})), "type", "InvalidField"),
        (
            with("externalXRef", json!("x".repeat(101))),
            "externalXRef",
            "InvalidField",
        ),
    ];
    for (body, field, code) in cases {
        let (s, err) = status_json(cw.post("/service/tickets", &body).await).await;
        assert_eq!(s, 400, "{body}");
        assert_eq!(err["code"], "InvalidObject", "{err}");
        assert!(field_error(&err, field, code), "{field}/{code}: {err}");
    }
    let r = cw
        .req(Method::POST, "/service/tickets")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        cw.sim.tickets().len(),
        1,
        "only the valid ticket was stored"
    );
}

#[tokio::test]
async fn create_defaults_and_hides_initial_description() {
    let cw = Cw::demo().await;
    let mut body = minimal_ticket("defaults");
    body["agreement"] = json!({"id": 401});
    let t = cw.create_ticket_with(&body).await;
    assert_eq!(t["status"]["name"], "New");
    assert_eq!(t["priority"]["name"], "Priority 3 - Normal");
    assert_eq!(t["agreement"]["name"], "Business Continuity ICB");
    assert_eq!(t["company"]["identifier"], "AcmeDental");
    for key in ["lastUpdated", "updatedBy", "dateEntered", "enteredBy"] {
        assert!(t["_info"][key].is_string(), "_info.{key} in {t}");
    }
    assert!(t.get("initialDescription").is_none());
    let id = t["id"].as_i64().unwrap();
    let (s, notes) = status_json(cw.get(&format!("/service/tickets/{id}/notes")).await).await;
    assert_eq!(s, 200);
    assert_eq!(notes[0]["text"], "details");
    assert_eq!(notes[0]["detailDescriptionFlag"], true);
}

#[tokio::test]
async fn patch_rules() {
    let cw = Cw::demo().await;
    let id = cw.create_ticket("to patch").await["id"].as_i64().unwrap();
    let path = format!("/service/tickets/{id}");
    let cases: Vec<(Value, u16)> = vec![
        (
            json!({"op": "replace", "path": "summary", "value": "x"}),
            400,
        ),
        (
            json!([{"op": "replace", "path": "status/id", "value": cw::DEMO_STATUS_CLOSED}]),
            400,
        ),
        (
            json!([{"op": "replace", "path": "company/identifier", "value": "NorthwindLaw"}]),
            400,
        ),
        (
            json!([{"op": "replace", "path": "Summary", "value": "x"}]),
            400,
        ),
        (
            json!([{"op": "replace", "path": "status", "value": {"id": cw::DEMO_PROJECTS_STATUS_NEW}}]),
            400,
        ),
        (
            json!([{"op": "replace", "path": "summary", "value": "b".repeat(101)}]),
            400,
        ),
        (
            json!([{"op": "replace", "path": "summary", "value": "renamed"}]),
            200,
        ),
    ];
    for (ops, want) in cases {
        let (s, body) = status_json(cw.patch(&path, &ops).await).await;
        assert_eq!(s, want, "{ops} -> {body}");
    }
    let t = cw.sim.ticket(id).unwrap();
    assert_eq!(t["summary"], "renamed");
    assert_eq!(t["status"]["name"], "New", "failed patches changed nothing");
    let (s, _) = status_json(cw.patch("/service/tickets/999999", &json!([])).await).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn closing_sets_closed_flag_and_date_and_reopening_clears_them() {
    let cw = Cw::demo().await;
    let id = cw.create_ticket("to close").await["id"].as_i64().unwrap();
    let path = format!("/service/tickets/{id}");
    let close = json!([{"op": "replace", "path": "status", "value": {"id": cw::DEMO_STATUS_CLOSED_RESOLVED}}]);
    let (s, t) = status_json(cw.patch(&path, &close).await).await;
    assert_eq!(s, 200);
    assert_eq!(t["closedFlag"], true);
    let date = t["closedDate"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(date).is_ok() && !date.contains('.'),
        "{date}"
    );
    let reopen = json!([{"op": "replace", "path": "status", "value": {"name": "In Progress"}}]);
    let (_, t) = status_json(cw.patch(&path, &reopen).await).await;
    assert_eq!(t["closedFlag"], false);
    assert!(t.get("closedDate").is_none());

    // A technician closes it in the UI.
    cw.sim.set_ticket_status(id, ">Closed").unwrap();
    let (_, t) = status_json(cw.get(&path).await).await;
    assert_eq!(t["closedFlag"], true);
    assert!(
        cw.sim.set_ticket_status(id, "Scoping").is_err(),
        "not a status of this board"
    );
    assert!(cw.sim.set_ticket_status(424242, "New").is_err());
}

#[tokio::test]
async fn notes_need_text_and_a_flag() {
    let cw = Cw::demo().await;
    let id = cw.create_ticket("notes").await["id"].as_i64().unwrap();
    let path = format!("/service/tickets/{id}/notes");
    let cases: Vec<(Value, u16)> = vec![
        (json!({"text": "hello", "detailDescriptionFlag": true}), 201),
        (
            json!({"text": "internal", "internalAnalysisFlag": true}),
            201,
        ),
        (json!({"text": "no flag"}), 400),
        (
            json!({"text": "all false", "detailDescriptionFlag": false, "resolutionFlag": false}),
            400,
        ),
        (json!({"detailDescriptionFlag": true}), 400),
        (json!({"text": "", "detailDescriptionFlag": true}), 400),
        (
            json!({"text": "flag not bool", "detailDescriptionFlag": "yes"}),
            400,
        ),
        (json!([]), 400),
    ];
    for (body, want) in cases {
        let (s, resp) = status_json(cw.post(&path, &body).await).await;
        assert_eq!(s, want, "{body} -> {resp}");
    }
    assert_eq!(cw.sim.notes(id).len(), 3, "initial description + 2 notes");
    let (s, _) = status_json(
        cw.post(
            "/service/tickets/999999/notes",
            &json!({"text": "x", "resolutionFlag": true}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = status_json(cw.get("/service/tickets/999999/notes").await).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn delete_is_204_then_404() {
    let cw = Cw::demo().await;
    let id = cw.create_ticket("to delete").await["id"].as_i64().unwrap();
    let path = format!("/service/tickets/{id}");
    let r = cw.req(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.text().await.unwrap().is_empty());
    let (s, body) = status_json(cw.req(Method::DELETE, &path).send().await.unwrap()).await;
    assert_eq!(s, 404);
    assert_eq!(body["message"], format!("Ticket {id} not found"));
    assert!(cw.sim.notes(id).is_empty());
}

#[tokio::test]
async fn technician_helpers_create_and_delete_tickets() {
    let cw = Cw::demo().await;
    let t = cw.sim.create_ticket(&minimal_ticket("by hand")).unwrap();
    assert_eq!(t["_info"]["enteredBy"], "technician");
    let id = t["id"].as_i64().unwrap();
    assert_eq!(
        cw.get(&format!("/service/tickets/{id}")).await.status(),
        200
    );
    let err = cw
        .sim
        .create_ticket(&json!({"summary": "no board"}))
        .unwrap_err();
    assert!(err.to_string().contains("board"), "{err}");
    assert!(cw.sim.delete_ticket(id));
    assert!(!cw.sim.delete_ticket(id));
    assert_eq!(
        cw.get(&format!("/service/tickets/{id}")).await.status(),
        404
    );
}

#[test]
fn the_shipped_demo_fixture_matches_cwseed_demo() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cw-demo-seed.json");
    let text = std::fs::read_to_string(path)
        .expect("fixture exists (regenerate with BB_WRITE_FIXTURES=1)");
    if std::env::var_os("BB_WRITE_FIXTURES").is_some() {
        std::fs::write(path, bridge_sim::cw::CwSeed::demo().to_json() + "\n").unwrap();
        return;
    }
    assert_eq!(
        bridge_sim::cw::CwSeed::from_json(&text).unwrap(),
        bridge_sim::cw::CwSeed::demo()
    );
}
