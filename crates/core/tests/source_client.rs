//! The Dashboard client against a small local axum mock: paging, malformed
//! items, every error class, retries and `Retry-After`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod dashboard_mock;

use std::time::{Duration, Instant};

use bridge_core::source::{
    ClientOptions, DashboardClient, Listing, RetryPolicy, SourceError, StreamEnd,
};
use dashboard_mock::*;
use secrecy::SecretString;
use serde_json::{json, Value};

#[tokio::test]
async fn snapshot_follows_pages_and_reports_malformed_items_by_overall_position() {
    let mock = Mock::start().await;
    let mut items: Vec<Value> = (0..7).map(|i| event(&format!("e{i}"))).collect();
    items[3] =
        json!({"id": "e3", "companyId": "c-1", "backupType": "FileLevel", "jobStatus": "Failed"});
    items[5] = json!({"companyId": "c-1"});
    items.push(event("e1")); // duplicate of an earlier id, position 7
    items.push(json!({"id": "e9", "companyId": "c-2", "backupType": "Tape", "eventType": "Info", "jobStatus": "Paused"}));
    mock.set_items(EVENTS, &items, 3);

    let snapshot = mock.client(RetryPolicy::none()).snapshot().await.unwrap();

    let ids: Vec<_> = snapshot.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e0", "e1", "e2", "e4", "e6", "e9"]);
    assert_eq!(snapshot.events[5].backup_type, "Tape");
    let rejected: Vec<_> = snapshot
        .rejected
        .iter()
        .map(|r| (r.position, r.id.as_deref(), r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected[0],
        (3, Some("e3"), "field \"eventType\" is missing")
    );
    assert_eq!(rejected[1], (5, None, "field \"id\" is missing"));
    assert_eq!(rejected[2].0, 7);
    assert!(rejected[2].2.starts_with("duplicate id \"e1\""));

    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    for (i, (path, query, auth)) in requests.iter().enumerate() {
        assert_eq!(path, EVENTS);
        assert_eq!(query, &format!("page={}&pageSize=1000", i + 1));
        assert_eq!(auth, &format!("Bearer {TOKEN}"));
    }
}

#[tokio::test]
async fn companies_page_and_reject_likewise() {
    let mock = Mock::start().await;
    let items = vec![
        json!({"id": "c-1", "name": "Acme"}),
        json!({"id": "c-2", "name": 7}),
        json!({"id": "c-3", "name": "Contoso"}),
    ];
    mock.set_items(COMPANIES, &items, 2);
    let list = mock.client(RetryPolicy::none()).companies().await.unwrap();
    let ids: Vec<_> = list.companies.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c-1", "c-3"]);
    assert_eq!(list.rejected.len(), 1);
    assert_eq!(list.rejected[0].position, 1);
    assert_eq!(
        list.rejected[0].reason,
        "field \"name\" must be a string, found a number (7)"
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn an_empty_listing_is_one_request() {
    let mock = Mock::start().await;
    mock.set_items(EVENTS, &[], 10);
    let snapshot = mock.client(RetryPolicy::none()).snapshot().await.unwrap();
    assert!(snapshot.events.is_empty() && snapshot.rejected.is_empty());
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn a_base_path_prefix_is_kept() {
    let mock = Mock::start().await;
    mock.set_items(&format!("/portal{EVENTS}"), &[event("e1")], 10);
    let client = DashboardClient::with_options(
        &format!("{}/portal/", mock.base),
        SecretString::from(TOKEN),
        ClientOptions::default(),
    )
    .unwrap();
    assert_eq!(client.snapshot().await.unwrap().events.len(), 1);
}

#[tokio::test]
async fn error_statuses_classify_and_only_retryable_ones_are_retried() {
    let body = r#"{"error":"x","message":"token has no access to monitoring"}"#;
    // (status, retried?, expected message fragment)
    let cases: &[(u16, bool, &str)] = &[
        (401, false, "the Dashboard token was refused — replace it"),
        (403, false, "lacks access to this data: token has no access to monitoring"),
        (404, false, "HTTP 404 for /api/v1/monitoring/events: token has no access to monitoring; check dashboard.url"),
        (500, true, "server error (HTTP 500): token has no access to monitoring"),
        (503, true, "server error (HTTP 503)"),
    ];
    for &(status, retried, fragment) in cases {
        let mock = Mock::start().await;
        mock.set_items(EVENTS, &[event("e1")], 10);
        mock.fault(Fault::status(status, body), 10);
        let err = mock.client(fast_retries(2)).snapshot().await.unwrap_err();
        assert!(err.to_string().contains(fragment), "{status}: {err}");
        assert_eq!(err.is_retryable(), retried, "{status}");
        assert_eq!(
            mock.requests().len(),
            if retried { 3 } else { 1 },
            "{status}"
        );
        assert!(!err.to_string().contains(TOKEN));
    }
}

#[tokio::test]
async fn a_wrong_token_is_an_auth_error() {
    let mock = Mock::start().await;
    mock.set_items(EVENTS, &[event("e1")], 10);
    let client = DashboardClient::new(&mock.base, SecretString::from("wrong")).unwrap();
    assert_eq!(client.snapshot().await.unwrap_err(), SourceError::Auth);
}

#[tokio::test]
async fn transient_failures_are_retried_then_succeed_mid_listing() {
    let mock = Mock::start().await;
    let items: Vec<Value> = (0..4).map(|i| event(&format!("e{i}"))).collect();
    mock.set_items(EVENTS, &items, 2);
    // Page 2 fails twice (an HTML 502 from a proxy), then answers.
    mock.fault_on(Some(2), Fault::status(502, "<html>Bad Gateway</html>"), 2);
    let snapshot = mock.client(fast_retries(3)).snapshot().await.unwrap();
    let ids: Vec<_> = snapshot.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e0", "e1", "e2", "e3"]);
    let pages: Vec<_> = mock.requests().into_iter().map(|(_, q, _)| q).collect();
    assert_eq!(
        pages,
        [
            "page=1&pageSize=1000",
            "page=2&pageSize=1000",
            "page=2&pageSize=1000",
            "page=2&pageSize=1000"
        ]
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let mock = Mock::start().await;
    mock.set_items(EVENTS, &[event("e1")], 10);
    let mut fault = Fault::status(429, r#"{"error":"rate_limited","message":"slow down"}"#);
    fault.headers.push(("retry-after", "1".to_owned()));
    mock.fault(fault, 1);
    let started = Instant::now();
    let snapshot = mock.client(fast_retries(2)).snapshot().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(snapshot.events.len(), 1);
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn a_long_retry_after_goes_back_to_the_caller() {
    let mock = Mock::start().await;
    mock.set_items(EVENTS, &[event("e1")], 10);
    let mut fault = Fault::status(429, "");
    fault.headers.push(("retry-after", "120".to_owned()));
    mock.fault(fault, 1);
    // The caller hears at once instead of after the 120 s asked for; the
    // generous bound only catches a client that does wait.
    let err = tokio::time::timeout(
        Duration::from_secs(60),
        mock.client(fast_retries(2)).snapshot(),
    )
    .await
    .expect("the client waited out the Retry-After")
    .unwrap_err();
    assert_eq!(
        err,
        SourceError::RateLimited {
            retry_after: Some(Duration::from_secs(120))
        }
    );
    assert!(err.is_retryable());
    assert!(err.to_string().contains("retry after 120 s"), "{err}");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn garbage_bodies_are_decode_errors_with_a_sentence() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "text/html",
            "<!DOCTYPE html><html><body>Sign in to continue</body></html>",
            "not JSON (text/html, a body starting \"<!DOCTYPE html>",
        ),
        ("application/json", "{\"items\": [1, 2", "is not JSON"),
        ("application/json", "[1, 2]", "without an \"items\" list"),
        ("text/plain", "", "an empty body"),
    ];
    for (content_type, body, fragment) in cases {
        let mock = Mock::start().await;
        let mut fault = Fault::status(200, body);
        fault.headers = vec![("content-type", (*content_type).to_owned())];
        mock.fault(fault, 1);
        let err = mock.client(fast_retries(2)).snapshot().await.unwrap_err();
        assert!(matches!(err, SourceError::Decode(_)), "{err:?}");
        let message = err.to_string();
        assert!(
            message
                .starts_with("the Dashboard sent an unreadable answer: /api/v1/monitoring/events"),
            "{message}"
        );
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn a_next_page_loop_is_refused() {
    let mock = Mock::start().await;
    mock.set_raw_pages(
        EVENTS,
        vec![
            json!({"items": [event("e1")], "nextPage": 2}),
            json!({"items": [event("e2")], "nextPage": 1}),
        ],
    );
    let err = mock
        .client(RetryPolicy::none())
        .snapshot()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("page 2 points back to page 1"),
        "{err}"
    );
}

#[tokio::test]
async fn a_hanging_server_times_out() {
    let mock = Mock::start().await;
    let mut fault = Fault::status(200, "{}");
    fault.delay = Duration::from_secs(3);
    mock.fault(fault, 1);
    let options = ClientOptions {
        request_timeout: Duration::from_millis(200),
        retry: RetryPolicy::none(),
        ..ClientOptions::default()
    };
    let client =
        DashboardClient::with_options(&mock.base, SecretString::from(TOKEN), options).unwrap();
    let started = Instant::now();
    let err = client.snapshot().await.unwrap_err();
    // A timeout, not the answer the server sends after 3 s; and no sooner
    // than the 200 ms allowed.
    assert_eq!(err, SourceError::Timeout);
    assert!(err.is_retryable());
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn an_unreachable_dashboard_is_a_network_error() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let options = ClientOptions {
        retry: fast_retries(1),
        ..ClientOptions::default()
    };
    let client = DashboardClient::with_options(&base, SecretString::from(TOKEN), options).unwrap();
    let err = client.companies().await.unwrap_err();
    assert!(matches!(err, SourceError::Network(_)), "{err:?}");
    assert!(err.is_retryable());
    assert!(
        err.to_string().starts_with("cannot reach the Dashboard: "),
        "{err}"
    );
    assert!(!err.to_string().contains(TOKEN));
}

/// Reads the listing page by page: the events of each page and the end.
async fn read_pages(client: &DashboardClient) -> (Vec<Vec<String>>, StreamEnd) {
    let mut stream = client.events(&std::env::temp_dir());
    let mut pages = Vec::new();
    while let Some(page) = stream.next_page().await.unwrap() {
        pages.push(page.into_iter().map(|e| e.id).collect());
    }
    (pages, stream.finish())
}

/// The pages (by number) the mock was asked for since `from` requests.
fn pages_asked(mock: &Mock, from: usize) -> Vec<String> {
    mock.requests()[from..]
        .iter()
        .map(|(_, query, _)| query.split('&').next().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_listing_is_read_page_by_page_and_recognised_by_its_bytes() {
    let mock = Mock::start().await;
    let items: Vec<Value> = (0..7).map(|i| event(&format!("e{i}"))).collect();
    mock.set_items(EVENTS, &items, 3);
    let client = mock.client(RetryPolicy::none());
    let (pages, end) = read_pages(&client).await;
    assert_eq!(
        pages,
        [vec!["e0", "e1", "e2"], vec!["e3", "e4", "e5"], vec!["e6"]]
    );
    assert_eq!(end.present.len(), 7);
    assert!(end.rejected.is_empty());
    let marks = end.marks;
    assert_eq!(marks.len(), 3);
    let asked = mock.requests().len();
    assert!(matches!(
        client.check(&marks, &std::env::temp_dir()).await.unwrap(),
        Listing::Unchanged
    ));
    assert_eq!(pages_asked(&mock, asked), ["page=1", "page=2", "page=3"]);
    let Listing::Changed(_) = client.check(&[], &std::env::temp_dir()).await.unwrap() else {
        panic!("no marks: nothing is known");
    };

    // A change on page 2 stops the check there; the read that follows
    // fetches page 1 again but not page 2, whose bytes the check holds.
    let mut changed = items.clone();
    changed[4]["message"] = json!("changed");
    mock.set_items(EVENTS, &changed, 3);
    let asked = mock.requests().len();
    let Listing::Changed(mut stream) = client.check(&marks, &std::env::temp_dir()).await.unwrap()
    else {
        panic!("page 2 changed");
    };
    let mut read = Vec::new();
    while let Some(page) = stream.next_page().await.unwrap() {
        read.extend(page);
    }
    assert_eq!(read.len(), 7);
    assert_eq!(read[4].message, "changed");
    let later = stream.finish().marks;
    assert_eq!(
        pages_asked(&mock, asked),
        ["page=1", "page=2", "page=1", "page=3"]
    );
    assert_eq!(later[0], marks[0]);
    assert_ne!(later[1], marks[1]);
    assert_eq!(later[2], marks[2]);

    // A listing that grows past its old last page is not the same listing.
    let mut grown = items.clone();
    grown.extend((7..11).map(|i| event(&format!("e{i}"))));
    mock.set_items(EVENTS, &grown, 3);
    assert!(matches!(
        client.check(&marks, &std::env::temp_dir()).await.unwrap(),
        Listing::Changed(_)
    ));
    let (pages, end) = read_pages(&client).await;
    assert_eq!(pages.len(), 4);
    assert_eq!(end.present.len(), 11);

    // Nor is one that shrinks.
    mock.set_items(EVENTS, &items[..2], 3);
    assert!(matches!(
        client.check(&marks, &std::env::temp_dir()).await.unwrap(),
        Listing::Changed(_)
    ));
    let (pages, end) = read_pages(&client).await;
    assert_eq!(pages, [vec!["e0", "e1"]]);
    assert_eq!(end.marks.len(), 1);
}

#[tokio::test]
async fn a_duplicate_on_a_later_page_is_rejected_and_the_first_kept() {
    let mock = Mock::start().await;
    let mut items: Vec<Value> = (0..4).map(|i| event(&format!("e{i}"))).collect();
    let mut again = event("e1");
    again["message"] = json!("the second e1");
    items.push(again);
    mock.set_items(EVENTS, &items, 2);
    let client = mock.client(RetryPolicy::none());
    let (pages, end) = read_pages(&client).await;
    assert_eq!(pages, [vec!["e0", "e1"], vec!["e2", "e3"], vec![]]);
    assert_eq!(end.present.len(), 4);
    assert_eq!(end.rejected.len(), 1);
    assert_eq!(end.rejected[0].position, 4);
    assert_eq!(end.rejected[0].id.as_deref(), Some("e1"));
    assert!(
        end.rejected[0].reason.contains("duplicate id"),
        "{}",
        end.rejected[0]
    );
}
