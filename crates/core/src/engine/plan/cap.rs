//! The storm guard's create cap (issue 17): a cycle creates at most
//! `storm.max_creates_per_cycle` tickets (`0` = no cap), oldest event
//! first. The other creates are held: they never reach the executor, so no
//! intent and no ledger row records them, and the next cycle plans them
//! again from the listing. Updates, notes, closes, reopens and deletes are
//! never held.
//!
//! A cycle plans page by page, so the cap sees every page's creates before
//! any is applied: [`CreateCap::defer`] keeps the oldest `max` seen so far
//! (at most `max` drafts in memory) and [`CreateCap::finish`] hands them
//! over, oldest first, with the ones held.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::Serialize;

use super::{EventPlan, Step};
use crate::model::MonitoringEvent;

/// A create the cap held for a later cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldCreate {
    pub event_id: String,
    pub company_id: String,
}

/// What the cap lets through once every page was planned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capped {
    /// The creates to apply this cycle, oldest event first.
    pub creates: Vec<EventPlan>,
    /// The creates held for a later cycle, oldest event first.
    pub held: Vec<HeldCreate>,
}

/// The cap over one cycle's creates.
#[derive(Debug, Default)]
pub struct CreateCap {
    /// Creates per cycle; `0` = no cap.
    max: usize,
    /// The oldest creates seen so far; the newest on top.
    kept: BinaryHeap<Queued>,
    held: Vec<(Age, HeldCreate)>,
}

impl CreateCap {
    /// A cap of `max` creates per cycle (`0` = no cap).
    pub fn new(max: usize) -> CreateCap {
        CreateCap {
            max,
            ..CreateCap::default()
        }
    }

    /// The items of one planned batch to apply at once. Without a cap that
    /// is all of them; with one, the creates are kept aside for
    /// [`CreateCap::finish`] and only the other items come back. `events`
    /// are the batch's events (for each create's age).
    pub fn defer(&mut self, items: Vec<EventPlan>, events: &[MonitoringEvent]) -> Vec<EventPlan> {
        if self.max == 0 {
            return items;
        }
        let mut now = Vec::with_capacity(items.len());
        for item in items {
            if !matches!(item.steps.first(), Some(Step::Create(_))) {
                now.push(item);
                continue;
            }
            let event = events.iter().find(|e| e.id == item.event_id);
            let age = Age::of(event, &item.event_id);
            self.kept.push(Queued { age, item });
            if self.kept.len() > self.max {
                if let Some(newest) = self.kept.pop() {
                    let held = HeldCreate {
                        event_id: newest.item.event_id,
                        company_id: newest.item.company_id,
                    };
                    self.held.push((newest.age, held));
                }
            }
        }
        now
    }

    /// The creates to apply this cycle and the ones held, each oldest first.
    pub fn finish(self) -> Capped {
        let mut held = self.held;
        held.sort_by(|a, b| a.0.cmp(&b.0));
        Capped {
            creates: self
                .kept
                .into_sorted_vec()
                .into_iter()
                .map(|q| q.item)
                .collect(),
            held: held.into_iter().map(|(_, h)| h).collect(),
        }
    }
}

/// An event's place in the queue: its time (the job's start, else its last
/// update; an event without a readable time counts as the newest), then its
/// id, so the order is the same every cycle.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Age {
    undated: bool,
    millis: i64,
    event_id: String,
}

impl Age {
    fn of(event: Option<&MonitoringEvent>, event_id: &str) -> Age {
        let millis = event
            .and_then(|e| e.started_at.as_deref().or(e.updated_at.as_deref()))
            .and_then(parse_millis);
        Age {
            undated: millis.is_none(),
            millis: millis.unwrap_or_default(),
            event_id: event_id.to_owned(),
        }
    }
}

/// Milliseconds since the epoch of an RFC 3339 time, or of one without a
/// zone (taken as UTC, as some platforms send).
fn parse_millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_millis());
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

/// A kept create, ordered by its event's age.
#[derive(Debug)]
struct Queued {
    age: Age,
    item: EventPlan,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.age == other.age
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.age.cmp(&other.age)
    }
}
