//! Data the shell hands to the UI, or takes from it, where no core type fits
//! as it is. Core DTOs (ConnectionView, CompanyView, TicketRow, Status, ...)
//! cross unchanged. Their TypeScript is generated (`commands/bindings.rs`).

use std::collections::BTreeMap;

use bridge_core::model::Override;
use bridge_core::ops::MapRequest;
use bridge_core::store::snoozes::Snooze;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error as the UI sees it, when it is data rather than a failed call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ErrorInfo {
    /// Machine-readable kind (`database`, `demo`, ...).
    pub kind: String,
    /// One sentence saying what is wrong and what to do.
    pub message: String,
}

/// Identity, mode and whereabouts of the running app (`app_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    /// Product name, "BackupBridge".
    pub name: String,
    /// Semantic version of this build.
    pub version: String,
    /// Folder holding the app's data (databases, logs).
    pub data_dir: String,
    /// Folder holding the rotating log files.
    pub log_dir: String,
    /// Demo mode: the built-in simulators, a separate database, secrets in memory.
    pub demo: bool,
    /// Every setting a sync needs is set (and the database opened).
    pub configured: bool,
    /// Setting keys still needed before a sync can run.
    pub missing: Vec<String>,
    /// Why the sync backend could not start (e.g. a damaged database).
    pub error: Option<ErrorInfo>,
}

/// Where a conditions text is wrong (`validate_condition`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConditionProblem {
    /// 1-based column, in characters.
    pub column: usize,
    /// The sentence describing the problem (it names the column).
    pub message: String,
}

impl From<bridge_core::conditions::ConditionError> for ConditionProblem {
    fn from(error: bridge_core::conditions::ConditionError) -> Self {
        Self {
            column: error.column,
            message: error.message,
        }
    }
}

/// The Companies screen's mapping request. Each optional field: absent keeps
/// the current value, `"default"` inherits the global setting, anything else
/// is the value (`all` or a comma list for types; condition text, empty for
/// "no agreement").
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
// Absent and `null` read the same; the UI leaves the key out.
#[ts(optional_fields)]
pub struct MapCompanyInput {
    /// The Dashboard company's id.
    pub backup_company_id: String,
    /// The ConnectWise Company ID typed by the user (e.g. `AcmeDental`).
    pub cw_identifier: String,
    /// Event types override.
    pub event_types: Option<String>,
    /// Backup types override.
    pub backup_types: Option<String>,
    /// Agreement condition override.
    pub agreement_condition: Option<String>,
}

impl From<MapCompanyInput> for MapRequest {
    fn from(input: MapCompanyInput) -> Self {
        MapRequest {
            backup_company_id: input.backup_company_id,
            cw_identifier: input.cw_identifier,
            event_types: input.event_types.as_deref().map(Override::parse_types),
            backup_types: input.backup_types.as_deref().map(Override::parse_types),
            agreement_condition: input
                .agreement_condition
                .as_deref()
                .map(Override::parse_condition),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bridge_core::model::TypeFilter;

    #[test]
    fn app_info_wire_format_matches_the_contract() {
        let info = AppInfo {
            name: "BackupBridge".into(),
            version: "0.1.0".into(),
            data_dir: "/data".into(),
            log_dir: "/data/logs".into(),
            demo: true,
            configured: false,
            missing: vec!["cw.site".into()],
            error: Some(ErrorInfo {
                kind: "damaged".into(),
                message: "the database is damaged".into(),
            }),
        };
        assert_eq!(
            serde_json::to_value(&info).unwrap(),
            serde_json::json!({
                "name": "BackupBridge",
                "version": "0.1.0",
                "data_dir": "/data",
                "log_dir": "/data/logs",
                "demo": true,
                "configured": false,
                "missing": ["cw.site"],
                "error": {"kind": "damaged", "message": "the database is damaged"},
            })
        );
    }

    #[test]
    fn map_input_reads_default_values_and_absent_fields() {
        let cases = [
            (
                serde_json::json!({"backupCompanyId": "c-1", "cwIdentifier": "Acme"}),
                None,
                None,
                None,
            ),
            (
                serde_json::json!({
                    "backupCompanyId": "c-1", "cwIdentifier": "Acme",
                    "eventTypes": " Default ", "backupTypes": "DEFAULT", "agreementCondition": "default",
                }),
                Some(Override::Default),
                Some(Override::Default),
                Some(Override::Default),
            ),
            (
                serde_json::json!({
                    "backupCompanyId": "c-1", "cwIdentifier": "Acme",
                    "eventTypes": "Error, Warning", "backupTypes": "all",
                    "agreementCondition": " name like \"%ICB\" ",
                }),
                Some(Override::Explicit(TypeFilter::Only(vec![
                    "Error".into(),
                    "Warning".into(),
                ]))),
                Some(Override::Explicit(TypeFilter::All)),
                Some(Override::Explicit("name like \"%ICB\"".into())),
            ),
            // An empty condition is an explicit "no agreement", not "default".
            (
                serde_json::json!({
                    "backupCompanyId": "c-1", "cwIdentifier": "Acme", "agreementCondition": "",
                }),
                None,
                None,
                Some(Override::Explicit(String::new())),
            ),
        ];
        for (json, events, backups, condition) in cases {
            let input: MapCompanyInput = serde_json::from_value(json.clone()).unwrap();
            let req = MapRequest::from(input);
            assert_eq!(req.backup_company_id, "c-1");
            assert_eq!(req.cw_identifier, "Acme");
            assert_eq!(req.event_types, events, "{json}");
            assert_eq!(req.backup_types, backups, "{json}");
            assert_eq!(req.agreement_condition, condition, "{json}");
        }
    }
}

/// The kept snoozes (`list_snoozes`), split by core's own test of what is
/// still holding events back at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SnoozeList {
    /// When the list was read (UTC, RFC 3339, like the snoozes' times).
    pub now: String,
    /// Snoozes holding events back now, soonest end first.
    pub active: Vec<Snooze>,
    /// Snoozes that ended or were ended early, kept 30 days, latest first.
    pub ended: Vec<Snooze>,
    /// The names of the companies these snoozes name by id.
    pub names: BTreeMap<String, String>,
}
