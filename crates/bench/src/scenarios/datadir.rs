//! What the scenarios that run the shipped binaries share: a private home
//! (HOME and XDG folders, so nothing reads or writes the user's app data),
//! the CLI started on a data folder with the simulators' secrets, the
//! private X display and D-Bus session the desktop app runs in, and a data
//! folder whose ledger one CLI sync has filled.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use bridge_core::store::{runs, Store};
use tempfile::TempDir;

use super::Bench;
use crate::world::{Shape, Tuning, World};

/// The X screen the desktop app is started on.
pub(crate) const SCREEN: &str = "-screen 0 1280x800x24";

/// `xvfb-run -a -s SCREEN dbus-run-session --`, ready for the command to run
/// in a private X display and D-Bus session.
pub(crate) fn headless_display() -> Command {
    let mut command = Command::new("xvfb-run");
    command.args(["-a", "-s", SCREEN, "dbus-run-session", "--"]);
    command
}

/// A private home: HOME and the XDG folders in a temporary folder.
pub(crate) struct Home {
    dir: TempDir,
}

impl Home {
    pub fn new() -> anyhow::Result<Home> {
        Ok(Home {
            dir: tempfile::tempdir()?,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The app's data folder in this home (where the app looks by default).
    pub fn data_dir(&self) -> PathBuf {
        self.path()
            .join("data")
            .join(bridge_core::store::APP_DIR_NAME)
    }

    /// Points `command` at this home (and silences the accessibility bus).
    pub fn apply<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command
            .env("HOME", self.path())
            .env("XDG_DATA_HOME", self.path().join("data"))
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("NO_AT_BRIDGE", "1")
    }
}

/// The `backup-bridge` binary, or why there is none.
pub(crate) fn find_cli(bench: &Bench) -> Result<PathBuf, String> {
    match bench.opts.cli.clone() {
        Some(p) if p.exists() => Ok(p),
        other => Err(format!(
            "no backup-bridge binary{} (build it: cargo build --release -p bridge-cli)",
            other.map_or(String::new(), |p| format!(" at {}", p.display()))
        )),
    }
}

/// Gives `command` the simulators' secrets in the variables the CLI reads.
pub(crate) fn with_sim_secrets(command: &mut Command) -> &mut Command {
    command
        .env("BB_CW_SECRET", bridge_sim::cw::DEMO_PRIVATE_KEY)
        .env(
            "BB_DASHBOARD_TOKEN",
            bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN,
        )
}

/// `backup-bridge --data-dir DIR ARGS…` with the simulators' secrets in its
/// environment and no log filter; output is left to the caller.
pub(crate) fn cli_command(cli: &Path, data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(cli);
    command.arg("--data-dir").arg(data_dir).args(args);
    with_sim_secrets(&mut command)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    command
}

/// The store of `data_dir`, with `world`'s settings and mapping written in.
pub(crate) fn configured_store(
    world: &World,
    data_dir: &Path,
    tuning: Tuning,
) -> anyhow::Result<Store> {
    std::fs::create_dir_all(data_dir)?;
    let store = Store::open(&bridge_core::store::db_path(data_dir))?;
    world.configure(&store, tuning)?;
    Ok(store)
}

/// A data folder in a private home whose ledger holds a world's events,
/// and the simulators still serving them.
pub(crate) struct SyncedFolder {
    pub home: Home,
    /// Stop it with [`Bench::stop_world`].
    pub world: World,
    /// Tickets the sync created (one per event).
    pub created: u32,
    pub errors: u32,
    /// Wall time of `backup-bridge sync --once`.
    pub sync_wall: Duration,
}

/// Starts the simulators with `shape`'s events, configures a data folder in
/// a fresh private home and runs one `backup-bridge sync --once` on it: the
/// ledger then holds one row per event. The simulators keep running.
pub(crate) fn synced_folder(
    bench: &Bench,
    cli: &Path,
    shape: Shape,
) -> anyhow::Result<SyncedFolder> {
    let home = Home::new()?;
    let data_dir = home.data_dir();
    let world = bench.start_world(shape)?;
    let synced = configured_store(&world, &data_dir, Tuning::default()).and_then(|store| {
        let log = home.path().join("sync-stderr.txt");
        let started = Instant::now();
        let status = cli_command(cli, &data_dir, &["sync", "--once"])
            .stderr(File::create(&log)?)
            .status()
            .with_context(|| format!("starting {}", cli.display()))?;
        let wall = started.elapsed();
        if !status.success() {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            anyhow::bail!(
                "`backup-bridge sync --once` failed ({status}): {}",
                text.trim()
            );
        }
        let run = runs::recent_runs(&store, 1)?
            .into_iter()
            .next()
            .context("the sync recorded no run")?;
        Ok((run.counts, wall))
    });
    let (counts, sync_wall) = match synced {
        Ok(done) => done,
        Err(e) => {
            bench.stop_world(world);
            return Err(e);
        }
    };
    Ok(SyncedFolder {
        home,
        world,
        created: counts.created,
        errors: counts.errors,
        sync_wall,
    })
}
