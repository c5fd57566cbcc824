//! `bridge-bench [--quick] [--scenario NAME]… [--write FILE]`: runs the
//! benchmarks, prints the table and optionally writes `BENCHMARKS.md`.
//!
//! Run it from the workspace root with `./scripts/bench.sh` (release builds
//! of the CLI, the bench and the app, then the full run writing
//! `BENCHMARKS.md`), or `./scripts/bench.sh --quick`. Run directly, the
//! desktop-app figure needs `--app PATH` (default: the release build, else the
//! debug one), `xvfb-run` and `dbus-run-session`; the window scenario also
//! the window binary next to it, `tauri-driver` and `WebKitWebDriver`, and
//! saves its screenshots in `target/screenshots`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Parser;

use bridge_bench::report::{Results, Verdict};
use bridge_bench::scenarios::{Bench, Options, Scenario};
use bridge_bench::world::Shape;

/// Benchmarks of the BackupBridge sync engine against the simulators.
#[derive(Debug, Parser)]
#[command(name = "bridge-bench", about, long_about = None)]
struct Args {
    /// A tenth of the size (1,000 events, 50 companies) and shorter samples.
    #[arg(long)]
    quick: bool,
    /// Run only these scenarios (repeatable): initial, steady, churn, throttle, sources, headless, window, app.
    #[arg(long = "scenario", value_name = "NAME")]
    scenarios: Vec<String>,
    /// Write the results as Markdown (e.g. BENCHMARKS.md).
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
    /// `backup-bridge` binary for the headless footprint (default: next to this one).
    #[arg(long, value_name = "PATH")]
    cli: Option<PathBuf>,
    /// The desktop app's tray process, what runs all day (default: target/release,
    /// else target/debug backup-bridge-tray).
    #[arg(long, value_name = "PATH")]
    app: Option<PathBuf>,
    /// Sync cycles the headless loop is watched for after its first (default 3).
    #[arg(long, value_name = "N", default_value_t = 3)]
    headless_cycles: usize,
    /// Seconds the idle app is sampled (default 600, quick 60).
    #[arg(long, value_name = "SECS")]
    app_secs: Option<u64>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut selected = Vec::new();
    for name in &args.scenarios {
        match Scenario::parse(name) {
            Some(s) => selected.push(s),
            None => {
                eprintln!(
                    "bridge-bench: unknown scenario \"{name}\" (known: initial, steady, churn, throttle, sources, headless, window, app)"
                );
                return ExitCode::from(2);
            }
        }
    }
    if selected.is_empty() {
        selected = Scenario::ALL.to_vec();
    }
    selected.sort();
    selected.dedup();
    match run(&args, &selected) {
        Ok(missed) => ExitCode::from(u8::from(missed)),
        Err(e) => {
            eprintln!("bridge-bench: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Runs the benchmarks; `true` when a goal was missed.
fn run(args: &Args, selected: &[Scenario]) -> anyhow::Result<bool> {
    let here = std::env::current_exe()?;
    let bin_dir = here.parent().map(Path::to_path_buf).unwrap_or_default();
    let target = bin_dir.parent().map(Path::to_path_buf).unwrap_or_default();
    let app = args.app.clone().or_else(|| {
        ["release", "debug"]
            .iter()
            .map(|p| target.join(p).join("backup-bridge-tray"))
            .find(|p| p.exists())
    });
    let opts = Options {
        shape: if args.quick {
            Shape::QUICK
        } else {
            Shape::FULL
        },
        steady_cycles: 20,
        churn_cycles: if args.quick { 3 } else { 5 },
        headless_cycles: args.headless_cycles,
        cli: Some(
            args.cli
                .clone()
                .unwrap_or_else(|| bin_dir.join("backup-bridge")),
        ),
        app,
        app_secs: args.app_secs.unwrap_or(if args.quick { 60 } else { 600 }),
        screenshots: Some(target.join("screenshots")),
    };
    let started = chrono::Utc::now();
    let mut bench = Bench::new(opts)?;
    let results = bench.run(selected);
    bench.shutdown();
    let results = results?;
    println!("{}", results.table());
    println!("{}", results.notes_text());
    if let Some(path) = &args.write {
        let names: Vec<&str> = selected.iter().map(|s| s.name()).collect();
        std::fs::write(path, document(args, &names, &results, started))?;
        eprintln!("[bench] wrote {}", path.display());
    }
    Ok(results.rows.iter().any(|r| r.verdict == Verdict::Missed))
}

fn shell(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `BENCHMARKS.md`: how it was produced, on what, and the results.
fn document(
    args: &Args,
    scenarios: &[&str],
    results: &Results,
    started: chrono::DateTime<chrono::Utc>,
) -> String {
    let date = shell("date", &[]).unwrap_or_else(|| started.to_rfc2822());
    let commit =
        shell("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = shell("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    let mode = if args.quick {
        "--quick (1,000 events, 50 companies)"
    } else {
        "full (10,000 events, 500 companies)"
    };
    format!(
        "# BackupBridge benchmarks\n\n\
         Produced by one command from the workspace root:\n\n\
         ```\n\
         ./scripts/bench.sh\n\
         ```\n\n\
         It installs what is missing, builds the UI and release builds of the CLI, the bench \
         and the desktop app, runs every scenario and rewrites this file (about 40 minutes). \
         With arguments it passes them to `bridge-bench` instead: `--quick` runs a tenth of the \
         size, `--scenario NAME` (repeatable) runs only initial, steady, churn, throttle, \
         sources, headless, window or app.\n\n\
         - machine: {machine}\n\
         - date: {date}\n\
         - commit: {commit}{dirty}\n\
         - mode: {mode}; scenarios: {scenarios}\n\n\
         Every scenario runs the real engine (`Engine::run_cycle`) against the in-process \
         simulators on loopback. The naive baseline (crates/bench/src/baseline.rs) is a \
         deliberately simple sequential loop over the same `CwClient`: one request at a time, \
         the agreement looked up for every ticket, no ledger (each cycle it re-reads every \
         ticket and its notes). Minimums count creates plus one agreement lookup per company \
         with a condition; the one-off discovery and template lookups are reported apart. \
         MB = 1,000,000 bytes.\n\n\
         ## Results\n\n{table}",
        machine = bridge_bench::procfs::machine(),
        dirty = if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        },
        scenarios = scenarios.join(", "),
        table = results.markdown(),
    )
}
