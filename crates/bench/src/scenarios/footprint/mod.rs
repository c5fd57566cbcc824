//! Scenario 4, footprint.
//!
//! Headless: a child process `backup-bridge --data-dir DIR sync` (the real
//! loop, interval 10 s) against the simulators, its `/proc/PID/status`
//! sampled every 100 ms until it has finished its first cycle (the initial
//! sync of every event) and `headless_cycles` more. Peak = `VmHWM`.
//!
//! Desktop app: its tray process (`backup-bridge-tray`), what runs all day,
//! started idle in the tray as the login item starts it (`--minimized`: the
//! window process is not started until the window is opened) under
//! `xvfb-run -a dbus-run-session`, sampled every 5 s for `app_secs` in a
//! background thread while the other scenarios run. Any processes it starts
//! are its descendants and are counted in a second figure.

use std::fs::File;
use std::path::Path;
use std::process::Child;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use bridge_core::store::{runs, Store};

use super::datadir::{cli_command, configured_store, find_cli};
use super::Bench;
use crate::procfs::{cpu_of, memory_of, rss_split, threads_of};
use crate::report::{dur, Results, Row, Verdict};
use crate::world::{Shape, Tuning};

mod app;
pub(crate) use app::app_rows;
pub use app::{AppProbe, AppResult};

const HEADLESS: &str = "4 footprint, headless";
const APP: &str = "4 footprint, desktop app";
/// Goals of issue 6, in bytes (MB = 1,000,000 bytes).
const HEADLESS_GOAL: u64 = 15_000_000;
const APP_GOAL: u64 = 60_000_000;

/// `12.3 MB` (decimal, like the goals) from KiB.
pub(crate) fn mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 * 1024.0 / 1e6)
}

pub(crate) fn under(kib: u64, goal: u64) -> bool {
    kib * 1024 < goal
}

pub(crate) fn not_measured(scenario: &str, metric: &str, why: String, goal: &str) -> Row {
    Row {
        goal: goal.to_owned(),
        verdict: Verdict::Info,
        ..Row::new(scenario, metric, format!("not measured: {why}"))
    }
}

/// Kills a child this run started, and reaps it.
pub(crate) fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

pub(crate) fn headless(bench: &mut Bench) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let cli = match find_cli(bench) {
        Ok(cli) => cli,
        Err(why) => {
            out.row(not_measured(HEADLESS, "peak RSS", why, "< 15 MB"));
            return Ok(out);
        }
    };
    // A mid-sized MSP's load first, then the full 10,000 events.
    let mut shapes = vec![Shape::QUICK];
    if bench.opts.shape != Shape::QUICK {
        shapes.push(bench.opts.shape);
    }
    for shape in shapes {
        out.extend(headless_at(bench, &cli, shape)?);
    }
    Ok(out)
}

/// One headless loop over a world of `shape`.
fn headless_at(bench: &mut Bench, cli: &Path, shape: Shape) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let events = shape.events();
    let world = bench.start_world(shape)?;
    let dir = tempfile::tempdir()?;
    let tuning = Tuning {
        interval_secs: 10,
        ..Tuning::default()
    };
    let store = configured_store(&world, dir.path(), tuning)?;
    let stderr = File::create(dir.path().join("stderr.txt"))?;
    let mut child = cli_command(cli, dir.path(), &["sync"])
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("starting {}", cli.display()))?;
    let sampled = watch_headless(&mut child, &store, bench.opts.headless_cycles);
    stop(&mut child);
    bench.stop_world(world);
    let s = match sampled {
        Ok(s) => s,
        Err(e) => {
            let log = std::fs::read_to_string(dir.path().join("stderr.txt")).unwrap_or_default();
            anyhow::bail!("headless loop: {e}; its stderr: {}", log.trim());
        }
    };
    let steady_wall = s.end_at.saturating_duration_since(s.first_at);
    let steady_cpu = s.cpu_end.saturating_sub(s.cpu_first);
    let cycles = s.finished.saturating_sub(1).max(1) as u32;
    out.row(
        Row::new(
            HEADLESS,
            &format!("{events} events: peak RSS (VmHWM)"),
            mb(s.hwm_kib),
        )
        .goal("< 15 MB", under(s.hwm_kib, HEADLESS_GOAL)),
    );
    out.row(Row::new(
        HEADLESS,
        &format!("{events} events: RSS after the first cycle"),
        mb(s.rss_after_first_kib),
    ));
    out.row(Row::new(
        HEADLESS,
        &format!("{events} events: RSS in the steady loop (end): anonymous + file-backed"),
        format!(
            "{} = {} + {}",
            mb(s.rss_end_kib),
            mb(s.anon_end_kib),
            mb(s.file_end_kib)
        ),
    ));
    out.row(Row::new(
        HEADLESS,
        &format!("{events} events: CPU in the steady loop"),
        format!(
            "{:.2}% ({} per cycle, interval 10 s)",
            100.0 * steady_cpu.as_secs_f64() / steady_wall.as_secs_f64().max(1e-9),
            dur(steady_cpu / cycles)
        ),
    ));
    out.row(Row::new(
        HEADLESS,
        &format!("{events} events: first cycle (initial sync) wall time"),
        dur(s.first_cycle),
    ));
    out.row(Row::new(
        HEADLESS,
        &format!("{events} events: threads (most seen)"),
        s.threads.to_string(),
    ));
    out.note(
        HEADLESS,
        format!(
            "{events} events ({} companies): `{} --data-dir TMP sync` against the simulators (no latency, pace off), \
             sync.interval_secs 10; watched until {} cycles finished; first run created {} tickets \
             with {} errors; CPU from /proc/PID/stat (10 ms ticks)",
            shape.companies,
            cli.display(),
            s.finished,
            s.first_created,
            s.first_errors
        ),
    );
    Ok(out)
}

struct HeadlessSample {
    /// Most threads seen at once (each may hold its own malloc arena).
    threads: u64,
    hwm_kib: u64,
    rss_after_first_kib: u64,
    rss_end_kib: u64,
    anon_end_kib: u64,
    file_end_kib: u64,
    first_cycle: Duration,
    first_at: Instant,
    end_at: Instant,
    cpu_first: Duration,
    cpu_end: Duration,
    finished: usize,
    first_created: u32,
    first_errors: u32,
}

fn watch_headless(
    child: &mut Child,
    store: &Store,
    more_cycles: usize,
) -> anyhow::Result<HeadlessSample> {
    let pid = child.id();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(30 * 60);
    let mut first: Option<(Instant, Duration, u64)> = None;
    let (mut hwm, mut rss, mut threads) = (0, 0, 0);
    loop {
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("the loop exited early ({status})");
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "the loop did not finish {} cycles in 30 minutes",
                1 + more_cycles
            );
        }
        if let Some((r, h)) = memory_of(pid) {
            (rss, hwm) = (r, h.max(hwm));
        }
        threads = threads.max(threads_of(pid).unwrap_or(0));
        let runs = runs::recent_runs(store, 1000)?;
        let done: Vec<&runs::RunRecord> = runs.iter().filter(|r| r.finished_at.is_some()).collect();
        if first.is_none() && !done.is_empty() {
            first = Some((Instant::now(), cpu_of(pid).unwrap_or_default(), rss));
        }
        if let Some((first_at, cpu_first, rss_after_first)) = first {
            if done.len() > more_cycles {
                let oldest = done.last().map(|r| r.counts);
                let (anon, file) = rss_split(pid).unwrap_or_default();
                return Ok(HeadlessSample {
                    threads,
                    anon_end_kib: anon,
                    file_end_kib: file,
                    hwm_kib: memory_of(pid).map_or(hwm, |(_, h)| h.max(hwm)),
                    rss_after_first_kib: rss_after_first,
                    rss_end_kib: rss,
                    first_cycle: first_at - started,
                    first_at,
                    end_at: Instant::now(),
                    cpu_first,
                    cpu_end: cpu_of(pid).unwrap_or_default(),
                    finished: done.len(),
                    first_created: oldest.map_or(0, |c| c.created),
                    first_errors: oldest.map_or(0, |c| c.errors),
                });
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
}
