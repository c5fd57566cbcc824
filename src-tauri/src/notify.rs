//! Desktop notifications behind a small trait, so the rest of the shell (and
//! later the sync engine's failure/recovery alerts) can be tested without a
//! notification daemon.

use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::error::{Error, Result};

/// Something that can put a short message in front of the user.
pub trait Notifier: Send + Sync {
    /// Shows a notification with a title and a one-line body.
    fn notify(&self, title: &str, body: &str) -> Result<()>;
}

/// The real notifier: the OS notification centre via tauri-plugin-notification.
pub struct TauriNotifier<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> TauriNotifier<R> {
    /// A notifier that shows notifications for `app`.
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }
}

impl<R: Runtime> Notifier for TauriNotifier<R> {
    fn notify(&self, title: &str, body: &str) -> Result<()> {
        self.app
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
            .map_err(|error| Error::Notification(error.to_string()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Test double: remembers every notification instead of showing it.
    #[derive(Default)]
    pub(crate) struct RecordingNotifier {
        pub(crate) shown: Mutex<Vec<(String, String)>>,
    }

    impl Notifier for RecordingNotifier {
        fn notify(&self, title: &str, body: &str) -> Result<()> {
            self.shown
                .lock()
                .unwrap()
                .push((title.to_owned(), body.to_owned()));
            Ok(())
        }
    }
}
