//! Where an in-step cycle's CPU goes: the steps of `Engine::run_cycle`
//! replayed one by one through the same public functions, on the same store
//! and simulators, each timed with the engine-side CPU clock. Evidence for
//! the steady-state figure, not a second benchmark of it: the steps are the
//! engine's, called in the engine's order, without its async hops.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bridge_core::engine::{self, plan, Engine};
use bridge_core::store::companies::{self, LastStatus};
use bridge_core::store::settings::{self, Settings};
use bridge_core::store::{ledger, runs};

use crate::procfs::{cpu_now, percentile};

/// One step's median engine CPU over the rounds.
pub(crate) struct Phase {
    pub name: &'static str,
    pub cpu: Duration,
}

/// Runs the steps `rounds` times and returns each one's median CPU.
pub(crate) async fn measure(engine: &Engine, rounds: usize) -> anyhow::Result<Vec<Phase>> {
    let store = engine.store().clone();
    let mut samples: BTreeMap<usize, (&'static str, Vec<Duration>)> = BTreeMap::new();
    for _ in 0..rounds.max(1) {
        let mut lap = Lap::default();

        let settings = Settings::load(&store)?;
        let _codebase = settings::get(&store, engine::CODEBASE_KEY)?;
        let _again = Settings::load(&store)?;
        runs::close_unfinished(&store, "phase replay")?;
        let run = runs::start_run(&store)?;
        let _pending = store.with_conn(ledger::pending)?;
        lap.mark("settings (2 loads) + run start + outbox check");

        let dashboard = engine::dashboard_client(&settings, engine.secrets().as_ref())?;
        let snapshot = dashboard.snapshot().await?;
        lap.mark("Dashboard snapshot: HTTP + JSON decode");

        let rows = companies::list(&store)?;
        let scopes = engine::scopes(&rows, &settings);
        lap.mark("companies + scopes");

        let ledger_rows = store.with_conn(ledger::all)?;
        lap.mark("ledger read (every row)");

        let rules = engine::rules(&settings);
        let (unreadable, none_a, none_r) = (BTreeSet::new(), BTreeMap::new(), BTreeMap::new());
        let input = plan::PlanInput {
            events: &snapshot.events,
            unreadable_ids: &unreadable,
            removal_blocked: false,
            ledger: &ledger_rows,
            companies: &scopes,
            rules: &rules,
            agreements: &none_a,
            remote: &none_r,
        };
        let needs = plan::needs(&input);
        let planned = plan::plan(&input, &engine::now_text());
        anyhow::ensure!(
            needs.agreement_companies.is_empty() && planned.items.is_empty(),
            "the replay expects an in-step world"
        );
        lap.mark("plan (needs + plan: summaries, hashes)");

        for id in scopes.keys() {
            companies::set_last_status(&store, id, &LastStatus::ok_now("OK"))?;
        }
        lap.mark("Last Update Status: one UPDATE per company");

        runs::finish_run(&store, run, &runs::RunCounts::default(), &[])?;
        lap.mark("run finish");

        for (i, (name, cpu)) in lap.phases.into_iter().enumerate() {
            samples.entry(i).or_insert((name, Vec::new())).1.push(cpu);
        }
    }
    Ok(samples
        .into_values()
        .map(|(name, cpu)| Phase {
            name,
            cpu: percentile(&cpu, 50.0).unwrap_or_default(),
        })
        .collect())
}

/// Engine-side CPU between marks.
struct Lap {
    last: Duration,
    phases: Vec<(&'static str, Duration)>,
}

impl Default for Lap {
    fn default() -> Self {
        Lap {
            last: cpu_now().engine,
            phases: Vec::new(),
        }
    }
}

impl Lap {
    fn mark(&mut self, name: &'static str) {
        let now = cpu_now().engine;
        self.phases.push((name, now.saturating_sub(self.last)));
        // Reading /proc costs a little CPU too: start the next lap after it.
        self.last = cpu_now().engine;
    }
}
