//! Snoozes (maintenance windows) in the planner. An event a snooze covers
//! gets no new ticket and no notes; its open ticket gets one start note,
//! and one end note once no snooze covers it any more, after which the
//! normal rules apply to what is still failing. Completion still closes
//! (rule 6): a job that recovered during the window needs nobody, and a
//! ticket left open until the window ends would only be closed then.
//!
//! Each note goes through the normal step and outbox machinery; its
//! [`NoteEffect`] sets or clears the ledger row's `snoozed` mark in the same
//! transaction as the note's confirmation, so each is sent once (rule 9).
//!
//! Matching (case-insensitive): `company` is the backup source's company id
//! or its name as `companies list` shows it; `computer` the event's
//! computer name; `plan` its backup plan name. The engine gives the planner
//! only the snoozes active at the start of the cycle, so the planner stays
//! pure.

use crate::model::MonitoringEvent;
use crate::store::ledger::{LedgerEntry, TicketState};
use crate::store::snoozes::{Snooze, SnoozeScope};

use super::{CompanyScope, NoteEffect, PlanInput, SkipReason, Step, Transition};

/// The first active snooze covering `event`, if any.
pub(super) fn covering<'a>(
    input: &PlanInput<'a>,
    scope: &CompanyScope,
    event: &MonitoringEvent,
) -> Option<&'a Snooze> {
    input.rules.snoozes.iter().find(|s| {
        let value = s.value.trim();
        match s.scope {
            SnoozeScope::Company => {
                value.eq_ignore_ascii_case(&event.company_id)
                    || value.to_lowercase() == scope.company_name.to_lowercase()
            }
            SnoozeScope::Computer => value.to_lowercase() == event.computer.to_lowercase(),
            SnoozeScope::Plan => value.to_lowercase() == event.plan.to_lowercase(),
        }
    })
}

/// What a snooze makes of a covered event, or `None` when the normal rules
/// decide (completion closes).
pub(super) fn decide_snoozed(
    snooze: &Snooze,
    event: &MonitoringEvent,
    entry: Option<&LedgerEntry>,
) -> Option<Transition> {
    let entry = entry.filter(|e| e.state != TicketState::Deleted);
    match entry {
        // Rule 6 still applies: completion closes the ticket.
        Some(e) if e.state == TicketState::Open && event.is_completed() && !e.anomaly => None,
        // Snooze: the open ticket is told once that it is snoozed.
        Some(e) if e.state == TicketState::Open && e.snoozed.is_none() => {
            Some(Transition::SnoozeStart(snooze.id))
        }
        // Snooze: no ticket, no note, no field change, no reopen.
        _ => Some(Transition::Skip(SkipReason::Snoozed)),
    }
}

/// The start note of `snooze`. Its number makes the text unique on the
/// ticket, so a note whose answer was lost is recognised by its text (rule 13).
pub(super) fn start_note(snooze: &Snooze) -> Step {
    let reason = snooze.reason.trim();
    let until = snooze.until.replace('T', " ").replace('Z', " UTC");
    let why = if reason.is_empty() {
        String::new()
    } else {
        format!(" Reason: {reason}.")
    };
    Step::Note {
        text: format!(
            "Snoozed by BackupBridge until {until} (snooze #{}): no updates are posted to this \
             ticket until then.{why}",
            snooze.id
        ),
        resolution: false,
        effect: NoteEffect::SnoozeStarted(snooze.id),
    }
}

/// The end note of snooze `id`: it is over and updates resume.
pub(super) fn end_note(id: i64) -> Step {
    Step::Note {
        text: format!("Snooze #{id} ended: BackupBridge posts updates to this ticket again."),
        resolution: false,
        effect: NoteEffect::SnoozeEnded,
    }
}

/// The event's ticket carries a start note and no snooze covers the event
/// any more: its end note is due.
pub(super) fn end_due(
    input: &PlanInput<'_>,
    scope: &CompanyScope,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
) -> bool {
    entry.snoozed.is_some() && covering(input, scope, event).is_none()
}
