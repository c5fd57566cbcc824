//! Snoozes (maintenance windows): held silently, one start note, one end
//! note, then the normal rules; completion still closes (rule 6).

use super::*;
use crate::store::ledger::NoteLedgerEffect;
use crate::store::snoozes::{Snooze, SnoozeScope};

fn snooze(id: i64, scope: SnoozeScope, value: &str) -> Snooze {
    Snooze {
        id,
        scope,
        value: value.into(),
        until: "2026-11-27T18:00:00Z".into(),
        reason: "server move".into(),
        created_at: NOW.into(),
        removed_at: None,
    }
}

#[test]
fn snooze_matches_company_id_or_name_computer_and_plan_case_insensitively() {
    let cases = [
        (SnoozeScope::Company, "c-1", true),
        (SnoozeScope::Company, "C-1", true),
        (SnoozeScope::Company, "acme dental", true),
        (SnoozeScope::Company, "Acme", false),
        (SnoozeScope::Company, "AcmeDental", false),
        (SnoozeScope::Computer, "pc1", true),
        (SnoozeScope::Computer, "PC2", false),
        (SnoozeScope::Plan, "NIGHTLY", true),
        (SnoozeScope::Plan, "PC1", false),
    ];
    for (scope, value, held) in cases {
        let mut w = World::new(vec![event("e1", "Error", "Failed")]);
        w.rules.snoozes = vec![snooze(7, scope, value)];
        let p = w.run();
        let expect = held.then_some(SkipReason::Snoozed);
        assert_eq!(skip_reason(&p, "e1"), expect, "{scope:?} {value}");
        assert_eq!(p.items.is_empty(), held, "{scope:?} {value}");
    }
}

#[test]
fn snoozed_event_without_ticket_is_held_then_created_when_it_ends() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Computer, "PC1")];
    let p = w.sync();
    assert!(p.items.is_empty());
    assert_eq!(skip_reason(&p, "e1"), Some(SkipReason::Snoozed));
    // No agreement lookup either: nothing is asked of ConnectWise.
    w.companies
        .insert("c-1".into(), scope("name like \"%ICB\""));
    assert_eq!(w.needs(), Needs::default());
    w.companies.insert("c-1".into(), scope(""));
    w.rules.snoozes.clear();
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["created"]);
    assert_eq!(w.ledger["e1"].snoozed, None);
}

#[test]
fn open_ticket_gets_one_start_note_then_nothing_then_one_end_note_and_the_rules() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Company, "Acme Dental")];
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["noted"]);
    let texts = note_texts(&p);
    assert!(
        texts[0].starts_with("Snoozed by BackupBridge until 2026-11-27 18:00:00 UTC (snooze #7)")
            && texts[0].ends_with("Reason: server move."),
        "{texts:?}"
    );
    assert_eq!(w.ledger["e1"].snoozed, Some(7));
    // Changes and new details while snoozed: no note, no update, no lookup.
    w.events[0].message = "disk full".into();
    w.events[0].event_type = "Warning".into();
    w.events[0].details = vec![detail("d-1", "FileLevelError")];
    let p = w.sync();
    assert!(p.items.is_empty(), "{p:?}");
    assert_eq!(skip_reason(&p, "e1"), Some(SkipReason::Snoozed));
    assert_eq!(w.needs(), Needs::default());
    // The snooze ends: one end note first, then what the rules make of the
    // changes (rule 8 asks whether a technician closed it).
    w.rules.snoozes.clear();
    w.remote.insert(100, RemoteTicket { closed: false });
    let p = w.sync();
    assert_eq!(
        verbs(&p, "e1"),
        ["noted", "updated", "noted", "detail noted"]
    );
    assert!(note_texts(&p)[0].starts_with("Snooze #7 ended"));
    assert_eq!(w.ledger["e1"].snoozed, None);
    assert!(w.sync().items.is_empty());
}

#[test]
fn snooze_ending_on_an_event_in_step_sends_only_the_end_note() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Plan, "nightly")];
    w.sync();
    assert!(w.sync().items.is_empty(), "the start note goes once");
    w.rules.snoozes.clear();
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["noted"]);
    match &p.items[0].steps[0] {
        Step::Note { effect, .. } => assert_eq!(*effect, NoteLedgerEffect::SnoozeEnded),
        other => panic!("{other:?}"),
    }
    assert!(w.sync().items.is_empty(), "the end note goes once");
}

#[test]
fn another_snooze_taking_over_sends_no_new_notes() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Plan, "Nightly")];
    w.sync();
    w.rules.snoozes = vec![snooze(8, SnoozeScope::Computer, "PC1")];
    assert!(w.sync().items.is_empty());
    assert_eq!(w.ledger["e1"].snoozed, Some(7));
}

/// A crash after the start note was confirmed: its effect is in the row, so
/// the next cycle sends nothing (rule 9); likewise after the end note.
#[test]
fn confirmed_snooze_notes_are_not_sent_again_after_a_crash() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    let entry = w.ledger.get_mut("e1").unwrap();
    crate::store::ledger::apply_note_effect(entry, &NoteLedgerEffect::SnoozeStarted(7));
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Computer, "PC1")];
    assert!(w.sync().items.is_empty());
    // End note confirmed, then a crash before the change note: only the change.
    w.rules.snoozes.clear();
    w.events[0].message = "disk full".into();
    let entry = w.ledger.get_mut("e1").unwrap();
    crate::store::ledger::apply_note_effect(entry, &NoteLedgerEffect::SnoozeEnded);
    assert_eq!(verbs(&w.sync(), "e1"), ["noted"]);
    assert!(!note_texts(&w.run()).iter().any(|t| t.contains("Snooze")));
}

/// Rule 6 wins over a snooze: completion closes the ticket with its
/// resolution note and no end note is owed afterwards.
#[test]
fn completion_while_snoozed_closes_and_owes_no_end_note() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Computer, "PC1")];
    w.sync();
    w.events[0].job_status = "Completed".into();
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["resolution noted", "closed"]);
    assert_eq!(w.ledger["e1"].state, TicketState::Closed);
    assert_eq!(w.ledger["e1"].snoozed, None);
    w.rules.snoozes.clear();
    assert!(w.sync().items.is_empty());
}

#[test]
fn snoozed_closed_ticket_is_not_reopened_until_the_snooze_ends() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events[0].job_status = "Completed".into();
    w.sync();
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Computer, "PC1")];
    w.events[0].job_status = "Failed".into();
    let p = w.sync();
    assert!(p.items.is_empty());
    assert_eq!(skip_reason(&p, "e1"), Some(SkipReason::Snoozed));
    w.rules.snoozes.clear();
    assert_eq!(verbs(&w.sync(), "e1"), ["reopened", "noted"]);
}

#[test]
fn snoozed_anomaly_ticket_is_not_closed_and_completion_gets_no_note() {
    let mut w = World::new(vec![event("e1", "BackupAnomaly", "Failed")]);
    w.sync();
    w.rules.snoozes = vec![snooze(7, SnoozeScope::Computer, "PC1")];
    w.sync();
    w.events[0].job_status = "Completed".into();
    let p = w.sync();
    assert!(p.items.is_empty());
    assert_eq!(skip_reason(&p, "e1"), Some(SkipReason::Snoozed));
}
