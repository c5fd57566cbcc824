//! What the shell tells the user about the sync, wherever it tells it: the
//! UI (`status` and `notification` events), the tray (icon, tooltip, menu
//! labels) and native notifications (through the [`Notifier`] seam).
//!
//! [`Outputs`] is the one place the backend reports to; it remembers the
//! latest [`Snapshot`] so the tray menu can act on it without a round trip,
//! and a window that opens later starts from it.

use std::sync::{Arc, Mutex, PoisonError};

use bridge_core::alerts::Notification;
use bridge_core::scheduler::{Status, SyncState};

use crate::notify::Notifier;

/// Name of the event carrying the scheduler's [`Status`] to the UI.
pub const STATUS_EVENT: &str = "status";
/// Name of the event carrying a [`Notification`] to the UI.
pub const NOTIFICATION_EVENT: &str = "notification";
/// Name of the event (no payload) telling the UI that an Activity filter
/// waits for it (`take_activity_filter`): a notification was clicked.
pub const SHOW_ACTIVITY_EVENT: &str = "show_activity";

/// Where the backend stands.
#[derive(Debug, Clone)]
pub enum Phase {
    /// The backend is starting.
    Starting,
    /// Settings are missing; no scheduler runs.
    NotConfigured,
    /// The backend could not start (e.g. a damaged database); the sentence says what to do.
    Failed(String),
    /// The scheduler runs; its latest status.
    Running(Status),
}

/// The backend's state as the shell shows it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Demo mode.
    pub demo: bool,
    /// Where the backend stands.
    pub phase: Phase,
}

impl Snapshot {
    /// The status the UI gets: the scheduler's own, or an equivalent one when
    /// no scheduler runs (idle before configuration, an error after a failed start).
    pub fn status(&self) -> Status {
        match &self.phase {
            Phase::Running(status) => status.clone(),
            Phase::Starting | Phase::NotConfigured => idle_status(SyncState::Idle),
            Phase::Failed(reason) => idle_status(SyncState::Error {
                reason: reason.clone(),
                retryable: false,
            }),
        }
    }
}

fn idle_status(state: SyncState) -> Status {
    Status {
        state,
        cycles: 0,
        last_run_at: None,
        last_report: None,
        next_in_secs: None,
    }
}

/// Receives what the shell publishes: the tray and the window in the tray
/// process, a recorder in tests.
pub trait EventSink: Send + Sync {
    /// The backend's state changed.
    fn status(&self, snapshot: &Snapshot);
    /// A notification was raised (it is also shown natively by the [`Notifier`]).
    fn notification(&self, notification: &Notification);
}

/// The shell's outputs: the sink, the native notifier and the latest snapshot.
pub struct Outputs {
    sink: Arc<dyn EventSink>,
    notifier: Arc<dyn Notifier>,
    last: Mutex<Snapshot>,
}

impl Outputs {
    /// Outputs to `sink` and `notifier`, starting in [`Phase::Starting`].
    pub fn new(sink: Arc<dyn EventSink>, notifier: Arc<dyn Notifier>) -> Self {
        Self {
            sink,
            notifier,
            last: Mutex::new(Snapshot {
                demo: false,
                phase: Phase::Starting,
            }),
        }
    }

    /// Records `snapshot` as the latest and passes it on.
    pub fn publish(&self, snapshot: Snapshot) {
        // The lock guards a plain value: a panic elsewhere cannot leave it half-written.
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = snapshot.clone();
        self.sink.status(&snapshot);
    }

    /// The latest snapshot.
    pub fn last(&self) -> Snapshot {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Shows `notification` natively and passes it to the UI.
    pub fn notify(&self, notification: &Notification) {
        tracing::info!(
            title = %notification.title,
            body = %notification.body,
            failure = notification.is_failure,
            "notification"
        );
        if let Err(error) = self.notifier.notify(
            &notification.title,
            &notification.body,
            notification.open.as_ref(),
        ) {
            tracing::warn!(%error, "could not show a notification");
        }
        self.sink.notification(notification);
    }

    /// The native notifier (for the shell's own one-off messages).
    pub fn notifier(&self) -> &Arc<dyn Notifier> {
        &self.notifier
    }

    /// Shows a one-off message of the shell natively; a failure to show it is logged.
    pub fn tell(&self, title: &str, body: &str) {
        if let Err(error) = self.notifier.notify(title, body, None) {
            tracing::warn!(%error, title, body, "could not show a notification");
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use bridge_core::alerts::{ActivityFilter, NotificationTarget};

    use super::*;
    use crate::notify::tests::RecordingNotifier;

    /// Test double: remembers every snapshot and notification.
    #[derive(Default)]
    pub(crate) struct RecordingSink {
        pub(crate) statuses: Mutex<Vec<Snapshot>>,
        pub(crate) notifications: Mutex<Vec<Notification>>,
    }

    impl EventSink for RecordingSink {
        fn status(&self, snapshot: &Snapshot) {
            self.statuses.lock().unwrap().push(snapshot.clone());
        }
        fn notification(&self, notification: &Notification) {
            self.notifications
                .lock()
                .unwrap()
                .push(notification.clone());
        }
    }

    /// Outputs recording into the returned sink and notifier.
    pub(crate) fn recording() -> (Arc<Outputs>, Arc<RecordingSink>, Arc<RecordingNotifier>) {
        let sink = Arc::new(RecordingSink::default());
        let notifier = Arc::new(RecordingNotifier::default());
        let outputs = Arc::new(Outputs::new(sink.clone(), notifier.clone()));
        (outputs, sink, notifier)
    }

    #[test]
    fn status_without_a_scheduler_is_idle_or_the_start_error() {
        let cases = [
            (Phase::Starting, SyncState::Idle),
            (Phase::NotConfigured, SyncState::Idle),
            (
                Phase::Failed("the database is damaged".into()),
                SyncState::Error {
                    reason: "the database is damaged".into(),
                    retryable: false,
                },
            ),
        ];
        for (phase, expected) in cases {
            let status = Snapshot { demo: false, phase }.status();
            assert_eq!(status.state, expected);
            assert_eq!(status.cycles, 0);
            assert!(status.last_run_at.is_none());
        }
    }

    #[test]
    fn publish_remembers_and_notify_reaches_both_outputs() {
        let (outputs, sink, notifier) = recording();
        assert!(matches!(outputs.last().phase, Phase::Starting));
        outputs.publish(Snapshot {
            demo: true,
            phase: Phase::NotConfigured,
        });
        assert!(outputs.last().demo);
        assert!(matches!(outputs.last().phase, Phase::NotConfigured));
        assert_eq!(sink.statuses.lock().unwrap().len(), 1);

        let n = Notification {
            title: "BackupBridge cannot sync".into(),
            body: "ConnectWise is unreachable".into(),
            is_failure: true,
            open: Some(NotificationTarget::Activity {
                filter: ActivityFilter {
                    created_since: "2026-12-06T21:05:00Z".into(),
                },
            }),
        };
        outputs.notify(&n);
        assert_eq!(*sink.notifications.lock().unwrap(), vec![n.clone()]);
        assert_eq!(
            *notifier.shown.lock().unwrap(),
            vec![(
                "BackupBridge cannot sync".to_owned(),
                "ConnectWise is unreachable".to_owned()
            )]
        );
        outputs.tell("BackupBridge", "a one-off message");
        assert_eq!(
            *notifier.opens.lock().unwrap(),
            vec![n.open, None],
            "the notification's target reaches the notifier; a message has none"
        );
    }
}
