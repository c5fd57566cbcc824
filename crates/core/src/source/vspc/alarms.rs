//! VSPC alarms as the events the sync rules work on (`reference/sources.md`
//! §3). Alarms are incidents already: the id is the alarm's `instanceUid`
//! for its whole life (a resolved alarm that fires again is the same event,
//! so its ticket is reopened), and what is remembered between reads is the
//! event itself, in the same per-source table as the deriver's state.
//!
//! - Error -> `Error`/`Failed`, Warning -> `Warning`/`Warning`, Resolved ->
//!   `Completed` (rule 6 closes a job alarm's ticket).
//! - Acknowledged, Info and Unknown keep the previous status and message
//!   and add nothing (an acknowledgement must not reopen a ticket a
//!   technician closed, rule 8); an alarm first seen in one of them is not
//!   ticketed (but is present: its ticket, if any, is not removed).
//! - Each new Error, Warning or Resolved activation
//!   (`lastActivation.instanceUid`) is a detail, once: the first is in the
//!   ticket's description, later ones become notes.
//! - Malware and suspicious-activity alarms (VBR 12.1+ event 41600) are
//!   `BackupAnomaly` events: ticketed whatever their status, never closed
//!   on completion, their activations `BackupAnomalyDetails`.
//! - An alarm deleted from VSPC leaves the listing (rule 7), unless the
//!   listing was not read whole (the engine reads it twice before it takes
//!   an alarm as deleted).
//!
//! Pure: the state goes in and comes out.

use std::collections::BTreeMap;

use super::decode::{Alarm, AlarmListing, AlarmStatus, Template};
use super::event_id;
use crate::model::{EventDetail, MonitoringEvent, EVENT_TYPE_ANOMALY, JOB_STATUS_COMPLETED};
use crate::source::derive::{Derivation, Incident, KeyState, ERROR_LINE_KIND};

/// The kind of the details an anomaly's activations become.
pub const ANOMALY_DETAIL_KIND: &str = "BackupAnomalyDetails";

/// Words that mark a template (or its message) as a malware or
/// suspicious-activity detection.
const MALWARE_WORDS: [&str; 5] = ["malware", "suspicious", "ransomware", "infected", "41600"];

/// True when the alarm is about malware or suspicious activity rather than
/// a job's result.
pub fn is_anomaly(template: &Template, message: &str) -> bool {
    let about = format!("{} {}", template.name, template.category).to_lowercase();
    let first_line = message.lines().next().unwrap_or_default().to_lowercase();
    MALWARE_WORDS.iter().any(|w| about.contains(w))
        || first_line.contains("event 41600")
        || first_line.contains("potential malware activity")
}

/// Applies one read of the alarms to `states` (keyed by alarm uid).
pub fn apply(states: &mut BTreeMap<String, KeyState>, listing: &AlarmListing) -> Derivation {
    let mut out = Derivation::default();
    for alarm in &listing.alarms {
        let before = states.get(&alarm.uid).and_then(|s| s.incident.as_ref());
        let after = next(before, alarm);
        if after.as_ref() != before {
            out.changed.insert(alarm.uid.clone());
            states.insert(
                alarm.uid.clone(),
                KeyState {
                    last_run: None,
                    incident: after,
                },
            );
        }
    }
    if listing.complete {
        let gone: Vec<String> = states
            .keys()
            .filter(|uid| !listing.uids.contains(*uid))
            .cloned()
            .collect();
        for uid in gone {
            states.remove(&uid);
            out.changed.remove(&uid);
            out.dropped.insert(uid);
        }
    }
    out
}

/// The alarm's event after this read, from the one before it.
fn next(before: Option<&Incident>, alarm: &Alarm) -> Option<Incident> {
    let activation = &alarm.activation;
    let anomaly = is_anomaly(&alarm.template, &activation.message);
    let job_status = match activation.status {
        AlarmStatus::Error => Some("Failed"),
        AlarmStatus::Warning => Some("Warning"),
        AlarmStatus::Resolved => Some(JOB_STATUS_COMPLETED),
        AlarmStatus::Acknowledged | AlarmStatus::Info | AlarmStatus::Unknown => None,
    };
    let mut event = match before {
        Some(incident) => incident.event.clone(),
        None => {
            let job_status = job_status?;
            // A job alarm first seen resolved never needed a ticket.
            if !anomaly && job_status == JOB_STATUS_COMPLETED {
                return None;
            }
            MonitoringEvent {
                id: event_id(&alarm.uid),
                company_id: String::new(),
                computer: String::new(),
                plan: String::new(),
                backup_type: String::new(),
                event_type: String::new(),
                job_status: String::new(),
                message: String::new(),
                details: Vec::new(),
                started_at: activation.time.clone(),
                updated_at: None,
                extra: vec![
                    ("Alarm".to_owned(), alarm.template.name.clone()),
                    ("Alarm id".to_owned(), alarm.uid.clone()),
                ],
            }
        }
    };
    event.company_id = alarm.company_id.clone();
    event.computer = alarm.computer.clone();
    event.plan = alarm.object.clone();
    event.backup_type = alarm.template.category.clone();
    if let Some(job_status) = job_status {
        event.job_status = job_status.to_owned();
        event.event_type = if anomaly {
            EVENT_TYPE_ANOMALY.to_owned()
        } else {
            match activation.status {
                AlarmStatus::Warning => "Warning".to_owned(),
                AlarmStatus::Error => "Error".to_owned(),
                // Resolved keeps the type it failed with.
                _ if event.event_type.is_empty() => "Error".to_owned(),
                _ => event.event_type.clone(),
            }
        };
        event.message = first_line(&activation.message, &alarm.template.name);
    }
    // Acknowledged, Info and Unknown activations are no detail: a
    // technician's acknowledgement must not reopen a ticket (rule 8).
    if job_status.is_some() && !event.details.iter().any(|d| d.id == activation.uid) {
        event.details.push(EventDetail {
            id: activation.uid.clone(),
            kind: if anomaly {
                ANOMALY_DETAIL_KIND
            } else {
                ERROR_LINE_KIND
            }
            .to_owned(),
            at: activation.time.clone(),
            text: detail_text(alarm),
        });
        event.updated_at = activation.time.clone().or(event.updated_at);
    }
    let open = event.job_status != JOB_STATUS_COMPLETED;
    Some(Incident { open, event })
}

/// The message's first line, else the template's name.
fn first_line(message: &str, template_name: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(template_name)
        .to_owned()
}

/// A detail's text: the status, the whole message, and the remark.
fn detail_text(alarm: &Alarm) -> String {
    let activation = &alarm.activation;
    let mut text = format!("{}: ", activation.status.as_str());
    if activation.message.is_empty() {
        text.push_str(&alarm.template.name);
    } else {
        text.push_str(&activation.message);
    }
    if alarm.repeat_count > 1 {
        text.push_str(&format!("\n(repeated {} times)", alarm.repeat_count));
    }
    if let Some(remark) = &activation.remark {
        text.push_str(&format!("\nRemark: {remark}"));
    }
    text
}
