//! What clicking a notification does (issue 17): a ticket's notification
//! opens the ticket in ConnectWise, in the browser; the storm's shows the
//! Activity screen filtered to the tickets created since the storm began,
//! in the open window or in one started for it.
//!
//! The notifier (`desktop::DesktopNotifier`) waits for the answer to each
//! notification that has a target on a thread of its own, and posts the
//! target to the event loop when the answer is a click ([`is_click`]); the
//! loop performs it here ([`perform`]) through an [`Opener`].

use bridge_core::alerts::{ActivityFilter, NotificationTarget};
use bridge_shell::Result;
use notify_rust::NotificationResponse;

/// The key of the action a click on a freedesktop notification invokes:
/// the specification's default action, declared so the body is clickable
/// (`platform::declares_open_action`).
pub const OPEN_ACTION: &str = "default";
/// The label of that action, where a desktop shows actions as buttons.
pub const OPEN_LABEL: &str = "Open";

/// What performs a notification's target.
pub trait Opener {
    /// Opens a web link in the browser.
    fn open_link(&self, url: &str) -> Result<()>;
    /// Shows the Activity screen with `filter`.
    fn show_activity(&self, filter: ActivityFilter);
}

/// Whether the answer to a notification is a click on it: its body (every
/// OS), or the open action where a desktop shows it as a button. Closing it,
/// or letting it expire, is none.
pub fn is_click(response: &NotificationResponse) -> bool {
    match response {
        NotificationResponse::Default => true,
        NotificationResponse::Action(key) => key == OPEN_ACTION,
        NotificationResponse::Reply(_) | NotificationResponse::Closed(_) => false,
    }
}

/// Performs `target`. Only a link can fail to open (no browser, or a link
/// that is not a web link); the caller tells the user.
pub fn perform(target: NotificationTarget, opener: &impl Opener) -> Result<()> {
    match target {
        NotificationTarget::Ticket { ticket_id, url } => {
            tracing::info!(ticket_id, "notification clicked: opening the ticket");
            opener.open_link(&url)
        }
        NotificationTarget::Activity { filter } => {
            tracing::info!(?filter, "notification clicked: showing Activity");
            opener.show_activity(filter);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use bridge_shell::Error;
    use notify_rust::CloseReason;

    use super::*;

    /// Records what it was asked to open; links on `bad.example` fail.
    #[derive(Default)]
    struct FakeOpener {
        done: RefCell<Vec<String>>,
    }

    impl Opener for FakeOpener {
        fn open_link(&self, url: &str) -> Result<()> {
            self.done.borrow_mut().push(format!("link {url}"));
            if url.contains("bad.example") {
                return Err(Error::Invalid("no browser".into()));
            }
            Ok(())
        }

        fn show_activity(&self, filter: ActivityFilter) {
            self.done
                .borrow_mut()
                .push(format!("activity since {}", filter.created_since));
        }
    }

    #[test]
    fn a_click_is_the_body_or_the_open_action_never_a_close() {
        let cases = [
            (NotificationResponse::Default, true),
            (NotificationResponse::Action(OPEN_ACTION.into()), true),
            (NotificationResponse::Action("snooze".into()), false),
            (NotificationResponse::Reply("ok".into()), false),
            (NotificationResponse::Closed(CloseReason::Dismissed), false),
            (NotificationResponse::Closed(CloseReason::Expired), false),
        ];
        for (response, click) in cases {
            assert_eq!(is_click(&response), click, "{response:?}");
        }
    }

    #[test]
    fn a_ticket_opens_in_the_browser_and_a_storm_shows_activity() {
        let opener = FakeOpener::default();
        let url = "https://cw.example/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=42&companyName=acme";
        perform(
            NotificationTarget::Ticket {
                ticket_id: 42,
                url: url.into(),
            },
            &opener,
        )
        .unwrap();
        perform(
            NotificationTarget::Activity {
                filter: ActivityFilter {
                    created_since: "2026-12-06T21:05:00Z".into(),
                },
            },
            &opener,
        )
        .unwrap();
        let error = perform(
            NotificationTarget::Ticket {
                ticket_id: 7,
                url: "https://bad.example/x".into(),
            },
            &opener,
        )
        .unwrap_err();
        assert_eq!(error.kind(), "invalid");
        assert_eq!(
            *opener.done.borrow(),
            [
                format!("link {url}"),
                "activity since 2026-12-06T21:05:00Z".to_owned(),
                "link https://bad.example/x".to_owned(),
            ]
        );
    }
}
