//! The client as ConnectWise documents it and as a hostile network would
//! test it (issue 12): a throttled create or note is sent again after its
//! `Retry-After`, the API version is pinned in `Accept`, and no answer is
//! read past the body cap.

use serde_json::json;

use super::client_tests::{api, api_config, client, sequence};
use super::mock::{companyinfo, Mock, Reply, Seen};
use super::*;

fn new_ticket() -> NewTicket {
    NewTicket {
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
    }
}

/// REGRESSION: a create or note answered 429 was given up at once (creates
/// are not idempotent), costing a whole cycle, although ConnectWise says a
/// throttled request was not processed. It is now sent again after its
/// `Retry-After`, at most `max_retries` times.
#[tokio::test]
async fn a_throttled_create_or_note_is_sent_again_after_retry_after() {
    let throttled = Reply::text(429, "").header("retry-after", "0");
    let mock = sequence(vec![
        throttled.clone(),
        Reply::json(201, json!({"id": 9, "summary": "s"})),
        throttled.clone(),
        throttled.clone(),
        Reply::json(201, json!({"id": 70, "ticketId": 9, "text": "x"})),
    ])
    .await;
    let cw = client(api_config(&mock.base));
    assert_eq!(cw.create_ticket(&new_ticket()).await.unwrap().id, 9);
    assert_eq!(mock.seen_on("service/tickets").len(), 2);
    let note = cw.add_note(9, &NewNote::discussion("x")).await.unwrap();
    assert_eq!(note.id, 70);
    assert_eq!(mock.seen_on("tickets/9/notes").len(), 3);

    // Bounded: after max_retries (2 here) the 429 goes back to the caller.
    let always = sequence(vec![throttled]).await;
    let err = client(api_config(&always.base))
        .create_ticket(&new_ticket())
        .await
        .unwrap_err();
    assert!(matches!(err, CwError::RateLimited { .. }), "{err:?}");
    assert_eq!(always.seen_on("service/tickets").len(), 3);
}

/// REGRESSION: with no `api_version` set the client sent plain
/// `application/json`, so a newer server could change the models it reads.
#[tokio::test]
async fn the_tested_api_version_is_pinned_by_default() {
    let mock = sequence(vec![Reply::json(200, json!({"version": "v2025.1.1"}))]).await;
    let cfg = CwConfig::new(
        mock.base.as_str(),
        "acme",
        "client-guid",
        api_config(&mock.base).auth,
    );
    assert_eq!(cfg.api_version.as_deref(), Some(DEFAULT_API_VERSION));
    client(cfg).system_info().await.unwrap();
    for seen in mock.seen() {
        assert_eq!(
            seen.header("accept").as_deref(),
            Some("application/vnd.connectwise.com+json; version=2025.1"),
            "{}",
            seen.path
        );
    }
}

/// REGRESSION: answers were read whole with no limit, so one huge answer
/// could take all the tray's memory. A success over the cap is refused with
/// a sentence (a create behind it may have landed, so it is looked up); an
/// error answer over the cap is classified by its status alone.
#[tokio::test]
async fn answers_over_the_body_cap_are_not_read() {
    let big = format!("[{}]", vec!["{\"id\":1}"; 200].join(","));
    let mock = Mock::start(move |s: &Seen| match s.path.as_str() {
        "/login/companyinfo/acme" => companyinfo(),
        p if p == api("service/boards") => Reply::json(200, serde_json::from_str(&big).unwrap()),
        p if p == api("service/tickets/5") => Reply::json(
            404,
            json!({"code": "NotFound", "message": "x".repeat(5_000)}),
        ),
        p if p == api("service/tickets") => {
            Reply::json(201, json!({"id": 7, "summary": "y".repeat(5_000)}))
        }
        _ => Reply::json(200, json!({"version": "v1"})),
    })
    .await;
    let cw = client(api_config(&mock.base)).with_max_body_bytes(1_000);
    cw.system_info().await.unwrap();

    let err = cw.boards().await.unwrap_err();
    assert!(
        matches!(&err, CwError::Decode(m) if m.starts_with(
            "ConnectWise sent more than 1000 bytes for GET /service/boards, so BackupBridge stopped reading it — check the Site"
        )),
        "{err:?}"
    );
    assert!(!err.is_retryable());

    let err = cw.create_ticket(&new_ticket()).await.unwrap_err();
    assert!(err.may_have_committed(), "{err:?}");

    let err = cw.get_ticket(5).await.unwrap_err();
    assert!(matches!(err, CwError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn a_slow_trickle_past_the_cap_is_cut_off_too() {
    // No Content-Length: the body arrives in chunks and is refused as soon
    // as it passes the cap.
    use axum::body::Body;
    let chunks: Vec<Result<String, std::convert::Infallible>> =
        (0..50).map(|_| Ok(format!("{{\"id\":{}}},", 1))).collect();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let chunks = chunks.clone();
        async move {
            if req.uri().path() == "/login/companyinfo/acme" {
                let body = json!({"Codebase": "v2025_1/"}).to_string();
                return axum::response::Response::new(Body::from(body));
            }
            axum::response::Response::new(Body::from_stream(futures::stream::iter(chunks)))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let cw = client(api_config(&base)).with_max_body_bytes(100);
    let err = cw.boards().await.unwrap_err();
    assert!(
        matches!(&err, CwError::Decode(m) if m.contains("more than 100 bytes")),
        "{err:?}"
    );
}
