//! Which failures deserve a notification: each distinct failure once when it
//! appears, and one "recovered" when everything works again — never one per
//! cycle for the same failure. A storm (issue 17: cycles whose creates the
//! storm guard holds) is notified once when it starts, whatever its length. Pure state, fed with each cycle's outcome; the
//! shell only displays what comes out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::RunReport;
use crate::Error;

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Notification {
    pub title: String,
    pub body: String,
    /// False for a recovery.
    pub is_failure: bool,
}

/// The failures currently active, by key.
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    active: BTreeMap<String, String>,
    /// The last cycle's creates were held by the storm guard.
    storm: bool,
}

/// The failures a cycle outcome shows, by stable key.
fn failures(outcome: &Result<RunReport, Error>) -> BTreeMap<String, String> {
    match outcome {
        Ok(report) => report
            .errors
            .iter()
            .map(|p| (p.key.clone(), p.message.clone()))
            .collect(),
        Err(e) => BTreeMap::from([(format!("connection:{}", e.kind()), e.to_string())]),
    }
}

fn title_for(key: &str) -> &'static str {
    match key.split(':').next().unwrap_or_default() {
        "connection" => "BackupBridge cannot sync",
        "company" => "BackupBridge: a company needs attention",
        "event" => "BackupBridge: a ticket was not updated",
        "item" => "BackupBridge: the dashboard sent an unreadable event",
        "removals" => "BackupBridge: removals need your confirmation",
        _ => "BackupBridge: sync problem",
    }
}

/// Whether a failure whose text changed is a new failure. The removal guard's
/// text carries a count that moves from cycle to cycle while the same hold
/// lasts (rule 15: one notification per hold).
fn new_when_text_changes(key: &str) -> bool {
    !key.starts_with("removals:")
}

impl Alerts {
    pub fn new() -> Alerts {
        Alerts::default()
    }

    /// True while some failure is active.
    pub fn failing(&self) -> bool {
        !self.active.is_empty()
    }

    /// Records a cycle's outcome; returns what to notify (usually nothing).
    pub fn observe(&mut self, outcome: &Result<RunReport, Error>) -> Vec<Notification> {
        let mut out = self.storm(outcome);
        let now = failures(outcome);
        let fresh: Vec<(&String, &String)> = now
            .iter()
            .filter(|(k, m)| match self.active.get(*k) {
                None => true,
                Some(before) => before != *m && new_when_text_changes(k),
            })
            .collect();
        if let Some((key, message)) = fresh.first() {
            let body = if fresh.len() == 1 {
                (*message).clone()
            } else {
                format!("{message} (and {} more problems)", fresh.len() - 1)
            };
            out.push(Notification {
                title: title_for(key).to_owned(),
                body,
                is_failure: true,
            });
        } else if now.is_empty() && !self.active.is_empty() {
            out.push(Notification {
                title: "BackupBridge recovered".to_owned(),
                body: "Sync works again: every problem reported earlier is resolved.".to_owned(),
                is_failure: false,
            });
        }
        self.active = now;
        out
    }

    /// Issue 17: a storm starts with a cycle that holds creates and ends
    /// with one that holds none; one notification at its start. A failed
    /// cycle says nothing about it.
    fn storm(&mut self, outcome: &Result<RunReport, Error>) -> Vec<Notification> {
        let Ok(report) = outcome else {
            return Vec::new();
        };
        let started = report.creates_held > 0 && !self.storm;
        self.storm = report.creates_held > 0;
        match report.storm_line() {
            Some(line) if started => vec![Notification {
                title: "BackupBridge: storm guard holding new tickets".to_owned(),
                body: format!(
                    "{line}: more events failed at once than storm.max_creates_per_cycle \
                     allows in one sync. They are created oldest first over the next syncs; \
                     nothing is lost."
                ),
                is_failure: true,
            }],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cw::CwError;
    use crate::engine::Problem;

    fn report(problems: &[(&str, &str)]) -> Result<RunReport, Error> {
        Ok(RunReport {
            errors: problems
                .iter()
                .map(|(k, m)| Problem {
                    key: (*k).to_owned(),
                    message: (*m).to_owned(),
                })
                .collect(),
            ..RunReport::default()
        })
    }

    #[test]
    fn a_removal_hold_is_notified_once_whatever_its_count() {
        let mut a = Alerts::new();
        let held = |n: usize| {
            report(&[(
                "removals:guarded",
                &format!("{n} of the 12 tracked events are missing")[..],
            )])
        };
        let first = a.observe(&held(12));
        assert_eq!(first.len(), 1);
        assert_eq!(
            first[0].title,
            "BackupBridge: removals need your confirmation"
        );
        assert!(a.observe(&held(11)).is_empty());
        assert!(a.observe(&held(12)).is_empty());
        assert!(!a.observe(&report(&[])).is_empty(), "recovered");
    }

    #[test]
    fn a_storm_is_notified_once_when_it_starts() {
        let mut a = Alerts::new();
        let held = |n: usize| {
            Ok(RunReport {
                creates_held: n,
                ..RunReport::default()
            })
        };
        assert!(a.observe(&held(0)).is_empty());
        let first = a.observe(&held(120));
        assert_eq!(first.len(), 1);
        assert_eq!(
            first[0].title,
            "BackupBridge: storm guard holding new tickets"
        );
        assert!(
            first[0]
                .body
                .starts_with("120 tickets held by the storm guard: "),
            "{}",
            first[0].body
        );
        // The same storm, shrinking, and a failed cycle in the middle: silence.
        assert!(a.observe(&held(70)).is_empty());
        let offline: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
            message: "refused".into(),
        }));
        assert_eq!(a.observe(&offline).len(), 1, "only the failure");
        assert!(a
            .observe(&held(20))
            .iter()
            .all(|n| !n.title.contains("storm")));
        // The storm ends without a word; the next one is notified again.
        assert!(a
            .observe(&held(0))
            .iter()
            .all(|n| !n.title.contains("storm")));
        assert!(!a.failing());
        assert_eq!(
            a.observe(&held(1))[0].body.split(':').next(),
            Some("1 ticket held by the storm guard")
        );
    }

    #[test]
    fn each_distinct_failure_once_then_one_recovery() {
        let mut a = Alerts::new();
        assert!(a.observe(&report(&[])).is_empty());
        let auth: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
            message: "ConnectWise refused the API keys".into(),
        }));
        let first = a.observe(&auth);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].title, "BackupBridge cannot sync");
        assert!(first[0].is_failure);
        // The same failure again: silence.
        assert!(a.observe(&auth).is_empty());
        assert!(a.observe(&auth).is_empty());
        // A different failure: one more notification.
        let agreement = report(&[("company:c-1", "no agreement matches `x`")]);
        let n = a.observe(&agreement);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].body, "no agreement matches `x`");
        assert!(a.observe(&agreement).is_empty());
        // Everything fine: one recovery, then silence.
        let r = a.observe(&report(&[]));
        assert_eq!(r.len(), 1);
        assert!(!r[0].is_failure);
        assert!(a.observe(&report(&[])).is_empty());
    }

    #[test]
    fn several_new_problems_make_one_notification() {
        let mut a = Alerts::new();
        let n = a.observe(&report(&[
            ("event:e1", "rejected"),
            ("event:e2", "rejected"),
        ]));
        assert_eq!(n.len(), 1);
        assert!(n[0].body.contains("and 1 more"));
        // One of them resolved, the other stays: no notification.
        assert!(a.observe(&report(&[("event:e2", "rejected")])).is_empty());
        assert!(a.failing());
    }
}
