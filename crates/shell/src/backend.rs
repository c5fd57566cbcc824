//! The running sync backend: the engine over a database, its background
//! scheduler, and — in demo mode — the built-in simulators.
//!
//! Real mode opens the user's database (`bridge_core::store::db_path`) with
//! secrets from the OS keychain (environment variables override). Demo mode
//! opens a separate `demo.db`, reset at each start, with secrets in memory
//! only; it never touches the keychain or the real database.
//!
//! The scheduler runs only once the configuration is complete (a loop that can
//! only fail with "cw.site is not set" would notify for nothing); the shell
//! calls [`Backend::ensure_running`] after the configuration changes. The
//! loop's status and notifications are forwarded to [`Outputs`] by two tasks
//! that end when the scheduler stops.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bridge_core::engine::Engine;
use bridge_core::scheduler::{Scheduler, SchedulerOptions, Status, SyncState};
use bridge_core::secrets::SecretStore;
use bridge_core::source::SourceKind;
use bridge_core::store::{self, settings::Settings, Store};
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

use crate::demo::Demo;
use crate::error::{Error, Result};
use crate::events::{Outputs, Phase, Snapshot};

/// File name of the demo database inside the data folder.
pub const DEMO_DB_FILE_NAME: &str = "demo.db";
/// How often the demo syncs: short, so a newcomer sees tickets appear, update
/// and close within a minute (the demo timeline moves one step per cycle).
pub const DEMO_INTERVAL_SECS: u64 = 10;

/// The command that repairs a damaged database (`backup-bridge db recover`).
pub const RECOVER_COMMAND: &str = "backup-bridge db recover";

/// Path of the demo database in `data_dir`.
pub fn demo_db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DEMO_DB_FILE_NAME)
}

/// The sentence shown when the backend cannot start; a damaged database
/// names the repair command.
pub fn start_failure(error: &Error) -> String {
    use bridge_core::store::StoreError;
    match error {
        // Core's own sentence may already name the command.
        Error::Core(bridge_core::Error::Store(StoreError::Damaged { .. }))
            if !error.to_string().contains(RECOVER_COMMAND) =>
        {
            format!("{error}. To repair it, quit BackupBridge and run `{RECOVER_COMMAND}`.")
        }
        _ => error.to_string(),
    }
}

/// Whether nothing has been set up in the real database yet: no ConnectWise
/// site, no Dashboard URL and no backup platform address or login (or no
/// database at all). Does not create the
/// database when it does not exist.
pub fn nothing_configured(data_dir: &Path) -> Result<bool> {
    let path = store::db_path(data_dir);
    if !path.exists() {
        return Ok(true);
    }
    let settings = Settings::load(&Store::open(&path)?)?;
    Ok(settings.cw_site.is_none()
        && settings.dashboard_url.is_none()
        && settings.source_url.is_none()
        && settings.source_username.is_none())
}

/// The engine, its scheduler (once configured) and the demo simulators.
pub struct Backend {
    engine: Arc<Engine>,
    demo: Option<Demo>,
    options: SchedulerOptions,
    outputs: Arc<Outputs>,
    running: Option<Running>,
}

/// A scheduler and the tasks forwarding what it publishes.
struct Running {
    scheduler: Scheduler,
    forwarders: [JoinHandle<()>; 2],
}

impl Backend {
    /// Real mode: the user's database in `data_dir` and `secrets` (the OS
    /// keychain behind environment overrides in the app). Starts the
    /// scheduler when the configuration is complete.
    pub async fn start_real(
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
        outputs: Arc<Outputs>,
    ) -> Result<Backend> {
        let path = store::db_path(data_dir);
        let store = tokio::task::spawn_blocking(move || Store::open(&path)).await??;
        let mut backend = Backend {
            engine: Arc::new(Engine::new(store, secrets)),
            demo: None,
            options: SchedulerOptions::default(),
            outputs,
            running: None,
        };
        backend.ensure_running().await?;
        Ok(backend)
    }

    /// Demo mode: starts the simulators (ConnectWise and `source`'s
    /// platform), resets `demo.db` in `data_dir`,
    /// configures and maps the demo companies, and starts syncing every
    /// `interval` (the first cycle at once).
    pub async fn start_demo(
        data_dir: &Path,
        interval: Duration,
        source: SourceKind,
        outputs: Arc<Outputs>,
    ) -> Result<Backend> {
        let path = demo_db_path(data_dir);
        let store = tokio::task::spawn_blocking(move || fresh_store(&path)).await??;
        let demo = Demo::start_source(source)
            .await
            .map_err(|e| Error::Demo(format!("{e:#}")))?;
        let engine = match demo.engine(store).await {
            Ok(engine) => engine,
            Err(e) => {
                demo.shutdown().await;
                return Err(e.into());
            }
        };
        tracing::info!(
            connectwise = %demo.cw_url(),
            source = %demo.source_url(),
            "demo simulators started"
        );
        let mut backend = Backend {
            engine: Arc::new(engine),
            demo: Some(demo),
            options: SchedulerOptions {
                interval_override: Some(interval),
                ..SchedulerOptions::default()
            },
            outputs,
            running: None,
        };
        backend.ensure_running().await?;
        Ok(backend)
    }

    /// The engine every command works through.
    pub fn engine(&self) -> Arc<Engine> {
        Arc::clone(&self.engine)
    }

    /// True in demo mode.
    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    /// The simulators, in demo mode (tests arm their faults).
    pub fn demo(&self) -> Option<&Demo> {
        self.demo.as_ref()
    }

    /// The scheduler, once the configuration is complete.
    pub fn scheduler(&self) -> Option<&Scheduler> {
        self.running.as_ref().map(|r| &r.scheduler)
    }

    /// Settings still missing before a sync can run (empty when configured).
    pub async fn missing(&self) -> Result<Vec<String>> {
        let settings = self.engine.settings().await?;
        Ok(settings
            .missing_for_sync()
            .into_iter()
            .map(str::to_owned)
            .collect())
    }

    /// Starts the scheduler if it is not running and the configuration is
    /// complete; otherwise publishes "not configured". Returns whether a
    /// scheduler runs afterwards.
    pub async fn ensure_running(&mut self) -> Result<bool> {
        if self.running.is_some() {
            return Ok(true);
        }
        let missing = self.missing().await?;
        if !missing.is_empty() {
            tracing::info!(missing = %missing.join(", "), "not configured: no background sync yet");
            self.outputs.publish(Snapshot {
                demo: self.is_demo(),
                phase: Phase::NotConfigured,
            });
            return Ok(false);
        }
        let scheduler = Scheduler::spawn(Arc::clone(&self.engine), self.options.clone());
        let forwarders = forward(&scheduler, self.is_demo(), Arc::clone(&self.outputs));
        tracing::info!(demo = self.is_demo(), "background sync started");
        self.running = Some(Running {
            scheduler,
            forwarders,
        });
        Ok(true)
    }

    /// Stops the scheduler (after the cycle in flight), waits for its
    /// forwarders to deliver what it published, and stops the simulators.
    pub async fn stop(self) {
        if let Some(running) = self.running {
            running.scheduler.stop().await;
            for task in running.forwarders {
                if let Err(error) = task.await {
                    tracing::warn!(%error, "a status forwarder ended badly");
                }
            }
        }
        if let Some(demo) = self.demo {
            demo.shutdown().await;
        }
        tracing::info!("background sync stopped");
    }
}

/// Opens `path` as a new empty database, removing any earlier one (and its
/// WAL files): the demo's ledger must not point at tickets of simulators
/// that no longer exist.
fn fresh_store(path: &Path) -> Result<Store> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Store::open(path)?)
}

/// Spawns the two forwarding tasks: every status change to
/// [`Outputs::publish`], every notification to [`Outputs::notify`]. Both end
/// when the scheduler stops (its channels close).
fn forward(scheduler: &Scheduler, demo: bool, outputs: Arc<Outputs>) -> [JoinHandle<()>; 2] {
    let mut status = scheduler.subscribe();
    let status_outputs = Arc::clone(&outputs);
    let status_task = tokio::spawn(async move {
        let mut logged = 0;
        loop {
            let now = status.borrow_and_update().clone();
            if now.cycles > logged {
                logged = now.cycles;
                log_cycle(&now);
            }
            status_outputs.publish(Snapshot {
                demo,
                phase: Phase::Running(now),
            });
            if status.changed().await.is_err() {
                break;
            }
        }
    });
    let mut notifications = scheduler.notifications();
    let notify_task = tokio::spawn(async move {
        loop {
            match notifications.recv().await {
                Ok(notification) => outputs.notify(&notification),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "notifications came faster than they were shown");
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
    [status_task, notify_task]
}

/// One log line per finished cycle, for the Logs screen and support.
fn log_cycle(status: &Status) {
    let counts = status
        .last_report
        .as_ref()
        .map(|r| r.counts)
        .unwrap_or_default();
    match &status.state {
        // The report may be an older cycle's when the whole cycle failed: no counts.
        SyncState::Error { reason, retryable } => tracing::warn!(
            cycle = status.cycles,
            retryable,
            "sync finished with errors: {reason}"
        ),
        _ => tracing::info!(
            cycle = status.cycles,
            created = counts.created,
            updated = counts.updated,
            notes = counts.notes,
            closed = counts.closed,
            reopened = counts.reopened,
            "sync finished"
        ),
    }
}

#[cfg(test)]
#[path = "backend_tests.rs"]
mod tests;
