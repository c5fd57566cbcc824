//! Desktop notifications behind a small trait, so the rest of the shell (and
//! the sync engine's failure/recovery alerts) can be tested without a
//! notification daemon. The tray process implements it over the OS
//! notification centre.

use crate::error::Result;

/// Something that can put a short message in front of the user.
pub trait Notifier: Send + Sync {
    /// Shows a notification with a title and a one-line body.
    fn notify(&self, title: &str, body: &str) -> Result<()>;
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
