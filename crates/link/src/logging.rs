//! Logging: `tracing` events go to the daily-rotated file that the CLI also
//! writes (`bridge_base::logs`: `<data dir>/logs`, same naming, 14 days
//! kept), and to stderr only when it is a terminal. The tray and window
//! processes a launch starts write their stderr to a file
//! (`tray-stderr.txt`), which keeps what the log cannot (toolkit warnings,
//! a crash before logging started); copying every log line there as well
//! only made it grow.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;

use bridge_base::logs::{file_appender, LOG_FILTER_ENV};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::error::{Error, Result};

/// Filter used when `BB_LOG` is not set.
pub const DEFAULT_LOG_FILTER: &str = "info";

/// File in the log folder that receives what the tray process writes to
/// its standard error (toolkit warnings, a crash before logging started);
/// readable by the user only, and started again past 1 MB. The launcher
/// writes it, the window names it when the tray process ends at start.
pub const TRAY_STDERR_FILE: &str = "tray-stderr.txt";

/// Installs the global subscriber. Writes are synchronous (a desktop app logs
/// little) so nothing is lost when the app exits from the tray.
pub fn init(data_dir: &Path) -> Result<()> {
    let to_console = std::io::stderr().is_terminal();
    subscriber(data_dir, std::io::stderr, to_console)?
        .try_init()
        .map_err(|error| Error::Logging(error.to_string()))?;
    log_panics();
    Ok(())
}

/// The log file, plus `console` when `to_console`.
fn subscriber<W>(
    data_dir: &Path,
    console: W,
    to_console: bool,
) -> Result<impl tracing::Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_env(LOG_FILTER_ENV)
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let appender = file_appender(data_dir).map_err(|error| {
        Error::Logging(format!(
            "cannot write logs in {}: {error}",
            bridge_base::logs::log_dir(data_dir).display()
        ))
    })?;
    let file = fmt::layer()
        .with_ansi(false)
        .with_writer(Mutex::new(appender));
    let console = to_console.then(|| fmt::layer().with_writer(console));
    Ok(tracing_subscriber::registry()
        .with(filter)
        .with(file)
        .with(console))
}

/// A panic goes to the log file too: the app's processes have no console a
/// user would see.
fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panicked: {info}");
        default(info);
    }));
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Stands in for stderr.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    /// REGRESSION (review L11): every log line was copied to stderr, which
    /// a launch sends to `tray-stderr.txt`, so that file grew forever.
    #[test]
    fn log_lines_reach_stderr_only_when_it_is_a_terminal() {
        for to_console in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let stderr = Captured::default();
            let subscriber = subscriber(dir.path(), stderr.clone(), to_console).unwrap();
            tracing::subscriber::with_default(subscriber, || {
                tracing::info!("a line for the log");
            });
            let copied = String::from_utf8(stderr.0.lock().unwrap().clone()).unwrap();
            assert_eq!(
                copied.contains("a line for the log"),
                to_console,
                "{copied}"
            );
            let logged = bridge_base::logs::log_tail(dir.path(), 5).unwrap();
            assert!(logged.contains("a line for the log"), "{logged}");
        }
    }
}
