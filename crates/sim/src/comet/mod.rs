//! Comet Server simulator (`shared/reference/sources.md` §2): every call is
//! a form-encoded `POST /api/v1/admin/<endpoint>` carrying the admin's
//! credentials, answered with JSON; failures are `{"Status", "Message"}`
//! bodies (with the matching HTTP code, or with HTTP 200 in the unconfirmed
//! form). Strict: other methods, paths, content types, credentials and
//! missing form fields are refused. A timeline of job lists advances after
//! each completed `get-jobs-for-date-range`; every request is logged with
//! its form fields.

pub mod demo;
mod handler;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;

pub use demo::{
    demo_log_entries, demo_tenants, demo_timeline, demo_timeline_at, demo_users, job,
    DEMO_COMET_PASSWORD, DEMO_COMET_USER, SECRET_MARKER,
};

use crate::net::Server;
use crate::{lock, SimError};

/// One request as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CometRequest {
    pub method: String,
    pub path: String,
    /// The `Content-Type` header, when sent.
    pub content_type: Option<String>,
    /// The form fields of the body (credentials included).
    pub form: BTreeMap<String, String>,
    /// The HTTP status sent.
    pub status: u16,
    /// The body's `Status` when the answer was an error body.
    pub body_status: Option<i64>,
}

impl CometRequest {
    /// The endpoint after `/api/v1/admin/` (`meta/version`).
    pub fn endpoint(&self) -> &str {
        self.path
            .strip_prefix("/api/v1/admin/")
            .unwrap_or(&self.path)
    }

    /// One form field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.get(name).map(String::as_str)
    }
}

#[derive(Debug, Default)]
struct Data {
    username: String,
    password: String,
    session_key: Option<String>,
    tenants: Vec<(String, String)>,
    users: Value,
    timeline: Vec<Vec<Value>>,
    index: usize,
    logs: HashMap<String, Vec<Value>>,
    require_totp: bool,
    errors_with_http_200: bool,
    fail_next: Option<u16>,
    garbage_next: bool,
    requests: Vec<CometRequest>,
}

type Shared = Arc<Mutex<Data>>;

/// A running Comet Server simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct CometSim {
    data: Shared,
    server: Server,
}

impl CometSim {
    /// Starts on a random `127.0.0.1` port, accepting the admin `username`
    /// with `password`; no tenants, users or jobs.
    pub async fn start(username: &str, password: &str) -> anyhow::Result<CometSim> {
        CometSim::start_on(username, password, "127.0.0.1", 0).await
    }

    /// Starts on `host:port` (port 0 = any free port).
    pub async fn start_on(
        username: &str,
        password: &str,
        host: &str,
        port: u16,
    ) -> anyhow::Result<CometSim> {
        let listener = Server::bind(host, port).await.map_err(SimError::Io)?;
        let (shutdown_tx, _) = watch::channel(false);
        let data: Shared = Arc::new(Mutex::new(Data {
            username: username.to_owned(),
            password: password.to_owned(),
            users: Value::Object(serde_json::Map::new()),
            ..Data::default()
        }));
        let app = Router::new()
            .fallback(handler::handle)
            .with_state(data.clone());
        let server = Server::serve(listener, app, shutdown_tx).map_err(SimError::Io)?;
        Ok(CometSim { data, server })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The tenants `organization/list` names; empty = none (the endpoint
    /// then refuses, as for an admin who is not top-level).
    pub fn set_tenants(&self, tenants: Vec<(String, String)>) {
        lock(&self.data).tenants = tenants;
    }

    /// The `list-users-full` answer (`{username: UserProfileConfig}`).
    pub fn set_users(&self, users: Value) {
        lock(&self.data).users = users;
    }

    /// One fixed job list.
    pub fn set_jobs(&self, jobs: Vec<Value>) {
        self.set_timeline(vec![jobs]);
    }

    /// Job lists that advance one step after each completed
    /// `get-jobs-for-date-range`, staying on the last.
    pub fn set_timeline(&self, steps: Vec<Vec<Value>>) {
        let mut d = lock(&self.data);
        d.timeline = steps;
        d.index = 0;
    }

    /// The step the next `get-jobs-for-date-range` serves.
    pub fn timeline_index(&self) -> usize {
        lock(&self.data).index
    }

    /// The `get-job-log-entries` answer for one job (`[{Time, Severity,
    /// Message}]`).
    pub fn set_log_entries(&self, job_guid: &str, entries: Vec<Value>) {
        lock(&self.data).logs.insert(job_guid.to_owned(), entries);
    }

    /// Accepts `AuthType=SessionKey` with this key too.
    pub fn set_session_key(&self, key: Option<&str>) {
        lock(&self.data).session_key = key.map(str::to_owned);
    }

    /// A password sign-in then needs a second factor:
    /// `{"Status":403,"Message":"ERR_TOTP_REQUIRED"}`.
    pub fn require_totp(&self, on: bool) {
        lock(&self.data).require_totp = on;
    }

    /// Errors are sent as HTTP 200 with a body `Status` >= 400 (the
    /// unconfirmed form) instead of with the matching HTTP code.
    pub fn errors_with_http_200(&self, on: bool) {
        lock(&self.data).errors_with_http_200 = on;
    }

    /// The next request is answered with `status` (and a Status body).
    pub fn fail_next(&self, status: u16) {
        lock(&self.data).fail_next = Some(status);
    }

    /// The next request is answered with HTTP 200 and an HTML page.
    pub fn garbage_next(&self) {
        lock(&self.data).garbage_next = true;
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<CometRequest> {
        lock(&self.data).requests.clone()
    }

    /// How many requests went to `endpoint` (`list-users-full`).
    pub fn count(&self, endpoint: &str) -> usize {
        lock(&self.data)
            .requests
            .iter()
            .filter(|r| r.endpoint() == endpoint)
            .count()
    }

    pub fn clear_requests(&self) {
        lock(&self.data).requests.clear();
    }

    /// Loads the demo: tenants, users, the timeline and its log lines, with
    /// job times counted from ten minutes ago.
    pub fn load_demo(&self) {
        let base = chrono::Utc::now().timestamp() - 600;
        self.set_tenants(demo_tenants());
        self.set_users(demo_users());
        self.set_timeline(demo_timeline_at(base));
        for (guid, entries) in demo_log_entries(base) {
            self.set_log_entries(&guid, entries);
        }
    }

    /// Stops the server.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
