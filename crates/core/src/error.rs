//! The crate's error type: every area's error, plus the two kinds of problem
//! the user fixes themselves (bad input, missing configuration). Each error
//! says whether trying again later can help.

use crate::cw::CwError;
use crate::secrets::SecretError;
use crate::source::SourceError;
use crate::store::StoreError;

/// Errors from BackupBridge core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user typed is not valid (CLI exit code 2).
    #[error("{0}")]
    Invalid(String),
    /// Something the user named does not exist (a Dashboard company id, a
    /// ConnectWise Company ID); the message says where to look.
    #[error("{0}")]
    NotFound(String),
    /// Configuration is missing or unusable; the message says what to set.
    /// Never used for BackupBridge's own failures ([`Error::Internal`]).
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Cw(#[from] CwError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// Another process holds the data folder's writer lock (rule 12), or
    /// the folder cannot hold one.
    #[error(transparent)]
    Locked(#[from] crate::store::LockError),
    /// A bug or a broken invariant, not the user's configuration: a sync
    /// cycle that panicked, a background task that failed. The UI says to
    /// restart and copy diagnostics rather than to fix a setting.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// True when the same call may succeed later without the user doing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Invalid(_) | Error::NotFound(_) | Error::Config(_) => false,
            Error::Cw(e) => e.is_retryable(),
            Error::Source(e) => e.is_retryable(),
            Error::Store(e) => e.is_retryable(),
            Error::Secret(_) => false,
            // Another writer's cycle ends by itself; a folder that cannot lock does not.
            Error::Locked(e) => matches!(e, crate::store::LockError::Busy { .. }),
            // The next cycle starts afresh; the same input may not hit the bug.
            Error::Internal(_) => true,
        }
    }

    /// A short machine-readable kind, e.g. for the UI (`{kind, message}`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Config(_) => "config",
            Error::Cw(CwError::Auth { .. }) => "auth",
            Error::Cw(CwError::Forbidden { .. }) => "forbidden",
            Error::Cw(CwError::Network(_) | CwError::Unreachable(_) | CwError::Timeout) => {
                "offline"
            }
            Error::Cw(_) => "connectwise",
            Error::Source(_) => "dashboard",
            // A setting the user typed (the CLI's usage errors), not the
            // database failing: the UI must not say "restart".
            Error::Store(
                StoreError::UnknownSetting { .. }
                | StoreError::InvalidSetting { .. }
                | StoreError::SecretInSettings { .. },
            ) => "invalid",
            // A damaged file has its own way out (`db recover`, the
            // Recover button): the UI branches on this kind.
            Error::Store(StoreError::Damaged { .. }) => "damaged",
            Error::Store(_) => "database",
            // A `_FILE` variable naming a missing file is a setting to fix,
            // not the keychain failing.
            Error::Secret(SecretError::Environment { .. }) => "config",
            Error::Secret(_) => "keychain",
            Error::Locked(_) => "busy",
            Error::Internal(_) => "internal",
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::from(e))
    }
}

/// Result alias for core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// REGRESSION: an invalid value saved from the Connection screen (e.g. a
    /// certificate fingerprint) reached the UI as a `database` error, which
    /// told the user to restart BackupBridge.
    #[test]
    fn an_invalid_setting_is_the_users_input_not_the_database() {
        let invalid = Error::Store(StoreError::InvalidSetting {
            key: "source.tls_fingerprint".into(),
            reason: "not a SHA-256 fingerprint".into(),
        });
        assert_eq!(invalid.kind(), "invalid");
        assert!(!invalid.is_retryable());
        let unknown = Error::Store(StoreError::UnknownSetting { key: "x.y".into() });
        assert_eq!(unknown.kind(), "invalid");
        let broken = Error::from(rusqlite::Error::InvalidQuery);
        assert_eq!(broken.kind(), "database");
    }

    /// The UI offers *Recover* on this kind, never on a message's wording.
    #[test]
    fn a_damaged_database_has_its_own_kind() {
        let damaged = Error::Store(StoreError::Damaged {
            path: "/data/backupbridge.db".into(),
            detail: "file is not a database".into(),
        });
        assert_eq!(damaged.kind(), "damaged");
        assert!(damaged.to_string().contains("backup-bridge db recover"));
        let internal = Error::Internal("a database task failed: cancelled".into());
        assert_eq!(internal.kind(), "internal");
    }
}
