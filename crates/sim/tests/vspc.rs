#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The VSPC simulator's sign-in and strictness over HTTP: form-encoded
//! token requests only, access tokens expired on demand, refresh tokens
//! that rotate and are single use, the API key, strict paging parameters,
//! and the error envelope on every refusal.

mod vspc_common;

use serde_json::json;
use vspc_common::*;

#[tokio::test]
async fn the_token_endpoint_takes_only_form_bodies() {
    let sim = sim().await;
    let url = format!("{}/api/v3/token", sim.base_url());
    let creds = json!({"grant_type": "password", "username": USER, "password": PASSWORD});
    let r = http().post(&url).json(&creds).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 415);
    let message = envelope(&r.json().await.unwrap(), 415);
    assert!(
        message.contains("application/x-www-form-urlencoded"),
        "{message}"
    );
    assert_eq!(sim.password_logins(), 0);

    let form = [
        ("grant_type", "password"),
        ("username", USER),
        ("password", PASSWORD),
    ];
    let (status, body) = token_request(&sim, &form).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["access_token"].as_str().unwrap().len() >= 32);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 32);
    assert!(body[".issued"].is_string() && body[".expires"].is_string());
    assert_eq!(sim.password_logins(), 1);

    let r = http().get(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    envelope(&r.json().await.unwrap(), 405);
}

#[tokio::test]
async fn bad_token_requests_are_400_and_bad_credentials_401() {
    let sim = sim().await;
    let cases: [(&[(&str, &str)], u16); 8] = [
        (
            &[
                ("grant_type", "password"),
                ("username", USER),
                ("password", "nope"),
            ],
            401,
        ),
        (
            &[
                ("grant_type", "password"),
                ("username", "who"),
                ("password", PASSWORD),
            ],
            401,
        ),
        (
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "never-issued"),
            ],
            401,
        ),
        (&[("username", USER), ("password", PASSWORD)], 400),
        (&[("grant_type", "password"), ("username", USER)], 400),
        (&[("grant_type", "refresh_token")], 400),
        (&[("grant_type", "client_credentials")], 400),
        (
            &[("grant_type", "password"), ("grant_type", "password")],
            400,
        ),
    ];
    for (form, want) in cases {
        let (status, body) = token_request(&sim, form).await;
        assert_eq!(status, want, "{form:?}: {body}");
        envelope(&body, want);
    }
    assert_eq!((sim.password_logins(), sim.refreshes()), (0, 0));
}

#[tokio::test]
async fn every_get_needs_a_live_bearer() {
    let sim = sim().await;
    let (status, body) = get(&sim, "", "/alarms/active").await;
    assert_eq!(status, 401);
    envelope(&body, 401);
    let (status, body) = get(&sim, "made-up", "/organizations/companies").await;
    assert_eq!(status, 401);
    assert_eq!(envelope(&body, 401), "The access token is not valid.");
    let r = http()
        .get(format!("{}/api/v3/alarms/templates", sim.base_url()))
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");

    let (access, _) = sign_in(&sim).await;
    for path in [
        "/alarms/active",
        "/alarms/templates",
        "/organizations/companies",
    ] {
        let (status, body) = get(&sim, &access, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(
            body["meta"]["pagingInfo"],
            json!({"total": 0, "count": 0, "offset": 0})
        );
        assert_eq!(body["data"], json!([]));
    }
}

#[tokio::test]
async fn expired_access_tokens_refresh_and_refresh_tokens_rotate() {
    let sim = sim().await;
    let (access, refresh1) = sign_in(&sim).await;
    assert_eq!(get(&sim, &access, "/alarms/active").await.0, 200);
    sim.expire_access_tokens();
    let (status, body) = get(&sim, &access, "/alarms/active").await;
    assert_eq!(status, 401);
    assert_eq!(envelope(&body, 401), "The access token has expired.");

    let (status, body) = refresh(&sim, &refresh1).await;
    assert_eq!(status, 200, "{body}");
    let access2 = body["access_token"].as_str().unwrap().to_owned();
    let refresh2 = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(access2, access);
    assert_ne!(refresh2, refresh1);
    assert_eq!(get(&sim, &access2, "/alarms/active").await.0, 200);
    assert_eq!((sim.password_logins(), sim.refreshes()), (1, 1));

    // Single use: the first refresh token is spent.
    let (status, body) = refresh(&sim, &refresh1).await;
    assert_eq!(status, 401);
    assert!(envelope(&body, 401).contains("already been used"));
    // The rotated one works once, and expires on demand.
    let (status, body) = refresh(&sim, &refresh2).await;
    assert_eq!(status, 200);
    let refresh3 = body["refresh_token"].as_str().unwrap().to_owned();
    sim.expire_refresh_tokens();
    let (status, body) = refresh(&sim, &refresh3).await;
    assert_eq!(status, 401);
    assert!(envelope(&body, 401).contains("expired"));
    assert_eq!((sim.password_logins(), sim.refreshes()), (1, 2));

    // The lifetime is reported, and 0 gives tokens dead on arrival.
    sim.set_token_lifetime(0);
    let form = [
        ("grant_type", "password"),
        ("username", USER),
        ("password", PASSWORD),
    ];
    let (_, body) = token_request(&sim, &form).await;
    assert_eq!(body["expires_in"], 0);
    let dead = body["access_token"].as_str().unwrap();
    assert_eq!(get(&sim, dead, "/alarms/active").await.0, 401);
}

#[tokio::test]
async fn the_api_key_works_on_every_get_and_never_expires() {
    let sim = sim().await;
    sim.expire_access_tokens();
    for path in [
        "/alarms/active",
        "/alarms/templates",
        "/organizations/companies",
    ] {
        assert_eq!(get(&sim, KEY, path).await.0, 200, "{path}");
    }
    // It is no password: the token endpoint refuses it.
    let form = [
        ("grant_type", "password"),
        ("username", USER),
        ("password", KEY),
    ];
    assert_eq!(token_request(&sim, &form).await.0, 401);
    sim.set_api_key(None);
    assert_eq!(get(&sim, KEY, "/alarms/active").await.0, 401);
    assert_eq!(sim.password_logins(), 0);
}

#[tokio::test]
async fn paging_parameters_are_strict() {
    let sim = sim().await;
    sim.set_alarms(alarms(3)).unwrap();
    let bad = [
        "limit=501",
        "limit=0",
        "limit=-5",
        "limit=ten",
        "offset=-1",
        "page=2",
        "pageSize=10",
        "limit=5&limit=5",
    ];
    for query in bad {
        let (status, body) = get(&sim, KEY, &format!("/alarms/active?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        let message = envelope(&body, 400);
        assert!(message.ends_with('.'), "{message}");
    }
    let (status, body) = get(&sim, KEY, "/alarms/active?limit=500").await;
    assert_eq!((status, uids(&body).len()), (200, 3));
    let ignored = "/alarms/active?filter=%5B%5D&sort=%5B%5D&select=x&expand=y&offset=1&limit=1";
    let (status, body) = get(&sim, KEY, ignored).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["meta"]["pagingInfo"],
        json!({"total": 3, "count": 1, "offset": 1})
    );
    assert_eq!(uids(&body), ["a1"]);
    // Past the end: an empty page, still with the total.
    let (_, body) = get(&sim, KEY, "/alarms/active?offset=7").await;
    assert_eq!(
        body["meta"]["pagingInfo"],
        json!({"total": 3, "count": 0, "offset": 7})
    );
    // Unknown paths and methods answer the envelope too.
    let (status, body) = get(&sim, KEY, "/alarms").await;
    assert_eq!(status, 404);
    envelope(&body, 404);
    let r = http()
        .post(format!("{}/api/v3/alarms/active", sim.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    envelope(&r.json().await.unwrap(), 405);
}
