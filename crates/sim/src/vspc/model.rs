//! The VSPC simulator's alarms: what a test raises ([`NewAlarm`]), the
//! changes a timeline applies ([`Change`]), and the store that keeps them in
//! the order `GET /api/v3/alarms/active` lists them (newest
//! `lastActivation.time` first). Every new activation gets a time later than
//! any alarm already stored, so it always moves to the front, however fast a
//! test runs.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rand::Rng;
use serde_json::{json, Value};

use crate::SimError;

pub use super::alarm::{AlarmObject, AlarmStatus, Change, NewAlarm};

/// The latest activation of a stored alarm.
#[derive(Debug, Clone)]
struct Activation {
    uid: String,
    time: DateTime<Utc>,
    status: AlarmStatus,
    message: Option<String>,
    remark: Option<String>,
}

/// An alarm raised through the control API.
#[derive(Debug, Clone)]
struct Typed {
    uid: String,
    template_uid: String,
    repeat_count: u32,
    object: AlarmObject,
    last: Activation,
}

#[derive(Debug, Clone)]
enum Item {
    Typed(Box<Typed>),
    /// Raw JSON a test injected (malformed on purpose, say); listed by its
    /// `lastActivation.time` when that parses, else last.
    Raw(Value),
}

#[derive(Debug, Clone)]
struct Stored {
    /// Bumped on every activation: breaks ties between equal times.
    seq: u64,
    item: Item,
}

impl Stored {
    fn uid(&self) -> Option<&str> {
        match &self.item {
            Item::Typed(t) => Some(&t.uid),
            Item::Raw(v) => v.get("instanceUid").and_then(Value::as_str),
        }
    }

    fn time(&self) -> Option<DateTime<Utc>> {
        match &self.item {
            Item::Typed(t) => Some(t.last.time),
            Item::Raw(v) => v
                .pointer("/lastActivation/time")
                .and_then(Value::as_str)
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc)),
        }
    }

    fn to_json(&self) -> Value {
        match &self.item {
            Item::Raw(v) => v.clone(),
            Item::Typed(t) => json!({
                "instanceUid": t.uid,
                "alarmTemplateUid": t.template_uid,
                "repeatCount": t.repeat_count,
                "object": t.object.to_json(),
                "lastActivation": {
                    "instanceUid": t.last.uid,
                    "time": rfc3339(t.last.time),
                    "status": t.last.status.as_str(),
                    "message": t.last.message,
                    "remark": t.last.remark,
                },
            }),
        }
    }
}

/// `2026-11-20T01:00:00.000+00:00`.
pub(crate) fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// Text with every line break as `\r\n`.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// A random version-4 UUID, as VSPC's uids look.
pub(crate) fn random_uid() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The active alarms.
#[derive(Debug, Default)]
pub(crate) struct Alarms {
    entries: Vec<Stored>,
    next_seq: u64,
}

impl Alarms {
    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Now, or one second after the newest stored activation if that is later.
    fn next_time(&self) -> DateTime<Utc> {
        let now = Utc::now();
        let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        self.entries
            .iter()
            .filter_map(Stored::time)
            .max()
            .map_or(now, |newest| now.max(newest + Duration::seconds(1)))
    }

    fn find(&mut self, uid: &str) -> Result<&mut Stored, SimError> {
        self.entries
            .iter_mut()
            .find(|s| s.uid() == Some(uid))
            .ok_or_else(|| SimError::NoSuchAlarm(uid.to_owned()))
    }

    pub(crate) fn raise(&mut self, alarm: NewAlarm) -> Result<(), SimError> {
        if self
            .entries
            .iter()
            .any(|s| s.uid() == Some(&alarm.instance_uid))
        {
            return Err(SimError::Rejected(format!(
                "an alarm with uid {} is already active",
                alarm.instance_uid
            )));
        }
        let time = alarm.time.unwrap_or_else(|| self.next_time());
        let seq = self.seq();
        self.entries.push(Stored {
            seq,
            item: Item::Typed(Box::new(Typed {
                uid: alarm.instance_uid,
                template_uid: alarm.template_uid,
                repeat_count: alarm.repeat_count,
                object: alarm.object,
                last: Activation {
                    uid: alarm.activation_uid.unwrap_or_else(random_uid),
                    time,
                    status: alarm.status,
                    message: alarm.message.as_deref().map(crlf),
                    remark: alarm.remark.as_deref().map(crlf),
                },
            })),
        });
        Ok(())
    }

    pub(crate) fn push_raw(&mut self, value: Value) {
        let seq = self.seq();
        self.entries.push(Stored {
            seq,
            item: Item::Raw(value),
        });
    }

    pub(crate) fn activate(
        &mut self,
        uid: &str,
        status: AlarmStatus,
        message: &str,
    ) -> Result<(), SimError> {
        let time = self.next_time();
        let seq = self.seq();
        let stored = self.find(uid)?;
        let Item::Typed(alarm) = &mut stored.item else {
            return Err(raw_refused(uid));
        };
        alarm.repeat_count += 1;
        alarm.last = Activation {
            uid: random_uid(),
            time,
            status,
            message: Some(crlf(message)),
            remark: None,
        };
        stored.seq = seq;
        Ok(())
    }

    /// The latest activation of typed alarm `uid`.
    fn last_mut(&mut self, uid: &str) -> Result<&mut Activation, SimError> {
        match &mut self.find(uid)?.item {
            Item::Typed(alarm) => Ok(&mut alarm.last),
            Item::Raw(_) => Err(raw_refused(uid)),
        }
    }

    pub(crate) fn set_status(&mut self, uid: &str, status: AlarmStatus) -> Result<(), SimError> {
        self.last_mut(uid)?.status = status;
        Ok(())
    }

    pub(crate) fn set_remark(&mut self, uid: &str, remark: Option<&str>) -> Result<(), SimError> {
        self.last_mut(uid)?.remark = remark.map(crlf);
        Ok(())
    }

    pub(crate) fn delete(&mut self, uid: &str) -> Result<(), SimError> {
        let before = self.entries.len();
        self.entries.retain(|s| s.uid() != Some(uid));
        if self.entries.len() == before {
            return Err(SimError::NoSuchAlarm(uid.to_owned()));
        }
        Ok(())
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    pub(crate) fn apply(&mut self, change: Change) -> Result<(), SimError> {
        match change {
            Change::Raise(alarm) => self.raise(*alarm),
            Change::Activate {
                uid,
                status,
                message,
            } => self.activate(&uid, status, &message),
            Change::SetStatus { uid, status } => self.set_status(&uid, status),
            Change::Delete { uid } => self.delete(&uid),
        }
    }

    /// The template and object of the alarm listed first, if it is typed.
    pub(crate) fn front(&self) -> Option<(String, AlarmObject)> {
        self.ordered()
            .into_iter()
            .next()
            .and_then(|s| match &s.item {
                Item::Typed(alarm) => Some((alarm.template_uid.clone(), alarm.object.clone())),
                Item::Raw(_) => None,
            })
    }

    fn ordered(&self) -> Vec<&Stored> {
        let mut list: Vec<&Stored> = self.entries.iter().collect();
        // Newest first; untimed raw items last; ties: the latest change first.
        list.sort_by(|a, b| b.time().cmp(&a.time()).then(b.seq.cmp(&a.seq)));
        list
    }

    /// Every alarm as `alarms/active` lists it.
    pub(crate) fn listing(&self) -> Vec<Value> {
        self.ordered().into_iter().map(Stored::to_json).collect()
    }

    /// The alarms `offset..offset + limit` as listed, and how many there
    /// are in all (only the page is serialised: a console of 10,000 alarms
    /// answers each page quickly).
    pub(crate) fn window(&self, offset: usize, limit: usize) -> (Vec<Value>, usize) {
        let ordered = self.ordered();
        let total = ordered.len();
        let page = ordered.into_iter().skip(offset).take(limit);
        (page.map(Stored::to_json).collect(), total)
    }

    /// One alarm as listed.
    pub(crate) fn get(&self, uid: &str) -> Option<Value> {
        self.entries
            .iter()
            .find(|s| s.uid() == Some(uid))
            .map(Stored::to_json)
    }
}

fn raw_refused(uid: &str) -> SimError {
    SimError::Rejected(format!(
        "alarm {uid} was injected as raw JSON and cannot be changed"
    ))
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
