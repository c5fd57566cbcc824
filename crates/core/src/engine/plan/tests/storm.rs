//! Issue 17: the storm guard's create cap. At most `max` creates a cycle,
//! oldest event first; the rest wait, untracked, for a later cycle.

use super::*;

/// An Error event whose job started at `started` (RFC 3339, or none).
fn at(id: &str, started: Option<&str>) -> MonitoringEvent {
    let mut e = event(id, "Error", "Failed");
    e.started_at = started.map(str::to_owned);
    e
}

fn ids(items: &[EventPlan]) -> Vec<&str> {
    items.iter().map(|i| i.event_id.as_str()).collect()
}

fn held_ids(capped: &Capped) -> Vec<&str> {
    capped.held.iter().map(|h| h.event_id.as_str()).collect()
}

impl World {
    /// Plans as one page under a cap of `max`: what is applied at once, and
    /// what the cap lets through at the end of the cycle.
    fn run_capped(&self, max: usize) -> (Vec<EventPlan>, Capped) {
        let mut cap = CreateCap::new(max);
        let now = cap.defer(self.run().items, &self.events);
        (now, cap.finish())
    }

    /// [`World::run_capped`], then records what was applied (ticket ids
    /// 100, 101, ...) as the executor would; held creates leave no trace.
    fn sync_capped(&mut self, max: usize) -> Capped {
        let (now, capped) = self.run_capped(max);
        let mut next_id = 100 + self.ledger.len() as i64;
        for item in now.iter().chain(&capped.creates) {
            let mut done = item.done.clone();
            if item.ticket_id.is_none() {
                done.ticket_id = next_id;
                next_id += 1;
            }
            self.ledger.insert(done.event_id.clone(), done);
        }
        capped
    }
}

fn five() -> Vec<MonitoringEvent> {
    // Listed newest first, as dashboards often list.
    vec![
        at("e5", Some("2026-11-27T05:00:00Z")),
        at("e4", Some("2026-11-27T04:00:00Z")),
        at("e3", Some("2026-11-27T03:00:00Z")),
        at("e2", Some("2026-11-27T02:00:00Z")),
        at("e1", Some("2026-11-27T01:00:00Z")),
    ]
}

#[test]
fn storm_cap_lets_the_oldest_creates_through_and_holds_the_newest() {
    struct Case {
        name: &'static str,
        max: usize,
        created: &'static [&'static str],
        held: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "0 = no cap",
            max: 0,
            created: &["e5", "e4", "e3", "e2", "e1"],
            held: &[],
        },
        Case {
            name: "cap above the creates",
            max: 9,
            created: &["e1", "e2", "e3", "e4", "e5"],
            held: &[],
        },
        Case {
            name: "cap equal to the creates",
            max: 5,
            created: &["e1", "e2", "e3", "e4", "e5"],
            held: &[],
        },
        Case {
            name: "cap below the creates",
            max: 2,
            created: &["e1", "e2"],
            held: &["e3", "e4", "e5"],
        },
        Case {
            name: "cap of one",
            max: 1,
            created: &["e1"],
            held: &["e2", "e3", "e4", "e5"],
        },
    ];
    for case in cases {
        let w = World::new(five());
        let (now, capped) = w.run_capped(case.max);
        // Without a cap the creates go at once, in listing order.
        let created: Vec<&str> = if case.max == 0 {
            ids(&now)
        } else {
            assert!(now.is_empty(), "{}: creates wait for the end", case.name);
            ids(&capped.creates)
        };
        assert_eq!(created, case.created, "{}", case.name);
        assert_eq!(held_ids(&capped), case.held, "{}", case.name);
    }
}

#[test]
fn storm_cap_never_holds_updates_notes_closes_or_reopens() {
    let mut tracked = vec![
        event("t-update", "Warning", "Warning"),
        event("t-note", "Error", "Failed"),
        event("t-close", "Error", "Failed"),
        event("t-reopen", "Error", "Failed"),
    ];
    let mut w = World::new(tracked.clone());
    w.sync();
    // Closed on completion; its job fails again.
    let row = w.ledger.get_mut("t-reopen").unwrap();
    row.state = TicketState::Closed;
    row.job_status = "Completed".into();
    row.content_hash = "as closed".into();
    tracked[0].event_type = "Error".into();
    tracked[0].job_status = "Failed".into();
    tracked[1]
        .details
        .push(detail("d1", "FileLevelErrorDetails"));
    tracked[2].job_status = "Completed".into();
    let mut events = five();
    events.extend(tracked);
    w.events = events;
    let (now, capped) = w.run_capped(1);
    let mut kept = ids(&now);
    kept.sort_unstable();
    assert_eq!(kept, ["t-close", "t-note", "t-reopen", "t-update"]);
    for item in &now {
        assert!(item.ticket_id.is_some(), "{}", item.event_id);
    }
    assert_eq!(verbs_of(&now, "t-close").last(), Some(&"closed"));
    assert_eq!(verbs_of(&now, "t-reopen").first(), Some(&"reopened"));
    assert_eq!(ids(&capped.creates), ["e1"]);
    assert_eq!(held_ids(&capped), ["e2", "e3", "e4", "e5"]);
}

fn verbs_of(items: &[EventPlan], event_id: &str) -> Vec<&'static str> {
    items
        .iter()
        .filter(|i| i.event_id == event_id)
        .flat_map(|i| i.steps.iter().map(Step::verb))
        .collect()
}

/// Nothing is lost: a held event has no ledger row, so the next cycle
/// plans its create again, and each event gets exactly one ticket.
#[test]
fn storm_cap_held_creates_come_in_later_cycles_oldest_first() {
    let mut w = World::new(five());
    let first = w.sync_capped(2);
    assert_eq!(ids(&first.creates), ["e1", "e2"]);
    assert_eq!(held_ids(&first), ["e3", "e4", "e5"]);
    for held in ["e3", "e4", "e5"] {
        assert!(!w.ledger.contains_key(held), "{held} is not recorded");
    }
    // A newer event arrives meanwhile: it queues behind the older ones.
    w.events.push(at("e6", Some("2026-11-27T06:00:00Z")));
    let second = w.sync_capped(2);
    assert_eq!(ids(&second.creates), ["e3", "e4"]);
    assert_eq!(held_ids(&second), ["e5", "e6"]);
    let third = w.sync_capped(2);
    assert_eq!(ids(&third.creates), ["e5", "e6"]);
    assert!(third.held.is_empty(), "the storm is over");
    let fourth = w.sync_capped(2);
    assert!(fourth.creates.is_empty() && fourth.held.is_empty());
    let mut tickets: Vec<i64> = w.ledger.values().map(|r| r.ticket_id).collect();
    tickets.sort_unstable();
    tickets.dedup();
    assert_eq!(tickets.len(), 6, "one ticket per event");
}

#[test]
fn storm_cap_orders_by_event_time_with_a_stable_tiebreak() {
    struct Case {
        name: &'static str,
        events: Vec<MonitoringEvent>,
        created: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "same time: by event id, whatever the listing order",
            events: vec![
                at("b", Some("2026-11-27T01:00:00Z")),
                at("c", Some("2026-11-27T01:00:00Z")),
                at("a", Some("2026-11-27T01:00:00Z")),
            ],
            created: &["a", "b"],
        },
        Case {
            name: "time zones are compared as instants",
            events: vec![
                // 00:30 UTC.
                at("late-text", Some("2026-11-27T02:30:00+02:00")),
                at("early-text", Some("2026-11-27T01:00:00Z")),
                at("newest", Some("2026-11-27T03:00:00Z")),
            ],
            created: &["late-text", "early-text"],
        },
        Case {
            name: "undated events come after dated ones",
            events: vec![
                at("undated", None),
                at("garbled", Some("yesterday")),
                at("dated", Some("2026-11-27T09:00:00Z")),
            ],
            created: &["dated", "garbled"],
        },
        Case {
            name: "no zone is taken as UTC; the update time stands in for the start",
            events: vec![
                at("naive", Some("2026-11-27T01:00:00")),
                {
                    let mut e = at("updated-only", None);
                    e.updated_at = Some("2026-11-27T00:00:00Z".into());
                    e
                },
                at("later", Some("2026-11-27T02:00:00Z")),
            ],
            created: &["updated-only", "naive"],
        },
    ];
    for case in cases {
        let w = World::new(case.events);
        let (_, capped) = w.run_capped(2);
        assert_eq!(ids(&capped.creates), case.created, "{}", case.name);
        assert_eq!(capped.held.len(), 1, "{}", case.name);
    }
}

/// A cycle plans page by page: the cap weighs every page's creates before
/// any is applied, so an older event on a later page still goes first.
#[test]
fn storm_cap_spans_pages() {
    let mut pages = five();
    let second_page = pages.split_off(2);
    let mut cap = CreateCap::new(2);
    for page in [pages, second_page] {
        let w = World::new(page);
        assert!(cap.defer(w.run().items, &w.events).is_empty());
    }
    let capped = cap.finish();
    assert_eq!(ids(&capped.creates), ["e1", "e2"]);
    assert_eq!(held_ids(&capped), ["e3", "e4", "e5"]);
}
