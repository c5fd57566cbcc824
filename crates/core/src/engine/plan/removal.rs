//! Rules 7 and 15: the tracked events the listing no longer has, and whether
//! they wait (an unreadable item without an id, or the removal guard), then
//! the steps that close or delete each one's ticket.

use super::{
    decide_removal, describe_steps, EventPlan, GuardedRemovals, NoteEffect, Plan, PlanInput,
    Removal, Step,
};
use crate::engine::render;
use crate::store::ledger::{LedgerEntry, TicketState, REMOVAL_NOTED};
use std::collections::BTreeSet;

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

/// Rule 7's candidates: the tracked events the listing no longer has
/// (never an unreadable one, rule 11), or `Err` when removals wait: an
/// unreadable item without an id (rule 11 meets rule 7), or too many at
/// once (rule 15).
pub(super) fn removals<'a>(input: &PlanInput<'a>) -> Result<Vec<&'a LedgerEntry>, Held> {
    let listed: BTreeSet<&str> = input.events.iter().map(|e| e.id.as_str()).collect();
    let removed: Vec<&LedgerEntry> = input
        .absent
        .values()
        .filter(|e| matches!(e.state, TicketState::Open | TicketState::Closed))
        .filter(|e| !listed.contains(e.event_id.as_str()))
        .filter(|e| !input.unreadable_ids.contains(&e.event_id))
        .collect();
    if removed.is_empty() {
        return Ok(removed);
    }
    if input.removal_blocked {
        return Err(Held::Unreadable);
    }
    if let Some(guarded) = guard(input, removed.len()) {
        return Err(Held::Guarded(guarded));
    }
    Ok(removed)
}

/// Why removals wait.
pub(super) enum Held {
    Unreadable,
    Guarded(GuardedRemovals),
}

pub(super) fn plan_removals(input: &PlanInput<'_>, now: &str, out: &mut Plan) {
    let removed = match removals(input) {
        Ok(removed) => removed,
        Err(Held::Unreadable) => {
            out.removals_held = true;
            return;
        }
        Err(Held::Guarded(guarded)) => {
            out.removals_guarded = Some(guarded);
            return;
        }
    };
    for entry in removed {
        let (steps, state, quiet) = match decide_removal(input, entry) {
            Removal::Quiet(why, state) => (Vec::new(), state, why),
            Removal::Close | Removal::NeedsLookup(_) => {
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
                (steps, TicketState::Removed, "")
            }
            Removal::Delete => (vec![Step::Delete], TicketState::Deleted, ""),
        };
        let mut done = entry.clone();
        done.state = state;
        // Flap damping ends with the event: one that comes back starts afresh.
        done.flap = None;
        done.last_action = Some(describe_steps(&steps).unwrap_or_else(|| quiet.to_owned()));
        done.last_error = None;
        done.updated_at = now.to_owned();
        out.items.push(EventPlan {
            event_id: entry.event_id.clone(),
            company_id: entry.company_id.clone(),
            ticket_id: Some(entry.ticket_id),
            steps,
            done,
            flap: None,
        });
    }
}
