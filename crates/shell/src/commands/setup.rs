//! Setup and Defaults screens: the connection, the settings (same keys as
//! `backup-bridge config set`) and the pick-lists read from ConnectWise.

use bridge_core::cw::{Agreement, NamedRef, Priority};
use bridge_core::ops::{
    self, BoardOptions, ConnectionInput, ConnectionView, SeenTypes, TestReport,
};
use bridge_core::store::settings::{self, SettingEntry};

use super::blocking;
use crate::error::{Error, Result};
use crate::models::ConditionProblem;
use crate::state::AppState;

/// The connection settings (secrets only as "saved").
pub async fn get_connection(state: &AppState) -> Result<ConnectionView> {
    Ok(ops::connection(&*state.engine().await?).await?)
}

/// Saves the connection (secrets to the keychain), then starts the sync if
/// the configuration is now complete, or syncs at once if it runs.
pub async fn save_connection(state: &AppState, input: ConnectionInput) -> Result<ConnectionView> {
    state.refuse_in_demo("saving a connection").await?;
    let view = ops::save_connection(&*state.engine().await?, input).await?;
    state.configuration_changed(true).await?;
    Ok(view)
}

/// Discovery, sign-in, permissions and the backup source (`source.kind`),
/// step by step.
pub async fn test_connection(state: &AppState) -> Result<TestReport> {
    Ok(ops::test_connection(&*state.engine().await?).await?)
}

/// Every setting with its effective value and help line.
pub async fn get_settings(state: &AppState) -> Result<Vec<SettingEntry>> {
    blocking(&*state.engine().await?, settings::all).await
}

/// Sets one setting (an empty value restores the default) and returns them all.
pub async fn set_setting(
    state: &AppState,
    key: String,
    value: String,
) -> Result<Vec<SettingEntry>> {
    // The UI edits the documented keys only, never the engine's internal ones.
    if !settings::known_keys().contains(&key.as_str()) {
        return Err(Error::Invalid(format!(
            "\"{key}\" is not a setting the app can change"
        )));
    }
    let all = blocking(&*state.engine().await?, move |s| {
        settings::set(s, &key, &value)?;
        settings::all(s)
    })
    .await?;
    state.configuration_changed(false).await?;
    Ok(all)
}

/// `null` when `text` is a valid conditions expression, else where it is wrong.
pub fn validate_condition(text: String) -> Option<ConditionProblem> {
    bridge_core::conditions::validate(&text)
        .err()
        .map(ConditionProblem::from)
}

/// The agreements `condition` picks for a mapped company; the first is the one a ticket gets.
pub async fn preview_agreements(
    state: &AppState,
    backup_company_id: String,
    condition: String,
) -> Result<Vec<Agreement>> {
    let engine = state.engine().await?;
    Ok(ops::preview_agreements(&engine, &backup_company_id, &condition).await?)
}

/// The summary `template` gives for a sample event.
pub fn summary_example(template: String) -> Result<String> {
    Ok(ops::summary_example(&template)?)
}

/// The ConnectWise service boards.
pub async fn list_boards(state: &AppState) -> Result<Vec<NamedRef>> {
    Ok(ops::boards(&*state.engine().await?).await?)
}

/// Statuses, types, subtypes and items of `board`.
pub async fn board_options(state: &AppState, board: String) -> Result<BoardOptions> {
    Ok(ops::board_options(&*state.engine().await?, &board).await?)
}

/// The ConnectWise service priorities.
pub async fn list_priorities(state: &AppState) -> Result<Vec<Priority>> {
    Ok(ops::priorities(&*state.engine().await?).await?)
}

/// The event and backup types to offer (documented ones plus any seen).
pub async fn seen_types(state: &AppState) -> Result<SeenTypes> {
    Ok(ops::seen_types(&*state.engine().await?).await?)
}
