//! The tray icon and its menu: Open, Sync now, Pause/Resume, Start at login, Quit.
//!
//! The menu's behaviour lives in [`handle_action`], a plain function over the
//! [`ShellControl`] trait, and what the tray shows lives in [`view`], a pure
//! function of the backend's snapshot; both are tested without a desktop
//! panel. The tray process (`crates/tray`) only translates menu events into
//! actions and views into icon, tooltip and item states.

mod view;

pub use view::{decode_png, pause_label, view, RgbaIcon, TrayState, TrayView, TOOLTIP_MAX_CHARS};

use crate::error::Result;
use crate::events::{Phase, Snapshot};

/// Id of the app's single tray icon.
pub const TRAY_ID: &str = "main";

/// What a tray menu item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    /// Open the window (bring it forward, or start the window process).
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

/// The effects tray actions have on the app; implemented by the tray
/// process (`crates/tray`), and by a fake in tests.
pub trait ShellControl {
    /// Opens the window: brings it forward, or starts the window process
    /// when none runs.
    fn open_window(&self) -> Result<()>;
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
pub enum ActionOutcome {
    /// The action was carried out.
    Done,
    /// Start at login is now in this state, as the OS reports it.
    Autostart(bool),
    /// Pausing (`true`) or resuming (`false`) was asked for.
    Paused(bool),
    /// No scheduler runs, so the sync action was not carried out.
    Unavailable,
}

/// Whether the sync can be driven from the menu, by the latest snapshot.
pub fn sync_control(snapshot: &Snapshot) -> SyncControl {
    match &snapshot.phase {
        Phase::Running(status) if status.state == bridge_core::scheduler::SyncState::Paused => {
            SyncControl::Paused
        }
        Phase::Running(_) => SyncControl::Running,
        Phase::Starting | Phase::NotConfigured | Phase::Failed(_) => SyncControl::Unavailable,
    }
}

/// Carries out a tray action.
pub fn handle_action(action: TrayAction, shell: &impl ShellControl) -> Result<ActionOutcome> {
    match action {
        TrayAction::Open => {
            shell.open_window()?;
            Ok(ActionOutcome::Done)
        }
        TrayAction::SyncNow => match shell.sync_control() {
            // The item is disabled then; a stray event (a platform that
            // ignores the flag) must not pretend to sync.
            SyncControl::Unavailable => Ok(ActionOutcome::Unavailable),
            SyncControl::Running | SyncControl::Paused => {
                shell.sync_now();
                Ok(ActionOutcome::Done)
            }
        },
        TrayAction::Pause => {
            let pause = match shell.sync_control() {
                SyncControl::Unavailable => return Ok(ActionOutcome::Unavailable),
                SyncControl::Running => true,
                SyncControl::Paused => false,
            };
            shell.set_paused(pause);
            Ok(ActionOutcome::Paused(pause))
        }
        TrayAction::ToggleAutostart => {
            let enabled = shell.autostart_enabled()?;
            shell.set_autostart(!enabled)?;
            // Report what the OS now says rather than what we asked for.
            Ok(ActionOutcome::Autostart(shell.autostart_enabled()?))
        }
        TrayAction::Quit => {
            shell.quit();
            Ok(ActionOutcome::Done)
        }
    }
}

/// How a failed action is named in the notification that reports it.
pub fn action_name(action: TrayAction) -> &'static str {
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
