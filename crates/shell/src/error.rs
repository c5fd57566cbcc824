//! The shell's error type. It crosses into the UI as `{ kind, message }` so the
//! UI can tell one kind of failure from another without parsing text. Core
//! errors keep the kind core gives them (`auth`, `offline`, `database`, ...).

use serde::{Serialize, Serializer};

/// Errors raised by the desktop shell.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A core operation failed; its kind and message are core's.
    #[error(transparent)]
    Core(#[from] bridge_core::Error),
    /// The sync engine could not be started (e.g. the database is damaged).
    /// Kept as kind + text so every later command can repeat it.
    #[error("{message}")]
    Unavailable {
        /// The kind of the error that stopped the start.
        kind: &'static str,
        /// The sentence for the user, with what to do.
        message: String,
    },
    /// The UI asked for something the shell refuses (not a core rule: e.g. a
    /// non-web URL to open, or saving a connection in demo mode).
    #[error("{0}")]
    Invalid(String),
    /// The demo simulators could not start.
    #[error("the demo could not start: {0}")]
    Demo(String),
    /// The desktop runtime failed (window, tray, menu), or the window lost
    /// its link to the tray process that runs the sync. The text is a whole
    /// sentence.
    #[error("{0}")]
    Runtime(String),
    /// Reading or changing the "start at login" registration failed.
    #[error("start at login: {0}")]
    Autostart(String),
    /// The log file could not be set up.
    #[error("log file: {0}")]
    Logging(String),
    /// A file-system operation failed.
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    /// A desktop notification could not be shown.
    #[error("notification: {0}")]
    Notification(String),
    /// The default browser could not be opened.
    #[error("cannot open the browser: {0}")]
    Opener(String),
    /// A background task of the shell died (a bug, not a user problem).
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// The kind the UI switches on: core's kinds (`invalid`, `config`, `auth`,
    /// `forbidden`, `offline`, `connectwise`, `dashboard`, `database`,
    /// `keychain`, `not_found`, `busy`) plus the shell's own (`demo`, `runtime`,
    /// `autostart`, `logging`, `io`, `notification`, `opener`, `internal`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Core(e) => e.kind(),
            Self::Unavailable { kind, .. } => kind,
            Self::Invalid(_) => "invalid",
            Self::Demo(_) => "demo",
            Self::Runtime(_) => "runtime",
            Self::Autostart(_) => "autostart",
            Self::Logging(_) => "logging",
            Self::Io(_) => "io",
            Self::Notification(_) => "notification",
            Self::Opener(_) => "opener",
            Self::Internal(_) => "internal",
        }
    }

    /// Whether trying the same operation again may succeed without the user
    /// changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Core(e) => e.is_retryable(),
            Self::Io(error) => bridge_link::error::io_is_retryable(error),
            Self::Unavailable { .. }
            | Self::Invalid(_)
            | Self::Demo(_)
            | Self::Runtime(_)
            | Self::Autostart(_)
            | Self::Logging(_)
            | Self::Notification(_)
            | Self::Opener(_)
            | Self::Internal(_) => false,
        }
    }
}

impl From<bridge_core::store::StoreError> for Error {
    fn from(error: bridge_core::store::StoreError) -> Self {
        Self::Core(error.into())
    }
}

/// The link's failures keep their kind and sentence: the UI sees the same
/// `{kind, message}` whichever crate failed.
impl From<bridge_link::Error> for Error {
    fn from(error: bridge_link::Error) -> Self {
        match error {
            bridge_link::Error::Invalid(message) => Self::Invalid(message),
            bridge_link::Error::Runtime(message) => Self::Runtime(message),
            bridge_link::Error::Logging(message) => Self::Logging(message),
            bridge_link::Error::Io(error) => Self::Io(error),
            bridge_link::Error::Opener(message) => Self::Opener(message),
            bridge_link::Error::Internal(message) => Self::Internal(message),
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(error: tokio::task::JoinError) -> Self {
        Self::Internal(format!("a background task failed: {error}"))
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        bridge_link::error::serialize_kind_and_message(serializer, self.kind(), &self.to_string())
    }
}

/// Result alias for the shell.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use bridge_core::store::StoreError;

    use super::*;

    #[test]
    fn serialises_as_kind_and_message() {
        let cases = [
            (
                Error::Core(bridge_core::Error::Config("set cw.site".into())),
                r#"{"kind":"config","message":"set cw.site"}"#,
            ),
            (
                Error::from(StoreError::UnknownRun(7)),
                r#"{"kind":"database","message":"no sync run has the id 7"}"#,
            ),
            (
                Error::Unavailable {
                    kind: "database",
                    message: "the database is damaged".into(),
                },
                r#"{"kind":"database","message":"the database is damaged"}"#,
            ),
            (
                Error::Invalid("only web links open".into()),
                r#"{"kind":"invalid","message":"only web links open"}"#,
            ),
            (
                Error::Demo("port in use".into()),
                r#"{"kind":"demo","message":"the demo could not start: port in use"}"#,
            ),
            (
                Error::Autostart("permission denied".into()),
                r#"{"kind":"autostart","message":"start at login: permission denied"}"#,
            ),
            (
                Error::Io(std::io::Error::new(std::io::ErrorKind::NotFound, "gone")),
                r#"{"kind":"io","message":"file system: gone"}"#,
            ),
            (
                Error::Runtime("the tray process stopped".into()),
                r#"{"kind":"runtime","message":"the tray process stopped"}"#,
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(serde_json::to_string(&error).unwrap(), expected);
        }
    }

    #[test]
    fn the_link_errors_keep_their_kind_and_message() {
        let cases = [
            bridge_link::Error::Invalid("only web links open".into()),
            bridge_link::Error::Runtime("the tray process stopped".into()),
            bridge_link::Error::Logging("cannot write".into()),
            bridge_link::Error::Io(std::io::Error::from(std::io::ErrorKind::TimedOut)),
            bridge_link::Error::Opener("no browser".into()),
            bridge_link::Error::Internal("x".into()),
        ];
        for link in cases {
            let expected = serde_json::to_string(&link).unwrap();
            let retryable = link.is_retryable();
            let shell = Error::from(link);
            assert_eq!(serde_json::to_string(&shell).unwrap(), expected);
            assert_eq!(shell.is_retryable(), retryable, "{shell}");
        }
    }

    #[test]
    fn retryable_follows_core_and_transient_io() {
        let cases = [
            (
                Error::Io(std::io::Error::from(std::io::ErrorKind::TimedOut)),
                true,
            ),
            (
                Error::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
                false,
            ),
            (Error::Core(bridge_core::Error::Config("x".into())), false),
            (Error::Autostart("x".into()), false),
            (Error::Demo("x".into()), false),
        ];
        for (error, retryable) in cases {
            assert_eq!(error.is_retryable(), retryable, "{error}");
        }
    }
}
