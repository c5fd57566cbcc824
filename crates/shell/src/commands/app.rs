//! Commands about the app itself: identity and mode, the sync status, sync
//! now / pause, and switching demo mode on and off.

use bridge_core::scheduler::Status;

use crate::error::Result;
use crate::models::{AppInfo, ErrorInfo};
use crate::state::{AppPaths, AppState, BackendInfo};

/// Name, version, folders, demo flag and configuration state.
pub async fn app_info(state: &AppState) -> Result<AppInfo> {
    let backend = state.info().await?;
    Ok(describe(
        crate::APP_NAME,
        crate::VERSION,
        &state.paths,
        backend,
    ))
}

/// Builds the [`AppInfo`] the UI shows.
pub fn describe(name: &str, version: &str, paths: &AppPaths, backend: BackendInfo) -> AppInfo {
    AppInfo {
        name: name.to_owned(),
        version: version.to_owned(),
        data_dir: paths.data_dir.display().to_string(),
        log_dir: paths.log_dir.display().to_string(),
        demo: backend.demo,
        configured: backend.error.is_none() && backend.missing.is_empty(),
        missing: backend.missing,
        error: backend.error.map(|(kind, message)| ErrorInfo {
            kind: kind.to_owned(),
            message,
        }),
    }
}

/// The scheduler's status.
pub async fn get_status(state: &AppState) -> Result<Status> {
    state.status().await
}

/// Runs a sync cycle now.
pub async fn sync_now(state: &AppState) -> Result<()> {
    state.sync_now().await
}

/// Pauses (`true`) or resumes (`false`) the background sync.
pub async fn set_paused(state: &AppState, paused: bool) -> Result<()> {
    state.set_paused(paused).await
}

/// Switches to demo mode: the built-in simulators and a fresh demo database.
pub async fn start_demo(state: &AppState) -> Result<AppInfo> {
    state.switch(true).await?;
    app_info(state).await
}

/// Leaves demo mode and returns to the user's own database.
pub async fn stop_demo(state: &AppState) -> Result<AppInfo> {
    state.switch(false).await?;
    app_info(state).await
}

/// Repairs a damaged database (the damaged file is kept aside) and starts
/// syncing again; returns what was kept, one sentence per line.
pub async fn recover_database(state: &AppState) -> Result<Vec<String>> {
    state.recover_database().await
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn describes_mode_configuration_and_folders() {
        let paths = AppPaths::new(PathBuf::from("/data/BackupBridge"));
        let cases = [
            (
                BackendInfo {
                    demo: false,
                    missing: vec!["cw.site".into(), "ticket.board".into()],
                    error: None,
                },
                false,
                false,
            ),
            (
                BackendInfo {
                    demo: true,
                    missing: Vec::new(),
                    error: None,
                },
                true,
                true,
            ),
            (
                BackendInfo {
                    demo: false,
                    missing: Vec::new(),
                    error: Some(("damaged", "the database is damaged".into())),
                },
                false,
                false,
            ),
        ];
        for (backend, demo, configured) in cases {
            let expected_missing = backend.missing.clone();
            let expected_error = backend.error.clone();
            let info = describe("BackupBridge", "1.2.3", &paths, backend);
            assert_eq!(info.name, "BackupBridge");
            assert_eq!(info.version, "1.2.3");
            assert_eq!(info.demo, demo);
            assert_eq!(info.configured, configured);
            assert_eq!(info.missing, expected_missing);
            assert_eq!(
                info.error.map(|e| (e.kind, e.message)),
                expected_error.map(|(k, m)| (k.to_owned(), m))
            );
            assert_eq!(info.data_dir, "/data/BackupBridge");
            assert_eq!(
                PathBuf::from(&info.log_dir),
                PathBuf::from("/data/BackupBridge").join("logs")
            );
        }
    }
}
