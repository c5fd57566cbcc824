//! The window process: a Tauri web view whose commands all go to the tray
//! process, and whose events (status, notifications) come from it. Closing
//! the window ends the process, and with it the web engine; the tray
//! process keeps syncing.

use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bridge_link::instance::{retry_for, Failed, TrayAddress};
use bridge_link::ipc::{error_value, FromTray, TrayClient};
use bridge_link::logging::TRAY_STDERR_FILE;
use bridge_link::{Error, Result};
use serde_json::Value;
use tauri::ipc::{Invoke, InvokeBody, InvokeError};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewWindowBuilder, WindowEvent};
use tokio::sync::mpsc::UnboundedReceiver;

/// Label of the main window in `tauri.conf.json`.
pub const MAIN_WINDOW: &str = "main";

/// How long a closing window waits for its last message to the tray
/// process to be written.
const LAST_WORD_WAIT: Duration = Duration::from_secs(2);

/// How long the window waits for the tray process (which may be starting).
pub const CONNECT_WAIT: Duration = Duration::from_secs(30);

/// Shows the window until it is closed; returns the exit status. `tray` is
/// the tray process when this launch started it (its early end is then
/// reported at once instead of after the wait).
pub fn run(data_dir: &Path, tray: Option<Child>) -> Result<i32> {
    let (client, events) = tauri::async_runtime::block_on(connect(data_dir, tray))?;
    let client = Arc::new(client);
    let closing = Arc::clone(&client);
    let last_word = Arc::clone(&client);
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
        .on_window_event(move |_, event| {
            if let WindowEvent::CloseRequested { .. } = event {
                closing.closing();
            }
        })
        .build(tauri::generate_context!())
        .map_err(runtime)?;
    let status = app.run_return(|_, _| {});
    // The process ends next, and with it the link's writer: the tray must
    // first have read that the window was closed (not lost).
    // The timer is made inside the runtime: it needs its clock.
    let flushed = tauri::async_runtime::block_on(async {
        tokio::time::timeout(LAST_WORD_WAIT, last_word.flushed()).await
    });
    if flushed.is_err() {
        tracing::warn!("the tray process did not take the window's last message in time");
    }
    Ok(status)
}

/// Connects to the tray process, waiting for it to write its address and
/// answer (it may be starting).
async fn connect(
    data_dir: &Path,
    mut tray: Option<Child>,
) -> Result<(TrayClient, UnboundedReceiver<FromTray>)> {
    let log_dir = bridge_base::logs::log_dir(data_dir);
    let attempt = || {
        let ended = match tray.as_mut().map(Child::try_wait) {
            Some(Ok(Some(status))) => Some(Error::Runtime(format!(
                "the BackupBridge tray process ended at start ({status}); {} in {} says why",
                TRAY_STDERR_FILE,
                log_dir.display()
            ))),
            _ => None,
        };
        async move {
            if let Some(error) = ended {
                return Err(Failed::Stop(error));
            }
            let address = TrayAddress::read(data_dir)
                .map_err(Failed::Stop)?
                .ok_or_else(|| Error::Runtime("it has not written its address".into()))?;
            Ok(TrayClient::connect(&address).await?)
        }
    };
    retry_for(CONNECT_WAIT, attempt)
        .await
        .map_err(|failed| match failed {
            Failed::Stop(error) => error,
            Failed::Retry(error) => Error::Runtime(format!(
                "the BackupBridge tray process does not answer ({error}); \
                 see the log in {} for why it did not start",
                log_dir.display()
            )),
        })
}

/// Passes a UI command to the tray process and its answer back. Ticket
/// links open from here: the window is in front, and the system lets the
/// program in front bring the browser forward.
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
    if command == "open_ticket" {
        let url = args.get("url").and_then(Value::as_str).unwrap_or_default();
        match bridge_link::browser::open_web_link(url) {
            Ok(()) => invoke.resolver.resolve(Value::Null),
            Err(error) => invoke.resolver.reject(error_value(&error)),
        }
        return true;
    }
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
