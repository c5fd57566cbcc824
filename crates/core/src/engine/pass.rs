//! The full path of a cycle, one Dashboard page at a time. The listing is
//! fetched at one moment and kept on disk ([`crate::source::EventStream`]);
//! each page is then decoded, planned against the ledger rows of its own
//! events, and applied before the next page is decoded, so a cycle holds one
//! page of events and drafts however large the Dashboard is.
//!
//! Two kinds of decision wait for the end of the listing, when every page
//! has been read:
//! - removals (rule 7): an event is gone only if no page had it, only if
//!   every item was readable (rule 11), only if the ledger row came from the
//!   same source, and, past the removal guard, only once a person confirms
//!   (rule 15);
//! - events whose rule depends on their ticket's live state (rule 8): they
//!   are kept aside and their tickets looked up in one batched request
//!   together with the removed events' tickets, as a whole-snapshot plan
//!   would.
//!
//! Under the storm guard's cap (issue 17, `storm.max_creates_per_cycle`)
//! creates wait too: the oldest `max` of the whole listing are kept (at most
//! `max` drafts) and applied after the last page; the rest are held for a
//! later cycle, recorded nowhere.
//!
//! The planner is the same pure function: it is given a page's events and
//! ledger rows, and at the end the kept-aside events and the rows of the
//! events no page had.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use super::execute::{Executor, NOT_ATTEMPTED};
use super::plan::{
    self, AgreementLookup, CompanyScope, Needs, PlanInput, RemovalGuard, TicketRules,
};
use super::seen::SeenTypes;
use super::{db, inputs, lookups, report, template, ActionLine, Problem, RunReport};
use crate::cw::CwClient;
use crate::model::MonitoringEvent;
use crate::source::StreamEnd;
use crate::store::ledger::{self, LedgerEntry};
use crate::store::settings::Settings;
use crate::store::Store;
use crate::Error;

mod roll;

/// Where the actions of a cycle go as they are done (or, in a dry run,
/// planned).
pub type ActionSink<'a> = &'a (dyn Fn(ActionLine) + Send + Sync);

/// What stays fixed during one pass.
pub(super) struct PassContext<'a> {
    pub store: &'a Store,
    pub cw: &'a CwClient,
    pub settings: &'a Settings,
    pub scopes: &'a BTreeMap<String, CompanyScope>,
    pub rules: &'a TicketRules,
    pub now: &'a str,
    /// `None` in a dry run: nothing is applied.
    pub executor: Option<Arc<Executor>>,
    pub on_action: ActionSink<'a>,
    /// Where the listing comes from (rule 15).
    pub source: &'a str,
    /// A person confirmed this listing's removals (rule 15).
    pub confirmed_removals: bool,
    /// The roll-ups open as the cycle began (issue 17).
    pub open_rollups: Vec<crate::store::rollups::Rollup>,
}

/// One full pass over the listing.
pub(super) struct Pass<'a> {
    cx: PassContext<'a>,
    /// Agreement lookups of this cycle, by company (rule 3: once per cycle).
    agreements: BTreeMap<String, AgreementLookup>,
    /// Events waiting for their ticket's live state, with their rows.
    waiting: Vec<MonitoringEvent>,
    waiting_rows: BTreeMap<String, LedgerEntry>,
    /// Companies in error, for Last Update Status.
    company_errors: BTreeMap<String, String>,
    /// The first plan error of each company, for the report.
    company_problems: BTreeMap<String, Problem>,
    /// Events whose actions failed, for the report.
    event_problems: Vec<Problem>,
    /// The event and backup types the listing has, remembered once at the end.
    types: SeenTypes,
    /// The dry run's template, resolved once when first needed.
    dry_template: Option<Result<template::Template, String>>,
    /// Nothing was planned, looked up or in error so far (rule 10).
    in_step: bool,
    /// Rule 15's facts, known once the listing has been read.
    removal_guard: RemovalGuard,
    /// The storm guard's cap on this cycle's creates (issue 17).
    creates: plan::CreateCap,
    /// New failures and the open roll-ups' members, for the roll-ups.
    storm: roll::StormWatch,
    /// The earliest flap note or close an in-step ticket has due (issue 17).
    flap_due: Option<String>,
}

/// What a whole pass found.
pub(super) struct PassEnd {
    /// Companies in error, for Last Update Status.
    pub company_errors: BTreeMap<String, String>,
    /// Nothing was planned, looked up or in error (rule 10: the next cycle
    /// may reuse this answer while nothing it read changes).
    pub in_step: bool,
    /// Removals were decided on this listing (applied, or held by the
    /// guard), rather than put off by an unreadable item.
    pub removals_planned: bool,
    /// When a flapping ticket's note or close falls due (issue 17): an
    /// in-step answer holds no longer.
    pub flap_due: Option<String>,
}

impl<'a> Pass<'a> {
    pub fn new(mut cx: PassContext<'a>) -> Pass<'a> {
        Pass {
            storm: roll::StormWatch::new(
                std::mem::take(&mut cx.open_rollups),
                cx.settings.storm_rollup_company.is_some(),
            ),
            agreements: BTreeMap::new(),
            waiting: Vec::new(),
            waiting_rows: BTreeMap::new(),
            company_errors: BTreeMap::new(),
            company_problems: BTreeMap::new(),
            event_problems: Vec::new(),
            types: SeenTypes::default(),
            dry_template: None,
            in_step: true,
            removal_guard: RemovalGuard::default(),
            creates: plan::CreateCap::new(cx.settings.storm_max_creates_per_cycle),
            flap_due: None,
            cx,
        }
    }

    /// Plans and applies one page of events.
    pub async fn page(
        &mut self,
        events: Vec<MonitoringEvent>,
        report: &mut RunReport,
    ) -> Result<(), Error> {
        for event in &events {
            self.types.note(&event.event_type, &event.backup_type);
        }
        self.storm.listed(&events);
        let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        let mut rows = db(self.cx.store, move |c| {
            ledger::entries_for(c, ids.iter().map(String::as_str))
        })
        .await?;
        let page = Batch {
            events: &events,
            rows: &rows,
            absent: &NO_ROWS,
            unreadable: &NO_IDS,
            removal_blocked: false,
        };
        let mut needs = plan::needs(&self.input(&page));
        // Rule 8 needs the ticket's live state: such events wait for the end
        // of the listing, where all of them cost one request.
        let waiting = std::mem::take(&mut needs.ticket_states);
        let events = if waiting.is_empty() {
            events
        } else {
            self.in_step = false;
            let (wait, now): (Vec<_>, Vec<_>) = events.into_iter().partition(|e| {
                rows.get(&e.id)
                    .is_some_and(|r| waiting.contains(&r.ticket_id))
            });
            for event in &wait {
                if let Some(row) = rows.remove(&event.id) {
                    self.waiting_rows.insert(event.id.clone(), row);
                }
            }
            self.waiting.extend(wait);
            now
        };
        let page = Batch {
            events: &events,
            rows: &rows,
            absent: &NO_ROWS,
            unreadable: &NO_IDS,
            removal_blocked: false,
        };
        self.plan_and_apply(&page, needs, report).await
    }

    /// After the last page: the waiting events and the removed ones; then
    /// the report's problems, in the order a plan of the whole listing gives
    /// them (unreadable items, companies by id, events).
    pub async fn finish(
        mut self,
        end: StreamEnd,
        report: &mut RunReport,
    ) -> Result<PassEnd, Error> {
        if self.cx.executor.is_some() {
            inputs::remember_types(self.cx.store, &self.types).await?;
        }
        let unreadable: BTreeSet<String> =
            end.rejected.iter().filter_map(|r| r.id.clone()).collect();
        let removal_blocked = end.rejected.iter().any(|r| r.id.is_none());
        let present: HashSet<String> = end.present;
        self.storm.ended(&present, &unreadable);
        let absent_of = unreadable.clone();
        let source = self.cx.source.to_owned();
        let absent = db(self.cx.store, move |c| {
            ledger::tracked_absent(c, &source, &present, &absent_of)
        })
        .await?;
        self.removal_guard = RemovalGuard {
            tracked: absent.tracked,
            confirmed: self.cx.confirmed_removals,
        };
        let rows = std::mem::take(&mut self.waiting_rows);
        let events = std::mem::take(&mut self.waiting);
        let gone = absent.rows;
        let last = Batch {
            events: &events,
            rows: &rows,
            absent: &gone,
            unreadable: &unreadable,
            removal_blocked,
        };
        let needs = plan::needs(&self.input(&last));
        self.plan_and_apply(&last, needs, report).await?;
        self.apply_capped(report).await;
        self.roll_up(!removal_blocked, report).await?;
        let mut problems = super::in_step::rejected_problems(&end.rejected);
        if let Some(guarded) = report.removals_guarded {
            problems.push(Problem {
                key: GUARD_PROBLEM_KEY.to_owned(),
                message: guarded.to_string(),
            });
        }
        problems.extend(self.company_problems.into_values());
        problems.append(&mut self.event_problems);
        report.errors = problems;
        report.rejected = end.rejected;
        Ok(PassEnd {
            company_errors: self.company_errors,
            in_step: self.in_step,
            removals_planned: !removal_blocked,
            flap_due: self.flap_due,
        })
    }

    fn input<'i>(&'i self, batch: &Batch<'i>) -> PlanInput<'i> {
        PlanInput {
            events: batch.events,
            unreadable_ids: batch.unreadable,
            removal_blocked: batch.removal_blocked,
            rows: batch.rows,
            absent: batch.absent,
            companies: self.cx.scopes,
            rules: self.cx.rules,
            agreements: &self.agreements,
            remote: &NO_REMOTE,
            removal_guard: self.removal_guard,
            source: self.cx.source,
        }
    }

    /// Looks up what `needs` asks for (agreements not yet looked up this
    /// cycle), plans `events` and applies the plan.
    async fn plan_and_apply(
        &mut self,
        batch: &Batch<'_>,
        needs: Needs,
        report: &mut RunReport,
    ) -> Result<(), Error> {
        if needs != Needs::default() {
            self.in_step = false;
        }
        let missing = Needs {
            agreement_companies: needs
                .agreement_companies
                .iter()
                .filter(|c| !self.agreements.contains_key(*c))
                .cloned()
                .collect(),
            ticket_states: BTreeSet::new(),
        };
        let remote = match &self.cx.executor {
            // Nothing more is sent this cycle: each action is reported as not
            // attempted, and each company held back says why.
            Some(executor) if executor.aborted() => {
                for company in missing.agreement_companies {
                    let failed = AgreementLookup::Failed(NOT_ATTEMPTED.to_owned());
                    self.agreements.insert(company, failed);
                }
                BTreeMap::new()
            }
            _ => {
                let concurrency = self.cx.settings.sync_concurrency;
                let found =
                    lookups::agreements(self.cx.cw, self.cx.scopes, &missing, concurrency).await?;
                self.agreements.extend(found);
                lookups::ticket_states(self.cx.cw, &needs).await?
            }
        };
        let mut plan = {
            let input = PlanInput {
                remote: &remote,
                ..self.input(batch)
            };
            plan::plan(&input, self.cx.now)
        };
        if !plan.items.is_empty() {
            // Creates the cap keeps aside are still to do (rule 10).
            self.in_step = false;
        }
        self.storm
            .planned(&plan.items, batch.events, self.cx.scopes);
        plan.items = self
            .creates
            .defer(std::mem::take(&mut plan.items), batch.events);
        self.apply(plan, report).await;
        Ok(())
    }

    /// Issue 17, after the last page: the creates the storm guard lets
    /// through, oldest event first. The others are only counted: no intent
    /// or ledger row records them, so a later cycle creates them.
    async fn apply_capped(&mut self, report: &mut RunReport) {
        let capped = std::mem::take(&mut self.creates).finish();
        report.creates_held = capped.held.len();
        report.counts.held = u32::try_from(report.creates_held).unwrap_or(u32::MAX);
        if self.cx.executor.is_none() {
            for held in capped.held {
                (self.cx.on_action)(ActionLine {
                    event_id: held.event_id,
                    company_id: held.company_id,
                    ticket_id: None,
                    text: STORM_HELD_DRY_RUN.to_owned(),
                });
            }
        }
        self.apply_items(capped.creates, report).await;
    }

    /// Applies plan items decided apart from the pages' plans (the capped
    /// creates, the roll-ups).
    async fn apply_items(&mut self, items: Vec<plan::EventPlan>, report: &mut RunReport) {
        let plan = plan::Plan {
            items,
            ..plan::Plan::default()
        };
        self.apply(plan, report).await;
    }

    async fn apply(&mut self, plan: plan::Plan, report: &mut RunReport) {
        if !plan.items.is_empty() || !plan.company_errors.is_empty() {
            self.in_step = false;
        }
        report.removals_held |= plan.removals_held;
        if let Some(due) = plan.flap_due.clone() {
            if self.flap_due.as_ref().is_none_or(|d| due < *d) {
                self.flap_due = Some(due);
            }
        }
        if plan.removals_guarded.is_some() {
            self.in_step = false;
            report.removals_guarded = plan.removals_guarded;
        }
        let skipped = u32::try_from(plan.skipped.len()).unwrap_or(u32::MAX);
        report.counts.skipped = report.counts.skipped.saturating_add(skipped);
        let snoozed = plan
            .skipped
            .iter()
            .filter(|s| s.reason == plan::SkipReason::Snoozed)
            .count();
        report.snoozed = report
            .snoozed
            .saturating_add(u32::try_from(snoozed).unwrap_or(u32::MAX));
        report.counts.snoozed = report.snoozed;
        for (company, error) in &plan.company_errors {
            let label = inputs::company_label(self.cx.scopes, company);
            self.company_problems
                .entry(company.clone())
                .or_insert_with(|| Problem {
                    key: format!("company:{company}"),
                    message: format!("{label}: {error}"),
                });
            // A plan error outranks an earlier page's failed call.
            self.company_errors.insert(company.clone(), error.clone());
        }
        let Some(executor) = self.cx.executor.clone() else {
            let held = plan.skipped.iter().any(|s| {
                matches!(
                    s.reason,
                    plan::SkipReason::CompanyError | plan::SkipReason::Snoozed
                )
            });
            if plan.items.is_empty() && !held {
                return;
            }
            let template = match self.dry_template.take() {
                Some(t) => t,
                None => report::dry_run_template(self.cx.cw, self.cx.settings).await,
            };
            for line in report::dry_run_lines(&template, &plan) {
                (self.cx.on_action)(line);
            }
            self.dry_template = Some(template);
            return;
        };
        if plan.items.is_empty() {
            return;
        }
        let concurrency = self.cx.settings.sync_concurrency;
        for outcome in executor.run(plan.items, concurrency).await {
            for line in outcome.lines {
                report::count(&mut report.counts, &line.text);
                (self.cx.on_action)(line);
            }
            if let Some(error) = outcome.error {
                report.counts.errors += 1;
                self.event_problems.push(Problem {
                    key: format!("event:{}", outcome.event_id),
                    message: format!("{}: {error}", outcome.event_id),
                });
                self.company_errors
                    .entry(outcome.company_id)
                    .or_insert(error);
            }
        }
    }
}

/// A dry run's line for a create the storm guard would hold (issue 17).
pub const STORM_HELD_DRY_RUN: &str =
    "would wait for a later sync: held by the storm guard (storm.max_creates_per_cycle)";

/// The key of the removal guard's problem: one notification while it holds
/// (rule 15), whatever the count.
pub const GUARD_PROBLEM_KEY: &str = "removals:guarded";

/// What one planning call covers: a page's events and their rows, or,
/// after the last page, the waiting events with theirs and the tracked
/// rows the listing no longer has (rule 7).
struct Batch<'i> {
    events: &'i [MonitoringEvent],
    rows: &'i BTreeMap<String, LedgerEntry>,
    absent: &'i BTreeMap<String, LedgerEntry>,
    unreadable: &'i BTreeSet<String>,
    removal_blocked: bool,
}

static NO_IDS: BTreeSet<String> = BTreeSet::new();
static NO_ROWS: BTreeMap<String, LedgerEntry> = BTreeMap::new();
static NO_REMOTE: BTreeMap<i64, plan::RemoteTicket> = BTreeMap::new();
