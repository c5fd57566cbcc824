//! Tauri commands: the UI's only way into the shell. Each takes state, asks
//! once, and returns a DTO or a `{kind, message}` error.

use tauri::{AppHandle, Runtime, State};

use crate::error::Result;
use crate::models::{AppInfo, AppStatus};
use crate::state::{AppPaths, AppState};

/// Name, version, status and folders of the running app.
#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<AppInfo> {
    let package = app.package_info();
    Ok(describe(
        &package.name,
        &package.version.to_string(),
        &state.paths,
    ))
}

/// Builds the [`AppInfo`] the UI shows. There is no sync engine in this build,
/// so there is nothing to configure yet and the status says so.
pub fn describe(name: &str, version: &str, paths: &AppPaths) -> AppInfo {
    AppInfo {
        name: name.to_owned(),
        version: version.to_owned(),
        status: AppStatus::NotConfigured,
        data_dir: paths.data_dir.display().to_string(),
        log_dir: paths.log_dir.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn describes_name_version_status_and_folders() {
        let paths = AppPaths::new(PathBuf::from("/data/BackupBridge"));
        let info = describe("BackupBridge", "1.2.3", &paths);
        assert_eq!(info.name, "BackupBridge");
        assert_eq!(info.version, "1.2.3");
        assert_eq!(info.status, AppStatus::NotConfigured);
        assert_eq!(info.data_dir, "/data/BackupBridge");
        assert_eq!(
            PathBuf::from(&info.log_dir),
            PathBuf::from("/data/BackupBridge").join("logs")
        );
    }
}
