//! The scenarios of issue 6 (and issue 13's backup sources) and what they
//! share: two runtimes (simulators on threads named `bb-sim`, engine and
//! baseline on the rest, so CPU time can be split), the engine's world and
//! the baseline's world, kept between scenarios so steady state and churn
//! start from the initial sync. The sources scenario builds its own worlds;
//! the footprint and window scenarios run the shipped binaries on data
//! folders of their own (`datadir`).

mod datadir;
mod footprint;
mod initial;
mod phases;
mod sources;
mod steady;
mod throttle;
mod window;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use bridge_core::engine::{Engine, RunReport};
use tempfile::TempDir;
use tokio::runtime::Runtime;

use crate::baseline::Naive;
use crate::procfs::{self, CpuTimes};
use crate::report::Results;
use crate::world::{Shape, Tuning, World};

pub use footprint::{AppProbe, AppResult};

/// Latency injected per ConnectWise request in the initial sync (issue 6).
pub const LATENCY: Duration = Duration::from_millis(50);
/// ConnectWise's documented throttling threshold, enforced by the simulator.
pub const CW_LIMIT_PER_MINUTE: u32 = 1000;

/// Which scenarios to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scenario {
    Initial,
    Steady,
    Churn,
    Throttle,
    /// Issue 13: MSP360, Comet and VSPC, initial sync and unchanged cycles.
    Sources,
    Headless,
    /// Issue 18: the desktop window on a data folder of 100 and 10,000 events.
    Window,
    App,
}

impl Scenario {
    pub const ALL: [Scenario; 8] = [
        Scenario::Initial,
        Scenario::Steady,
        Scenario::Churn,
        Scenario::Throttle,
        Scenario::Sources,
        Scenario::Headless,
        Scenario::Window,
        Scenario::App,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Initial => "initial",
            Scenario::Steady => "steady",
            Scenario::Churn => "churn",
            Scenario::Throttle => "throttle",
            Scenario::Sources => "sources",
            Scenario::Headless => "headless",
            Scenario::Window => "window",
            Scenario::App => "app",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Run options.
#[derive(Debug, Clone)]
pub struct Options {
    pub shape: Shape,
    pub steady_cycles: usize,
    pub churn_cycles: usize,
    /// Finished sync cycles the headless loop is watched for after its first.
    pub headless_cycles: usize,
    /// `backup-bridge` binary for the headless footprint.
    pub cli: Option<PathBuf>,
    /// Desktop app binary for the idle footprint (the tray process); the
    /// window scenario runs the window binary next to it.
    pub app: Option<PathBuf>,
    pub app_secs: u64,
    /// Where the window scenario saves its screenshots (`None`: none taken).
    pub screenshots: Option<PathBuf>,
}

/// A world with its engine or its baseline.
pub(crate) struct EngineSide {
    pub world: World,
    pub engine: Engine,
    _dir: TempDir,
}

pub(crate) struct BaselineSide {
    pub world: World,
    pub naive: Naive,
}

/// Runtimes and the worlds kept between scenarios.
pub struct Bench {
    pub sim: Runtime,
    pub engine: Runtime,
    pub opts: Options,
    pub(crate) engine_side: Option<EngineSide>,
    pub(crate) baseline_side: Option<BaselineSide>,
}

fn runtime(name: &str, workers: usize, sim: bool) -> std::io::Result<Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder
        .worker_threads(workers)
        .thread_name(name)
        // Idle threads stay, so no thread's CPU time leaves with it.
        .thread_keep_alive(Duration::from_secs(24 * 3600))
        .enable_all();
    if sim {
        builder.on_thread_start(procfs::register_sim_thread);
    }
    builder.build()
}

/// A future's result with the wall and CPU time it took.
pub(crate) struct Measured<T> {
    pub value: T,
    pub wall: Duration,
    pub cpu: CpuTimes,
}

/// Runs `fut` on `rt`, measuring wall and CPU time.
pub(crate) fn measure<T>(rt: &Runtime, fut: impl Future<Output = T>) -> Measured<T> {
    let cpu0 = procfs::cpu_now();
    let t0 = Instant::now();
    let value = rt.block_on(fut);
    let wall = t0.elapsed();
    Measured {
        value,
        wall,
        cpu: procfs::cpu_now().since(&cpu0),
    }
}

impl Bench {
    pub fn new(opts: Options) -> anyhow::Result<Bench> {
        Ok(Bench {
            sim: runtime(procfs::SIM_THREAD, 2, true)?,
            // Two workers, like the CLI.
            engine: runtime("bb-engine", 2, false)?,
            opts,
            engine_side: None,
            baseline_side: None,
        })
    }

    /// Runs `fut` on the engine runtime, measuring wall and CPU time.
    pub(crate) fn measure<T>(&self, fut: impl Future<Output = T>) -> Measured<T> {
        measure(&self.engine, fut)
    }

    pub(crate) fn start_world(&self, shape: Shape) -> anyhow::Result<World> {
        self.sim.block_on(World::start(shape))
    }

    pub(crate) fn stop_world(&self, world: World) {
        self.sim.block_on(world.shutdown());
    }

    /// A fresh world and a configured engine on a new SQLite file.
    pub(crate) fn engine_world(&self, tuning: Tuning) -> anyhow::Result<EngineSide> {
        let world = self.start_world(self.opts.shape)?;
        let dir = tempfile::tempdir()?;
        let engine = world.engine(dir.path(), tuning)?;
        Ok(EngineSide {
            world,
            engine,
            _dir: dir,
        })
    }

    /// The engine side, synced (an unmeasured initial sync at zero latency
    /// when the initial scenario did not run).
    pub(crate) fn synced_engine(&mut self) -> anyhow::Result<&mut EngineSide> {
        if self.engine_side.is_none() {
            let side = self.engine_world(Tuning::default())?;
            let report = self.engine.block_on(side.engine.run_cycle(false))?;
            check_clean(&report, "setup sync")?;
            self.engine_side = Some(side);
        }
        self.engine_side.as_mut().context("engine side")
    }

    /// The baseline side, synced the same way.
    pub(crate) fn synced_baseline(&mut self) -> anyhow::Result<&mut BaselineSide> {
        if self.baseline_side.is_none() {
            let world = self.start_world(self.opts.shape)?;
            let inputs = world.naive_inputs()?;
            let naive = self.engine.block_on(async {
                let mut naive = Naive::new(inputs).await?;
                naive.cycle().await?;
                anyhow::Ok(naive)
            })?;
            self.baseline_side = Some(BaselineSide { world, naive });
        }
        self.baseline_side.as_mut().context("baseline side")
    }

    /// Runs the selected scenarios in a fixed order; the app is sampled in
    /// the background meanwhile (it is idle, the others are not).
    pub fn run(&mut self, selected: &[Scenario]) -> anyhow::Result<Results> {
        let mut results = Results::default();
        // The footprint scenarios read other processes in `/proc`.
        let footprint = crate::platform::measures_processes(crate::platform::Os::current());
        let app = if footprint && selected.contains(&Scenario::App) {
            Some(AppProbe::start(self.opts.app.clone(), self.opts.app_secs))
        } else {
            None
        };
        for scenario in selected {
            if !footprint
                && matches!(
                    scenario,
                    Scenario::Headless | Scenario::Window | Scenario::App
                )
            {
                results.note(scenario.name(), crate::platform::NOT_MEASURED);
                continue;
            }
            let started = Instant::now();
            eprintln!("[bench] {} …", scenario.name());
            let part = match scenario {
                Scenario::Initial => initial::run(self)?,
                Scenario::Steady => steady::run_steady(self)?,
                Scenario::Churn => steady::run_churn(self)?,
                Scenario::Throttle => throttle::run(self)?,
                Scenario::Sources => sources::run(self)?,
                Scenario::Headless => footprint::headless(self)?,
                Scenario::Window => window::run(self)?,
                Scenario::App => continue,
            };
            eprintln!(
                "[bench] {} done in {}",
                scenario.name(),
                crate::report::dur(started.elapsed())
            );
            results.extend(part);
        }
        if let Some(probe) = app {
            eprintln!("[bench] app: waiting for the idle sample to finish …");
            results.extend(footprint::app_rows(probe.finish()));
        }
        Ok(results)
    }

    /// Stops every simulator still running.
    pub fn shutdown(mut self) {
        if let Some(side) = self.engine_side.take() {
            self.stop_world(side.world);
        }
        if let Some(side) = self.baseline_side.take() {
            self.stop_world(side.world);
        }
    }
}

/// An error when a cycle the scenario relies on did not run cleanly.
pub(crate) fn check_clean(report: &RunReport, what: &str) -> anyhow::Result<()> {
    if report.has_errors() {
        let first: Vec<String> = report
            .errors
            .iter()
            .take(3)
            .map(|p| p.to_string())
            .collect();
        anyhow::bail!(
            "{what}: the engine reported {} errors, e.g. {}",
            report.errors.len(),
            first.join("; ")
        );
    }
    Ok(())
}
