//! Data the shell hands to the UI. Field names are camelCase on the wire to
//! match `ui/src/api.ts`.

use serde::Serialize;

/// Where the app stands. The sync engine is not part of this build yet, so the
/// only honest answer today is "not configured"; states are added as the
/// engine lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    /// No connection is configured, and this build has no sync engine to configure.
    NotConfigured,
}

/// Identity and whereabouts of the running app, shown on the first screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Product name, "BackupBridge".
    pub name: String,
    /// Semantic version of this build.
    pub version: String,
    /// Current status of the app.
    pub status: AppStatus,
    /// Folder holding the app's data (settings database, logs).
    pub data_dir: String,
    /// Folder holding the rotating log files.
    pub log_dir: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_wire_format_matches_the_ui() {
        let info = AppInfo {
            name: "BackupBridge".into(),
            version: "0.1.0".into(),
            status: AppStatus::NotConfigured,
            data_dir: "/data".into(),
            log_dir: "/data/logs".into(),
        };
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "BackupBridge",
                "version": "0.1.0",
                "status": "not_configured",
                "dataDir": "/data",
                "logDir": "/data/logs",
            })
        );
    }
}
