//! The tray icon and its menu.
//!
//! The menu's behaviour lives in [`handle_action`], a plain function over the
//! [`ShellControl`] trait, so it is tested without a desktop panel; the Tauri
//! wiring below only translates menu events into actions.

use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt;

use crate::error::Result;
use crate::state::AppState;
use crate::window;

/// Id of the app's single tray icon.
pub const TRAY_ID: &str = "main";

/// Why the engine-driven items are greyed out, shown in their labels.
pub const ENGINE_MISSING: &str = "sync engine not installed yet";

/// What a tray menu item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    /// Show and focus the main window.
    Open,
    /// Start a sync cycle now (needs the sync engine).
    SyncNow,
    /// Pause or resume background syncing (needs the sync engine).
    Pause,
    /// Turn "start at login" on or off.
    ToggleAutostart,
    /// Quit the app.
    Quit,
}

impl TrayAction {
    /// Every action, in menu order.
    pub const ALL: [Self; 5] = [
        Self::Open,
        Self::SyncNow,
        Self::Pause,
        Self::ToggleAutostart,
        Self::Quit,
    ];

    /// The menu item id.
    pub fn id(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::SyncNow => "sync_now",
            Self::Pause => "pause",
            Self::ToggleAutostart => "start_at_login",
            Self::Quit => "quit",
        }
    }

    /// The action for a menu item id, if it is one of ours.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.id() == id)
    }

    /// Whether the item can be used in this build. Sync now and Pause drive the
    /// sync engine, which is not part of the app yet.
    pub fn is_available(self) -> bool {
        !matches!(self, Self::SyncNow | Self::Pause)
    }

    /// The item's label; unavailable items say why.
    pub fn label(self) -> String {
        let base = match self {
            Self::Open => "Open BackupBridge",
            Self::SyncNow => "Sync now",
            Self::Pause => "Pause syncing",
            Self::ToggleAutostart => "Start at login",
            Self::Quit => "Quit BackupBridge",
        };
        if self.is_available() {
            base.to_owned()
        } else {
            format!("{base} ({ENGINE_MISSING})")
        }
    }
}

/// What the tray icon shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayState {
    /// Nothing running, last sync fine (or nothing configured).
    Idle,
    /// A sync cycle is running.
    Syncing,
    /// The last sync failed.
    Error,
}

impl TrayState {
    /// The icon for this state (64×64 PNG from `icons/tray/`).
    pub fn icon_png(self) -> &'static [u8] {
        match self {
            Self::Idle => include_bytes!("../../icons/tray/normal.png"),
            Self::Syncing => include_bytes!("../../icons/tray/syncing.png"),
            Self::Error => include_bytes!("../../icons/tray/error.png"),
        }
    }

    /// Tooltip for this state.
    pub fn tooltip(self) -> &'static str {
        match self {
            Self::Idle => "BackupBridge — not configured yet",
            Self::Syncing => "BackupBridge — syncing",
            Self::Error => "BackupBridge — last sync failed",
        }
    }
}

/// The effects tray actions have on the app; implemented over the Tauri app
/// handle, and by a fake in tests.
pub trait ShellControl {
    /// Shows and focuses the main window.
    fn show_main_window(&self) -> Result<()>;
    /// Whether the app is registered to start at login.
    fn autostart_enabled(&self) -> Result<bool>;
    /// Registers or unregisters the app to start at login.
    fn set_autostart(&self, enabled: bool) -> Result<()>;
    /// Ends the app.
    fn quit(&self);
}

/// What came of a tray action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The action was carried out.
    Done,
    /// Start at login is now in this state, as the OS reports it.
    Autostart(bool),
    /// The action needs the sync engine and was not carried out.
    Unavailable,
}

/// Carries out a tray action.
pub fn handle_action(action: TrayAction, shell: &impl ShellControl) -> Result<Outcome> {
    match action {
        TrayAction::Open => {
            shell.show_main_window()?;
            Ok(Outcome::Done)
        }
        TrayAction::ToggleAutostart => {
            let enabled = shell.autostart_enabled()?;
            shell.set_autostart(!enabled)?;
            // Report what the OS now says rather than what we asked for.
            Ok(Outcome::Autostart(shell.autostart_enabled()?))
        }
        TrayAction::Quit => {
            shell.quit();
            Ok(Outcome::Done)
        }
        // The items are disabled; a stray event (e.g. a platform that ignores
        // the disabled flag) must not pretend to sync.
        TrayAction::SyncNow | TrayAction::Pause => Ok(Outcome::Unavailable),
    }
}

/// [`ShellControl`] over a running Tauri app.
struct AppShell<'a, R: Runtime>(&'a AppHandle<R>);

impl<R: Runtime> ShellControl for AppShell<'_, R> {
    fn show_main_window(&self) -> Result<()> {
        window::show_main(self.0)
    }

    fn autostart_enabled(&self) -> Result<bool> {
        Ok(self.0.autolaunch().is_enabled()?)
    }

    fn set_autostart(&self, enabled: bool) -> Result<()> {
        let manager = self.0.autolaunch();
        if enabled {
            manager.enable()?;
        } else {
            manager.disable()?;
        }
        Ok(())
    }

    fn quit(&self) {
        tracing::info!("quit from the tray");
        self.0.exit(0);
    }
}

/// Builds the tray icon with its menu and installs its handlers.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> Result<TrayIcon<R>> {
    let item = |action: TrayAction| {
        MenuItem::with_id(
            app,
            action.id(),
            action.label(),
            action.is_available(),
            None::<&str>,
        )
    };
    let autostart_now = AppShell(app).autostart_enabled().unwrap_or_else(|error| {
        tracing::warn!(%error, "could not read the start-at-login state");
        false
    });
    let autostart = CheckMenuItem::with_id(
        app,
        TrayAction::ToggleAutostart.id(),
        TrayAction::ToggleAutostart.label(),
        true,
        autostart_now,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[
            &item(TrayAction::Open)?,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::SyncNow)?,
            &item(TrayAction::Pause)?,
            &PredefinedMenuItem::separator(app)?,
            &autostart,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::Quit)?,
        ],
    )?;

    let state = TrayState::Idle;
    let tray = TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(state.icon_png())?)
        .tooltip(state.tooltip())
        .menu(&menu)
        // macOS convention: a click opens the menu. Elsewhere a left click
        // opens the window and the menu is on the right button.
        .show_menu_on_left_click(cfg!(target_os = "macos"))
        .on_menu_event(move |app, event| on_menu_event(app, &event, &autostart))
        .on_tray_icon_event(|tray, event| {
            if cfg!(target_os = "macos") {
                return;
            }
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                if let Err(error) = window::show_main(tray.app_handle()) {
                    tracing::warn!(%error, "could not open the window from the tray");
                }
            }
        })
        .build(app)?;
    Ok(tray)
}

/// Shows `state` on the tray icon (icon and tooltip).
pub fn set_state<R: Runtime>(app: &AppHandle<R>, state: TrayState) -> Result<()> {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        tray.set_icon(Some(Image::from_bytes(state.icon_png())?))?;
        tray.set_tooltip(Some(state.tooltip()))?;
    }
    Ok(())
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: &MenuEvent, autostart: &CheckMenuItem<R>) {
    let Some(action) = TrayAction::from_id(event.id().as_ref()) else {
        return;
    };
    tracing::info!(?action, "tray menu");
    let shell = AppShell(app);
    match handle_action(action, &shell) {
        Ok(Outcome::Autostart(enabled)) => {
            tracing::info!(enabled, "start at login changed");
            sync_check(autostart, enabled);
        }
        Ok(Outcome::Done) => {}
        Ok(Outcome::Unavailable) => {
            tracing::warn!(?action, "ignored: {ENGINE_MISSING}");
        }
        Err(error) => {
            tracing::error!(?action, %error, "tray action failed");
            if action == TrayAction::ToggleAutostart {
                // The menu toggled its check mark on click; put back the truth.
                if let Ok(enabled) = shell.autostart_enabled() {
                    sync_check(autostart, enabled);
                }
            }
            let body = format!("{} failed: {error}", action_name(action));
            let state = app.state::<AppState>();
            if let Err(error) = state.notifier.notify("BackupBridge", &body) {
                tracing::warn!(%error, "could not show the failure notification");
            }
        }
    }
}

fn sync_check<R: Runtime>(item: &CheckMenuItem<R>, checked: bool) {
    if let Err(error) = item.set_checked(checked) {
        tracing::warn!(%error, "could not update the start-at-login check mark");
    }
}

fn action_name(action: TrayAction) -> &'static str {
    match action {
        TrayAction::Open => "Opening the window",
        TrayAction::SyncNow => "Sync now",
        TrayAction::Pause => "Pause",
        TrayAction::ToggleAutostart => "Changing start at login",
        TrayAction::Quit => "Quitting",
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;
    use crate::error::Error;

    /// Fake shell that records calls and can be told to fail.
    #[derive(Default)]
    struct FakeShell {
        calls: RefCell<Vec<String>>,
        autostart: Cell<bool>,
        fail_autostart: bool,
        /// The OS accepts the request but does not change state (seen with
        /// sandboxed login items): the outcome must report the real state.
        autostart_sticks: bool,
    }

    impl ShellControl for FakeShell {
        fn show_main_window(&self) -> Result<()> {
            self.calls.borrow_mut().push("show".into());
            Ok(())
        }
        fn autostart_enabled(&self) -> Result<bool> {
            Ok(self.autostart.get())
        }
        fn set_autostart(&self, enabled: bool) -> Result<()> {
            self.calls
                .borrow_mut()
                .push(format!("set_autostart({enabled})"));
            if self.fail_autostart {
                return Err(Error::Autostart("denied".into()));
            }
            if !self.autostart_sticks {
                self.autostart.set(enabled);
            }
            Ok(())
        }
        fn quit(&self) {
            self.calls.borrow_mut().push("quit".into());
        }
    }

    #[test]
    fn ids_round_trip_and_are_unique() {
        for action in TrayAction::ALL {
            assert_eq!(TrayAction::from_id(action.id()), Some(action));
        }
        let mut ids: Vec<_> = TrayAction::ALL.iter().map(|a| a.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TrayAction::ALL.len());
        assert_eq!(TrayAction::from_id("something_else"), None);
    }

    #[test]
    fn engine_items_are_disabled_and_say_why() {
        let cases = [
            (TrayAction::Open, true, "Open BackupBridge"),
            (
                TrayAction::SyncNow,
                false,
                "Sync now (sync engine not installed yet)",
            ),
            (
                TrayAction::Pause,
                false,
                "Pause syncing (sync engine not installed yet)",
            ),
            (TrayAction::ToggleAutostart, true, "Start at login"),
            (TrayAction::Quit, true, "Quit BackupBridge"),
        ];
        for (action, available, label) in cases {
            assert_eq!(action.is_available(), available, "{action:?}");
            assert_eq!(action.label(), label);
        }
    }

    #[test]
    fn actions_have_the_expected_effects() {
        struct Case {
            action: TrayAction,
            autostart_before: bool,
            fail_autostart: bool,
            autostart_sticks: bool,
            expected: std::result::Result<Outcome, ()>,
            calls: &'static [&'static str],
        }
        let cases = [
            Case {
                action: TrayAction::Open,
                autostart_before: false,
                fail_autostart: false,
                autostart_sticks: false,
                expected: Ok(Outcome::Done),
                calls: &["show"],
            },
            Case {
                action: TrayAction::ToggleAutostart,
                autostart_before: false,
                fail_autostart: false,
                autostart_sticks: false,
                expected: Ok(Outcome::Autostart(true)),
                calls: &["set_autostart(true)"],
            },
            Case {
                action: TrayAction::ToggleAutostart,
                autostart_before: true,
                fail_autostart: false,
                autostart_sticks: false,
                expected: Ok(Outcome::Autostart(false)),
                calls: &["set_autostart(false)"],
            },
            Case {
                action: TrayAction::ToggleAutostart,
                autostart_before: false,
                fail_autostart: false,
                autostart_sticks: true,
                expected: Ok(Outcome::Autostart(false)),
                calls: &["set_autostart(true)"],
            },
            Case {
                action: TrayAction::ToggleAutostart,
                autostart_before: false,
                fail_autostart: true,
                autostart_sticks: false,
                expected: Err(()),
                calls: &["set_autostart(true)"],
            },
            Case {
                action: TrayAction::SyncNow,
                autostart_before: false,
                fail_autostart: false,
                autostart_sticks: false,
                expected: Ok(Outcome::Unavailable),
                calls: &[],
            },
            Case {
                action: TrayAction::Pause,
                autostart_before: false,
                fail_autostart: false,
                autostart_sticks: false,
                expected: Ok(Outcome::Unavailable),
                calls: &[],
            },
            Case {
                action: TrayAction::Quit,
                autostart_before: false,
                fail_autostart: false,
                autostart_sticks: false,
                expected: Ok(Outcome::Done),
                calls: &["quit"],
            },
        ];
        for case in cases {
            let shell = FakeShell {
                autostart: Cell::new(case.autostart_before),
                fail_autostart: case.fail_autostart,
                autostart_sticks: case.autostart_sticks,
                ..FakeShell::default()
            };
            let outcome = handle_action(case.action, &shell).map_err(|_| ());
            assert_eq!(outcome, case.expected, "{:?}", case.action);
            assert_eq!(*shell.calls.borrow(), case.calls, "{:?}", case.action);
        }
    }

    #[test]
    fn every_state_has_a_decodable_tray_icon() {
        for state in [TrayState::Idle, TrayState::Syncing, TrayState::Error] {
            let image = Image::from_bytes(state.icon_png()).unwrap();
            assert_eq!((image.width(), image.height()), (64, 64), "{state:?}");
            assert!(state.tooltip().starts_with("BackupBridge"));
        }
        assert_ne!(TrayState::Idle.icon_png(), TrayState::Error.icon_png());
        assert_ne!(TrayState::Idle.icon_png(), TrayState::Syncing.icon_png());
    }
}
