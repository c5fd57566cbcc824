//! Child processes and termination on Windows.

use std::io;
use std::os::windows::process::CommandExt;
use std::process::Command;

/// The creation flags give the group (`CREATE_NEW_PROCESS_GROUP`).
pub fn own_process_group(_command: &mut Command) {}

pub fn set_creation_flags(command: &mut Command, flags: u32) {
    command.creation_flags(flags);
}

pub fn exec(_command: &mut Command) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "a Windows process cannot replace itself with another program",
    )
}

pub async fn asked_to_end() -> io::Result<()> {
    tokio::signal::ctrl_c().await
}
