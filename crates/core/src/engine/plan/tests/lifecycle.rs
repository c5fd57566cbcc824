//! Rules 6–11: completion, reopening, removal, technician actions, cost, unreadable items.

use super::*;

#[test]
fn rule6_completion_closes_with_resolution_note_except_anomalies() {
    for (event_type, closes) in [("Error", true), ("Warning", true), ("BackupAnomaly", false)] {
        let mut w = World::new(vec![event("e1", event_type, "Failed")]);
        w.sync();
        w.events[0].job_status = "Completed".into();
        let p = w.sync();
        if closes {
            assert_eq!(
                verbs(&p, "e1"),
                ["resolution noted", "closed"],
                "{event_type}"
            );
            assert_eq!(w.ledger["e1"].state, TicketState::Closed);
        } else {
            assert_eq!(verbs(&p, "e1"), ["noted"], "{event_type}");
            assert_eq!(w.ledger["e1"].state, TicketState::Open);
        }
        assert!(w.sync().items.is_empty());
    }
}

#[test]
fn rule6_fails_again_reopens_with_note() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events[0].job_status = "Completed".into();
    w.sync();
    w.events[0].job_status = "Failed".into();
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["reopened", "noted"]);
    assert_eq!(w.ledger["e1"].state, TicketState::Open);
}

#[test]
fn rule6_crash_after_resolution_note_still_closes_without_second_note() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events[0].job_status = "Completed".into();
    // The note was confirmed (its effect recorded) but the close never ran.
    let entry = w.ledger.get_mut("e1").unwrap();
    entry.job_status = "Completed".into();
    assert_eq!(verbs(&w.sync(), "e1"), ["closed"]);
}

#[test]
fn rule7_removed_events_per_policy() {
    let cases = [
        (
            RemovedPolicy::Close,
            vec!["resolution noted", "closed"],
            TicketState::Removed,
        ),
        (RemovedPolicy::Leave, vec![], TicketState::Removed),
        (RemovedPolicy::Delete, vec!["deleted"], TicketState::Deleted),
    ];
    for (policy, expect, state) in cases {
        for event_type in ["Error", "BackupAnomaly"] {
            let mut w = World::new(vec![event("e1", event_type, "Failed")]);
            w.rules = rules(policy);
            w.sync();
            w.events.clear();
            let p = w.sync();
            assert_eq!(verbs(&p, "e1"), expect, "{policy:?} {event_type}");
            assert_eq!(w.ledger["e1"].state, state);
            assert!(w.sync().items.is_empty(), "{policy:?} settles");
        }
    }
}

/// REGRESSION: a crash (or a failed close) after the removed-event note was
/// confirmed wrote the note again on the next cycle.
#[test]
fn rule7_crash_after_removal_note_only_closes() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events.clear();
    // The note was confirmed (its effect recorded) but the close never ran.
    let entry = w.ledger.get_mut("e1").unwrap();
    crate::store::ledger::apply_note_effect(
        entry,
        &crate::store::ledger::NoteLedgerEffect::RemovalNoted,
    );
    assert_eq!(verbs(&w.sync(), "e1"), ["closed"]);
    assert_eq!(w.ledger["e1"].state, TicketState::Removed);
    // Back on the Dashboard later: not in step, tracked again.
    w.events = vec![event("e1", "Error", "Failed")];
    assert_eq!(w.sync().items.len(), 1);
    assert!(w.sync().items.is_empty());
}

#[test]
fn rule7_closed_ticket_removed_needs_no_request() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events[0].job_status = "Completed".into();
    w.sync();
    w.events.clear();
    let p = w.sync();
    assert_eq!(p.action_count(), 0);
    assert_eq!(w.ledger["e1"].state, TicketState::Removed);
}

#[test]
fn rule7_technician_closed_ticket_is_not_closed_again() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events.clear();
    assert_eq!(w.needs().ticket_states, BTreeSet::from([100]));
    w.remote.insert(100, RemoteTicket { closed: true });
    assert_eq!(w.sync().action_count(), 0);
}

#[test]
fn rule7_removed_before_ticketed_never_becomes_a_ticket() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.companies.clear();
    w.sync();
    w.events.clear();
    w.companies.insert("c-1".into(), scope(""));
    assert!(w.sync().items.is_empty());
}

#[test]
fn rule8_technician_closed_reopens_on_new_details_once_per_batch() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.remote.insert(100, RemoteTicket { closed: true });
    w.events[0].details = vec![detail("d-1", "FileLevelErrorDetails")];
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["reopened", "noted", "detail noted"]);
    w.remote.insert(100, RemoteTicket { closed: false });
    assert!(w.sync().items.is_empty());
    // Closed again by the technician, a second batch reopens again.
    w.remote.insert(100, RemoteTicket { closed: true });
    w.events[0]
        .details
        .push(detail("d-2", "FileLevelErrorDetails"));
    w.events[0]
        .details
        .push(detail("d-3", "FileLevelErrorDetails"));
    let p = w.sync();
    assert_eq!(
        verbs(&p, "e1"),
        ["reopened", "noted", "detail noted", "detail noted"]
    );
}

#[test]
fn rule8_technician_moved_status_is_kept() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    // Still open (some other open status): new details are notes, no status change.
    w.remote.insert(100, RemoteTicket { closed: false });
    w.events[0].details = vec![detail("d-1", "FileLevelErrorDetails")];
    assert_eq!(verbs(&w.sync(), "e1"), ["detail noted"]);
}

#[test]
fn rule10_in_step_costs_nothing() {
    let mut w = World::new(vec![
        event("e1", "Error", "Failed"),
        event("e2", "Warning", "Warning"),
    ]);
    w.sync();
    assert_eq!(w.needs(), Needs::default());
    assert!(w.run().items.is_empty());
}

#[test]
fn rule11_unreadable_items_hold_removals() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events.clear();
    // The unreadable item carried e1's id: e1 is not removed.
    w.unreadable.insert("e1".into());
    assert!(w.run().items.is_empty());
    // An unreadable item without an id holds every removal back.
    w.unreadable.clear();
    w.removal_blocked = true;
    let p = w.run();
    assert!(p.items.is_empty());
    assert!(p.removals_held);
}

#[test]
fn company_override_vs_default_filters() {
    let mut w = World::new(vec![event("e1", "Warning", "Warning")]);
    let mut s = scope("");
    s.event_types = TypeFilter::parse("Error");
    w.companies.insert("c-1".into(), s);
    assert_eq!(
        skip_reason(&w.run(), "e1"),
        Some(SkipReason::EventTypeFiltered)
    );
}

#[test]
fn deleted_ticket_event_is_ticketed_anew() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.rules = rules(RemovedPolicy::Delete);
    w.sync();
    let events = std::mem::take(&mut w.events);
    w.sync();
    w.events = events;
    assert_eq!(verbs(&w.sync(), "e1"), ["created"]);
}
