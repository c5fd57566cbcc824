//! BackupBridge desktop app: the executable the user starts, and the window.
//!
//! The app runs as two processes (see `bridge_shell`): the tray process
//! (`backup-bridge-tray`, no web engine) runs all day; this one shows the
//! window and ends when it is closed.
//!
//! - Started by the user: when the tray process runs, it is asked to show
//!   its window and this process ends ([`launcher`]). Otherwise it starts
//!   the tray process and becomes the window itself.
//! - With `--minimized` (an older login item): becomes the tray process.
//! - With `--window`: the window the tray process starts on *Open*.

pub mod launcher;
pub mod window;

use bridge_shell::launch::LaunchOptions;

/// Runs the app as its flags say; returns the exit status.
pub fn run() -> i32 {
    let launch = LaunchOptions::from_args(std::env::args());
    let data_dir = bridge_core::store::default_data_dir();
    if let Err(error) = bridge_shell::logging::init(&data_dir) {
        eprintln!("BackupBridge could not start: {error}");
        return 1;
    }
    let result = if launch.window {
        window::run(&data_dir)
    } else {
        launcher::run(&data_dir, launch)
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            tracing::error!(%error, "BackupBridge could not start");
            eprintln!("BackupBridge could not start: {error}");
            1
        }
    }
}
