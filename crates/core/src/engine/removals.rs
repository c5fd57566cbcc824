//! The removal guard's state outside a cycle (rule 15): which removals wait
//! for a person's confirmation, kept in the settings so `status` and the
//! Activity screen of any process see them. The source identity the ledger
//! records on each row is `Source::identity`.

use super::plan;
use crate::store::settings;
use crate::store::{Store, StoreError};

/// Settings key holding the removals the guard holds back (rule 15), for
/// `status` and the Activity screen of any process.
pub const GUARDED_REMOVALS_KEY: &str = "internal.guarded_removals";

/// The removals the guard holds back until a person confirms them (rule 15).
pub fn guarded_removals(store: &Store) -> Result<Option<plan::GuardedRemovals>, StoreError> {
    Ok(settings::get(store, GUARDED_REMOVALS_KEY)?
        .and_then(|text| serde_json::from_str(&text).ok()))
}

pub(crate) fn remember_guarded(
    store: &Store,
    guarded: Option<plan::GuardedRemovals>,
) -> Result<(), StoreError> {
    match guarded.and_then(|g| serde_json::to_string(&g).ok()) {
        Some(text) => settings::set(store, GUARDED_REMOVALS_KEY, &text),
        None => settings::reset(store, GUARDED_REMOVALS_KEY),
    }
}
