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

/// Every command the UI may call, for `generate_handler!` and the build
/// script's permission list (kept in step by a test).
pub const COMMANDS: &[&str] = &[
    "app_info",
    "get_status",
    "sync_now",
    "set_paused",
    "start_demo",
    "stop_demo",
    "recover_database",
    "get_connection",
    "save_connection",
    "test_connection",
    "get_settings",
    "set_setting",
    "validate_condition",
    "preview_agreements",
    "summary_example",
    "list_boards",
    "board_options",
    "list_priorities",
    "seen_types",
    "list_companies",
    "refresh_companies",
    "map_company",
    "unmap_company",
    "suggest_companies",
    "list_tickets",
    "recent_runs",
    "preview_sync",
    "open_ticket",
    "log_tail",
    "copy_diagnostics",
];

#[cfg(test)]
mod tests {
    use super::COMMANDS;

    /// The build script and the capability grant exactly the commands the
    /// handler registers: a command missing there would be refused at run
    /// time, an extra permission would be more than the UI needs.
    #[test]
    fn permissions_match_the_registered_commands() {
        let build = include_str!("../../build.rs");
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
                build.contains(&format!("\"{command}\"")),
                "build.rs lacks {command}"
            );
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
