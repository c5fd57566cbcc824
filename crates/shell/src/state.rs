//! The one piece of managed state the shell owns: the folders, the outputs
//! (UI events, tray, notifications) and the current [`Backend`] behind a
//! tokio `RwLock`, so demo mode can be switched on and off and the scheduler
//! started once the configuration is complete.
//!
//! Commands take a read lock just long enough to clone the engine handle;
//! switching mode takes the write lock, so commands issued meanwhile wait
//! for the new backend instead of seeing a half-built one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bridge_core::alerts::ActivityFilter;
use bridge_core::engine::Engine;
use bridge_core::scheduler::Status;
use bridge_core::secrets::{EnvOverride, EnvSecrets, KeyringStore, SecretStore};
use bridge_core::source::SourceKind;
use bridge_link::launch::StartMode;
use tokio::sync::{OwnedRwLockWriteGuard, RwLock};

use crate::backend::{self, Backend, DEMO_INTERVAL_SECS};
use crate::error::{Error, Result};
use crate::events::{Outputs, Phase, Snapshot};

/// Folders the app writes to, resolved once at start-up from the OS conventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// The app's data folder, shared with the CLI
    /// (`bridge_core::store::default_data_dir()`).
    pub data_dir: PathBuf,
    /// Rotating log files, inside the data folder.
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// Paths for a given data folder.
    pub fn new(data_dir: PathBuf) -> Self {
        let log_dir = bridge_core::logs::log_dir(&data_dir);
        Self { data_dir, log_dir }
    }
}

/// What holds the backend.
pub enum Slot {
    /// Before the first start (never seen by commands: the start holds the lock).
    Empty,
    /// A backend runs.
    Ready(Box<Backend>),
    /// The backend could not start; commands repeat why.
    Failed {
        /// The kind of the failure (`database`, `demo`, ...).
        kind: &'static str,
        /// The sentence for the user.
        message: String,
    },
}

/// Which secrets real mode uses.
type SecretsFactory = Box<dyn Fn() -> Arc<dyn SecretStore> + Send + Sync>;

/// State shared by commands, the tray and window handlers.
pub struct AppState {
    /// Where data and logs live.
    pub paths: AppPaths,
    outputs: Arc<Outputs>,
    slot: Arc<RwLock<Slot>>,
    real_secrets: SecretsFactory,
    demo_interval: Duration,
    /// The backup platform the demo simulates (`--demo-source=`).
    demo_source: SourceKind,
    /// Set once the user has been told that closing the window keeps the app
    /// running in the tray, so the hint is shown once per run, not per close.
    tray_hint_shown: AtomicBool,
    /// Set when the app starts quitting.
    quitting: AtomicBool,
    /// The Activity filter a clicked notification asked the window for,
    /// until the window takes it (`take_activity_filter`).
    activity_request: Mutex<Option<ActivityFilter>>,
}

/// A summary of the backend for `app_info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendInfo {
    /// Demo mode.
    pub demo: bool,
    /// Settings still missing before a sync can run.
    pub missing: Vec<String>,
    /// Why the backend could not start: `(kind, message)`.
    pub error: Option<(&'static str, String)>,
}

impl AppState {
    /// State for `paths`: real mode reads secrets from the OS keychain behind
    /// the environment's (`BB_CW_SECRET`, `BB_DASHBOARD_TOKEN`), as `main`
    /// took them out of the process environment ([`EnvSecrets::take`]).
    pub fn new(paths: AppPaths, outputs: Arc<Outputs>, env: EnvSecrets) -> Self {
        Self::with_secrets(
            paths,
            outputs,
            Box::new(move || Arc::new(EnvOverride::from_taken(KeyringStore::new(), env.clone()))),
            Duration::from_secs(DEMO_INTERVAL_SECS),
        )
    }

    /// State with another source of real-mode secrets and demo interval (tests).
    pub fn with_secrets(
        paths: AppPaths,
        outputs: Arc<Outputs>,
        real_secrets: SecretsFactory,
        demo_interval: Duration,
    ) -> Self {
        Self {
            paths,
            outputs,
            slot: Arc::new(RwLock::new(Slot::Empty)),
            real_secrets,
            demo_interval,
            demo_source: SourceKind::Dashboard,
            tray_hint_shown: AtomicBool::new(false),
            quitting: AtomicBool::new(false),
            activity_request: Mutex::new(None),
        }
    }

    /// The same state, its demo simulating `kind`'s platform.
    pub fn with_demo_source(mut self, kind: SourceKind) -> Self {
        self.demo_source = kind;
        self
    }

    /// The shell's outputs (tray, UI events, notifications).
    pub fn outputs(&self) -> &Arc<Outputs> {
        &self.outputs
    }

    /// Takes the backend lock for the first start, before the app serves any
    /// command; [`AppState::start_with`] then fills it while commands wait.
    pub fn lock_for_start(&self) -> Result<OwnedRwLockWriteGuard<Slot>> {
        Arc::clone(&self.slot)
            .try_write_owned()
            .map_err(|_| Error::Internal("the backend is already starting".into()))
    }

    /// Starts the backend in `mode` into a slot locked by [`Self::lock_for_start`].
    pub async fn start_with(&self, mut slot: OwnedRwLockWriteGuard<Slot>, mode: StartMode) {
        let demo = match mode {
            StartMode::Real => false,
            StartMode::Demo => true,
            StartMode::DemoIfUnconfigured => {
                let dir = self.paths.data_dir.clone();
                match tokio::task::spawn_blocking(move || backend::nothing_configured(&dir)).await {
                    Ok(Ok(nothing)) => nothing,
                    // A damaged database is not "unconfigured": real mode reports it.
                    Ok(Err(_)) | Err(_) => false,
                }
            }
        };
        *slot = self.start(demo).await;
    }

    /// Switches to demo mode (`true`) or back to real mode, stopping the
    /// running backend first. If the demo cannot start, real mode comes back
    /// and the error is returned.
    pub async fn switch(&self, demo: bool) -> Result<()> {
        let mut slot = self.slot.write().await;
        if let Slot::Ready(old) = std::mem::replace(&mut *slot, Slot::Empty) {
            old.stop().await;
        }
        *slot = self.start(demo).await;
        match &*slot {
            Slot::Failed { kind, message } if demo => {
                let error = Error::Unavailable {
                    kind,
                    message: message.clone(),
                };
                *slot = self.start(false).await;
                Err(error)
            }
            _ => Ok(()),
        }
    }

    /// Repairs a damaged database — moves it aside and rebuilds what can
    /// still be read (`bridge_core::ops::recover_database`) — then starts the
    /// real backend again. Returns what was kept, one sentence per line.
    pub async fn recover_database(&self) -> Result<Vec<String>> {
        let mut slot = self.slot.write().await;
        if let Slot::Ready(old) = std::mem::replace(&mut *slot, Slot::Empty) {
            old.stop().await;
        }
        let dir = self.paths.data_dir.clone();
        let recovered =
            tokio::task::spawn_blocking(move || bridge_core::ops::recover_database(&dir)).await;
        *slot = self.start(false).await;
        Ok(recovered??.lines())
    }

    async fn start(&self, demo: bool) -> Slot {
        let outputs = Arc::clone(&self.outputs);
        let started = if demo {
            tracing::info!("starting in demo mode");
            let (dir, every) = (&self.paths.data_dir, self.demo_interval);
            Backend::start_demo(dir, every, self.demo_source, outputs).await
        } else {
            Backend::start_real(&self.paths.data_dir, (self.real_secrets)(), outputs).await
        };
        match started {
            Ok(backend) => Slot::Ready(Box::new(backend)),
            Err(error) => {
                let message = backend::start_failure(&error);
                tracing::error!(%message, "the sync backend could not start");
                self.outputs.publish(Snapshot {
                    demo,
                    phase: Phase::Failed(message.clone()),
                });
                Slot::Failed {
                    kind: error.kind(),
                    message,
                }
            }
        }
    }

    /// The engine of the running backend.
    pub async fn engine(&self) -> Result<Arc<Engine>> {
        match &*self.slot.read().await {
            Slot::Ready(backend) => Ok(backend.engine()),
            other => Err(unavailable(other)),
        }
    }

    /// Whether demo mode is on (false when the backend failed in real mode).
    pub async fn is_demo(&self) -> bool {
        matches!(&*self.slot.read().await, Slot::Ready(b) if b.is_demo())
    }

    /// Demo flag, missing settings and start error, for `app_info`.
    pub async fn info(&self) -> Result<BackendInfo> {
        match &*self.slot.read().await {
            Slot::Ready(backend) => Ok(BackendInfo {
                demo: backend.is_demo(),
                missing: backend.missing().await?,
                error: None,
            }),
            Slot::Failed { kind, message } => Ok(BackendInfo {
                demo: false,
                missing: Vec::new(),
                error: Some((kind, message.clone())),
            }),
            Slot::Empty => Err(unavailable(&Slot::Empty)),
        }
    }

    /// The scheduler's status; when no scheduler runs, the equivalent the
    /// tray shows (idle before configuration, an error naming why the
    /// backend could not start): the status describes, it does not fail.
    pub async fn status(&self) -> Result<Status> {
        match &*self.slot.read().await {
            Slot::Ready(backend) => Ok(match backend.scheduler() {
                Some(scheduler) => scheduler.status(),
                None => self.outputs.last().status(),
            }),
            Slot::Failed { .. } => Ok(self.outputs.last().status()),
            Slot::Empty => Err(unavailable(&Slot::Empty)),
        }
    }

    /// Asks for a cycle now; an error when nothing is configured yet.
    pub async fn sync_now(&self) -> Result<()> {
        match &*self.slot.read().await {
            Slot::Ready(backend) => match backend.scheduler() {
                Some(scheduler) => {
                    scheduler.sync_now().await;
                    Ok(())
                }
                None => Err(not_configured()),
            },
            other => Err(unavailable(other)),
        }
    }

    /// Pauses or resumes the background sync.
    pub async fn set_paused(&self, paused: bool) -> Result<()> {
        match &*self.slot.read().await {
            Slot::Ready(backend) => match backend.scheduler() {
                Some(scheduler) if paused => {
                    scheduler.pause().await;
                    Ok(())
                }
                Some(scheduler) => {
                    scheduler.resume().await;
                    Ok(())
                }
                None => Err(not_configured()),
            },
            other => Err(unavailable(other)),
        }
    }

    /// After the configuration changed: starts the scheduler if it is now
    /// complete, and with `sync_now` asks a running one for a cycle at once
    /// (a new connection is tried without waiting for the interval or a
    /// backoff). Never an error for "still not configured".
    pub async fn configuration_changed(&self, sync_now: bool) -> Result<()> {
        let mut slot = self.slot.write().await;
        let Slot::Ready(backend) = &mut *slot else {
            return Ok(());
        };
        let was_running = backend.scheduler().is_some();
        let running = backend.ensure_running().await?;
        if running && was_running && sync_now {
            if let Some(scheduler) = backend.scheduler() {
                scheduler.sync_now().await;
            }
        }
        Ok(())
    }

    /// Refuses in demo mode: what is saved there lives in the demo's own
    /// database and in memory, and is thrown away when the demo ends.
    pub async fn refuse_in_demo(&self, what: &str) -> Result<()> {
        if self.is_demo().await {
            return Err(Error::Invalid(format!(
                "This is demo mode: {what} would only change the demo. Leave demo mode first; \
                 your own settings are kept separately."
            )));
        }
        Ok(())
    }

    /// Stops the backend (the app is quitting).
    pub async fn shutdown(&self) {
        let mut slot = self.slot.write().await;
        if let Slot::Ready(backend) = std::mem::replace(&mut *slot, Slot::Empty) {
            backend.stop().await;
        }
    }

    /// Returns `true` exactly once: the first time the window is closed to the tray.
    pub fn take_tray_hint(&self) -> bool {
        !self.tray_hint_shown.swap(true, Ordering::SeqCst)
    }

    /// Asks the window to show the Activity screen with `filter` (a clicked
    /// notification); a newer request replaces one not taken yet.
    pub fn request_activity(&self, filter: ActivityFilter) {
        // A plain value: a panic elsewhere cannot leave it half-written.
        *self
            .activity_request
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(filter);
    }

    /// The Activity filter asked for and not shown yet, once: the window
    /// takes it when it starts and when told that one waits.
    pub fn take_activity_filter(&self) -> Option<ActivityFilter> {
        self.activity_request
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Returns `true` exactly once: when the app first asks to quit.
    pub fn begin_quit(&self) -> bool {
        !self.quitting.swap(true, Ordering::SeqCst)
    }

    /// Whether the app is quitting.
    pub fn is_quitting(&self) -> bool {
        self.quitting.load(Ordering::SeqCst)
    }
}

fn unavailable(slot: &Slot) -> Error {
    match slot {
        Slot::Failed { kind, message } => Error::Unavailable {
            kind,
            message: message.clone(),
        },
        Slot::Empty | Slot::Ready(_) => {
            Error::Internal("BackupBridge is starting or stopping; try again".into())
        }
    }
}

fn not_configured() -> Error {
    Error::Core(bridge_core::Error::Config(
        "the connection is not set up yet: complete Setup first".into(),
    ))
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
