//! Roll-up tickets (issue 17): when at least `storm.rollup_min` new failures
//! of one cycle share a cause ([`super::storm::shared_cause`]) and
//! `storm.rollup_company` is set, one ticket in that company lists the
//! affected companies and computers. Later failures with the same cause join
//! it (one note per cycle naming the newcomers); each failure's own ticket
//! gets one note pointing to it; it closes once every member has completed
//! (or left the listing).
//!
//! This module is pure: [`decide`] says which roll-ups to open and who joins
//! which, [`ticket_plan`] gives the steps of a roll-up's ticket and
//! [`pointer_plan`] the note on a member's ticket. The roll-up's ticket is a
//! ledger row ([`rollups::ledger_id`]), so the executor creates, notes and
//! closes it exactly once (rule 9) like any event's.

use std::collections::{BTreeMap, BTreeSet};

use super::plan::{Draft, EventPlan, NoteEffect, Step};
use super::render;
use super::storm::{self, NewFailure};
use crate::store::ledger::{LedgerEntry, TicketState};
use crate::store::rollups::{self, Member, Rollup};

/// A new failure of this cycle: an event the planner gave a create to (held
/// by the storm guard or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub event_id: String,
    pub company_id: String,
    /// The company as tickets name it (`Acme Dental (AcmeDental)`).
    pub company: String,
    pub computer: String,
    pub message: String,
}

impl Candidate {
    fn member(&self) -> Member {
        Member {
            event_id: self.event_id.clone(),
            company: self.company.clone(),
            computer: self.computer.clone(),
        }
    }
}

/// What a cycle's new failures change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// New members of open roll-ups, by roll-up id.
    pub joins: BTreeMap<i64, Vec<Member>>,
    /// Roll-ups to open: the shared cause and its members.
    pub opens: Vec<(String, Vec<Member>)>,
}

/// Who joins which open roll-up and which roll-ups open. A candidate
/// already in an open roll-up changes nothing; one whose cause an open
/// roll-up has joins it, however few; the rest open a roll-up per cause
/// shared by at least `min` of them — only when `opening` (a roll-up company
/// is set).
pub fn decide(open: &[Rollup], candidates: &[Candidate], min: usize, opening: bool) -> Decision {
    let members: BTreeSet<&str> = open
        .iter()
        .flat_map(|r| r.members.iter().map(|m| m.event_id.as_str()))
        .collect();
    let mut out = Decision::default();
    let mut rest: Vec<&Candidate> = Vec::new();
    let mut seen = BTreeSet::new();
    for c in candidates {
        if members.contains(c.event_id.as_str()) || !seen.insert(c.event_id.as_str()) {
            continue;
        }
        let cause = storm::shared_cause(&c.message, &c.computer);
        match open.iter().find(|r| r.cause == cause) {
            Some(r) => out.joins.entry(r.id).or_default().push(c.member()),
            None => rest.push(c),
        }
    }
    if !opening {
        return out;
    }
    let failures: Vec<NewFailure<'_>> = rest
        .iter()
        .map(|c| NewFailure {
            event_id: &c.event_id,
            company_id: &c.company_id,
            computer: &c.computer,
            message: &c.message,
        })
        .collect();
    for group in storm::shared_causes(&failures, min) {
        let members = group
            .event_ids
            .iter()
            .filter_map(|id| rest.iter().find(|c| &c.event_id == id))
            .map(|c| c.member())
            .collect();
        out.opens.push((group.cause, members));
    }
    out
}

/// The steps of roll-up `rollup`'s ticket this cycle, given its ledger row
/// (`None` before it exists) and which members are `done` (completed or
/// gone from the listing): the create, a note naming the members it does not
/// list yet, and the close once every member is done. `None` when nothing
/// is due.
pub fn ticket_plan(
    rollup: &Rollup,
    row: Option<&LedgerEntry>,
    done: &BTreeSet<String>,
    priority: Option<&str>,
    now: &str,
) -> Option<EventPlan> {
    let event_id = rollups::ledger_id(rollup.id);
    let all_done =
        !rollup.members.is_empty() && rollup.members.iter().all(|m| done.contains(&m.event_id));
    let row = row.filter(|r| r.state != TicketState::Deleted);
    let Some(row) = row else {
        let summary = summary(rollup);
        let draft = Draft {
            summary: summary.clone(),
            cw_company_id: rollup.cw_company_id,
            cw_identifier: rollup.cw_identifier.clone(),
            agreement: None,
            priority: priority.map(str::to_owned),
            description: description(rollup),
            xref: render::external_xref(&event_id),
        };
        let done_row = LedgerEntry {
            event_id: event_id.clone(),
            // Shown where a backup company would be (`tickets`, Activity).
            company_id: rollup.cw_identifier.clone(),
            ticket_id: 0,
            state: TicketState::Open,
            anomaly: false,
            event_type: ROLLUP_EVENT_TYPE.to_owned(),
            job_status: "Failed".to_owned(),
            message: rollup.cause.clone(),
            summary,
            priority: priority.map(str::to_owned),
            content_hash: ROLLUP_HASH.to_owned(),
            pushed_details: rollup.members.iter().map(|m| m.event_id.clone()).collect(),
            last_action: Some("created".to_owned()),
            last_error: None,
            updated_at: now.to_owned(),
            source: rollups::LEDGER_SOURCE.to_owned(),
            snoozed: None,
            flap: None,
        };
        return Some(item(event_id, None, vec![Step::Create(draft)], done_row));
    };
    if row.state != TicketState::Open {
        return None;
    }
    let unlisted: Vec<&Member> = rollup
        .members
        .iter()
        .filter(|m| !row.pushed_details.contains(&m.event_id))
        .collect();
    let mut steps = Vec::new();
    let mut next = row.clone();
    if !unlisted.is_empty() {
        let ids: Vec<String> = unlisted.iter().map(|m| m.event_id.clone()).collect();
        next.pushed_details.extend(ids.iter().cloned());
        steps.push(Step::Note {
            text: join_note(&unlisted, rollup.members.len()),
            resolution: false,
            effect: NoteEffect::Listed(ids),
        });
    }
    if all_done {
        steps.push(Step::Note {
            text: format!(
                "All {} failures of this roll-up have completed or left the backup listing; \
                 BackupBridge closes it.",
                rollup.members.len()
            ),
            resolution: true,
            effect: NoteEffect::None,
        });
        steps.push(Step::Close);
        next.state = TicketState::Closed;
        next.job_status = "Completed".to_owned();
    }
    if steps.is_empty() {
        return None;
    }
    next.last_action = super::plan::describe_steps(&steps);
    next.last_error = None;
    next.updated_at = now.to_owned();
    Some(item(event_id, Some(row.ticket_id), steps, next))
}

/// The one note on a member's open ticket pointing to roll-up ticket
/// `ticket_id`; `None` when it has it, has no ticket yet or is not open.
pub fn pointer_plan(
    rollup: &Rollup,
    ticket_id: i64,
    row: &LedgerEntry,
    now: &str,
) -> Option<EventPlan> {
    let mark = pointer_mark(rollup.id);
    if row.ticket_id <= 0 || row.state != TicketState::Open || row.pushed_details.contains(&mark) {
        return None;
    }
    let companies: BTreeSet<&str> = rollup.members.iter().map(|m| m.company.as_str()).collect();
    let text = format!(
        "Roll-up ticket #{ticket_id}: this failure shares its cause with {} failures across {} \
         so far.\nShared cause: {}",
        rollup.members.len(),
        plural(companies.len(), "company", "companies"),
        rollup.cause
    );
    let mut next = row.clone();
    next.pushed_details.insert(mark.clone());
    next.last_action = Some("roll-up noted".to_owned());
    next.last_error = None;
    next.updated_at = now.to_owned();
    let steps = vec![Step::Note {
        text,
        resolution: false,
        effect: NoteEffect::Detail(mark),
    }];
    Some(item(row.event_id.clone(), Some(row.ticket_id), steps, next))
}

/// What a member's ledger row records once its pointer note is on its
/// ticket (kept with its detail ids: pushed once, never again).
pub fn pointer_mark(rollup_id: i64) -> String {
    format!("bb-rollup:{rollup_id}")
}

/// The ledger's event type of roll-up tickets (shown on the Activity screen).
pub const ROLLUP_EVENT_TYPE: &str = "Roll-up";

/// A roll-up row's content hash: never a real (hex) one.
const ROLLUP_HASH: &str = "rollup";

fn item(
    event_id: String,
    ticket_id: Option<i64>,
    steps: Vec<Step>,
    done: LedgerEntry,
) -> EventPlan {
    EventPlan {
        event_id,
        company_id: done.company_id.clone(),
        ticket_id,
        steps,
        done,
        flap: None,
    }
}

fn summary(rollup: &Rollup) -> String {
    let companies: BTreeSet<&str> = rollup.members.iter().map(|m| m.company.as_str()).collect();
    crate::cw::truncate_summary(&format!(
        "Roll-up: {} backups failing with one cause ({}): {}",
        rollup.members.len(),
        plural(companies.len(), "company", "companies"),
        rollup.cause
    ))
}

fn description(rollup: &Rollup) -> String {
    let mut text = format!(
        "BackupBridge found {} new backup failures in one sync that share one cause:\n\n    {}\n\n\
         Each failure has its own ticket (created as the storm guard allows) with a note \
         pointing here. This ticket gains a note when more failures join and closes when all \
         of them have completed.\n\nAffected companies and computers:\n",
        rollup.members.len(),
        rollup.cause
    );
    text.push_str(&by_company(rollup.members.iter()));
    text
}

fn join_note(joined: &[&Member], total: usize) -> String {
    format!(
        "{} joined this roll-up ({total} in all):\n{}",
        plural(joined.len(), "more failure", "more failures"),
        by_company(joined.iter().copied())
    )
}

/// `- Company: PC-1, PC-2` lines, companies in order.
fn by_company<'m>(members: impl Iterator<Item = &'m Member>) -> String {
    let mut companies: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for m in members {
        companies
            .entry(m.company.as_str())
            .or_default()
            .insert(m.computer.as_str());
    }
    companies
        .into_iter()
        .map(|(company, computers)| {
            let names: Vec<&str> = computers.into_iter().collect();
            format!("- {company}: {}\n", names.join(", "))
        })
        .collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
#[path = "rollup_tests.rs"]
mod tests;
