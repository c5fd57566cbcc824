//! Rule 15: the removal guard. One listing never removes many tracked
//! events at once without a person's confirmation.

use super::*;

fn failing(n: usize) -> Vec<MonitoringEvent> {
    (0..n)
        .map(|i| event(&format!("e{i}"), "Error", "Failed"))
        .collect()
}

/// REGRESSION: an empty listing (a Dashboard incident, a re-scoped token)
/// closed every tracked ticket, each with a customer-visible note.
#[test]
fn rule15_the_guard_weighs_removals_against_what_is_tracked() {
    struct Case {
        name: &'static str,
        tracked: usize,
        kept: usize,
        guarded: bool,
    }
    let cases = [
        Case {
            name: "empty listing",
            tracked: 12,
            kept: 0,
            guarded: true,
        },
        Case {
            name: "ten of twelve",
            tracked: 12,
            kept: 2,
            guarded: true,
        },
        Case {
            name: "nine of nine is too few to weigh",
            tracked: 9,
            kept: 0,
            guarded: false,
        },
        Case {
            name: "ten of twenty is not more than half",
            tracked: 20,
            kept: 10,
            guarded: false,
        },
        Case {
            name: "eleven of twenty",
            tracked: 20,
            kept: 9,
            guarded: true,
        },
        Case {
            name: "ten of nineteen",
            tracked: 19,
            kept: 9,
            guarded: true,
        },
    ];
    for case in cases {
        let mut w = World::new(failing(case.tracked));
        w.sync();
        w.events.truncate(case.kept);
        let p = w.run();
        let removed = case.tracked - case.kept;
        if case.guarded {
            assert_eq!(p.action_count(), 0, "{}", case.name);
            assert_eq!(
                p.removals_guarded,
                Some(GuardedRemovals {
                    count: removed,
                    tracked: case.tracked
                }),
                "{}",
                case.name
            );
            assert!(
                w.needs().ticket_states.is_empty(),
                "{}: no lookups",
                case.name
            );
        } else {
            assert_eq!(p.removals_guarded, None, "{}", case.name);
            assert_eq!(p.items.len(), removed, "{}", case.name);
        }
    }
}

#[test]
fn rule15_a_confirmation_applies_the_removals_and_the_events_coming_back_need_none() {
    for policy in [
        RemovedPolicy::Close,
        RemovedPolicy::Delete,
        RemovedPolicy::Leave,
    ] {
        let mut w = World::new(failing(12));
        w.rules = rules(policy);
        w.sync();
        let all = std::mem::take(&mut w.events);
        assert!(w.sync().removals_guarded.is_some());
        // The events come back: nothing was removed, nothing is to do.
        w.events = all;
        let p = w.sync();
        assert!(
            p.items.is_empty() && p.removals_guarded.is_none(),
            "{policy:?}"
        );
        assert!(w.ledger.values().all(|e| e.state == TicketState::Open));
        // Gone again, and this time a person confirms.
        w.events.clear();
        w.confirmed = true;
        let p = w.sync();
        assert_eq!(p.removals_guarded, None, "{policy:?}");
        assert_eq!(p.items.len(), 12, "{policy:?}");
        assert!(
            w.ledger.values().all(|e| e.state != TicketState::Open),
            "{policy:?}"
        );
    }
}

#[test]
fn rule15_unreadable_items_hold_removals_before_the_guard_weighs_them() {
    let mut w = World::new(failing(12));
    w.sync();
    w.events.clear();
    w.removal_blocked = true;
    let p = w.run();
    assert!(p.removals_held);
    assert_eq!(p.removals_guarded, None);
}
