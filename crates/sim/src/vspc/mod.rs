//! Veeam Service Provider Console (REST v3) simulator
//! (`shared/reference/sources.md` §3), strict where the contract is:
//! everything lives under `/api/v3` (other paths 404, other methods 405);
//! `POST /api/v3/token` takes only a form-encoded body (415) with the
//! password or refresh-token grant (400 for a missing field or another
//! grant, 401 for wrong credentials or an unknown, used or expired refresh
//! token); every GET needs `Authorization: Bearer` with a live access token
//! or the API key (401); collection GETs take `limit` 1..=500 and `offset`
//! (and ignore `filter`, `sort`, `select`, `expand`), refuse any other
//! parameter (400) and answer `{"meta":{"pagingInfo"},"data"}`. Every
//! error is the envelope `{"meta":{"errors":[{message, type, code}]},
//! "data":null}`.
//!
//! `alarms/active` lists the newest activation first; a timeline of changes
//! moves on after each complete read (offset 0 to the last item, however
//! many pages that takes), and a switch slips new alarms in while a client
//! pages, to prove it de-duplicates by uid. Tokens are expired by the test,
//! never by waiting. One-shot faults hit the next authorised GET.

mod alarm;
mod auth;
pub mod demo;
mod http;
pub mod model;
mod routes;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use tokio::sync::watch;

pub use alarm::{AlarmObject, AlarmStatus, Change, NewAlarm};
pub use auth::{DEFAULT_ACCESS_TOKEN_LIFETIME_SECS, DEFAULT_REFRESH_TOKEN_LIFETIME_SECS};
pub use demo::{DEMO_VSPC_API_KEY, DEMO_VSPC_PASSWORD, DEMO_VSPC_USER};
pub use http::{DEFAULT_LIMIT, MAX_LIMIT};
pub use routes::SHIFTED_ALARM_MESSAGE;

use crate::log::{RequestLog, RequestRecord};
use crate::net::Server;
use crate::{lock, SimError};

/// A one-shot fault for the next authorised GET.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Status(u16),
    Garbage,
}

#[derive(Debug)]
struct Data {
    auth: auth::Auth,
    companies: Vec<Value>,
    templates: Vec<Value>,
    alarms: model::Alarms,
    timeline: Vec<Vec<Change>>,
    /// The next timeline step to apply.
    step: usize,
    /// A read of `alarms/active` began at offset 0 and has not reached the end.
    read_open: bool,
    completed_reads: u64,
    /// Alarms to slip in at the front of paged reads; `None` = made up.
    shifts: VecDeque<Option<NewAlarm>>,
    shifted: u64,
    faults: VecDeque<Fault>,
}

type Shared = Arc<Mutex<Data>>;

/// A running VSPC simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct VspcSim {
    data: Shared,
    log: RequestLog,
    server: Server,
}

impl VspcSim {
    /// Starts on a random `127.0.0.1` port, accepting `username` with
    /// `password` at `/api/v3/token` and, when given, `api_key` as a bearer
    /// token; no companies, templates or alarms.
    pub async fn start(
        username: &str,
        password: &str,
        api_key: Option<&str>,
    ) -> anyhow::Result<VspcSim> {
        VspcSim::start_on(username, password, api_key, "127.0.0.1", 0).await
    }

    /// Starts on `host:port` (port 0 = any free port).
    pub async fn start_on(
        username: &str,
        password: &str,
        api_key: Option<&str>,
        host: &str,
        port: u16,
    ) -> anyhow::Result<VspcSim> {
        let listener = crate::net::Server::bind(host, port)
            .await
            .map_err(SimError::Io)?;
        let (shutdown_tx, _) = watch::channel(false);
        let data: Shared = Arc::new(Mutex::new(Data {
            auth: auth::Auth::new(username, password, api_key),
            companies: Vec::new(),
            templates: Vec::new(),
            alarms: model::Alarms::default(),
            timeline: Vec::new(),
            step: 0,
            read_open: false,
            completed_reads: 0,
            shifts: VecDeque::new(),
            shifted: 0,
            faults: VecDeque::new(),
        }));
        let log = RequestLog::default();
        // Layers added later run first: the bearer is checked, then a fault.
        let api = Router::new()
            .route(
                "/api/v3/alarms/active",
                get(routes::active).fallback(routes::method_not_allowed),
            )
            .route(
                "/api/v3/alarms/templates",
                get(routes::templates).fallback(routes::method_not_allowed),
            )
            .route(
                "/api/v3/organizations/companies",
                get(routes::companies).fallback(routes::method_not_allowed),
            )
            .route_layer(from_fn_with_state(data.clone(), routes::fault))
            .route_layer(from_fn_with_state(data.clone(), auth::bearer));
        let app = Router::new()
            .route(
                "/api/v3/token",
                post(auth::token).fallback(routes::method_not_allowed),
            )
            .merge(api)
            .fallback(routes::not_found)
            .with_state(data.clone())
            .layer(from_fn_with_state(log.clone(), crate::log::record));
        let server = Server::serve(listener, app, shutdown_tx).map_err(SimError::Io)?;
        Ok(VspcSim { data, log, server })
    }

    /// `http://127.0.0.1:PORT` (the API is under `/api/v3`).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    // ---- companies and templates ----

    /// Replaces the `organizations/companies` items (raw JSON, malformed ones allowed).
    pub fn set_companies(&self, companies: Vec<Value>) {
        lock(&self.data).companies = companies;
    }

    /// Replaces the `alarms/templates` items (raw JSON, malformed ones allowed).
    pub fn set_templates(&self, templates: Vec<Value>) {
        lock(&self.data).templates = templates;
    }

    // ---- alarms ----

    /// Replaces every alarm with `alarms`.
    pub fn set_alarms(&self, alarms: Vec<NewAlarm>) -> Result<(), SimError> {
        let mut d = lock(&self.data);
        d.alarms.clear();
        alarms.into_iter().try_for_each(|a| d.alarms.raise(a))
    }

    /// Raises a new alarm (refused when its uid is already active).
    pub fn raise(&self, alarm: NewAlarm) -> Result<(), SimError> {
        lock(&self.data).alarms.raise(alarm)
    }

    /// Adds an alarm item as raw JSON (malformed on purpose, say); it is
    /// listed by its `lastActivation.time` when that parses, else last.
    pub fn push_raw_alarm(&self, item: Value) {
        lock(&self.data).alarms.push_raw(item);
    }

    /// A new activation of alarm `uid`: a new `lastActivation.instanceUid`,
    /// a time newer than every alarm's (so it lists first), `repeatCount` +
    /// 1, no remark. Works on a Resolved alarm too (it fires again).
    pub fn activate(&self, uid: &str, status: AlarmStatus, message: &str) -> Result<(), SimError> {
        lock(&self.data).alarms.activate(uid, status, message)
    }

    /// Changes the status of alarm `uid` without a new activation (its
    /// activation uid, time and `repeatCount` stay), e.g. Acknowledged.
    pub fn set_status(&self, uid: &str, status: AlarmStatus) -> Result<(), SimError> {
        lock(&self.data).alarms.set_status(uid, status)
    }

    /// Sets the `lastActivation.remark` of alarm `uid`.
    pub fn set_remark(&self, uid: &str, remark: Option<&str>) -> Result<(), SimError> {
        lock(&self.data).alarms.set_remark(uid, remark)
    }

    /// Deletes alarm `uid` (it leaves `alarms/active`).
    pub fn delete(&self, uid: &str) -> Result<(), SimError> {
        lock(&self.data).alarms.delete(uid)
    }

    /// Alarm `uid` as `alarms/active` lists it.
    pub fn alarm(&self, uid: &str) -> Option<Value> {
        lock(&self.data).alarms.get(uid)
    }

    /// Every alarm, in listing order (newest activation first).
    pub fn alarms(&self) -> Vec<Value> {
        lock(&self.data).alarms.listing()
    }

    // ---- the platform moving on ----

    /// Changes applied one step after each complete read of `alarms/active`
    /// (from offset 0 to the last item, however many pages): the first read
    /// sees the alarms as set, the second read sees step 0 applied, and so on.
    pub fn set_timeline(&self, steps: Vec<Vec<Change>>) {
        let mut d = lock(&self.data);
        d.timeline = steps;
        d.step = 0;
    }

    /// How many timeline steps have been applied.
    pub fn timeline_index(&self) -> usize {
        lock(&self.data).step
    }

    /// Complete reads of `alarms/active` so far.
    pub fn completed_reads(&self) -> u64 {
        lock(&self.data).completed_reads
    }

    /// The next `n` reads of `alarms/active` that take more than one page
    /// each get a new alarm at the front right after their page at offset 0,
    /// so their next page repeats the last item of the page before. The
    /// alarm copies the template and object of the alarm listed first, with
    /// status Info and [`SHIFTED_ALARM_MESSAGE`].
    pub fn shift_pages(&self, n: usize) {
        lock(&self.data).shifts.extend((0..n).map(|_| None));
    }

    /// [`VspcSim::shift_pages`] with these alarms, one per paged read
    /// (their `time` is ignored: each is the newest when slipped in).
    pub fn shift_pages_with(&self, alarms: Vec<NewAlarm>) {
        lock(&self.data).shifts.extend(alarms.into_iter().map(Some));
    }

    /// Alarms slipped in by the shifting-pages switch so far.
    pub fn shifted(&self) -> u64 {
        lock(&self.data).shifted
    }

    // ---- auth ----

    /// The API key accepted as a bearer token (`None`: none is).
    pub fn set_api_key(&self, key: Option<&str>) {
        lock(&self.data).auth.api_key = key.map(str::to_owned);
    }

    /// The `expires_in` of access tokens issued from now on (default 3600).
    pub fn set_token_lifetime(&self, secs: u64) {
        lock(&self.data).auth.access_lifetime_secs = secs;
    }

    /// The lifetime of refresh tokens issued from now on (default 14 days).
    pub fn set_refresh_token_lifetime(&self, secs: u64) {
        lock(&self.data).auth.refresh_lifetime_secs = secs;
    }

    /// Every access token issued so far is now expired (answers 401).
    pub fn expire_access_tokens(&self) {
        lock(&self.data).auth.expire_access_tokens();
    }

    /// Every refresh token issued so far is now expired (refused with 401).
    pub fn expire_refresh_tokens(&self) {
        lock(&self.data).auth.expire_refresh_tokens();
    }

    /// Successful `grant_type=password` sign-ins so far.
    pub fn password_logins(&self) -> u64 {
        lock(&self.data).auth.password_logins
    }

    /// Successful `grant_type=refresh_token` refreshes so far.
    pub fn refreshes(&self) -> u64 {
        lock(&self.data).auth.refreshes
    }

    // ---- faults and traffic ----

    /// The next authorised GET answers `status` with the error envelope
    /// (429 also carries `Retry-After: 1`).
    pub fn fail_next(&self, status: u16) {
        self.fail_next_n(status, 1);
    }

    /// The next `n` authorised GETs answer `status`.
    pub fn fail_next_n(&self, status: u16, n: usize) {
        let mut d = lock(&self.data);
        d.faults
            .extend(std::iter::repeat_n(Fault::Status(status), n));
    }

    /// The next authorised GET answers 200 with an HTML page.
    pub fn garbage_next(&self) {
        lock(&self.data).faults.push_back(Fault::Garbage);
    }

    /// Every request so far (method, path, query, status), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.log.snapshot()
    }

    pub fn clear_requests(&self) {
        self.log.clear();
    }

    /// Loads the demo: companies, templates, alarms activated within the
    /// last ten minutes, and the timeline (`demo.rs`).
    pub fn load_demo(&self) -> Result<(), SimError> {
        self.set_companies(demo::demo_companies());
        self.set_templates(demo::demo_templates());
        let base = chrono::Utc::now() - chrono::Duration::minutes(10);
        self.set_alarms(demo::demo_alarms_at(base))?;
        self.set_timeline(demo::demo_timeline());
        Ok(())
    }

    /// Stops the server.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
