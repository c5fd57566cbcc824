//! The planner: a pure function from (snapshot, ledger, mapping, settings,
//! ticket states) to the list of actions that brings ConnectWise in step with
//! the dashboard. Every rule of design §4 is applied here and only here; each
//! match arm names its rule.
//!
//! Planning runs in two passes around the only facts that need I/O:
//! [`needs`] says which agreement lookups and ticket states the plan depends
//! on, the engine fetches exactly those, then [`plan`] decides.

use std::collections::BTreeSet;

use super::render::{self, Tracked};
use crate::model::{EventDetail, MonitoringEvent};
use crate::store::ledger::{LedgerEntry, TicketState, REMOVAL_NOTED};

mod types;

pub use crate::store::settings::RemovedPolicy;
pub use types::*;

/// Which lookups the plan needs (first pass).
pub fn needs(input: &PlanInput<'_>) -> Needs {
    let mut needs = Needs::default();
    let present = present_ids(input);
    for event in input.events {
        let Some(scope) = in_scope(input, event) else {
            continue;
        };
        match input.ledger.get(&event.id) {
            None => {
                if wants_ticket(event) && !scope.agreement_condition.trim().is_empty() {
                    needs.agreement_companies.insert(scope.company_id.clone());
                }
            }
            Some(entry) if entry.state == TicketState::Deleted => {
                if wants_ticket(event) && !scope.agreement_condition.trim().is_empty() {
                    needs.agreement_companies.insert(scope.company_id.clone());
                }
            }
            Some(entry) => {
                let has_new_details = event
                    .details
                    .iter()
                    .any(|d| !entry.pushed_details.contains(&d.id));
                if entry.state == TicketState::Open && has_new_details && is_failing(event) {
                    needs.ticket_states.insert(entry.ticket_id);
                }
            }
        }
    }
    if input.rules.removed_policy == RemovedPolicy::Close && !input.removal_blocked {
        let removed: Vec<&LedgerEntry> = removed_entries(input, &present).collect();
        if guard(input, removed.len()).is_none() {
            for entry in removed {
                if entry.state == TicketState::Open {
                    needs.ticket_states.insert(entry.ticket_id);
                }
            }
        }
    }
    needs
}

/// Fewest removals in one listing that the removal guard weighs (rule 15).
pub const REMOVAL_GUARD_MIN: usize = 10;

/// Rule 15: a listing that would remove at least [`REMOVAL_GUARD_MIN`]
/// tracked events, and more than half of those its source tracks, removes
/// none of them until a person confirms (an empty listing during a Dashboard
/// incident, a token re-scoped to fewer companies).
fn guard(input: &PlanInput<'_>, removed: usize) -> Option<GuardedRemovals> {
    let facts = input.removal_guard;
    let too_many = removed >= REMOVAL_GUARD_MIN && removed.saturating_mul(2) > facts.tracked;
    (too_many && !facts.confirmed).then_some(GuardedRemovals {
        count: removed,
        tracked: facts.tracked,
    })
}

/// The actions that bring ConnectWise in step (second pass).
pub fn plan(input: &PlanInput<'_>, now: &str) -> Plan {
    let mut out = Plan::default();
    for event in input.events {
        // Rule 1: only mapped companies and selected event/backup types.
        let Some(scope) = input.companies.get(&event.company_id) else {
            out.skip(event, SkipReason::UnmappedCompany);
            continue;
        };
        if !scope.event_types.allows(&event.event_type) {
            out.skip(event, SkipReason::EventTypeFiltered);
            continue;
        }
        if !scope.backup_types.allows(&event.backup_type) {
            out.skip(event, SkipReason::BackupTypeFiltered);
            continue;
        }
        match input.ledger.get(&event.id) {
            // Rule 2: no ticket yet (or its ticket was deleted) -> create.
            None => plan_create(input, scope, event, now, &mut out),
            Some(entry) if entry.state == TicketState::Deleted => {
                plan_create(input, scope, event, now, &mut out)
            }
            Some(entry) => plan_update(input, scope, event, entry, now, &mut out),
        }
    }
    plan_removals(input, now, &mut out);
    out
}

impl Plan {
    fn skip(&mut self, event: &MonitoringEvent, reason: SkipReason) {
        self.skipped.push(Skip {
            event_id: event.id.clone(),
            company_id: event.company_id.clone(),
            reason,
        });
    }
}

fn in_scope<'a>(input: &PlanInput<'a>, event: &MonitoringEvent) -> Option<&'a CompanyScope> {
    input
        .companies
        .get(&event.company_id)
        .filter(|s| s.event_types.allows(&event.event_type))
        .filter(|s| s.backup_types.allows(&event.backup_type))
}

/// Rule 2: a completed job needs no ticket, except an anomaly (found on a job
/// that finished).
fn wants_ticket(event: &MonitoringEvent) -> bool {
    !event.is_completed() || event.is_anomaly()
}

/// The job is failing again (not completed, not merely running).
fn is_failing(event: &MonitoringEvent) -> bool {
    !event.is_completed() && event.job_status != "Running"
}

fn priority_for(input: &PlanInput<'_>, event: &MonitoringEvent) -> Option<String> {
    input
        .rules
        .priority_by_event_type
        .get(&event.event_type)
        .cloned()
}

fn plan_create(
    input: &PlanInput<'_>,
    scope: &CompanyScope,
    event: &MonitoringEvent,
    now: &str,
    out: &mut Plan,
) {
    if !wants_ticket(event) {
        out.skip(event, SkipReason::CompletedBeforeTicket);
        return;
    }
    // Rule 3: empty condition -> no agreement; otherwise the lowest-id match,
    // and no match holds the ticket back with the error on the company.
    let condition = scope.agreement_condition.trim();
    let agreement = if condition.is_empty() {
        None
    } else {
        match input.agreements.get(&scope.company_id) {
            Some(AgreementLookup::Found { id, name }) => Some((*id, name.clone())),
            Some(AgreementLookup::NoMatch) => {
                out.company_errors.insert(
                    scope.company_id.clone(),
                    format!(
                        "no agreement of {} matches `{condition}`",
                        scope.cw_identifier
                    ),
                );
                out.skip(event, SkipReason::CompanyError);
                return;
            }
            Some(AgreementLookup::Failed(message)) => {
                out.company_errors.insert(
                    scope.company_id.clone(),
                    format!("agreement lookup for `{condition}` failed: {message}"),
                );
                out.skip(event, SkipReason::CompanyError);
                return;
            }
            None => {
                out.company_errors.insert(
                    scope.company_id.clone(),
                    format!("agreement for `{condition}` was not looked up this cycle"),
                );
                out.skip(event, SkipReason::CompanyError);
                return;
            }
        }
    };
    let summary = render::summary(&input.rules.summary_template, event, &scope.company_name);
    let priority = priority_for(input, event);
    let draft = Draft {
        summary: summary.clone(),
        cw_company_id: scope.cw_company_id,
        cw_identifier: scope.cw_identifier.clone(),
        agreement,
        priority: priority.clone(),
        description: render::description(event, &scope.company_name),
        xref: render::external_xref(&event.id),
    };
    // The details present at creation are in the description: they count as pushed.
    let done = LedgerEntry {
        event_id: event.id.clone(),
        company_id: event.company_id.clone(),
        ticket_id: 0,
        state: TicketState::Open,
        anomaly: event.is_anomaly(),
        event_type: event.event_type.clone(),
        job_status: event.job_status.clone(),
        message: event.message.clone(),
        content_hash: render::content_hash(event, &summary, priority.as_deref()),
        summary,
        priority,
        pushed_details: event.details.iter().map(|d| d.id.clone()).collect(),
        last_action: Some("created".to_owned()),
        last_error: None,
        updated_at: now.to_owned(),
        source: input.source.to_owned(),
    };
    out.items.push(EventPlan {
        event_id: event.id.clone(),
        company_id: event.company_id.clone(),
        ticket_id: None,
        steps: vec![Step::Create(draft)],
        done,
    });
}

fn plan_update(
    input: &PlanInput<'_>,
    scope: &CompanyScope,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
    now: &str,
    out: &mut Plan,
) {
    let summary = render::summary(&input.rules.summary_template, event, &scope.company_name);
    // Rule 4: a priority left unset keeps whatever the ticket has.
    let priority = priority_for(input, event).or_else(|| entry.priority.clone());
    let hash = render::content_hash(event, &summary, priority.as_deref());
    let state = entry.state;
    // Rule 10: in step -> nothing to do, no request.
    if hash == entry.content_hash && state != TicketState::Removed {
        return;
    }
    let new_details: Vec<&EventDetail> = event
        .details
        .iter()
        .filter(|d| !entry.pushed_details.contains(&d.id))
        .collect();
    let old = Tracked {
        event_type: &entry.event_type,
        job_status: &entry.job_status,
        message: &entry.message,
    };
    let new = Tracked {
        event_type: &event.event_type,
        job_status: &event.job_status,
        message: &event.message,
    };
    let was_closed = matches!(state, TicketState::Closed | TicketState::Removed);
    let tech_closed =
        state == TicketState::Open && input.remote.get(&entry.ticket_id).is_some_and(|r| r.closed);
    // Rule 6: completion closes the ticket, except one opened for an anomaly.
    let closing = state == TicketState::Open && event.is_completed() && !entry.anomaly;

    let mut steps = Vec::new();
    // A removed event that reappears is tracked again like a closed one.
    let mut final_state = if state == TicketState::Removed {
        TicketState::Closed
    } else {
        state
    };
    if was_closed && is_failing(event) {
        // Rule 6: a ticket closed on completion reopens when the job fails again.
        steps.push(Step::Reopen);
        final_state = TicketState::Open;
    } else if tech_closed && is_failing(event) && !new_details.is_empty() {
        // Rule 8: a technician closed it, the job keeps failing with new
        // details -> reopen once for this batch, the details follow as notes.
        steps.push(Step::Reopen);
        steps.push(Step::Note {
            text: render::reopen_note(new_details.len()),
            resolution: false,
            effect: NoteEffect::None,
        });
    }
    // Rule 4: patch only the fields whose value changes; the description is never edited.
    let patch_summary = (summary != entry.summary).then(|| summary.clone());
    let patch_priority = priority
        .clone()
        .filter(|p| Some(p) != entry.priority.as_ref());
    if patch_summary.is_some() || patch_priority.is_some() {
        steps.push(Step::Patch {
            summary: patch_summary,
            priority: patch_priority,
        });
    }
    // Rule 4: one note saying what changed; when the change is the job
    // completing, it goes on the Resolution tab (rule 6).
    if let Some(text) = render::change_note(&old, &new) {
        steps.push(Step::Note {
            text,
            resolution: closing,
            effect: NoteEffect::Tracked {
                event_type: event.event_type.clone(),
                job_status: event.job_status.clone(),
                message: event.message.clone(),
            },
        });
    }
    // Rule 5: each new detail once, as its own note.
    for detail in &new_details {
        steps.push(Step::Note {
            text: render::detail_note(detail),
            resolution: false,
            effect: NoteEffect::Detail(detail.id.clone()),
        });
    }
    if closing {
        steps.push(Step::Close);
        final_state = TicketState::Closed;
    }
    let mut done = entry.clone();
    done.state = final_state;
    done.event_type = event.event_type.clone();
    done.job_status = event.job_status.clone();
    done.message = event.message.clone();
    done.summary = summary;
    done.priority = priority;
    done.content_hash = hash;
    done.pushed_details
        .extend(event.details.iter().map(|d| d.id.clone()));
    done.last_action = Some(describe_steps(&steps).unwrap_or_else(|| "in step".to_owned()));
    done.last_error = None;
    done.updated_at = now.to_owned();
    out.items.push(EventPlan {
        event_id: event.id.clone(),
        company_id: event.company_id.clone(),
        ticket_id: Some(entry.ticket_id),
        steps,
        done,
    });
}

fn present_ids<'a>(input: &PlanInput<'a>) -> BTreeSet<&'a str> {
    input.events.iter().map(|e| e.id.as_str()).collect()
}

fn removed_entries<'a>(
    input: &PlanInput<'a>,
    present: &BTreeSet<&str>,
) -> impl Iterator<Item = &'a LedgerEntry> + 'a {
    let present: BTreeSet<String> = present.iter().map(|s| (*s).to_owned()).collect();
    let unreadable = input.unreadable_ids;
    input.ledger.values().filter(move |e| {
        matches!(e.state, TicketState::Open | TicketState::Closed)
            && !present.contains(&e.event_id)
            && !unreadable.contains(&e.event_id)
    })
}

fn plan_removals(input: &PlanInput<'_>, now: &str, out: &mut Plan) {
    let present = present_ids(input);
    let removed: Vec<&LedgerEntry> = removed_entries(input, &present).collect();
    if removed.is_empty() {
        return;
    }
    if input.removal_blocked {
        // Rule 11 meets rule 7: an unreadable item might be any tracked event,
        // so nothing is treated as removed until the snapshot reads cleanly.
        out.removals_held = true;
        return;
    }
    if let Some(guarded) = guard(input, removed.len()) {
        // Rule 15: too many at once; a person confirms first.
        out.removals_guarded = Some(guarded);
        return;
    }
    for entry in removed {
        // Rule 7: removal applies to every kind of ticket, anomalies included.
        let mut quiet = "event removed; ticket left open";
        let (steps, state) = match input.rules.removed_policy {
            RemovedPolicy::Leave => (Vec::new(), TicketState::Removed),
            RemovedPolicy::Close => {
                let already_closed = entry.state == TicketState::Closed
                    || input.remote.get(&entry.ticket_id).is_some_and(|r| r.closed);
                if already_closed {
                    quiet = "event removed; ticket already closed";
                    (Vec::new(), TicketState::Removed)
                } else {
                    let mut steps = Vec::new();
                    // Rule 9: after a crash between the note and the close,
                    // only the close is left to do.
                    if entry.content_hash != REMOVAL_NOTED {
                        steps.push(Step::Note {
                            text: render::removed_note(&entry.event_id),
                            resolution: true,
                            effect: NoteEffect::RemovalNoted,
                        });
                    }
                    steps.push(Step::Close);
                    (steps, TicketState::Removed)
                }
            }
            RemovedPolicy::Delete => (vec![Step::Delete], TicketState::Deleted),
        };
        let mut done = entry.clone();
        done.state = state;
        done.last_action = Some(describe_steps(&steps).unwrap_or_else(|| quiet.to_owned()));
        done.last_error = None;
        done.updated_at = now.to_owned();
        out.items.push(EventPlan {
            event_id: entry.event_id.clone(),
            company_id: entry.company_id.clone(),
            ticket_id: Some(entry.ticket_id),
            steps,
            done,
        });
    }
}

/// A short human description of a step list, e.g. `noted, closed`.
pub fn describe_steps(steps: &[Step]) -> Option<String> {
    let words: Vec<&str> = steps.iter().map(Step::verb).collect();
    (!words.is_empty()).then(|| words.join(", "))
}

impl Step {
    /// The past-tense verb for logs and the Activity view.
    pub fn verb(&self) -> &'static str {
        match self {
            Step::Create(_) => "created",
            Step::Patch { .. } => "updated",
            Step::Note {
                effect: NoteEffect::Detail(_),
                ..
            } => "detail noted",
            Step::Note {
                resolution: true, ..
            } => "resolution noted",
            Step::Note { .. } => "noted",
            Step::Close => "closed",
            Step::Reopen => "reopened",
            Step::Delete => "deleted",
        }
    }
}

#[cfg(test)]
mod tests;
