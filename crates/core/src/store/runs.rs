//! Sync run history (`sync_runs`): one row per cycle with what it did and the
//! errors it met, for the Activity window, `backup-bridge status` and the
//! tray's "last sync" line. The history is bounded (design rule 17): each
//! run keeps at most [`RUN_ERRORS_KEPT`] sentences of at most
//! [`RUN_ERROR_MAX_CHARS`] characters, and [`prune`] drops runs beyond the
//! newest [`RUNS_KEPT`] or older than the retention window.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};

use super::{now_text, parse_time, Store, StoreError};

/// Id of a row in `sync_runs`.
pub type RunId = i64;

/// Runs kept at most: older ones are pruned.
pub const RUNS_KEPT: usize = 1_000;
/// Error sentences stored per run; the rest are counted in one last line.
pub const RUN_ERRORS_KEPT: usize = 50;
/// Longest error sentence stored, in characters.
pub const RUN_ERROR_MAX_CHARS: usize = 1_000;

/// What one cycle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunCounts {
    pub created: u32,
    pub updated: u32,
    pub notes: u32,
    pub closed: u32,
    pub reopened: u32,
    pub deleted: u32,
    pub skipped: u32,
    pub errors: u32,
    /// New tickets the storm guard held for a later cycle (issue 17).
    pub held: u32,
    /// Events a snooze held back (also counted as skipped).
    pub snoozed: u32,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Not finished: still running, or the app stopped during it.
    Unfinished,
    /// Finished without errors.
    Ok,
    /// Finished with at least one error (counted or reported).
    WithErrors,
}

/// One run as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunRecord {
    pub id: RunId,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: RunCounts,
    /// The error sentences, in the order they happened.
    pub error_messages: Vec<String>,
}

impl RunRecord {
    /// How the run ended.
    pub fn outcome(&self) -> RunOutcome {
        if self.finished_at.is_none() {
            RunOutcome::Unfinished
        } else if self.counts.errors > 0 || !self.error_messages.is_empty() {
            RunOutcome::WithErrors
        } else {
            RunOutcome::Ok
        }
    }
}

/// Record the start of a run; returns its id for [`finish_run`].
pub fn start_run(store: &Store) -> Result<RunId, StoreError> {
    store.with_conn(|c| {
        c.execute(
            "INSERT INTO sync_runs (started_at) VALUES (?1)",
            [now_text()],
        )?;
        Ok(c.last_insert_rowid())
    })
}

/// Record the end of a run with its counts and error sentences.
pub fn finish_run(
    store: &Store,
    id: RunId,
    counts: &RunCounts,
    errors: &[String],
) -> Result<(), StoreError> {
    let errors_json = serde_json::to_string(&capped_errors(errors))
        .map_err(|e| StoreError::Corrupt(format!("cannot encode run errors: {e}")))?;
    let changed = store.with_conn(|c| {
        c.execute(
            "UPDATE sync_runs SET finished_at = ?2, created = ?3, updated = ?4, notes = ?5,
                 closed = ?6, reopened = ?7, deleted = ?8, skipped = ?9, errors = ?10,
                 error_messages = ?11, held = ?12, snoozed = ?13
             WHERE id = ?1",
            params![
                id,
                now_text(),
                counts.created,
                counts.updated,
                counts.notes,
                counts.closed,
                counts.reopened,
                counts.deleted,
                counts.skipped,
                counts.errors,
                errors_json,
                counts.held,
                counts.snoozed
            ],
        )
    })?;
    if changed == 0 {
        return Err(StoreError::UnknownRun(id));
    }
    Ok(())
}

/// What a run stores of its error sentences: the first [`RUN_ERRORS_KEPT`],
/// each clipped to [`RUN_ERROR_MAX_CHARS`], then how many more there were.
pub fn capped_errors(errors: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = errors
        .iter()
        .take(RUN_ERRORS_KEPT)
        .map(|e| clip(e, RUN_ERROR_MAX_CHARS))
        .collect();
    if errors.len() > RUN_ERRORS_KEPT {
        let more = errors.len() - RUN_ERRORS_KEPT;
        kept.push(format!(
            "… and {more} more {}",
            if more == 1 { "error" } else { "errors" }
        ));
    }
    kept
}

/// `text` cut to `max` characters, marked with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text[end..].chars().nth(1).is_some() => format!("{}…", &text[..end]),
        _ => text.to_owned(),
    }
}

/// Deletes finished runs that started before `before` (RFC 3339, as
/// stored) or are not among the newest `keep`; returns how many went.
pub fn prune(conn: &Connection, before: &str, keep: usize) -> rusqlite::Result<usize> {
    let keep = i64::try_from(keep).unwrap_or(i64::MAX);
    conn.execute(
        "DELETE FROM sync_runs WHERE finished_at IS NOT NULL AND (started_at < ?1 OR id <= \
             (SELECT id FROM sync_runs ORDER BY id DESC LIMIT 1 OFFSET ?2))",
        params![before, keep],
    )
}

/// Close runs left unfinished by a previous process (call once at startup,
/// before the sync loop starts), recording `message` as their error.
/// Returns how many were closed.
pub fn close_unfinished(store: &Store, message: &str) -> Result<usize, StoreError> {
    let errors_json = serde_json::to_string(&[message])
        .map_err(|e| StoreError::Corrupt(format!("cannot encode run errors: {e}")))?;
    store.with_conn(|c| {
        c.execute(
            "UPDATE sync_runs SET finished_at = ?1, error_messages = ?2 WHERE finished_at IS NULL",
            params![now_text(), errors_json],
        )
    })
}

/// The `n` most recent runs, newest first.
pub fn recent_runs(store: &Store, n: usize) -> Result<Vec<RunRecord>, StoreError> {
    let limit = i64::try_from(n).unwrap_or(i64::MAX);
    let raw = store.with_conn(|c| {
        let mut stmt = c.prepare(
            "SELECT id, started_at, finished_at, created, updated, notes, closed, reopened,
                    deleted, skipped, errors, error_messages, held, snoozed
             FROM sync_runs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], RawRun::read)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })?;
    raw.into_iter().map(RawRun::into_record).collect()
}

struct RawRun {
    id: RunId,
    started_at: String,
    finished_at: Option<String>,
    counts: RunCounts,
    error_messages: String,
}

impl RawRun {
    fn read(r: &Row<'_>) -> rusqlite::Result<RawRun> {
        Ok(RawRun {
            id: r.get(0)?,
            started_at: r.get(1)?,
            finished_at: r.get(2)?,
            counts: RunCounts {
                created: r.get(3)?,
                updated: r.get(4)?,
                notes: r.get(5)?,
                closed: r.get(6)?,
                reopened: r.get(7)?,
                deleted: r.get(8)?,
                skipped: r.get(9)?,
                errors: r.get(10)?,
                held: r.get(12)?,
                snoozed: r.get(13)?,
            },
            error_messages: r.get(11)?,
        })
    }

    fn into_record(self) -> Result<RunRecord, StoreError> {
        let error_messages = serde_json::from_str(&self.error_messages).map_err(|e| {
            StoreError::Corrupt(format!(
                "the errors of sync run {} are not a JSON list: {e}",
                self.id
            ))
        })?;
        Ok(RunRecord {
            id: self.id,
            started_at: parse_time(&self.started_at)?,
            finished_at: self.finished_at.as_deref().map(parse_time).transpose()?,
            counts: self.counts,
            error_messages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_start_finish_and_list_newest_first() {
        let store = Store::open_in_memory().unwrap();
        let first = start_run(&store).unwrap();
        let counts = RunCounts {
            created: 2,
            notes: 3,
            closed: 1,
            held: 7,
            ..RunCounts::default()
        };
        finish_run(&store, first, &counts, &[]).unwrap();
        let second = start_run(&store).unwrap();
        let errors = vec![
            "item 3 (id evt-9) skipped: field \"eventType\" is missing".to_owned(),
            "Acme: no agreement matches `name like \"%ICB\"`".to_owned(),
        ];
        let counts2 = RunCounts {
            errors: 1,
            skipped: 1,
            snoozed: 1,
            ..RunCounts::default()
        };
        finish_run(&store, second, &counts2, &errors).unwrap();
        let third = start_run(&store).unwrap();

        let runs = recent_runs(&store, 10).unwrap();
        assert_eq!(
            runs.iter().map(|r| r.id).collect::<Vec<_>>(),
            [third, second, first]
        );
        assert_eq!(runs[0].outcome(), RunOutcome::Unfinished);
        assert_eq!(runs[1].outcome(), RunOutcome::WithErrors);
        assert_eq!(runs[1].error_messages, errors);
        assert_eq!(runs[1].counts, counts2);
        assert_eq!(runs[2].outcome(), RunOutcome::Ok);
        assert_eq!(runs[2].counts, counts);
        assert!(runs[2].finished_at.unwrap() >= runs[2].started_at);
        assert_eq!(recent_runs(&store, 1).unwrap().len(), 1);
        assert_eq!(recent_runs(&store, 0).unwrap().len(), 0);
    }

    #[test]
    fn unfinished_runs_close_as_errors() {
        let store = Store::open_in_memory().unwrap();
        let id = start_run(&store).unwrap();
        assert_eq!(
            close_unfinished(&store, "the app stopped during this run").unwrap(),
            1
        );
        assert_eq!(close_unfinished(&store, "again").unwrap(), 0);
        let run = &recent_runs(&store, 1).unwrap()[0];
        assert_eq!(run.id, id);
        assert_eq!(run.outcome(), RunOutcome::WithErrors);
        assert_eq!(run.error_messages, ["the app stopped during this run"]);
    }

    /// REGRESSION: every problem sentence of a run was stored, so a run with
    /// thousands of rejected items made one huge row per cycle.
    #[test]
    fn a_run_stores_at_most_its_first_errors_each_clipped() {
        let store = Store::open_in_memory().unwrap();
        let id = start_run(&store).unwrap();
        let mut errors: Vec<String> = (0..RUN_ERRORS_KEPT + 7).map(|i| format!("e{i}")).collect();
        errors[0] = "é".repeat(RUN_ERROR_MAX_CHARS + 500);
        errors[1] = "x".repeat(RUN_ERROR_MAX_CHARS);
        finish_run(&store, id, &RunCounts::default(), &errors).unwrap();
        let stored = &recent_runs(&store, 1).unwrap()[0].error_messages;
        assert_eq!(stored.len(), RUN_ERRORS_KEPT + 1);
        assert_eq!(stored[0].chars().count(), RUN_ERROR_MAX_CHARS);
        assert!(stored[0].ends_with("é…"), "{}", &stored[0][..10]);
        assert_eq!(
            stored[1], errors[1],
            "a sentence at the limit is kept whole"
        );
        assert_eq!(stored[RUN_ERRORS_KEPT - 1], errors[RUN_ERRORS_KEPT - 1]);
        assert_eq!(stored[RUN_ERRORS_KEPT], "… and 7 more errors");
        assert_eq!(
            capped_errors(&errors[..RUN_ERRORS_KEPT + 1])[RUN_ERRORS_KEPT],
            "… and 1 more error"
        );
        assert_eq!(capped_errors(&["short".to_owned()]), ["short"]);
    }

    #[test]
    fn prune_keeps_the_newest_runs_and_the_retention_window() {
        let store = Store::open_in_memory().unwrap();
        store
            .with_conn(|c| {
                for (started, finished) in [
                    ("2026-10-01T00:00:00.000Z", Some("2026-10-01T00:01:00.000Z")),
                    ("2026-11-20T00:00:00.000Z", Some("2026-11-20T00:01:00.000Z")),
                    ("2026-11-21T00:00:00.000Z", Some("2026-11-21T00:01:00.000Z")),
                    ("2026-11-22T00:00:00.000Z", Some("2026-11-22T00:01:00.000Z")),
                    // Unfinished runs are never pruned (closed at the next start).
                    ("2026-09-01T00:00:00.000Z", None),
                ] {
                    c.execute(
                        "INSERT INTO sync_runs (started_at, finished_at) VALUES (?1, ?2)",
                        params![started, finished],
                    )?;
                }
                Ok(())
            })
            .unwrap();
        let ids = |s: &Store| {
            let mut ids: Vec<RunId> = recent_runs(s, 100).unwrap().iter().map(|r| r.id).collect();
            ids.sort_unstable();
            ids
        };
        let cutoff = "2026-11-01T00:00:00.000Z";
        assert_eq!(store.with_conn(|c| prune(c, cutoff, 100)).unwrap(), 1);
        assert_eq!(ids(&store), [2, 3, 4, 5]);
        // Only the newest two: the older finished ones go, the unfinished stays.
        assert_eq!(store.with_conn(|c| prune(c, cutoff, 2)).unwrap(), 2);
        assert_eq!(ids(&store), [4, 5]);
        assert_eq!(store.with_conn(|c| prune(c, cutoff, 2)).unwrap(), 0);
    }

    #[test]
    fn finishing_an_unknown_run_fails() {
        let store = Store::open_in_memory().unwrap();
        assert!(matches!(
            finish_run(&store, 42, &RunCounts::default(), &[]),
            Err(StoreError::UnknownRun(42))
        ));
    }
}
