//! What happens when the user starts BackupBridge: the running tray process
//! shows its window, or a tray process is started and this process becomes
//! the window.

use std::path::Path;
use std::process::{Child, Stdio};

use bridge_link::instance::{self, Reach, HAND_OVER_WAIT};
use bridge_link::launch::{child_command, installed, sibling_binary, LaunchOptions, TRAY_BINARY};
pub use bridge_link::logging::TRAY_STDERR_FILE;
use bridge_link::platform::{self, Os};
use bridge_link::{Error, Result};

/// Runs the launch; returns the exit status.
pub fn run(data_dir: &Path, launch: LaunchOptions) -> Result<i32> {
    let tray = installed(sibling_binary(TRAY_BINARY)?)?;
    if launch.minimized {
        // The tray alone (a login item from before the tray process existed):
        // it hands over by itself when one already runs.
        return become_tray(&tray);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match runtime.block_on(instance::reach(data_dir, HAND_OVER_WAIT))? {
        Reach::Running(address) => {
            tracing::info!(pid = address.pid, "handed over to the running BackupBridge");
            Ok(0)
        }
        Reach::Free(free) => {
            // Nobody holds it: let go for the tray process, start it, and be its window.
            drop(free);
            drop(runtime);
            let child = start_detached(&tray, &launch.tray_args(), data_dir)?;
            crate::window::run(data_dir, Some(child))
        }
    }
}

/// Becomes the tray process, same arguments: replaces this process with
/// it where the OS can (Unix), or starts it and ends (Windows).
fn become_tray(tray: &Path) -> Result<i32> {
    if platform::replaces_itself(Os::current()) {
        let error =
            platform::replace_process(child_command(tray).args(std::env::args_os().skip(1)));
        return Err(Error::Runtime(format!(
            "cannot start {}: {error}",
            tray.display()
        )));
    }
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    start_detached(tray, &args, &bridge_base::paths::default_data_dir())?;
    Ok(0)
}

/// Starts the tray process so that it outlives this one: its own process
/// group (a Ctrl+C meant for a terminal's window does not reach it), out of
/// the job of whatever started this process on Windows where the job
/// allows it (`bridge_link::platform`), no inherited input or output (its
/// standard error goes to a file in the log folder, capped).
fn start_detached<S: AsRef<std::ffi::OsStr>>(
    tray: &Path,
    args: &[S],
    data_dir: &Path,
) -> Result<Child> {
    let log_dir = bridge_base::logs::log_dir(data_dir);
    bridge_base::private::create_private_dir(&log_dir)?;
    // Past 1 MB it starts again (the previous one kept as .1).
    let stderr = bridge_base::logs::open_capped_append(
        &log_dir.join(TRAY_STDERR_FILE),
        bridge_base::logs::CAPPED_FILE_MAX_BYTES,
    )?;
    let mut command = child_command(tray);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    let child = platform::spawn_detached(&mut command)
        .map_err(|e| Error::Runtime(format!("cannot start {}: {e}", tray.display())))?;
    tracing::info!(pid = child.id(), "tray process started");
    Ok(child)
}
