#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End-to-end smoke test of the ConnectWise simulator: discovery, create,
//! read, patch to closed, notes, delete.

mod common;

use bridge_sim::cw;
use common::{status_json, Cw};
use serde_json::json;

#[tokio::test]
async fn discovery_create_patch_close_and_delete() {
    let cw = Cw::demo().await;
    let info: serde_json::Value = cw
        .http
        .get(format!(
            "{}/login/companyinfo/{}",
            cw.sim.base_url(),
            cw::DEMO_COMPANY
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["Codebase"], "v2025_1/");
    assert_eq!(info["IsCloud"], "True");
    assert_eq!(info["CompanyID"], cw::DEMO_COMPANY);

    let (s, sys) = status_json(cw.get("/system/info").await).await;
    assert_eq!(s, 200);
    assert_eq!(sys["isCloud"], true);

    let t = cw.create_ticket("Nightly failed").await;
    let id = t["id"].as_i64().unwrap();
    assert_eq!(t["status"]["name"], "New");
    assert_eq!(t["priority"]["name"], "Priority 3 - Normal");
    assert_eq!(t["closedFlag"], false);
    assert!(t.get("initialDescription").is_none());
    assert_eq!(t["_info"]["enteredBy"], cw::DEMO_API_MEMBER);
    assert_eq!(cw.sim.notes(id).len(), 1);
    assert_eq!(cw.sim.notes(id)[0]["detailDescriptionFlag"], true);

    let (s, closed) = status_json(
        cw.patch(
            &format!("/service/tickets/{id}"),
            &json!([{"op": "replace", "path": "status", "value": {"name": ">Closed"}}]),
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{closed}");
    assert_eq!(closed["closedFlag"], true);
    assert!(closed["closedDate"].as_str().unwrap().ends_with('Z'));

    let (s, note) = status_json(
        cw.post(
            &format!("/service/tickets/{id}/notes"),
            &json!({"text": "resolved", "resolutionFlag": true}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 201, "{note}");
    assert_eq!(note["ticketId"], id);

    let r = cw
        .req(reqwest::Method::DELETE, &format!("/service/tickets/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (s, body) = status_json(cw.get(&format!("/service/tickets/{id}")).await).await;
    assert_eq!(s, 404);
    assert_eq!(
        body,
        json!({"code": "NotFound", "message": format!("Ticket {id} not found")})
    );
    cw.sim.shutdown().await;
}
