//! What BackupBridge reads of the Comet Server's answers
//! (`reference/sources.md` §2), and nothing more: slim views of the user
//! profiles (a whole profile holds `PasswordHash`, `TOTPKey` and vault
//! credentials, so it is never decoded, kept or logged), the job fields a
//! [`super::super::platform::PlanRun`] needs, the job log lines, and the
//! pure translations (status ranges, engines, Unix times, keys).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::source::platform::RunStatus;

/// `Classification` of a backup job; every other one is never ticketed.
pub const CLASSIFICATION_BACKUP: i64 = 4001;

/// One device of a user profile (`Devices[id]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Device {
    #[serde(rename = "FriendlyName", default)]
    pub friendly_name: String,
}

/// One protected item of a user profile (`Sources[guid]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ProtectedItem {
    #[serde(rename = "Description", default)]
    pub description: String,
    #[serde(rename = "Engine", default)]
    pub engine: String,
}

/// One storage vault of a user profile (`Destinations[guid]`): its name
/// only (the rest holds the vault's credentials).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Vault {
    #[serde(rename = "Description", default)]
    pub description: String,
}

/// The fields of a `UserProfileConfig` BackupBridge joins jobs with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UserSlim {
    #[serde(rename = "Username")]
    pub username: String,
    #[serde(rename = "AccountName", default)]
    pub account_name: String,
    #[serde(rename = "OrganizationID", default)]
    pub organization_id: String,
    #[serde(rename = "Devices", default)]
    pub devices: BTreeMap<String, Device>,
    #[serde(rename = "Sources", default)]
    pub sources: BTreeMap<String, ProtectedItem>,
    #[serde(rename = "Destinations", default)]
    pub destinations: BTreeMap<String, Vault>,
}

/// One tenant of `organization/list` (`{id: {"Name": ...}}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Tenant {
    #[serde(rename = "Name", default)]
    pub name: String,
}

/// The fields of a `BackupJobDetail` BackupBridge reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Job {
    #[serde(rename = "GUID")]
    pub guid: String,
    #[serde(rename = "Username")]
    pub username: String,
    #[serde(rename = "Classification")]
    pub classification: i64,
    #[serde(rename = "Status")]
    pub status: i64,
    #[serde(rename = "StartTime")]
    pub start_time: i64,
    #[serde(rename = "EndTime")]
    pub end_time: i64,
    #[serde(rename = "SourceGUID")]
    pub source_guid: String,
    #[serde(rename = "DestinationGUID")]
    pub destination_guid: String,
    #[serde(rename = "DeviceID")]
    pub device_id: String,
}

/// One line of `get-job-log-entries`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LogEntry {
    #[serde(rename = "Time", default)]
    pub time: i64,
    #[serde(rename = "Severity", default)]
    pub severity: String,
    #[serde(rename = "Message", default)]
    pub message: String,
}

/// `meta/version`'s answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Version {
    #[serde(rename = "Version", default)]
    pub version: String,
}

/// A job `Status` as the deriver sees it; `None` for a code outside the
/// documented ranges.
pub fn run_status(status: i64) -> Option<RunStatus> {
    Some(match status {
        5000..=5999 => RunStatus::Completed,
        6000..=6999 => RunStatus::Running,
        7001 => RunStatus::Warning,
        7004 => RunStatus::Overdue,
        7006 => RunStatus::NotTicketed,
        7000..=7999 => RunStatus::Failed,
        _ => return None,
    })
}

/// What a status code means, for a message when the log has no error line.
pub fn status_sentence(status: i64) -> String {
    let what = match status {
        7000 => "Timed out",
        7001 => "Completed with warnings",
        7002 => "Error",
        7003 => "Storage quota exceeded",
        7004 => "Missed its schedule",
        7005 => "Cancelled",
        7007 => "Abandoned",
        _ => "Error",
    };
    format!("{what} (Status {status})")
}

/// The backup type of a protected item's `Engine` (others kept as they come).
pub fn backup_type(engine: &str) -> String {
    match engine {
        "engine1/file" => "FileLevel",
        "engine1/windisk" => "ImageBased",
        "engine1/mssql" => "MSSQL",
        "engine1/exchangeedb" => "Exchange",
        "engine1/hyperv" => "HyperV",
        "engine1/vmware" => "VMware",
        "engine1/winmsofficemail" => "Microsoft365",
        "engine1/systemstate" => "SystemState",
        other => other,
    }
    .to_owned()
}

/// Unix seconds as RFC 3339 UTC (`2026-11-20T02:00:00Z`); `None` for 0,
/// a negative or an out-of-range value.
pub fn rfc3339(unix: i64) -> Option<String> {
    if unix <= 0 {
        return None;
    }
    chrono::DateTime::from_timestamp(unix, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The parts of a plan key: company id, user, device, protected item and
/// vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyParts {
    pub company: String,
    pub username: String,
    pub device: String,
    pub source: String,
    pub destination: String,
}

impl KeyParts {
    /// `<company id>/<Username>/<DeviceID>/<SourceGUID>/<DestinationGUID>`;
    /// a `/` or `%` inside a part is written `%2F` / `%25`, so the key
    /// reads back whatever the names hold.
    pub fn key(&self) -> String {
        [
            &self.company,
            &self.username,
            &self.device,
            &self.source,
            &self.destination,
        ]
        .iter()
        .map(|p| escape(p))
        .collect::<Vec<_>>()
        .join("/")
    }

    /// A key [`KeyParts::key`] wrote; `None` for anything else.
    pub fn parse(key: &str) -> Option<KeyParts> {
        let parts: Vec<String> = key.split('/').map(unescape).collect::<Option<_>>()?;
        match <[String; 5]>::try_from(parts) {
            Ok([company, username, device, source, destination]) => Some(KeyParts {
                company,
                username,
                device,
                source,
                destination,
            }),
            Err(_) => None,
        }
    }
}

fn escape(part: &str) -> String {
    part.replace('%', "%25").replace('/', "%2F")
}

fn unescape(part: &str) -> Option<String> {
    let mut out = String::with_capacity(part.len());
    let mut rest = part;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3)?;
        out.push(match code.to_ascii_uppercase().as_str() {
            "25" => '%',
            "2F" => '/',
            _ => return None,
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Some(out)
}
