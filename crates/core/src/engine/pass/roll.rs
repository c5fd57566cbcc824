//! The roll-up stage of a pass (issue 17), after the last page and the
//! storm guard's creates: the cycle's new failures join open roll-ups or
//! open new ones ([`rollup::decide`]), each roll-up's ticket gets its
//! create, join note or close, and each member's ticket its pointer note.
//! Every call goes through the executor, so each lands once (rule 9).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{ActionLine, Pass, Problem, RunReport};
use crate::engine::db;
use crate::engine::plan::{self, EventPlan};
use crate::engine::rollup::{self, Candidate};
use crate::engine::RollupOpened;
use crate::model::MonitoringEvent;
use crate::store::ledger::{self, LedgerEntry, TicketState};
use crate::store::rollups::{self, Rollup};
use crate::Error;

/// What a pass gathers for the roll-ups while it reads the listing.
#[derive(Debug, Default)]
pub(in crate::engine) struct StormWatch {
    /// The open roll-ups as the cycle began.
    pub open: Vec<Rollup>,
    /// New failures matter: a roll-up is open or could open.
    watching: bool,
    /// The open roll-ups' members, by event id.
    members: HashSet<String>,
    /// This cycle's new failures: events given a create, held or not.
    candidates: Vec<Candidate>,
    /// Members of open roll-ups whose job has completed, as listed.
    completed: BTreeSet<String>,
    /// Members of open roll-ups the listing no longer has.
    gone: BTreeSet<String>,
}

impl StormWatch {
    /// `opening`: a roll-up company is set. Without it and without an
    /// open roll-up, nothing is gathered (a first sync of 10,000 events keeps
    /// no message twice).
    pub fn new(open: Vec<Rollup>, opening: bool) -> StormWatch {
        StormWatch {
            watching: opening || !open.is_empty(),
            members: open
                .iter()
                .flat_map(|r| r.members.iter().map(|m| m.event_id.clone()))
                .collect(),
            open,
            ..StormWatch::default()
        }
    }

    /// A page's events: which members completed.
    pub fn listed(&mut self, events: &[MonitoringEvent]) {
        for e in events {
            if self.members.contains(&e.id) {
                if e.is_completed() {
                    self.completed.insert(e.id.clone());
                } else {
                    self.completed.remove(&e.id);
                }
            }
        }
    }

    /// A batch's plan: its creates of failing jobs are new failures.
    pub fn planned(
        &mut self,
        items: &[EventPlan],
        events: &[MonitoringEvent],
        pass_scopes: &BTreeMap<String, plan::CompanyScope>,
    ) {
        if !self.watching {
            return;
        }
        for item in items {
            if !matches!(item.steps.first(), Some(plan::Step::Create(_))) {
                continue;
            }
            let Some(event) = events.iter().find(|e| e.id == item.event_id) else {
                continue;
            };
            if event.is_anomaly() || event.is_completed() {
                continue;
            }
            let company = pass_scopes.get(&event.company_id).map_or_else(
                || event.company_id.clone(),
                |s| format!("{} ({})", s.company_name, s.cw_identifier),
            );
            self.candidates.push(Candidate {
                event_id: event.id.clone(),
                company_id: event.company_id.clone(),
                company,
                computer: event.computer.clone(),
                message: event.message.clone(),
            });
        }
    }

    /// The end of a whole listing: members it no longer has are done.
    pub fn ended(&mut self, present: &HashSet<String>, unreadable: &BTreeSet<String>) {
        for id in &self.members {
            if !present.contains(id) && !unreadable.contains(id) {
                self.gone.insert(id.clone());
            }
        }
    }

    fn done(&self) -> BTreeSet<String> {
        self.completed.union(&self.gone).cloned().collect()
    }
}

/// What the report says of the roll-ups this cycle opened whose ticket was created.
fn opened_lines(
    open: &[Rollup],
    opened: &[i64],
    rows: &BTreeMap<String, LedgerEntry>,
) -> Vec<RollupOpened> {
    open.iter()
        .filter(|r| opened.contains(&r.id))
        .filter_map(|r| {
            let row = rows.get(&rollups::ledger_id(r.id))?;
            let companies: BTreeSet<&str> = r.members.iter().map(|m| m.company.as_str()).collect();
            (row.ticket_id > 0).then(|| RollupOpened {
                event_id: row.event_id.clone(),
                ticket_id: row.ticket_id,
                failures: r.members.len(),
                companies: companies.len(),
                cause: r.cause.clone(),
            })
        })
        .collect()
}

/// The problem key of a roll-up company that cannot be used.
const COMPANY_PROBLEM_KEY: &str = "rollup:company";

impl Pass<'_> {
    /// The roll-up stage; see the module doc. A listing cut short (an
    /// unreadable item without an id) closes nothing: `listing_whole`.
    pub(super) async fn roll_up(
        &mut self,
        listing_whole: bool,
        report: &mut RunReport,
    ) -> Result<(), Error> {
        let settings = self.cx.settings;
        let company = settings.storm_rollup_company.clone();
        let watch = &self.storm;
        if !watch.watching {
            return Ok(());
        }
        let decision = rollup::decide(
            &watch.open,
            &watch.candidates,
            settings.storm_rollup_min,
            company.is_some(),
        );
        if watch.open.is_empty() && decision.opens.is_empty() {
            return Ok(());
        }
        let Some(executor) = self.cx.executor.clone() else {
            self.dry_run_lines(&decision, company.as_deref().unwrap_or_default());
            return Ok(());
        };
        if executor.aborted() {
            return Ok(());
        }
        self.in_step = false;
        let now = self.cx.now.to_owned();
        let mut opened = Vec::new();
        if let (Some(identifier), false) = (company, decision.opens.is_empty()) {
            if let Some(cw_company) = self.rollup_company(&identifier).await {
                let opens = decision.opens.clone();
                let now = now.clone();
                opened = db(self.cx.store, move |c| {
                    opens
                        .iter()
                        .map(|(cause, members)| {
                            rollups::insert(c, cause, (cw_company, &identifier), members, &now)
                        })
                        .collect::<rusqlite::Result<Vec<i64>>>()
                })
                .await?;
            }
        }
        let joins = decision.joins;
        let at = now.clone();
        let open = db(self.cx.store, move |c| {
            for (id, members) in &joins {
                rollups::add_members(c, *id, members, &at)?;
            }
            rollups::open(c)
        })
        .await?;
        let done = if listing_whole {
            self.storm.done()
        } else {
            BTreeSet::new()
        };
        let priority = self.cx.rules.priority_by_event_type.get("Error").cloned();
        let rows = self.rollup_rows(&open).await?;
        let mut items = Vec::new();
        let mut finished = Vec::new();
        for r in &open {
            let row = rows.get(&rollups::ledger_id(r.id));
            let all_done = r.members.iter().all(|m| done.contains(&m.event_id));
            match row {
                // Done before its ticket could be made: no ticket now.
                None if all_done => finished.push(r.id),
                Some(row) if row.state == TicketState::Closed => finished.push(r.id),
                _ => items.extend(rollup::ticket_plan(
                    r,
                    row,
                    &done,
                    priority.as_deref(),
                    &now,
                )),
            }
        }
        self.apply_items(items, report).await;
        let rows = self.rollup_rows(&open).await?;
        report
            .rollups_opened
            .extend(opened_lines(&open, &opened, &rows));
        let mut pointers = Vec::new();
        for r in &open {
            match rows.get(&rollups::ledger_id(r.id)) {
                Some(row) if row.state == TicketState::Closed => finished.push(r.id),
                Some(row) if row.state == TicketState::Open && row.ticket_id > 0 => {
                    pointers.push((r.clone(), row.ticket_id));
                }
                _ => {}
            }
        }
        let at = now.clone();
        db(self.cx.store, move |c| {
            for id in &finished {
                rollups::close(c, *id, &at)?;
            }
            Ok(())
        })
        .await?;
        let items = self.pointer_items(&pointers, &now).await?;
        self.apply_items(items, report).await;
        Ok(())
    }

    /// The ConnectWise id of `storm.rollup_company`, or a problem saying
    /// what to do (the failures' own tickets are created regardless).
    async fn rollup_company(&mut self, identifier: &str) -> Option<i64> {
        let problem = match self.cx.cw.company_by_identifier(identifier).await {
            Ok(Some(company)) => return Some(company.id),
            Ok(None) => format!(
                "storm.rollup_company \"{identifier}\" is not a ConnectWise Company ID, so no \
                 roll-up ticket was made; the failures got their own tickets. Set it to a Company \
                 ID from ConnectWise with `backup-bridge config set storm.rollup_company ID`"
            ),
            Err(e) => format!(
                "the roll-up company \"{identifier}\" could not be looked up ({e}); the roll-up \
                 ticket waits for the next sync"
            ),
        };
        self.event_problems.push(Problem {
            key: COMPANY_PROBLEM_KEY.to_owned(),
            message: problem,
        });
        None
    }

    /// The ledger rows of `open`'s tickets, by ledger id.
    async fn rollup_rows(&self, open: &[Rollup]) -> Result<BTreeMap<String, LedgerEntry>, Error> {
        let ids: Vec<String> = open.iter().map(|r| rollups::ledger_id(r.id)).collect();
        db(self.cx.store, move |c| {
            ledger::entries_for(c, ids.iter().map(String::as_str))
        })
        .await
    }

    /// The pointer notes due on the members' tickets of each roll-up whose
    /// ticket is open.
    async fn pointer_items(
        &self,
        open: &[(Rollup, i64)],
        now: &str,
    ) -> Result<Vec<EventPlan>, Error> {
        let ids: Vec<String> = open
            .iter()
            .flat_map(|(r, _)| r.members.iter().map(|m| m.event_id.clone()))
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = db(self.cx.store, move |c| {
            ledger::entries_for(c, ids.iter().map(String::as_str))
        })
        .await?;
        let mut items = Vec::new();
        let mut seen = BTreeSet::new();
        for (r, ticket_id) in open {
            for m in &r.members {
                // One plan item per event a cycle (the executor runs them apart).
                let Some(row) = rows.get(&m.event_id).filter(|_| seen.insert(&m.event_id)) else {
                    continue;
                };
                items.extend(rollup::pointer_plan(r, *ticket_id, row, now));
            }
        }
        Ok(items)
    }

    /// What a dry run says about the roll-ups: what would open and join.
    fn dry_run_lines(&self, decision: &rollup::Decision, company: &str) {
        for (cause, members) in &decision.opens {
            (self.cx.on_action)(ActionLine {
                event_id: "rollup".to_owned(),
                company_id: String::new(),
                ticket_id: None,
                text: format!(
                    "would create a roll-up ticket in {company}: {} new failures share \"{cause}\"",
                    members.len()
                ),
            });
        }
        for (id, members) in &decision.joins {
            (self.cx.on_action)(ActionLine {
                event_id: rollups::ledger_id(*id),
                company_id: String::new(),
                ticket_id: None,
                text: format!("would add {} failures to roll-up {id}", members.len()),
            });
        }
    }
}
