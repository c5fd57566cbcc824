//! The calls that exist on macOS only.

use tao::event_loop::EventLoop;
use tao::platform::macos::{ActivationPolicy, EventLoopExtMacOS};

pub fn menu_bar_only<T: 'static>(event_loop: &mut EventLoop<T>) {
    event_loop.set_activation_policy(ActivationPolicy::Accessory);
}

pub fn set_notification_app(app: &str) {
    if let Err(error) = notify_rust::set_application(app) {
        tracing::warn!(%error, "notifications will not show the app's name");
    }
}

/// Never called: macOS names the app per process (`set_notification_app`).
pub fn set_app_id(_notification: &mut notify_rust::Notification, _id: &str) {}
