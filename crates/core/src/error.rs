//! The crate's error type (assembled as modules land).

/// Errors from BackupBridge core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Config(String),
}

/// Result alias for core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
