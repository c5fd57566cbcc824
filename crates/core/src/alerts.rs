//! Which failures deserve a notification: each distinct failure once when it
//! appears, and one "recovered" when everything works again — never one per
//! cycle for the same failure. A storm (issue 17: cycles whose creates the
//! storm guard holds) is notified once when it starts, whatever its length.
//! Pure state, fed with each cycle's outcome; the shell only displays what
//! comes out.
//!
//! A notification also says what clicking it opens (issue 17): the
//! ConnectWise ticket of the event a failure is about, or, for a storm, the
//! Activity screen showing the tickets created since the storm began.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    /// What clicking the notification opens; `None`: nothing in particular.
    pub open: Option<NotificationTarget>,
}

/// What clicking a notification opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotificationTarget {
    /// A ticket in the ConnectWise web UI, in the browser.
    Ticket {
        ticket_id: i64,
        /// Built by [`crate::ops::ticket_url`], like the Activity screen's links.
        url: String,
    },
    /// The Activity screen, filtered.
    Activity { filter: ActivityFilter },
}

/// A filter of the Activity screen's tickets that a notification asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityFilter {
    /// Only the tickets created at or after this time (RFC 3339, UTC): for a
    /// storm, the start of the cycle whose creates the storm guard first held.
    pub created_since: String,
}

/// A failed event's ConnectWise ticket, as a notification names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLink {
    pub ticket_id: i64,
    pub url: String,
}

/// What a cycle's notifications may point at beyond its outcome.
#[derive(Debug, Clone, Default)]
pub struct CycleContext {
    /// When the cycle started (RFC 3339, UTC).
    pub started_at: String,
    /// The ticket of each failed event that has one, by event id (see
    /// [`failed_events`]).
    pub tickets: BTreeMap<String, TicketLink>,
}

/// The failures currently active, by key.
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    active: BTreeMap<String, String>,
    /// The last cycle's creates were held by the storm guard.
    storm: bool,
}

/// The key prefix of a problem about one event (`event:<id>`).
const EVENT_KEY: &str = "event:";

/// The events a cycle's outcome reports failed, and the roll-ups it opened:
/// the ones whose tickets a notification may open ([`CycleContext::tickets`]).
pub fn failed_events(outcome: &Result<RunReport, Error>) -> Vec<String> {
    match outcome {
        Ok(report) => report
            .errors
            .iter()
            .filter_map(|p| p.key.strip_prefix(EVENT_KEY).map(str::to_owned))
            .chain(report.rollups_opened.iter().map(|r| r.event_id.clone()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Issue 17: one notification per roll-up ticket a cycle opened; clicking
/// it opens the roll-up ticket.
fn rollups(outcome: &Result<RunReport, Error>, cx: &CycleContext) -> Vec<Notification> {
    let Ok(report) = outcome else {
        return Vec::new();
    };
    report
        .rollups_opened
        .iter()
        .map(|r| Notification {
            title: format!("BackupBridge: {} backups failed with one cause", r.failures),
            body: format!(
                "Roll-up ticket #{} lists them ({} {}): {}",
                r.ticket_id,
                r.companies,
                if r.companies == 1 {
                    "company"
                } else {
                    "companies"
                },
                r.cause
            ),
            is_failure: true,
            open: cx
                .tickets
                .get(&r.event_id)
                .map(|link| NotificationTarget::Ticket {
                    ticket_id: link.ticket_id,
                    url: link.url.clone(),
                }),
        })
        .collect()
}

/// What clicking the notification of the failure `key` opens: the ticket of
/// the event it is about, when the event has one.
fn target_for(key: &str, cx: &CycleContext) -> Option<NotificationTarget> {
    let link = cx.tickets.get(key.strip_prefix(EVENT_KEY)?)?;
    Some(NotificationTarget::Ticket {
        ticket_id: link.ticket_id,
        url: link.url.clone(),
    })
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
    /// Several new failures make one notification, named after the first,
    /// and clicking it opens what the first is about.
    pub fn observe(
        &mut self,
        outcome: &Result<RunReport, Error>,
        cx: &CycleContext,
    ) -> Vec<Notification> {
        let mut out = self.storm(outcome, cx);
        out.extend(rollups(outcome, cx));
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
                open: target_for(key, cx),
            });
        } else if now.is_empty() && !self.active.is_empty() {
            out.push(Notification {
                title: "BackupBridge recovered".to_owned(),
                body: "Sync works again: every problem reported earlier is resolved.".to_owned(),
                is_failure: false,
                open: None,
            });
        }
        self.active = now;
        out
    }

    /// Issue 17: a storm starts with a cycle that holds creates and ends
    /// with one that holds none; one notification at its start. A failed
    /// cycle says nothing about it. Clicking the notification shows the
    /// tickets created since the cycle that started it.
    fn storm(
        &mut self,
        outcome: &Result<RunReport, Error>,
        cx: &CycleContext,
    ) -> Vec<Notification> {
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
                open: Some(NotificationTarget::Activity {
                    filter: ActivityFilter {
                        created_since: cx.started_at.clone(),
                    },
                }),
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

    /// A cycle whose failed events have no ticket.
    fn quiet() -> CycleContext {
        CycleContext {
            started_at: "2026-12-06T21:00:00Z".into(),
            tickets: BTreeMap::new(),
        }
    }

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
        let first = a.observe(&held(12), &quiet());
        assert_eq!(first.len(), 1);
        assert_eq!(
            first[0].title,
            "BackupBridge: removals need your confirmation"
        );
        assert!(a.observe(&held(11), &quiet()).is_empty());
        assert!(a.observe(&held(12), &quiet()).is_empty());
        assert!(!a.observe(&report(&[]), &quiet()).is_empty(), "recovered");
    }

    #[test]
    fn each_roll_up_opened_is_notified_once_and_opens_its_ticket() {
        let mut a = Alerts::new();
        let opened = Ok(RunReport {
            rollups_opened: vec![crate::engine::RollupOpened {
                event_id: "rollup:3".into(),
                ticket_id: 812,
                failures: 300,
                companies: 60,
                cause: "Cannot write to <path> the destination is unreachable".into(),
            }],
            ..RunReport::default()
        });
        assert_eq!(failed_events(&opened), ["rollup:3"]);
        let mut cx = quiet();
        let url = "https://cw.example.com/ticket?service_recid=812";
        cx.tickets.insert(
            "rollup:3".into(),
            TicketLink {
                ticket_id: 812,
                url: url.into(),
            },
        );
        let shown = a.observe(&opened, &cx);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert_eq!(
            shown[0].title,
            "BackupBridge: 300 backups failed with one cause"
        );
        assert!(
            shown[0]
                .body
                .starts_with("Roll-up ticket #812 lists them (60 companies): Cannot"),
            "{}",
            shown[0].body
        );
        assert_eq!(
            shown[0].open,
            Some(NotificationTarget::Ticket {
                ticket_id: 812,
                url: url.into()
            })
        );
        // The next cycle opened none: nothing more.
        assert!(a.observe(&Ok(RunReport::default()), &quiet()).is_empty());
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
        assert!(a.observe(&held(0), &quiet()).is_empty());
        let first = a.observe(&held(120), &quiet());
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
        assert!(a.observe(&held(70), &quiet()).is_empty());
        let offline: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
            message: "refused".into(),
        }));
        assert_eq!(a.observe(&offline, &quiet()).len(), 1, "only the failure");
        assert!(a
            .observe(&held(20), &quiet())
            .iter()
            .all(|n| !n.title.contains("storm")));
        // The storm ends without a word; the next one is notified again.
        assert!(a
            .observe(&held(0), &quiet())
            .iter()
            .all(|n| !n.title.contains("storm")));
        assert!(!a.failing());
        assert_eq!(
            a.observe(&held(1), &quiet())[0].body.split(':').next(),
            Some("1 ticket held by the storm guard")
        );
    }

    #[test]
    fn each_distinct_failure_once_then_one_recovery() {
        let mut a = Alerts::new();
        assert!(a.observe(&report(&[]), &quiet()).is_empty());
        let auth: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
            message: "ConnectWise refused the API keys".into(),
        }));
        let first = a.observe(&auth, &quiet());
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].title, "BackupBridge cannot sync");
        assert!(first[0].is_failure);
        // The same failure again: silence.
        assert!(a.observe(&auth, &quiet()).is_empty());
        assert!(a.observe(&auth, &quiet()).is_empty());
        // A different failure: one more notification.
        let agreement = report(&[("company:c-1", "no agreement matches `x`")]);
        let n = a.observe(&agreement, &quiet());
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].body, "no agreement matches `x`");
        assert!(a.observe(&agreement, &quiet()).is_empty());
        // Everything fine: one recovery, then silence.
        let r = a.observe(&report(&[]), &quiet());
        assert_eq!(r.len(), 1);
        assert!(!r[0].is_failure);
        assert!(a.observe(&report(&[]), &quiet()).is_empty());
    }

    #[test]
    fn several_new_problems_make_one_notification() {
        let mut a = Alerts::new();
        let n = a.observe(
            &report(&[("event:e1", "rejected"), ("event:e2", "rejected")]),
            &quiet(),
        );
        assert_eq!(n.len(), 1);
        assert!(n[0].body.contains("and 1 more"));
        // One of them resolved, the other stays: no notification.
        assert!(a
            .observe(&report(&[("event:e2", "rejected")]), &quiet())
            .is_empty());
        assert!(a.failing());
    }

    #[test]
    fn a_ticket_scoped_failure_opens_its_ticket_and_others_open_nothing() {
        let url = "https://cw.example/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=42&companyName=acme";
        let cx = CycleContext {
            started_at: "2026-12-06T21:00:00Z".into(),
            tickets: BTreeMap::from([(
                "e1".to_owned(),
                TicketLink {
                    ticket_id: 42,
                    url: url.to_owned(),
                },
            )]),
        };
        let opens = |problems: &[(&str, &str)]| {
            let n = Alerts::new().observe(&report(problems), &cx);
            assert_eq!(n.len(), 1, "{problems:?}");
            n[0].open.clone()
        };
        let ticket = Some(NotificationTarget::Ticket {
            ticket_id: 42,
            url: url.to_owned(),
        });
        // The table: which failure is named first decides what a click opens.
        assert_eq!(opens(&[("event:e1", "e1: rejected")]), ticket);
        assert_eq!(opens(&[("event:e1", "a"), ("event:e2", "b")]), ticket);
        assert_eq!(opens(&[("event:e2", "e2: no ticket yet")]), None);
        assert_eq!(opens(&[("company:e1", "no agreement")]), None);
        assert_eq!(opens(&[("item:3", "unreadable")]), None);
        let offline: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
            message: "refused".into(),
        }));
        assert_eq!(Alerts::new().observe(&offline, &cx)[0].open, None);
        // A recovery opens nothing.
        let mut a = Alerts::new();
        a.observe(&report(&[("event:e1", "rejected")]), &cx);
        let recovered = a.observe(&report(&[]), &cx);
        assert!(!recovered[0].is_failure);
        assert_eq!(recovered[0].open, None);
    }

    #[test]
    fn failed_events_are_the_event_problems_of_a_report() {
        let outcome = report(&[("event:e1", "a"), ("company:c", "b"), ("event:e:2", "c")]);
        assert_eq!(failed_events(&outcome), ["e1", "e:2"]);
        let offline: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
            message: "refused".into(),
        }));
        assert!(failed_events(&offline).is_empty());
    }

    #[test]
    fn a_storm_opens_the_tickets_created_since_its_first_cycle() {
        let mut a = Alerts::new();
        let held = |n: usize| {
            Ok(RunReport {
                creates_held: n,
                ..RunReport::default()
            })
        };
        let at = |t: &str| CycleContext {
            started_at: t.into(),
            tickets: BTreeMap::new(),
        };
        let first = a.observe(&held(30), &at("2026-12-06T21:05:00Z"));
        let since = |n: &Notification| match &n.open {
            Some(NotificationTarget::Activity { filter }) => filter.created_since.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(since(&first[0]), "2026-12-06T21:05:00Z");
        assert!(a.observe(&held(10), &at("2026-12-06T21:10:00Z")).is_empty());
        a.observe(&held(0), &at("2026-12-06T21:15:00Z"));
        // The next storm starts from its own first cycle.
        let next = a.observe(&held(5), &at("2026-12-06T22:00:00Z"));
        assert_eq!(since(&next[0]), "2026-12-06T22:00:00Z");
    }

    #[test]
    fn targets_serialise_as_the_ui_reads_them() {
        let storm = NotificationTarget::Activity {
            filter: ActivityFilter {
                created_since: "2026-12-06T21:05:00Z".into(),
            },
        };
        let json = serde_json::to_value(&storm).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "activity", "filter": {"created_since": "2026-12-06T21:05:00Z"}})
        );
        assert_eq!(
            serde_json::from_value::<NotificationTarget>(json).unwrap(),
            storm
        );
    }
}
