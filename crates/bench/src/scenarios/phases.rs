//! Where an in-step cycle's CPU goes: the steps of `Engine::run_cycle`
//! replayed one by one through the same public functions, on the same store
//! and simulators, each timed with the engine-side CPU clock. Evidence for
//! the steady-state figure, not a second benchmark of it: the steps are the
//! engine's, called in the engine's order, without its async hops.
//!
//! The steps an unchanged cycle skips (decoding, reading the ledger,
//! planning) are timed too, as the cost of a cycle after any change.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bridge_core::engine::{self, plan, Engine};
use bridge_core::source::Listing;
use bridge_core::store::companies::{self, LastStatus};
use bridge_core::store::settings::{self, Settings};
use bridge_core::store::{ledger, outbox, runs};

use crate::procfs::{cpu_now, percentile};

/// One step's median engine CPU over the rounds.
pub(crate) struct Phase {
    pub name: &'static str,
    pub cpu: Duration,
    /// Run by an unchanged (in-step) cycle; otherwise only after a change.
    pub in_step: bool,
}

/// Runs the steps `rounds` times and returns each one's median CPU.
pub(crate) async fn measure(engine: &Engine, rounds: usize) -> anyhow::Result<Vec<Phase>> {
    let store = engine.store().clone();
    let mut samples: BTreeMap<usize, (&'static str, bool, Vec<Duration>)> = BTreeMap::new();
    for _ in 0..rounds.max(1) {
        let mut lap = Lap::default();

        let settings = Settings::load(&store)?;
        let _codebase = settings::get(&store, engine::CODEBASE_KEY)?;
        let _again = Settings::load(&store)?;
        runs::close_unfinished(&store, "phase replay")?;
        let run = runs::start_run(&store)?;
        let _pending = store.with_conn(outbox::pending)?;
        lap.mark("settings (2 loads) + run start + outbox check");

        let dashboard = engine::dashboard_client(&settings, engine.secrets().as_ref())?;
        let spool = std::env::temp_dir();
        let mut first = dashboard.events(&spool);
        while first.next_page().await?.is_some() {}
        let marks = first.finish().marks;
        lap.skip();
        anyhow::ensure!(
            matches!(dashboard.check(&marks, &spool).await?, Listing::Unchanged),
            "the replay expects an unchanged snapshot"
        );
        lap.mark("Dashboard pages: HTTP + SHA-256 (unchanged, not parsed)");

        let rows = companies::list(&store)?;
        let scopes = engine::scopes(&rows, &settings);
        let rules = engine::rules(&settings);
        let _revision = store.with_conn(ledger::revision)?;
        lap.mark("companies + scopes + rules + ledger revision");

        let statuses: Vec<(String, LastStatus)> = scopes
            .keys()
            .map(|id| (id.clone(), LastStatus::ok_now("OK")))
            .collect();
        companies::set_last_statuses(&store, &statuses)?;
        lap.mark("Last Update Status: one transaction");

        runs::finish_run(&store, run, &runs::RunCounts::default(), &[])?;
        lap.mark("run finish");

        // After a change every page is fetched again, parsed and decoded.
        let mut stream = dashboard.events(&spool);
        let mut pages = Vec::new();
        while let Some(page) = stream.next_page().await? {
            pages.push(page);
        }
        let end = stream.finish();
        lap.mark_change(
            "Dashboard pages again: HTTP + check + spool, then parse + decode (after a change)",
        );

        let mut page_rows = Vec::new();
        for page in &pages {
            let ids: Vec<&str> = page.iter().map(|e| e.id.as_str()).collect();
            page_rows.push(store.with_conn(|c| ledger::entries_for(c, ids.iter().copied()))?);
        }
        let unreadable = BTreeSet::new();
        let source = bridge_core::source::Source::Dashboard(dashboard.clone()).identity();
        let absent =
            store.with_conn(|c| ledger::tracked_absent(c, &source, &end.present, &unreadable))?;
        lap.mark_change("ledger rows of each page's events + absent rows (after a change)");

        let (none_a, none_r, no_rows) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let now = engine::now_text();
        // Each page with its rows, then the absent rows alone.
        for (events, rows, gone) in pages
            .iter()
            .map(Vec::as_slice)
            .zip(&page_rows)
            .map(|(events, rows)| (events, rows, &no_rows))
            .chain([(&[][..], &no_rows, &absent.rows)])
        {
            let input = plan::PlanInput {
                events,
                unreadable_ids: &unreadable,
                removal_blocked: false,
                rows,
                absent: gone,
                companies: &scopes,
                rules: &rules,
                agreements: &none_a,
                remote: &none_r,
                removal_guard: plan::RemovalGuard {
                    tracked: absent.tracked,
                    confirmed: false,
                },
                source: &source,
            };
            let needs = plan::needs(&input);
            let planned = plan::plan(&input, &now);
            anyhow::ensure!(
                needs == plan::Needs::default() && planned.items.is_empty(),
                "the replay expects an in-step world"
            );
        }
        lap.mark_change("plan: needs + plan, page by page (after a change)");

        for (i, (name, cpu, in_step)) in lap.phases.into_iter().enumerate() {
            samples
                .entry(i)
                .or_insert((name, in_step, Vec::new()))
                .2
                .push(cpu);
        }
    }
    Ok(samples
        .into_values()
        .map(|(name, in_step, cpu)| Phase {
            name,
            cpu: percentile(&cpu, 50.0).unwrap_or_default(),
            in_step,
        })
        .collect())
}

/// Engine-side CPU between marks.
struct Lap {
    last: Duration,
    phases: Vec<(&'static str, Duration, bool)>,
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
    /// A step of every cycle ends here.
    fn mark(&mut self, name: &'static str) {
        self.push(name, true);
    }

    /// A step only a cycle after a change takes ends here.
    fn mark_change(&mut self, name: &'static str) {
        self.push(name, false);
    }

    /// Set-up work since the last mark is not counted.
    fn skip(&mut self) {
        self.last = cpu_now().engine;
    }

    fn push(&mut self, name: &'static str, in_step: bool) {
        let now = cpu_now().engine;
        self.phases
            .push((name, now.saturating_sub(self.last), in_step));
        // Reading /proc costs a little CPU too: start the next lap after it.
        self.last = cpu_now().engine;
    }
}
