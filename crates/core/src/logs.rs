//! Where BackupBridge logs go, shared by the desktop app and the CLI so both
//! write the same files: `<data dir>/logs/backup-bridge.YYYY-MM-DD.log`, one
//! per day, [`LOG_FILES_KEPT`] kept. The tracing subscriber itself is set up at
//! the edges (each binary picks its own filters and console output); this
//! module owns the folder, the naming, the retention and reading the tail
//! back for the Logs screen and diagnostics.

use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};

/// Name of the log folder inside the data folder.
pub const LOG_DIR_NAME: &str = "logs";
/// Log files are named `backup-bridge.YYYY-MM-DD.log`.
pub const LOG_FILE_PREFIX: &str = "backup-bridge";
/// Suffix of the log files.
pub const LOG_FILE_SUFFIX: &str = "log";
/// How many daily files are kept before the oldest is deleted.
pub const LOG_FILES_KEPT: usize = 14;
/// Environment variable overriding the log filter (`tracing` directives).
pub const LOG_FILTER_ENV: &str = "BB_LOG";

/// The log folder for a data folder.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(LOG_DIR_NAME)
}

/// The daily-rotated log writer for `data_dir`, creating the log folder.
pub fn file_appender(data_dir: &Path) -> io::Result<RollingFileAppender> {
    let dir = log_dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix(LOG_FILE_SUFFIX)
        .max_log_files(LOG_FILES_KEPT)
        .build(&dir)
        .map_err(io::Error::other)
}

/// The log files in `data_dir`'s log folder, oldest first. The date in the
/// name sorts the same way as time.
pub fn log_files(data_dir: &Path) -> io::Result<Vec<PathBuf>> {
    let dir = log_dir(data_dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let prefix = format!("{LOG_FILE_PREFIX}.");
    let suffix = format!(".{LOG_FILE_SUFFIX}");
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(&suffix)
        })
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

/// The last `lines` lines written to the log, across day boundaries (newest
/// last). Empty when nothing was logged yet. Bytes that are not UTF-8 are
/// replaced rather than failing the whole read.
pub fn log_tail(data_dir: &Path, lines: usize) -> io::Result<String> {
    let mut tail: Vec<String> = Vec::new();
    for path in log_files(data_dir)?.iter().rev() {
        if tail.len() >= lines {
            break;
        }
        let file = std::fs::File::open(path)?;
        let mut day: Vec<String> = BufReader::new(file)
            .split(b'\n')
            .map(|line| line.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
            .collect::<io::Result<_>>()?;
        let keep = lines - tail.len();
        if day.len() > keep {
            day.drain(..day.len() - keep);
        }
        day.append(&mut tail);
        tail = day;
    }
    let mut text = tail.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn write_log(dir: &Path, name: &str, lines: &[&str]) {
        let folder = log_dir(dir);
        std::fs::create_dir_all(&folder).unwrap();
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::write(folder.join(name), text).unwrap();
    }

    #[test]
    fn appender_writes_a_dated_file_in_the_log_folder() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("nested");
        let mut appender = file_appender(&data).unwrap();
        appender.write_all(b"hello\n").unwrap();
        appender.flush().unwrap();
        let files = log_files(&data).unwrap();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("backup-bridge."), "{name}");
        assert!(name.ends_with(".log"), "{name}");
        assert_eq!(name.len(), "backup-bridge.2024-01-01.log".len(), "{name}");
        assert_eq!(log_tail(&data, 10).unwrap(), "hello\n");
    }

    #[test]
    fn appender_reports_an_unusable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"not a folder").unwrap();
        assert!(file_appender(&blocker).is_err());
    }

    #[test]
    fn tail_spans_days_and_ignores_other_files() {
        let dir = tempfile::tempdir().unwrap();
        write_log(
            dir.path(),
            "backup-bridge.2026-11-19.log",
            &["a1", "a2", "a3"],
        );
        write_log(dir.path(), "backup-bridge.2026-11-20.log", &["b1", "b2"]);
        // The old CLI naming and stray files are not ours.
        write_log(dir.path(), "backup-bridge.log.2026-11-21", &["old"]);
        write_log(dir.path(), "notes.txt", &["x"]);
        let cases = [
            (0, ""),
            (1, "b2\n"),
            (2, "b1\nb2\n"),
            (3, "a3\nb1\nb2\n"),
            (5, "a1\na2\na3\nb1\nb2\n"),
            (50, "a1\na2\na3\nb1\nb2\n"),
        ];
        for (lines, expected) in cases {
            assert_eq!(log_tail(dir.path(), lines).unwrap(), expected, "{lines}");
        }
    }

    #[test]
    fn tail_of_a_missing_folder_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(log_tail(&dir.path().join("none"), 10).unwrap(), "");
        assert!(log_files(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn tail_survives_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let folder = log_dir(dir.path());
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("backup-bridge.2026-11-20.log"),
            b"ok\n\xffbad\n",
        )
        .unwrap();
        assert_eq!(log_tail(dir.path(), 2).unwrap(), "ok\n\u{fffd}bad\n");
    }
}
