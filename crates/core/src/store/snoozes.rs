//! Snoozes (maintenance windows): a person holds back the tickets and notes
//! of one company, computer or backup plan until a time. The planner reads
//! the active ones ([`active`]); `snooze list` shows them all, the ended ones
//! for [`super::history::HISTORY_DAYS`] days (rule 17 prunes them after).
//!
//! Times are UTC RFC 3339 text with whole seconds (`2026-12-07T06:00:00Z`),
//! so they compare as text.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// What a snooze covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SnoozeScope {
    /// The backup source's company: its id or its name as `companies list`
    /// shows them (either, case-insensitive).
    Company,
    /// The event's computer name (case-insensitive).
    Computer,
    /// The event's backup plan name (case-insensitive).
    Plan,
}

impl SnoozeScope {
    /// Stable text stored in the database and typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SnoozeScope::Company => "company",
            SnoozeScope::Computer => "computer",
            SnoozeScope::Plan => "plan",
        }
    }

    /// The scope named `text`, if any.
    pub fn parse(text: &str) -> Option<SnoozeScope> {
        match text {
            "company" => Some(SnoozeScope::Company),
            "computer" => Some(SnoozeScope::Computer),
            "plan" => Some(SnoozeScope::Plan),
            _ => None,
        }
    }
}

/// One snooze.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Snooze {
    pub id: i64,
    pub scope: SnoozeScope,
    pub value: String,
    /// UTC, RFC 3339.
    pub until: String,
    pub reason: String,
    pub created_at: String,
    /// When a person ended it early (`snooze remove`).
    pub removed_at: Option<String>,
}

impl Snooze {
    /// Still holding events back at `now` (same text form as `until`).
    pub fn is_active(&self, now: &str) -> bool {
        self.removed_at.is_none() && self.until.as_str() > now
    }

    /// `ended`, `removed` or `active` at `now`.
    pub fn state(&self, now: &str) -> &'static str {
        match (&self.removed_at, self.is_active(now)) {
            (Some(_), _) => "removed",
            (None, true) => "active",
            (None, false) => "ended",
        }
    }
}

/// The text form every snooze time has.
pub fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const COLUMNS: &str = "id, scope, value, until_at, reason, created_at, removed_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Snooze> {
    let scope: String = row.get(1)?;
    Ok(Snooze {
        id: row.get(0)?,
        // The table's CHECK allows only the three scopes.
        scope: SnoozeScope::parse(&scope).unwrap_or(SnoozeScope::Company),
        value: row.get(2)?,
        until: row.get(3)?,
        reason: row.get(4)?,
        created_at: row.get(5)?,
        removed_at: row.get(6)?,
    })
}

/// Records a snooze; returns it with its id.
pub fn add(
    conn: &Connection,
    scope: SnoozeScope,
    value: &str,
    until: &str,
    reason: &str,
    now: &str,
) -> rusqlite::Result<Snooze> {
    conn.execute(
        "INSERT INTO snoozes (scope, value, until_at, reason, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![scope.as_str(), value, until, reason, now],
    )?;
    let id = conn.last_insert_rowid();
    get(conn, id).map(|s| {
        s.unwrap_or(Snooze {
            id,
            scope,
            value: value.to_owned(),
            until: until.to_owned(),
            reason: reason.to_owned(),
            created_at: now.to_owned(),
            removed_at: None,
        })
    })
}

/// One snooze.
pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Snooze>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM snoozes WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

/// Every kept snooze: the active ones first (soonest end first), then the
/// ended and removed ones (latest end first).
pub fn list(conn: &Connection, now: &str) -> rusqlite::Result<Vec<Snooze>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM snoozes \
         ORDER BY (removed_at IS NULL AND until_at > ?1) DESC, \
                  CASE WHEN removed_at IS NULL AND until_at > ?1 THEN until_at END ASC, \
                  COALESCE(removed_at, until_at) DESC, id"
    ))?;
    let rows = stmt.query_map([now], from_row)?;
    rows.collect()
}

/// The snoozes holding events back at `now`, by id.
pub fn active(conn: &Connection, now: &str) -> rusqlite::Result<Vec<Snooze>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM snoozes WHERE removed_at IS NULL AND until_at > ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([now], from_row)?;
    rows.collect()
}

/// Ends an active snooze now; returns it, or `None` when no snooze has
/// that id. One already ended is returned unchanged.
pub fn remove(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<Option<Snooze>> {
    conn.execute(
        "UPDATE snoozes SET removed_at = ?2 \
         WHERE id = ?1 AND removed_at IS NULL AND until_at > ?2",
        params![id, now],
    )?;
    get(conn, id)
}

/// Rule 17: deletes the snoozes that ended (or were removed) before
/// `before`; returns how many.
pub fn prune(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM snoozes WHERE COALESCE(removed_at, until_at) < ?1",
        [before],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    const NOW: &str = "2026-12-06T12:00:00Z";

    fn ids(list: &[Snooze]) -> Vec<i64> {
        list.iter().map(|s| s.id).collect()
    }

    #[test]
    fn active_ones_come_first_then_the_ended_ones() {
        let store = Store::open_in_memory().unwrap();
        store
            .with_conn(|c| {
                let later = add(
                    c,
                    SnoozeScope::Company,
                    "Acme",
                    "2026-12-07T06:00:00Z",
                    "",
                    NOW,
                )?;
                let ended = add(
                    c,
                    SnoozeScope::Plan,
                    "Nightly",
                    "2026-12-06T11:00:00Z",
                    "",
                    NOW,
                )?;
                let soon = add(
                    c,
                    SnoozeScope::Computer,
                    "PC-1",
                    "2026-12-06T13:00:00Z",
                    "x",
                    NOW,
                )?;
                let removed = add(
                    c,
                    SnoozeScope::Plan,
                    "Weekly",
                    "2026-12-08T00:00:00Z",
                    "",
                    NOW,
                )?;
                let gone = remove(c, removed.id, NOW)?.unwrap();
                assert_eq!(gone.removed_at.as_deref(), Some(NOW));
                assert_eq!(gone.state(NOW), "removed");
                assert_eq!(ended.state(NOW), "ended");
                assert_eq!(soon.state(NOW), "active");
                assert_eq!(ids(&active(c, NOW)?), [later.id, soon.id]);
                // Removed at noon, ended at eleven: the latest end first.
                assert_eq!(
                    ids(&list(c, NOW)?),
                    [soon.id, later.id, removed.id, ended.id]
                );
                // Removing an ended one changes nothing; an unknown id is None.
                assert_eq!(remove(c, ended.id, NOW)?, Some(ended));
                assert_eq!(remove(c, 99, NOW)?, None);
                Ok(())
            })
            .unwrap();
    }

    /// The ledger's per-ticket mark (migration 007) is stored and read back,
    /// and a confirmed note's effect sets and clears it.
    #[test]
    fn the_ledger_keeps_the_snooze_mark() {
        use crate::store::ledger::{self, NoteLedgerEffect};
        let store = Store::open_in_memory().unwrap();
        let mut entry: ledger::LedgerEntry = serde_json::from_value(serde_json::json!({
            "event_id": "e1", "company_id": "c-1", "ticket_id": 7, "state": "Open",
            "anomaly": false, "event_type": "Error", "job_status": "Failed", "message": "m",
            "summary": "s", "priority": null, "content_hash": "h", "pushed_details": [],
            "last_action": null, "last_error": null, "updated_at": NOW
        }))
        .unwrap();
        assert_eq!(
            entry.snoozed, None,
            "rows saved before snoozes read as none"
        );
        ledger::apply_note_effect(&mut entry, &NoteLedgerEffect::SnoozeStarted(3));
        store.with_conn(|c| ledger::put(c, &entry)).unwrap();
        let got = store.with_conn(|c| ledger::get(c, "e1")).unwrap().unwrap();
        assert_eq!(got.snoozed, Some(3));
        ledger::apply_note_effect(&mut entry, &NoteLedgerEffect::SnoozeEnded);
        store.with_conn(|c| ledger::put(c, &entry)).unwrap();
        let got = store.with_conn(|c| ledger::get(c, "e1")).unwrap().unwrap();
        assert_eq!(got.snoozed, None);
    }

    #[test]
    fn the_table_refuses_an_unknown_scope() {
        let store = Store::open_in_memory().unwrap();
        let err = store.with_conn(|c| {
            c.execute(
                "INSERT INTO snoozes (scope, value, until_at, created_at) \
                 VALUES ('site', 'x', ?1, ?1)",
                [NOW],
            )
        });
        assert!(err.is_err());
    }

    #[test]
    fn ended_and_removed_ones_are_pruned_after_30_days() {
        let store = Store::open_in_memory().unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        store
            .with_conn(|c| {
                // Ended 40 days ago, ended 10 days ago, removed 40 days ago
                // (though its end was to come later), still active.
                add(c, SnoozeScope::Plan, "old", "2026-10-27T12:00:00Z", "", NOW)?;
                add(
                    c,
                    SnoozeScope::Plan,
                    "recent",
                    "2026-11-26T12:00:00Z",
                    "",
                    NOW,
                )?;
                let r = add(
                    c,
                    SnoozeScope::Plan,
                    "removed",
                    "2026-12-30T00:00:00Z",
                    "",
                    NOW,
                )?;
                remove(c, r.id, "2026-10-27T12:00:00Z")?;
                add(
                    c,
                    SnoozeScope::Plan,
                    "active",
                    "2026-12-30T00:00:00Z",
                    "",
                    NOW,
                )?;
                Ok(())
            })
            .unwrap();
        let pruned = crate::store::prune_history(&store, now).unwrap();
        assert_eq!(pruned.snoozes, 2);
        let left = store.with_conn(|c| list(c, NOW)).unwrap();
        let values: Vec<&str> = left.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(values, ["active", "recent"]);
    }
}
