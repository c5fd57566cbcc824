//! What differs between operating systems for the CLI: the stop signal a
//! service manager sends (SIGTERM on Unix; Windows has none).

#[cfg(not(unix))]
mod other;
#[cfg(unix)]
mod unix;

#[cfg(not(unix))]
pub use other::sigterm_received;
#[cfg(unix)]
pub use unix::sigterm_received;
