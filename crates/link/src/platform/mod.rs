//! What differs between operating systems in the link between the app's
//! processes: how a child process outlives the one that starts it, whether
//! a process can become another program, and how the system asks a process
//! to end. The OS-specific calls are in `unix.rs` and `windows.rs`; what to
//! do on which OS is decided here, as functions of [`Os`], tested for every
//! OS. (See `bridge_base::platform` for the rule.)

use std::io;
use std::process::{Child, Command};

pub use bridge_base::platform::Os;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as imp;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

/// Windows process creation flag: no console.
pub const DETACHED_PROCESS: u32 = 0x0000_0008;
/// Windows process creation flag: a process group of its own (a Ctrl+C for
/// the parent's console does not reach it).
pub const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
/// Windows process creation flag: out of the parent's job object (an
/// installer's "launch now" or a terminal ends its job's processes when it
/// closes).
pub const CREATE_BREAKAWAY_FROM_JOB: u32 = 0x0100_0000;

/// The creation flags to try, in order, for a child that outlives its
/// parent on `os`: on Windows first out of the parent's job, then (when
/// the job forbids breaking away) within it; elsewhere none (a process
/// group of its own does it).
pub fn detached_flag_attempts(os: Os) -> &'static [u32] {
    match os {
        Os::Windows => &[
            DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP | CREATE_BREAKAWAY_FROM_JOB,
            DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP,
        ],
        Os::MacOs | Os::Linux | Os::OtherUnix => &[],
    }
}

/// Whether a process on `os` can replace itself with another program
/// (`exec`); on Windows it starts the other one and ends instead.
pub fn replaces_itself(os: Os) -> bool {
    os.is_unix()
}

/// Starts `command` so that it outlives this process: its own process
/// group, no console, out of this process's job where the job allows it.
pub fn spawn_detached(command: &mut Command) -> io::Result<Child> {
    imp::own_process_group(command);
    let attempts = detached_flag_attempts(Os::current());
    let Some((last, first)) = attempts.split_last() else {
        return command.spawn();
    };
    for flags in first {
        imp::set_creation_flags(command, *flags);
        match command.spawn() {
            Ok(child) => return Ok(child),
            // The job does not allow this: try the next flags.
            Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {}
            Err(error) => return Err(error),
        }
    }
    imp::set_creation_flags(command, *last);
    command.spawn()
}

/// Replaces this process with `command` where [`replaces_itself`]; returns
/// only with the error that prevented it (always on Windows).
pub fn replace_process(command: &mut Command) -> io::Error {
    imp::exec(command)
}

/// Returns when the system asks this process to end: `SIGTERM`, `SIGINT`
/// or `SIGHUP` on Unix (log-out, `kill`, Ctrl+C, a closed terminal),
/// Ctrl+C on Windows. Never returns when none of
/// these can be listened for (logged).
pub async fn asked_to_end() {
    if let Err(error) = imp::asked_to_end().await {
        tracing::warn!(%error, "cannot listen for termination signals");
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_windows_starts_children_with_creation_flags_breaking_away_first() {
        for os in Os::ALL {
            let attempts = detached_flag_attempts(os);
            match os {
                Os::Windows => {
                    assert_eq!(attempts.len(), 2);
                    assert_ne!(attempts[0] & CREATE_BREAKAWAY_FROM_JOB, 0);
                    assert_eq!(attempts[1] & CREATE_BREAKAWAY_FROM_JOB, 0);
                    for flags in attempts {
                        assert_ne!(flags & DETACHED_PROCESS, 0);
                        assert_ne!(flags & CREATE_NEW_PROCESS_GROUP, 0);
                    }
                }
                Os::MacOs | Os::Linux | Os::OtherUnix => assert!(attempts.is_empty(), "{os:?}"),
            }
        }
        assert_eq!(CREATE_BREAKAWAY_FROM_JOB, 0x0100_0000);
    }

    #[test]
    fn every_unix_replaces_itself_and_windows_does_not() {
        let cases = [
            (Os::Windows, false),
            (Os::MacOs, true),
            (Os::Linux, true),
            (Os::OtherUnix, true),
        ];
        for (os, replaces) in cases {
            assert_eq!(replaces_itself(os), replaces, "{os:?}");
        }
    }

    #[test]
    fn a_detached_child_runs_and_is_waited_for() {
        let exe = std::env::current_exe().unwrap();
        let mut command = Command::new(exe);
        command.arg("--list").stdout(std::process::Stdio::null());
        let status = spawn_detached(&mut command).unwrap().wait().unwrap();
        assert!(status.success(), "{status}");
    }

    #[test]
    fn replacing_with_a_missing_program_returns_the_error() {
        let mut command = Command::new("/nonexistent/backup-bridge-test-program");
        let error = replace_process(&mut command);
        let expected = if replaces_itself(Os::current()) {
            io::ErrorKind::NotFound
        } else {
            io::ErrorKind::Unsupported
        };
        assert_eq!(error.kind(), expected, "{error}");
    }
}
