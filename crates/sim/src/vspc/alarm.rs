//! The alarms the VSPC simulator is given: what a test raises ([`NewAlarm`],
//! about an [`AlarmObject`], with an [`AlarmStatus`]) and the changes a
//! timeline applies ([`Change`]).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// `lastActivation.status` of an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlarmStatus {
    Unknown,
    Resolved,
    Info,
    Warning,
    Error,
    Acknowledged,
}

impl AlarmStatus {
    /// The word VSPC sends.
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmStatus::Unknown => "Unknown",
            AlarmStatus::Resolved => "Resolved",
            AlarmStatus::Info => "Info",
            AlarmStatus::Warning => "Warning",
            AlarmStatus::Error => "Error",
            AlarmStatus::Acknowledged => "Acknowledged",
        }
    }
}

/// The `object` of an alarm: what it is about and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmObject {
    pub instance_uid: String,
    /// `type` (`ObjectEntity`, `ManagementAgent`, …).
    pub object_type: String,
    /// The company's `instanceUid`.
    pub organization_uid: String,
    pub location_uid: String,
    pub management_agent_uid: String,
    pub computer_name: String,
    pub object_uid: String,
    /// The job or machine name; VSPC allows null.
    pub object_name: Option<String>,
}

impl AlarmObject {
    pub(super) fn to_json(&self) -> Value {
        json!({
            "instanceUid": self.instance_uid,
            "type": self.object_type,
            "organizationUid": self.organization_uid,
            "locationUid": self.location_uid,
            "managementAgentUid": self.management_agent_uid,
            "computerName": self.computer_name,
            "objectUid": self.object_uid,
            "objectName": self.object_name,
        })
    }
}

/// An alarm to raise. Messages and remarks given with bare `\n` line breaks
/// are sent with `\r\n`, as VSPC sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlarm {
    /// The alarm's `instanceUid` (stable across its activations).
    pub instance_uid: String,
    pub template_uid: String,
    pub object: AlarmObject,
    pub status: AlarmStatus,
    pub message: Option<String>,
    pub remark: Option<String>,
    /// `lastActivation.instanceUid`; `None` = a fresh random one.
    pub activation_uid: Option<String>,
    /// `lastActivation.time`; `None` = now, and later than every stored alarm.
    pub time: Option<DateTime<Utc>>,
    pub repeat_count: u32,
}

impl NewAlarm {
    /// An alarm with one activation happening now, no remark.
    pub fn new(
        instance_uid: &str,
        template_uid: &str,
        object: AlarmObject,
        status: AlarmStatus,
        message: &str,
    ) -> NewAlarm {
        NewAlarm {
            instance_uid: instance_uid.to_owned(),
            template_uid: template_uid.to_owned(),
            object,
            status,
            message: Some(message.to_owned()),
            remark: None,
            activation_uid: None,
            time: None,
            repeat_count: 1,
        }
    }

    /// The same alarm, activated at `time`.
    pub fn at(mut self, time: DateTime<Utc>) -> NewAlarm {
        self.time = Some(time);
        self
    }
}

/// One change a timeline step applies (the control methods of the same names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Raise(Box<NewAlarm>),
    /// A new activation: new `lastActivation.instanceUid`, a newer time,
    /// `repeatCount` + 1.
    Activate {
        uid: String,
        status: AlarmStatus,
        message: String,
    },
    /// The status changes without a new activation (e.g. Acknowledged).
    SetStatus {
        uid: String,
        status: AlarmStatus,
    },
    Delete {
        uid: String,
    },
}

impl Change {
    /// [`Change::Raise`] of `alarm`.
    pub fn raise(alarm: NewAlarm) -> Change {
        Change::Raise(Box::new(alarm))
    }
}
