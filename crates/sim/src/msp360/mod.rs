//! MSP360 Managed Backup (MBS API) simulator (`shared/reference/sources.md`
//! §1), strict where the real API is: exact paths (404) and methods (405);
//! `POST /api/Provider/Login` only with `Content-Type: application/json`
//! (415) and exactly the string fields `UserName` and `Password` (400), bad
//! credentials answered with 400 `invalid_grant`; `Authorization: Bearer`
//! checked on every other call (401 when missing, unknown or expired); an
//! `Accept` header that does not allow JSON gets 406. `/api/Companies` and
//! `/api/Monitoring` answer bare JSON arrays of the items the test set (raw,
//! so malformed ones can be injected); the monitoring listing follows a
//! timeline that advances after each completed read. One-shot faults hit
//! the next authorised listing call.

pub mod demo;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::watch;

pub use demo::{demo_companies, demo_timeline, DEMO_MSP360_PASSWORD, DEMO_MSP360_USER};

use crate::log::{RequestLog, RequestRecord};
use crate::net::Server;
use crate::{lock, SimError};

/// The token lifetime MSP360 gives (about 14 days), in seconds.
pub const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 1_209_599;
/// The longest token lifetime the simulator gives (ten years).
const MAX_TOKEN_LIFETIME_SECS: u64 = 10 * 365 * 24 * 3600;

/// A one-shot fault for the next listing call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Status(u16),
    Garbage,
}

#[derive(Debug)]
struct Data {
    username: String,
    password: String,
    /// Issued tokens and when each expires.
    tokens: HashMap<String, Instant>,
    lifetime_secs: u64,
    logins: u64,
    companies: Vec<Value>,
    timeline: Vec<Vec<Value>>,
    index: usize,
    faults: Vec<Fault>,
}

type Shared = Arc<Mutex<Data>>;

/// An ASP.NET-style error body, as the MBS API sends.
fn message(status: StatusCode, text: impl Into<String>) -> Response {
    (status, Json(json!({"Message": text.into()}))).into_response()
}

/// True when an `Accept` header (absent counts as anything) allows JSON.
fn accepts_json(headers: &HeaderMap) -> bool {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return true;
    }
    values.iter().flat_map(|v| v.split(',')).any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        !refused
            && matches!(
                media.as_str(),
                "application/json" | "application/*" | "*/*" | "text/json"
            )
    })
}

/// Middleware: 406 for an `Accept` header that rules JSON out.
async fn accept(req: Request, next: Next) -> Response {
    if accepts_json(req.headers()) {
        next.run(req).await
    } else {
        message(
            StatusCode::NOT_ACCEPTABLE,
            "The requested media type is not available; this API answers application/json.",
        )
    }
}

/// Middleware: `Authorization: Bearer <token>` naming a live token.
async fn bearer(State(data): State<Shared>, req: Request, next: Next) -> Response {
    let presented = crate::net::bearer_token(req.headers());
    let live = presented.is_some_and(|t| {
        lock(&data)
            .tokens
            .get(&t)
            .is_some_and(|expires| *expires > Instant::now())
    });
    if live {
        next.run(req).await
    } else {
        message(
            StatusCode::UNAUTHORIZED,
            "Authorization has been denied for this request.",
        )
    }
}

/// Middleware: the next one-shot fault, if any.
async fn fault(State(data): State<Shared>, req: Request, next: Next) -> Response {
    let fault = {
        let mut d = lock(&data);
        (!d.faults.is_empty()).then(|| d.faults.remove(0))
    };
    match fault {
        None => next.run(req).await,
        Some(Fault::Status(code)) => message(
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "An error has occurred.",
        ),
        Some(Fault::Garbage) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body><h1>Service temporarily unavailable</h1></body></html>",
        )
            .into_response(),
    }
}

/// The login body's credentials, or why it is refused.
#[allow(clippy::result_large_err)]
fn credentials(headers: &HeaderMap, body: &[u8]) -> Result<(String, String), Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "The request entity's media type '{media}' is not supported for this resource."
            ),
        ));
    }
    let invalid = |why: &str| {
        message(
            StatusCode::BAD_REQUEST,
            format!("The request is invalid: {why}."),
        )
    };
    let value: Value = serde_json::from_slice(body).map_err(|_| invalid("the body is not JSON"))?;
    let object = value
        .as_object()
        .ok_or_else(|| invalid("the body is not an object"))?;
    if let Some(extra) = object.keys().find(|k| *k != "UserName" && *k != "Password") {
        return Err(invalid(&format!("unexpected field {extra}")));
    }
    let field = |name: &str| {
        object
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| invalid(&format!("{name} is required and must be a string")))
    };
    Ok((field("UserName")?, field("Password")?))
}

async fn login(State(data): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let (user, password) = match credentials(&headers, &body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut d = lock(&data);
    if user != d.username || password != d.password {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({
                "error": "invalid_grant",
                "error_description": "The user name or password is incorrect.",
            })),
        )
            .into_response();
    }
    let token: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(48)
        .map(char::from)
        .collect();
    // At most ten years, so no date arithmetic can overflow.
    let lifetime = d.lifetime_secs.min(MAX_TOKEN_LIFETIME_SECS);
    d.tokens.insert(
        token.clone(),
        Instant::now() + Duration::from_secs(lifetime),
    );
    d.logins += 1;
    let (issued, expires) = crate::net::token_times(lifetime);
    Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": lifetime,
        "userName": user,
        ".issued": issued,
        ".expires": expires,
    }))
    .into_response()
}

async fn companies(State(data): State<Shared>) -> Response {
    Json(Value::Array(lock(&data).companies.clone())).into_response()
}

async fn monitoring(State(data): State<Shared>) -> Response {
    let mut d = lock(&data);
    let rows = d.timeline.get(d.index).cloned().unwrap_or_default();
    // A completed read: the platform moves on.
    if d.index + 1 < d.timeline.len() {
        d.index += 1;
    }
    Json(Value::Array(rows)).into_response()
}

async fn fallback() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "No HTTP resource was found that matches the request URI.",
    )
}

/// A running MSP360 simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Msp360Sim {
    data: Shared,
    log: RequestLog,
    server: Server,
}

impl Msp360Sim {
    /// Starts on a random `127.0.0.1` port, accepting `username` and
    /// `password`, with no companies and no plans.
    pub async fn start(username: &str, password: &str) -> anyhow::Result<Msp360Sim> {
        Msp360Sim::start_on(username, password, "127.0.0.1", 0).await
    }

    /// Starts on `host:port` (port 0 = any free port).
    pub async fn start_on(
        username: &str,
        password: &str,
        host: &str,
        port: u16,
    ) -> anyhow::Result<Msp360Sim> {
        let listener = Server::bind(host, port).await.map_err(SimError::Io)?;
        let (shutdown_tx, _) = watch::channel(false);
        let data: Shared = Arc::new(Mutex::new(Data {
            username: username.to_owned(),
            password: password.to_owned(),
            tokens: HashMap::new(),
            lifetime_secs: DEFAULT_TOKEN_LIFETIME_SECS,
            logins: 0,
            companies: Vec::new(),
            timeline: Vec::new(),
            index: 0,
            faults: Vec::new(),
        }));
        let log = RequestLog::default();
        // Layers added later run first: the bearer is checked, then a fault.
        let api = Router::new()
            .route("/api/Companies", get(companies))
            .route("/api/Monitoring", get(monitoring))
            .route_layer(from_fn_with_state(data.clone(), fault))
            .route_layer(from_fn_with_state(data.clone(), bearer));
        let app = Router::new()
            .route("/api/Provider/Login", post(login))
            .merge(api)
            .fallback(fallback)
            .with_state(data.clone())
            .layer(axum::middleware::from_fn(accept))
            .layer(from_fn_with_state(log.clone(), crate::log::record));
        let server = Server::serve(listener, app, shutdown_tx).map_err(SimError::Io)?;
        Ok(Msp360Sim { data, log, server })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Replaces the `/api/Companies` items (raw JSON, malformed ones allowed).
    pub fn set_companies(&self, companies: Vec<Value>) {
        lock(&self.data).companies = companies;
    }

    /// Replaces the `/api/Monitoring` rows with one fixed listing.
    pub fn set_monitoring(&self, rows: Vec<Value>) {
        self.set_timeline(vec![rows]);
    }

    /// Replaces the monitoring rows with a timeline: reads start at the
    /// first listing and advance one after each completed
    /// `/api/Monitoring` read, staying on the last.
    pub fn set_timeline(&self, timeline: Vec<Vec<Value>>) {
        let mut d = lock(&self.data);
        d.timeline = timeline;
        d.index = 0;
    }

    /// Index of the listing the next `/api/Monitoring` read serves.
    pub fn timeline_index(&self) -> usize {
        lock(&self.data).index
    }

    /// Successful sign-ins so far.
    pub fn logins(&self) -> u64 {
        lock(&self.data).logins
    }

    /// Makes every token issued so far expired (the next call gets 401).
    pub fn expire_tokens(&self) {
        let now = Instant::now();
        for expires in lock(&self.data).tokens.values_mut() {
            *expires = now;
        }
    }

    /// The `expires_in` of tokens issued from now on.
    pub fn set_token_lifetime(&self, secs: u64) {
        lock(&self.data).lifetime_secs = secs;
    }

    /// The next authorised listing call answers `status` (JSON error body).
    pub fn fail_next(&self, status: u16) {
        lock(&self.data).faults.push(Fault::Status(status));
    }

    /// The next authorised listing call answers 200 with an HTML body.
    pub fn garbage_next(&self) {
        lock(&self.data).faults.push(Fault::Garbage);
    }

    /// Every request so far (method, path, status), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.log.snapshot()
    }

    pub fn clear_requests(&self) {
        self.log.clear();
    }

    /// Stops the server.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn accept_headers_are_read() {
        let cases = [
            (None, true),
            (Some("application/json"), true),
            (Some("text/html, */*;q=0.1"), true),
            (Some("application/json; charset=utf-8"), true),
            (Some("text/html"), false),
            (Some("application/xml, text/xml"), false),
            (Some("application/json;q=0"), false),
        ];
        for (value, want) in cases {
            let mut headers = HeaderMap::new();
            if let Some(v) = value {
                headers.insert(header::ACCEPT, HeaderValue::from_static(v));
            }
            assert_eq!(accepts_json(&headers), want, "{value:?}");
        }
    }
}
