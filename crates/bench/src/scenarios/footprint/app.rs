//! Scenario 4's desktop-app half: the tray process started idle under
//! `xvfb-run`, sampled in a background thread while the other scenarios
//! run, and its rows.

use super::{mb, not_measured, stop, under, APP, APP_GOAL};
use crate::procfs::{cpu_of, memory_of, name_of, process_tree};
use crate::report::{dur, Results, Row};
use crate::scenarios::datadir::{headless_display, Home, SCREEN};
use anyhow::Context as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What the desktop-app sample found.
#[derive(Debug, Clone)]
pub enum AppResult {
    NotRun(String),
    Measured {
        binary: PathBuf,
        wall: Duration,
        main_hwm_kib: u64,
        main_rss_kib: u64,
        tree_peak_kib: u64,
        tree_end_kib: u64,
        processes: usize,
        /// CPU of the app and its helpers over `idle` (after the warm-up).
        cpu: Duration,
        idle: Duration,
    },
}

/// The background sampler of the desktop app.
pub struct AppProbe {
    handle: Option<JoinHandle<AppResult>>,
    not_run: Option<String>,
}

impl AppProbe {
    /// Starts the app and its sampler thread (or notes why it cannot).
    pub fn start(app: Option<PathBuf>, secs: u64) -> AppProbe {
        let Some(bin) = app.filter(|p| p.exists()) else {
            return AppProbe {
                handle: None,
                not_run: Some(
                    "no desktop app binary (target/release or target/debug backup-bridge-tray)"
                        .to_owned(),
                ),
            };
        };
        let handle = thread::Builder::new()
            .name("bb-app-probe".to_owned())
            .spawn(move || {
                sample_app(&bin, Duration::from_secs(secs))
                    .unwrap_or_else(|e| AppResult::NotRun(e.to_string()))
            });
        match handle {
            Ok(h) => AppProbe {
                handle: Some(h),
                not_run: None,
            },
            Err(e) => AppProbe {
                handle: None,
                not_run: Some(format!("could not start the sampler thread: {e}")),
            },
        }
    }

    /// Waits for the sample to finish.
    pub fn finish(self) -> AppResult {
        match (self.handle, self.not_run) {
            (Some(h), _) => h
                .join()
                .unwrap_or_else(|_| AppResult::NotRun("the sampler thread panicked".to_owned())),
            (None, why) => AppResult::NotRun(why.unwrap_or_default()),
        }
    }
}

fn sample_app(bin: &Path, span: Duration) -> anyhow::Result<AppResult> {
    let home = Home::new()?;
    let log = File::create(home.path().join("app-stderr.txt"))?;
    let mut command = headless_display();
    command.arg(bin).arg("--minimized");
    let mut wrapper = home
        .apply(&mut command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("starting xvfb-run (apt: xvfb, dbus)")?;
    let comm: String = bin
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(15).collect())
        .unwrap_or_default();
    let found = Instant::now();
    let pid = loop {
        let app = process_tree(wrapper.id())
            .into_iter()
            .find(|p| name_of(*p).as_deref() == Some(comm.as_str()));
        if let Some(pid) = app {
            break pid;
        }
        if found.elapsed() > Duration::from_secs(60) || wrapper.try_wait()?.is_some() {
            stop(&mut wrapper);
            let text =
                std::fs::read_to_string(home.path().join("app-stderr.txt")).unwrap_or_default();
            anyhow::bail!("the app did not start: {}", text.trim());
        }
        thread::sleep(Duration::from_millis(200));
    };
    let tree_cpu =
        |pid: u32| -> Duration { process_tree(pid).into_iter().filter_map(cpu_of).sum() };
    let tree_rss = |pid: u32| -> (u64, usize) {
        let tree = process_tree(pid);
        let rss = tree
            .iter()
            .filter_map(|p| memory_of(*p))
            .map(|(r, _)| r)
            .sum();
        (rss, tree.len())
    };
    let t0 = Instant::now();
    // Idle CPU is counted after start-up settles: from a tenth of the span
    // (at least 10 s, at most half of it).
    let warm_up = (span / 10).max(Duration::from_secs(10)).min(span / 2);
    let mut cpu_start: Option<(Instant, Duration)> = None;
    let (mut tree_peak, mut tree_end, mut processes) = (0, 0, 0);
    let (mut main_rss, mut main_hwm) = (0, 0);
    while t0.elapsed() < span {
        if memory_of(pid).is_none() {
            break;
        }
        let (rss, n) = tree_rss(pid);
        (tree_end, processes) = (rss, n);
        tree_peak = tree_peak.max(rss);
        if let Some((r, h)) = memory_of(pid) {
            (main_rss, main_hwm) = (r, h);
        }
        if cpu_start.is_none() && t0.elapsed() >= warm_up {
            cpu_start = Some((Instant::now(), tree_cpu(pid)));
        }
        thread::sleep(Duration::from_secs(5).min(span.saturating_sub(t0.elapsed())));
    }
    let wall = t0.elapsed();
    let (idle_since, cpu0) = cpu_start.unwrap_or((t0, Duration::ZERO));
    let idle = idle_since.elapsed();
    let cpu = tree_cpu(pid).saturating_sub(cpu0);
    let alive = memory_of(pid).is_some();
    // End the app (our grandchild, by id); xvfb-run then stops its X server.
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let waited = Instant::now();
    while wrapper.try_wait()?.is_none() && waited.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(100));
    }
    stop(&mut wrapper);
    if !alive {
        anyhow::bail!("the app exited during the sample");
    }
    Ok(AppResult::Measured {
        binary: bin.to_owned(),
        wall,
        main_hwm_kib: main_hwm,
        main_rss_kib: main_rss,
        tree_peak_kib: tree_peak,
        tree_end_kib: tree_end,
        processes,
        cpu,
        idle,
    })
}

/// Rows for the app sample.
pub(crate) fn app_rows(result: AppResult) -> Results {
    let mut out = Results::default();
    match result {
        AppResult::NotRun(why) => {
            out.row(not_measured(APP, "RSS idle in the tray", why, "< 60 MB"));
        }
        AppResult::Measured {
            binary,
            wall,
            main_hwm_kib,
            main_rss_kib,
            tree_peak_kib,
            tree_end_kib,
            processes,
            cpu,
            idle,
        } => {
            out.row(
                Row::new(
                    APP,
                    "tray process RSS after the idle period",
                    mb(main_rss_kib),
                )
                .goal("< 60 MB", under(main_rss_kib, APP_GOAL)),
            );
            out.row(Row::new(
                APP,
                "tray process peak RSS (VmHWM)",
                mb(main_hwm_kib),
            ));
            out.row(
                Row::new(
                    APP,
                    &format!("with its child processes ({processes} processes), end / peak"),
                    format!("{} / {}", mb(tree_end_kib), mb(tree_peak_kib)),
                )
                .goal("< 60 MB", under(tree_end_kib, APP_GOAL)),
            );
            out.row(Row::new(
                APP,
                "idle CPU (all its processes)",
                format!(
                    "{:.3}% ({} over the last {})",
                    100.0 * cpu.as_secs_f64() / idle.as_secs_f64().max(1e-9),
                    dur(cpu),
                    dur(idle)
                ),
            ));
            let build = if binary.components().any(|c| c.as_os_str() == "debug") {
                "a DEBUG build (no release build of the tray process was found): RSS is far above what a release build would use"
            } else {
                "a release build"
            };
            out.note(
                APP,
                format!(
                    "`xvfb-run -a -s \"{SCREEN}\" dbus-run-session -- {} --minimized` \
                     with a fresh HOME, as the login item starts it: the tray process runs the sync, \
                     the tray icon and notifications and links no web engine; the window is a second \
                     process (`backup-bridge-app --window`, WebKit) that runs only while the window is \
                     open. Sampled every 5 s for {} while the other scenarios ran; {build}",
                    binary.display(),
                    dur(wall)
                ),
            );
        }
    }
    out
}
