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
#[path = "alerts_tests.rs"]
mod tests;
