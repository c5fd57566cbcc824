//! The sync engine: one cycle settles unconfirmed calls, then reads the
//! backup source's events ([`listing`]: the Dashboard's pages, or a
//! platform's incidents from the deriver) one page at a time, planning (pure, [`plan`]) and applying
//! ([`execute`]) each page before the next ([`pass`]); removals and rule 8's
//! ticket-state lookups wait for the last page. It then records each
//! company's Last Update Status and the run. A cycle whose inputs are all as
//! the last in-step cycle left them skips decoding and planning ([`in_step`]).
//!
//! A cycle holds the data folder's writer lock from start to end (rule 12),
//! so one process at a time writes the outbox, sends its calls and settles
//! them.
//!
//! The shell, the CLI and the scheduler call [`Engine::run_cycle_guarded`]
//! (or [`Engine::run_cycle`]); they hold no rule. One cycle's body, between
//! the locks and the run record, is in [`cycle`].

mod adopt;
mod blocking;
mod connect;
mod cycle;
mod execute;
mod guarded;
mod in_step;
mod inputs;
mod listing;
mod lookups;
mod outcome;
mod pass;
pub mod plan;
mod recover;
mod removals;
pub mod render;
mod report;
pub mod rollup;
pub(crate) mod seen;
mod steps;
pub mod storm;
pub mod template;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;

use cycle::Cycle;

pub(crate) use blocking::{db, db_store};
pub use connect::{cw_client, dashboard_client, secret_host, source_client, NetTuning};
pub use guarded::SharedSink;
pub use inputs::{rules, scopes};
pub use outcome::{storm_line, ActionLine, Problem, RollupOpened, RunReport};
pub use pass::ActionSink;
pub use removals::{guarded_removals, GUARDED_REMOVALS_KEY};

use crate::cw::CwClient;
use crate::secrets::SecretStore;
use crate::source::Source;
use crate::store::runs;
use crate::store::settings::{self, Settings};
use crate::store::{lock, Store, WriterLock};
use crate::Error;

/// The engine: a store, the keychain, and a ConnectWise client reused across
/// cycles while the connection settings stay the same.
pub struct Engine {
    store: Store,
    secrets: Arc<dyn SecretStore>,
    cw_cache: connect::ClientCache<CwClient>,
    source_cache: connect::ClientCache<Source>,
    /// The last in-step cycle, while its inputs may still hold (rule 10).
    in_step: std::sync::Mutex<Option<in_step::InStep>>,
    /// Cycles answered from `in_step` so far.
    in_step_hits: std::sync::atomic::AtomicU64,
    tuning: NetTuning,
    /// One cycle at a time within this process; the writer lock keeps other
    /// processes out (rule 12).
    cycle_gate: tokio::sync::Mutex<()>,
    /// How long a cycle waits for another process's writer lock.
    lock_wait: Duration,
    /// The next cycle that reaches the removals applies them even past the
    /// removal guard (rule 15).
    confirm_removals: AtomicBool,
}

impl Engine {
    pub fn new(store: Store, secrets: Arc<dyn SecretStore>) -> Engine {
        Engine {
            store,
            secrets,
            cw_cache: connect::ClientCache::new(),
            source_cache: connect::ClientCache::new(),
            in_step: std::sync::Mutex::new(None),
            in_step_hits: std::sync::atomic::AtomicU64::new(0),
            tuning: NetTuning::default(),
            cycle_gate: tokio::sync::Mutex::new(()),
            lock_wait: lock::WRITER_WAIT,
            confirm_removals: AtomicBool::new(false),
        }
    }

    /// The same engine waiting `wait` for another process's writer lock
    /// (tests; the product waits [`lock::WRITER_WAIT`]).
    pub fn with_lock_wait(mut self, wait: Duration) -> Engine {
        self.lock_wait = wait;
        self
    }

    /// A person confirmed the removals the removal guard held back (rule
    /// 15): the next cycle that reaches them applies them, however many.
    pub fn confirm_removals(&self) {
        self.confirm_removals.store(true, Ordering::SeqCst);
    }

    /// The data folder's writer lock (rule 12); `None` for an in-memory
    /// store, which no other process can open.
    pub async fn writer_lock(&self) -> Result<Option<WriterLock>, Error> {
        let Some(dir) = self.store.path().and_then(std::path::Path::parent) else {
            return Ok(None);
        };
        Ok(Some(lock::lock(dir, self.lock_wait).await?))
    }

    /// The same engine with other timeouts and retry pacing (tests, where a
    /// hung request must not cost the product's 30 s).
    pub fn with_tuning(mut self, tuning: NetTuning) -> Engine {
        self.tuning = tuning;
        self
    }

    /// The store this engine writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// How many cycles found every input as the last in-step cycle left it,
    /// and so skipped decoding and planning (diagnostics and tests).
    pub fn in_step_hits(&self) -> u64 {
        self.in_step_hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The keychain this engine reads secrets from.
    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    /// The current settings.
    pub async fn settings(&self) -> Result<Settings, Error> {
        db_store(&self.store, Settings::load).await
    }

    /// A ConnectWise client for the current settings (cached while they hold).
    pub async fn cw(&self) -> Result<CwClient, Error> {
        let settings = self.settings().await?;
        let codebase = db_store(&self.store, |s| settings::get(s, CODEBASE_KEY)).await?;
        self.cw_for(&settings, codebase)
    }

    /// A ConnectWise client for `settings` and the saved codebase (cached
    /// while they hold).
    fn cw_for(&self, settings: &Settings, codebase: Option<String>) -> Result<CwClient, Error> {
        let (key, mut config) = connect::cw_config(settings, self.secrets.as_ref(), codebase)?;
        config.request_timeout = self.tuning.request_timeout;
        self.cw_cache.get_or_build(&key, || {
            Ok(CwClient::new(config)?
                .with_backoff(self.tuning.cw_backoff_base, self.tuning.cw_max_wait))
        })
    }

    /// The backup source for `settings` (cached while they hold, so a
    /// platform's sign-in token is reused across cycles).
    fn source(&self, settings: &Settings) -> Result<Source, Error> {
        let config = connect::source_config(settings, self.secrets.as_ref(), &self.tuning)?;
        let key = config.key().to_owned();
        self.source_cache.get_or_build(&key, || config.build())
    }

    /// Persists the codebase the client discovered so the next cycle (or the
    /// next process) skips discovery (rule 10).
    async fn remember_codebase(&self, cw: &CwClient, before: Option<String>) -> Result<(), Error> {
        let now = cw.codebase();
        if now.is_some() && now != before {
            let value = now.unwrap_or_default();
            db_store(&self.store, move |s| settings::set(s, CODEBASE_KEY, &value)).await?;
        }
        Ok(())
    }

    /// One sync cycle. `dry_run` plans (looking up agreements and ticket
    /// states read-only) and writes nothing. The report lists every action.
    pub async fn run_cycle(&self, dry_run: bool) -> Result<RunReport, Error> {
        let lines = std::sync::Mutex::new(Vec::new());
        let keep = |line: ActionLine| {
            if let Ok(mut lines) = lines.lock() {
                lines.push(line);
            }
        };
        let mut report = self.run_cycle_with(dry_run, &keep).await?;
        report.actions = lines.into_inner().unwrap_or_default();
        Ok(report)
    }

    /// One sync cycle whose actions go to `on_action` as they are done (the
    /// report's `actions` stay empty): a first sync of many events keeps
    /// none of them.
    pub async fn run_cycle_with(
        &self,
        dry_run: bool,
        on_action: ActionSink<'_>,
    ) -> Result<RunReport, Error> {
        let store = &self.store;
        let _locks = self.cycle_locks(dry_run).await?;
        let settings = self.settings().await?;
        let listing_source = self.source(&settings)?;
        // Compared with what the database holds, not with the client: the
        // client may have discovered the codebase before this cycle (mapping a
        // company), and a new process must still find it saved (rule 10).
        let codebase_before = db_store(store, |s| settings::get(s, CODEBASE_KEY)).await?;
        let cw = self.cw_for(&settings, codebase_before.clone())?;
        let now = now_text();
        let run_id = if dry_run {
            None
        } else {
            Some(self.start_run().await?)
        };
        let mut report = RunReport {
            dry_run,
            ..RunReport::default()
        };
        let cycle = Cycle {
            settings: &settings,
            listing_source: &listing_source,
            cw: &cw,
            dry_run,
            now: &now,
            on_action,
            source: listing_source.identity(),
            confirmed_removals: self.confirm_removals.load(Ordering::SeqCst),
        };
        let result = self.logged_cycle(cycle, run_id, &mut report).await;
        if !dry_run {
            self.remember_codebase(&cw, codebase_before).await?;
        }
        report.run_id = run_id;
        if let Some(id) = run_id {
            self.finish_run(id, &report, &result).await?;
        }
        result.map(|()| report)
    }

    /// Rule 12: the whole cycle is this process's, and this process's
    /// alone, from the first write to the last. A dry run takes neither lock.
    async fn cycle_locks(&self, dry_run: bool) -> Result<CycleLocks<'_>, Error> {
        if dry_run {
            return Ok(CycleLocks {
                _writer: None,
                _gate: None,
            });
        }
        let gate = self.cycle_gate.lock().await;
        Ok(CycleLocks {
            _writer: self.writer_lock().await?,
            _gate: Some(gate),
        })
    }

    /// Opens this cycle's run record.
    async fn start_run(&self) -> Result<runs::RunId, Error> {
        let store = &self.store;
        // A run cut off by a crash is closed with a note, never left "running".
        db_store(store, |s| {
            runs::close_unfinished(s, "BackupBridge stopped during this run")
        })
        .await?;
        db_store(store, runs::start_run).await
    }

    /// One cycle's body, logged at its start and end.
    async fn logged_cycle(
        &self,
        cycle: Cycle<'_>,
        run_id: Option<runs::RunId>,
        report: &mut RunReport,
    ) -> Result<(), Error> {
        // Every line this cycle logs carries its run id (`sync{run=42}:`),
        // so the Logs screen and `grep` can pick one run out of a day's log.
        let span = match run_id {
            Some(id) => tracing::info_span!("sync", run = id),
            None => tracing::info_span!("sync", run = "dry-run"),
        };
        async {
            tracing::info!(source = %cycle.source, "sync cycle started");
            let result = self.cycle(cycle, report).await;
            match &result {
                Ok(()) => tracing::info!(
                    created = report.counts.created,
                    updated = report.counts.updated,
                    notes = report.counts.notes,
                    closed = report.counts.closed,
                    held = report.creates_held,
                    errors = report.errors.len(),
                    "sync cycle finished"
                ),
                Err(error) => tracing::warn!(%error, "sync cycle failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    /// Closes run `id` with the cycle's counts and errors, then prunes old
    /// history.
    async fn finish_run(
        &self,
        id: runs::RunId,
        report: &RunReport,
        result: &Result<(), Error>,
    ) -> Result<(), Error> {
        let store = &self.store;
        // What was done before a failure is in the run's counts.
        let errors: Vec<String> = match result {
            Ok(()) => report.errors.iter().map(|p| p.message.clone()).collect(),
            Err(e) => vec![e.to_string()],
        };
        let counts = report.counts;
        db_store(store, move |s| runs::finish_run(s, id, &counts, &errors)).await?;
        // Rule 17: old outbox rows and runs go (a failure is only logged).
        let prune = |s: &Store| crate::store::prune_history(s, chrono::Utc::now());
        if let Err(error) = db_store(store, prune).await {
            tracing::warn!(%error, "old sync history could not be pruned");
        }
        Ok(())
    }
}

/// The locks a cycle holds to its end (rule 12). The fields drop in order:
/// the writer lock, then the in-process gate.
struct CycleLocks<'a> {
    /// The data folder's writer lock; keeps other processes out.
    _writer: Option<WriterLock>,
    /// One cycle at a time within this process.
    _gate: Option<tokio::sync::MutexGuard<'a, ()>>,
}

/// Settings key caching the discovered ConnectWise codebase.
pub const CODEBASE_KEY: &str = "internal.cw_codebase";

/// Current time in the RFC 3339 form stored everywhere.
pub fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
