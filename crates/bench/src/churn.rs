//! Churn between two snapshots: per cycle, 1% of the events change their
//! message, 1% complete, 1% gain a detail — disjoint sets, chosen by a seeded
//! shuffle among the events still failing, so runs are repeatable.
//!
//! What each change must cost in ConnectWise (design §4):
//! - message change: one discussion note (rule 4; the summary does not use the
//!   message, so no PATCH);
//! - completion: a resolution note plus the close PATCH (rules 4 and 6);
//! - new detail: one note (rule 5), plus the ticket's open/closed state,
//!   which rule 8 depends on and which the engine fetches in batches
//!   (`id in (…)`), counted separately.

use serde_json::{json, Value};

/// What one churn step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Churn {
    pub changed: usize,
    pub completed: usize,
    pub detailed: usize,
}

impl Churn {
    /// Events touched.
    pub fn events(&self) -> usize {
        self.changed + self.completed + self.detailed
    }

    /// ConnectWise writes the changes need: one note per change and per new
    /// detail, a note and a close per completion.
    pub fn writes(&self) -> usize {
        self.changed + 2 * self.completed + self.detailed
    }
}

/// A small deterministic generator (splitmix64): no dependency, same run every time.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Still failing (neither completed nor an anomaly on a finished job).
fn failing(event: &Value) -> bool {
    event["jobStatus"] != "Completed" && event["eventType"] != "BackupAnomaly"
}

/// Applies cycle `cycle`'s churn to `events`: `per_mille` thousandths of all
/// events (at least one each, when there is room) per kind of change.
pub fn apply(events: &mut [Value], cycle: u64, per_mille: usize) -> Churn {
    let n = (events.len() * per_mille / 1000).max(1);
    let mut eligible: Vec<usize> = (0..events.len()).filter(|i| failing(&events[*i])).collect();
    let mut mix = Mix(0x5EED ^ cycle);
    // Partial Fisher–Yates: the first 3n slots become a random sample.
    let take = (3 * n).min(eligible.len());
    for i in 0..take {
        let j = i + (mix.next() % (eligible.len() - i) as u64) as usize;
        eligible.swap(i, j);
    }
    let chosen = &eligible[..take];
    let mut churn = Churn::default();
    let stamp = format!("2026-11-21T{:02}:{:02}:00Z", (cycle / 60) % 24, cycle % 60);
    for (k, &i) in chosen.iter().enumerate() {
        let event = &mut events[i];
        event["updatedAt"] = json!(stamp);
        match k / n {
            0 => {
                event["message"] = json!(format!("{} files could not be read", 4 + cycle));
                churn.changed += 1;
            }
            1 => {
                event["jobStatus"] = json!("Completed");
                event["message"] = json!("Backup completed successfully");
                churn.completed += 1;
            }
            _ => {
                if let Some(details) = event["details"].as_array_mut() {
                    details.push(json!({
                        "id": format!("d-c{cycle}"),
                        "kind": "FileLevelErrorDetails",
                        "at": stamp,
                        "text": format!("C:\\Data\\cycle-{cycle}.docx: The network path was not found"),
                    }));
                    churn.detailed += 1;
                }
            }
        }
    }
    churn
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{events, Shape};

    #[test]
    fn each_cycle_touches_one_percent_per_kind_in_disjoint_sets() {
        let mut evs = events(Shape::QUICK);
        let before = evs.clone();
        let churn = apply(&mut evs, 1, 10);
        assert_eq!(
            churn,
            Churn {
                changed: 10,
                completed: 10,
                detailed: 10
            }
        );
        assert_eq!(churn.writes(), 40);
        let touched = evs.iter().zip(&before).filter(|(a, b)| a != b).count();
        assert_eq!(touched, churn.events(), "sets are disjoint");
        // Only failing events were chosen, and each change is of its kind.
        for (after, was) in evs.iter().zip(&before).filter(|(a, b)| a != b) {
            assert!(failing(was));
            let kinds = [
                after["message"] != was["message"] && after["jobStatus"] == was["jobStatus"],
                after["jobStatus"] == "Completed",
                after["details"].as_array().map(Vec::len) > was["details"].as_array().map(Vec::len),
            ];
            assert_eq!(kinds.iter().filter(|k| **k).count(), 1, "{after}");
        }
    }

    #[test]
    fn churn_is_repeatable_and_differs_per_cycle() {
        let (mut a, mut b, mut c) = (
            events(Shape::QUICK),
            events(Shape::QUICK),
            events(Shape::QUICK),
        );
        apply(&mut a, 3, 10);
        apply(&mut b, 3, 10);
        apply(&mut c, 4, 10);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn completed_events_leave_the_pool() {
        let mut evs = events(Shape::QUICK);
        let total_failing = evs.iter().filter(|e| failing(e)).count();
        for cycle in 0..5 {
            apply(&mut evs, cycle, 10);
        }
        let still = evs.iter().filter(|e| failing(e)).count();
        assert_eq!(still, total_failing - 5 * 10);
    }
}
