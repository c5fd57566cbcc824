//! The HTTP side every backup source shares, so each one is held to the same
//! rules (issue 12): the base URL is checked by [`parse_base_url`] (https
//! unless the host is loopback), the client follows no redirect (a 3xx is
//! an error naming where it pointed, never a second request carrying the
//! token) and speaks https only for a non-loopback base, and answers are
//! read with a size cap. The Dashboard client is built here; any other
//! source's adapter must be too.

use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION};
use url::Url;

use super::base_url::{is_loopback, parse_base_url};
use super::error::excerpt;
use super::tls::TlsWatch;
use super::SourceError;
use crate::net::{self, BodyError};

/// A source's checked base URL and the HTTP client to reach it with.
/// `setting` names the setting the URL comes from (`dashboard.url`), for
/// the error.
pub fn http_client(
    base_url: &str,
    setting: &str,
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<(Url, reqwest::Client), SourceError> {
    build_http_client(base_url, setting, connect_timeout, request_timeout, None)
}

fn build_http_client(
    base_url: &str,
    setting: &str,
    connect_timeout: Duration,
    request_timeout: Duration,
    tls: Option<rustls::ClientConfig>,
) -> Result<(Url, reqwest::Client), SourceError> {
    let base =
        parse_base_url(base_url).map_err(|e| SourceError::Config(format!("{setting} {e}")))?;
    let loopback = base.host().is_some_and(|h| is_loopback(&h));
    let builder = match tls {
        Some(config) => reqwest::Client::builder().use_preconfigured_tls(config),
        None => reqwest::Client::builder(),
    };
    let http = builder
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        // A redirect could lead the token (or the listing the removals
        // trust) to another origin, or down to plain http.
        .redirect(reqwest::redirect::Policy::none())
        .https_only(!loopback)
        .user_agent(concat!("BackupBridge/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SourceError::Config(format!("cannot build the HTTP client: {e}")))?;
    Ok((base, http))
}

/// [`http_client`] for a platform adapter: `source.url` checked, the
/// certificate pinned when `options` pins one (`source.tls_fingerprint`),
/// its error as the platform's own. With the [`TlsWatch`],
/// [`PlatformError::from_transport`](super::platform::PlatformError::from_transport)
/// names a refused certificate by its fingerprint.
pub(crate) fn platform_http_client(
    kind: super::SourceKind,
    base_url: &str,
    options: &super::platform::PlatformOptions,
) -> Result<(Url, reqwest::Client, TlsWatch), super::platform::PlatformError> {
    let config_error = |message: String| super::platform::PlatformError::Config { kind, message };
    let (tls, watch) = super::tls::client_config(options.tls_fingerprint).map_err(config_error)?;
    let (base, http) = build_http_client(
        base_url,
        "source.url",
        options.connect_timeout,
        options.request_timeout,
        Some(tls),
    )
    .map_err(|e| {
        config_error(match e {
            SourceError::Config(message) => message,
            other => other.to_string(),
        })
    })?;
    Ok((base, http, watch))
}

/// The error for a 3xx answer to `path`: where it pointed, and what to check.
pub(crate) fn redirect_error(status: u16, path: &str, headers: &HeaderMap) -> SourceError {
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| "an address it did not give".to_owned(), redact_location);
    SourceError::Redirect {
        status,
        path: path.to_owned(),
        location,
    }
}

/// A redirect target for a message: short, one line, no credentials.
fn redact_location(location: &str) -> String {
    match Url::parse(location) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            excerpt(url.as_str())
        }
        _ => excerpt(location),
    }
}

/// Reads an answer's body, at most `limit` bytes. A body over the limit is
/// an error for a success (`what` names it: "page 3 of /api/v1/…"); for an
/// error status only the status counts, so the body is dropped.
pub(crate) async fn read_body(
    response: reqwest::Response,
    limit: u64,
    what: &str,
) -> Result<bytes::Bytes, SourceError> {
    let success = response.status().is_success();
    match net::read_body(response, limit).await {
        Ok(body) => Ok(body.into()),
        Err(BodyError::TooLarge) if !success => Ok(bytes::Bytes::new()),
        Err(BodyError::TooLarge) => Err(SourceError::TooLarge(format!(
            "the Dashboard sent more than {} for {what}, so BackupBridge stopped reading it; \
             check that dashboard.url points at the Dashboard API",
            net::size_text(limit)
        ))),
        Err(BodyError::Transport(e)) => Err(SourceError::from_reqwest(&e)),
    }
}
