//! Faithful local simulators of ConnectWise PSA, the Cloud Backup Dashboard,
//! the MSP360 Managed Backup API, the Comet Server and the Veeam Service
//! Provider Console.
//!
//! All run in-process on a random loopback port (or a fixed one for the
//! `bridge-sim` binary). They are strict wherever the real servers are strict,
//! so that a client which passes against them works against the real thing,
//! and they inject the faults the bridge must survive (latency, 5xx, 429 with
//! `Retry-After`, hung requests, dropped connections after a committed create).

pub mod comet;
pub mod cw;
pub mod dashboard;
pub mod demo;
pub mod faults;
pub mod log;
pub mod msp360;
mod net;
pub mod vspc;

pub use comet::CometSim;
pub use cw::{CwSeed, CwSim};
pub use dashboard::DashboardSim;
pub use faults::{DashFaultControl, FaultControl};
pub use log::RequestRecord;
pub use msp360::Msp360Sim;
pub use vspc::VspcSim;

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a std mutex, carrying on after a panic elsewhere poisoned it: the
/// simulators' state stays usable for the assertions of a failing test.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Errors of the simulators' test-helper API (not of the simulated HTTP APIs,
/// which answer with status codes and JSON bodies).
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("the seed is invalid: {0}")]
    Seed(String),
    #[error("ticket {0} does not exist")]
    NoSuchTicket(i64),
    #[error("alarm {0} does not exist")]
    NoSuchAlarm(String),
    #[error("board {board} has no status named {status:?}")]
    NoSuchStatus { board: String, status: String },
    #[error("the simulator rejected the request: {0}")]
    Rejected(String),
    #[error("could not start the simulator: {0}")]
    Io(#[from] std::io::Error),
}

impl SimError {
    /// Simulator errors are test-setup mistakes: retrying never helps.
    pub fn is_retryable(&self) -> bool {
        false
    }
}
