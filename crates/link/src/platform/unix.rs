//! Child processes and termination signals on Unix.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::Command;

use tokio::signal::unix::{signal, SignalKind};

pub fn own_process_group(command: &mut Command) {
    command.process_group(0);
}

/// Never called: Unix has no creation flags (`detached_flag_attempts`).
pub fn set_creation_flags(_command: &mut Command, _flags: u32) {}

pub fn exec(command: &mut Command) -> io::Error {
    command.exec()
}

pub async fn asked_to_end() -> io::Result<()> {
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = hup.recv() => {}
    }
    Ok(())
}
