//! A small local axum mock of the Dashboard API for the source client's
//! tests: pages per path, one-off faults (optionally on one page), and the
//! requests it received.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Router;
use bridge_core::source::{ClientOptions, DashboardClient, RetryPolicy};
use secrecy::SecretString;
use serde_json::{json, Value};

pub const TOKEN: &str = "test-token-123";

/// A response the mock gives instead of the page, once.
#[derive(Clone)]
pub struct Fault {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Fault {
    pub fn status(status: u16, body: &str) -> Fault {
        Fault {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.to_owned(),
            delay: Duration::ZERO,
        }
    }
}

#[derive(Default)]
pub struct MockState {
    /// Page bodies per path, page 1 first.
    pub pages: Mutex<HashMap<String, Vec<Value>>>,
    /// Faults to serve, in order; `Some(page)` only fires on that page.
    pub faults: Mutex<VecDeque<(Option<usize>, Fault)>>,
    /// (path, query, authorization header)
    pub requests: Mutex<Vec<(String, String, String)>>,
}

pub struct Mock {
    pub base: String,
    pub state: Arc<MockState>,
}

impl Mock {
    pub async fn start() -> Mock {
        let state = Arc::new(MockState::default());
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock { base, state }
    }

    /// Serve `items` under `path`, `per_page` per page.
    pub fn set_items(&self, path: &str, items: &[Value], per_page: usize) {
        let chunks: Vec<&[Value]> = items.chunks(per_page.max(1)).collect();
        let count = chunks.len().max(1);
        let pages = (0..count)
            .map(|i| {
                let next = if i + 1 < count {
                    json!(i + 2)
                } else {
                    Value::Null
                };
                json!({ "items": chunks.get(i).copied().unwrap_or(&[]), "nextPage": next })
            })
            .collect();
        self.state
            .pages
            .lock()
            .unwrap()
            .insert(path.to_owned(), pages);
    }

    pub fn set_raw_pages(&self, path: &str, pages: Vec<Value>) {
        self.state
            .pages
            .lock()
            .unwrap()
            .insert(path.to_owned(), pages);
    }

    pub fn fault(&self, fault: Fault, times: usize) {
        self.fault_on(None, fault, times);
    }

    pub fn fault_on(&self, page: Option<usize>, fault: Fault, times: usize) {
        let mut faults = self.state.faults.lock().unwrap();
        for _ in 0..times {
            faults.push_back((page, fault.clone()));
        }
    }

    pub fn requests(&self) -> Vec<(String, String, String)> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn client(&self, retry: RetryPolicy) -> DashboardClient {
        let options = ClientOptions {
            request_timeout: Duration::from_secs(5),
            retry,
            ..ClientOptions::default()
        };
        DashboardClient::with_options(&self.base, SecretString::from(TOKEN), options).unwrap()
    }
}

pub fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
    }
}

async fn handle(
    State(state): State<Arc<MockState>>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    state
        .requests
        .lock()
        .unwrap()
        .push((path.clone(), query.clone(), auth.clone()));

    let page: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let fault = {
        let mut faults = state.faults.lock().unwrap();
        let index = faults.iter().position(|(p, _)| p.is_none_or(|p| p == page));
        index.and_then(|i| faults.remove(i)).map(|(_, f)| f)
    };
    if let Some(fault) = fault {
        tokio::time::sleep(fault.delay).await;
        let mut response = Response::builder().status(fault.status);
        for (name, value) in fault.headers {
            response = response.header(name, value);
        }
        return response.body(Body::from(fault.body)).unwrap();
    }
    if auth != format!("Bearer {TOKEN}") {
        return json_response(
            401,
            json!({"error": "unauthorized", "message": "bad token"}),
        );
    }
    let pages = state.pages.lock().unwrap();
    match pages.get(&path).and_then(|p| p.get(page - 1)) {
        Some(body) => json_response(200, body.clone()),
        None => json_response(
            404,
            json!({"error": "not_found", "message": "no such page"}),
        ),
    }
}

fn json_response(status: u16, body: Value) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub fn event(id: &str) -> Value {
    json!({
        "id": id, "companyId": "c-1", "computer": "PC", "plan": "Nightly",
        "backupType": "FileLevel", "eventType": "Error", "jobStatus": "Failed",
        "message": "m", "details": [], "startedAt": "2026-11-20T02:00:00Z",
        "updatedAt": "2026-11-20T02:14:10Z"
    })
}

pub const EVENTS: &str = "/api/v1/monitoring/events";
pub const COMPANIES: &str = "/api/v1/companies";
