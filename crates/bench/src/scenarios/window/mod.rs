//! Scenario 6, the desktop window at scale (issue 18).
//!
//! For 100 events, then the run's size (10,000; 1,000 with `--quick`): the
//! simulators serve that many events and one `backup-bridge sync --once`
//! fills the ledger of a data folder in a private home. Then the real
//! window opens on that folder as a user opens it: the release
//! `backup-bridge-app` (which starts its tray process and becomes its
//! window), launched by tauri-driver and WebKitWebDriver under `xvfb-run`
//! (1280×800) and `dbus-run-session`, driven by the WebDriver client in
//! [`webdriver`]. The secrets wait in a gnome-keyring of that D-Bus session
//! and the simulators keep serving, so the tray process syncs at start as
//! on a user's desktop. Measured ([`page`]): launch (just before the
//! session is created) to the first Activity rows painted, the time to
//! apply a filter (median of 6 switches), and the PSS of the window's
//! processes — the window process and its descendants (WebKit's web and
//! network processes), not the tray process it started. Screenshots of the
//! largest size land in target/screenshots.

mod page;
mod rows;
mod webdriver;

use std::collections::BTreeSet;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::json;

use super::datadir::{find_cli, headless_display, synced_folder, with_sim_secrets, SyncedFolder};
use super::footprint::{not_measured, stop};
use super::Bench;
use crate::procfs::{name_of, process_tree, processes_with_env, pss_of};
use crate::report::Results;
use crate::world::Shape;
use page::{FilterSwitch, FirstRows};
use webdriver::Session;

const WINDOW: &str = "6 desktop window";
/// The window process tauri-driver launches, and the tray process it starts.
const APP_BINARY: &str = "backup-bridge-app";
const TRAY_BINARY: &str = "backup-bridge-tray";
/// Goals of issue 18 (MB = 1,000,000 bytes).
const FIRST_ROWS_GOAL: Duration = Duration::from_secs(1);
const FILTER_GOAL: Duration = Duration::from_millis(200);
const PSS_GOAL: u64 = 200_000_000;
/// How long the first rows may take before the scenario says they never came.
const ROWS_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one filter switch may take.
const FILTER_TIMEOUT: Duration = Duration::from_secs(60);
/// Pause after each filter switch, so no paint of one is taken for the next.
const FILTER_SETTLE: Duration = Duration::from_millis(300);
/// Window sizes screenshotted at the largest size (CSS pixels).
const SCREENSHOT_SIZES: [(u32, u32); 2] = [(1280, 800), (900, 600)];
/// The comparison: 100 events.
const SMALL: Shape = Shape {
    companies: 5,
    events_per_company: 20,
};

/// `comm` of a process running `binary` (the kernel keeps 15 characters).
fn comm(binary: &str) -> String {
    binary.chars().take(15).collect()
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

pub(crate) fn run(bench: &mut Bench) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let metric = "launch → first Activity rows painted";
    let cli = match find_cli(bench) {
        Ok(cli) => cli,
        Err(why) => {
            out.row(not_measured(WINDOW, metric, why, "< 1 s"));
            return Ok(out);
        }
    };
    let app = bench
        .opts
        .app
        .as_deref()
        .map(|tray| tray.with_file_name(format!("{APP_BINARY}{}", std::env::consts::EXE_SUFFIX)))
        .filter(|p| p.exists());
    let Some(app) = app else {
        let why = format!(
            "no {APP_BINARY} next to the tray binary (cargo build --release -p bridge-app -p bridge-tray)"
        );
        out.row(not_measured(WINDOW, metric, why, "< 1 s"));
        return Ok(out);
    };
    let missing: Vec<&str> = [
        "tauri-driver",
        "WebKitWebDriver",
        "xvfb-run",
        "dbus-run-session",
        "gnome-keyring-daemon",
        "dbus-send",
    ]
    .into_iter()
    .filter(|tool| !on_path(tool))
    .collect();
    if !missing.is_empty() {
        let why = format!("{} missing (scripts/setup.sh test)", missing.join(", "));
        out.row(not_measured(WINDOW, metric, why, "< 1 s"));
        return Ok(out);
    }
    let mut shapes = vec![SMALL];
    if bench.opts.shape != SMALL {
        shapes.push(bench.opts.shape);
    }
    let largest = bench.opts.shape;
    for shape in shapes {
        let shots = (shape == largest)
            .then(|| bench.opts.screenshots.clone())
            .flatten();
        out.extend(window_at(bench, &cli, &app, shape, shots)?);
    }
    Ok(out)
}

/// PSS of the window's processes, sampled now and then.
#[derive(Debug, Default)]
struct PssSamples {
    peak_kib: u64,
    after_rows_kib: u64,
    after_filters_kib: u64,
    processes: usize,
    names: BTreeSet<String>,
    /// Each process's PSS at the peak (KiB), by name.
    at_peak: Vec<(String, u64)>,
}

impl PssSamples {
    /// The window process and its descendants, without the tray process
    /// (a child of the window it started) and its own descendants.
    fn sample(&mut self, app_pid: u32) -> u64 {
        let tree = process_tree(app_pid);
        let tray_comm = comm(TRAY_BINARY);
        let tray: Vec<u32> = tree
            .iter()
            .filter(|p| name_of(**p).as_deref() == Some(tray_comm.as_str()))
            .flat_map(|p| process_tree(*p))
            .collect();
        let window: Vec<u32> = tree.into_iter().filter(|p| !tray.contains(p)).collect();
        let each: Vec<(String, u64)> = window
            .iter()
            .filter_map(|p| Some((name_of(*p)?, pss_of(*p)?)))
            .collect();
        let kib: u64 = each.iter().map(|(_, k)| k).sum();
        self.processes = self.processes.max(window.len());
        self.names.extend(each.iter().map(|(n, _)| n.clone()));
        if kib > self.peak_kib {
            self.peak_kib = kib;
            self.at_peak = each;
        }
        kib
    }
}

/// What one window run found.
struct Driven {
    session_wall: Duration,
    first: FirstRows,
    switches: Result<Vec<FilterSwitch>, String>,
    pss: PssSamples,
    saved: Vec<PathBuf>,
    failed_shots: Vec<String>,
}

/// Two distinct free loopback ports (the driver's and WebKitWebDriver's).
fn free_ports() -> anyhow::Result<(u16, u16)> {
    let (a, b) = (
        TcpListener::bind("127.0.0.1:0")?,
        TcpListener::bind("127.0.0.1:0")?,
    );
    Ok((a.local_addr()?.port(), b.local_addr()?.port()))
}

/// One window run on a data folder holding `shape`'s events.
fn window_at(
    bench: &Bench,
    cli: &Path,
    app: &Path,
    shape: Shape,
    shots: Option<PathBuf>,
) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let events = shape.events();
    let folder = synced_folder(bench, cli, shape)?;
    let driven = run_window(bench, cli, app, &folder, shots);
    let driven = match driven {
        Ok(d) => d,
        Err(why) => {
            let SyncedFolder { world, .. } = folder;
            bench.stop_world(world);
            out.row(not_measured(
                WINDOW,
                &format!("{events} events: launch → first Activity rows painted"),
                why,
                "< 1 s",
            ));
            return Ok(out);
        }
    };
    rows::rows(&mut out, events, &folder, &driven);
    let SyncedFolder { world, .. } = folder;
    bench.stop_world(world);
    Ok(out)
}

/// Keeps the secrets in a keychain of the private D-Bus session (the tray
/// process reads them there, as on a user's desktop), then runs tauri-driver.
/// Arguments: the CLI, the data folder, the driver's two ports. The daemon
/// `--unlock` starts claims its bus name a moment after it returns; a
/// request before that would start a second daemon through D-Bus activation,
/// which finds the first one's keyring half written.
const DRIVER_SCRIPT: &str = r#"
eval "$(printf bench | gnome-keyring-daemon --unlock --components=secrets)" &&
tries=0 &&
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; do
  tries=$((tries + 1))
  [ "$tries" -lt 100 ] || { echo "no Secret Service on the session bus after 10 s" >&2; exit 1; }
  sleep 0.1
done &&
printf %s "$BB_CW_SECRET" | "$1" --data-dir "$2" secret set cw >/dev/null &&
printf %s "$BB_DASHBOARD_TOKEN" | "$1" --data-dir "$2" secret set dashboard >/dev/null &&
unset BB_CW_SECRET BB_DASHBOARD_TOKEN &&
exec tauri-driver --port "$3" --native-port "$4"
"#;

/// Starts the driver in a private X display and D-Bus session, measures the
/// window, and ends everything it started; why not, with the driver's last
/// output lines.
fn run_window(
    bench: &Bench,
    cli: &Path,
    app: &Path,
    folder: &SyncedFolder,
    shots: Option<PathBuf>,
) -> Result<Driven, String> {
    let started = (|| {
        let (port, native_port) = free_ports()?;
        let log_path = folder.home.path().join("driver-output.txt");
        let log = File::create(&log_path)?;
        let mut command = headless_display();
        command
            .args(["sh", "-c", DRIVER_SCRIPT, "sh"])
            .arg(cli)
            .arg(folder.home.data_dir())
            .args([port.to_string(), native_port.to_string()]);
        with_sim_secrets(folder.home.apply(&mut command));
        let wrapper = command
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting xvfb-run … tauri-driver")?;
        anyhow::Ok((wrapper, port, log_path))
    })();
    let (mut wrapper, port, log_path) = started.map_err(|e| format!("{e:#}"))?;
    let url = format!("http://127.0.0.1:{port}");
    let shots = shots.map(|dir| {
        (
            dir,
            format!("bench-activity-{}", folder.world.shape.events()),
        )
    });
    let driven = bench
        .engine
        .block_on(drive(&url, app, wrapper.id(), shots.as_ref()));
    end_tray(&folder.home.data_dir());
    end_driver(&mut wrapper);
    end_strays(folder.home.path());
    driven.map_err(|e| {
        let output = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = output
            .lines()
            .filter(|l| !l.contains("Failed to set fd limit"))
            .rev()
            .take(5)
            .collect();
        format!(
            "{e:#}; driver output (last lines, newest first): {}",
            tail.join(" / ")
        )
    })
}

/// Launches the app through the driver at `url` and measures it.
async fn drive(
    url: &str,
    app: &Path,
    wrapper_pid: u32,
    shots: Option<&(PathBuf, String)>,
) -> anyhow::Result<Driven> {
    webdriver::wait_ready(url, Duration::from_secs(30)).await?;
    let launched = page::epoch_ms();
    let session = Session::start(
        url,
        json!({ "tauri:options": { "application": app, "args": [] } }),
    )
    .await?;
    let session_wall = Duration::from_secs_f64(((page::epoch_ms() - launched) / 1e3).max(0.0));
    let measured = measure(&session, launched, wrapper_pid, shots).await;
    let closed = session.close().await;
    let (first, switches, pss, (saved, failed_shots)) = measured?;
    closed.context("closing the window")?;
    Ok(Driven {
        session_wall,
        first,
        switches,
        pss,
        saved,
        failed_shots,
    })
}

type Measures = (
    FirstRows,
    Result<Vec<FilterSwitch>, String>,
    PssSamples,
    (Vec<PathBuf>, Vec<String>),
);

async fn measure(
    session: &Session,
    launched: f64,
    wrapper_pid: u32,
    shots: Option<&(PathBuf, String)>,
) -> anyhow::Result<Measures> {
    session
        .set_script_timeout(FILTER_TIMEOUT + Duration::from_secs(10))
        .await?;
    let app_comm = comm(APP_BINARY);
    let app_pid = process_tree(wrapper_pid)
        .into_iter()
        .find(|p| name_of(*p).as_deref() == Some(app_comm.as_str()))
        .with_context(|| format!("no {APP_BINARY} process under the driver"))?;
    let mut pss = PssSamples::default();
    let first = page::first_rows(session, launched, ROWS_TIMEOUT, || {
        pss.sample(app_pid);
    })
    .await?;
    pss.after_rows_kib = pss.sample(app_pid);
    let switches = if first.after.is_some() {
        page::filter_switches(session, FILTER_TIMEOUT, FILTER_SETTLE, || {
            pss.sample(app_pid);
        })
        .await
        .map_err(|e| format!("{e:#}"))
    } else {
        Err("the rows were never painted".to_owned())
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    pss.after_filters_kib = pss.sample(app_pid);
    let shots = match shots {
        Some((dir, prefix)) => page::screenshots(session, dir, prefix, &SCREENSHOT_SIZES).await,
        None => (Vec::new(), Vec::new()),
    };
    Ok((first, switches, pss, shots))
}

/// Ends the tray process the window started (by the pid in its `tray.json`).
fn end_tray(data_dir: &Path) {
    let pid = std::fs::read_to_string(data_dir.join("tray.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v["pid"].as_u64())
        .and_then(|p| u32::try_from(p).ok());
    let Some(pid) = pid else { return };
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let waited = Instant::now();
    while name_of(pid).is_some() && waited.elapsed() < Duration::from_secs(15) {
        thread::sleep(Duration::from_millis(100));
    }
    if name_of(pid).is_some() {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
}

/// Ends what is left of this run outside its process tree: processes with
/// its private HOME (a keyring daemon that forked itself away).
fn end_strays(home: &Path) {
    for pid in processes_with_env("HOME", &home.to_string_lossy()) {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
}

/// Stops tauri-driver (xvfb-run then stops its X server and D-Bus session),
/// then whatever this run started that is still there.
fn end_driver(wrapper: &mut Child) {
    let started = process_tree(wrapper.id());
    let driver_comm = comm("tauri-driver");
    for pid in &started {
        if name_of(*pid).as_deref() == Some(driver_comm.as_str()) {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
    let waited = Instant::now();
    while matches!(wrapper.try_wait(), Ok(None)) && waited.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(100));
    }
    stop(wrapper);
    for pid in started {
        if name_of(pid).is_some() {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    }
}
