//! Tauri commands: the UI's only way into the shell. Each takes state, calls
//! core once, and returns a DTO or a `{kind, message}` error. No rule lives
//! here; see `/work/ui-contract.md` for the list the UI relies on.
//!
//! Split by screen: [`app`] (identity, status, demo), [`setup`] (connection,
//! settings, pick-lists), [`companies`] and [`activity`] (tickets, runs,
//! logs, diagnostics).

pub mod activity;
pub mod app;
pub mod companies;
pub mod setup;

use bridge_core::engine::Engine;
use bridge_core::store::{Store, StoreError};

use crate::error::Result;

/// Runs a blocking store call off the async runtime.
async fn blocking<T, F>(engine: &Engine, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> std::result::Result<T, StoreError> + Send + 'static,
{
    let store = engine.store().clone();
    Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
}

// `COMMANDS`: every command the UI may call. One list, shared with the
// build script (which generates a permission per command).
include!("names.rs");

#[cfg(test)]
mod tests {
    use super::COMMANDS;

    /// The capability grants exactly the commands the handler registers: a command missing there would be refused at run
    /// time, an extra permission would be more than the UI needs.
    #[test]
    fn permissions_match_the_registered_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/main.json")).unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        let lib = include_str!("../lib.rs");
        for command in COMMANDS {
            assert!(
                granted.contains(&(*command).to_owned()),
                "main.json lacks {command}"
            );
            assert!(
                lib.contains(&format!("::{command},")),
                "lib.rs does not register {command}"
            );
        }
        assert_eq!(granted.len(), COMMANDS.len(), "{granted:?}");
    }
}
