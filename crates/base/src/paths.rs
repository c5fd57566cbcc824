//! Where BackupBridge keeps its data: one folder per user, shared by the
//! desktop app's processes and the CLI (database, logs, the tray process's
//! lock and address).

use std::path::PathBuf;

/// Folder name under the OS data directory.
pub const APP_DIR_NAME: &str = "BackupBridge";

/// The data directory for this OS: `~/.local/share/BackupBridge` on Linux,
/// `~/Library/Application Support/BackupBridge` on macOS and
/// `%APPDATA%\BackupBridge` on Windows. Falls back to `./BackupBridge` when
/// the OS reports no data directory (no home directory at all).
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_DIR_NAME)
}
