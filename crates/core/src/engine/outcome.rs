//! What a cycle did: its action lines, its problems and the run report the
//! CLI prints, the scheduler publishes and the UI shows.

use serde::Serialize;

use super::plan;
use crate::source::RejectedItem;
use crate::store::runs::RunCounts;

/// One thing the engine did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActionLine {
    pub event_id: String,
    pub company_id: String,
    pub ticket_id: Option<i64>,
    pub text: String,
}

impl ActionLine {
    pub(crate) fn new(item: &plan::EventPlan, ticket_id: Option<i64>, text: String) -> ActionLine {
        ActionLine {
            event_id: item.event_id.clone(),
            company_id: item.company_id.clone(),
            ticket_id,
            text,
        }
    }
}

impl std::fmt::Display for ActionLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ticket_id {
            Some(id) => write!(f, "{} ticket #{id}: {}", self.event_id, self.text),
            None => write!(f, "{}: {}", self.event_id, self.text),
        }
    }
}

/// One problem of a cycle: what it is about (`key`, stable across cycles so a
/// failure is recognised as the same one) and one sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    /// `company:<id>`, `event:<id>` or `item:<position>`.
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What one cycle did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunReport {
    pub run_id: Option<i64>,
    pub dry_run: bool,
    pub events_seen: usize,
    pub counts: RunCounts,
    /// Events a snooze held back (no ticket, no note), also counted as skipped.
    pub snoozed: u32,
    pub actions: Vec<ActionLine>,
    /// One per problem (event, company or unreadable item).
    pub errors: Vec<Problem>,
    pub rejected: Vec<RejectedItem>,
    /// Removals waited for a snapshot without unreadable items.
    pub removals_held: bool,
    /// Rule 15: the listing would have removed this many tracked events, too
    /// many to apply without a person's confirmation; none was applied.
    pub removals_guarded: Option<plan::GuardedRemovals>,
    /// Issue 17: new tickets the storm guard held for a later cycle
    /// (`storm.max_creates_per_cycle`); nothing records them, so a later
    /// cycle creates them, oldest event first.
    pub creates_held: usize,
    /// Issue 17: roll-up tickets this cycle created.
    pub rollups_opened: Vec<RollupOpened>,
}

/// A roll-up ticket a cycle created: what its notification says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RollupOpened {
    /// The ledger's id of the roll-up's ticket (`rollup:<id>`).
    pub event_id: String,
    pub ticket_id: i64,
    /// The new failures it lists.
    pub failures: usize,
    pub companies: usize,
    /// The shared cause (masked message).
    pub cause: String,
}

impl RunReport {
    /// The run finished "with errors" (exit code 1 in the CLI).
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `N tickets held by the storm guard`, when the storm guard held any.
    pub fn storm_line(&self) -> Option<String> {
        storm_line(self.creates_held)
    }
}

/// `N tickets held by the storm guard` for `held` creates (`None` for 0):
/// the words of a run's report and of its stored history alike.
pub fn storm_line(held: usize) -> Option<String> {
    match held {
        0 => None,
        1 => Some("1 ticket held by the storm guard".to_owned()),
        n => Some(format!("{n} tickets held by the storm guard")),
    }
}
