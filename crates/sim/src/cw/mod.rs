//! ConnectWise PSA simulator: `CwSim` runs an axum server on a loopback port
//! with the endpoints, strictness and error bodies of the real REST API v3.0
//! (see `shared/reference/connectwise-api.md`), plus fault injection and a
//! request log for tests.
//!
//! State lives in one std `Mutex<Model>`, never held across an `.await`.

mod auth;
pub mod demo;
mod error;
mod fields;
mod media;
mod model;
mod paging;
mod patch;
mod refs;
mod routes_setup;
mod routes_tickets;
pub mod seed;
mod tickets;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde_json::Value;
use tokio::sync::watch;

pub use demo::*;
pub use seed::{rights, CwSeed, SeedAgreement, SeedNamed};

use self::error::ApiError;
use self::model::Model;
use self::routes_setup::{board_child, board_list, BoardChild, ListReq};
use crate::faults::{FaultControl, FaultLayer, FaultState, Flavor};
use crate::log::{RequestLog, RequestRecord};
use crate::net::Server;
use crate::{lock, SimError};

/// Codebase that is always routed besides the seed's own (on-prem style).
pub const LEGACY_CODEBASE: &str = "v4_6_release/";

/// State shared by every handler.
#[derive(Debug)]
pub(crate) struct SharedState {
    pub model: Mutex<Model>,
    pub faults: Arc<FaultState>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
}

pub(crate) type Shared = Arc<SharedState>;

macro_rules! board_routes {
    ($router:expr, $($segment:literal => $child:expr),* $(,)?) => {
        $router
        $(
            .route(
                concat!("/service/boards/{id}/", $segment),
                get(|State(s): State<Shared>, caller: auth::Caller, Path(id): Path<String>, list: ListReq| {
                    board_list(s, caller, id, list, $child)
                }),
            )
            .route(
                concat!("/service/boards/{id}/", $segment, "/{child}"),
                get(|State(s): State<Shared>, caller: auth::Caller, Path(ids): Path<(String, String)>| {
                    board_child(s, caller, ids, $child)
                }),
            )
        )*
    };
}

/// The routes under `/{codebase}apis/3.0`.
fn api_routes() -> Router<Shared> {
    use routes_setup as s;
    use routes_tickets as t;
    let router = Router::new()
        .route("/system/info", get(s::system_info))
        .route("/system/members/{member}/tokens", post(auth::mint_token))
        .route("/company/companies", get(s::companies))
        .route("/company/companies/{id}", get(s::company))
        .route("/finance/agreements", get(s::agreements))
        .route("/finance/agreements/{id}", get(s::agreement))
        .route("/service/boards", get(s::boards))
        .route("/service/boards/{id}", get(s::board))
        .route("/service/priorities", get(s::priorities))
        .route("/service/priorities/{id}", get(s::priority))
        .route("/service/tickets", get(t::list).post(t::create))
        .route("/service/tickets/count", get(t::count))
        .route("/service/tickets/search", post(t::search))
        .route(
            "/service/tickets/{id}",
            get(t::get_one).patch(t::patch).delete(t::delete),
        )
        .route(
            "/service/tickets/{id}/notes",
            get(t::notes).post(t::add_note),
        )
        .route("/service/tickets/{id}/notes/{note}", get(t::note));
    board_routes!(router,
        "statuses" => BoardChild::Statuses,
        "types" => BoardChild::Types,
        "subtypes" => BoardChild::Subtypes,
        "items" => BoardChild::Items,
    )
}

async fn fallback() -> ApiError {
    ApiError::not_found("The requested resource was not found.")
}

/// Where the API routes live once the codebase prefix has been checked.
const API_ROOT: &str = "/apis/3.0";

/// Middleware in front of routing: `/{codebase}apis/3.0/…` is served only for
/// the current codebase (or the legacy one) and rewritten to `/apis/3.0/…`;
/// anything else under `apis/3.0` is a 404, as on a server after an upgrade.
/// An API request whose `Accept` admits no JSON gets 406 (`media.rs`).
async fn codebase_prefix(State(shared): State<Shared>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with(API_ROOT) {
        // The API exists only behind a codebase.
        return fallback().await.into_response();
    }
    let Some((prefix, rest)) = path
        .strip_prefix('/')
        .and_then(|p| p.split_once(API_ROOT))
        .filter(|(_, rest)| rest.is_empty() || rest.starts_with('/'))
    else {
        return next.run(req).await;
    };
    let prefix = format!("{prefix}/");
    let current = lock(&shared.model).seed.codebase.clone();
    if prefix != current && prefix != LEGACY_CODEBASE {
        return fallback().await.into_response();
    }
    if let Err(refused) = media::check_accept(req.headers()) {
        return refused.into_response();
    }
    let rewritten = match req.uri().query() {
        Some(q) => format!("{API_ROOT}{rest}?{q}"),
        None => format!("{API_ROOT}{rest}"),
    };
    match rewritten.parse() {
        Ok(uri) => {
            *req.uri_mut() = uri;
            next.run(req).await
        }
        Err(_) => fallback().await.into_response(),
    }
}

fn router(shared: Shared, log: RequestLog) -> Router {
    let inner = Router::new()
        .route(
            "/login/companyinfo/{company}",
            get(routes_setup::company_info),
        )
        .nest(API_ROOT, api_routes())
        .fallback(fallback)
        .with_state(shared.clone());
    let faults = FaultLayer {
        faults: shared.faults.clone(),
        flavor: Flavor::ConnectWise,
    };
    Router::new()
        .fallback_service(inner)
        .layer(from_fn_with_state(shared, codebase_prefix))
        .layer(from_fn_with_state(faults, crate::faults::inject))
        .layer(from_fn_with_state(log, crate::log::record))
}

/// A running ConnectWise simulator. Dropping it stops the server; prefer
/// [`CwSim::shutdown`] to let in-flight requests finish.
#[derive(Debug)]
pub struct CwSim {
    shared: Shared,
    log: RequestLog,
    server: Server,
}

impl CwSim {
    /// Starts on a random `127.0.0.1` port.
    pub async fn start(seed: CwSeed) -> anyhow::Result<CwSim> {
        CwSim::start_on(seed, "127.0.0.1", 0).await
    }

    /// Starts on `host:port` (port 0 = any free port).
    pub async fn start_on(seed: CwSeed, host: &str, port: u16) -> anyhow::Result<CwSim> {
        seed.validate()?;
        let listener = Server::bind(host, port).await.map_err(SimError::Io)?;
        let base_url = format!("http://{}", listener.local_addr().map_err(SimError::Io)?);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(SharedState {
            model: Mutex::new(Model::new(seed, base_url.clone())),
            faults: FaultState::new(shutdown_rx),
            base_url,
        });
        let log = RequestLog::default();
        let app = router(shared.clone(), log.clone());
        let server = Server::serve(listener, app, shutdown_tx).map_err(SimError::Io)?;
        Ok(CwSim {
            shared,
            log,
            server,
        })
    }

    /// `http://127.0.0.1:PORT` — usable as the ConnectWise site.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The codebase companyinfo reports, e.g. `v2025_1/`.
    pub fn codebase(&self) -> String {
        lock(&self.shared.model).seed.codebase.clone()
    }

    /// `http://127.0.0.1:PORT/v2025_1/apis/3.0` (no trailing slash).
    pub fn api_url(&self) -> String {
        format!("{}/{}apis/3.0", self.base_url(), self.codebase())
    }

    /// Simulates a cloud upgrade: companyinfo reports `codebase` (e.g.
    /// `"v2025_2/"`) and the old codebase's URLs answer 404 from now on.
    pub fn set_codebase(&self, codebase: &str) -> Result<(), SimError> {
        if !codebase.ends_with('/') || codebase.starts_with('/') || codebase.contains(API_ROOT) {
            return Err(SimError::Seed(format!(
                "codebase {codebase:?} must look like \"v2025_1/\""
            )));
        }
        lock(&self.shared.model).seed.codebase = codebase.to_owned();
        Ok(())
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.log.snapshot()
    }

    pub fn clear_requests(&self) {
        self.log.clear();
    }

    /// Resolves once no request is being handled: each one accepted so far
    /// was answered, or dropped with its connection. Tests wait on this
    /// after killing a client, instead of sleeping until work it started
    /// has landed. A request hung by [`FaultControl::hang_next`] keeps it
    /// waiting until shutdown.
    pub async fn idle(&self) {
        self.log.idle().await;
    }

    /// Fault injection controls (shared; settable while running).
    pub fn faults(&self) -> FaultControl {
        FaultControl(self.shared.faults.clone())
    }

    /// Every ticket as `GET /service/tickets/{id}` renders it, in id order.
    pub fn tickets(&self) -> Vec<Value> {
        let m = lock(&self.shared.model);
        m.tickets.values().map(|t| m.ticket_json(t)).collect()
    }

    /// One ticket, rendered, if it exists.
    pub fn ticket(&self, ticket_id: i64) -> Option<Value> {
        let m = lock(&self.shared.model);
        m.tickets.get(&ticket_id).map(|t| m.ticket_json(t))
    }

    /// The notes of a ticket (the initial description first), in id order.
    pub fn notes(&self, ticket_id: i64) -> Vec<Value> {
        lock(&self.shared.model).notes_of(ticket_id)
    }

    /// A technician's action: moves the ticket to the named status of its own
    /// board (`closedFlag`/`closedDate` follow the status' `closedStatus`).
    pub fn set_ticket_status(&self, ticket_id: i64, status_name: &str) -> Result<(), SimError> {
        let mut m = lock(&self.shared.model);
        let board_id = m
            .tickets
            .get(&ticket_id)
            .map(|t| t.board_id)
            .ok_or(SimError::NoSuchTicket(ticket_id))?;
        let board = m.board(board_id).ok_or(SimError::NoSuchTicket(ticket_id))?;
        let status = board
            .statuses
            .iter()
            .find(|s| s.name == status_name)
            .map(|s| (s.id, s.closed_status))
            .ok_or_else(|| SimError::NoSuchStatus {
                board: board.name.clone(),
                status: status_name.to_owned(),
            })?;
        let now = Utc::now();
        if let Some(t) = m.tickets.get_mut(&ticket_id) {
            Model::apply_status(t, status.0, status.1, "technician", now);
            t.last_updated = now;
            t.updated_by = "technician".to_owned();
        }
        Ok(())
    }

    /// Adds an agreement while the server runs, as someone creating one in
    /// ConnectWise between two sync cycles would. The id must be new and the
    /// company must exist (the same checks as the seed's).
    pub fn add_agreement(&self, agreement: SeedAgreement) -> Result<(), SimError> {
        let mut m = lock(&self.shared.model);
        if m.agreement(agreement.id).is_some() {
            return Err(SimError::Seed(format!(
                "agreement id {} is used twice",
                agreement.id
            )));
        }
        if m.company(agreement.company_id).is_none() {
            return Err(SimError::Seed(format!(
                "agreement {} names unknown company {}",
                agreement.id, agreement.company_id
            )));
        }
        m.seed.agreements.push(agreement);
        Ok(())
    }

    /// A technician creates a ticket: same body and rules as
    /// `POST /service/tickets`, entered by "technician". Returns the ticket.
    pub fn create_ticket(&self, body: &Value) -> Result<Value, SimError> {
        let mut m = lock(&self.shared.model);
        let id = tickets::create(&mut m, body, "technician", Utc::now())
            .map_err(|e| SimError::Rejected(e.body.to_string()))?;
        m.tickets
            .get(&id)
            .map(|t| m.ticket_json(t))
            .ok_or(SimError::NoSuchTicket(id))
    }

    /// A technician deletes a ticket (and its notes); false if it did not exist.
    pub fn delete_ticket(&self, ticket_id: i64) -> bool {
        let mut m = lock(&self.shared.model);
        m.notes.retain(|_, n| n.ticket_id != ticket_id);
        m.tickets.remove(&ticket_id).is_some()
    }

    /// Lifetime of member tokens minted from now on (default one hour).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        let lifetime = chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::MAX);
        lock(&self.shared.model).token_lifetime = lifetime;
    }

    /// Expires every member token minted so far (calls with them get 401).
    pub fn expire_tokens(&self) {
        let mut m = lock(&self.shared.model);
        let now = m.token_now();
        for token in m.tokens.values_mut() {
            token.expires = now;
        }
    }

    /// Moves the clock that dates and checks member tokens by `by`
    /// (negative: back), so a test sees a token's lifetime run out, or a
    /// server whose clock lags the client's, without waiting. Ticket dates
    /// keep the wall clock.
    pub fn shift_token_clock(&self, by: chrono::TimeDelta) {
        let mut m = lock(&self.shared.model);
        m.token_clock_offset += by;
    }

    /// Stops the server: hung requests are released, in-flight ones get a
    /// moment to finish.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
