//! Cloud Backup Dashboard simulator (`shared/reference/dashboard-api.md`):
//! Bearer auth, `page`/`pageSize`/`nextPage` paging, raw-JSON companies and
//! events (so tests can inject malformed items), a timeline of snapshots that
//! advances after each complete event listing, faults and a request log.

pub mod demo;

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::watch;

pub use demo::{demo_companies, demo_timeline, DEMO_DASHBOARD_TOKEN};

use crate::faults::{dashboard_error_code, DashFaultControl, FaultLayer, FaultState, Flavor};
use crate::log::{RequestLog, RequestRecord};
use crate::net::Server;
use crate::{lock, SimError};

/// Rows per page when `pageSize` is absent.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest accepted `pageSize`.
pub const MAX_PAGE_SIZE: usize = 1000;

#[derive(Debug, Default)]
struct Data {
    token: String,
    companies: Vec<Value>,
    snapshots: Vec<Vec<Value>>,
    index: usize,
    listings: u64,
}

type Shared = Arc<Mutex<Data>>;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({"error": dashboard_error_code(status), "message": message.into()});
    (status, Json(body)).into_response()
}

/// Middleware: `Authorization: Bearer <token>` on every request.
async fn bearer(State(data): State<Shared>, req: Request, next: Next) -> Response {
    let presented = crate::net::bearer_token(req.headers());
    let ok = presented.is_some_and(|t| !t.is_empty() && t == lock(&data).token);
    if ok {
        next.run(req).await
    } else {
        error(
            StatusCode::UNAUTHORIZED,
            "A valid bearer token is required.",
        )
    }
}

/// `(page, pageSize)` from the query, 1-based, with the documented limits.
#[allow(clippy::result_large_err)]
fn paging(query: Option<&str>) -> Result<(usize, usize), Response> {
    let mut page = 1;
    let mut size = DEFAULT_PAGE_SIZE;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "page" => match v.parse::<usize>() {
                Ok(n) if n >= 1 => page = n,
                _ => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        format!("page must be a whole number of at least 1, got {v:?}."),
                    ))
                }
            },
            "pageSize" => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => size = n,
                _ => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}, got {v:?}."
                        ),
                    ))
                }
            },
            _ => {}
        }
    }
    Ok((page, size))
}

/// One page of `items` and whether it was the last.
fn page_of(items: &[Value], page: usize, size: usize) -> (Value, bool) {
    let start = (page - 1).saturating_mul(size).min(items.len());
    let end = start.saturating_add(size).min(items.len());
    let last = end >= items.len();
    let next = if last { Value::Null } else { json!(page + 1) };
    (json!({"items": &items[start..end], "nextPage": next}), last)
}

async fn companies(State(data): State<Shared>, req: Request) -> Response {
    let (page, size) = match paging(req.uri().query()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (body, _) = page_of(&lock(&data).companies, page, size);
    Json(body).into_response()
}

async fn events(State(data): State<Shared>, req: Request) -> Response {
    let (page, size) = match paging(req.uri().query()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut d = lock(&data);
    let current = d
        .snapshots
        .get(d.index)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let (body, last) = page_of(current, page, size);
    if last {
        // A complete listing has been served: the dashboard moves on.
        d.listings += 1;
        if d.index + 1 < d.snapshots.len() {
            d.index += 1;
        }
    }
    Json(body).into_response()
}

async fn fallback() -> Response {
    error(StatusCode::NOT_FOUND, "No such endpoint.")
}

/// A running Dashboard simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct DashboardSim {
    data: Shared,
    faults: Arc<FaultState>,
    log: RequestLog,
    server: Server,
}

impl DashboardSim {
    /// Starts on a random `127.0.0.1` port, accepting `token`, with no
    /// companies and no events.
    pub async fn start(token: &str) -> anyhow::Result<DashboardSim> {
        DashboardSim::start_on(token, "127.0.0.1", 0).await
    }

    /// Starts on `host:port` (port 0 = any free port).
    pub async fn start_on(token: &str, host: &str, port: u16) -> anyhow::Result<DashboardSim> {
        let listener = Server::bind(host, port).await.map_err(SimError::Io)?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let data: Shared = Arc::new(Mutex::new(Data {
            token: token.to_owned(),
            ..Data::default()
        }));
        let faults = FaultState::new(shutdown_rx);
        let log = RequestLog::default();
        let layer = FaultLayer {
            faults: faults.clone(),
            flavor: Flavor::Dashboard,
        };
        let app = Router::new()
            .route("/api/v1/companies", get(companies))
            .route("/api/v1/monitoring/events", get(events))
            .fallback(fallback)
            .layer(from_fn_with_state(data.clone(), bearer))
            .with_state(data.clone())
            .layer(from_fn_with_state(layer, crate::faults::inject))
            .layer(from_fn_with_state(log.clone(), crate::log::record));
        let server = Server::serve(listener, app, shutdown_tx).map_err(SimError::Io)?;
        Ok(DashboardSim {
            data,
            faults,
            log,
            server,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Replaces the accepted bearer token (e.g. to simulate a revoked token).
    pub fn set_token(&self, token: &str) {
        lock(&self.data).token = token.to_owned();
    }

    /// Replaces the company list (raw JSON items, malformed ones allowed).
    pub fn set_companies(&self, companies: Vec<Value>) {
        lock(&self.data).companies = companies;
    }

    /// Replaces the events with one fixed snapshot.
    pub fn set_events(&self, events: Vec<Value>) {
        self.set_timeline(vec![events]);
    }

    /// Replaces the events with a timeline: listing starts at the first
    /// snapshot and advances one snapshot after each complete event listing
    /// (a page with `nextPage: null`), staying on the last one.
    pub fn set_timeline(&self, snapshots: Vec<Vec<Value>>) {
        let mut d = lock(&self.data);
        d.snapshots = snapshots;
        d.index = 0;
    }

    /// Index of the snapshot the next event listing serves.
    pub fn snapshot_index(&self) -> usize {
        lock(&self.data).index
    }

    /// How many complete event listings have been served.
    pub fn completed_listings(&self) -> u64 {
        lock(&self.data).listings
    }

    /// Fault injection controls (shared; settable while running).
    pub fn faults(&self) -> DashFaultControl {
        DashFaultControl(self.faults.clone())
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.log.snapshot()
    }

    pub fn clear_requests(&self) {
        self.log.clear();
    }

    /// Stops the server (hung requests are released).
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_items_and_mark_the_last() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let cases = [
            (1, 2, json!([0, 1]), json!(2), false),
            (3, 2, json!([4]), Value::Null, true),
            (4, 2, json!([]), Value::Null, true),
            (1, 100, json!([0, 1, 2, 3, 4]), Value::Null, true),
        ];
        for (page, size, want, next, last) in cases {
            let (body, is_last) = page_of(&items, page, size);
            assert_eq!(body["items"], want, "page {page}");
            assert_eq!(body["nextPage"], next, "page {page}");
            assert_eq!(is_last, last, "page {page}");
        }
    }

    #[test]
    fn paging_parameters_are_validated() {
        assert_eq!(paging(None).ok(), Some((1, DEFAULT_PAGE_SIZE)));
        assert_eq!(paging(Some("page=2&pageSize=1000")).ok(), Some((2, 1000)));
        for bad in ["pageSize=1001", "pageSize=0", "page=0", "page=x"] {
            let status = paging(Some(bad)).err().map(|r| r.status());
            assert_eq!(status, Some(StatusCode::BAD_REQUEST), "{bad}");
        }
    }
}
