//! Bounded growth (design rule 17): settled outbox rows, sync runs and ended
//! snoozes older than [`HISTORY_DAYS`] go, and at most [`runs::RUNS_KEPT`] runs stay. The
//! engine calls [`prune_history`] once per cycle, after the run is recorded.

use chrono::{DateTime, Utc};

use super::{outbox, rollups, runs, snoozes, Store, StoreError};

/// Days the outbox and the run history are kept.
pub const HISTORY_DAYS: i64 = 30;

/// What one [`prune_history`] removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    /// Settled outbox rows.
    pub outbox: usize,
    /// Finished sync runs.
    pub runs: usize,
    /// Snoozes that ended or were removed.
    pub snoozes: usize,
    /// Roll-ups whose ticket was closed.
    pub rollups: usize,
}

/// Drops settled outbox rows, finished runs and ended snoozes older than [`HISTORY_DAYS`]
/// before `now`, and runs beyond the newest [`runs::RUNS_KEPT`], in one
/// transaction. Rows whose outcome is still open are never touched.
pub fn prune_history(store: &Store, now: DateTime<Utc>) -> Result<Pruned, StoreError> {
    let before = (now - chrono::Duration::days(HISTORY_DAYS))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    store.with_tx(|tx| {
        Ok(Pruned {
            outbox: outbox::prune(tx, &before)?,
            runs: runs::prune(tx, &before, runs::RUNS_KEPT)?,
            snoozes: snoozes::prune(tx, &before)?,
            rollups: rollups::prune(tx, &before)?,
        })
    })
}

#[cfg(test)]
mod tests {
    use rusqlite::params;

    use super::*;

    fn count(store: &Store, sql: &str) -> Vec<String> {
        store
            .with_conn(|c| {
                let mut stmt = c.prepare(sql)?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect()
            })
            .unwrap()
    }

    /// REGRESSION: `outbox::prune` had no caller, and runs were never
    /// deleted: a poll every 10 s added about 3 million rows a year.
    #[test]
    fn old_settled_rows_and_runs_go_open_ones_stay() {
        let store = Store::open_in_memory().unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-05T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let old = "2026-10-01T00:00:00.000Z";
        let recent = "2026-12-01T00:00:00.000Z";
        store
            .with_conn(|c| {
                let states = [
                    "done", "failed", "resolved", "forgotten", "pending", "unknown", "stuck",
                ];
                for state in states {
                    for (age, at) in [("old", old), ("new", recent)] {
                        c.execute(
                            "INSERT INTO outbox (event_id, payload, state, created_at, finished_at) \
                             VALUES (?1, '{}', ?2, ?3, ?3)",
                            params![format!("{state}-{age}"), state, at],
                        )?;
                    }
                }
                for at in [old, recent] {
                    c.execute(
                        "INSERT INTO sync_runs (started_at, finished_at) VALUES (?1, ?1)",
                        [at],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        let pruned = prune_history(&store, now).unwrap();
        assert_eq!(
            pruned,
            Pruned {
                rollups: 0,
                outbox: 4,
                runs: 1,
                snoozes: 0
            }
        );
        assert_eq!(
            count(&store, "SELECT event_id FROM outbox ORDER BY id"),
            [
                "done-new",
                "failed-new",
                "resolved-new",
                "forgotten-new",
                "pending-old",
                "pending-new",
                "unknown-old",
                "unknown-new",
                "stuck-old",
                "stuck-new",
            ]
        );
        assert_eq!(count(&store, "SELECT started_at FROM sync_runs"), [recent]);
        assert_eq!(prune_history(&store, now).unwrap(), Pruned::default());
    }

    #[test]
    fn at_most_the_newest_runs_are_kept() {
        let store = Store::open_in_memory().unwrap();
        let now = Utc::now();
        for _ in 0..runs::RUNS_KEPT + 3 {
            let id = runs::start_run(&store).unwrap();
            runs::finish_run(&store, id, &runs::RunCounts::default(), &[]).unwrap();
        }
        assert_eq!(prune_history(&store, now).unwrap().runs, 3);
        let ids = runs::recent_runs(&store, usize::MAX).unwrap();
        assert_eq!(ids.len(), runs::RUNS_KEPT);
        assert_eq!(ids.last().map(|r| r.id), Some(4));
    }
}
