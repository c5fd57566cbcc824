//! The calls that exist on Windows only.

use tao::event_loop::EventLoop;

/// Never called: Windows has no menu-bar-only mode (`menu_bar_only`).
pub fn menu_bar_only<T: 'static>(_event_loop: &mut EventLoop<T>) {}

/// Never called: Windows names the app per notification (`set_app_id`).
pub fn set_notification_app(_app: &str) {}

pub fn set_app_id(notification: &mut notify_rust::Notification, id: &str) {
    notification.app_id(id);
}
