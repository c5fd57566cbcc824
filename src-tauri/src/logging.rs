//! Logging: `tracing` events go to a daily-rotated file in the app's data
//! folder (kept for [`LOG_FILES_KEPT`] days) and to stderr.

use std::path::Path;

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::error::{Error, Result};

/// Log files are named `backup-bridge.YYYY-MM-DD.log`.
pub const LOG_FILE_PREFIX: &str = "backup-bridge";
/// Suffix of the log files.
pub const LOG_FILE_SUFFIX: &str = "log";
/// How many daily files are kept before the oldest is deleted.
pub const LOG_FILES_KEPT: usize = 14;
/// Environment variable overriding the log filter (`tracing` directives).
pub const LOG_FILTER_ENV: &str = "BB_LOG";
/// Filter used when [`LOG_FILTER_ENV`] is not set.
pub const DEFAULT_LOG_FILTER: &str = "info";

/// The rotating file writer for `log_dir`, created if missing.
pub fn file_appender(log_dir: &Path) -> Result<RollingFileAppender> {
    std::fs::create_dir_all(log_dir)?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix(LOG_FILE_SUFFIX)
        .max_log_files(LOG_FILES_KEPT)
        .build(log_dir)
        .map_err(|error| Error::Logging(error.to_string()))
}

/// Installs the global subscriber. Writes are synchronous (a desktop app logs
/// little) so nothing is lost when the app exits from the tray.
pub fn init(log_dir: &Path) -> Result<()> {
    let filter = EnvFilter::try_from_env(LOG_FILTER_ENV)
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let file = fmt::layer()
        .with_ansi(false)
        .with_writer(file_appender(log_dir)?);
    let console = fmt::layer().with_writer(std::io::stderr);
    tracing_subscriber::registry()
        .with(filter)
        .with(file)
        .with(console)
        .try_init()
        .map_err(|error| Error::Logging(error.to_string()))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn appender_writes_a_dated_file_in_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let log_dir = dir.path().join("nested").join("logs");
        let mut appender = file_appender(&log_dir).unwrap();
        appender.write_all(b"hello\n").unwrap();
        appender.flush().unwrap();

        let names: Vec<String> = std::fs::read_dir(&log_dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let name = &names[0];
        // backup-bridge.YYYY-MM-DD.log
        assert!(name.starts_with("backup-bridge."), "{name}");
        assert!(name.ends_with(".log"), "{name}");
        assert_eq!(name.len(), "backup-bridge.2024-01-01.log".len(), "{name}");
        let text = std::fs::read_to_string(log_dir.join(name)).unwrap();
        assert_eq!(text, "hello\n");
    }

    #[test]
    fn appender_reports_an_unusable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"not a folder").unwrap();
        assert!(file_appender(&blocker.join("logs")).is_err());
    }
}
