//! The window process: a Tauri web view whose commands all go to the tray
//! process, and whose events (status, notifications) come from it. Closing
//! the window ends the process, and with it the web engine; the tray
//! process keeps syncing.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bridge_shell::instance::{TrayAddress, RETRY_PAUSE};
use bridge_shell::ipc::{error_value, FromTray, TrayClient};
use bridge_shell::{Error, Result};
use tauri::ipc::{Invoke, InvokeBody, InvokeError};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewWindowBuilder};
use tokio::sync::mpsc::UnboundedReceiver;

/// Label of the main window in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

/// How long the window waits for the tray process (which may be starting).
pub const CONNECT_WAIT: Duration = Duration::from_secs(30);

/// Shows the window until it is closed; returns the exit status.
pub fn run(data_dir: &Path) -> Result<i32> {
    let (client, events) = tauri::async_runtime::block_on(connect(data_dir, CONNECT_WAIT))?;
    let client = Arc::new(client);
    let events = Mutex::new(Some(events));
    let app = tauri::Builder::default()
        .invoke_handler(move |invoke| forward(&client, invoke))
        .setup(move |app| {
            show_main(app.handle())?;
            tracing::info!("main window created");
            let events = events.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(events) = events {
                relay(app.handle().clone(), events);
            }
            Ok(())
        })
        .build(tauri::generate_context!())
        .map_err(runtime)?;
    Ok(app.run_return(|_, _| {}))
}

/// Connects to the tray process, waiting for it to write its address and
/// answer.
async fn connect(
    data_dir: &Path,
    wait: Duration,
) -> Result<(TrayClient, UnboundedReceiver<FromTray>)> {
    let deadline = Instant::now() + wait;
    loop {
        let attempt = match TrayAddress::read(data_dir) {
            Some(address) => TrayClient::connect(&address).await,
            None => Err(Error::Runtime("it has not written its address".into())),
        };
        match attempt {
            Ok(connected) => return Ok(connected),
            Err(error) if Instant::now() >= deadline => {
                return Err(Error::Runtime(format!(
                    "the BackupBridge tray process does not answer ({error}); \
                     see the log in {} for why it did not start",
                    bridge_core::logs::log_dir(data_dir).display()
                )))
            }
            Err(_) => tokio::time::sleep(RETRY_PAUSE).await,
        }
    }
}

/// Passes a UI command to the tray process and its answer back.
fn forward<R: Runtime>(client: &Arc<TrayClient>, invoke: Invoke<R>) -> bool {
    let command = invoke.message.command().to_owned();
    let args = match invoke.message.payload() {
        InvokeBody::Json(args) => args.clone(),
        InvokeBody::Raw(_) => {
            let error = Error::Invalid(format!("{command} takes JSON arguments"));
            invoke.resolver.reject(error_value(&error));
            return true;
        }
    };
    let client = Arc::clone(client);
    invoke
        .resolver
        .respond_async(async move { client.call(&command, args).await.map_err(InvokeError) });
    true
}

/// Carries what the tray process sends to the UI and the window.
fn relay<R: Runtime>(app: AppHandle<R>, mut events: UnboundedReceiver<FromTray>) {
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                FromTray::Event { name, payload } => {
                    if let Err(error) = app.emit(&name, payload) {
                        tracing::warn!(%error, name, "could not pass an event to the window");
                    }
                }
                FromTray::Focus => {
                    if let Err(error) = show_main(&app) {
                        tracing::warn!(%error, "could not bring the window forward");
                    }
                }
                FromTray::Close => {
                    tracing::info!("the tray process closed the window");
                    app.exit(0);
                }
                FromTray::Lost => {
                    tracing::error!("the window lost the tray process; closing");
                    app.exit(1);
                }
            }
        }
    });
}

/// Shows, restores and focuses the main window, building it first.
fn show_main<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let window = match app.get_webview_window(MAIN_WINDOW) {
        Some(window) => window,
        None => {
            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == MAIN_WINDOW)
                .ok_or_else(|| {
                    Error::Runtime(format!("no window `{MAIN_WINDOW}` is configured"))
                })?;
            WebviewWindowBuilder::from_config(app, config)
                .map_err(runtime)?
                .build()
                .map_err(runtime)?
        }
    };
    window.unminimize().map_err(runtime)?;
    window.show().map_err(runtime)?;
    window.set_focus().map_err(runtime)?;
    Ok(())
}

fn runtime(error: tauri::Error) -> Error {
    Error::Runtime(format!("desktop runtime: {error}"))
}
