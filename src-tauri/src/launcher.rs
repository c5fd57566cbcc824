//! What happens when the user starts BackupBridge: the running tray process
//! shows its window, or a tray process is started and this process becomes
//! the window.

use std::path::Path;
use std::process::{Command, Stdio};

use bridge_shell::instance::{self, HAND_OVER_WAIT};
use bridge_shell::launch::{sibling_binary, LaunchOptions, TRAY_BINARY};
use bridge_shell::{Error, Result};

/// Runs the launch; returns the exit status.
pub fn run(data_dir: &Path, launch: LaunchOptions) -> Result<i32> {
    let tray = sibling_binary(TRAY_BINARY)?;
    if !tray.exists() {
        return Err(Error::Runtime(format!(
            "{} is missing; reinstall BackupBridge",
            tray.display()
        )));
    }
    if launch.minimized {
        // The tray alone (a login item from before the tray process existed):
        // it hands over by itself when one already runs.
        return become_tray(&tray);
    }
    match instance::lock(data_dir)? {
        None => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let address = runtime.block_on(instance::open_running(data_dir, HAND_OVER_WAIT))?;
            tracing::info!(
                pid = address.pid,
                "second launch: the running BackupBridge shows its window"
            );
            Ok(0)
        }
        Some(free) => {
            // Nobody holds it: let go for the tray process, start it, and be its window.
            drop(free);
            start_detached(&tray, &launch.tray_args())?;
            crate::window::run(data_dir)
        }
    }
}

/// Replaces this process with the tray process, same arguments.
#[cfg(unix)]
fn become_tray(tray: &Path) -> Result<i32> {
    use std::os::unix::process::CommandExt;
    let error = Command::new(tray).args(std::env::args_os().skip(1)).exec();
    Err(Error::Runtime(format!(
        "cannot start {}: {error}",
        tray.display()
    )))
}

/// Starts the tray process with the same arguments and ends.
#[cfg(not(unix))]
fn become_tray(tray: &Path) -> Result<i32> {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    start_detached(tray, &args)?;
    Ok(0)
}

/// Starts the tray process so that it outlives this one: its own process
/// group (a Ctrl+C meant for a terminal's window does not reach it) and no
/// inherited output (it logs to the log file).
fn start_detached<S: AsRef<std::ffi::OsStr>>(tray: &Path, args: &[S]) -> Result<()> {
    let mut command = Command::new(tray);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        /// CREATE_NEW_PROCESS_GROUP
        const NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        command.creation_flags(NEW_PROCESS_GROUP);
    }
    let child = command
        .spawn()
        .map_err(|e| Error::Runtime(format!("cannot start {}: {e}", tray.display())))?;
    tracing::info!(pid = child.id(), "tray process started");
    Ok(())
}
