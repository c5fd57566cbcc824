//! The commands the UI calls. The window process forwards each call, by
//! name and with its JSON arguments, to the tray process, where [`call`]
//! runs it: each takes the state, calls core once, and returns a DTO or a
//! `{kind, message}` error. No rule lives here.
//!
//! This file is the UI contract's one source of truth: the `ui_commands!`
//! list below (the macro is in `declare.rs`) declares each command once,
//! with its arguments and result. From it come the dispatcher [`call`], the name list
//! [`COMMANDS`], the wire types in [`wire`] and, through [`bindings`], the
//! checked-in TypeScript (`ui/src/bindings/contract.ts`) and the name list
//! the window's build script reads (`names.rs`).
//!
//! Split by screen: [`app`] (identity, status, demo), [`setup`] (connection,
//! settings, pick-lists), [`companies`] and [`activity`] (tickets, runs,
//! logs, diagnostics), and [`snooze`] (maintenance windows, from Activity
//! and Companies).

pub mod activity;
pub mod app;
pub mod companies;
pub mod setup;
pub mod snooze;

pub mod bindings;
mod declare;

use bridge_core::alerts::ActivityFilter;
use bridge_core::cw::{Agreement, Company, NamedRef, Priority};
use bridge_core::engine::{Engine, RunReport};
use bridge_core::ops::{
    Attention, BoardOptions, CompanyPage, CompanyQuery, CompanyView, ConnectionInput,
    ConnectionView, SeenTypes, StuckIntent, TestReport, TicketChanges, TicketPage,
};
use bridge_core::scheduler::Status;
use bridge_core::store::runs::RunRecord;
use bridge_core::store::settings::SettingEntry;
use bridge_core::store::snoozes::{Snooze, SnoozeScope};
use bridge_core::store::ticket_list::TicketQuery;
use bridge_core::store::{Store, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::models::{AppInfo, ConditionProblem, MapCompanyInput, SnoozeList};
use crate::state::AppState;
use declare::ui_commands;

/// Runs a blocking store call off the async runtime.
async fn blocking<T, F>(engine: &Engine, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> std::result::Result<T, StoreError> + Send + 'static,
{
    let store = engine.store().clone();
    Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
}

// The UI contract: `name(argument: Type, ...) -> Result => handler call;`.
// After a change here, regenerate the bindings
// (`BB_UPDATE_BINDINGS=1 cargo test -p bridge-shell bindings`); a new command
// also needs its permission in src-tauri/capabilities/main.json (a test there
// checks it).
ui_commands! {
    state;
    app_info() -> AppInfo => app::app_info(state).await;
    get_status() -> Status => app::get_status(state).await;
    sync_now() -> () => app::sync_now(state).await;
    set_paused(paused: bool) -> () => app::set_paused(state, paused).await;
    start_demo() -> AppInfo => app::start_demo(state).await;
    stop_demo() -> AppInfo => app::stop_demo(state).await;
    recover_database() -> Vec<String> => app::recover_database(state).await;
    get_connection() -> ConnectionView => setup::get_connection(state).await;
    save_connection(input: ConnectionInput) -> ConnectionView =>
        setup::save_connection(state, input).await;
    test_connection() -> TestReport => setup::test_connection(state).await;
    get_settings() -> Vec<SettingEntry> => setup::get_settings(state).await;
    set_setting(key: String, value: String) -> Vec<SettingEntry> =>
        setup::set_setting(state, key, value).await;
    validate_condition(text: String) -> Option<ConditionProblem> =>
        Ok(setup::validate_condition(text));
    preview_agreements(backup_company_id: String, condition: String) -> Vec<Agreement> =>
        setup::preview_agreements(state, backup_company_id, condition).await;
    summary_example(template: String) -> String => setup::summary_example(template);
    list_boards() -> Vec<NamedRef> => setup::list_boards(state).await;
    board_options(board: String) -> BoardOptions => setup::board_options(state, board).await;
    list_priorities() -> Vec<Priority> => setup::list_priorities(state).await;
    seen_types() -> SeenTypes => setup::seen_types(state).await;
    list_companies_page(query: CompanyQuery) -> CompanyPage =>
        companies::list_companies_page(state, query).await;
    get_company(backup_company_id: String) -> Option<CompanyView> =>
        companies::get_company(state, backup_company_id).await;
    refresh_companies(query: CompanyQuery) -> CompanyPage =>
        companies::refresh_companies(state, query).await;
    map_company(req: MapCompanyInput) -> CompanyView => companies::map_company(state, req).await;
    unmap_company(backup_company_id: String) -> () =>
        companies::unmap_company(state, backup_company_id).await;
    suggest_companies(backup_company_id: String) -> Vec<Company> =>
        companies::suggest_companies(state, backup_company_id).await;
    ticket_page(query: TicketQuery) -> TicketPage => activity::ticket_page(state, query).await;
    ticket_changes(query: TicketQuery, revision: i64) -> TicketChanges =>
        activity::ticket_changes(state, query, revision).await;
    recent_runs() -> Vec<RunRecord> => activity::recent_runs(state).await;
    preview_sync() -> RunReport => activity::preview_sync(state).await;
    needs_attention() -> Attention => activity::needs_attention(state).await;
    confirm_removals() -> () => activity::confirm_removals(state).await;
    forget_intent(id: i64) -> StuckIntent => activity::forget_intent(state, id).await;
    add_snooze(scope: SnoozeScope, value: String, until: String, reason: String) -> Snooze =>
        snooze::add_snooze(state, scope, value, until, reason).await;
    list_snoozes() -> SnoozeList => snooze::list_snoozes(state).await;
    remove_snooze(id: i64) -> Snooze => snooze::remove_snooze(state, id).await;
    open_ticket(url: String) -> () => activity::open_ticket(&url);
    log_tail(lines: usize, run: Option<i64>) -> String => activity::log_tail(state, lines, run).await;
    copy_diagnostics() -> String => activity::copy_diagnostics(state).await;
    take_activity_filter() -> Option<ActivityFilter> => Ok(state.take_activity_filter());
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
