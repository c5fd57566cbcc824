#![allow(clippy::unwrap_used, clippy::expect_used)]
//! ConnectWise simulator: discovery, authentication, member tokens and roles.

mod common;

use bridge_sim::cw;
use common::{basic, minimal_ticket, status_json, Cw};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn companyinfo_is_pascal_case_and_null_for_unknown_companies() {
    let cw = Cw::demo().await;
    let url = |c: &str| format!("{}/login/companyinfo/{c}", cw.sim.base_url());
    let known: Value = cw
        .http
        .get(url("BRIDGEDEMO"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in [
        "CompanyName",
        "Codebase",
        "VersionCode",
        "VersionNumber",
        "CompanyID",
        "IsCloud",
    ] {
        assert!(known.get(key).is_some(), "{key} missing in {known}");
    }
    assert_eq!(known["Codebase"], "v2025_1/");
    assert!(known["IsCloud"].is_string());
    let r = cw.http.get(url("nosuchco")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "null");
}

#[tokio::test]
async fn codebase_routing() {
    let cw = Cw::demo().await;
    let base = cw.sim.base_url();
    let cases = [
        ("v2025_1/apis/3.0/system/info", 200),
        ("v4_6_release/apis/3.0/system/info", 200),
        ("v2019_1/apis/3.0/system/info", 404),
        ("apis/3.0/system/info", 404),
        ("v2025_1/apis/3.0/no/such/thing", 404),
    ];
    for (path, want) in cases {
        let r = cw
            .http
            .get(format!("{base}/{path}"))
            .header("clientId", cw::DEMO_CLIENT_ID)
            .header("Authorization", &cw.auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), want, "{path}");
    }
}

#[tokio::test]
async fn every_api_call_needs_client_id_and_valid_basic_credentials() {
    let cw = Cw::demo().await;
    let good = basic(cw::DEMO_COMPANY, cw::DEMO_PUBLIC_KEY, cw::DEMO_PRIVATE_KEY);
    let cases: Vec<(Option<&str>, Option<String>, u16)> = vec![
        (Some(cw::DEMO_CLIENT_ID), Some(good.clone()), 200),
        (None, Some(good.clone()), 401),
        (Some(""), Some(good.clone()), 401),
        (Some("not-our-client"), Some(good.clone()), 401),
        (Some(cw::DEMO_CLIENT_ID), None, 401),
        (
            Some(cw::DEMO_CLIENT_ID),
            Some(basic(cw::DEMO_COMPANY, cw::DEMO_PUBLIC_KEY, "wrong")),
            401,
        ),
        (
            Some(cw::DEMO_CLIENT_ID),
            Some(basic(
                "othercompany",
                cw::DEMO_PUBLIC_KEY,
                cw::DEMO_PRIVATE_KEY,
            )),
            401,
        ),
        (
            Some(cw::DEMO_CLIENT_ID),
            Some(format!("Bearer {}", cw::DEMO_PRIVATE_KEY)),
            401,
        ),
        (
            Some(cw::DEMO_CLIENT_ID),
            Some(basic(
                cw::DEMO_COMPANY,
                cw::DEMO_INTEGRATOR_USER,
                cw::DEMO_INTEGRATOR_PASSWORD,
            )),
            401,
        ),
    ];
    for path in ["/system/info", "/service/tickets", "/company/companies"] {
        for (client, auth, want) in &cases {
            let mut req = cw.http.get(cw.url(path));
            if let Some(c) = client {
                req = req.header("clientId", *c);
            }
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            let (status, body) = status_json(req.send().await.unwrap()).await;
            assert_eq!(status, *want, "{path} {client:?} {auth:?}");
            if status == 401 {
                assert_eq!(body["code"], "Unauthorized");
                assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
                assert_eq!(body["errors"], Value::Null);
                assert!(body.as_object().unwrap().contains_key("errors"));
            }
        }
    }
}

#[tokio::test]
async fn a_role_without_a_right_gets_403_before_any_validation() {
    let mut cw = Cw::demo().await;
    cw.auth = basic(
        cw::DEMO_COMPANY,
        cw::DEMO_RESTRICTED_PUBLIC_KEY,
        cw::DEMO_RESTRICTED_PRIVATE_KEY,
    );
    let (s, body) = status_json(cw.post("/service/tickets", &json!({})).await).await;
    assert_eq!(s, 403);
    assert_eq!(body["code"], "Forbidden");
    assert!(body["message"].as_str().unwrap().contains("tickets.create"));
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    let (s, _) = status_json(cw.post("/service/tickets", &minimal_ticket("x")).await).await;
    assert_eq!(s, 403);
    let (s, _) = status_json(cw.get("/finance/agreements").await).await;
    assert_eq!(s, 403);
    let (s, _) = status_json(cw.get("/finance/agreements/401").await).await;
    assert_eq!(s, 403);
    for allowed in [
        "/service/tickets",
        "/company/companies",
        "/service/boards",
        "/service/priorities",
    ] {
        assert_eq!(cw.get(allowed).await.status(), 200, "{allowed}");
    }
    assert!(cw.sim.tickets().is_empty());
}

async fn mint(cw: &Cw, usertype: Option<&str>, auth: &str, member: &str) -> (u16, Value) {
    let mut req = cw
        .http
        .post(cw.url(&format!("/system/members/{member}/tokens")))
        .header("clientId", cw::DEMO_CLIENT_ID)
        .header("Authorization", auth)
        .json(&json!({"memberIdentifier": member}));
    if let Some(t) = usertype {
        req = req.header("x-cw-usertype", t);
    }
    status_json(req.send().await.unwrap()).await
}

#[tokio::test]
async fn integrator_login_mints_member_tokens_that_expire() {
    let mut cw = Cw::demo().await;
    let integrator = basic(
        cw::DEMO_COMPANY,
        cw::DEMO_INTEGRATOR_USER,
        cw::DEMO_INTEGRATOR_PASSWORD,
    );

    // Refusals: no usertype header, wrong password, unknown member, no clientId.
    assert_eq!(mint(&cw, None, &integrator, cw::DEMO_MEMBER).await.0, 401);
    let wrong = basic(cw::DEMO_COMPANY, cw::DEMO_INTEGRATOR_USER, "nope");
    assert_eq!(
        mint(&cw, Some("integrator"), &wrong, cw::DEMO_MEMBER)
            .await
            .0,
        401
    );
    assert_eq!(
        mint(&cw, Some("integrator"), &integrator, "nobody").await.0,
        404
    );
    let r = cw
        .http
        .post(cw.url(&format!("/system/members/{}/tokens", cw::DEMO_MEMBER)))
        .header("Authorization", &integrator)
        .header("x-cw-usertype", "integrator")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // An API member may mint too (x-cw-usertype: member).
    assert_eq!(
        mint(&cw, Some("member"), &cw.auth, cw::DEMO_MEMBER).await.0,
        201
    );

    let (s, token) = mint(&cw, Some("integrator"), &integrator, cw::DEMO_MEMBER).await;
    assert_eq!(s, 201, "{token}");
    let expiration =
        chrono::DateTime::parse_from_rfc3339(token["expiration"].as_str().unwrap()).unwrap();
    assert!(expiration > chrono::Utc::now() + chrono::Duration::minutes(30));
    cw.auth = basic(
        cw::DEMO_COMPANY,
        token["publicKey"].as_str().unwrap(),
        token["privateKey"].as_str().unwrap(),
    );
    let t = cw.create_ticket("made with a token").await;
    assert_eq!(t["_info"]["enteredBy"], cw::DEMO_MEMBER);

    // Expiry: 401 with the token, a fresh mint works again.
    cw.sim.expire_tokens();
    let (s, body) = status_json(cw.get("/system/info").await).await;
    assert_eq!(s, 401);
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );

    // A lifetime set by the test: the expiration says it, and the token
    // stops working once the simulator's clock has moved past it.
    let life = chrono::Duration::minutes(10);
    cw.sim.set_token_lifetime(life.to_std().unwrap());
    let before = chrono::Utc::now();
    let (s, token) = mint(&cw, Some("integrator"), &integrator, cw::DEMO_MEMBER).await;
    let after = chrono::Utc::now();
    assert_eq!(s, 201);
    let expiration = chrono::DateTime::parse_from_rfc3339(token["expiration"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    // The expiration is written in whole seconds.
    let earliest = before + life - chrono::Duration::seconds(1);
    assert!(
        (earliest..=after + life).contains(&expiration),
        "{expiration} not {life} after the mint ({before} .. {after})"
    );
    cw.auth = basic(
        cw::DEMO_COMPANY,
        token["publicKey"].as_str().unwrap(),
        token["privateKey"].as_str().unwrap(),
    );
    assert_eq!(cw.get("/system/info").await.status(), 200);
    cw.sim.shift_token_clock(life);
    let (s, body) = status_json(cw.get("/system/info").await).await;
    assert_eq!(s, 401);
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
}

#[tokio::test]
async fn tokens_carry_the_members_denied_rights() {
    let mut cw = Cw::demo().await;
    let integrator = basic(
        cw::DEMO_COMPANY,
        cw::DEMO_INTEGRATOR_USER,
        cw::DEMO_INTEGRATOR_PASSWORD,
    );
    let (_, token) = mint(&cw, Some("integrator"), &integrator, "intern").await;
    cw.auth = basic(
        cw::DEMO_COMPANY,
        token["publicKey"].as_str().unwrap(),
        token["privateKey"].as_str().unwrap(),
    );
    let t = cw.create_ticket("intern ticket").await;
    let r = cw
        .req(Method::DELETE, &format!("/service/tickets/{}", t["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_codebase_change_makes_old_urls_404_until_rediscovered() {
    let cw = Cw::demo().await;
    let old = cw.url("/system/info");
    assert_eq!(cw.get("/system/info").await.status(), 200);
    assert!(cw.sim.set_codebase("v2025_2").is_err());
    cw.sim.set_codebase("v2025_2/").unwrap();
    let get = |url: String| {
        cw.http
            .get(url)
            .header("clientId", cw::DEMO_CLIENT_ID)
            .header("Authorization", &cw.auth)
            .send()
    };
    assert_eq!(get(old).await.unwrap().status(), 404);
    let info: Value = cw
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
    assert_eq!(info["Codebase"], "v2025_2/");
    let base = cw.sim.base_url();
    assert_eq!(
        get(format!("{base}/v2025_2/apis/3.0/system/info"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        get(format!("{base}/v4_6_release/apis/3.0/system/info"))
            .await
            .unwrap()
            .status(),
        200
    );
    // hrefs follow the new codebase
    let t = cw.create_ticket("after upgrade").await;
    assert!(t["_info"]["notes_href"]
        .as_str()
        .unwrap()
        .contains("/v2025_2/apis/3.0/"));
}

/// The simulator is as strict about `Accept` as a real server may be: the
/// client's pinned `application/vnd.connectwise.com+json; version=2025.1`
/// and plain JSON are served, anything else is 406.
#[tokio::test]
async fn accept_must_admit_json() {
    let cw = Cw::demo().await;
    let info = |accept: &'static str| {
        cw.req(Method::GET, "/system/info")
            .header("accept", accept)
            .send()
    };
    for ok in [
        "application/vnd.connectwise.com+json; version=2025.1",
        "application/json",
        "*/*",
    ] {
        let (status, body) = status_json(info(ok).await.unwrap()).await;
        assert_eq!(status, 200, "{ok}: {body}");
    }
    let (status, body) = status_json(info("text/html").await.unwrap()).await;
    assert_eq!(status, 406, "{body}");
    assert_eq!(body["code"], "NotAcceptable");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("accept application/json or application/vnd.connectwise.com+json"),
        "{body}"
    );
}
