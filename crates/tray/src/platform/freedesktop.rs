//! Linux and the other Unixes: the freedesktop notification service names
//! the app by the notification's app name and icon, set on every OS, so
//! nothing here is ever called.

use tao::event_loop::EventLoop;

pub fn menu_bar_only<T: 'static>(_event_loop: &mut EventLoop<T>) {}

pub fn set_notification_app(_app: &str) {}

pub fn set_app_id(_notification: &mut notify_rust::Notification, _id: &str) {}
