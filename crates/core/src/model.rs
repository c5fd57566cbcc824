//! The product's vocabulary: monitoring events from the Cloud Backup Dashboard,
//! dashboard companies, and the type filters that decide what becomes a ticket.
//!
//! Event and backup types are kept as the strings the dashboard sent: unknown
//! values are shown and filterable, never rejected.

use serde::{Deserialize, Serialize};

/// Event type that marks an anomaly detection (ticketed whatever the job status,
/// never closed on job completion).
pub const EVENT_TYPE_ANOMALY: &str = "BackupAnomaly";
/// Job status meaning the backup job has since succeeded.
pub const JOB_STATUS_COMPLETED: &str = "Completed";

/// Event types the dashboard documents, in display order.
pub const KNOWN_EVENT_TYPES: &[&str] = &["Error", "Warning", "BackupAnomaly"];
/// Backup types the dashboard documents, in display order.
pub const KNOWN_BACKUP_TYPES: &[&str] = &[
    "FileLevel",
    "ImageBased",
    "SystemState",
    "MSSQL",
    "Exchange",
    "HyperV",
    "VMware",
    "Microsoft365",
];

/// A company as the Cloud Backup Dashboard knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCompany {
    pub id: String,
    pub name: String,
}

/// One entry of an event's append-only `details` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetail {
    pub id: String,
    /// `FileLevelErrorDetails`, `BackupAnomalyDetails`, or another kind kept as-is.
    pub kind: String,
    /// RFC 3339 time the detail was recorded, as sent.
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default)]
    pub text: String,
}

/// A monitoring event: one backup job's incident, stable `id` for its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringEvent {
    pub id: String,
    pub company_id: String,
    #[serde(default)]
    pub computer: String,
    #[serde(default)]
    pub plan: String,
    pub backup_type: String,
    pub event_type: String,
    pub job_status: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub details: Vec<EventDetail>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Further labelled lines for the ticket's description (a platform's
    /// report link); not part of the Dashboard contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
}

impl MonitoringEvent {
    /// True when the event is an anomaly detection.
    pub fn is_anomaly(&self) -> bool {
        self.event_type == EVENT_TYPE_ANOMALY
    }

    /// True when the job has since succeeded.
    pub fn is_completed(&self) -> bool {
        self.job_status == JOB_STATUS_COMPLETED
    }
}

/// A type filter: everything, or an explicit set of names (case-sensitive, as
/// the dashboard sends them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TypeFilter {
    All,
    Only(Vec<String>),
}

impl TypeFilter {
    /// Parse the settings form: `all` or a comma list. Blank entries are dropped.
    pub fn parse(text: &str) -> TypeFilter {
        let trimmed = text.trim();
        if trimmed.eq_ignore_ascii_case("all") {
            return TypeFilter::All;
        }
        TypeFilter::Only(
            trimmed
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// True when `value` passes the filter.
    pub fn allows(&self, value: &str) -> bool {
        match self {
            TypeFilter::All => true,
            TypeFilter::Only(list) => list.iter().any(|v| v == value),
        }
    }
}

impl std::fmt::Display for TypeFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeFilter::All => f.write_str("all"),
            TypeFilter::Only(list) => f.write_str(&list.join(",")),
        }
    }
}

/// A per-company setting: inherit the global default, or an explicit override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Override<T> {
    Default,
    Explicit(T),
}

impl<T: Clone> Override<T> {
    /// The effective value given the global default.
    pub fn resolve(&self, default: &T) -> T {
        match self {
            Override::Default => default.clone(),
            Override::Explicit(v) => v.clone(),
        }
    }
}

/// The word that means "inherit the global setting" wherever a per-company
/// override is typed (CLI options, the Companies screen).
pub const DEFAULT_WORD: &str = "default";

fn is_default_word(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case(DEFAULT_WORD)
}

impl Override<TypeFilter> {
    /// `default`, or a type filter (`all` or a comma list).
    pub fn parse_types(text: &str) -> Self {
        if is_default_word(text) {
            Override::Default
        } else {
            Override::Explicit(TypeFilter::parse(text))
        }
    }
}

impl Override<String> {
    /// `default`, or condition text (empty = no agreement for this company).
    pub fn parse_condition(text: &str) -> Self {
        if is_default_word(text) {
            Override::Default
        } else {
            Override::Explicit(text.trim().to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_filter_parses_all_and_lists() {
        assert_eq!(TypeFilter::parse(" ALL "), TypeFilter::All);
        let f = TypeFilter::parse("Error, Warning,,");
        assert_eq!(
            f,
            TypeFilter::Only(vec!["Error".to_owned(), "Warning".to_owned()])
        );
        assert!(f.allows("Error"));
        assert!(!f.allows("BackupAnomaly"));
        assert!(!f.allows("error"));
        assert_eq!(f.to_string(), "Error,Warning");
    }

    #[test]
    fn override_words() {
        assert_eq!(Override::parse_types(" Default "), Override::Default);
        assert_eq!(
            Override::parse_types("all"),
            Override::Explicit(TypeFilter::All)
        );
        assert_eq!(
            Override::parse_types("Error"),
            Override::Explicit(TypeFilter::Only(vec!["Error".to_owned()]))
        );
        assert_eq!(Override::parse_condition("DEFAULT"), Override::Default);
        // Empty is an explicit "no agreement", not "default".
        assert_eq!(
            Override::parse_condition(" "),
            Override::Explicit(String::new())
        );
        assert_eq!(
            Override::parse_condition(" name like \"%ICB\" "),
            Override::Explicit("name like \"%ICB\"".to_owned())
        );
    }

    #[test]
    fn event_deserialises_unknown_types_as_is() {
        let e: MonitoringEvent = serde_json::from_value(serde_json::json!({
            "id": "evt-1", "companyId": "c-1", "computer": "PC", "plan": "P",
            "backupType": "Tape", "eventType": "Info", "jobStatus": "Paused",
            "message": "m", "details": [], "startedAt": null, "updatedAt": "2026-11-20T02:14:10Z"
        }))
        .unwrap();
        assert_eq!(e.backup_type, "Tape");
        assert_eq!(e.event_type, "Info");
        assert!(!e.is_anomaly());
        assert!(!e.is_completed());
    }
}
