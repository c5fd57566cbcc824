//! Snoozes (maintenance windows) from the Activity and Companies screens:
//! add one until a time, list them, end one now. The rules (what `until`
//! accepts, what a value covers) are core's, as for `backup-bridge snooze`.

use std::collections::BTreeMap;

use bridge_core::ops;
use bridge_core::store::companies;
use bridge_core::store::snoozes::{Snooze, SnoozeScope};

use super::blocking;
use crate::error::Result;
use crate::models::SnoozeList;
use crate::state::AppState;

/// Snoozes `scope` = `value` until `until` (a time or a duration from now,
/// read by core as `snooze add --until` reads it), with `reason`.
pub async fn add_snooze(
    state: &AppState,
    scope: SnoozeScope,
    value: String,
    until: String,
    reason: String,
) -> Result<Snooze> {
    let engine = state.engine().await?;
    Ok(ops::add_snooze(&engine, scope, &value, &until, &reason).await?)
}

/// The kept snoozes: those active now, then the ended ones.
pub async fn list_snoozes(state: &AppState) -> Result<SnoozeList> {
    let engine = state.engine().await?;
    let (list, now) = ops::list_snoozes(&engine).await?;
    let ids: Vec<String> = list
        .iter()
        .filter(|s| s.scope == SnoozeScope::Company)
        .map(|s| s.value.clone())
        .collect();
    let names = blocking(&engine, move |store| {
        let mut names = BTreeMap::new();
        for id in ids {
            if let Some(company) = companies::get(store, &id)? {
                names.insert(id, company.name);
            }
        }
        Ok(names)
    })
    .await?;
    let (active, ended) = list.into_iter().partition(|s| s.is_active(&now));
    Ok(SnoozeList {
        now,
        active,
        ended,
        names,
    })
}

/// Ends snooze `id` now; its end notes follow on the next sync.
pub async fn remove_snooze(state: &AppState, id: i64) -> Result<Snooze> {
    Ok(ops::remove_snooze(&*state.engine().await?, id).await?)
}
