//! Errors of the Dashboard source, classified once from the HTTP exchange so
//! the sync loop decides on `is_retryable()`, never on strings. No message
//! ever contains the token (it only travels in the `Authorization` header).

use std::time::Duration;

/// Why a Dashboard request failed. `Display` is one sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// 401: the token is wrong, expired or revoked.
    #[error(
        "the Dashboard token was refused — replace it (backup-bridge secret set dashboard, or \
         Setup > Dashboard token)"
    )]
    Auth,
    /// 403: the token is valid but lacks access to this data.
    #[error("the Dashboard token lacks access to this data: {message}")]
    Forbidden { message: String },
    /// 429: slow down; `retry_after` from the `Retry-After` header when present.
    #[error("the Dashboard asked BackupBridge to slow down (HTTP 429){}", retry_after_text(*retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx: a transient server failure.
    #[error("the Dashboard had a server error (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    /// Any other non-2xx status (400, 404, ...): usually a wrong `dashboard.url`.
    #[error("the Dashboard answered HTTP {status} for {path}: {message}; check dashboard.url")]
    Http {
        status: u16,
        path: String,
        message: String,
    },
    /// A 3xx answer: BackupBridge follows no redirect (it could lead the
    /// token, or the listing removals rely on, to another origin or to
    /// plain http).
    #[error(
        "the Dashboard answered {path} with a redirect (HTTP {status}) to {location}, which \
         BackupBridge does not follow; check dashboard.url (set it to the address the Dashboard \
         API answers on)"
    )]
    Redirect {
        status: u16,
        path: String,
        location: String,
    },
    /// An answer (or the whole listing) was larger than BackupBridge reads;
    /// the message says which and what to check.
    #[error("{0}")]
    TooLarge(String),
    /// The Dashboard could not be reached (DNS, refused connection, TLS, reset).
    #[error("cannot reach the Dashboard: {0}")]
    Network(String),
    /// No answer within the request timeout.
    #[error("the Dashboard did not answer in time")]
    Timeout,
    /// The answer was not the JSON the API documents (an HTML error page, say).
    #[error("the Dashboard sent an unreadable answer: {0}")]
    Decode(String),
    /// The fetched listing could not be kept on disk until used.
    #[error(
        "cannot keep the Dashboard listing on disk while it syncs ({0}); free some space in \
         the data folder"
    )]
    Spool(String),
    /// The client cannot be built as configured (bad URL, say).
    #[error("the Dashboard connection is misconfigured: {0}")]
    Config(String),
    /// A backup platform other than the Dashboard failed (its own sentence).
    #[error(transparent)]
    Platform(#[from] super::platform::PlatformError),
}

fn retry_after_text(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| {
        format!("; retry after {} s", d.as_secs_f64().ceil())
    })
}

impl SourceError {
    /// True when the same request may succeed later without anyone changing anything.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SourceError::RateLimited { .. }
                | SourceError::Server { .. }
                | SourceError::Network(_)
                | SourceError::Timeout
        ) || matches!(self, SourceError::Platform(e) if e.is_retryable())
    }

    /// Classify a transport failure from reqwest.
    pub(crate) fn from_reqwest(e: &reqwest::Error) -> SourceError {
        if e.is_timeout() {
            SourceError::Timeout
        } else if e.is_decode() {
            SourceError::Decode(e.to_string())
        } else {
            SourceError::Network(crate::net::describe_chain(e))
        }
    }

    /// Classify a non-2xx answer from its status, `Retry-After` header and body.
    pub(crate) fn from_status(
        status: u16,
        path: &str,
        retry_after: Option<Duration>,
        body: &str,
    ) -> SourceError {
        let message = error_message(body);
        match status {
            401 => SourceError::Auth,
            403 => SourceError::Forbidden { message },
            429 => SourceError::RateLimited { retry_after },
            500..=599 => SourceError::Server { status, message },
            _ => SourceError::Http {
                status,
                path: path.to_owned(),
                message,
            },
        }
    }
}

/// The `message` of a documented error body (`{"error": .., "message": ..}`),
/// else a short, single-line excerpt of whatever came back.
pub(crate) fn error_message(body: &str) -> String {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(body) {
        let field = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        if let Some(m) = field("message").or_else(|| field("error")) {
            return excerpt(&m);
        }
    }
    if body.trim().is_empty() {
        "no details given".to_owned()
    } else {
        excerpt(body)
    }
}

/// At most 120 characters of `text` on one line, for error sentences.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 120;
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX_CHARS {
        let cut: String = one_line.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// Parse `Retry-After`: seconds (the form the Dashboard documents) or an
/// HTTP date, clamped to [`crate::net::MAX_RETRY_AFTER`] so no value can panic.
pub(crate) fn parse_retry_after(value: Option<&reqwest::header::HeaderValue>) -> Option<Duration> {
    crate::net::parse_retry_after(value?.to_str().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_classify() {
        let cases: &[(u16, &str, bool)] = &[
            (401, "the Dashboard token was refused — replace it", false),
            (
                403,
                "lacks access to this data: no access to company c-1",
                false,
            ),
            (429, "slow down (HTTP 429); retry after 2 s", true),
            (
                500,
                "server error (HTTP 500): no access to company c-1",
                true,
            ),
            (503, "HTTP 503", true),
            (
                404,
                "HTTP 404 for /api/v1/companies: no access to company c-1; check dashboard.url",
                false,
            ),
            (400, "HTTP 400", false),
        ];
        let body = r#"{"error":"x","message":"no access to company c-1"}"#;
        for &(status, fragment, retryable) in cases {
            let e = SourceError::from_status(
                status,
                "/api/v1/companies",
                Some(Duration::from_secs(2)),
                body,
            );
            assert!(e.to_string().contains(fragment), "{status}: {e}");
            assert_eq!(e.is_retryable(), retryable, "{status}");
        }
    }

    #[test]
    fn error_bodies_are_summarised() {
        assert_eq!(error_message(""), "no details given");
        assert_eq!(error_message(r#"{"error":"rate"}"#), "rate");
        assert_eq!(
            error_message("<html>\n  <body>Bad   Gateway</body></html>"),
            "<html> <body>Bad Gateway</body></html>"
        );
        let long = "x".repeat(500);
        assert_eq!(error_message(&long).chars().count(), 121);
    }
}
