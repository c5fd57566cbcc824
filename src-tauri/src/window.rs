//! The main window: created when it is first shown, and destroyed when it is
//! closed while the app keeps running in the tray. A closed window takes its
//! web view (and WebKit's helper processes) with it, so the app idles in the
//! tray with only its own process; opening it again builds a fresh one, which
//! loads the current state like a first start.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder, Window, WindowEvent};

use crate::error::{Error, Result};
use crate::state::AppState;

/// Label of the main window in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

/// Held while the main window is looked up or built, so two quick requests
/// (a tray click and a second launch) never build it twice.
static SHOWING: Mutex<()> = Mutex::new(());

/// Shows, restores and focuses the main window, building it first when it
/// does not exist (at a start not from login, or after it was closed).
///
/// Building a window blocks until the event loop has made it, so this must
/// not run inside an event handler (on Windows that deadlocks): handlers
/// call [`open_main`].
pub fn show_main<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let _one_at_a_time = SHOWING.lock().unwrap_or_else(|p| p.into_inner());
    let window = match app.get_webview_window(MAIN_WINDOW) {
        Some(window) => window,
        None => {
            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == MAIN_WINDOW)
                .ok_or(Error::MissingWindow(MAIN_WINDOW))?;
            let window = WebviewWindowBuilder::from_config(app, config)?.build()?;
            tracing::info!("main window created");
            window
        }
    };
    window.unminimize()?;
    window.show()?;
    window.set_focus()?;
    Ok(())
}

/// [`show_main`] from an event handler (tray, second launch): run off the
/// handler, on the async runtime, and a failure is logged.
pub fn open_main<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = show_main(&app) {
            tracing::warn!(%error, "could not open the window");
        }
    });
}

/// Window event hook: closing the main window lets it go, but not the app,
/// which keeps syncing from the tray (see `on_run_event`: the exit request
/// that follows the last window is refused); the first time, the user is
/// told where it went.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { .. } = event else {
        return;
    };
    if window.label() != MAIN_WINDOW {
        return;
    }
    let state = window.state::<AppState>();
    tracing::info!("main window closed; the app keeps running in the tray");
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
