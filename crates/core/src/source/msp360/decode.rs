//! Pure translation of MSP360's `/api/Companies` and `/api/Monitoring` items
//! into [`PlanRun`]s (`reference/sources.md` §1). Each item is read on its
//! own: a malformed one becomes a [`RejectedItem`] and the others still
//! count. `Status` and `PlanType` are accepted as the documented integer or
//! as their name; `LastStart` without an offset is taken as UTC.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use crate::model::BackupCompany;
use crate::source::decode::{CompanyList, RejectedItem};
use crate::source::platform::{Gone, Observation, PlanRun, RunStatus};

/// `Status` names, by their documented integer.
pub const STATUSES: [&str; 8] = [
    "Success",
    "Overdue",
    "Error",
    "Running",
    "Unknown",
    "Interrupted",
    "UnexpectedlyClosed",
    "Warning",
];

/// `PlanType` names, by their documented integer (`SQLResore` is the
/// vendor's spelling).
pub const PLAN_TYPES: [&str; 18] = [
    "NA",
    "Backup",
    "Restore",
    "BackupFiles",
    "RestoreFiles",
    "VMBackup",
    "VMRestore",
    "SQLBackup",
    "SQLResore",
    "ExchangeBackup",
    "ExchangeRestore",
    "BMSSBackup",
    "BMSSRestore",
    "ConsistencyCheck",
    "EC2Backup",
    "EC2Restore",
    "HyperVBackup",
    "HyperVRestore",
];

/// The prefix of a pseudo-company: a user without a company.
pub const USER_COMPANY_PREFIX: &str = "user:";

/// A field as text: a string, or a number given as its text.
fn text(item: &Map<String, Value>, field: &str) -> Option<String> {
    match item.get(field)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A value for a message: a string as it is, anything else as JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{}\"", crate::source::error::excerpt(s)),
        other => crate::source::error::excerpt(&other.to_string()),
    }
}

/// An index or a name (case-insensitive) of `names`.
fn named<'a>(value: &Value, names: &[&'a str]) -> Option<&'a str> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| names.get(i).copied()),
        Value::String(s) => {
            let s = s.trim();
            names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(s))
                .copied()
                .or_else(|| s.parse::<usize>().ok().and_then(|i| names.get(i).copied()))
        }
        _ => None,
    }
}

/// `Status` (integer or name): its name and what it means for a ticket.
pub fn status_of(value: Option<&Value>) -> Result<(&'static str, RunStatus), String> {
    let value = value.ok_or("Status is missing")?;
    let name = named(value, &STATUSES)
        .ok_or_else(|| format!("Status {} is not a known MSP360 status", shown(value)))?;
    let status = match name {
        "Success" => RunStatus::Completed,
        "Overdue" => RunStatus::Overdue,
        "Error" | "Interrupted" | "UnexpectedlyClosed" => RunStatus::Failed,
        "Running" => RunStatus::Running,
        "Warning" => RunStatus::Warning,
        _ => RunStatus::Unknown,
    };
    Ok((name, status))
}

/// `PlanType` (integer or name): the backup type and whether its runs may
/// become tickets (restores, consistency checks and `NA` never do). A name
/// not in the table is kept as it came.
pub fn plan_type_of(value: Option<&Value>) -> Result<(String, bool), String> {
    let value = value.ok_or("PlanType is missing")?;
    let name = match (named(value, &PLAN_TYPES), value) {
        (Some(name), _) => name.to_owned(),
        (None, Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => {
            return Err(format!(
                "PlanType {} is not a known MSP360 plan type",
                shown(value)
            ))
        }
    };
    let backup_type = match name.as_str() {
        "BackupFiles" | "Backup" => "FileLevel",
        "BMSSBackup" => "ImageBased",
        "SQLBackup" => "MSSQL",
        "ExchangeBackup" => "Exchange",
        "VMBackup" => "VMware",
        "HyperVBackup" => "HyperV",
        other => other,
    }
    .to_owned();
    let lower = name.to_ascii_lowercase();
    let ticketed = !(lower.contains("restore")
        || lower.contains("resore")
        || lower == "consistencycheck"
        || lower == "na");
    Ok((backup_type, ticketed))
}

/// A date-time field as RFC 3339 UTC (`…Z`): without an offset it is taken
/// as UTC; with one it is converted. Null or absent is `None`.
pub fn timestamp(value: Option<&Value>, field: &str) -> Result<Option<String>, String> {
    let text = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim(),
        Some(other) => return Err(format!("{field} {} is not a date-time", shown(other))),
    };
    let utc = if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        t.with_timezone(&Utc)
    } else if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        t.and_utc()
    } else {
        return Err(format!(
            "{field} \"{}\" is not a date-time",
            crate::source::error::excerpt(text)
        ));
    };
    Ok(Some(utc.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
}

/// `/api/Companies` items as companies; malformed and repeated ones are
/// rejected (the first of a repeated `ID` is kept).
pub fn companies(items: &[Value]) -> CompanyList {
    let mut list = CompanyList::default();
    let mut seen = HashSet::new();
    for (position, item) in items.iter().enumerate() {
        let Some(object) = item.as_object() else {
            list.rejected.push(RejectedItem {
                position,
                id: None,
                reason: "the item is not a JSON object".to_owned(),
            });
            continue;
        };
        let id = text(object, "ID");
        let name = object.get("Name").and_then(Value::as_str).map(str::trim);
        let reason = match (&id, name) {
            (None, _) => Some("ID is missing or not a string".to_owned()),
            (_, None) | (_, Some("")) => Some("Name is missing or not a string".to_owned()),
            (Some(id), _) if !seen.insert(id.clone()) => {
                Some(format!("ID \"{id}\" appears twice; the first is kept"))
            }
            _ => None,
        };
        match (reason, id, name) {
            (None, Some(id), Some(name)) => list.companies.push(BackupCompany {
                id,
                name: name.to_owned(),
            }),
            (reason, id, _) => list.rejected.push(RejectedItem {
                position,
                id,
                reason: reason.unwrap_or_default(),
            }),
        }
    }
    list
}

/// `CompanyName` of a row; an empty one counts as none.
fn company_name(row: &Map<String, Value>) -> Option<&str> {
    row.get("CompanyName")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// One pseudo-company `user:<UserID>` ("<UserName> (no company)") for each
/// user whose monitoring rows have no company, in the order first seen.
pub fn user_companies(rows: &[Value]) -> Vec<BackupCompany> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in rows.iter().filter_map(Value::as_object) {
        if company_name(row).is_some() {
            continue;
        }
        let Some(user_id) = text(row, "UserID") else {
            continue;
        };
        if seen.insert(user_id.clone()) {
            let user = text(row, "UserName").unwrap_or_else(|| user_id.clone());
            out.push(BackupCompany {
                id: format!("{USER_COMPANY_PREFIX}{user_id}"),
                name: format!("{user} (no company)"),
            });
        }
    }
    out
}

/// The company id a row belongs to: the `ID` whose `Name` equals
/// `CompanyName` (exactly, else ignoring case), `user:<UserID>` without a
/// company.
fn company_of(row: &Map<String, Value>, companies: &[BackupCompany]) -> Result<String, String> {
    match company_name(row) {
        None => text(row, "UserID")
            .map(|u| format!("{USER_COMPANY_PREFIX}{u}"))
            .ok_or_else(|| "CompanyName is null and UserID is missing".to_owned()),
        Some(name) => companies
            .iter()
            .find(|c| c.name == name)
            .or_else(|| companies.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
            .map(|c| c.id.clone())
            .ok_or_else(|| {
                format!(
                    "company \"{}\" is not in /api/Companies; run companies refresh",
                    crate::source::error::excerpt(name)
                )
            }),
    }
}

/// The key of a row: `<company id>/<ComputerName>/<PlanId>` (the
/// `PlanName` when there is no `PlanId`), with the company id and plan name.
fn key_of(
    row: &Map<String, Value>,
    companies: &[BackupCompany],
) -> Result<(String, String, String, String), String> {
    let company = company_of(row, companies)?;
    let computer = text(row, "ComputerName").ok_or("ComputerName is missing or not a string")?;
    let plan_name = text(row, "PlanName");
    let plan_id = text(row, "PlanId");
    let (plan_key, plan) = match (plan_id, plan_name) {
        (Some(id), Some(name)) => (id, name),
        (Some(id), None) => (id.clone(), id),
        (None, Some(name)) => (name.clone(), name),
        (None, None) => return Err("both PlanId and PlanName are missing".to_owned()),
    };
    let key = format!("{company}/{computer}/{plan_key}");
    Ok((key, company, computer, plan))
}

/// The rest of a row, once its key is known.
fn run_of(
    row: &Map<String, Value>,
    key: String,
    company_id: String,
    computer: String,
    plan: String,
) -> Result<PlanRun, String> {
    let (status_name, status) = status_of(row.get("Status"))?;
    let (backup_type, ticketed) = plan_type_of(row.get("PlanType"))?;
    let started_at = timestamp(row.get("LastStart"), "LastStart")?;
    let status = if ticketed {
        status
    } else {
        RunStatus::NotTicketed
    };
    let error = row
        .get("ErrorMessage")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let message = match error {
        Some(m) => m.to_owned(),
        None if status.event_fields().is_some() => {
            let failed = row.get("FilesFailed").and_then(Value::as_i64).unwrap_or(0);
            format!("{status_name}: {failed} files failed")
        }
        None => String::new(),
    };
    let mut description = Vec::new();
    if let Some(link) = text(row, "DetailedReportLink") {
        description.push(("Report".to_owned(), link));
    }
    if let Some(storage) = text(row, "StorageType") {
        description.push(("Storage".to_owned(), storage));
    }
    Ok(PlanRun {
        key,
        company_id,
        computer,
        plan,
        backup_type,
        status,
        started_at,
        updated_at: None,
        message,
        error_lines: Vec::new(),
        description,
    })
}

/// One look at `/api/Monitoring`: each row as a run, the `known` keys no
/// longer listed, and the rows that could not be read. A rejected row whose
/// key could be built still counts as listed; one whose key could not makes
/// the listing undecided.
pub fn observation(
    companies: &[BackupCompany],
    rows: &[Value],
    known: &BTreeSet<String>,
) -> Observation {
    let mut out = Observation::default();
    let mut present = BTreeSet::new();
    for (position, row) in rows.iter().enumerate() {
        let Some(object) = row.as_object() else {
            out.gone.undecided = true;
            out.rejected.push(RejectedItem {
                position,
                id: None,
                reason: "the item is not a JSON object".to_owned(),
            });
            continue;
        };
        let (key, company, computer, plan) = match key_of(object, companies) {
            Ok(parts) => parts,
            Err(reason) => {
                out.gone.undecided = true;
                out.rejected.push(RejectedItem {
                    position,
                    id: text(object, "PlanId"),
                    reason,
                });
                continue;
            }
        };
        present.insert(key.clone());
        match run_of(object, key.clone(), company, computer, plan) {
            Ok(run) => out.runs.push(run),
            Err(reason) => out.rejected.push(RejectedItem {
                position,
                id: Some(key),
                reason,
            }),
        }
    }
    out.gone = Gone {
        keys: known.difference(&present).cloned().collect(),
        undecided: out.gone.undecided,
    };
    out
}
