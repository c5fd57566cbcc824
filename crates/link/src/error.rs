//! The link's error type. It crosses into the UI as `{ kind, message }`, with
//! the same kinds and sentences the shell's error gives for the same
//! failures (`bridge_shell::Error` turns one into the other), so the UI
//! cannot tell which process failed.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Errors raised by the link between the app's processes, the launch and
/// the window process.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The UI asked for something the app refuses (e.g. a non-web URL to
    /// open).
    #[error("{0}")]
    Invalid(String),
    /// The desktop runtime failed (window, launch), or the window lost its
    /// link to the tray process that runs the sync. The text is a whole
    /// sentence.
    #[error("{0}")]
    Runtime(String),
    /// The log file could not be set up.
    #[error("log file: {0}")]
    Logging(String),
    /// A file-system or socket operation failed.
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    /// The default browser could not be opened.
    #[error("cannot open the browser: {0}")]
    Opener(String),
    /// Something that cannot fail did (a bug, not a user problem).
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// The kind the UI switches on (`invalid`, `runtime`, `logging`, `io`,
    /// `opener`, `internal`), as the shell names the same failures.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid",
            Self::Runtime(_) => "runtime",
            Self::Logging(_) => "logging",
            Self::Io(_) => "io",
            Self::Opener(_) => "opener",
            Self::Internal(_) => "internal",
        }
    }

    /// Whether trying the same operation again may succeed without the user
    /// changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Io(error) => io_is_retryable(error),
            Self::Invalid(_)
            | Self::Runtime(_)
            | Self::Logging(_)
            | Self::Opener(_)
            | Self::Internal(_) => false,
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_kind_and_message(serializer, self.kind(), &self.to_string())
    }
}

/// Writes an error as the UI receives it, `{kind, message}` (this crate's
/// and the shell's errors).
pub fn serialize_kind_and_message<S: Serializer>(
    serializer: S,
    kind: &str,
    message: &str,
) -> Result<S::Ok, S::Error> {
    let mut out = serializer.serialize_struct("Error", 2)?;
    out.serialize_field("kind", kind)?;
    out.serialize_field("message", message)?;
    out.end()
}

/// Whether a failed file or socket operation may succeed when tried again
/// as it is (it was interrupted, or timed out).
pub fn io_is_retryable(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::Interrupted
            | std::io::ErrorKind::WouldBlock
            | std::io::ErrorKind::TimedOut
    )
}

/// Result alias for the link.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_kind_and_message() {
        let cases = [
            (
                Error::Invalid("only web links open".into()),
                r#"{"kind":"invalid","message":"only web links open"}"#,
            ),
            (
                Error::Runtime("the tray process stopped".into()),
                r#"{"kind":"runtime","message":"the tray process stopped"}"#,
            ),
            (
                Error::Logging("cannot write".into()),
                r#"{"kind":"logging","message":"log file: cannot write"}"#,
            ),
            (
                Error::Io(std::io::Error::new(std::io::ErrorKind::NotFound, "gone")),
                r#"{"kind":"io","message":"file system: gone"}"#,
            ),
            (
                Error::Opener("no browser".into()),
                r#"{"kind":"opener","message":"cannot open the browser: no browser"}"#,
            ),
            (
                Error::Internal("x".into()),
                r#"{"kind":"internal","message":"internal: x"}"#,
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(serde_json::to_string(&error).unwrap(), expected);
        }
    }

    #[test]
    fn only_transient_io_is_retryable() {
        let timed_out = Error::Io(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert!(timed_out.is_retryable());
        assert!(!Error::Runtime("x".into()).is_retryable());
    }
}
