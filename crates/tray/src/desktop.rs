//! The desktop side of the tray process: the event loop on the main thread,
//! the tray icon and its menu, notifications and start at login. What the
//! menu does is `bridge_shell::tray::handle_action`; what the tray shows is
//! `bridge_shell::tray::view`; what a clicked notification does is
//! `crate::clicks`. This module only carries events in and views out.

use std::path::PathBuf;
use std::sync::Arc;

use auto_launch::AutoLaunch;
use bridge_core::alerts::{ActivityFilter, NotificationTarget};
use bridge_link::instance::{TrayAddress, TrayLock};
use bridge_link::ipc::{ToWindow, WindowLink};
use bridge_shell::notify::Notifier;
use bridge_shell::state::AppState;
use bridge_shell::tray::{
    action_name, handle_action, pause_label, sync_control, ActionOutcome, ShellControl,
    SyncControl, TrayAction, TrayState, TrayView, TRAY_ID,
};
use bridge_shell::{Error, Result, APP_NAME};
use tao::event::{Event, StartCause};
use tao::event_loop::{ControlFlow, EventLoop, EventLoopProxy};
use tray_icon::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

use crate::clicks::{self, Opener};
use crate::platform::{self, Os};
use crate::window_process::WindowProcess;
use crate::EXIT_GRACE;

/// What reaches the event loop from other threads.
#[derive(Debug)]
pub enum UserEvent {
    /// Show this on the tray.
    Show(TrayView),
    /// A menu item was chosen.
    Menu(MenuEvent),
    /// The tray icon was clicked.
    Icon(TrayIconEvent),
    /// A notification was clicked: open what it points at.
    Open(NotificationTarget),
    /// Quit with this status (the tray's Quit, a signal).
    Quit(i32),
    /// The backend has stopped: end the loop with this status.
    Exit(i32),
}

/// Everything the event loop owns.
pub struct Shell {
    pub state: Arc<AppState>,
    pub window: Arc<WindowProcess>,
    pub link: Arc<WindowLink>,
    pub proxy: EventLoopProxy<UserEvent>,
    pub runtime: tokio::runtime::Runtime,
    pub data_dir: PathBuf,
    pub address: TrayAddress,
    /// Held until the process ends.
    pub _lock: TrayLock,
}

/// Runs the event loop until the user quits.
pub fn run(mut event_loop: EventLoop<UserEvent>, shell: Shell) -> ! {
    platform::prepare_event_loop(&mut event_loop);
    platform::init_notifications();
    let menu_proxy = shell.proxy.clone();
    MenuEvent::set_event_handler(Some(move |event| {
        let _ = menu_proxy.send_event(UserEvent::Menu(event));
    }));
    let icon_proxy = shell.proxy.clone();
    TrayIconEvent::set_event_handler(Some(move |event| {
        let _ = icon_proxy.send_event(UserEvent::Icon(event));
    }));

    let mut tray: Option<Tray> = None;
    event_loop.run(move |event, _, control_flow| {
        if !matches!(control_flow, ControlFlow::ExitWithCode(_)) {
            *control_flow = ControlFlow::Wait;
        }
        match event {
            Event::NewEvents(StartCause::Init) => match Tray::build(&shell) {
                Ok(mut built) => {
                    tracing::info!("tray icon created");
                    // A status published before the tray existed.
                    let view = bridge_shell::tray::view(
                        &shell.state.outputs().last(),
                        &chrono::Local::now(),
                    );
                    built.show(&view);
                    tray = Some(built);
                }
                Err(error) => {
                    // Syncing goes on without the icon; the window is then
                    // the way in, and starting the app again reopens it.
                    tracing::error!(%error, "the tray icon could not be created");
                    let body = format!(
                        "The tray icon could not be shown ({error}). BackupBridge keeps \
                         syncing; start it again to open its window."
                    );
                    shell.state.outputs().tell(APP_NAME, &body);
                    shell.window.open();
                }
            },
            Event::UserEvent(UserEvent::Show(view)) => {
                if let Some(tray) = tray.as_mut() {
                    tray.show(&view);
                }
            }
            Event::UserEvent(UserEvent::Menu(event)) => {
                if let Some(tray) = tray.as_ref() {
                    tray.on_menu(&shell, &event);
                }
            }
            Event::UserEvent(UserEvent::Icon(event)) => on_icon(&shell, &event),
            Event::UserEvent(UserEvent::Open(target)) => {
                if let Err(error) = clicks::perform(target, &ShellHandle(&shell)) {
                    tracing::warn!(%error, "a clicked notification could not be opened");
                    let body = format!("The ticket could not be opened: {error}");
                    shell.state.outputs().tell(APP_NAME, &body);
                }
            }
            // macOS: the app's icon in the Finder or the Dock was clicked again.
            Event::Reopen { .. } => {
                shell.window.open();
            }
            Event::UserEvent(UserEvent::Quit(code)) => quit(&shell, code),
            Event::UserEvent(UserEvent::Exit(code)) => {
                *control_flow = ControlFlow::ExitWithCode(code);
            }
            Event::LoopDestroyed => {
                shell.address.remove(&shell.data_dir);
                tracing::info!("BackupBridge stopped");
            }
            _ => {}
        }
    })
}

/// Quitting: the window closes, the scheduler stops after the cycle in
/// flight (at most [`EXIT_GRACE`]), then the loop ends. The loop keeps
/// running meanwhile for the tray updates the last cycle may publish.
fn quit(shell: &Shell, code: i32) {
    if !shell.state.begin_quit() {
        return;
    }
    tracing::info!("BackupBridge quitting");
    // A launch from now on starts a new tray process instead of handing over.
    shell.address.remove(&shell.data_dir);
    shell.link.send(ToWindow::Close);
    let (state, proxy) = (Arc::clone(&shell.state), shell.proxy.clone());
    shell.runtime.spawn(async move {
        if tokio::time::timeout(EXIT_GRACE, state.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("the sync in flight did not finish in time; quitting anyway");
        }
        let _ = proxy.send_event(UserEvent::Exit(code));
    });
}

/// macOS convention: a click opens the menu. Elsewhere a left click opens
/// the window and the menu is on the right button.
fn on_icon(shell: &Shell, event: &TrayIconEvent) {
    if platform::menu_on_left_click(Os::current()) {
        return;
    }
    if let TrayIconEvent::Click {
        button: MouseButton::Left,
        button_state: MouseButtonState::Up,
        ..
    } = event
    {
        shell.window.open();
    }
}

/// The tray icon and the menu items whose state follows the sync.
struct Tray {
    icon: TrayIcon,
    sync_now: MenuItem,
    pause: MenuItem,
    autostart: CheckMenuItem,
    shown: Option<TrayView>,
}

impl Tray {
    /// Builds the tray icon with its menu. The sync items start disabled;
    /// [`Tray::show`] enables them once a scheduler runs.
    fn build(shell: &Shell) -> Result<Tray> {
        let item = |action: TrayAction, enabled: bool| {
            MenuItem::with_id(action.id(), action.label(), enabled, None)
        };
        let autostart_now = ShellHandle(shell)
            .autostart_enabled()
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "could not read the start-at-login state");
                false
            });
        let autostart = CheckMenuItem::with_id(
            TrayAction::ToggleAutostart.id(),
            TrayAction::ToggleAutostart.label(),
            true,
            autostart_now,
            None,
        );
        let sync_now = item(TrayAction::SyncNow, false);
        let pause = item(TrayAction::Pause, false);
        let menu = Menu::with_items(&[
            &item(TrayAction::Open, true),
            &PredefinedMenuItem::separator(),
            &sync_now,
            &pause,
            &PredefinedMenuItem::separator(),
            &autostart,
            &PredefinedMenuItem::separator(),
            &item(TrayAction::Quit, true),
        ])
        .map_err(runtime)?;
        let icon = TrayIconBuilder::new()
            .with_id(TRAY_ID)
            .with_icon(icon(TrayState::Idle)?)
            .with_tooltip(format!("{APP_NAME} — starting…"))
            .with_menu(Box::new(menu))
            .with_menu_on_left_click(platform::menu_on_left_click(Os::current()))
            .build()
            .map_err(runtime)?;
        Ok(Tray {
            icon,
            sync_now,
            pause,
            autostart,
            shown: None,
        })
    }

    /// Shows `view`: icon, tooltip and the sync items. Does nothing when the
    /// same view is already shown (the status changes more often than what
    /// the tray shows).
    fn show(&mut self, view: &TrayView) {
        if self.shown.as_ref() == Some(view) {
            return;
        }
        if self.shown.as_ref().map(|v| v.state) != Some(view.state) {
            let set = icon(view.state).and_then(|i| self.icon.set_icon(Some(i)).map_err(runtime));
            if let Err(error) = set {
                tracing::warn!(%error, "could not update the tray icon");
            }
        }
        if let Err(error) = self.icon.set_tooltip(Some(&view.tooltip)) {
            tracing::warn!(%error, "could not update the tray tooltip");
        }
        self.sync_now.set_enabled(view.can_sync);
        self.pause.set_enabled(view.can_sync);
        self.pause.set_text(pause_label(view.paused));
        self.shown = Some(view.clone());
    }

    fn on_menu(&self, shell: &Shell, event: &MenuEvent) {
        let Some(action) = TrayAction::from_id(event.id().as_ref()) else {
            return;
        };
        tracing::info!(?action, "tray menu");
        let handle = ShellHandle(shell);
        match handle_action(action, &handle) {
            Ok(ActionOutcome::Autostart(enabled)) => {
                tracing::info!(enabled, "start at login changed");
                self.autostart.set_checked(enabled);
            }
            Ok(ActionOutcome::Done | ActionOutcome::Paused(_)) => {}
            Ok(ActionOutcome::Unavailable) => {
                tracing::info!(?action, "ignored: no background sync runs");
            }
            Err(error) => {
                tracing::error!(?action, %error, "tray action failed");
                if action == TrayAction::ToggleAutostart {
                    // The menu toggled its check mark on click; put back the truth.
                    if let Ok(enabled) = handle.autostart_enabled() {
                        self.autostart.set_checked(enabled);
                    }
                }
                let body = format!("{} failed: {error}", action_name(action));
                shell.state.outputs().tell(APP_NAME, &body);
            }
        }
    }
}

fn icon(state: TrayState) -> Result<Icon> {
    let image = state.icon_rgba()?;
    Icon::from_rgba(image.rgba, image.width, image.height).map_err(runtime)
}

fn runtime(error: impl std::fmt::Display) -> Error {
    Error::Runtime(format!("desktop runtime: {error}"))
}

/// [`ShellControl`] over the running tray process.
struct ShellHandle<'a>(&'a Shell);

impl ShellControl for ShellHandle<'_> {
    fn open_window(&self) -> Result<()> {
        self.0.window.open();
        Ok(())
    }

    fn autostart_enabled(&self) -> Result<bool> {
        autostart()?.is_enabled().map_err(autostart_error)
    }

    fn set_autostart(&self, enabled: bool) -> Result<()> {
        let launcher = autostart()?;
        let result = if enabled {
            launcher.enable()
        } else {
            match launcher.disable() {
                Err(auto_launch::Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                    Ok(())
                }
                other => other,
            }
        };
        result.map_err(autostart_error)
    }

    fn sync_control(&self) -> SyncControl {
        sync_control(&self.0.state.outputs().last())
    }

    fn sync_now(&self) {
        let state = Arc::clone(&self.0.state);
        self.0.runtime.spawn(async move {
            if let Err(error) = state.sync_now().await {
                tracing::warn!(%error, "sync now from the tray failed");
            }
        });
    }

    fn set_paused(&self, paused: bool) {
        let state = Arc::clone(&self.0.state);
        self.0.runtime.spawn(async move {
            if let Err(error) = state.set_paused(paused).await {
                tracing::warn!(%error, paused, "pause/resume from the tray failed");
            }
        });
    }

    fn quit(&self) {
        tracing::info!("quit from the tray");
        quit(self.0, 0);
    }
}

impl Opener for ShellHandle<'_> {
    fn open_link(&self, url: &str) -> Result<()> {
        // The same opener as the window's ticket links: web links only.
        bridge_shell::commands::activity::open_ticket(url)
    }

    fn show_activity(&self, filter: ActivityFilter) {
        self.0.window.show_activity(filter);
    }
}

/// The login item: this executable, started in the tray (registered for
/// the user only: `platform::login_item`).
fn autostart() -> Result<AutoLaunch> {
    let exe = std::env::current_exe()?.display().to_string();
    let appimage = std::env::var("APPIMAGE").ok();
    let program = platform::login_item_program(Os::current(), &exe, appimage.as_deref());
    platform::login_item_builder(APP_NAME, &program)
        .build()
        .map_err(autostart_error)
}

fn autostart_error(error: auto_launch::Error) -> Error {
    Error::Autostart(error.to_string())
}

/// The OS notification centre, with the app's identity: its bundle id on
/// macOS, its AppUserModelID on Windows (installed builds), its icon on
/// Linux (`platform::identify`). A click on a notification with a target
/// reaches the event loop as [`UserEvent::Open`].
pub struct DesktopNotifier {
    /// Where a click goes.
    pub proxy: EventLoopProxy<UserEvent>,
}

impl Notifier for DesktopNotifier {
    fn notify(&self, title: &str, body: &str, open: Option<&NotificationTarget>) -> Result<()> {
        let mut notification = notify_rust::Notification::new();
        // Dashboard and ConnectWise text shows as written, never as markup.
        notification
            .appname(APP_NAME)
            .summary(&crate::markup::notification_text(title))
            .body(&crate::markup::notification_text(body));
        platform::identify(&mut notification);
        if open.is_some() {
            platform::make_clickable(&mut notification);
        }
        let (open, proxy) = (open.cloned(), self.proxy.clone());
        // Showing waits on the notification service, and the answer on the
        // user: never on the caller's thread, nor on the event loop's.
        std::thread::Builder::new()
            .name("notification".into())
            .spawn(move || show_and_wait(&notification, open, &proxy))?;
        Ok(())
    }
}

/// Shows `notification`; with a target, waits for its answer (until it is
/// clicked, closed or expires) and posts a click to the event loop.
fn show_and_wait(
    notification: &notify_rust::Notification,
    open: Option<NotificationTarget>,
    proxy: &EventLoopProxy<UserEvent>,
) {
    let handle = match notification.show() {
        Ok(handle) => handle,
        Err(error) => {
            tracing::warn!(%error, "could not show a notification");
            return;
        }
    };
    let Some(target) = open else {
        return;
    };
    let waited = handle.wait_for_response(|response: &notify_rust::NotificationResponse| {
        tracing::debug!(?response, "notification answered");
        if clicks::is_click(response) && proxy.send_event(UserEvent::Open(target)).is_err() {
            tracing::debug!("the event loop is gone; the click is dropped");
        }
    });
    if let Err(error) = waited {
        tracing::warn!(%error, "could not wait for a click on a notification");
    }
}
