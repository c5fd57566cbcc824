//! Client behaviour against a scripted mock: discovery, headers, both auth
//! modes, retries, transport failures and secret hygiene.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use secrecy::SecretString;
use serde_json::json;

use super::mock::{companyinfo, Mock, Reply, Seen};
use super::*;

const SECRET: &str = "PRIVATE-k3y-s3cr3t";
const PASSWORD: &str = "integrator-pa55word";

pub(super) fn api_config(site: &str) -> CwConfig {
    let mut cfg = CwConfig::new(
        site,
        "acme",
        "client-guid",
        CwAuth::ApiMember {
            public_key: "pubkey".into(),
            private_key: SecretString::from(SECRET),
        },
    );
    cfg.max_retries = 2;
    cfg.request_timeout = Duration::from_secs(5);
    cfg
}

fn integrator_config(site: &str) -> CwConfig {
    let mut cfg = api_config(site);
    cfg.auth = CwAuth::Integrator {
        username: "integ".into(),
        password: SecretString::from(PASSWORD),
        member_identifier: "jdoe".into(),
    };
    cfg
}

pub(super) fn client(cfg: CwConfig) -> CwClient {
    CwClient::new(cfg)
        .unwrap()
        .with_backoff(Duration::from_millis(1), Duration::from_millis(20))
}

pub(super) fn api(path: &str) -> String {
    format!("/v2025_1/apis/3.0/{path}")
}

fn b64_basic(user: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(user)
    )
}

fn ticket(id: i64) -> serde_json::Value {
    json!({"id": id, "summary": format!("t{id}"), "closedFlag": false})
}

#[tokio::test]
async fn discovery_is_lazy_and_every_request_carries_the_headers() {
    let mock = Mock::start(|s: &Seen| match s.path.as_str() {
        "/login/companyinfo/acme" => companyinfo(),
        p if p == api("system/info") => {
            Reply::json(200, json!({"version": "v2025.1.1", "isCloud": false}))
        }
        p if p == api("service/tickets") => Reply::json(201, ticket(9)),
        _ => Reply::text(500, "unexpected"),
    })
    .await;
    let cw = client(api_config(&mock.base));
    assert!(mock.seen().is_empty(), "new() must not send anything");
    assert_eq!(cw.codebase(), None);

    let info = cw.system_info().await.unwrap();
    assert_eq!(info.version, "v2025.1.1");
    cw.clone().system_info().await.unwrap();
    assert_eq!(cw.codebase().as_deref(), Some("v2025_1/"));
    assert_eq!(mock.seen_on("companyinfo").len(), 1, "discovered once");
    let discovery = &mock.seen_on("companyinfo")[0];
    assert_eq!(discovery.header("authorization"), None);

    let new = NewTicket {
        summary: "s".into(),
        board: 1.into(),
        company: 2.into(),
        status: None,
        priority: None,
        agreement: None,
        type_: None,
        sub_type: None,
        item: None,
        external_x_ref: "bb:1".into(),
        initial_description: String::new(),
    };
    assert_eq!(cw.create_ticket(&new).await.unwrap().id, 9);
    for seen in mock.seen_on("/apis/3.0/") {
        assert_eq!(
            seen.header("authorization"),
            Some(b64_basic(&format!("acme+pubkey:{SECRET}")))
        );
        assert_eq!(seen.header("clientid").as_deref(), Some("client-guid"));
        assert_eq!(
            seen.header("accept").as_deref(),
            Some("application/vnd.connectwise.com+json; version=2025.1")
        );
        assert_eq!(seen.header("x-cw-usertype"), None);
        let has_body = seen.method == "POST";
        assert_eq!(
            seen.header("content-type").is_some(),
            has_body,
            "{}",
            seen.path
        );
    }

    let mut pinned = api_config(&mock.base);
    pinned.api_version = Some("2025.8".into());
    pinned.codebase = Some("/v2025_1".into());
    client(pinned).system_info().await.unwrap();
    let last = mock.seen().pop().unwrap();
    assert_eq!(
        last.header("accept").as_deref(),
        Some("application/vnd.connectwise.com+json; version=2025.8")
    );
    assert_eq!(
        mock.seen_on("companyinfo").len(),
        1,
        "a cached codebase skips discovery"
    );
}

#[tokio::test]
async fn unknown_company_is_reported_with_a_sentence() {
    let mock = Mock::start(|_: &Seen| Reply::json(200, json!(null))).await;
    let err = client(api_config(&mock.base)).boards().await.unwrap_err();
    match err {
        CwError::UnknownCompany(msg) => assert!(
            msg.contains("\"acme\"") && msg.contains("check the Company field"),
            "{msg}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_404_rediscovers_once() {
    let mock = Mock::start(|s: &Seen| match s.path.as_str() {
        "/login/companyinfo/acme" => companyinfo(),
        p if p.starts_with("/old_release/") => Reply::text(404, "<html>Not Found</html>"),
        p if p == api("service/tickets/5") => Reply::json(200, ticket(5)),
        _ => Reply::json(
            404,
            json!({"code": "NotFound", "message": "Ticket 6 not found"}),
        ),
    })
    .await;
    let mut cfg = api_config(&mock.base);
    cfg.codebase = Some("old_release/".into());
    let cw = client(cfg);
    assert_eq!(cw.get_ticket(5).await.unwrap().id, 5);
    assert_eq!(cw.codebase().as_deref(), Some("v2025_1/"));
    assert_eq!(mock.seen_on("companyinfo").len(), 1);
    // A real "no such record": company info is re-read once, the codebase is
    // unchanged, so the 404 stands and the request is not re-sent.
    assert!(matches!(
        cw.get_ticket(6).await,
        Err(CwError::NotFound { .. })
    ));
    assert_eq!(mock.seen_on("companyinfo").len(), 2);
    assert_eq!(mock.seen_on("tickets/6").len(), 1);

    // Discovered within the same call: no second look.
    let mut cfg = api_config(&mock.base);
    cfg.codebase = None;
    assert!(matches!(
        client(cfg).get_ticket(7).await,
        Err(CwError::NotFound { .. })
    ));
    assert_eq!(mock.seen_on("companyinfo").len(), 3);
}

/// A mock ConnectWise that mints numbered tokens and accepts only token numbers
/// `>= min_valid` (`usize::MAX` = reject all).
async fn token_mock(expiration: String, min_valid: Arc<AtomicUsize>) -> (Mock, Arc<AtomicUsize>) {
    let minted = Arc::new(AtomicUsize::new(0));
    let counter = minted.clone();
    let mock = Mock::start(move |s: &Seen| {
        if s.path == "/login/companyinfo/acme" {
            return companyinfo();
        }
        if s.path == api("system/members/jdoe/tokens") {
            if s.header("authorization") != Some(b64_basic(&format!("acme+integ:{PASSWORD}"))) {
                return Reply::json(401, json!({"code": "Unauthorized", "message": "bad login"}));
            }
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            return Reply::json(
                201,
                json!({"publicKey": format!("tokpub{n}"), "privateKey": format!("tokpriv{n}"), "expiration": expiration}),
            );
        }
        let n = (1..=counter.load(Ordering::SeqCst))
            .find(|n| s.header("authorization") == Some(b64_basic(&format!("acme+tokpub{n}:tokpriv{n}"))));
        match n {
            Some(n) if n >= min_valid.load(Ordering::SeqCst) => Reply::json(200, json!({"version": "v1", "isCloud": true})),
            _ => Reply::json(401, json!({"code": "ConnectWiseApi", "message": "UserNotAuthenticated"})),
        }
    })
    .await;
    (mock, minted)
}

#[tokio::test]
async fn integrator_mode_mints_lazily_and_reuses_the_token() {
    let future = (chrono::Utc::now() + chrono::TimeDelta::hours(1)).to_rfc3339();
    let (mock, minted) = token_mock(future, Arc::new(AtomicUsize::new(0))).await;
    let cw = client(integrator_config(&mock.base));
    assert!(mock.seen().is_empty());
    cw.system_info().await.unwrap();
    cw.system_info().await.unwrap();
    assert_eq!(minted.load(Ordering::SeqCst), 1);
    let mint = &mock.seen_on("/tokens")[0];
    assert_eq!(mint.method, "POST");
    assert_eq!(mint.header("x-cw-usertype").as_deref(), Some("integrator"));
    assert_eq!(mint.header("clientid").as_deref(), Some("client-guid"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&mint.body).unwrap(),
        json!({"memberIdentifier": "jdoe"})
    );
    for call in mock.seen_on("system/info") {
        assert_eq!(call.header("x-cw-usertype").as_deref(), Some("member"));
    }
}

#[tokio::test]
async fn integrator_tokens_are_reminted_on_expiry_and_once_on_401() {
    // Already expired: every call needs a fresh token.
    let past = (chrono::Utc::now() - chrono::TimeDelta::hours(1)).to_rfc3339();
    let (mock, minted) = token_mock(past, Arc::new(AtomicUsize::new(0))).await;
    let cw = client(integrator_config(&mock.base));
    cw.system_info().await.unwrap();
    cw.system_info().await.unwrap();
    assert_eq!(minted.load(Ordering::SeqCst), 2);

    // Revoked server-side: a 401 discards the token and mints once more.
    let future = (chrono::Utc::now() + chrono::TimeDelta::hours(1)).to_rfc3339();
    let min_valid = Arc::new(AtomicUsize::new(0));
    let (mock, minted) = token_mock(future, min_valid.clone()).await;
    let cw = client(integrator_config(&mock.base));
    cw.system_info().await.unwrap();
    min_valid.store(2, Ordering::SeqCst);
    cw.system_info().await.unwrap();
    assert_eq!(minted.load(Ordering::SeqCst), 2);
    assert_eq!(mock.seen_on("system/info").len(), 3);

    // Still rejected after the re-mint: give up with an Auth error.
    min_valid.store(usize::MAX, Ordering::SeqCst);
    let err = cw.system_info().await.unwrap_err();
    assert!(
        matches!(&err, CwError::Auth { message } if message.contains("\"jdoe\"")),
        "{err:?}"
    );
    assert_eq!(minted.load(Ordering::SeqCst), 3);

    // A wrong integrator password fails at minting, naming the integrator login.
    let mut bad = integrator_config(&mock.base);
    bad.auth = CwAuth::Integrator {
        username: "integ".into(),
        password: SecretString::from("wrong"),
        member_identifier: "jdoe".into(),
    };
    let err = client(bad).system_info().await.unwrap_err();
    assert!(
        matches!(&err, CwError::Auth { message } if message.contains("integrator username")),
        "{err:?}"
    );
}

/// A mock answering `path` with `replies` in turn (the last one repeats).
pub(super) async fn sequence(replies: Vec<Reply>) -> Mock {
    let calls = AtomicUsize::new(0);
    Mock::start(move |s: &Seen| {
        if s.path == "/login/companyinfo/acme" {
            return companyinfo();
        }
        let n = calls.fetch_add(1, Ordering::SeqCst);
        replies[n.min(replies.len() - 1)].clone()
    })
    .await
}

#[tokio::test]
async fn retryable_errors_are_retried_only_where_safe() {
    let ok = Reply::json(200, json!({"version": "v1", "isCloud": false}));
    let unavailable = Reply::text(503, "busy");
    let cases: Vec<(Vec<Reply>, bool, usize)> = vec![
        (
            vec![unavailable.clone(), unavailable.clone(), ok.clone()],
            true,
            3,
        ),
        (vec![unavailable.clone()], false, 3),
        (
            vec![Reply::text(429, "").header("retry-after", "0"), ok.clone()],
            true,
            2,
        ),
        (
            vec![
                Reply::json(500, json!({"message": "The operation has timed out"})),
                ok.clone(),
            ],
            true,
            2,
        ),
        (
            vec![Reply::json(
                400,
                json!({"code": "InvalidObject", "message": "bad"}),
            )],
            false,
            1,
        ),
        (
            vec![Reply::json(401, json!({"code": "Unauthorized"}))],
            false,
            1,
        ),
    ];
    for (replies, succeeds, calls) in cases {
        let mock = sequence(replies).await;
        let result = client(api_config(&mock.base)).system_info().await;
        assert_eq!(result.is_ok(), succeeds, "{result:?}");
        assert_eq!(mock.seen_on("/apis/").len(), calls, "{result:?}");
    }
}

#[tokio::test]
async fn creates_and_notes_are_never_retried() {
    let mock = sequence(vec![Reply::text(503, "busy")]).await;
    let cw = client(api_config(&mock.base));
    let new = NewTicket {
        summary: "s".into(),
        board: 1.into(),
        company: 2.into(),
        status: None,
        priority: None,
        agreement: None,
        type_: None,
        sub_type: None,
        item: None,
        external_x_ref: "bb:1".into(),
        initial_description: String::new(),
    };
    assert!(matches!(
        cw.create_ticket(&new).await,
        Err(CwError::Server { status: 503, .. })
    ));
    assert!(matches!(
        cw.add_note(5, &NewNote::discussion("x")).await,
        Err(CwError::Server { .. })
    ));
    assert_eq!(mock.seen_on("/apis/").len(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let mock = sequence(vec![
        Reply::text(429, "").header("retry-after", "1"),
        Reply::json(200, json!({"version": "v1"})),
    ])
    .await;
    let cw = CwClient::new(api_config(&mock.base))
        .unwrap()
        .with_backoff(Duration::from_millis(1), Duration::from_secs(5));
    let started = Instant::now();
    cw.system_info().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn transport_failures_are_classified() {
    // Hang past the request timeout.
    let mock = Mock::start(|_: &Seen| companyinfo().delayed(Duration::from_secs(2))).await;
    let mut cfg = api_config(&mock.base);
    cfg.request_timeout = Duration::from_millis(200);
    cfg.max_retries = 1;
    let err = client(cfg).system_info().await.unwrap_err();
    assert_eq!(err, CwError::Timeout);
    assert!(err.may_have_committed() && err.is_retryable());
    assert_eq!(mock.seen().len(), 2, "a timed-out GET is retried");

    // The server reads the request and drops the connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buf).await;
            drop(socket);
        }
    });
    let mut cfg = api_config(&site);
    cfg.codebase = Some("v2025_1/".into());
    let err = client(cfg)
        .add_note(1, &NewNote::discussion("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, CwError::Network(_)), "{err:?}");
    assert!(err.may_have_committed());

    // Nobody listening: never sent.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut cfg = api_config(&site);
    cfg.max_retries = 0;
    let err = client(cfg).boards().await.unwrap_err();
    assert!(
        matches!(&err, CwError::Unreachable(m) if m.contains("check the Site")),
        "{err:?}"
    );
    assert!(!err.may_have_committed());
}

#[tokio::test]
async fn secrets_never_appear_in_debug_or_errors() {
    let mock = Mock::start(|s: &Seen| {
        let reply = match s.path.rsplit('/').next().unwrap_or_default() {
            "acme" => return companyinfo(),
            "401" => Reply::json(401, json!({"code": "Unauthorized"})),
            "403" => Reply::text(403, ""),
            "404" => Reply::json(404, json!({"code": "NotFound", "message": "gone"})),
            "400" => Reply::json(400, json!({"code": "InvalidObject", "message": "bad", "errors": [{"field": "x", "message": "y"}]})),
            "429" => Reply::text(429, "").header("retry-after", "0"),
            "500" => Reply::text(500, "oops"),
            "html" => Reply::text(200, "<html></html>"),
            "slow" => Reply::text(200, "[]").delayed(Duration::from_secs(2)),
            _ => Reply::json(200, json!({"publicKey": "tokpub", "privateKey": "tokpriv-SECRET", "expiration": null})),
        };
        reply
    })
    .await;
    let mut errors = Vec::new();
    for cfg in [api_config(&mock.base), integrator_config(&mock.base)] {
        let mut cfg = cfg;
        cfg.request_timeout = Duration::from_millis(300);
        cfg.max_retries = 0;
        let cw = client(cfg.clone());
        for path in ["401", "403", "404", "400", "429", "500", "html", "slow"] {
            errors.push(
                cw.fetch::<Vec<i64>>(&request::Request::get(path), "list")
                    .await
                    .unwrap_err(),
            );
        }
        let mut http_site = cfg.clone();
        http_site.site = "http://cw.example.com".into();
        errors.push(CwClient::new(http_site).unwrap_err());
        let debug = format!("{cw:?} {cfg:?}");
        for secret in [SECRET, PASSWORD, "tokpriv-SECRET", "YWNtZSt"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
    for err in &errors {
        let text = format!("{err} {err:?}");
        for secret in [SECRET, PASSWORD, "tokpriv-SECRET", "YWNtZSt"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(
            text.contains(" — "),
            "one sentence that says what to do: {text}"
        );
    }
    assert_eq!(errors.len(), 18);
}
