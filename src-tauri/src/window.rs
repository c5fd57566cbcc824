//! The main window: showing it, and keeping the app in the tray when it closes.

use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

use crate::error::{Error, Result};
use crate::state::AppState;

/// Label of the main window in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

/// Shows, restores and focuses the main window.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let window = app
        .get_webview_window(MAIN_WINDOW)
        .ok_or(Error::MissingWindow(MAIN_WINDOW))?;
    window.unminimize()?;
    window.show()?;
    window.set_focus()?;
    Ok(())
}

/// Window event hook: closing the main window hides it instead, so the app keeps
/// syncing from the tray; the first time, the user is told where it went.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    if window.label() != MAIN_WINDOW {
        return;
    }
    api.prevent_close();
    if let Err(error) = window.hide() {
        tracing::warn!(%error, "could not hide the main window");
    }
    tracing::info!("main window closed; the app keeps running in the tray");
    let state = window.state::<AppState>();
    if state.take_tray_hint() {
        if let Err(error) = state
            .outputs()
            .notifier()
            .notify(TRAY_HINT_TITLE, TRAY_HINT_BODY)
        {
            tracing::warn!(%error, "could not show the keeps-running hint");
        }
    }
}

/// Title of the one-time hint shown when the window is first closed.
pub const TRAY_HINT_TITLE: &str = "BackupBridge is still running";
/// Body of the one-time hint shown when the window is first closed.
pub const TRAY_HINT_BODY: &str = "It stays in the tray. Choose Quit from the tray menu to stop it.";
