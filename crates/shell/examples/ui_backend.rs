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
//! - `POST /control/stuck-call`: records a stuck ConnectWise call in the
//!   demo's outbox (through the store's own functions), as a call whose
//!   outcome could not be settled leaves it; answers `{"id": <intent id>}`;
//! - `POST /control/hold-removals`: makes the removal guard hold removals
//!   the real way: the Dashboard simulator lists 12 more events, a sync
//!   files their tickets, the simulator drops them again and a second sync
//!   holds their removals back; answers `needs_attention`'s result;
//! - `POST /control/many-companies`: the Dashboard simulator lists
//!   `MANY_COMPANIES` more companies and the list is refreshed from it; a
//!   third of them are mapped (through the store), some of those with a
//!   failed last sync; answers `{"total": <companies>}`;
//! - `POST /control/many-tickets`: writes 1,200 more ledger rows (900 of
//!   this week across the demo's companies, 300 closed half a year ago) for
//!   the Activity list's paging, filter and search; they come from another
//!   source, so no Dashboard listing removes them; answers `{"written": N}`.
//!
//! With `--damaged-database` it starts in real mode instead, on a database
//! file of garbage bytes: the start fails as `damaged` and the UI offers
//! Recover.
//!
//! It prints `listening on http://127.0.0.1:<port>` once ready and ends when
//! its standard input closes or it is asked to end (SIGTERM, Ctrl-C), which
//! removes the data folder. Links it is asked to open go to the system's
//! opener (`xdg-open` first on Linux): the test puts a fake one first in its
//! `PATH`.
//!
//! `cargo run -p bridge-shell --example ui_backend [-- --damaged-database]`

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use bridge_core::alerts::Notification;
use bridge_core::model::Override;
use bridge_core::secrets::{MemoryStore, SecretStore};
use bridge_core::store::companies;
use bridge_core::store::outbox::{self, Intent, OutboxState};
use bridge_link::launch::StartMode;
use bridge_shell::commands;
use bridge_shell::events::{EventSink, Outputs, Snapshot, NOTIFICATION_EVENT, STATUS_EVENT};
use bridge_shell::notify::Notifier;
use bridge_shell::state::{AppPaths, AppState, Slot};
use bridge_sim::DashboardSim;
use serde_json::{json, Value};

/// Seconds between the demo's cycles: the first runs at once, the rest only
/// when asked (*Sync now*), so what the test sees does not change under it.
const DEMO_INTERVAL_SECS: u64 = 3_600;

/// Events the Dashboard simulator lists and then drops for the removal
/// guard: at least `REMOVAL_GUARD_MIN`, and more than the demo's own.
const GUARDED_EVENTS: usize = 12;

/// Companies `/control/many-companies` adds to the demo's six.
const MANY_COMPANIES: usize = 600;

/// How long a control waits for the slot or for a sync cycle.
const CONTROL_WAIT: Duration = Duration::from_secs(30);

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
    fn notify(
        &self,
        _title: &str,
        _body: &str,
        _open: Option<&bridge_core::alerts::NotificationTarget>,
    ) -> bridge_shell::Result<()> {
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

/// Runs `f` on the demo's Dashboard simulator. The slot is only reachable
/// through its start lock, taken when no command holds it.
async fn with_dashboard<T>(
    state: &AppState,
    f: impl FnOnce(&DashboardSim) -> T,
) -> anyhow::Result<T> {
    let deadline = tokio::time::Instant::now() + CONTROL_WAIT;
    loop {
        if let Ok(slot) = state.lock_for_start() {
            return match &*slot {
                Slot::Ready(backend) => match backend.demo() {
                    Some(demo) => Ok(f(&demo.dashboard)),
                    None => anyhow::bail!("the demo is not running"),
                },
                _ => anyhow::bail!("the backend is not running"),
            };
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the backend stayed busy"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asks for a sync and waits until it has finished.
async fn sync_and_wait(state: &AppState) -> anyhow::Result<()> {
    let before = state.status().await?.cycles;
    state.sync_now().await?;
    let deadline = tokio::time::Instant::now() + CONTROL_WAIT;
    while state.status().await?.cycles == before {
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the sync did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// `/control/stuck-call`: an unsettled update of a demo ticket, marked stuck.
async fn stuck_call(state: &AppState) -> anyhow::Result<Value> {
    let engine = state.engine().await?;
    let now = bridge_core::engine::now_text();
    let id = engine.store().with_conn(|c| {
        let intent = Intent::Update {
            ticket_id: 1001,
            what: "close the ticket".to_owned(),
        };
        let id = outbox::intend(c, "evt-7f3a", &intent, &now)?;
        let why = "ConnectWise answered 400 Bad Request when the call was checked";
        outbox::finish(c, id, OutboxState::Stuck, Some(why), &now)?;
        Ok(id)
    })?;
    Ok(json!({ "id": id }))
}

/// `/control/hold-removals`: events listed, synced, dropped and synced again.
async fn hold_removals(state: &AppState) -> anyhow::Result<Value> {
    let own = with_dashboard(state, |dashboard| {
        let timeline = bridge_sim::dashboard::demo_timeline();
        let at = dashboard
            .snapshot_index()
            .min(timeline.len().saturating_sub(1));
        timeline.get(at).cloned().unwrap_or_default()
    })
    .await?;
    let first = own.first().cloned().unwrap_or_default();
    let extra = (0..GUARDED_EVENTS).map(|i| {
        let mut event = first.clone();
        event["id"] = json!(format!("evt-guard-{i:02}"));
        event["computer"] = json!(format!("GUARD-PC{i:02}"));
        event
    });
    let listed: Vec<Value> = own.iter().cloned().chain(extra).collect();
    with_dashboard(state, |dashboard| dashboard.set_events(listed)).await?;
    sync_and_wait(state).await?;
    with_dashboard(state, |dashboard| dashboard.set_events(own)).await?;
    sync_and_wait(state).await?;
    Ok(commands::call(state, "needs_attention", Value::Null).await?)
}

/// Recent rows `/control/many-tickets` writes; every 9th has an error, every
/// 3rd is closed.
const BULK_RECENT: usize = 900;
/// Rows it writes closed 200 days ago (beyond `activity.keep_days`).
const BULK_OLD: usize = 300;

/// `/control/many-tickets`: the Activity list of a bigger MSP.
async fn many_tickets(state: &AppState) -> anyhow::Result<Value> {
    use bridge_core::store::ledger::{self, LedgerEntry, TicketState};
    let engine = state.engine().await?;
    let companies = bridge_core::store::companies::list(engine.store())?;
    anyhow::ensure!(!companies.is_empty(), "the demo has no companies yet");
    let now = chrono::Utc::now();
    let at = |minutes: i64| {
        (now - chrono::Duration::minutes(minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let rows = (0..BULK_RECENT + BULK_OLD).map(|i| {
        let old = i >= BULK_RECENT;
        let host = if old {
            format!("BULK-OLD{:04}", i - BULK_RECENT)
        } else {
            format!("BULK-PC{i:04}")
        };
        let closed = old || i % 3 == 2;
        LedgerEntry {
            event_id: format!("evt-bulk-{i:04}"),
            company_id: companies[i % companies.len()].id.clone(),
            ticket_id: 50_000 + i as i64,
            state: if closed {
                TicketState::Closed
            } else {
                TicketState::Open
            },
            anomaly: false,
            event_type: "Error".to_owned(),
            job_status: if closed { "Completed" } else { "Failed" }.to_owned(),
            message: "the backup target could not be reached".to_owned(),
            summary: format!("Error: {host} - Nightly files (FileLevel)"),
            priority: None,
            content_hash: "bulk".to_owned(),
            pushed_details: Default::default(),
            last_action: Some(
                if closed {
                    "resolution noted, closed"
                } else {
                    "created"
                }
                .to_owned(),
            ),
            last_error: (!old && i % 9 == 0)
                .then(|| "ConnectWise answered 503 Service Unavailable".to_owned()),
            updated_at: if old {
                at(200 * 24 * 60 + i as i64)
            } else {
                at(30 + i as i64 * 7)
            },
            source: "bulk".to_owned(),
            snoozed: None,
            flap: None,
        }
    });
    let rows: Vec<LedgerEntry> = rows.collect();
    let written = rows.len();
    engine.store().with_conn(|c| {
        let tx = c.unchecked_transaction()?;
        for row in &rows {
            ledger::put(&tx, row)?;
        }
        tx.commit()
    })?;
    Ok(json!({ "written": written }))
}

/// `/control/many-companies`: hundreds of companies, some mapped, some failing.
async fn many_companies(state: &AppState) -> anyhow::Result<Value> {
    const WORDS: [&str; 6] = ["Alpine", "Harbor", "Cedar", "Summit", "Maple", "Willow"];
    const KINDS: [&str; 4] = ["Dental", "Law", "Clinic", "Builders"];
    let name = |i: usize| {
        let word = WORDS[i % WORDS.len()];
        let kind = KINDS[(i / WORDS.len()) % KINDS.len()];
        format!("{word} {kind} {:03}", i + 1)
    };
    let listed: Vec<Value> = bridge_sim::dashboard::demo_companies()
        .into_iter()
        .chain((0..MANY_COMPANIES).map(|i| json!({"id": format!("m-{i:04}"), "name": name(i)})))
        .collect();
    with_dashboard(state, |dashboard| dashboard.set_companies(listed)).await?;
    let engine = state.engine().await?;
    bridge_core::ops::refresh_companies(&engine).await?;
    let total = engine
        .store()
        .with_conn(|c| c.query_row("SELECT COUNT(*) FROM companies", [], |r| r.get::<_, i64>(0)))?;
    for i in (0..MANY_COMPANIES).filter(|i| i % 3 == 0) {
        let id = format!("m-{i:04}");
        let mapping = companies::Mapping {
            cw_identifier: format!("M{i}"),
            cw_company_id: 50_000 + i as i64,
            cw_company_name: format!("{} Ltd", name(i)),
            event_types: Override::Default,
            backup_types: Override::Default,
            agreement_condition: Override::Default,
        };
        companies::set_mapping(engine.store(), &id, &mapping)?;
        if i % 9 == 0 {
            let why = format!("no agreement of {} Ltd matches name like \"%ICB\"", name(i));
            companies::set_last_status(
                engine.store(),
                &id,
                &companies::LastStatus::error_now(why),
            )?;
        }
    }
    Ok(json!({ "total": total }))
}

async fn control(
    State(served): State<Served>,
    Path(action): Path<String>,
) -> (StatusCode, Json<Value>) {
    let done = match action.as_str() {
        "stuck-call" => stuck_call(&served.state).await,
        "hold-removals" => hold_removals(&served.state).await,
        "many-tickets" => many_tickets(&served.state).await,
        "many-companies" => many_companies(&served.state).await,
        other => Err(anyhow::anyhow!("no control {other}")),
    };
    match done {
        Ok(value) => (StatusCode::OK, Json(value)),
        Err(error) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "message": format!("{error:#}") })),
        ),
    }
}

/// Overwrites the real database with garbage bytes, as a damaged disk might.
fn damage_database(data_dir: &std::path::Path) -> anyhow::Result<()> {
    let garbage: Vec<u8> = (0..16_384u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(bridge_core::store::db_path(data_dir), garbage)?;
    Ok(())
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
    tokio::select! {
        _ = stdin_closed => {}
        _ = bridge_link::platform::asked_to_end() => {}
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let damaged = std::env::args().skip(1).any(|a| a == "--damaged-database");
    let data = tempfile::tempdir()?;
    if damaged {
        damage_database(data.path())?;
    }
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
    let mode = if damaged {
        StartMode::Real
    } else {
        StartMode::Demo
    };
    state.start_with(slot, mode).await;

    let app = Router::new()
        .route("/call/{command}", post(call))
        .route("/events", get(events))
        .route("/control/{action}", post(control))
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
