//! The one piece of managed state the shell owns.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::notify::Notifier;

/// Folders the app writes to, resolved once at start-up from the OS conventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// The app's data folder, shared with the CLI
    /// (`bridge_core::store::default_data_dir()`).
    pub data_dir: PathBuf,
    /// Rotating log files, inside the data folder.
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// Name of the log folder inside the data folder.
    pub const LOG_DIR_NAME: &'static str = "logs";

    /// Paths for a given data folder.
    pub fn new(data_dir: PathBuf) -> Self {
        let log_dir = data_dir.join(Self::LOG_DIR_NAME);
        Self { data_dir, log_dir }
    }
}

/// State shared by commands, the tray and window handlers.
pub struct AppState {
    /// Where data and logs live.
    pub paths: AppPaths,
    /// How the shell tells the user something while the window may be hidden.
    pub notifier: Arc<dyn Notifier>,
    /// Set once the user has been told that closing the window keeps the app
    /// running in the tray, so the hint is shown once per run, not per close.
    tray_hint_shown: AtomicBool,
}

impl AppState {
    /// State for the given paths and notifier.
    pub fn new(paths: AppPaths, notifier: Arc<dyn Notifier>) -> Self {
        Self {
            paths,
            notifier,
            tray_hint_shown: AtomicBool::new(false),
        }
    }

    /// Returns `true` exactly once: the first time the window is closed to the tray.
    pub fn take_tray_hint(&self) -> bool {
        !self.tray_hint_shown.swap(true, Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::tests::RecordingNotifier;

    #[test]
    fn log_dir_is_inside_data_dir() {
        let paths = AppPaths::new(PathBuf::from("/home/u/.local/share/BackupBridge"));
        assert_eq!(
            paths.log_dir,
            PathBuf::from("/home/u/.local/share/BackupBridge/logs")
        );
    }

    #[test]
    fn tray_hint_is_given_once() {
        let state = AppState::new(
            AppPaths::new(PathBuf::from("/d")),
            Arc::new(RecordingNotifier::default()),
        );
        assert!(state.take_tray_hint());
        assert!(!state.take_tray_hint());
        assert!(!state.take_tray_hint());
    }
}
