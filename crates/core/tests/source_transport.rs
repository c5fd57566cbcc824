//! The Dashboard client's transport under a hostile server (issue 12): no
//! redirect is followed, answers and listings have size caps, and an absurd
//! `Retry-After` is clamped instead of panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod dashboard_mock;

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use bridge_core::source::{ClientOptions, DashboardClient, RetryPolicy, SourceError};
use dashboard_mock::*;
use secrecy::SecretString;
use serde_json::{json, Value};

fn client_with(base: &str, options: ClientOptions) -> DashboardClient {
    let options = ClientOptions {
        request_timeout: Duration::from_secs(5),
        retry: RetryPolicy::none(),
        ..options
    };
    DashboardClient::with_options(base, SecretString::from(TOKEN), options).unwrap()
}

/// REGRESSION: the client followed redirects (reqwest's default of 10),
/// https to http included, and kept the token on a same-origin hop. Now a
/// 3xx is an error naming where it pointed, and nothing is sent there.
#[tokio::test]
async fn a_redirect_is_not_followed() {
    let mock = Mock::start().await;
    mock.set_items(EVENTS, &[event("e1")], 10);
    let to = format!("{}{EVENTS}?page=2", mock.base);
    for status in [301, 302, 303, 307, 308] {
        let mut fault = Fault::status(status, "");
        fault.headers.push(("location", to.clone()));
        mock.fault(fault, 1);
        let before = mock.requests().len();
        let err = client_with(&mock.base, ClientOptions::default())
            .snapshot()
            .await
            .unwrap_err();
        assert!(matches!(err, SourceError::Redirect { .. }), "{err:?}");
        assert!(!err.is_retryable());
        assert_eq!(
            err.to_string(),
            format!(
                "the Dashboard answered {EVENTS} with a redirect (HTTP {status}) to {to}, which \
                 BackupBridge does not follow; check dashboard.url (set it to the address the \
                 Dashboard API answers on)"
            )
        );
        assert_eq!(mock.requests().len(), before + 1, "{status} was followed");
    }
    // A target with credentials in it is shown without them.
    let mut fault = Fault::status(302, "");
    fault
        .headers
        .push(("location", "https://user:pw@other.example/x".to_owned()));
    mock.fault(fault, 1);
    let err = client_with(&mock.base, ClientOptions::default())
        .companies()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("to https://other.example/x,"),
        "{err}"
    );
}

/// REGRESSION: `Retry-After: 1e20` panicked in `Duration::from_secs_f64`.
#[tokio::test]
async fn an_absurd_retry_after_is_clamped_to_an_hour() {
    let mock = Mock::start().await;
    mock.set_items(EVENTS, &[event("e1")], 10);
    for value in ["1e20", "99999999999999999999", "inf"] {
        let mut fault = Fault::status(429, "");
        fault.headers.push(("retry-after", value.to_owned()));
        mock.fault(fault, 1);
        let err = mock.client(fast_retries(2)).snapshot().await.unwrap_err();
        assert_eq!(
            err,
            SourceError::RateLimited {
                retry_after: Some(Duration::from_secs(3600))
            },
            "{value}"
        );
        assert!(err.to_string().ends_with("retry after 3600 s"), "{err}");
    }
}

/// REGRESSION: a page was read whole however large (a fast link can send
/// gigabytes before the timeout). A page over the cap is refused with a
/// sentence, by its Content-Length or as it arrives.
#[tokio::test]
async fn a_page_over_the_cap_is_refused() {
    let mock = Mock::start().await;
    let items: Vec<Value> = (0..10).map(|i| event(&format!("e{i}"))).collect();
    mock.set_items(EVENTS, &items, 10);
    let options = ClientOptions {
        max_page_bytes: 1_000,
        ..ClientOptions::default()
    };
    let err = client_with(&mock.base, options.clone())
        .snapshot()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the Dashboard sent more than 1000 bytes for page 1 of {EVENTS}, so BackupBridge \
             stopped reading it; check that dashboard.url points at the Dashboard API"
        )
    );
    assert!(!err.is_retryable());

    // An error answer over the cap still counts by its status.
    let mut fault = Fault::status(503, &"x".repeat(5_000));
    fault.headers.push(("retry-after", "1".to_owned()));
    mock.fault(fault, 1);
    let err = client_with(&mock.base, options)
        .snapshot()
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::Server { status: 503, .. }),
        "{err:?}"
    );

    // No Content-Length: cut off as soon as the body passes the cap.
    let page = json!({"items": items, "nextPage": null}).to_string();
    let chunks: Vec<Result<String, Infallible>> = page
        .as_bytes()
        .chunks(64)
        .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
        .collect();
    let app = axum::Router::new().fallback(move || {
        let chunks = chunks.clone();
        async move { Body::from_stream(futures::stream::iter(chunks)) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let small = ClientOptions {
        max_page_bytes: 1_000,
        ..ClientOptions::default()
    };
    let err = client_with(&base, small).snapshot().await.unwrap_err();
    assert!(matches!(err, SourceError::TooLarge(_)), "{err:?}");
    let whole = client_with(&base, ClientOptions::default())
        .snapshot()
        .await
        .unwrap();
    assert_eq!(whole.events.len(), 10);
}

/// REGRESSION: the spool file kept every page of a listing with no total
/// cap (10,000 pages of any size). A listing over the cap fails the read
/// with a sentence naming where it stopped.
#[tokio::test]
async fn a_listing_over_the_spool_cap_is_refused() {
    let mock = Mock::start().await;
    let items: Vec<Value> = (0..9).map(|i| event(&format!("e{i}"))).collect();
    mock.set_items(EVENTS, &items, 3);
    let page_bytes = json!({"items": &items[..3], "nextPage": 2})
        .to_string()
        .len() as u64;
    let options = ClientOptions {
        max_listing_bytes: 2 * page_bytes + page_bytes / 2,
        ..ClientOptions::default()
    };
    let err = client_with(&mock.base, options.clone())
        .snapshot()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the Dashboard's event listing passed {} bytes in total at page 3, so BackupBridge \
             stopped reading it; check that dashboard.url points at the Dashboard API",
            options.max_listing_bytes
        )
    );
    assert_eq!(mock.requests().len(), 3);
    let roomy = ClientOptions {
        max_listing_bytes: 4 * page_bytes,
        ..ClientOptions::default()
    };
    let snapshot = client_with(&mock.base, roomy).snapshot().await.unwrap();
    assert_eq!(snapshot.events.len(), 9);
}

#[test]
fn https_is_required_unless_loopback() {
    let options = ClientOptions::default;
    let err = DashboardClient::with_options(
        "http://dash.example.com",
        SecretString::from(TOKEN),
        options(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the Dashboard connection is misconfigured: dashboard.url"),
        "{err}"
    );
    assert!(err.to_string().contains("must use https"), "{err}");
    let (base, _) = bridge_core::source::http_client(
        "https://dash.example.com/portal",
        "source.url",
        Duration::from_secs(1),
        Duration::from_secs(1),
    )
    .unwrap();
    assert_eq!(base.as_str(), "https://dash.example.com/portal");
    let err = bridge_core::source::http_client(
        "http://10.0.0.9",
        "source.url",
        Duration::from_secs(1),
        Duration::from_secs(1),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("source.url \"http://10.0.0.9\" must use https"),
        "{err}"
    );
}

/// REGRESSION: nothing stopped the Dashboard client from speaking plain
/// http to a non-loopback host (after a redirect, say). A client built for
/// an https base now refuses any http request outright; a loopback base
/// (the simulators) may use http.
#[tokio::test]
async fn a_client_for_an_https_base_never_speaks_http() {
    let mock = Mock::start().await;
    mock.set_items(EVENTS, &[], 10);
    let http_url = format!("{}{EVENTS}", mock.base);
    let timeouts = (Duration::from_secs(2), Duration::from_secs(2));
    let (_, https_client) = bridge_core::source::http_client(
        "https://dash.example.com",
        "dashboard.url",
        timeouts.0,
        timeouts.1,
    )
    .unwrap();
    let err = https_client.get(&http_url).send().await.unwrap_err();
    assert!(err.is_builder(), "{err:?}");
    assert!(mock.requests().is_empty(), "an http request was sent");
    let (_, loopback_client) =
        bridge_core::source::http_client(&mock.base, "dashboard.url", timeouts.0, timeouts.1)
            .unwrap();
    loopback_client.get(&http_url).send().await.unwrap();
    assert_eq!(mock.requests().len(), 1);
}
