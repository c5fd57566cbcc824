//! The commands the UI calls. The window process forwards each call, by
//! name and with its JSON arguments, to the tray process, where [`call`]
//! runs it: each takes the state, calls core once, and returns a DTO or a
//! `{kind, message}` error. No rule lives here; see `names.rs`
//! for the list the UI relies on.
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

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::models::MapCompanyInput;
use crate::state::AppState;

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

/// Runs the UI command `command` with its arguments as the UI sent them (an
/// object with camelCase keys, as Tauri's `invoke` passes them) and returns
/// its result as JSON. An unknown command or arguments of the wrong shape
/// are an `invalid` error naming them.
pub async fn call(state: &AppState, command: &str, args: Value) -> Result<Value> {
    /// Reads the named arguments from `args` into a tuple.
    macro_rules! args {
        ($($name:ident: $ty:ty),+) => {{
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Args {
                $($name: $ty),+
            }
            let parsed: Args = parse(command, args)?;
            ($(parsed.$name),+)
        }};
    }
    match command {
        "app_info" => json(app::app_info(state).await),
        "get_status" => json(app::get_status(state).await),
        "sync_now" => json(app::sync_now(state).await),
        "set_paused" => json(app::set_paused(state, args!(paused: bool)).await),
        "start_demo" => json(app::start_demo(state).await),
        "stop_demo" => json(app::stop_demo(state).await),
        "recover_database" => json(app::recover_database(state).await),
        "get_connection" => json(setup::get_connection(state).await),
        "save_connection" => json(
            setup::save_connection(state, args!(input: bridge_core::ops::ConnectionInput)).await,
        ),
        "test_connection" => json(setup::test_connection(state).await),
        "get_settings" => json(setup::get_settings(state).await),
        "set_setting" => {
            let (key, value) = args!(key: String, value: String);
            json(setup::set_setting(state, key, value).await)
        }
        "validate_condition" => json(Ok(setup::validate_condition(args!(text: String)))),
        "preview_agreements" => {
            let (id, condition) = args!(backup_company_id: String, condition: String);
            json(setup::preview_agreements(state, id, condition).await)
        }
        "summary_example" => json(setup::summary_example(args!(template: String))),
        "list_boards" => json(setup::list_boards(state).await),
        "board_options" => json(setup::board_options(state, args!(board: String)).await),
        "list_priorities" => json(setup::list_priorities(state).await),
        "seen_types" => json(setup::seen_types(state).await),
        "list_companies" => json(companies::list_companies(state).await),
        "refresh_companies" => json(companies::refresh_companies(state).await),
        "map_company" => json(companies::map_company(state, args!(req: MapCompanyInput)).await),
        "unmap_company" => {
            json(companies::unmap_company(state, args!(backup_company_id: String)).await)
        }
        "suggest_companies" => {
            json(companies::suggest_companies(state, args!(backup_company_id: String)).await)
        }
        "list_tickets" => json(activity::list_tickets(state).await),
        "recent_runs" => json(activity::recent_runs(state).await),
        "preview_sync" => json(activity::preview_sync(state).await),
        "needs_attention" => json(activity::needs_attention(state).await),
        "confirm_removals" => json(activity::confirm_removals(state).await),
        "forget_intent" => json(activity::forget_intent(state, args!(id: i64)).await),
        "open_ticket" => json(activity::open_ticket(&args!(url: String))),
        "log_tail" => {
            let (lines, run) = args!(lines: usize, run: Option<i64>);
            json(activity::log_tail(state, lines, run).await)
        }
        "copy_diagnostics" => json(activity::copy_diagnostics(state).await),
        other => Err(Error::Invalid(format!(
            "\"{other}\" is not a command of this version of BackupBridge"
        ))),
    }
}

fn parse<T: DeserializeOwned>(command: &str, args: Value) -> Result<T> {
    // `invoke` without arguments sends nothing; a command with none takes `{}`.
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    serde_json::from_value(args)
        .map_err(|e| Error::Invalid(format!("the arguments of {command} are wrong: {e}")))
}

fn json<T: Serialize>(result: Result<T>) -> Result<Value> {
    serde_json::to_value(result?)
        .map_err(|e| Error::Internal(format!("a reply could not be written as JSON: {e}")))
}

#[cfg(test)]
mod tests;
