//! The `settings` key/value table: every key with its effective value, and
//! reading, checking, writing and resetting one key.

use super::keys::{self, INTERNAL_PREFIX};
use crate::store::{now_text, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

/// One row of `config show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SettingEntry {
    pub key: &'static str,
    /// The effective value; `None` when unset with no default.
    pub value: Option<String>,
    /// True when nothing is stored (the default, or unset, applies).
    pub is_default: bool,
    /// One line saying what the key is for.
    pub help: &'static str,
}

/// Every known key in display order (internal keys hidden), with its effective value.
pub fn all(store: &Store) -> Result<Vec<SettingEntry>, StoreError> {
    let stored = stored_values(store)?;
    Ok(keys::KEYS
        .iter()
        .map(|spec| {
            let value = stored.get(spec.key).cloned();
            SettingEntry {
                key: spec.key,
                is_default: value.is_none(),
                value: value.or_else(|| spec.default.map(str::to_owned)),
                help: spec.help,
            }
        })
        .collect())
}

/// The names of every known (non-internal) key, in display order.
pub fn known_keys() -> Vec<&'static str> {
    keys::KEYS.iter().map(|s| s.key).collect()
}

/// The effective value of one key (stored value, else its default); for an
/// `internal.` key, the stored value.
pub fn get(store: &Store, key: &str) -> Result<Option<String>, StoreError> {
    let spec = check_key(key)?;
    let stored = store.with_conn(|c| {
        c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get::<_, String>(0)
        })
        .optional()
    })?;
    Ok(stored.or_else(|| spec.and_then(|s| s.default).map(str::to_owned)))
}

/// Validate and store one setting. An empty value for an optional key (or
/// the agreement condition) clears it back to its default. Keys under
/// `internal.` are stored as given.
pub fn set(store: &Store, key: &str, value: &str) -> Result<(), StoreError> {
    let normalized = normalized(key, value)?;
    store.with_conn(|c| match normalized {
        Some(v) => c
            .execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![key, v, now_text()],
            )
            .map(drop),
        None => c
            .execute("DELETE FROM settings WHERE key = ?1", [key])
            .map(drop),
    })
}

/// Validates one setting as [`set`] would, storing nothing: lets a caller
/// saving several settings refuse them all before writing any.
pub fn check(key: &str, value: &str) -> Result<(), StoreError> {
    normalized(key, value).map(drop)
}

/// The value [`set`] stores for `key` (`None`: cleared), or why it is refused.
fn normalized(key: &str, value: &str) -> Result<Option<String>, StoreError> {
    match check_key(key)? {
        None => Ok(Some(value.to_owned())),
        Some(spec) => keys::normalize(spec, value).map_err(|reason| StoreError::InvalidSetting {
            key: key.to_owned(),
            reason,
        }),
    }
}

/// Forget the stored value of a key, so its default applies again.
pub fn reset(store: &Store, key: &str) -> Result<(), StoreError> {
    check_key(key)?;
    store.with_conn(|c| {
        c.execute("DELETE FROM settings WHERE key = ?1", [key])
            .map(drop)
    })
}

/// Known key -> `Some(spec)`; `internal.*` -> `None`; anything else, or a
/// secret-looking key, is an error.
fn check_key(key: &str) -> Result<Option<&'static keys::KeySpec>, StoreError> {
    if keys::looks_secret(key) {
        return Err(StoreError::SecretInSettings {
            key: key.to_owned(),
        });
    }
    if let Some(spec) = keys::find(key) {
        return Ok(Some(spec));
    }
    match key.strip_prefix(INTERNAL_PREFIX) {
        Some(rest) if !rest.is_empty() => Ok(None),
        _ => Err(StoreError::UnknownSetting {
            key: key.to_owned(),
        }),
    }
}

pub(super) fn stored_values(store: &Store) -> Result<HashMap<String, String>, StoreError> {
    store.with_conn(|c| {
        let mut stmt = c.prepare("SELECT key, value FROM settings")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    })
}
