//! The body of one cycle: settle unconfirmed calls, read the listing page by
//! page, plan and apply each page, then the removals, each company's Last
//! Update Status and the in-step memo (rule 10). [`Engine::run_cycle_with`]
//! wraps it with the locks and the run record.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::OnceCell;

use super::in_step::{self, Recall};
use super::{
    db, db_store, execute, inputs, pass, plan, recover, removals, rules, scopes, template,
    ActionSink, Engine, RunReport,
};
use crate::cw::CwClient;
use crate::source::Source;
use crate::store::settings::{self, Settings};
use crate::store::{companies, ledger, rollups, snoozes};
use crate::Error;

/// What one cycle works with.
pub(super) struct Cycle<'a> {
    pub(super) settings: &'a Settings,
    /// The backup source `source.kind` names.
    pub(super) listing_source: &'a Source,
    pub(super) cw: &'a CwClient,
    pub(super) dry_run: bool,
    pub(super) now: &'a str,
    pub(super) on_action: ActionSink<'a>,
    /// Where the listing comes from (rule 15), e.g. `dashboard:https://…/`.
    pub(super) source: String,
    /// A person confirmed the removals this cycle finds (rule 15).
    pub(super) confirmed_removals: bool,
}

impl Engine {
    pub(super) async fn cycle(&self, cx: Cycle<'_>, report: &mut RunReport) -> Result<(), Error> {
        let store = &self.store;
        let (recovered, ledger_incomplete) = self.settle(&cx).await?;
        let rows = db_store(store, companies::list).await?;
        let scopes = scopes(&rows, cx.settings);
        let mut rules = rules(cx.settings);
        let now = cx.now.to_owned();
        rules.snoozes = db(store, move |c| snoozes::active(c, &now)).await?;
        let settled = recovered.settled() && !ledger_incomplete;
        // Read before any row: a write by anyone after it moves the revision
        // and so fails the next cycle's check.
        let ledger_revision = db(store, ledger::revision).await?;
        let recalled = self
            .recall(&cx, ledger_revision, &scopes, &rules, settled)
            .await?;
        let mut events = match recalled {
            Recall::Read(listing) => listing,
            Recall::Unchanged(memo) => return self.answer_unchanged(memo, &scopes, report).await,
        };
        let open_rollups = db(store, rollups::open).await?;
        let executor = self.executor(&cx, recovered, ledger_incomplete);
        let mut pass = pass::Pass::new(pass::PassContext {
            store,
            cw: cx.cw,
            settings: cx.settings,
            scopes: &scopes,
            rules: &rules,
            now: cx.now,
            executor,
            on_action: cx.on_action,
            source: &cx.source,
            confirmed_removals: cx.confirmed_removals,
            open_rollups,
        });
        while let Some(page) = events.next_page().await? {
            pass.page(page, report).await?;
        }
        let end = events.finish();
        let marks = end.marks.clone();
        report.events_seen = end.present.len();
        let pass::PassEnd {
            company_errors,
            in_step,
            removals_planned,
            flap_due,
        } = pass.finish(end, report).await?;
        let in_step = in_step && settled;
        if cx.dry_run {
            return Ok(());
        }
        self.after_pass(&cx, report, removals_planned, ledger_incomplete)
            .await?;
        self.record_statuses(&scopes, &company_errors).await?;
        if in_step {
            self.keep_in_step(in_step::InStep {
                pages: marks,
                ledger_revision,
                rules,
                events_seen: report.events_seen,
                skipped: report.counts.skipped,
                snoozed: report.snoozed,
                rejected: report.rejected.clone(),
                removals_held: report.removals_held,
                scopes,
                flap_due,
            });
        }
        Ok(())
    }

    /// Before the listing is read (not in a dry run): stamps the ledger rows
    /// written before sources were recorded with this listing's source and
    /// settles the calls whose outcome is unknown. Also says whether the
    /// ledger may be missing rows.
    async fn settle(&self, cx: &Cycle<'_>) -> Result<(recover::Recovered, bool), Error> {
        let store = &self.store;
        let recovered = if cx.dry_run {
            recover::Recovered::default()
        } else {
            let source = cx.source.clone();
            db(store, move |c| ledger::adopt_unsourced(c, &source)).await?;
            recover::recover(cx.cw, store, cx.now).await?
        };
        // After a damaged database was recovered without its whole ledger,
        // tickets may exist that the ledger does not know (rule 9).
        let ledger_incomplete = !cx.dry_run
            && db_store(store, |s| {
                settings::get(s, crate::store::LEDGER_INCOMPLETE_KEY)
            })
            .await?
            .is_some();
        Ok((recovered, ledger_incomplete))
    }

    /// Rule 10: nothing changed since the last in-step cycle, so its report
    /// stands; only each company's Last Update Status is confirmed.
    async fn answer_unchanged(
        &self,
        memo: in_step::InStep,
        scopes: &BTreeMap<String, plan::CompanyScope>,
        report: &mut RunReport,
    ) -> Result<(), Error> {
        tracing::debug!("nothing changed since the last in-step cycle");
        self.in_step_hits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *report = memo.report();
        self.record_statuses(scopes, &BTreeMap::new()).await?;
        self.keep_in_step(memo);
        Ok(())
    }

    /// The executor that sends this cycle's calls; none in a dry run. It
    /// knows the events whose earlier create is unconfirmed or whose earlier
    /// call is unsettled (rule 16), and whether the ledger may be incomplete.
    fn executor(
        &self,
        cx: &Cycle<'_>,
        recovered: recover::Recovered,
        ledger_incomplete: bool,
    ) -> Option<Arc<execute::Executor>> {
        (!cx.dry_run).then(|| {
            Arc::new(execute::Executor {
                cw: cx.cw.clone(),
                store: self.store.clone(),
                now: cx.now.to_owned(),
                spec: template::TemplateSpec::from_settings(cx.settings),
                template: OnceCell::new(),
                unconfirmed: recovered.creates,
                held: recovered.held,
                look_up_every_create: ledger_incomplete,
                abort: AtomicBool::new(false),
            })
        })
    }

    /// After the last page of a cycle that writes: remembers how many
    /// removals the guard held back, and clears the "ledger incomplete" mark
    /// once a cycle without errors has put every ticket in the ledger.
    async fn after_pass(
        &self,
        cx: &Cycle<'_>,
        report: &RunReport,
        removals_planned: bool,
        ledger_incomplete: bool,
    ) -> Result<(), Error> {
        let store = &self.store;
        if removals_planned {
            if cx.confirmed_removals {
                // This listing used the confirmation.
                self.confirm_removals.store(false, Ordering::SeqCst);
            }
            let guarded = report.removals_guarded;
            db_store(store, move |s| removals::remember_guarded(s, guarded)).await?;
        }
        if ledger_incomplete && !report.has_errors() {
            // Every in-scope event now has its ticket in the ledger.
            db_store(store, |s| {
                settings::reset(s, crate::store::LEDGER_INCOMPLETE_KEY)
            })
            .await?;
        }
        Ok(())
    }

    /// Last Update Status for every mapped company: its error, or OK.
    async fn record_statuses(
        &self,
        scopes: &BTreeMap<String, plan::CompanyScope>,
        company_errors: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        inputs::record_statuses(&self.store, scopes, company_errors).await
    }
}
