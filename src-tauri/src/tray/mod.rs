//! The tray icon and its menu: Open, Sync now, Pause/Resume, Start at login, Quit.
//!
//! The menu's behaviour lives in [`handle_action`], a plain function over the
//! [`ShellControl`] trait, and what the tray shows lives in [`view`], a pure
//! function of the backend's snapshot; both are tested without a desktop
//! panel. The Tauri wiring below only translates menu events into actions
//! and views into icon, tooltip and item states.

mod view;

use std::sync::{Mutex, PoisonError};

use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt;

pub use view::{pause_label, view, TrayState, TrayView, TOOLTIP_MAX_CHARS};

use crate::error::Result;
use crate::events::Phase;
use crate::state::AppState;
use crate::window;

/// Id of the app's single tray icon.
pub const TRAY_ID: &str = "main";

/// What a tray menu item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    /// Show and focus the main window.
    Open,
    /// Start a sync cycle now.
    SyncNow,
    /// Pause background syncing, or resume it when paused.
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

    /// The item's label when the menu is built (Pause then toggles with the state).
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open BackupBridge",
            Self::SyncNow => "Sync now",
            Self::Pause => pause_label(false),
            Self::ToggleAutostart => "Start at login",
            Self::Quit => "Quit BackupBridge",
        }
    }
}

/// Whether the sync can be driven from the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncControl {
    /// No scheduler runs (not configured, starting, or failed to start).
    Unavailable,
    /// The scheduler runs.
    Running,
    /// The scheduler is paused.
    Paused,
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
    /// Where the background sync stands.
    fn sync_control(&self) -> SyncControl;
    /// Asks the scheduler for a cycle now.
    fn sync_now(&self);
    /// Pauses or resumes the scheduler.
    fn set_paused(&self, paused: bool);
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
    /// Pausing (`true`) or resuming (`false`) was asked for.
    Paused(bool),
    /// No scheduler runs, so the sync action was not carried out.
    Unavailable,
}

/// Carries out a tray action.
pub fn handle_action(action: TrayAction, shell: &impl ShellControl) -> Result<Outcome> {
    match action {
        TrayAction::Open => {
            shell.show_main_window()?;
            Ok(Outcome::Done)
        }
        TrayAction::SyncNow => match shell.sync_control() {
            // The item is disabled then; a stray event (a platform that
            // ignores the flag) must not pretend to sync.
            SyncControl::Unavailable => Ok(Outcome::Unavailable),
            SyncControl::Running | SyncControl::Paused => {
                shell.sync_now();
                Ok(Outcome::Done)
            }
        },
        TrayAction::Pause => {
            let pause = match shell.sync_control() {
                SyncControl::Unavailable => return Ok(Outcome::Unavailable),
                SyncControl::Running => true,
                SyncControl::Paused => false,
            };
            shell.set_paused(pause);
            Ok(Outcome::Paused(pause))
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
    }
}

/// [`ShellControl`] over a running Tauri app.
struct AppShell<'a, R: Runtime>(&'a AppHandle<R>);

impl<R: Runtime> ShellControl for AppShell<'_, R> {
    fn show_main_window(&self) -> Result<()> {
        window::open_main(self.0);
        Ok(())
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

    fn sync_control(&self) -> SyncControl {
        match self.0.state::<AppState>().outputs().last().phase {
            Phase::Running(status) if status.state == bridge_core::scheduler::SyncState::Paused => {
                SyncControl::Paused
            }
            Phase::Running(_) => SyncControl::Running,
            Phase::Starting | Phase::NotConfigured | Phase::Failed(_) => SyncControl::Unavailable,
        }
    }

    fn sync_now(&self) {
        let app = self.0.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(error) = app.state::<AppState>().sync_now().await {
                tracing::warn!(%error, "sync now from the tray failed");
            }
        });
    }

    fn set_paused(&self, paused: bool) {
        let app = self.0.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(error) = app.state::<AppState>().set_paused(paused).await {
                tracing::warn!(%error, paused, "pause/resume from the tray failed");
            }
        });
    }

    fn quit(&self) {
        tracing::info!("quit from the tray");
        self.0.exit(0);
    }
}

/// The menu items whose state follows the sync, and the view they show.
struct TrayItems<R: Runtime> {
    sync_now: MenuItem<R>,
    pause: MenuItem<R>,
    shown: Mutex<Option<TrayView>>,
}

/// Builds the tray icon with its menu and installs its handlers. The sync
/// items start disabled; [`show`] enables them once a scheduler runs.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> Result<TrayIcon<R>> {
    let item = |action: TrayAction, enabled: bool| {
        MenuItem::with_id(app, action.id(), action.label(), enabled, None::<&str>)
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
    let sync_now = item(TrayAction::SyncNow, false)?;
    let pause = item(TrayAction::Pause, false)?;
    let menu = Menu::with_items(
        app,
        &[
            &item(TrayAction::Open, true)?,
            &PredefinedMenuItem::separator(app)?,
            &sync_now,
            &pause,
            &PredefinedMenuItem::separator(app)?,
            &autostart,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::Quit, true)?,
        ],
    )?;
    app.manage(TrayItems {
        sync_now,
        pause,
        shown: Mutex::new(None),
    });

    let tray = TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(TrayState::Idle.icon_png())?)
        .tooltip("BackupBridge — starting…")
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
                window::open_main(tray.app_handle());
            }
        })
        .build(app)?;
    Ok(tray)
}

/// Shows `view` on the tray: icon, tooltip and the sync items. Does nothing
/// when the same view is already shown (the status changes more often than
/// what the tray shows).
pub fn show<R: Runtime>(app: &AppHandle<R>, view: &TrayView) -> Result<()> {
    let Some(items) = app.try_state::<TrayItems<R>>() else {
        return Ok(());
    };
    let mut shown = items.shown.lock().unwrap_or_else(PoisonError::into_inner);
    if shown.as_ref() == Some(view) {
        return Ok(());
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        if shown.as_ref().map(|v| v.state) != Some(view.state) {
            tray.set_icon(Some(Image::from_bytes(view.state.icon_png())?))?;
        }
        tray.set_tooltip(Some(&view.tooltip))?;
    }
    items.sync_now.set_enabled(view.can_sync)?;
    items.pause.set_enabled(view.can_sync)?;
    items.pause.set_text(pause_label(view.paused))?;
    *shown = Some(view.clone());
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
        Ok(Outcome::Done | Outcome::Paused(_)) => {}
        Ok(Outcome::Unavailable) => {
            tracing::info!(?action, "ignored: no background sync runs");
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
            if let Err(error) = state.outputs().notifier().notify("BackupBridge", &body) {
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
mod tests;
