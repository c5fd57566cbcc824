//! The planner's vocabulary: what it reads ([`PlanInput`]), what it needs
//! fetched ([`Needs`]) and what it decides ([`Plan`], [`EventPlan`], [`Step`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{MonitoringEvent, TypeFilter};
use crate::store::ledger::LedgerEntry;
use crate::store::snoozes::Snooze;

use super::RemovedPolicy;

/// A mapped dashboard company with its effective filters (rule 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyScope {
    pub company_id: String,
    pub company_name: String,
    pub cw_company_id: i64,
    pub cw_identifier: String,
    pub event_types: TypeFilter,
    pub backup_types: TypeFilter,
    /// Empty means "no agreement".
    pub agreement_condition: String,
}

/// Ticket settings the planner needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRules {
    pub summary_template: String,
    pub removed_policy: RemovedPolicy,
    /// Priority name per event type; absent = ConnectWise's default priority.
    pub priority_by_event_type: BTreeMap<String, String>,
    /// The snoozes active this cycle (maintenance windows).
    pub snoozes: Vec<Snooze>,
    /// `ticket.flap_window_mins`: the flap damping window (issue 17).
    pub flap_window_mins: u32,
}

/// Outcome of the per-cycle agreement lookup for one company (rule 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgreementLookup {
    Found { id: i64, name: String },
    NoMatch,
    Failed(String),
}

/// A ticket's live state, fetched only where a rule depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteTicket {
    pub closed: bool,
}

/// Everything the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    pub events: &'a [MonitoringEvent],
    /// Ids of snapshot items that could not be read: never treated as removed.
    pub unreadable_ids: &'a BTreeSet<String>,
    /// A snapshot item without a readable id was skipped, so any tracked event
    /// might still exist: removals wait for a clean snapshot.
    pub removal_blocked: bool,
    /// The ledger rows of the listed events (`events`), by event id.
    pub rows: &'a BTreeMap<String, LedgerEntry>,
    /// The ledger rows of tracked events the listing no longer has: rule
    /// 7's candidates (empty until the listing has been read whole).
    pub absent: &'a BTreeMap<String, LedgerEntry>,
    /// Mapped companies by dashboard company id; unmapped ones are absent.
    pub companies: &'a BTreeMap<String, CompanyScope>,
    pub rules: &'a TicketRules,
    pub agreements: &'a BTreeMap<String, AgreementLookup>,
    pub remote: &'a BTreeMap<i64, RemoteTicket>,
    /// What rule 15 weighs the listing's removals against.
    pub removal_guard: RemovalGuard,
    /// The listing's source, recorded on every row the plan writes for an
    /// event it lists (rule 15).
    pub source: &'a str,
}

/// Rule 15's facts about the listing being planned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemovalGuard {
    /// Open and closed tickets that the listing's source tracks.
    pub tracked: usize,
    /// A person confirmed the removals (`sync --confirm-removals`).
    pub confirmed: bool,
}

/// Removals the guard held back (rule 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GuardedRemovals {
    /// Tracked events missing from the listing.
    pub count: usize,
    /// Open and closed tickets the source tracks in all.
    pub tracked: usize,
}

impl std::fmt::Display for GuardedRemovals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of the {} tracked events are missing from the Dashboard listing, so none of \
             their tickets was closed or deleted. If they were really removed, confirm with \
             `backup-bridge sync --once --confirm-removals` (or Confirm removals on the \
             Activity screen); if the Dashboard had a problem, nothing needs doing and the \
             tickets stay as they are when the events come back",
            self.count, self.tracked
        )
    }
}

/// The I/O a plan depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// Companies whose agreement must be looked up (cached per cycle).
    pub agreement_companies: BTreeSet<String>,
    /// Tickets whose open/closed state decides a rule.
    pub ticket_states: BTreeSet<i64>,
}

/// A ticket to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub summary: String,
    pub cw_company_id: i64,
    pub cw_identifier: String,
    pub agreement: Option<(i64, String)>,
    pub priority: Option<String>,
    pub description: String,
    pub xref: String,
}

/// What a note records in the ledger once confirmed (the ledger's own type,
/// so a recovered note has the same effect as a confirmed one).
pub use crate::store::ledger::NoteLedgerEffect as NoteEffect;

/// One ConnectWise action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Step {
    Create(Draft),
    /// Fields whose value changes (rule 4); `None` = unchanged.
    Patch {
        summary: Option<String>,
        priority: Option<String>,
    },
    Note {
        text: String,
        resolution: bool,
        effect: NoteEffect,
    },
    /// Move to the board's closed status.
    Close,
    /// Move to the board's new status.
    Reopen,
    Delete,
}

/// The actions for one event, in order, and the ledger row once all succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventPlan {
    pub event_id: String,
    pub company_id: String,
    pub ticket_id: Option<i64>,
    pub steps: Vec<Step>,
    #[serde(skip)]
    pub done: LedgerEntry,
    /// What flap damping made of the event this cycle, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flap: Option<FlapAction>,
}

/// What flap damping (issue 17) did to one event's plan, for the dry run
/// and the Activity view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FlapAction {
    /// This reopen made the event flapping: the flap note replaces the
    /// change note.
    Started,
    /// Flapping: a completion that leaves the ticket open, without a note.
    CloseHeld,
    /// Flapping: a change taken without a change note.
    Quiet,
    /// Flapping: the hourly flap note (and the summary's count).
    Noted,
    /// Completed for the whole window: the ticket closes normally.
    Ended,
}

impl FlapAction {
    /// What damping did, for the dry run and the ledger's last action.
    pub fn describe(self) -> &'static str {
        match self {
            FlapAction::Started => "flapping: started",
            FlapAction::CloseHeld => "flapping: close held",
            FlapAction::Quiet => "flapping: change taken without a note",
            FlapAction::Noted => "flapping: noted",
            FlapAction::Ended => "flapping: ended, closed",
        }
    }
}

/// Why an event produces no ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SkipReason {
    UnmappedCompany,
    EventTypeFiltered,
    BackupTypeFiltered,
    CompletedBeforeTicket,
    /// Held back by its company's error (agreement missing or lookup failed).
    CompanyError,
    /// Held back by a snooze (maintenance window).
    Snoozed,
}

/// An event left alone this cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    pub event_id: String,
    pub company_id: String,
    pub reason: SkipReason,
}

/// The whole cycle's plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub items: Vec<EventPlan>,
    pub skipped: Vec<Skip>,
    /// Company errors to show as Last Update Status, by dashboard company id.
    pub company_errors: BTreeMap<String, String>,
    /// Removals were held back because an unreadable item had no id.
    pub removals_held: bool,
    /// Removals were held back by the removal guard (rule 15).
    pub removals_guarded: Option<GuardedRemovals>,
    /// The earliest time a flapping ticket that is otherwise in step gets
    /// its flap note or its close (issue 17): rule 10's memo of this cycle
    /// holds only until then.
    pub flap_due: Option<String>,
}

impl Plan {
    /// Number of ConnectWise actions planned.
    pub fn action_count(&self) -> usize {
        self.items.iter().map(|p| p.steps.len()).sum()
    }
}
