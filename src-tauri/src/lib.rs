//! BackupBridge desktop shell: wires the window, tray, notifications,
//! single-instance, start-at-login and opener plugins, logging, the sync
//! backend (engine + scheduler, or the demo) and the commands the UI calls.
//! Every product rule lives in `bridge-core`; this crate only hosts it.

pub mod backend;
pub mod commands;
pub mod error;
pub mod events;
pub mod launch;
pub mod logging;
pub mod models;
pub mod notify;
pub mod render;
pub mod state;
pub mod tray;
pub mod window;

use std::sync::Arc;

use tauri::{App, AppHandle, Manager, RunEvent, Runtime};

pub use error::{Error, Result};
use events::{Outputs, TauriSink};
use launch::LaunchOptions;
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
    let app = tauri::Builder::default()
        // First: a second launch must be caught before anything else starts.
        .plugin(tauri_plugin_single_instance::init(on_second_instance))
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .arg(launch::MINIMIZED_ARG)
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::get_status,
            commands::app::sync_now,
            commands::app::set_paused,
            commands::app::start_demo,
            commands::app::stop_demo,
            commands::app::recover_database,
            commands::setup::get_connection,
            commands::setup::save_connection,
            commands::setup::test_connection,
            commands::setup::get_settings,
            commands::setup::set_setting,
            commands::setup::validate_condition,
            commands::setup::preview_agreements,
            commands::setup::summary_example,
            commands::setup::list_boards,
            commands::setup::board_options,
            commands::setup::list_priorities,
            commands::setup::seen_types,
            commands::companies::list_companies,
            commands::companies::refresh_companies,
            commands::companies::map_company,
            commands::companies::unmap_company,
            commands::companies::suggest_companies,
            commands::activity::list_tickets,
            commands::activity::recent_runs,
            commands::activity::preview_sync,
            commands::activity::open_ticket,
            commands::activity::log_tail,
            commands::activity::copy_diagnostics,
        ])
        .setup(|app| setup(app).map_err(Into::into))
        .on_window_event(window::on_window_event)
        .build(tauri::generate_context!())?;
    app.run(on_run_event);
    Ok(())
}

fn setup<R: Runtime>(app: &mut App<R>) -> Result<()> {
    // The same folder the CLI uses, so both see one database and one log folder.
    let paths = AppPaths::new(bridge_core::store::default_data_dir());
    logging::init(&paths.data_dir)?;
    let launch = LaunchOptions::from_args(std::env::args());
    tracing::info!(
        version = %app.package_info().version,
        data_dir = %paths.data_dir.display(),
        ?launch,
        "BackupBridge starting"
    );

    let outputs = Arc::new(Outputs::new(
        Arc::new(TauriSink::new(app.handle().clone())),
        Arc::new(TauriNotifier::new(app.handle().clone())),
    ));
    app.manage(AppState::new(paths, outputs));

    tray::build(app.handle())?;
    tracing::info!("tray icon created");

    // The backend starts in the background (opening the database, or the
    // demo's simulators); commands issued meanwhile wait for it.
    let slot = app.state::<AppState>().lock_for_start()?;
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        handle
            .state::<AppState>()
            .start_with(slot, launch.mode)
            .await;
    });

    if launch.minimized {
        tracing::info!("started at login: staying in the tray");
    } else {
        window::show_main(app.handle())?;
        tracing::info!("main window shown");
    }
    Ok(())
}

/// On quit, stop the scheduler after the cycle in flight (at most
/// [`EXIT_GRACE`]; every action is recorded before and after its call, so a
/// cut-off cycle is safe too), then exit. The exit is held back meanwhile so
/// the main thread stays free for the tray and window updates the last
/// cycle may still publish.
///
/// An exit request without an exit code is the last window going away (Quit
/// and every other exit of ours passes a code): the app stays in the tray.
fn on_run_event<R: Runtime>(app: &AppHandle<R>, event: RunEvent) {
    let RunEvent::ExitRequested { api, code, .. } = event else {
        return;
    };
    if code.is_none() {
        api.prevent_exit();
        bridge_core::mem::release_free_memory();
        return;
    }
    let state = app.state::<AppState>();
    if !state.begin_quit() {
        return; // the second request, ours: let it through
    }
    api.prevent_exit();
    tracing::info!("BackupBridge quitting");
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let stopped = tokio::time::timeout(EXIT_GRACE, app.state::<AppState>().shutdown()).await;
        if stopped.is_err() {
            tracing::warn!("the sync in flight did not finish in time; quitting anyway");
        }
        app.exit(code.unwrap_or(0));
    });
}

/// How long quitting waits for a sync cycle in flight.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

fn on_second_instance<R: Runtime>(app: &AppHandle<R>, _args: Vec<String>, _cwd: String) {
    tracing::info!("second launch: bringing the running window forward");
    window::open_main(app);
}
