//! Flap damping (issue 17). Rule 6 stands: completion closes the ticket and
//! a new failure reopens it. But an event whose ticket reopens more than
//! [`FLAP_REOPENS_MAX`] times within `ticket.flap_window_mins` is flapping:
//! - that reopen carries one flap note ("flapping: N failures and M
//!   completions since TIME") instead of the change note, and the summary
//!   shows the count (`[flapping 4x] …`);
//! - from then on a completion does not close the ticket and a failure needs
//!   no reopen; neither adds a change note. The ledger row still takes the
//!   event's fields (nothing is noted twice later); new details are still
//!   noted (rule 5) and rule 8 still applies;
//! - at most once every [`FLAP_NOTE_INTERVAL_MINS`] a new flap note gives the
//!   counts, and the summary's count follows in the same cycle;
//! - once the job has stayed completed for the whole window the ticket
//!   closes normally (a resolution note, the plain summary again) and the
//!   record is cleared. An anomaly's ticket never closes on completion, so
//!   it never reopens on failure and never flaps.
//!
//! The note and the close fall due with time alone, so a cycle whose
//! listing did not change still plans them: [`super::plan`] reports the
//! earliest such time ([`super::Plan::flap_due`]) and rule 10's memo holds
//! only until then (`engine/in_step.rs`).
//!
//! Each flap note records the row's new flap record as its ledger effect and
//! the end note clears it, in the same transaction as the note's
//! confirmation (rule 9), so a crash never sends one twice. The content hash
//! stays that of the plain summary, so rule 10 still sees the event in step.

use chrono::{DateTime, Duration, Utc};

use crate::model::MonitoringEvent;
use crate::store::ledger::{FlapRecord, LedgerEntry, TicketState};

use super::{FlapAction, NoteEffect, PlanInput, ReopenCause, Step, Transition};

/// Reopens within the window an event may have before it is flapping: the
/// next one starts the damping.
pub const FLAP_REOPENS_MAX: usize = 3;

/// Least time between two flap notes on one ticket.
pub const FLAP_NOTE_INTERVAL_MINS: i64 = 60;

/// Longest part of the event's message a flap note quotes.
const NOTE_MESSAGE_MAX_CHARS: usize = 200;

/// What damping makes of one event's update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Damping {
    /// The transition to plan (a held close becomes an update).
    pub transition: Transition,
    /// The row's flap record once the steps are done.
    pub record: Option<FlapRecord>,
    /// The change note is left out (the flap note speaks for it).
    pub quiet: bool,
    /// The flap note, or the resolution note that ends the flapping.
    pub note: Option<Step>,
    /// The summary the ticket carries.
    pub summary: String,
    pub action: Option<FlapAction>,
}

/// What damping makes of `transition` of `event` (its ticket's row is
/// `entry`); `summary` is the plain summary from the template.
pub(super) fn damp(
    input: &PlanInput<'_>,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
    transition: Transition,
    summary: &str,
    now: &str,
) -> Damping {
    let window = window(input);
    let mut plain = Damping {
        transition: transition.clone(),
        record: entry.flap.clone(),
        quiet: false,
        note: None,
        summary: summary.to_owned(),
        action: None,
    };
    let Some(at) = parse(now) else {
        return plain;
    };
    let mut record = entry.flap.clone().unwrap_or_default();
    if !record.flapping() {
        record
            .reopens
            .retain(|t| parse(t).is_some_and(|t| at - t < window));
        // A flap: the job fails again after a completion closed the ticket.
        let flap = transition == Transition::Reopen(ReopenCause::FailedAgain)
            && entry.state == TicketState::Closed
            && !entry.anomaly;
        if flap {
            record.reopens.push(now.to_owned());
        }
        if record.reopens.len() <= FLAP_REOPENS_MAX {
            plain.record = (!record.reopens.is_empty()).then_some(record);
            return plain;
        }
        // More than three within the window: flapping from this reopen on.
        let failures = u32::try_from(record.reopens.len()).unwrap_or(u32::MAX);
        let mut started = FlapRecord {
            since: record.reopens.first().cloned(),
            failures,
            // One completion closed the ticket between each two reopens.
            completions: failures - 1,
            ..FlapRecord::default()
        };
        let note = noted(&mut started, event, now);
        return Damping {
            transition,
            summary: flap_summary(summary, started.noted_failures),
            record: Some(started),
            quiet: true,
            note: Some(note),
            action: Some(FlapAction::Started),
        };
    }
    // Flapping: count the turns, silently.
    if event.is_completed() && record.completed_at.is_none() {
        record.completions = record.completions.saturating_add(1);
        record.completed_at = Some(now.to_owned());
    }
    if failing(event) && record.completed_at.is_some() {
        record.failures = record.failures.saturating_add(1);
        record.completed_at = None;
    }
    if close_due(&record, event, entry, at, window) {
        return Damping {
            transition: Transition::Close,
            record: None,
            quiet: true,
            note: Some(end_note(&record, input.rules.flap_window_mins)),
            summary: summary.to_owned(),
            action: Some(FlapAction::Ended),
        };
    }
    let held = transition == Transition::Close;
    let transition = if held { Transition::Update } else { transition };
    let note = note_due(&record, at).then(|| noted(&mut record, event, now));
    let changed = (&entry.event_type, &entry.job_status, &entry.message)
        != (&event.event_type, &event.job_status, &event.message);
    let action = match (&note, held) {
        (Some(_), _) => Some(FlapAction::Noted),
        (None, true) => Some(FlapAction::CloseHeld),
        (None, false) => changed.then_some(FlapAction::Quiet),
    };
    Damping {
        transition,
        summary: flap_summary(summary, record.noted_failures),
        record: Some(record),
        quiet: true,
        note,
        action,
    }
}

/// A flapping ticket that is otherwise in step has its flap note or its
/// close due at `now`.
pub(super) fn due(
    input: &PlanInput<'_>,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
    now: &str,
) -> bool {
    next_due(input, event, entry).is_some_and(|due| parse(now).is_some_and(|now| due <= now))
}

/// When a flapping ticket that is in step next needs planning (its flap
/// note or its close), as RFC 3339 text; `None` when only a change of its
/// event can move it.
pub(super) fn wake_at(
    input: &PlanInput<'_>,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
) -> Option<String> {
    next_due(input, event, entry).map(stamp)
}

/// The time a flapping row's flap note or close falls due.
fn next_due(
    input: &PlanInput<'_>,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
) -> Option<DateTime<Utc>> {
    let record = entry.flap.as_ref().filter(|r| r.flapping())?;
    let close = record
        .completed_at
        .as_deref()
        .and_then(parse)
        .filter(|_| event.is_completed() && !entry.anomaly)
        .map(|at| at + window(input));
    let note = unnoted(record)
        .then(|| record.noted_at.as_deref().map(parse))
        .map(|noted| match noted {
            // Never noted (or unreadable): due at once.
            None | Some(None) => DateTime::<Utc>::MIN_UTC,
            Some(Some(at)) => at + Duration::minutes(FLAP_NOTE_INTERVAL_MINS),
        });
    close.into_iter().chain(note).min()
}

/// The flap damping window.
fn window(input: &PlanInput<'_>) -> Duration {
    Duration::minutes(i64::from(input.rules.flap_window_mins.max(1)))
}

/// The job is failing (not completed, not merely running), as rule 6 reads it.
fn failing(event: &MonitoringEvent) -> bool {
    !event.is_completed() && event.job_status != "Running"
}

/// The counts changed since the last flap note.
fn unnoted(record: &FlapRecord) -> bool {
    (record.failures, record.completions) != (record.noted_failures, record.noted_completions)
}

fn note_due(record: &FlapRecord, now: DateTime<Utc>) -> bool {
    unnoted(record)
        && record
            .noted_at
            .as_deref()
            .and_then(parse)
            .is_none_or(|at| now - at >= Duration::minutes(FLAP_NOTE_INTERVAL_MINS))
}

/// Completed, and has stayed so for the whole window.
fn close_due(
    record: &FlapRecord,
    event: &MonitoringEvent,
    entry: &LedgerEntry,
    now: DateTime<Utc>,
    window: Duration,
) -> bool {
    event.is_completed()
        && !entry.anomaly
        && record
            .completed_at
            .as_deref()
            .and_then(parse)
            .is_some_and(|at| now - at >= window)
}

/// Marks `record` noted now and returns its flap note.
fn noted(record: &mut FlapRecord, event: &MonitoringEvent, now: &str) -> Step {
    record.noted_at = Some(now.to_owned());
    record.noted_failures = record.failures;
    record.noted_completions = record.completions;
    Step::Note {
        text: flap_note(record, event),
        resolution: false,
        effect: NoteEffect::Flapping(Box::new(record.clone())),
    }
}

/// The flap note: the counts, what BackupBridge does meanwhile, and the
/// job's status now. The counts and the start make the text unique on the
/// ticket, so a note whose answer was lost is recognised by it (rule 13).
fn flap_note(record: &FlapRecord, event: &MonitoringEvent) -> String {
    format!(
        "{}.\nBackupBridge keeps this ticket open while the job flaps and posts at most one \
         such note an hour instead of a note per close and reopen; it closes the ticket once \
         the job has stayed completed for the flap window.\nNow: {}: {}",
        counts(record),
        event.job_status,
        first_line(&event.message)
    )
}

/// The resolution note that ends a flapping spell.
fn end_note(record: &FlapRecord, window_mins: u32) -> Step {
    Step::Note {
        text: format!(
            "Completed for {window_mins} minute{} after {}.",
            plural(window_mins),
            counts(record)
        ),
        resolution: true,
        effect: NoteEffect::FlapEnded,
    }
}

/// `flapping: 5 failures and 4 completions since 2026-12-06 21:04 UTC`.
fn counts(record: &FlapRecord) -> String {
    let since = record
        .since
        .as_deref()
        .map_or_else(String::new, |t| match parse(t) {
            Some(t) => format!(" since {}", t.format("%Y-%m-%d %H:%M UTC")),
            None => format!(" since {t}"),
        });
    format!(
        "flapping: {} failure{} and {} completion{}{since}",
        record.failures,
        plural(record.failures),
        record.completions,
        plural(record.completions)
    )
}

/// The message's first line, cut to [`NOTE_MESSAGE_MAX_CHARS`].
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut short: String = line.chars().take(NOTE_MESSAGE_MAX_CHARS).collect();
    if line.chars().count() > NOTE_MESSAGE_MAX_CHARS {
        short.push('…');
    }
    short
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The summary of a flapping ticket: the count first, cut to ConnectWise's
/// 100 characters like every summary.
pub(super) fn flap_summary(summary: &str, failures: u32) -> String {
    crate::cw::truncate_summary(&format!("[flapping {failures}x] {summary}"))
}

/// A ticket summary without the flapping count [`flap_summary`] puts first.
pub fn plain_summary(summary: &str) -> &str {
    summary
        .strip_prefix("[flapping ")
        .and_then(|rest| rest.split_once("x] "))
        .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map_or(summary, |(_, plain)| plain)
}

fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
