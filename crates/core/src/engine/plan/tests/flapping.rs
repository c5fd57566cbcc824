//! Flap damping (issue 17): more than three reopens within
//! `ticket.flap_window_mins` (240 here) hold the ticket open with one flap
//! note an hour until the job has stayed completed for the window.

use super::*;

use crate::store::ledger::{FlapRecord, FLAP_ENDED};

/// `NOW` moved by `mins` minutes.
fn at(mins: i64) -> String {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    (now + chrono::Duration::minutes(mins))
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl World {
    /// Sets e1's job status and syncs at `NOW` + `mins`.
    fn turn(&mut self, status: &str, mins: i64) -> Plan {
        self.events[0].job_status = status.into();
        self.sync_at(mins)
    }

    fn sync_at(&mut self, mins: i64) -> Plan {
        self.now = at(mins);
        self.sync()
    }

    fn record(&self) -> Option<FlapRecord> {
        self.ledger["e1"].flap.clone()
    }
}

fn flap_of(p: &Plan) -> Option<FlapAction> {
    p.items.first().and_then(|i| i.flap)
}

const PLAIN: &str = "Error: PC1 - Nightly (FileLevel)";

/// e1 failed at `NOW`, then completed and failed again four times, ten
/// minutes apart (`NOW` + 10, 20, …, 80): damping started at minute 80.
fn flapping_world() -> World {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    for round in 0..4 {
        let base = 20 * round;
        assert_eq!(
            verbs(&w.turn("Completed", base + 10), "e1"),
            ["resolution noted", "closed"],
            "round {round}: rule 6 closes"
        );
        let reopened = w.turn("Failed", base + 20);
        if round < 3 {
            assert_eq!(
                verbs(&reopened, "e1"),
                ["reopened", "noted"],
                "round {round}"
            );
            assert_eq!(flap_of(&reopened), None);
        } else {
            // The fourth reopen within the window: the flap note replaces the change note.
            assert_eq!(verbs(&reopened, "e1"), ["noted", "reopened", "updated"]);
            assert_eq!(flap_of(&reopened), Some(FlapAction::Started));
            assert_eq!(
                note_texts(&reopened)[0].lines().next().unwrap(),
                "flapping: 4 failures and 3 completions since 2026-11-27 10:20 UTC."
            );
        }
    }
    w
}

#[test]
fn four_flaps_within_the_window_start_damping() {
    let mut w = flapping_world();
    let row = &w.ledger["e1"];
    assert_eq!(row.state, TicketState::Open);
    assert_eq!(row.summary, format!("[flapping 4x] {PLAIN}"));
    assert_eq!(row.flaps(), Some(4));
    // The hash is the plain summary's: rule 10 sees the event in step.
    assert!(w.sync_at(81).items.is_empty());
}

#[test]
fn while_flapping_completion_and_failure_add_no_note_and_no_close() {
    let mut w = flapping_world();
    let held = w.turn("Completed", 85);
    assert_eq!(verbs(&held, "e1"), Vec::<&str>::new());
    assert_eq!(flap_of(&held), Some(FlapAction::CloseHeld));
    assert_eq!(w.ledger["e1"].state, TicketState::Open);
    assert_eq!(w.ledger["e1"].job_status, "Completed", "taken silently");
    assert_eq!(
        w.ledger["e1"].last_action.as_deref(),
        Some("flapping: close held")
    );
    let failed = w.turn("Failed", 90);
    assert_eq!(verbs(&failed, "e1"), Vec::<&str>::new());
    assert_eq!(flap_of(&failed), Some(FlapAction::Quiet));
    let record = w.record().unwrap();
    assert_eq!((record.failures, record.completions), (5, 4));
    // A message change is no note either; the ledger takes it.
    w.events[0].message = "disk full".into();
    assert!(verbs(&w.sync_at(95), "e1").is_empty());
    assert!(
        w.sync_at(96).items.is_empty(),
        "nothing is noted twice later"
    );
}

#[test]
fn the_flap_note_and_summary_follow_at_most_once_an_hour() {
    let mut w = flapping_world();
    w.turn("Completed", 90);
    w.turn("Failed", 100);
    // Within the hour of the start note (minute 80): no note, but the plan
    // names when one falls due, so rule 10's memo lasts no longer.
    let quiet = w.sync_at(139);
    assert!(quiet.items.is_empty());
    assert_eq!(quiet.flap_due.as_deref(), Some(at(140).as_str()));
    // Due with no change of the event at all.
    let noted = w.sync_at(140);
    assert_eq!(verbs(&noted, "e1"), ["noted", "updated"]);
    assert_eq!(flap_of(&noted), Some(FlapAction::Noted));
    assert!(note_texts(&noted)[0]
        .starts_with("flapping: 5 failures and 4 completions since 2026-11-27 10:20 UTC.\n"));
    assert!(note_texts(&noted)[0].ends_with("Now: Failed: 3 files could not be read"));
    assert_eq!(w.ledger["e1"].summary, format!("[flapping 5x] {PLAIN}"));
    // Not twice within the hour.
    w.turn("Completed", 150);
    assert!(verbs(&w.turn("Failed", 160), "e1").is_empty());
    assert!(verbs(&w.sync_at(199), "e1").is_empty());
    let again = w.sync_at(200);
    assert_eq!(verbs(&again, "e1"), ["noted", "updated"]);
    assert_eq!(w.ledger["e1"].summary, format!("[flapping 6x] {PLAIN}"));
    // Nothing new since: no note, even hours later.
    let later = w.sync_at(400);
    assert!(later.items.is_empty());
    assert_eq!(later.flap_due, None);
}

#[test]
fn details_are_still_noted_while_flapping() {
    let mut w = flapping_world();
    w.events[0].details = vec![detail("d-1", "FileLevelErrorDetails")];
    let p = w.sync_at(85);
    assert_eq!(verbs(&p, "e1"), ["detail noted"]);
    assert!(w.ledger["e1"].pushed_details.contains("d-1"));
    // Rule 8: a technician closed the held ticket; new details reopen it.
    w.remote.insert(100, RemoteTicket { closed: true });
    w.events[0]
        .details
        .push(detail("d-2", "FileLevelErrorDetails"));
    assert_eq!(
        verbs(&w.sync_at(86), "e1"),
        ["reopened", "noted", "detail noted"]
    );
}

#[test]
fn closes_once_completed_for_the_window_and_not_before() {
    let mut w = flapping_world();
    w.turn("Completed", 90);
    // A failure in between starts the wait again.
    w.turn("Failed", 200);
    w.turn("Completed", 210);
    assert_eq!(flap_of(&w.sync_at(260)), Some(FlapAction::Noted));
    let waiting = w.sync_at(449);
    assert!(waiting.items.is_empty(), "{:?}", waiting.items);
    assert_eq!(waiting.flap_due.as_deref(), Some(at(450).as_str()));
    let closed = w.sync_at(450);
    assert_eq!(
        verbs(&closed, "e1"),
        ["updated", "resolution noted", "closed"]
    );
    assert_eq!(flap_of(&closed), Some(FlapAction::Ended));
    assert_eq!(
        note_texts(&closed)[0],
        "Completed for 240 minutes after flapping: 5 failures and 5 completions since \
         2026-11-27 10:20 UTC."
    );
    let row = &w.ledger["e1"];
    assert_eq!(row.state, TicketState::Closed);
    assert_eq!(row.summary, PLAIN);
    assert_eq!((row.flap.clone(), row.flaps()), (None, None));
    assert!(w.sync_at(460).items.is_empty());
    // Rule 6 again: the next failure reopens with a note, and counts afresh.
    assert_eq!(verbs(&w.turn("Failed", 470), "e1"), ["reopened", "noted"]);
    assert_eq!(w.record().unwrap().reopens, [at(470)]);
}

/// REGRESSION guard: a crash after the end note left the ticket open with
/// an in-step hash; the end note's effect makes the next cycle close it.
#[test]
fn a_crash_after_the_end_note_still_closes() {
    let mut w = flapping_world();
    w.turn("Completed", 90);
    let entry = w.ledger.get_mut("e1").unwrap();
    crate::store::ledger::apply_note_effect(entry, &NoteEffect::FlapEnded);
    entry.summary = PLAIN.into();
    assert_eq!(entry.content_hash, FLAP_ENDED);
    w.now = at(330);
    assert_eq!(verbs(&w.sync(), "e1"), ["closed"]);
}

#[test]
fn an_anomaly_is_never_closed_and_never_damped() {
    let mut w = World::new(vec![event("e1", "BackupAnomaly", "Failed")]);
    w.sync();
    for round in 0..6 {
        let base = 10 * round;
        assert_eq!(verbs(&w.turn("Completed", base + 1), "e1"), ["noted"]);
        assert_eq!(verbs(&w.turn("Failed", base + 5), "e1"), ["noted"]);
    }
    assert_eq!(w.ledger["e1"].state, TicketState::Open);
    assert_eq!(w.record(), None);
    assert!(w.turn("Completed", 1000).items[0]
        .steps
        .iter()
        .all(|s| *s != Step::Close));
}

#[test]
fn flaps_spread_wider_than_the_window_never_start_damping() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    // One flap every 90 minutes: never more than three within 240.
    for round in 0..8 {
        let base = 90 * round;
        assert_eq!(
            verbs(&w.turn("Completed", base + 10), "e1"),
            ["resolution noted", "closed"]
        );
        assert_eq!(
            verbs(&w.turn("Failed", base + 20), "e1"),
            ["reopened", "noted"],
            "round {round}"
        );
        let record = w.record().unwrap();
        assert!(
            !record.flapping() && record.reopens.len() <= FLAP_REOPENS,
            "{record:?}"
        );
    }
}

const FLAP_REOPENS: usize = super::flap::FLAP_REOPENS_MAX;

#[test]
fn the_record_stays_bounded() {
    let mut w = flapping_world();
    for round in 0..200 {
        let base = 100 + 20 * round;
        w.turn("Completed", base);
        w.turn("Failed", base + 10);
    }
    let record = w.record().unwrap();
    assert_eq!((record.failures, record.completions), (204, 203));
    assert!(record.reopens.is_empty());
    let json = serde_json::to_string(&record).unwrap();
    assert!(json.len() < 400, "{} bytes: {json}", json.len());
}

#[test]
fn the_summary_keeps_to_connectwise_length_with_the_count() {
    let long = "x".repeat(120);
    let summary = super::flap::flap_summary(&crate::cw::truncate_summary(&long), 12);
    assert!(summary.starts_with("[flapping 12x] "));
    assert!(crate::cw::utf16_len(&summary) <= 100, "{summary}");
    // The Activity view reads computer and plan back from the plain summary.
    let flapping = super::flap::flap_summary(PLAIN, 5);
    assert_eq!(super::flap::plain_summary(&flapping), PLAIN);
    assert_eq!(super::flap::plain_summary(PLAIN), PLAIN);
}

#[test]
fn removal_ends_the_damping() {
    let mut w = flapping_world();
    let events = std::mem::take(&mut w.events);
    w.sync_at(90);
    assert_eq!(w.ledger["e1"].state, TicketState::Removed);
    assert_eq!(w.record(), None);
    w.events = events;
    assert_eq!(verbs(&w.sync_at(100), "e1"), ["reopened", "updated"]);
}
