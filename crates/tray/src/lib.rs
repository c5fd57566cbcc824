//! The BackupBridge tray process: what runs all day.
//!
//! It owns the sync backend (engine and scheduler, or the demo), the tray
//! icon and its menu, notifications, start at login and the single-instance
//! rule, and it links no web engine: idle in the tray it is a fraction of a
//! process with a web view. The window is a second process
//! (`backup-bridge-app --window`) that this one starts on *Open* and that
//! ends when the window is closed; its commands come here over the loopback
//! link of `bridge_link::ipc`.

mod clicks;
mod desktop;
mod markup;
mod platform;
mod window_process;

use std::sync::Arc;
use std::time::Duration;

use bridge_core::alerts::Notification;
use bridge_core::secrets::EnvSecrets;
use bridge_link::instance::{self, Reach, TrayAddress, TrayLock, HAND_OVER_WAIT};
use bridge_link::ipc::{self, CallFuture, TrayService, WindowChange, WindowLink};
use bridge_link::launch::{sibling_binary, LaunchOptions, StartMode, WINDOW_BINARY};
use bridge_link::logging;
use bridge_shell::events::{EventSink, Outputs, Snapshot, NOTIFICATION_EVENT, STATUS_EVENT};
use bridge_shell::state::{AppPaths, AppState};
use bridge_shell::{commands, demo, Result};
use serde_json::Value;
use tao::event_loop::{EventLoopBuilder, EventLoopProxy};

use desktop::{DesktopNotifier, UserEvent};
use window_process::WindowProcess;

/// How long quitting waits for a sync cycle in flight (every action is
/// recorded before and after its call, so a cut-off cycle is safe too).
pub const EXIT_GRACE: Duration = Duration::from_secs(10);

/// Title of the one-time hint shown when the window is first closed.
pub const TRAY_HINT_TITLE: &str = "BackupBridge is still running";
/// Body of the one-time hint shown when the window is first closed.
pub const TRAY_HINT_BODY: &str = "It stays in the tray. Choose Quit from the tray menu to stop it.";

/// Runs the tray process until the user quits; returns the exit status.
/// `env_secrets` are the secrets `main` took out of the environment.
pub fn run(env_secrets: EnvSecrets) -> i32 {
    match try_run(env_secrets) {
        Ok(code) => code,
        Err(error) => {
            tracing::error!(%error, "BackupBridge stopped");
            eprintln!("BackupBridge could not start: {error}");
            1
        }
    }
}

fn try_run(env_secrets: EnvSecrets) -> Result<i32> {
    // The same folder the CLI uses, so both see one database and one log folder.
    let paths = AppPaths::new(bridge_core::store::default_data_dir());
    logging::init(&paths.data_dir)?;
    let launch = LaunchOptions::from_args(std::env::args());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .thread_name("bb-tray")
        .enable_all()
        .build()?;

    let Some(lock) = claim_instance(&paths, &launch, &runtime)? else {
        return Ok(0);
    };
    tracing::info!(
        version = bridge_shell::VERSION,
        data_dir = %paths.data_dir.display(),
        ?launch,
        "BackupBridge starting"
    );

    let event_loop = EventLoopBuilder::<UserEvent>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    let link = Arc::new(WindowLink::default());
    let notifier = Arc::new(DesktopNotifier {
        proxy: proxy.clone(),
    });
    let outputs = Arc::new(Outputs::new(
        Arc::new(TraySink {
            proxy: proxy.clone(),
            link: Arc::clone(&link),
        }),
        notifier,
    ));
    let state = Arc::new(
        AppState::new(paths.clone(), Arc::clone(&outputs), env_secrets)
            .with_demo_source(demo::launch_source(&launch)),
    );

    // The backend starts in the background (opening the database, or the
    // demo's simulators); commands issued meanwhile wait for it.
    let slot = state.lock_for_start()?;
    let starting = Arc::clone(&state);
    let mode = start_mode(launch.mode);
    runtime.spawn(async move { starting.start_with(slot, mode).await });

    let window = Arc::new(WindowProcess::new(
        Arc::clone(&link),
        sibling_binary(WINDOW_BINARY)?,
        Arc::clone(&state),
    ));
    if launch.window_follows {
        window.expect_window();
    }
    let address = serve_window(&runtime, &paths, &state, &window, &link)?;
    runtime.spawn(quit_on_signal(proxy.clone()));

    if launch.minimized {
        tracing::info!("started in the tray");
    } else {
        window.open();
    }
    let shell = desktop::Shell {
        state,
        window,
        link,
        proxy,
        runtime,
        data_dir: paths.data_dir,
        address,
        _lock: lock,
    };
    desktop::run(event_loop, shell)
}

/// The single-instance rule: this process's lock, or `None` when another
/// BackupBridge runs (a second launch hands over to it and ends).
fn claim_instance(
    paths: &AppPaths,
    launch: &LaunchOptions,
    runtime: &tokio::runtime::Runtime,
) -> Result<Option<TrayLock>> {
    Ok(match instance::lock(&paths.data_dir)? {
        Some(lock) => Some(lock),
        None if launch.minimized => {
            tracing::info!("BackupBridge is already running; nothing to start");
            None
        }
        None => match runtime.block_on(instance::reach(&paths.data_dir, HAND_OVER_WAIT))? {
            Reach::Running(address) => {
                tracing::info!(
                    pid = address.pid,
                    "second launch: handed over to the running BackupBridge"
                );
                None
            }
            // The running one was quitting: this one takes over.
            Reach::Free(lock) => Some(lock),
        },
    })
}

/// Serves the window process's commands over the loopback link, after
/// writing the link's address to the data folder (a second launch reads it
/// there to hand over).
fn serve_window(
    runtime: &tokio::runtime::Runtime,
    paths: &AppPaths,
    state: &Arc<AppState>,
    window: &Arc<WindowProcess>,
    link: &Arc<WindowLink>,
) -> Result<TrayAddress> {
    let (listener, address) = runtime.block_on(ipc::listen())?;
    address.write(&paths.data_dir)?;
    let service = Arc::new(Service {
        state: Arc::clone(state),
        window: Arc::clone(window),
    });
    runtime.spawn(ipc::serve(
        listener,
        address.token.clone(),
        service,
        Arc::clone(link),
    ));
    Ok(address)
}

/// The mode to start in. A build without demo mode starts normally where
/// the demo was only a choice for a fresh machine (`--demo-if-unconfigured`);
/// asked for the demo outright (`--demo`), it tries, and the backend reports
/// that this build has none ([`demo::NO_DEMO_MODE`]).
fn start_mode(asked: StartMode) -> StartMode {
    match asked {
        StartMode::DemoIfUnconfigured if !demo::AVAILABLE => {
            tracing::info!("this build has no demo mode; starting normally");
            StartMode::Real
        }
        StartMode::Demo if !demo::AVAILABLE => {
            tracing::error!("{}", demo::NO_DEMO_MODE);
            StartMode::Demo
        }
        mode => mode,
    }
}

/// Quits like the tray's Quit when the system asks the process to end
/// (log-out, `kill`, Ctrl+C in a terminal).
async fn quit_on_signal(proxy: EventLoopProxy<UserEvent>) {
    bridge_link::platform::asked_to_end().await;
    tracing::info!("asked to end by the system");
    let _ = proxy.send_event(UserEvent::Quit(0));
}

/// What the backend publishes goes to the tray (through the event loop) and
/// to the window, when one is open.
struct TraySink {
    proxy: EventLoopProxy<UserEvent>,
    link: Arc<WindowLink>,
}

impl EventSink for TraySink {
    fn status(&self, snapshot: &Snapshot) {
        let view = bridge_shell::tray::view(snapshot, &chrono::Local::now());
        if self.proxy.send_event(UserEvent::Show(view)).is_err() {
            tracing::debug!("the tray is gone; status not shown");
        }
        self.link.event(STATUS_EVENT, &snapshot.status());
    }

    fn notification(&self, notification: &Notification) {
        self.link.event(NOTIFICATION_EVENT, notification);
    }
}

/// The tray process's side of the link: commands run against the state.
struct Service {
    state: Arc<AppState>,
    window: Arc<WindowProcess>,
}

impl TrayService for Service {
    fn call(&self, command: String, args: Value) -> CallFuture<'_> {
        Box::pin(async move {
            let started = std::time::Instant::now();
            let answer = commands::call(&self.state, &command, args).await;
            tracing::debug!(%command, ok = answer.is_ok(), elapsed = ?started.elapsed(), "window call answered");
            answer.map_err(|error| ipc::error_value(&error))
        })
    }

    fn open(&self) {
        self.window.open();
    }

    fn window_changed(&self, change: WindowChange) {
        match change {
            WindowChange::Opened => {
                self.window.connected();
                tracing::info!("main window shown");
            }
            WindowChange::Lost => {
                bridge_core::mem::release_free_memory();
                if !self.state.is_quitting() {
                    tracing::warn!("the window went away without being closed");
                }
            }
            WindowChange::Closed => {
                bridge_core::mem::release_free_memory();
                if self.state.is_quitting() {
                    return;
                }
                tracing::info!("main window closed; the app keeps running in the tray");
                if self.state.take_tray_hint() {
                    self.state.outputs().tell(TRAY_HINT_TITLE, TRAY_HINT_BODY);
                }
            }
        }
    }

    fn accepting(&self) -> bool {
        !self.state.is_quitting()
    }
}
