//! The shell's error type. It crosses into the UI as `{ kind, message }` so the
//! UI can tell one kind of failure from another without parsing text.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Errors raised by the desktop shell.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Tauri runtime call failed (window, tray, menu, path resolution).
    #[error("desktop runtime: {0}")]
    Tauri(#[from] tauri::Error),
    /// A window the shell expects (by label) does not exist.
    #[error("window `{0}` does not exist")]
    MissingWindow(&'static str),
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
}

/// Stable, machine-readable classification of an [`Error`] for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The desktop runtime failed.
    Runtime,
    /// The OS refused to change or report the login item.
    Autostart,
    /// Logging could not be initialised.
    Logging,
    /// A file-system operation failed.
    Io,
    /// A notification could not be shown.
    Notification,
}

impl Error {
    /// The kind the UI switches on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Tauri(_) | Self::MissingWindow(_) => ErrorKind::Runtime,
            Self::Autostart(_) => ErrorKind::Autostart,
            Self::Logging(_) => ErrorKind::Logging,
            Self::Io(_) => ErrorKind::Io,
            Self::Notification(_) => ErrorKind::Notification,
        }
    }

    /// Whether trying the same operation again may succeed without the user
    /// changing anything. None of the shell's own failures heal by themselves.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Io(error) => matches!(
                error.kind(),
                std::io::ErrorKind::Interrupted
                    | std::io::ErrorKind::WouldBlock
                    | std::io::ErrorKind::TimedOut
            ),
            Self::Tauri(_)
            | Self::MissingWindow(_)
            | Self::Autostart(_)
            | Self::Logging(_)
            | Self::Notification(_) => false,
        }
    }
}

impl From<tauri_plugin_autostart::Error> for Error {
    fn from(error: tauri_plugin_autostart::Error) -> Self {
        Self::Autostart(error.to_string())
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Error", 2)?;
        out.serialize_field("kind", &self.kind())?;
        out.serialize_field("message", &self.to_string())?;
        out.end()
    }
}

/// Result alias for the shell.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_kind_and_message() {
        let cases = [
            (
                Error::Autostart("permission denied".into()),
                r#"{"kind":"autostart","message":"start at login: permission denied"}"#,
            ),
            (
                Error::Logging("read-only folder".into()),
                r#"{"kind":"logging","message":"log file: read-only folder"}"#,
            ),
            (
                Error::Io(std::io::Error::new(std::io::ErrorKind::NotFound, "gone")),
                r#"{"kind":"io","message":"file system: gone"}"#,
            ),
            (
                Error::MissingWindow("main"),
                r#"{"kind":"runtime","message":"window `main` does not exist"}"#,
            ),
            (
                Error::Notification("no daemon".into()),
                r#"{"kind":"notification","message":"notification: no daemon"}"#,
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(serde_json::to_string(&error).unwrap(), expected);
        }
    }

    #[test]
    fn only_transient_io_is_retryable() {
        let cases = [
            (
                Error::Io(std::io::Error::from(std::io::ErrorKind::TimedOut)),
                true,
            ),
            (
                Error::Io(std::io::Error::from(std::io::ErrorKind::Interrupted)),
                true,
            ),
            (
                Error::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
                false,
            ),
            (Error::Autostart("x".into()), false),
            (Error::Logging("x".into()), false),
        ];
        for (error, retryable) in cases {
            assert_eq!(error.is_retryable(), retryable, "{error}");
        }
    }
}
