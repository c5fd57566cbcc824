//! The real command dispatcher over loopback HTTP, for the browser test that
//! runs the UI against it (`tests/ui/real-backend.test.ts`). Never shipped.
//!
//! It builds the shell's `AppState` on a fresh temporary data folder in demo
//! mode (the built-in simulators, as the app's demo), with secrets in memory
//! so no keychain is touched, and serves:
//! - `POST /call/<command>` with the JSON arguments: `200` with the result,
//!   or `422` with the `{kind, message}` error, from
//!   `bridge_shell::commands::call`, exactly what the tray process answers;
//! - `GET /events?since=N`: the `status` and `notification` events from the
//!   N-th on, as `{"next": M, "events": [{"event", "payload"}]}`.
//!
//! It prints `listening on http://127.0.0.1:<port>` once ready and ends when
//! its standard input closes or it is asked to end (SIGTERM, Ctrl-C), which
//! removes the data folder.
//!
//! `cargo run -p bridge-shell --example ui_backend`

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use bridge_core::alerts::Notification;
use bridge_core::secrets::{MemoryStore, SecretStore};
use bridge_link::launch::StartMode;
use bridge_shell::commands;
use bridge_shell::events::{EventSink, Outputs, Snapshot, NOTIFICATION_EVENT, STATUS_EVENT};
use bridge_shell::notify::Notifier;
use bridge_shell::state::{AppPaths, AppState};
use serde_json::{json, Value};

/// Seconds between the demo's cycles: the first runs at once, the rest only
/// when asked (*Sync now*), so what the test sees does not change under it.
const DEMO_INTERVAL_SECS: u64 = 3_600;

/// The events published so far, in order.
#[derive(Default)]
struct Recorded {
    events: Mutex<Vec<Value>>,
}

impl Recorded {
    fn push(&self, event: &str, payload: Value) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(json!({"event": event, "payload": payload}));
    }
}

impl EventSink for Recorded {
    fn status(&self, snapshot: &Snapshot) {
        self.push(STATUS_EVENT, json!(snapshot.status()));
    }

    fn notification(&self, notification: &Notification) {
        self.push(NOTIFICATION_EVENT, json!(notification));
    }
}

/// Notifications are recorded as events only; nothing is shown.
struct Quiet;

impl Notifier for Quiet {
    fn notify(&self, _title: &str, _body: &str) -> bridge_shell::Result<()> {
        Ok(())
    }
}

#[derive(Clone)]
struct Served {
    state: Arc<AppState>,
    recorded: Arc<Recorded>,
}

async fn call(
    State(served): State<Served>,
    Path(command): Path<String>,
    body: Option<Json<Value>>,
) -> (StatusCode, Json<Value>) {
    let args = body.map_or(Value::Null, |Json(args)| args);
    match commands::call(&served.state, &command, args).await {
        Ok(value) => (StatusCode::OK, Json(value)),
        Err(error) => (StatusCode::UNPROCESSABLE_ENTITY, Json(json!(error))),
    }
}

async fn events(
    State(served): State<Served>,
    Query(query): Query<HashMap<String, usize>>,
) -> Json<Value> {
    let since = query.get("since").copied().unwrap_or(0);
    let all = served
        .recorded
        .events
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let new: Vec<Value> = all.iter().skip(since).cloned().collect();
    Json(json!({"next": all.len(), "events": new}))
}

/// Returns when standard input closes or the process is asked to end.
async fn until_asked_to_end() {
    let stdin_closed = async {
        let _ = tokio::task::spawn_blocking(|| {
            let mut buffer = [0u8; 64];
            while matches!(std::io::stdin().read(&mut buffer), Ok(n) if n > 0) {}
        })
        .await;
    };
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return stdin_closed.await,
            };
        tokio::select! {
            _ = stdin_closed => {}
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::select! {
        _ = stdin_closed => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    bridge_link::logging::init(data.path())?;
    let recorded = Arc::new(Recorded::default());
    let outputs = Arc::new(Outputs::new(recorded.clone(), Arc::new(Quiet)));
    let state = Arc::new(AppState::with_secrets(
        AppPaths::new(data.path().to_path_buf()),
        outputs,
        Box::new(|| Arc::new(MemoryStore::default()) as Arc<dyn SecretStore>),
        Duration::from_secs(DEMO_INTERVAL_SECS),
    ));
    let slot = state.lock_for_start()?;
    state.start_with(slot, StartMode::Demo).await;

    let app = Router::new()
        .route("/call/{command}", post(call))
        .route("/events", get(events))
        .with_state(Served {
            state: Arc::clone(&state),
            recorded,
        });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(until_asked_to_end())
        .await?;
    state.shutdown().await;
    drop(data);
    Ok(())
}
