//! Where BackupBridge logs go, shared by the desktop app and the CLI so both
//! write the same files: `<data dir>/logs/backup-bridge.YYYY-MM-DD.log`, one
//! per day, [`LOG_FILES_KEPT`] kept. The tracing subscriber itself is set up at
//! the edges (each binary picks its own filters and console output); this
//! module owns the folder, the naming, the retention and reading the tail
//! back for the Logs screen and diagnostics. The folder and its files are
//! readable by the user only ([`crate::private`]), and a file that only
//! grows (a process's standard error) is rotated at start
//! ([`open_capped_append`]).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
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

/// Size above which [`open_capped_append`] starts a new file.
pub const CAPPED_FILE_MAX_BYTES: u64 = 1024 * 1024;

/// The daily-rotated log writer for `data_dir`, creating the log folder
/// (readable by the user only). Wrap it in a `Mutex` to give it to a
/// `tracing` layer.
pub fn file_appender(data_dir: &Path) -> io::Result<LogWriter> {
    let dir = log_dir(data_dir);
    crate::private::create_private_dir(&dir)?;
    let inner = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix(LOG_FILE_SUFFIX)
        .max_log_files(LOG_FILES_KEPT)
        .build(&dir)
        .map_err(io::Error::other)?;
    // Files written by an older version, with the umask's mode.
    for file in log_files(data_dir)? {
        crate::private::tighten(&file, crate::private::FILE_MODE);
    }
    Ok(LogWriter {
        inner,
        dir,
        private: String::new(),
    })
}

/// The daily log files' writer: each new day's file is made readable by the
/// user only once it exists (the rolling appender creates it with the umask's
/// mode; the folder is private in any case).
pub struct LogWriter {
    inner: RollingFileAppender,
    dir: PathBuf,
    /// Name of the newest file already made private.
    private: String,
}

impl std::fmt::Debug for LogWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogWriter").field("dir", &self.dir).finish()
    }
}

impl LogWriter {
    /// Makes today's file private once (the appender names files by the UTC date).
    fn keep_private(&mut self) {
        let name = format!(
            "{LOG_FILE_PREFIX}.{}.{LOG_FILE_SUFFIX}",
            chrono::Utc::now().format("%Y-%m-%d")
        );
        if name != self.private {
            let path = self.dir.join(&name);
            if path.exists() {
                crate::private::tighten(&path, crate::private::FILE_MODE);
                self.private = name;
            }
        }
    }
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.keep_private();
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Opens `path` for appending, readable by the user only; when it has grown
/// past `max_bytes`, it first becomes `<name>.1` (replacing an older one),
/// so at most about twice `max_bytes` are kept. For files nothing else
/// rotates, such as the tray process's standard error.
pub fn open_capped_append(path: &Path, max_bytes: u64) -> io::Result<File> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() > max_bytes) {
        let mut old = path.as_os_str().to_owned();
        old.push(".1");
        std::fs::rename(path, PathBuf::from(old))?;
    }
    crate::private::open_private_append(path)
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
    log_tail_matching(data_dir, lines, None)
}

/// What one sync run's log lines carry: the cycle's span (`sync{run=42}`).
pub fn run_marker(run: i64) -> String {
    format!("sync{{run={run}}}")
}

/// [`log_tail`] of the lines of sync run `run` only: the last `lines` of
/// them, whichever day's file they are in.
pub fn run_log(data_dir: &Path, run: i64, lines: usize) -> io::Result<String> {
    log_tail_matching(data_dir, lines, Some(&run_marker(run)))
}

fn log_tail_matching(data_dir: &Path, lines: usize, needle: Option<&str>) -> io::Result<String> {
    let mut tail: Vec<String> = Vec::new();
    for path in log_files(data_dir)?.iter().rev() {
        if tail.len() >= lines {
            break;
        }
        let file = std::fs::File::open(path)?;
        let mut day: Vec<String> = BufReader::new(file)
            .split(b'\n')
            .map(|line| line.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
            .filter(|line| match (needle, line) {
                (Some(needle), Ok(text)) => text.contains(needle),
                _ => true,
            })
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

    /// Review L8: the log folder and the log files are readable by the user only.
    #[test]
    fn log_folder_and_files_are_private() {
        use crate::platform::{self, Os};
        if !Os::current().is_unix() {
            return; // No modes (see `private`).
        }
        let mode = |p: &Path| platform::mode(&std::fs::metadata(p).unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write_log(dir.path(), "backup-bridge.2026-11-19.log", &["old"]);
        let old = log_dir(dir.path()).join("backup-bridge.2026-11-19.log");
        platform::set_mode(&old, 0o644).unwrap();
        platform::set_mode(&log_dir(dir.path()), 0o755).unwrap();
        let mut appender = file_appender(dir.path()).unwrap();
        assert_eq!(mode(&log_dir(dir.path())), 0o700);
        assert_eq!(mode(&old), 0o600, "an older file is tightened");
        // A day's file as the appender creates it (umask mode): private once written to.
        let files = log_files(dir.path()).unwrap();
        assert_eq!(files.len(), 2, "{files:?}");
        platform::set_mode(&files[1], 0o644).unwrap();
        appender.write_all(b"hello\n").unwrap();
        assert_eq!(mode(&files[1]), 0o600);
    }

    /// REGRESSION (review L11): `tray-stderr.txt` was appended to forever.
    #[test]
    fn a_capped_file_starts_again_past_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tray-stderr.txt");
        let old = dir.path().join("tray-stderr.txt.1");
        open_capped_append(&path, 10)
            .unwrap()
            .write_all(b"12345")
            .unwrap();
        open_capped_append(&path, 10)
            .unwrap()
            .write_all(b"67890!")
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"1234567890!");
        assert!(!old.exists());
        // Past the limit: set aside as .1 (one generation), a new file begins.
        open_capped_append(&path, 10)
            .unwrap()
            .write_all(b"new")
            .unwrap();
        assert_eq!(std::fs::read(&old).unwrap(), b"1234567890!");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        std::fs::write(&path, b"second generation").unwrap();
        open_capped_append(&path, 10).unwrap();
        assert_eq!(std::fs::read(&old).unwrap(), b"second generation");
        assert_eq!(std::fs::read(&path).unwrap(), b"");
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
    fn one_runs_lines_are_picked_out_across_days() {
        let dir = tempfile::tempdir().unwrap();
        write_log(
            dir.path(),
            "backup-bridge.2026-11-20.log",
            &[
                "t1  INFO sync{run=7}: bridge_core::engine: sync cycle started",
                "t2  INFO sync{run=71}: bridge_core::cw::http: ConnectWise request",
            ],
        );
        write_log(
            dir.path(),
            "backup-bridge.2026-11-21.log",
            &[
                "t3  INFO bridge_core::scheduler: paused",
                "t4  INFO sync{run=7}: bridge_core::engine: sync cycle finished",
            ],
        );
        let seven = run_log(dir.path(), 7, 100).unwrap();
        assert_eq!(
            seven,
            "t1  INFO sync{run=7}: bridge_core::engine: sync cycle started\n\
             t4  INFO sync{run=7}: bridge_core::engine: sync cycle finished\n"
        );
        assert_eq!(run_log(dir.path(), 7, 1).unwrap().lines().count(), 1);
        assert_eq!(run_log(dir.path(), 8, 100).unwrap(), "");
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
