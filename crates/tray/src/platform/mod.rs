//! What the tray process does differently on each OS: the menu-bar-only
//! activation policy (macOS), the identity notifications are shown with
//! (bundle id on macOS, AppUserModelID on Windows, icon name on Linux),
//! how a click on the icon behaves, whether notification text is read as
//! markup, whether a click needs a declared action, and how start at login
//! is registered. Each decision is a
//! function of [`Os`] here, tested for every OS; the calls that exist on
//! one OS only are in `macos.rs`, `windows.rs` and `freedesktop.rs` (Linux
//! and the other Unixes). See `bridge_base::platform` for the rule.

use auto_launch::{AutoLaunchBuilder, LinuxLaunchMode, MacOSLaunchMode, WindowsEnableMode};
use bridge_link::launch::{MINIMIZED_ARG, WINDOW_BINARY};
use bridge_shell::APP_IDENTIFIER;
use tao::event_loop::EventLoop;

pub use bridge_link::platform::Os;

#[cfg(all(unix, not(target_os = "macos")))]
mod freedesktop;
#[cfg(all(unix, not(target_os = "macos")))]
use freedesktop as imp;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
use macos as imp;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

/// What an unbundled macOS build (cargo's `target` folder) shows its
/// notifications as: it is no registered app.
pub const UNBUNDLED_MACOS_APP: &str = "com.apple.Terminal";

/// Whether the tray process is a menu-bar app without a Dock icon of its
/// own on `os` (the window process has the app's Dock icon while the
/// window is open).
pub fn menu_bar_only(os: Os) -> bool {
    os == Os::MacOs
}

/// Whether a left click on the icon opens the menu (the macOS convention)
/// rather than the window (elsewhere; the menu is on the right button).
pub fn menu_on_left_click(os: Os) -> bool {
    os == Os::MacOs
}

/// Whether `os`'s notification server reads the body as markup (the
/// freedesktop notification service does).
pub fn reads_markup(os: Os) -> bool {
    os.is_freedesktop()
}

/// The application every notification of the process is shown as, set
/// once at start: the bundle id on macOS.
pub fn process_notification_app(os: Os, installed: bool) -> Option<&'static str> {
    match os {
        Os::MacOs if installed => Some(APP_IDENTIFIER),
        Os::MacOs => Some(UNBUNDLED_MACOS_APP),
        Os::Windows | Os::Linux | Os::OtherUnix => None,
    }
}

/// The AppUserModelID a notification carries on Windows: the installer
/// registers it; an uninstalled build has none (Windows would drop the
/// notification).
pub fn notification_app_id(os: Os, installed: bool) -> Option<&'static str> {
    (os == Os::Windows && installed).then_some(APP_IDENTIFIER)
}

/// The icon a notification names on a freedesktop desktop: the one the
/// Linux packages install under the window's executable name.
pub fn notification_icon(os: Os) -> Option<&'static str> {
    os.is_freedesktop().then_some(WINDOW_BINARY)
}

/// Whether a notification that opens something declares the open action
/// (`clicks::OPEN_ACTION`): a freedesktop server invokes a click only as
/// the default action, and shows none the notification does not declare.
/// Windows and macOS report a click on any notification (a declared action
/// would be an extra button there).
pub fn declares_open_action(os: Os) -> bool {
    os.is_freedesktop()
}

/// How start at login is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginItem {
    /// The `Run` key of the current user (`HKCU`), never the machine's
    /// (`HKLM`), even when the app runs as an administrator: start at login
    /// is the user's choice, made in the app.
    UserRunKey,
    /// A launch agent in `~/Library/LaunchAgents`.
    LaunchAgent,
    /// An XDG autostart entry in `~/.config/autostart`.
    XdgAutostart,
}

/// How `os` registers start at login.
pub fn login_item(os: Os) -> LoginItem {
    match os {
        Os::Windows => LoginItem::UserRunKey,
        Os::MacOs => LoginItem::LaunchAgent,
        Os::Linux | Os::OtherUnix => LoginItem::XdgAutostart,
    }
}

/// The program the login item starts: this executable, or on Linux the
/// AppImage it runs from (an AppImage runs from a temporary mount).
pub fn login_item_program(os: Os, exe: &str, appimage: Option<&str>) -> String {
    match appimage {
        Some(image) if os == Os::Linux && !image.is_empty() => image.to_owned(),
        _ => exe.to_owned(),
    }
}

/// The login item of `program` named `app_name`, started in the tray,
/// registered as [`login_item`] says for every OS (the builder applies the
/// setting of the OS it runs on).
pub fn login_item_builder(app_name: &str, program: &str) -> AutoLaunchBuilder {
    let mut builder = AutoLaunchBuilder::new();
    builder
        .set_app_name(app_name)
        .set_app_path(program)
        .set_args(&[MINIMIZED_ARG]);
    for os in Os::ALL {
        match login_item(os) {
            LoginItem::UserRunKey => {
                builder.set_windows_enable_mode(WindowsEnableMode::CurrentUser)
            }
            LoginItem::LaunchAgent => builder.set_macos_launch_mode(MacOSLaunchMode::LaunchAgent),
            LoginItem::XdgAutostart => builder.set_linux_launch_mode(LinuxLaunchMode::XdgAutostart),
        };
    }
    builder
}

/// Whether this executable runs from an installation rather than from
/// cargo's `target` folder.
pub fn installed() -> bool {
    std::env::current_exe().is_ok_and(|exe| !in_cargo_target(&exe))
}

fn in_cargo_target(exe: &std::path::Path) -> bool {
    exe.parent().is_some_and(|dir| {
        let target = std::path::Path::new("target");
        dir.ends_with(target.join("debug")) || dir.ends_with(target.join("release"))
    })
}

/// Prepares the event loop before it runs (macOS: menu bar only).
pub fn prepare_event_loop<T: 'static>(event_loop: &mut EventLoop<T>) {
    if menu_bar_only(Os::current()) {
        imp::menu_bar_only(event_loop);
    }
}

/// Sets what the process's notifications are shown as; once, at start.
pub fn init_notifications() {
    if let Some(app) = process_notification_app(Os::current(), installed()) {
        imp::set_notification_app(app);
    }
}

/// Makes a click on `notification` reach the app on this OS.
pub fn make_clickable(notification: &mut notify_rust::Notification) {
    if declares_open_action(Os::current()) {
        notification.action(crate::clicks::OPEN_ACTION, crate::clicks::OPEN_LABEL);
    }
}

/// Gives `notification` the app's identity on this OS.
pub fn identify(notification: &mut notify_rust::Notification) {
    let os = Os::current();
    if let Some(icon) = notification_icon(os) {
        notification.icon(icon);
    }
    if let Some(id) = notification_app_id(os, installed()) {
        imp::set_app_id(notification, id);
    }
}

#[cfg(test)]
mod tests;
