//! BackupBridge desktop shell: wires the window, tray, notifications,
//! single-instance and start-at-login plugins, logging, and the commands the UI
//! calls. Every product rule lives in `bridge-core`; this crate only hosts it.

pub mod commands;
pub mod error;
pub mod logging;
pub mod models;
pub mod notify;
pub mod state;
pub mod tray;
pub mod window;

use std::sync::Arc;

use tauri::{App, AppHandle, Manager, Runtime};

pub use error::{Error, Result};
use notify::TauriNotifier;
use state::{AppPaths, AppState};

/// Runs the desktop app until the user quits. Exits the process with status 1
/// if the app cannot start.
pub fn run() {
    if let Err(error) = try_run() {
        tracing::error!(%error, "BackupBridge stopped");
        eprintln!("BackupBridge could not start: {error}");
        std::process::exit(1);
    }
}

fn try_run() -> Result<()> {
    tauri::Builder::default()
        // First: a second launch must be caught before anything else starts.
        .plugin(tauri_plugin_single_instance::init(on_second_instance))
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .arg(window::MINIMIZED_ARG)
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .setup(|app| setup(app).map_err(Into::into))
        .on_window_event(window::on_window_event)
        .run(tauri::generate_context!())?;
    Ok(())
}

fn setup<R: Runtime>(app: &mut App<R>) -> Result<()> {
    // The same folder the CLI uses, so both see one database and one log folder.
    let paths = AppPaths::new(bridge_core::store::default_data_dir());
    logging::init(&paths.log_dir)?;
    tracing::info!(
        version = %app.package_info().version,
        data_dir = %paths.data_dir.display(),
        "BackupBridge starting"
    );

    let notifier = Arc::new(TauriNotifier::new(app.handle().clone()));
    app.manage(AppState::new(paths, notifier));

    tray::build(app.handle())?;
    tracing::info!("tray icon created");

    if window::started_minimized(std::env::args()) {
        tracing::info!("started at login: staying in the tray");
    } else {
        window::show_main(app.handle())?;
        tracing::info!("main window shown");
    }
    Ok(())
}

fn on_second_instance<R: Runtime>(app: &AppHandle<R>, _args: Vec<String>, _cwd: String) {
    tracing::info!("second launch: bringing the running window forward");
    if let Err(error) = window::show_main(app) {
        tracing::warn!(%error, "could not bring the window forward");
    }
}
