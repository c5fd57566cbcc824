//! The planner: a pure function from (listing, ledger rows, mapping,
//! settings, ticket states) to the actions that bring ConnectWise in step
//! with the backup source.
//!
//! Rules 1–8 and 15 are decided in [`decide`]: one function returns each
//! listed event's [`Transition`] and one each absent event's [`Removal`],
//! with one match arm per rule. Planning runs in two passes around the only
//! facts that need I/O: [`needs`] collects the [`Lookup`]s those decisions
//! ask for, the engine fetches exactly those, then [`plan`] turns the same
//! decisions into steps, so the two cannot drift.
//!
//! The other rules live where their facts are: rule 9 (intents recorded
//! before each call, settled after a crash) in `engine/execute/`,
//! `engine/recover.rs` and `store/outbox.rs`; rule 10's zero-request cycle
//! in `engine/in_step.rs` (and [`Transition::InStep`] here); rule 11
//! (unreadable items skipped and named) in `source/decode.rs` and each
//! platform's decoder; rule 12 in `store/lock.rs`; rules 13 and 14 in
//! `engine/execute/`, `engine/recover.rs` and `engine/adopt.rs`; rule 15's
//! guard in [`removal`], its saved state in `engine/removals.rs`, its confirmation in
//! `ops/outbox.rs` and its one notification in `alerts.rs`; rule 16 in `store/outbox.rs` and `ops/outbox.rs`; rule 17 in
//! `store/history.rs`, `store/runs.rs` and `store/files.rs`. The storm
//! guard's create cap (issue 17) is in [`cap`]. Snoozes (maintenance
//! windows) are decided in `snooze.rs` before the rules; flap damping
//! (issue 17) in [`flap`], over the rules' decisions.

use super::render::{self, Tracked};
use crate::model::MonitoringEvent;
use crate::store::ledger::{LedgerEntry, TicketState};

mod decide;
pub mod flap;
mod snooze;
mod types;

pub use crate::store::settings::RemovedPolicy;
pub use decide::{decide, decide_removal, Lookup, Removal, ReopenCause, Transition};
pub use types::*;

use decide::new_details;

mod cap;
pub use cap::{Capped, CreateCap, HeldCreate};

mod removal;
pub use removal::REMOVAL_GUARD_MIN;
use removal::{plan_removals, removals};

/// Which lookups the plan needs (first pass): the ones its decisions ask for.
pub fn needs(input: &PlanInput<'_>) -> Needs {
    let mut needs = Needs::default();
    let mut ask = |lookup: Lookup| match lookup {
        Lookup::Agreement { company_id } => {
            needs.agreement_companies.insert(company_id);
        }
        Lookup::TicketState { ticket_id } => {
            needs.ticket_states.insert(ticket_id);
        }
    };
    for event in input.events {
        if let Transition::NeedsLookup(lookup) = decide(input, event, &hash_of(input, event)) {
            ask(lookup);
        }
    }
    if let Ok(removed) = removals(input) {
        for entry in removed {
            if let Removal::NeedsLookup(lookup) = decide_removal(input, entry) {
                ask(lookup);
            }
        }
    }
    needs
}

/// The actions that bring ConnectWise in step (second pass). A lookup
/// still missing here is decided as if its answer were the plain one: no
/// agreement looked up holds the ticket back, an unknown ticket state is
/// taken as open.
pub fn plan(input: &PlanInput<'_>, now: &str) -> Plan {
    let mut out = Plan::default();
    for event in input.events {
        match decide(input, event, &hash_of(input, event)) {
            Transition::Skip(reason) => out.skip(event, reason),
            Transition::Hold { error } => hold(event, error, &mut out),
            Transition::NeedsLookup(Lookup::Agreement { .. }) => {
                let condition = input
                    .companies
                    .get(&event.company_id)
                    .map_or("", |s| s.agreement_condition.trim());
                let error = format!("agreement for `{condition}` was not looked up this cycle");
                hold(event, error, &mut out);
            }
            Transition::Create { agreement } => plan_create(input, event, agreement, now, &mut out),
            Transition::SnoozeStart(id) => plan_snooze_start(input, event, id, now, &mut out),
            // Rule 10, unless a flapping ticket's note or close is due.
            Transition::InStep => match input.rows.get(&event.id) {
                Some(entry) if flap::due(input, event, entry, now) => {
                    plan_update(input, event, Transition::Update, now, &mut out)
                }
                Some(entry) => out.wake(flap::wake_at(input, event, entry)),
                None => {}
            },
            Transition::NeedsLookup(Lookup::TicketState { .. }) => {
                plan_update(input, event, Transition::Update, now, &mut out)
            }
            transition => plan_update(input, event, transition, now, &mut out),
        }
    }
    plan_removals(input, now, &mut out);
    out
}

impl Plan {
    /// Rule 10's memo of this cycle holds no later than `at`.
    fn wake(&mut self, at: Option<String>) {
        if let Some(at) = at {
            if self.flap_due.as_ref().is_none_or(|due| at < *due) {
                self.flap_due = Some(at);
            }
        }
    }

    fn skip(&mut self, event: &MonitoringEvent, reason: SkipReason) {
        self.skipped.push(Skip {
            event_id: event.id.clone(),
            company_id: event.company_id.clone(),
            reason,
        });
    }
}

/// Rule 3: the event waits, its company shows why.
fn hold(event: &MonitoringEvent, error: String, out: &mut Plan) {
    out.company_errors.insert(event.company_id.clone(), error);
    out.skip(event, SkipReason::CompanyError);
}

/// The event's summary, priority and content hash as its ticket would
/// carry them (rule 4: a priority left unset keeps the ticket's).
fn rendered(input: &PlanInput<'_>, event: &MonitoringEvent) -> (String, Option<String>, String) {
    let company = input
        .companies
        .get(&event.company_id)
        .map_or("", |s| s.company_name.as_str());
    let summary = render::summary(&input.rules.summary_template, event, company);
    let priority = priority_for(input, event).or_else(|| {
        input
            .rows
            .get(&event.id)
            .and_then(|entry| entry.priority.clone())
    });
    let hash = render::content_hash(event, &summary, priority.as_deref());
    (summary, priority, hash)
}

fn hash_of(input: &PlanInput<'_>, event: &MonitoringEvent) -> String {
    rendered(input, event).2
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
    event: &MonitoringEvent,
    agreement: Option<(i64, String)>,
    now: &str,
    out: &mut Plan,
) {
    let Some(scope) = input.companies.get(&event.company_id) else {
        return;
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
        snoozed: None,
        flap: None,
    };
    out.items
        .push(event_plan(event, None, vec![Step::Create(draft)], done));
}

/// The steps of an existing ticket's [`Transition`] (`Update`, `Close`,
/// `Reopen`), as flap damping leaves it: a flap note first (its effect
/// records the damping), then the reopen, the fields that change, the note
/// saying what changed, one note per new detail, and the close last.
fn plan_update(
    input: &PlanInput<'_>,
    event: &MonitoringEvent,
    transition: Transition,
    now: &str,
    out: &mut Plan,
) {
    let Some(entry) = input.rows.get(&event.id) else {
        return;
    };
    let (plain, priority, hash) = rendered(input, event);
    let damping = flap::damp(input, event, entry, transition, &plain, now);
    let transition = damping.transition;
    let summary = damping.summary;
    let closing = transition == Transition::Close;
    // The snooze is over: its end note first, then the normal rules.
    let ended = entry.snoozed.filter(|_| {
        decide::scope_of(input, event)
            .is_ok_and(|scope| snooze::end_due(input, scope, event, entry))
    });
    let mut steps: Vec<Step> = ended.map(snooze::end_note).into_iter().collect();
    // The flap note goes first; the note ending a flapping spell goes where
    // the completion's change note would.
    let (flap_note, end_note) = match damping.note {
        Some(
            note @ Step::Note {
                resolution: true, ..
            },
        ) => (None, Some(note)),
        note => (note, None),
    };
    steps.extend(flap_note);
    steps.extend(reopen_steps(&transition));
    steps.extend(patch_step(entry, &summary, priority.as_ref()));
    if damping.quiet {
        steps.extend(end_note);
    } else {
        steps.extend(change_note(entry, event, closing));
    }
    // Rule 5: each new detail once, as its own note.
    for detail in new_details(event, entry) {
        steps.push(Step::Note {
            text: render::detail_note(detail),
            resolution: false,
            effect: NoteEffect::Detail(detail.id.clone()),
        });
    }
    if closing {
        steps.push(Step::Close);
    }
    let mut done = entry.clone();
    done.state = state_after(entry.state, &transition);
    if closing || steps.first().is_some_and(is_end_note) {
        // A ticket closed during a snooze needs no end note.
        done.snoozed = None;
    }
    done.event_type = event.event_type.clone();
    done.job_status = event.job_status.clone();
    done.message = event.message.clone();
    done.summary = summary;
    done.priority = priority;
    done.content_hash = hash;
    done.pushed_details
        .extend(event.details.iter().map(|d| d.id.clone()));
    done.flap = damping.record;
    let quiet = damping.action.map(|a| a.describe().to_owned());
    done.last_action = Some(
        describe_steps(&steps)
            .or(quiet)
            .unwrap_or_else(|| "in step".to_owned()),
    );
    done.last_error = None;
    done.updated_at = now.to_owned();
    let mut item = event_plan(event, Some(entry.ticket_id), steps, done);
    item.flap = damping.action;
    out.items.push(item);
}

/// The plan item of `event` (its ticket, when it has one).
fn event_plan(
    event: &MonitoringEvent,
    ticket_id: Option<i64>,
    steps: Vec<Step>,
    done: LedgerEntry,
) -> EventPlan {
    EventPlan {
        event_id: event.id.clone(),
        company_id: event.company_id.clone(),
        ticket_id,
        steps,
        done,
        flap: None,
    }
}

fn is_end_note(step: &Step) -> bool {
    matches!(
        step,
        Step::Note {
            effect: NoteEffect::SnoozeEnded,
            ..
        }
    )
}

/// Snooze: the open ticket's one start note; nothing else of the event is
/// mirrored, so the normal rules see its changes once the snooze ends.
fn plan_snooze_start(
    input: &PlanInput<'_>,
    event: &MonitoringEvent,
    snooze_id: i64,
    now: &str,
    out: &mut Plan,
) {
    let (Some(entry), Some(snooze)) = (
        input.rows.get(&event.id),
        input.rules.snoozes.iter().find(|s| s.id == snooze_id),
    ) else {
        return;
    };
    let steps = vec![snooze::start_note(snooze)];
    let mut done = entry.clone();
    done.snoozed = Some(snooze_id);
    done.last_action = Some("snooze noted".to_owned());
    done.last_error = None;
    done.updated_at = now.to_owned();
    out.items
        .push(event_plan(event, Some(entry.ticket_id), steps, done));
}

/// The steps a reopen starts with (none for other transitions).
fn reopen_steps(transition: &Transition) -> Vec<Step> {
    match transition {
        Transition::Reopen(ReopenCause::FailedAgain) => vec![Step::Reopen],
        // Once for this batch; the details follow as notes.
        Transition::Reopen(ReopenCause::NewDetails(count)) => vec![
            Step::Reopen,
            Step::Note {
                text: render::reopen_note(*count),
                resolution: false,
                effect: NoteEffect::None,
            },
        ],
        _ => Vec::new(),
    }
}

/// The ledger state once `transition`'s steps are done.
fn state_after(state: TicketState, transition: &Transition) -> TicketState {
    match transition {
        Transition::Close => TicketState::Closed,
        Transition::Reopen(ReopenCause::FailedAgain) => TicketState::Open,
        // A removed event that reappears is tracked again like a closed one.
        _ if state == TicketState::Removed => TicketState::Closed,
        _ => state,
    }
}

/// Rule 4: patch only the fields whose value changes; the description
/// is never edited.
fn patch_step(entry: &LedgerEntry, summary: &str, priority: Option<&String>) -> Option<Step> {
    let patch_summary = (summary != entry.summary).then(|| summary.to_owned());
    let patch_priority = priority
        .cloned()
        .filter(|p| Some(p) != entry.priority.as_ref());
    (patch_summary.is_some() || patch_priority.is_some()).then_some(Step::Patch {
        summary: patch_summary,
        priority: patch_priority,
    })
}

/// Rule 4: one note saying what changed; when the change is the job
/// completing, it goes on the Resolution tab (rule 6).
fn change_note(entry: &LedgerEntry, event: &MonitoringEvent, closing: bool) -> Option<Step> {
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
    let text = render::change_note(&old, &new)?;
    Some(Step::Note {
        text,
        resolution: closing,
        effect: NoteEffect::Tracked {
            event_type: event.event_type.clone(),
            job_status: event.job_status.clone(),
            message: event.message.clone(),
        },
    })
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
