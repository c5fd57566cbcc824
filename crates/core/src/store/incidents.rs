//! The incident deriver's state in SQLite (design §8), per source: each
//! plan's [`KeyState`], the incidents a new failure retired, and the poll
//! cursor. Written in one transaction per cycle, so a restart finds every
//! incident id as it was.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension};

use crate::source::derive::KeyState;

/// Retired incidents are remembered this long: past it, a ticket the engine
/// never closed is treated as removed (rule 7).
pub const RETIRED_DAYS: i64 = 30;

/// What the deriver starts a cycle from.
#[derive(Debug, Default)]
pub struct Derived {
    pub states: BTreeMap<String, KeyState>,
    pub retired: BTreeSet<String>,
    pub cursor: Option<String>,
}

/// The deriver's state for `source`. A row that no longer decodes (written
/// by a newer version, say) is dropped with a warning rather than failing
/// every cycle: its plan starts afresh on its next run.
pub fn load(conn: &Connection, source: &str) -> rusqlite::Result<Derived> {
    let mut states = BTreeMap::new();
    let mut stmt = conn.prepare_cached("SELECT key, state FROM source_plans WHERE source = ?1")?;
    let rows = stmt.query_map([source], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (key, text) = row?;
        match serde_json::from_str::<KeyState>(&text) {
            Ok(state) => {
                states.insert(key, state);
            }
            Err(error) => tracing::warn!(%error, "an incident state could not be read; dropped"),
        }
    }
    let mut stmt = conn.prepare_cached("SELECT event_id FROM source_retired WHERE source = ?1")?;
    let retired = stmt
        .query_map([source], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<BTreeSet<String>>>()?;
    let cursor = conn
        .query_row(
            "SELECT cursor FROM source_cursor WHERE source = ?1",
            [source],
            |r| r.get::<_, String>(0),
        )
        .optional()?;
    Ok(Derived {
        states,
        retired,
        cursor,
    })
}

/// What one cycle changed.
#[derive(Debug, Default)]
pub struct Changes<'a> {
    pub changed: Vec<(&'a str, &'a KeyState)>,
    pub dropped: &'a [String],
    pub retired: &'a [String],
    pub cursor: Option<&'a str>,
}

/// Writes one cycle's changes; `now` stamps the retired incidents, and
/// those retired more than [`RETIRED_DAYS`] before it are forgotten.
pub fn save(
    conn: &Connection,
    source: &str,
    changes: &Changes<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    {
        let mut put = tx.prepare_cached(
            "INSERT INTO source_plans (source, key, state) VALUES (?1, ?2, ?3)
             ON CONFLICT (source, key) DO UPDATE SET state = excluded.state",
        )?;
        for (key, state) in &changes.changed {
            let text = serde_json::to_string(state)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            put.execute(params![source, key, text])?;
        }
        let mut drop =
            tx.prepare_cached("DELETE FROM source_plans WHERE source = ?1 AND key = ?2")?;
        for key in changes.dropped {
            drop.execute(params![source, key])?;
        }
        let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut retire = tx.prepare_cached(
            "INSERT OR IGNORE INTO source_retired (source, event_id, retired_at) VALUES (?1, ?2, ?3)",
        )?;
        for id in changes.retired {
            retire.execute(params![source, id, stamp])?;
        }
        let before = (now - chrono::Duration::days(RETIRED_DAYS))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        tx.execute(
            "DELETE FROM source_retired WHERE source = ?1 AND retired_at < ?2",
            params![source, before],
        )?;
        if let Some(cursor) = changes.cursor {
            tx.execute(
                "INSERT INTO source_cursor (source, cursor) VALUES (?1, ?2)
                 ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor",
                params![source, cursor],
            )?;
        }
    }
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::derive::LastRun;
    use crate::source::platform::RunStatus;
    use crate::store::Store;

    fn state(message: &str) -> KeyState {
        KeyState {
            last_run: Some(LastRun {
                started_at: Some("2026-12-01T01:00:00Z".into()),
                status: RunStatus::Failed,
                message: message.into(),
            }),
            incident: None,
        }
    }

    #[test]
    fn state_round_trips_per_source_and_retired_ids_age_out() {
        let store = Store::open_in_memory().unwrap();
        let now = chrono::Utc::now();
        let a = state("a");
        store
            .with_conn(|c| {
                save(
                    c,
                    "msp360:x",
                    &Changes {
                        changed: vec![("k1", &a), ("k2", &a)],
                        dropped: &[],
                        retired: &["msp360:old".to_owned()],
                        cursor: Some("100"),
                    },
                    now - chrono::Duration::days(RETIRED_DAYS + 1),
                )
            })
            .unwrap();
        let got = store.with_conn(|c| load(c, "msp360:x")).unwrap();
        assert_eq!(got.states.len(), 2);
        assert_eq!(got.states["k1"], a);
        assert!(got.retired.contains("msp360:old"));
        assert_eq!(got.cursor.as_deref(), Some("100"));
        // Another source sees nothing of it.
        let other = store.with_conn(|c| load(c, "comet:y")).unwrap();
        assert!(other.states.is_empty() && other.retired.is_empty() && other.cursor.is_none());
        // A later cycle drops a key, retires another id, and the old one ages out.
        store
            .with_conn(|c| {
                save(
                    c,
                    "msp360:x",
                    &Changes {
                        changed: vec![],
                        dropped: &["k2".to_owned()],
                        retired: &["msp360:new".to_owned()],
                        cursor: None,
                    },
                    now,
                )
            })
            .unwrap();
        let got = store.with_conn(|c| load(c, "msp360:x")).unwrap();
        assert_eq!(got.states.keys().collect::<Vec<_>>(), vec!["k1"]);
        assert_eq!(
            got.retired.into_iter().collect::<Vec<_>>(),
            vec!["msp360:new".to_owned()]
        );
        assert_eq!(got.cursor.as_deref(), Some("100"), "kept when not moved");
    }
}
