//! Activity and Logs screens: tickets with their ConnectWise links, recent
//! runs, a dry-run preview, what waits for a person (stuck calls, held
//! removals) and the answers to it, the log tail and the diagnostics text.

use bridge_core::engine::RunReport;
use bridge_core::ops::{self, Attention, StuckIntent, TicketChanges, TicketPage};
use bridge_core::store::runs::{self, RunRecord};
use bridge_core::store::ticket_list::TicketQuery;

use super::blocking;
use crate::error::Result;
use crate::state::AppState;

/// How many runs the Activity screen lists.
pub const RECENT_RUNS: usize = 20;
/// Most log lines the Logs screen may ask for at once.
pub const MAX_LOG_LINES: usize = 5_000;
/// Log lines included in the diagnostics text.
pub const DIAGNOSTICS_LOG_LINES: usize = 200;

/// One page of tracked events and their tickets, most recently changed
/// first, filtered and searched in the database.
pub async fn ticket_page(state: &AppState, query: TicketQuery) -> Result<TicketPage> {
    Ok(ops::ticket_page(&*state.engine().await?, query).await?)
}

/// The tickets changed since the page or refresh that returned `revision`.
pub async fn ticket_changes(
    state: &AppState,
    query: TicketQuery,
    revision: i64,
) -> Result<TicketChanges> {
    Ok(ops::ticket_changes(&*state.engine().await?, query, revision).await?)
}

/// The latest sync runs, newest first.
pub async fn recent_runs(state: &AppState) -> Result<Vec<RunRecord>> {
    blocking(&*state.engine().await?, |s| {
        runs::recent_runs(s, RECENT_RUNS)
    })
    .await
}

/// What a cycle would do now, without doing it (a panic in it is an
/// `internal` error, not a dead command).
pub async fn preview_sync(state: &AppState) -> Result<RunReport> {
    Ok(state.engine().await?.run_cycle_guarded(true, None).await?)
}

/// Stuck ConnectWise calls (rule 16) and removals the guard holds back
/// (rule 15).
pub async fn needs_attention(state: &AppState) -> Result<Attention> {
    Ok(ops::attention(&*state.engine().await?).await?)
}

/// A person confirmed the held removals (rule 15): the next cycle, asked
/// for at once, applies them.
pub async fn confirm_removals(state: &AppState) -> Result<()> {
    state.engine().await?.confirm_removals();
    state.sync_now().await
}

/// Drops a stuck ConnectWise call (rule 16); its event is planned afresh.
pub async fn forget_intent(state: &AppState, id: i64) -> Result<StuckIntent> {
    Ok(ops::forget_intent(&*state.engine().await?, id).await?)
}

/// Opens a ticket link in the default browser.
///
/// The browser inherits this process's environment. Both processes that open
/// links (the window, and the tray process) took the variables that carry
/// secrets out of their environment first thing in `main`
/// (`bridge_core::secrets::EnvSecrets::take`), so none is left to inherit.
/// The OS opener stays: on Windows it is `ShellExecuteW`, which a
/// [`std::process::Command`] could only replace through a shell that parses
/// the URL (`cmd /c start`).
pub fn open_ticket(url: &str) -> Result<()> {
    Ok(bridge_link::browser::open_web_link(url)?)
}

/// The last `lines` lines of the log (the app and the CLI share it), or of
/// sync run `run`'s lines only.
pub async fn log_tail(state: &AppState, lines: usize, run: Option<i64>) -> Result<String> {
    let dir = state.paths.data_dir.clone();
    let lines = lines.min(MAX_LOG_LINES);
    Ok(tokio::task::spawn_blocking(move || match run {
        Some(run) => bridge_core::logs::run_log(&dir, run, lines),
        None => bridge_core::logs::log_tail(&dir, lines),
    })
    .await??)
}

/// A support report: version, settings, recent runs and the log tail (never a secret).
pub async fn copy_diagnostics(state: &AppState) -> Result<String> {
    let dir = state.paths.data_dir.clone();
    let tail = tokio::task::spawn_blocking(move || {
        bridge_core::logs::log_tail(&dir, DIAGNOSTICS_LOG_LINES)
    })
    .await??;
    Ok(ops::diagnostics(&*state.engine().await?, &tail).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL check itself is `bridge_link::browser`'s (tested there); here,
    /// that a refused link reaches the UI as an `invalid` error.
    #[test]
    fn a_link_that_is_not_on_the_web_is_refused_as_invalid() {
        let error = open_ticket("file:///etc/passwd").unwrap_err();
        assert_eq!(error.kind(), "invalid");
    }
}
