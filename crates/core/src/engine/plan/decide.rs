//! One decision per event, one match arm per rule: [`decide`] says what the
//! rules make of a listed event, [`decide_removal`] what rule 7 makes of a
//! tracked event the listing no longer has. [`super::needs`] and
//! [`super::plan`] are both read off these decisions, so the lookups asked
//! for and the actions planned cannot drift apart.

use crate::model::{EventDetail, MonitoringEvent};
use crate::store::ledger::{LedgerEntry, TicketState};

use super::{snooze, AgreementLookup, CompanyScope, PlanInput, RemovedPolicy, SkipReason};

/// A fact a rule needs that only ConnectWise has; the engine looks it up
/// and the planner decides again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Rule 3: the company's agreement (cached per cycle).
    Agreement { company_id: String },
    /// Rules 7 and 8: whether a technician closed the ticket.
    TicketState { ticket_id: i64 },
}

/// Why a ticket is reopened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReopenCause {
    /// Rule 6: a ticket closed on completion (or whose event was removed)
    /// and the job fails again.
    FailedAgain,
    /// Rule 8: a technician closed it while the job keeps failing, and
    /// this many new details came.
    NewDetails(usize),
}

/// What the rules make of one listed event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Rules 1 and 2: no ticket work, and why.
    Skip(SkipReason),
    /// Rule 3: held back by its company's agreement; the error names the
    /// condition.
    Hold { error: String },
    /// A fact is missing: look it up first.
    NeedsLookup(Lookup),
    /// Rule 2: a new ticket, with its agreement (rule 3).
    Create { agreement: Option<(i64, String)> },
    /// Rule 10: in step, nothing to send.
    InStep,
    /// Rules 4 and 5: fields and notes; the ticket stays open or closed.
    Update,
    /// Rule 6: completion closes the ticket.
    Close,
    /// Rules 6 and 8: the ticket reopens.
    Reopen(ReopenCause),
    /// Snooze: the open ticket gets this snooze's start note, nothing else.
    SnoozeStart(i64),
}

/// Rule 1's answer for an event: its company's scope, or why it is out.
pub(super) fn scope_of<'a>(
    input: &PlanInput<'a>,
    event: &MonitoringEvent,
) -> Result<&'a CompanyScope, SkipReason> {
    // Rule 1: only mapped companies and selected event/backup types.
    let scope = input
        .companies
        .get(&event.company_id)
        .ok_or(SkipReason::UnmappedCompany)?;
    if !scope.event_types.allows(&event.event_type) {
        return Err(SkipReason::EventTypeFiltered);
    }
    if !scope.backup_types.allows(&event.backup_type) {
        return Err(SkipReason::BackupTypeFiltered);
    }
    Ok(scope)
}

/// What the rules make of `event`; `hash` is its content hash as the
/// ticket would carry it (rule 10 compares it with the ledger's).
pub fn decide(input: &PlanInput<'_>, event: &MonitoringEvent, hash: &str) -> Transition {
    let scope = match scope_of(input, event) {
        Ok(scope) => scope,
        Err(reason) => return Transition::Skip(reason),
    };
    let row = input.rows.get(&event.id);
    if let Some(snooze) = snooze::covering(input, scope, event) {
        if let Some(held) = snooze::decide_snoozed(snooze, event, row) {
            return held;
        }
    }
    match row {
        // Rule 2: no ticket yet, or its ticket was deleted.
        None => decide_create(input, scope, event),
        Some(entry) if entry.state == TicketState::Deleted => decide_create(input, scope, event),
        // Snooze over: the end note is due even when the event is in step.
        Some(entry) if snooze::end_due(input, scope, event, entry) => {
            match decide_update(input, event, entry, hash) {
                Transition::InStep => Transition::Update,
                other => other,
            }
        }
        Some(entry) => decide_update(input, event, entry, hash),
    }
}

fn decide_create(
    input: &PlanInput<'_>,
    scope: &CompanyScope,
    event: &MonitoringEvent,
) -> Transition {
    // Rule 2: a completed job needs no ticket, except an anomaly (found on
    // a job that finished).
    if !wants_ticket(event) {
        return Transition::Skip(SkipReason::CompletedBeforeTicket);
    }
    let condition = scope.agreement_condition.trim();
    if condition.is_empty() {
        // Rule 3: an empty condition means no agreement.
        return Transition::Create { agreement: None };
    }
    match input.agreements.get(&scope.company_id) {
        // Rule 3: the lowest-id match.
        Some(AgreementLookup::Found { id, name }) => Transition::Create {
            agreement: Some((*id, name.clone())),
        },
        // Rule 3: no match holds the ticket back, the error on the company.
        Some(AgreementLookup::NoMatch) => Transition::Hold {
            error: format!(
                "no agreement of {} matches `{condition}`",
                scope.cw_identifier
            ),
        },
        Some(AgreementLookup::Failed(message)) => Transition::Hold {
            error: format!("agreement lookup for `{condition}` failed: {message}"),
        },
        None => Transition::NeedsLookup(Lookup::Agreement {
            company_id: scope.company_id.clone(),
        }),
    }
}

fn decide_update(
    input: &PlanInput<'_>,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
    hash: &str,
) -> Transition {
    let state = entry.state;
    let failing = is_failing(event);
    match state {
        // Rule 10: in step -> nothing to do, no request. (A removed event
        // that reappears is tracked again, whatever its hash.)
        _ if hash == entry.content_hash && state != TicketState::Removed => Transition::InStep,
        // Rule 6: a ticket closed on completion reopens when the job fails
        // again; so does one closed because its event was removed.
        TicketState::Closed | TicketState::Removed if failing => {
            Transition::Reopen(ReopenCause::FailedAgain)
        }
        // Rule 8: the job keeps failing with new details; whether a
        // technician closed the ticket decides.
        TicketState::Open if failing && !new_details(event, entry).is_empty() => {
            match input.remote.get(&entry.ticket_id) {
                None => Transition::NeedsLookup(Lookup::TicketState {
                    ticket_id: entry.ticket_id,
                }),
                Some(remote) if remote.closed => {
                    Transition::Reopen(ReopenCause::NewDetails(new_details(event, entry).len()))
                }
                // Still open: the details follow as notes (rule 5).
                Some(_) => Transition::Update,
            }
        }
        // Rule 6: completion closes the ticket, except one opened for an
        // anomaly, which needs a human look.
        TicketState::Open if event.is_completed() && !entry.anomaly => Transition::Close,
        // Rules 4 and 5: what changed, as fields and notes.
        _ => Transition::Update,
    }
}

/// What rule 7 makes of a tracked event the listing no longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// Nothing to send; the row records why.
    Quiet(&'static str, TicketState),
    /// Close the ticket with a note (the `close` policy).
    Close,
    /// Delete the ticket (the `delete` policy).
    Delete,
    /// Whether a technician already closed it decides (the `close` policy).
    NeedsLookup(Lookup),
}

/// Rule 7, per the removed-event policy, for every kind of ticket,
/// anomalies included (removal means someone dealt with it).
pub fn decide_removal(input: &PlanInput<'_>, entry: &LedgerEntry) -> Removal {
    const ALREADY_CLOSED: &str = "event removed; ticket already closed";
    match input.rules.removed_policy {
        RemovedPolicy::Leave => {
            Removal::Quiet("event removed; ticket left open", TicketState::Removed)
        }
        RemovedPolicy::Close if entry.state == TicketState::Closed => {
            Removal::Quiet(ALREADY_CLOSED, TicketState::Removed)
        }
        RemovedPolicy::Close => match input.remote.get(&entry.ticket_id) {
            None => Removal::NeedsLookup(Lookup::TicketState {
                ticket_id: entry.ticket_id,
            }),
            Some(remote) if remote.closed => Removal::Quiet(ALREADY_CLOSED, TicketState::Removed),
            Some(_) => Removal::Close,
        },
        RemovedPolicy::Delete => Removal::Delete,
    }
}

/// Rule 2: a completed job needs no ticket, except an anomaly.
fn wants_ticket(event: &MonitoringEvent) -> bool {
    !event.is_completed() || event.is_anomaly()
}

/// The job is failing again (not completed, not merely running).
fn is_failing(event: &MonitoringEvent) -> bool {
    !event.is_completed() && event.job_status != "Running"
}

/// Rule 5: the event's details not yet pushed to the ticket.
pub(super) fn new_details<'e>(
    event: &'e MonitoringEvent,
    entry: &LedgerEntry,
) -> Vec<&'e EventDetail> {
    event
        .details
        .iter()
        .filter(|d| !entry.pushed_details.contains(&d.id))
        .collect()
}
