//! Logging: `tracing` events go to the daily-rotated file that the CLI also
//! writes (`bridge_core::logs`: `<data dir>/logs`, same naming, 14 days
//! kept) and to stderr.

use std::path::Path;

use bridge_core::logs::{file_appender, LOG_FILTER_ENV};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::error::{Error, Result};

/// Filter used when `BB_LOG` is not set.
pub const DEFAULT_LOG_FILTER: &str = "info";

/// Installs the global subscriber. Writes are synchronous (a desktop app logs
/// little) so nothing is lost when the app exits from the tray.
pub fn init(data_dir: &Path) -> Result<()> {
    let filter = EnvFilter::try_from_env(LOG_FILTER_ENV)
        .unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let appender = file_appender(data_dir).map_err(|error| {
        Error::Logging(format!(
            "cannot write logs in {}: {error}",
            bridge_core::logs::log_dir(data_dir).display()
        ))
    })?;
    let file = fmt::layer().with_ansi(false).with_writer(appender);
    let console = fmt::layer().with_writer(std::io::stderr);
    tracing_subscriber::registry()
        .with(filter)
        .with(file)
        .with(console)
        .try_init()
        .map_err(|error| Error::Logging(error.to_string()))?;
    log_panics();
    Ok(())
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
