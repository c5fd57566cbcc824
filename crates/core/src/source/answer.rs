//! A platform's HTTP exchange, the same for every adapter: the [`Endpoint`]
//! (checked address, client, certificate watch, body cap) that sends the
//! requests, and the reading of its answers: the stated reason of an error
//! body, the error for a status, for a redirect (never followed) and for a
//! body over the size cap.

use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use super::error::excerpt;
use super::kind::SourceKind;
use super::platform::PlatformError;
use super::tls::TlsWatch;
use crate::net::{self, BodyError};

/// Where a platform adapter sends its requests, and how.
pub(crate) struct Endpoint {
    pub kind: SourceKind,
    pub http: reqwest::Client,
    /// Names a refused certificate (`source.tls_fingerprint`).
    pub tls: TlsWatch,
    pub base: Url,
    /// The largest answer read.
    pub max_body_bytes: u64,
}

impl Endpoint {
    /// `kind`'s endpoint at `base_url` (`source.url`), as `options` say.
    pub fn new(
        kind: SourceKind,
        base_url: &str,
        options: &super::platform::PlatformOptions,
    ) -> Result<Endpoint, PlatformError> {
        let (base, http, tls) = super::transport::platform_http_client(kind, base_url, options)?;
        Ok(Endpoint {
            kind,
            http,
            tls,
            base,
            max_body_bytes: options.max_body_bytes,
        })
    }

    /// `path` on the base URL (its path prefix kept).
    pub fn url(&self, path: &str) -> Url {
        super::base_url::join(&self.base, path)
    }

    /// Sends `request` (to `path`) asking for JSON; a transport failure is
    /// the platform's error (a refused certificate named).
    pub async fn send(
        &self,
        request: reqwest::RequestBuilder,
        path: &str,
    ) -> Result<reqwest::Response, PlatformError> {
        request
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| PlatformError::from_transport(&self.tls, self.kind, path, &e))
    }

    /// `GET path?query` with `bearer`.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, u64)],
        bearer: &SecretString,
    ) -> Result<reqwest::Response, PlatformError> {
        let request = self
            .http
            .get(self.url(path))
            .query(query)
            .bearer_auth(bearer.expose_secret());
        self.send(request, path).await
    }

    /// An answer's body, at most [`Endpoint::max_body_bytes`].
    pub async fn read(
        &self,
        response: reqwest::Response,
        path: &str,
    ) -> Result<bytes::Bytes, PlatformError> {
        read(self.kind, &self.tls, response, path, self.max_body_bytes).await
    }
}

/// The stated reason of an error body (`error_description`, `Message`,
/// `message`, `error`, or VSPC's `meta.errors[0].message`), else a short
/// excerpt of it.
pub(crate) fn reason(body: &str) -> String {
    if let Ok(value) = serde_json::from_str::<Value>(body) {
        let envelope = value
            .pointer("/meta/errors/0/message")
            .and_then(Value::as_str);
        let fields = ["error_description", "Message", "message", "error"];
        let stated = fields
            .iter()
            .find_map(|field| value.get(field).and_then(Value::as_str))
            .or(envelope);
        if let Some(text) = stated.filter(|t| !t.trim().is_empty()) {
            return excerpt(text);
        }
    }
    if body.trim().is_empty() {
        "no details given".to_owned()
    } else {
        excerpt(body)
    }
}

/// The error for a non-2xx answer other than a sign-in refusal.
pub(crate) fn status_error(kind: SourceKind, status: u16, path: &str, body: &str) -> PlatformError {
    let path = path.to_owned();
    match status {
        429 => PlatformError::RateLimited { kind, path },
        500..=599 => PlatformError::Server {
            kind,
            status,
            path,
            message: reason(body),
        },
        _ => PlatformError::Refused {
            kind,
            status,
            path,
            message: reason(body),
        },
    }
}

/// The error for a 3xx answer: BackupBridge follows no redirect.
pub(crate) fn redirect_error(
    kind: SourceKind,
    response: &reqwest::Response,
    path: &str,
) -> PlatformError {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| Url::parse(l).ok())
        .map_or_else(
            || "an address it did not give".to_owned(),
            |mut url| {
                let _ = url.set_username("");
                let _ = url.set_password(None);
                url.set_query(None);
                excerpt(url.as_str())
            },
        );
    PlatformError::Refused {
        kind,
        status: response.status().as_u16(),
        path: path.to_owned(),
        message: format!(
            "a redirect to {location}, which BackupBridge does not follow; check source.url"
        ),
    }
}

/// The error for an answer that is not what the API documents.
pub(crate) fn decode_error(
    kind: SourceKind,
    path: &str,
    message: impl Into<String>,
) -> PlatformError {
    PlatformError::Decode {
        kind,
        path: path.to_owned(),
        message: message.into(),
    }
}

/// A body of at most `limit` bytes: over it, an error for a success (an
/// error status only counts by its status, so its body is dropped).
async fn read(
    kind: SourceKind,
    tls: &TlsWatch,
    response: reqwest::Response,
    path: &str,
    limit: u64,
) -> Result<bytes::Bytes, PlatformError> {
    let success = response.status().is_success();
    match net::read_body(response, limit).await {
        Ok(body) => Ok(body.into()),
        Err(BodyError::TooLarge) if !success => Ok(bytes::Bytes::new()),
        Err(BodyError::TooLarge) => Err(decode_error(
            kind,
            path,
            format!(
                "the answer is larger than {}, so BackupBridge stopped reading it; check that \
                 source.url points at the API of {}",
                net::size_text(limit),
                kind.label()
            ),
        )),
        Err(BodyError::Transport(e)) => Err(PlatformError::from_transport(tls, kind, path, &e)),
    }
}

/// `body` as JSON, else a decode error naming `path` with an excerpt.
pub(crate) fn json(kind: SourceKind, path: &str, body: &[u8]) -> Result<Value, PlatformError> {
    serde_json::from_slice(body).map_err(|e| {
        decode_error(
            kind,
            path,
            format!(
                "not JSON ({e}): {}",
                excerpt(&String::from_utf8_lossy(body))
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_come_from_every_documented_shape() {
        let cases = [
            (
                r#"{"error":"invalid_grant","error_description":"bad password"}"#,
                "bad password",
            ),
            (
                r#"{"Message":"Authorization has been denied"}"#,
                "Authorization has been denied",
            ),
            (
                r#"{"meta":{"errors":[{"message":"The access token has expired.","type":"security","code":1000}]},"data":null}"#,
                "The access token has expired.",
            ),
            ("", "no details given"),
            ("<html>Bad  Gateway</html>", "<html>Bad Gateway</html>"),
        ];
        for (body, expected) in cases {
            assert_eq!(reason(body), expected, "{body}");
        }
    }

    #[test]
    fn statuses_classify() {
        let kind = SourceKind::Vspc;
        assert!(matches!(
            status_error(kind, 429, "/p", ""),
            PlatformError::RateLimited { .. }
        ));
        assert!(status_error(kind, 503, "/p", "").is_retryable());
        let refused = status_error(kind, 400, "/p", r#"{"message":"limit is out of range"}"#);
        assert!(!refused.is_retryable());
        assert!(
            refused.to_string().contains("limit is out of range"),
            "{refused}"
        );
    }
}
