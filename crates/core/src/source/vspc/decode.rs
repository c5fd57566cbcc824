//! VSPC's answers read item by item (`reference/sources.md` §3): companies,
//! alarm templates and active alarms. An item that cannot be read is
//! skipped and reported with its position and uid (rule 11); unknown
//! statuses and categories are kept as VSPC sends them.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::super::decode::{CompanyList, RejectedItem};
use crate::model::BackupCompany;

/// An alarm template: what its alarms are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    /// `BackupVmJob`, `BackupAgentJob`, … (the backup type of its alarms).
    pub category: String,
}

/// An activation's status as VSPC names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AlarmStatus {
    Error,
    Warning,
    Resolved,
    Acknowledged,
    Info,
    Unknown,
}

impl AlarmStatus {
    /// VSPC's word, case-insensitively; anything else is `Unknown`.
    pub fn parse(text: &str) -> AlarmStatus {
        let text = text.trim();
        [
            AlarmStatus::Error,
            AlarmStatus::Warning,
            AlarmStatus::Resolved,
            AlarmStatus::Acknowledged,
            AlarmStatus::Info,
        ]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text))
        .unwrap_or(AlarmStatus::Unknown)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AlarmStatus::Error => "Error",
            AlarmStatus::Warning => "Warning",
            AlarmStatus::Resolved => "Resolved",
            AlarmStatus::Acknowledged => "Acknowledged",
            AlarmStatus::Info => "Info",
            AlarmStatus::Unknown => "Unknown",
        }
    }
}

/// The alarm's latest activation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    pub uid: String,
    /// RFC 3339 UTC, when VSPC gave a readable time.
    pub time: Option<String>,
    pub status: AlarmStatus,
    /// The whole message, line breaks as `\n`, trimmed.
    pub message: String,
    pub remark: Option<String>,
}

/// One active alarm, its template resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub uid: String,
    pub company_id: String,
    pub computer: String,
    /// The job or machine the alarm is about (`objectName`).
    pub object: String,
    pub template: Template,
    pub repeat_count: u64,
    pub activation: Activation,
}

/// The active alarms of one read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmListing {
    pub alarms: Vec<Alarm>,
    /// Alarms that could not be read (rule 11), with their event ids.
    pub rejected: Vec<RejectedItem>,
    /// Every uid in the listing, readable or not: none of them is gone.
    pub uids: HashSet<String>,
    /// False when the listing moved while it was read or had an unreadable
    /// item without a uid: then no alarm is taken as deleted.
    pub complete: bool,
}

/// The companies (`instanceUid`, `name`).
pub fn companies(items: &[Value]) -> CompanyList {
    let mut list = CompanyList::default();
    let mut seen = HashSet::new();
    for (position, item) in items.iter().enumerate() {
        let object = item.as_object();
        let uid = object.and_then(|o| text(o, "instanceUid"));
        let name = object.and_then(|o| text(o, "name"));
        let reason = match (object, &uid, &name) {
            (None, _, _) => Some("the item is not a JSON object".to_owned()),
            (_, None, _) => Some("instanceUid is missing or not a string".to_owned()),
            (_, _, None) => Some("name is missing or empty".to_owned()),
            (_, Some(uid), _) if !seen.insert(uid.clone()) => Some(format!(
                "instanceUid \"{uid}\" appears twice; the first is kept"
            )),
            _ => None,
        };
        match (reason, uid, name) {
            (None, Some(id), Some(name)) => list.companies.push(BackupCompany { id, name }),
            (reason, id, _) => list.rejected.push(RejectedItem {
                position,
                id,
                reason: reason.unwrap_or_default(),
            }),
        }
    }
    list
}

/// The templates by uid; unreadable ones are left out (an alarm naming one
/// is then reported).
pub fn templates(items: &[Value]) -> HashMap<String, Template> {
    items
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|o| {
            let uid = text(o, "instanceUid")?;
            let name = text(o, "name").unwrap_or_else(|| "Alarm".to_owned());
            let category = text(o, "category").unwrap_or_else(|| "Other".to_owned());
            Some((uid, Template { name, category }))
        })
        .collect()
}

/// The alarms of `items`; `complete` says whether the listing held still.
pub fn alarms(
    items: &[Value],
    templates: &HashMap<String, Template>,
    complete: bool,
) -> AlarmListing {
    let mut listing = AlarmListing {
        complete,
        ..AlarmListing::default()
    };
    for (position, item) in items.iter().enumerate() {
        let uid = item
            .get("instanceUid")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(uid) = &uid {
            listing.uids.insert(uid.clone());
        }
        match alarm(item, templates) {
            Ok(alarm) => listing.alarms.push(alarm),
            Err(reason) => listing.rejected.push(RejectedItem {
                position,
                // The event id, which the engine keeps from being removed.
                id: uid.as_deref().map(super::event_id),
                reason,
            }),
        }
    }
    // An unreadable alarm with a uid is still listed; one without could be
    // any alarm, so none is taken as deleted.
    if listing.rejected.iter().any(|r| r.id.is_none()) {
        listing.complete = false;
    }
    listing
}

fn alarm(item: &Value, templates: &HashMap<String, Template>) -> Result<Alarm, String> {
    let o = item.as_object().ok_or("the item is not a JSON object")?;
    let uid = text(o, "instanceUid").ok_or("instanceUid is missing or not a string")?;
    let template_uid =
        text(o, "alarmTemplateUid").ok_or("alarmTemplateUid is missing or not a string")?;
    let template = templates.get(&template_uid).cloned().ok_or_else(|| {
        format!("its alarm template \"{template_uid}\" is not among /api/v3/alarms/templates")
    })?;
    let object = o
        .get("object")
        .and_then(Value::as_object)
        .ok_or("object is missing or not an object")?;
    let company_id = text(object, "organizationUid")
        .ok_or("object.organizationUid is missing or not a string")?;
    // Older consoles name it `LastAlarmActivation`.
    let last = ["lastActivation", "LastAlarmActivation"]
        .iter()
        .find_map(|field| o.get(*field).and_then(Value::as_object))
        .ok_or("lastActivation is missing or not an object")?;
    let activation_uid =
        text(last, "instanceUid").ok_or("lastActivation.instanceUid is missing or not a string")?;
    let status = last
        .get("status")
        .and_then(Value::as_str)
        .map(AlarmStatus::parse)
        .ok_or("lastActivation.status is missing or not a string")?;
    let time = last.get("time").and_then(Value::as_str).and_then(utc);
    Ok(Alarm {
        uid,
        company_id,
        computer: text(object, "computerName").unwrap_or_default(),
        object: text(object, "objectName").unwrap_or_default(),
        template,
        repeat_count: o.get("repeatCount").and_then(Value::as_u64).unwrap_or(1),
        activation: Activation {
            uid: activation_uid,
            time,
            status,
            message: lines(last.get("message")),
            remark: Some(lines(last.get("remark"))).filter(|r| !r.is_empty()),
        },
    })
}

/// A trimmed, non-empty string field.
fn text(o: &Map<String, Value>, field: &str) -> Option<String> {
    o.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A message with VSPC's `\r\n` line ends as `\n`, trimmed; null is empty.
fn lines(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_str)
        .unwrap_or_default()
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

/// An RFC 3339 time as UTC with seconds (`2026-11-20T01:00:00Z`).
fn utc(text: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
}
