//! `backup-bridge`: the headless BackupBridge command line (design §6).
//!
//! A thin layer over `bridge-core`: it parses arguments, opens the store and
//! the keychain, calls one core operation and prints the result. Exit codes:
//! 0 success (and a `sync` loop stopped by Ctrl-C or SIGTERM), 1 failure or
//! a sync that finished with errors, 2 bad usage or a secret variable that
//! cannot be used (`BB_CW_SECRET_FILE` naming a missing file, …).

mod cli;
mod commands;
mod output;
mod platform;
mod stop;

use std::process::ExitCode;

use clap::Parser;

use bridge_core::secrets::SecretError;
use bridge_core::store::StoreError;
use bridge_core::Error;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// Bad usage (exit code 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// Anything else that went wrong (exit code 1).
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let usage = matches!(
            e,
            Error::Invalid(_)
                | Error::Secret(SecretError::Environment { .. })
                | Error::Store(
                    StoreError::UnknownSetting { .. }
                        | StoreError::InvalidSetting { .. }
                        | StoreError::SecretInSettings { .. }
                        | StoreError::UnknownCompany(_)
                        | StoreError::InvalidMapping { .. }
                )
        );
        Failure {
            code: if usage { 2 } else { 1 },
            message: e.to_string(),
        }
    }
}

impl From<SecretError> for Failure {
    fn from(e: SecretError) -> Self {
        Failure::from(Error::from(e))
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::from(Error::from(e))
    }
}

/// Allocator arenas shared by the runtime's threads: one. The threads
/// mostly wait on the network or the database, and each further arena holds
/// its own free memory.
const MALLOC_ARENAS: i32 = 1;
/// Threads for blocking work: the database has one connection, so more
/// threads would only wait for it (and each keeps its own stack).
const BLOCKING_THREADS: usize = 4;

fn main() -> ExitCode {
    // Before any thread starts: a long `sync` loop stays small (bridge_core::mem).
    bridge_core::mem::tune_allocator(MALLOC_ARENAS);
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("backup-bridge: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(args)) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("backup-bridge: {}", first_sentence(&f.message));
            ExitCode::from(f.code)
        }
    }
}

/// Errors go to stderr on one line.
fn first_sentence(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
