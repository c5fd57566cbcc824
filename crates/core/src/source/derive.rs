//! The incident deriver (design §8): platforms that report the latest run of
//! each plan (MSP360, Comet) become the incidents the sync rules work on.
//!
//! - The key is company + computer + plan (+ destination), as the adapter
//!   builds it ([`PlanRun::key`]).
//! - The first failing run (error, warning, missed schedule) opens an
//!   incident whose id is the key plus that run's start.
//! - Later failing runs update it: message, status, new error lines as
//!   details (each line once).
//! - A successful run makes it `Completed`; the next failure opens a new
//!   incident, and the completed one is *retired*: it leaves the listing
//!   without counting as removed (rule 7 is for plans that are gone).
//! - Running, unknown and never-ticketed runs change nothing; a success with
//!   no open incident is dropped; a run older than one already applied is
//!   ignored (a poll window that overlaps the last one sees it again).
//! - A plan the platform no longer has drops its incident from the listing,
//!   which the engine then treats as removed (rule 7, guarded by rule 15).
//!
//! Pure: the state goes in and comes out; `store::incidents` keeps it in
//! SQLite, so a restart changes no id.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::kind::SourceKind;
use super::platform::{Observation, PlanRun, RunStatus};
use crate::model::{EventDetail, MonitoringEvent, JOB_STATUS_COMPLETED};

/// The kind of the details an error line becomes.
pub const ERROR_LINE_KIND: &str = "FileLevelErrorDetails";

/// What the deriver remembers about one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyState {
    /// The latest run applied: its start, status and message. A run seen
    /// again unchanged changes nothing; an older one is ignored.
    pub last_run: Option<LastRun>,
    /// The plan's latest incident, open or completed.
    pub incident: Option<Incident>,
}

/// The latest run applied to a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub started_at: Option<String>,
    pub status: RunStatus,
    pub message: String,
}

/// One incident: the event the sync rules see, and whether it is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub open: bool,
    pub event: MonitoringEvent,
}

/// What one derivation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derivation {
    /// Keys whose state changed (to be written).
    pub changed: BTreeSet<String>,
    /// Keys the platform no longer has (to be deleted).
    pub dropped: BTreeSet<String>,
    /// Event ids of completed incidents a new failure replaced: they leave
    /// the listing without being removed.
    pub retired: Vec<String>,
}

/// Applies one observation to `states`. `now` (RFC 3339) stands in for a
/// run's start when the platform gives none.
pub fn derive(
    kind: SourceKind,
    states: &mut BTreeMap<String, KeyState>,
    observation: &Observation,
    now: &str,
) -> Derivation {
    let mut out = Derivation::default();
    let mut runs: Vec<&PlanRun> = observation.runs.iter().collect();
    // Oldest first, so the latest run has the last word; a stable sort
    // keeps the platform's order for runs with the same start.
    runs.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    for run in runs {
        if observation.gone.keys.contains(&run.key) && !observation.gone.undecided {
            continue;
        }
        let state = states.entry(run.key.clone()).or_insert(KeyState {
            last_run: None,
            incident: None,
        });
        if apply(kind, state, run, now, &mut out.retired) {
            out.changed.insert(run.key.clone());
        }
        if state.last_run.is_none() && state.incident.is_none() {
            // Nothing worth remembering (an unknown status on a new plan).
            states.remove(&run.key);
        }
    }
    if !observation.gone.undecided {
        for key in &observation.gone.keys {
            if states.remove(key).is_some() {
                out.dropped.insert(key.clone());
                out.changed.remove(key);
            }
        }
    }
    out
}

/// Applies one run to its key's state; true when the state changed.
fn apply(
    kind: SourceKind,
    state: &mut KeyState,
    run: &PlanRun,
    now: &str,
    retired: &mut Vec<String>,
) -> bool {
    if let Some(last) = &state.last_run {
        if run.started_at < last.started_at {
            // An older run seen again: what came after it already counted.
            return false;
        }
        if run.started_at == last.started_at {
            let seen = run.status == last.status && run.message == last.message;
            // A run that succeeded does not fail afterwards: the same run
            // reported failing now is an older answer, not a new incident.
            let went_back =
                last.status == RunStatus::Completed && run.status.event_fields().is_some();
            if seen || went_back {
                return false;
            }
        }
    }
    let before = state.clone();
    state.last_run = Some(LastRun {
        started_at: run.started_at.clone(),
        status: run.status,
        message: run.message.clone(),
    });
    match run.status {
        RunStatus::Failed | RunStatus::Warning | RunStatus::Overdue => match &mut state.incident {
            Some(incident) if incident.open => update(incident, run),
            previous => {
                if let Some(done) = previous.take() {
                    retired.push(done.event.id);
                }
                *previous = Some(open(kind, run, now));
            }
        },
        RunStatus::Completed => {
            if let Some(incident) = state.incident.as_mut().filter(|i| i.open) {
                incident.open = false;
                incident.event.job_status = JOB_STATUS_COMPLETED.to_owned();
                incident.event.updated_at = run.updated_at.clone().or(run.started_at.clone());
            }
        }
        RunStatus::Running | RunStatus::Unknown | RunStatus::NotTicketed => {}
    }
    *state != before
}

/// A new incident for a failing run.
fn open(kind: SourceKind, run: &PlanRun, now: &str) -> Incident {
    let start = run.started_at.as_deref().unwrap_or(now);
    let (event_type, job_status) = run.status.event_fields().unwrap_or(("Error", "Failed"));
    let mut event = MonitoringEvent {
        id: event_id(kind, &format!("{}@{start}", run.key)),
        company_id: run.company_id.clone(),
        computer: run.computer.clone(),
        plan: run.plan.clone(),
        backup_type: run.backup_type.clone(),
        event_type: event_type.to_owned(),
        job_status: job_status.to_owned(),
        message: run.message.clone(),
        details: Vec::new(),
        started_at: Some(start.to_owned()),
        updated_at: run.updated_at.clone(),
        extra: run.description.clone(),
    };
    add_lines(&mut event, run);
    Incident { open: true, event }
}

/// A later failing run of an open incident.
fn update(incident: &mut Incident, run: &PlanRun) {
    let event = &mut incident.event;
    if let Some((event_type, job_status)) = run.status.event_fields() {
        event.event_type = event_type.to_owned();
        event.job_status = job_status.to_owned();
    }
    event.message = run.message.clone();
    event.computer = run.computer.clone();
    event.plan = run.plan.clone();
    event.backup_type = run.backup_type.clone();
    event.updated_at = run.updated_at.clone().or(run.started_at.clone());
    add_lines(event, run);
}

/// Adds the run's error lines the incident does not have yet, each once
/// (the same line in a later run is not new).
fn add_lines(event: &mut MonitoringEvent, run: &PlanRun) {
    for line in &run.error_lines {
        let id = line_id(&line.text);
        if event.details.iter().any(|d| d.id == id) {
            continue;
        }
        event.details.push(EventDetail {
            id,
            kind: ERROR_LINE_KIND.to_owned(),
            at: line.at.clone(),
            text: line.text.clone(),
        });
    }
}

/// A detail id from a line's text: the same text is the same detail.
fn line_id(text: &str) -> String {
    let digest = Sha256::digest(text.trim().as_bytes());
    format!("line-{}", &bridge_base::hex(&digest)[..16])
}

/// The event id of an incident: `<kind>:<incident id>`, so its ticket's
/// `externalXRef` is `bb:<kind>:<incident id>` (hashed past 100 UTF-16
/// units by `render::external_xref`) and no two sources share an id.
pub fn event_id(kind: SourceKind, incident: &str) -> String {
    format!("{}:{incident}", kind.as_str())
}

/// The listing the engine reads: every key's latest incident, open or
/// completed, in key order.
pub fn events(states: &BTreeMap<String, KeyState>) -> Vec<MonitoringEvent> {
    states
        .values()
        .filter_map(|s| s.incident.as_ref().map(|i| i.event.clone()))
        .collect()
}

#[cfg(test)]
#[path = "derive_tests.rs"]
mod tests;
