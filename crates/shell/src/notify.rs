//! Desktop notifications behind a small trait, so the rest of the shell (and
//! the sync engine's failure/recovery alerts) can be tested without a
//! notification daemon. The tray process implements it over the OS
//! notification centre.

use bridge_core::alerts::NotificationTarget;

use crate::error::Result;

/// Something that can put a short message in front of the user.
pub trait Notifier: Send + Sync {
    /// Shows a notification with a title and a one-line body; clicking it
    /// opens `open`, when given (issue 17).
    fn notify(&self, title: &str, body: &str, open: Option<&NotificationTarget>) -> Result<()>;
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Test double: remembers every notification instead of showing it.
    #[derive(Default)]
    pub(crate) struct RecordingNotifier {
        pub(crate) shown: Mutex<Vec<(String, String)>>,
        /// What clicking each shown notification opens.
        pub(crate) opens: Mutex<Vec<Option<NotificationTarget>>>,
    }

    impl Notifier for RecordingNotifier {
        fn notify(&self, title: &str, body: &str, open: Option<&NotificationTarget>) -> Result<()> {
            self.shown
                .lock()
                .unwrap()
                .push((title.to_owned(), body.to_owned()));
            self.opens.lock().unwrap().push(open.cloned());
            Ok(())
        }
    }
}
