//! Tray menu behaviour against a fake shell.

use std::cell::{Cell, RefCell};

use super::*;
use crate::error::Error;

/// Fake shell that records calls and can be told to fail.
struct FakeShell {
    calls: RefCell<Vec<String>>,
    autostart: Cell<bool>,
    fail_autostart: bool,
    /// The OS accepts the request but does not change state (seen with
    /// sandboxed login items): the outcome must report the real state.
    autostart_sticks: bool,
    sync: SyncControl,
}

impl Default for FakeShell {
    fn default() -> Self {
        Self {
            calls: RefCell::default(),
            autostart: Cell::new(false),
            fail_autostart: false,
            autostart_sticks: false,
            sync: SyncControl::Running,
        }
    }
}

impl ShellControl for FakeShell {
    fn open_window(&self) -> Result<()> {
        self.calls.borrow_mut().push("open_window".into());
        Ok(())
    }
    fn autostart_enabled(&self) -> Result<bool> {
        Ok(self.autostart.get())
    }
    fn set_autostart(&self, enabled: bool) -> Result<()> {
        self.calls
            .borrow_mut()
            .push(format!("set_autostart({enabled})"));
        if self.fail_autostart {
            return Err(Error::Autostart("denied".into()));
        }
        if !self.autostart_sticks {
            self.autostart.set(enabled);
        }
        Ok(())
    }
    fn sync_control(&self) -> SyncControl {
        self.sync
    }
    fn sync_now(&self) {
        self.calls.borrow_mut().push("sync_now".into());
    }
    fn set_paused(&self, paused: bool) {
        self.calls
            .borrow_mut()
            .push(format!("set_paused({paused})"));
    }
    fn quit(&self) {
        self.calls.borrow_mut().push("quit".into());
    }
}

#[test]
fn ids_round_trip_and_are_unique() {
    for action in TrayAction::ALL {
        assert_eq!(TrayAction::from_id(action.id()), Some(action));
    }
    let mut ids: Vec<_> = TrayAction::ALL.iter().map(|a| a.id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), TrayAction::ALL.len());
    assert_eq!(TrayAction::from_id("something_else"), None);
}

#[test]
fn labels_name_what_the_items_do() {
    let cases = [
        (TrayAction::Open, "Open BackupBridge"),
        (TrayAction::SyncNow, "Sync now"),
        (TrayAction::Pause, "Pause syncing"),
        (TrayAction::ToggleAutostart, "Start at login"),
        (TrayAction::Quit, "Quit BackupBridge"),
    ];
    for (action, label) in cases {
        assert_eq!(action.label(), label);
    }
}

#[test]
fn actions_have_the_expected_effects() {
    struct Case {
        action: TrayAction,
        sync: SyncControl,
        autostart_before: bool,
        fail_autostart: bool,
        autostart_sticks: bool,
        expected: std::result::Result<ActionOutcome, ()>,
        calls: &'static [&'static str],
    }
    let case = |action, expected, calls| Case {
        action,
        sync: SyncControl::Running,
        autostart_before: false,
        fail_autostart: false,
        autostart_sticks: false,
        expected,
        calls,
    };
    let cases = [
        case(TrayAction::Open, Ok(ActionOutcome::Done), &["open_window"]),
        case(TrayAction::SyncNow, Ok(ActionOutcome::Done), &["sync_now"]),
        // Sync now while paused runs one cycle; the pause stays.
        Case {
            sync: SyncControl::Paused,
            ..case(TrayAction::SyncNow, Ok(ActionOutcome::Done), &["sync_now"])
        },
        Case {
            sync: SyncControl::Unavailable,
            ..case(TrayAction::SyncNow, Ok(ActionOutcome::Unavailable), &[])
        },
        case(
            TrayAction::Pause,
            Ok(ActionOutcome::Paused(true)),
            &["set_paused(true)"],
        ),
        Case {
            sync: SyncControl::Paused,
            ..case(
                TrayAction::Pause,
                Ok(ActionOutcome::Paused(false)),
                &["set_paused(false)"],
            )
        },
        Case {
            sync: SyncControl::Unavailable,
            ..case(TrayAction::Pause, Ok(ActionOutcome::Unavailable), &[])
        },
        case(
            TrayAction::ToggleAutostart,
            Ok(ActionOutcome::Autostart(true)),
            &["set_autostart(true)"],
        ),
        Case {
            autostart_before: true,
            ..case(
                TrayAction::ToggleAutostart,
                Ok(ActionOutcome::Autostart(false)),
                &["set_autostart(false)"],
            )
        },
        Case {
            autostart_sticks: true,
            ..case(
                TrayAction::ToggleAutostart,
                Ok(ActionOutcome::Autostart(false)),
                &["set_autostart(true)"],
            )
        },
        Case {
            fail_autostart: true,
            ..case(
                TrayAction::ToggleAutostart,
                Err(()),
                &["set_autostart(true)"],
            )
        },
        case(TrayAction::Quit, Ok(ActionOutcome::Done), &["quit"]),
    ];
    for case in cases {
        let shell = FakeShell {
            autostart: Cell::new(case.autostart_before),
            fail_autostart: case.fail_autostart,
            autostart_sticks: case.autostart_sticks,
            sync: case.sync,
            ..FakeShell::default()
        };
        let outcome = handle_action(case.action, &shell).map_err(|_| ());
        assert_eq!(outcome, case.expected, "{:?} {:?}", case.action, case.sync);
        assert_eq!(
            *shell.calls.borrow(),
            case.calls,
            "{:?} {:?}",
            case.action,
            case.sync
        );
    }
}
