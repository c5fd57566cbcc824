//! The background sync loop: a component with a handle and a command channel.
//!
//! It runs a cycle every `sync.interval_secs` (re-read each time), on
//! `sync_now`, never while paused, and backs off with capped, jittered
//! exponential delays while the dashboard or ConnectWise is down. Its status
//! (idle / syncing / paused / error with reason) is published on a watch
//! channel for the tray, the UI and the CLI. Missed ticks are skipped, never
//! queued; `stop` ends the loop cleanly after the cycle in flight. A cycle
//! that panics is a failed, retryable cycle: the loop and its schedule go on.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use crate::alerts::{self, Alerts, CycleContext, Notification};
use crate::engine::{Engine, RunReport, SharedSink};
use crate::store::settings::Settings;

/// First delay after a retryable failure.
pub const BACKOFF_BASE_SECS: u64 = 15;
/// Longest delay between attempts while something is down.
pub const BACKOFF_CAP_SECS: u64 = 900;

/// What the loop is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    /// Waiting for the next cycle; the last one (if any) succeeded.
    Idle,
    Syncing,
    Paused,
    /// The last cycle failed (`retryable`: it will be tried again with backoff),
    /// or finished with errors.
    Error {
        reason: String,
        retryable: bool,
    },
}

/// The published status.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Status {
    pub state: SyncState,
    /// Cycles finished since start (successful or not).
    pub cycles: u64,
    /// RFC 3339 time the last cycle ended.
    pub last_run_at: Option<String>,
    pub last_report: Option<Arc<RunReport>>,
    /// Seconds until the next planned cycle (absent while paused or syncing).
    pub next_in_secs: Option<u64>,
}

impl Status {
    fn initial() -> Status {
        Status {
            state: SyncState::Idle,
            cycles: 0,
            last_run_at: None,
            last_report: None,
            next_in_secs: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    SyncNow,
    Pause,
    Resume,
    Stop,
}

/// Options for the loop.
#[derive(Clone)]
pub struct SchedulerOptions {
    /// Start paused (nothing runs until `resume` or `sync_now`).
    pub start_paused: bool,
    /// Run the first cycle at once instead of after one interval.
    pub run_at_start: bool,
    /// Overrides `sync.interval_secs` (tests, the demo).
    pub interval_override: Option<Duration>,
    /// Receives each action as it is done. The status's `last_report` keeps
    /// counts and problems, not the actions: a first sync of many events
    /// would otherwise hold a line per ticket until the next cycle.
    pub on_action: Option<SharedSink>,
}

impl std::fmt::Debug for SchedulerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchedulerOptions")
            .field("start_paused", &self.start_paused)
            .field("run_at_start", &self.run_at_start)
            .field("interval_override", &self.interval_override)
            .field("on_action", &self.on_action.is_some())
            .finish()
    }
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions {
            start_paused: false,
            run_at_start: true,
            interval_override: None,
            on_action: None,
        }
    }
}

/// Handle to the running loop.
pub struct Scheduler {
    commands: mpsc::Sender<Command>,
    status: watch::Receiver<Status>,
    notifications: broadcast::Sender<Notification>,
    task: JoinHandle<()>,
}

impl Scheduler {
    /// Starts the loop on the current tokio runtime.
    pub fn spawn(engine: Arc<Engine>, options: SchedulerOptions) -> Scheduler {
        let (commands, rx) = mpsc::channel(16);
        let (status_tx, status) = watch::channel(Status::initial());
        let (notifications, _) = broadcast::channel(32);
        let task = tokio::spawn(run_loop(
            engine,
            options,
            rx,
            status_tx,
            notifications.clone(),
        ));
        Scheduler {
            commands,
            status,
            notifications,
            task,
        }
    }

    /// Runs a cycle now (after the one in flight, if any).
    pub async fn sync_now(&self) {
        let _ = self.commands.send(Command::SyncNow).await;
    }

    pub async fn pause(&self) {
        let _ = self.commands.send(Command::Pause).await;
    }

    pub async fn resume(&self) {
        let _ = self.commands.send(Command::Resume).await;
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// A receiver that wakes on every status change.
    pub fn subscribe(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    /// Notifications to show: each distinct failure once, and recoveries.
    pub fn notifications(&self) -> broadcast::Receiver<Notification> {
        self.notifications.subscribe()
    }

    /// Stops the loop after the cycle in flight and waits for it to end.
    pub async fn stop(self) {
        let _ = self.commands.send(Command::Stop).await;
        let _ = self.task.await;
    }
}

/// Capped exponential backoff with full jitter for the `failures`-th
/// consecutive retryable failure (1-based).
pub fn backoff(failures: u32) -> Duration {
    let exp = BACKOFF_BASE_SECS.saturating_mul(1u64 << failures.saturating_sub(1).min(16));
    let cap = exp.min(BACKOFF_CAP_SECS);
    // Half fixed, half random: never a thundering herd, never near zero.
    let jitter = rand::thread_rng().gen_range(0..=cap / 2);
    Duration::from_secs(cap / 2 + jitter)
}

async fn interval(engine: &Engine, options: &SchedulerOptions) -> Duration {
    if let Some(d) = options.interval_override {
        return d;
    }
    let store = engine.store().clone();
    let secs = tokio::task::spawn_blocking(move || Settings::load(&store))
        .await
        .ok()
        .and_then(Result::ok)
        .map_or(300, |s| s.sync_interval_secs);
    Duration::from_secs(secs)
}

async fn run_loop(
    engine: Arc<Engine>,
    options: SchedulerOptions,
    mut commands: mpsc::Receiver<Command>,
    status: watch::Sender<Status>,
    notifications: broadcast::Sender<Notification>,
) {
    let mut alerts = Alerts::new();
    let mut pace = Pace {
        paused: options.start_paused,
        failures: 0,
        wait: if options.run_at_start {
            Duration::ZERO
        } else {
            interval(&engine, &options).await
        },
    };
    if pace.paused {
        status.send_modify(|s| s.state = SyncState::Paused);
    }
    loop {
        if !pace.paused {
            status.send_modify(|s| s.next_in_secs = Some(pace.wait.as_secs()));
        }
        let run = tokio::select! {
            cmd = commands.recv() => match pace.command(cmd, &status) {
                ControlFlow::Continue(run) => run,
                ControlFlow::Break(()) => break,
            },
            _ = tokio::time::sleep(pace.wait), if !pace.paused => true,
        };
        if !run {
            continue;
        }
        status.send_modify(|s| {
            s.state = SyncState::Syncing;
            s.next_in_secs = None;
        });
        let result = run_cycle(&engine, &options, &mut alerts, &notifications).await;
        let next = interval(&engine, &options).await;
        let state = pace.settle(result, next, &status);
        let state = if pace.paused {
            SyncState::Paused
        } else {
            state
        };
        status.send_modify(|s| {
            s.state = state;
            s.cycles += 1;
            s.last_run_at = Some(crate::engine::now_text());
        });
        // What the cycle freed goes back to the OS until the next one.
        crate::mem::release_free_memory();
    }
}

/// Runs one cycle and sends the notifications its outcome calls for.
async fn run_cycle(
    engine: &Arc<Engine>,
    options: &SchedulerOptions,
    alerts: &mut Alerts,
    notifications: &broadcast::Sender<Notification>,
) -> Result<RunReport, crate::Error> {
    // A panic in the cycle is a failed cycle, never the end of the loop.
    let sink = options
        .on_action
        .clone()
        .unwrap_or_else(|| Arc::new(|_| {}));
    let started_at = crate::engine::now_text();
    let result = engine.run_cycle_guarded(false, Some(sink)).await;
    let failed = alerts::failed_events(&result);
    let tickets = if failed.is_empty() {
        Default::default()
    } else {
        // Without the links the notification still shows; a click opens nothing.
        crate::ops::ticket_links(engine, failed)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "the failed events' tickets could not be read");
                Default::default()
            })
    };
    let cx = CycleContext {
        started_at,
        tickets,
    };
    for n in alerts.observe(&result, &cx) {
        // No subscriber (headless) is fine: the status carries the reason.
        let _ = notifications.send(n);
    }
    result
}

/// What the loop keeps between cycles.
struct Pace {
    paused: bool,
    /// Consecutive retryable failures (the backoff grows with them).
    failures: u32,
    /// How long until the next cycle.
    wait: Duration,
}

impl Pace {
    /// Applies a command: `Continue(true)` runs a cycle now,
    /// `Continue(false)` waits again, `Break` ends the loop.
    fn command(
        &mut self,
        cmd: Option<Command>,
        status: &watch::Sender<Status>,
    ) -> ControlFlow<(), bool> {
        match cmd {
            Some(Command::SyncNow) => ControlFlow::Continue(true),
            Some(Command::Pause) => {
                self.paused = true;
                status.send_modify(|s| {
                    s.state = SyncState::Paused;
                    s.next_in_secs = None;
                });
                ControlFlow::Continue(false)
            }
            Some(Command::Resume) => {
                if self.paused {
                    self.paused = false;
                    self.wait = Duration::ZERO;
                    status.send_modify(|s| s.state = SyncState::Idle);
                }
                ControlFlow::Continue(false)
            }
            Some(Command::Stop) | None => ControlFlow::Break(()),
        }
    }

    /// Sets the wait after a cycle (`next`: the configured interval, or a
    /// backoff after a retryable failure) and returns the state it leaves;
    /// a report is published.
    fn settle(
        &mut self,
        result: Result<RunReport, crate::Error>,
        next: Duration,
        status: &watch::Sender<Status>,
    ) -> SyncState {
        match result {
            Ok(report) => {
                self.failures = 0;
                self.wait = next;
                let state = report_state(&report);
                status.send_modify(|s| s.last_report = Some(Arc::new(report)));
                state
            }
            Err(e) => {
                let retryable = e.is_retryable();
                if retryable {
                    self.failures += 1;
                    self.wait = backoff(self.failures)
                        .min(next.max(Duration::from_secs(BACKOFF_BASE_SECS)));
                } else {
                    self.failures = 0;
                    self.wait = next;
                }
                tracing::warn!("sync failed: {e}");
                SyncState::Error {
                    reason: e.to_string(),
                    retryable,
                }
            }
        }
    }
}

/// The state a finished cycle's report leaves: idle, or an error naming
/// its first problem.
fn report_state(report: &RunReport) -> SyncState {
    match report.errors.first() {
        None => SyncState::Idle,
        Some(first) => SyncState::Error {
            reason: if report.errors.len() == 1 {
                first.message.clone()
            } else {
                format!("{first} (and {} more)", report.errors.len() - 1)
            },
            retryable: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for failures in 1..40 {
            let d = backoff(failures).as_secs();
            let cap = (BACKOFF_BASE_SECS << (failures - 1).min(16)).min(BACKOFF_CAP_SECS);
            assert!(d >= cap / 2 && d <= cap, "{failures}: {d} vs cap {cap}");
        }
        assert!(backoff(100).as_secs() <= BACKOFF_CAP_SECS);
    }
}
