//! Item-by-item decoding of Dashboard listings. Each item is checked on its
//! own, so one malformed item is skipped and reported (position, id when it
//! has one, and the bad field) while the others sync (design §4 rule 11).
//! Unknown event, backup and detail types are kept as sent.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::model::{BackupCompany, EventDetail, MonitoringEvent};

/// An item the source skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RejectedItem {
    /// 0-based position in the whole listing, across pages (the first item of
    /// page 2 follows the last item of page 1).
    pub position: usize,
    /// The item's `id` when it has one (a number is given as its text).
    pub id: Option<String>,
    /// Why, naming the bad field.
    pub reason: String,
}

impl std::fmt::Display for RejectedItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "item at position {} (counting from 0)", self.position)?;
        if let Some(id) = &self.id {
            write!(f, ", id \"{id}\"")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// The current Dashboard events: the good ones, and the skipped ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub events: Vec<MonitoringEvent>,
    pub rejected: Vec<RejectedItem>,
}

/// The Dashboard's companies: the good ones, and the skipped ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyList {
    pub companies: Vec<BackupCompany>,
    pub rejected: Vec<RejectedItem>,
}

/// One listing decoded item by item: positions count across pages, and an
/// id seen before is rejected (the first wins).
pub(crate) struct Decoder<T> {
    pub items: Vec<T>,
    pub rejected: Vec<RejectedItem>,
    seen: HashSet<String>,
    position: usize,
    decode: fn(&Value) -> Result<T, String>,
    id: fn(&T) -> &str,
}

impl Decoder<MonitoringEvent> {
    pub(crate) fn events() -> Self {
        Decoder::new(decode_event, |e| &e.id)
    }

    pub(crate) fn into_snapshot(self) -> Snapshot {
        Snapshot {
            events: self.items,
            rejected: self.rejected,
        }
    }
}

impl Decoder<BackupCompany> {
    pub(crate) fn companies() -> Self {
        Decoder::new(decode_company, |c| &c.id)
    }

    pub(crate) fn into_list(self) -> CompanyList {
        CompanyList {
            companies: self.items,
            rejected: self.rejected,
        }
    }
}

impl<T> Decoder<T> {
    /// The items decoded since the last call (ids stay seen).
    pub(crate) fn take_items(&mut self) -> Vec<T> {
        std::mem::take(&mut self.items)
    }

    /// The ids seen (each accepted item's, once) and the rejected items.
    pub(crate) fn into_parts(self) -> (HashSet<String>, Vec<RejectedItem>) {
        (self.seen, self.rejected)
    }

    fn new(decode: fn(&Value) -> Result<T, String>, id: fn(&T) -> &str) -> Self {
        Decoder {
            items: Vec::new(),
            rejected: Vec::new(),
            seen: HashSet::new(),
            position: 0,
            decode,
            id,
        }
    }

    /// Decode one item given as its JSON text (already checked to be JSON by
    /// the page parser), then let it go: only one item is a `Value` at a time.
    pub(crate) fn push_raw(&mut self, raw: &RawValue) {
        match serde_json::from_str::<Value>(raw.get()) {
            Ok(value) => self.push(&value),
            // Well-formed JSON that serde_json cannot hold (a number like
            // 1e400): its id, if readable, still keeps the event's ticket
            // from being treated as removed (rule 11).
            Err(e) => {
                self.rejected.push(RejectedItem {
                    position: self.position,
                    id: raw_id(raw),
                    reason: format!("the item cannot be read: {e}"),
                });
                self.position += 1;
            }
        }
    }

    pub(crate) fn push(&mut self, item: &Value) {
        let position = self.position;
        self.position += 1;
        match (self.decode)(item) {
            Ok(decoded) => match first_occurrence(&mut self.seen, (self.id)(&decoded), position) {
                Ok(()) => self.items.push(decoded),
                Err(rejected) => self.rejected.push(rejected),
            },
            Err(reason) => self.rejected.push(RejectedItem {
                position,
                id: item_id(item),
                reason,
            }),
        }
    }
}

/// Decode every event; duplicates of an earlier id are rejected (the first wins).
#[cfg(test)]
pub(crate) fn decode_events(items: Vec<Value>) -> Snapshot {
    let mut decoder = Decoder::events();
    items.iter().for_each(|item| decoder.push(item));
    decoder.into_snapshot()
}

/// Decode every company; duplicates of an earlier id are rejected (the first wins).
#[cfg(test)]
pub(crate) fn decode_companies(items: Vec<Value>) -> CompanyList {
    let mut decoder = Decoder::companies();
    items.iter().for_each(|item| decoder.push(item));
    decoder.into_list()
}

fn first_occurrence(
    seen: &mut HashSet<String>,
    id: &str,
    position: usize,
) -> Result<(), RejectedItem> {
    if seen.insert(id.to_owned()) {
        Ok(())
    } else {
        Err(RejectedItem {
            position,
            id: Some(id.to_owned()),
            reason: format!("duplicate id \"{id}\": an earlier item has the same id and was kept"),
        })
    }
}

/// The `id` of an item that cannot be decoded as a whole (other fields are
/// skipped unread).
fn raw_id(raw: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: Option<Value>,
    }
    let item: IdOnly = serde_json::from_str(raw.get()).ok()?;
    item_id(&serde_json::json!({ "id": item.id? }))
}

/// The item's id for the report, when it has a usable one.
fn item_id(item: &Value) -> Option<String> {
    match item.get("id")? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn decode_event(item: &Value) -> Result<MonitoringEvent, String> {
    let f = Fields::of(item, "")?;
    Ok(MonitoringEvent {
        id: f.id("id")?,
        company_id: f.id("companyId")?,
        computer: f.optional("computer")?.unwrap_or_default(),
        plan: f.optional("plan")?.unwrap_or_default(),
        backup_type: f.required("backupType")?,
        event_type: f.required("eventType")?,
        job_status: f.required("jobStatus")?,
        message: f.optional("message")?.unwrap_or_default(),
        details: decode_details(f.map.get("details"))?,
        started_at: f.optional("startedAt")?,
        updated_at: f.optional("updatedAt")?,
        extra: Vec::new(),
    })
}

fn decode_details(value: Option<&Value>) -> Result<Vec<EventDetail>, String> {
    let list = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(format!(
                "field \"details\" must be a list, found {}",
                kind(other)
            ))
        }
    };
    list.iter()
        .enumerate()
        .map(|(i, entry)| {
            let prefix = format!("details[{i}].");
            let f = Fields::of(entry, &prefix)?;
            Ok(EventDetail {
                id: f.id("id")?,
                kind: f.required("kind")?,
                at: f.optional("at")?,
                text: f.optional("text")?.unwrap_or_default(),
            })
        })
        .collect()
}

fn decode_company(item: &Value) -> Result<BackupCompany, String> {
    let f = Fields::of(item, "")?;
    Ok(BackupCompany {
        id: f.id("id")?,
        name: f.required("name")?,
    })
}

/// Field access on one JSON object with reasons that name the field.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    /// Prefix for nested objects, e.g. `details[2].`.
    prefix: &'a str,
}

impl<'a> Fields<'a> {
    fn of(value: &'a Value, prefix: &'a str) -> Result<Fields<'a>, String> {
        match value {
            Value::Object(map) => Ok(Fields { map, prefix }),
            other if prefix.is_empty() => {
                Err(format!("the item must be an object, found {}", kind(other)))
            }
            other => Err(format!(
                "{} must be an object, found {}",
                prefix.trim_end_matches('.'),
                kind(other)
            )),
        }
    }

    /// A string that must be present (may be empty, e.g. an unknown type).
    fn required(&self, name: &str) -> Result<String, String> {
        self.optional(name)?
            .ok_or_else(|| match self.map.get(name) {
                None => format!("field \"{}{name}\" is missing", self.prefix),
                Some(_) => format!("field \"{}{name}\" is null", self.prefix),
            })
    }

    /// An identifier: present, a string, not blank.
    fn id(&self, name: &str) -> Result<String, String> {
        let value = self.required(name)?;
        if value.trim().is_empty() {
            return Err(format!("field \"{}{name}\" is empty", self.prefix));
        }
        Ok(value)
    }

    /// A string that may be missing or null.
    fn optional(&self, name: &str) -> Result<Option<String>, String> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!(
                "field \"{}{name}\" must be a string, found {}",
                self.prefix,
                kind(other)
            )),
        }
    }
}

fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
