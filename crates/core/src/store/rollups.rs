//! Roll-ups (issue 17): the causes many failures of one sync shared, and
//! which events belong to each. The roll-up's ticket itself is a ledger row
//! ([`ledger_id`]), so its create, notes and close go through the outbox
//! like any event's (rule 9); this table only says what it is about.
//! Closed roll-ups are kept for [`super::history::HISTORY_DAYS`] days.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::Serialize;

/// The ledger's event id of roll-up `id`'s ticket.
pub fn ledger_id(id: i64) -> String {
    format!("{LEDGER_PREFIX}{id}")
}

/// What every roll-up's ledger event id starts with.
pub const LEDGER_PREFIX: &str = "rollup:";

/// The ledger source of roll-up tickets: no listing is from it, so no
/// listing removes them (rule 15).
pub const LEDGER_SOURCE: &str = "rollup";

/// One failure of a roll-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub event_id: String,
    /// The company as the ticket names it (`Acme Dental (AcmeDental)`).
    pub company: String,
    pub computer: String,
}

/// An open roll-up and its members, in the order they joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollup {
    pub id: i64,
    /// The masked message the members share (`engine::storm::shared_cause`).
    pub cause: String,
    pub cw_company_id: i64,
    pub cw_identifier: String,
    pub created_at: String,
    pub members: Vec<Member>,
}

/// Every roll-up whose ticket is not closed yet, oldest first.
pub fn open(conn: &Connection) -> rusqlite::Result<Vec<Rollup>> {
    let mut stmt = conn.prepare(
        "SELECT id, cause, cw_company_id, cw_identifier, created_at FROM rollups \
         WHERE closed_at IS NULL ORDER BY id",
    )?;
    let mut rollups: Vec<Rollup> = stmt
        .query_map([], |r| {
            Ok(Rollup {
                id: r.get(0)?,
                cause: r.get(1)?,
                cw_company_id: r.get(2)?,
                cw_identifier: r.get(3)?,
                created_at: r.get(4)?,
                members: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut members = conn.prepare(
        "SELECT m.rollup_id, m.event_id, m.company, m.computer FROM rollup_members m \
         JOIN rollups r ON r.id = m.rollup_id WHERE r.closed_at IS NULL \
         ORDER BY m.rollup_id, m.joined_at, m.rowid",
    )?;
    let mut by_id: BTreeMap<i64, Vec<Member>> = BTreeMap::new();
    let rows = members.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Member {
                event_id: r.get(1)?,
                company: r.get(2)?,
                computer: r.get(3)?,
            },
        ))
    })?;
    for row in rows {
        let (id, member) = row?;
        by_id.entry(id).or_default().push(member);
    }
    for rollup in &mut rollups {
        rollup.members = by_id.remove(&rollup.id).unwrap_or_default();
    }
    Ok(rollups)
}

/// Records a new roll-up with its first members; returns its id.
pub fn insert(
    conn: &Connection,
    cause: &str,
    cw_company: (i64, &str),
    members: &[Member],
    now: &str,
) -> rusqlite::Result<i64> {
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO rollups (cause, cw_company_id, cw_identifier, created_at) \
         VALUES (?1, ?2, ?3, ?4)",
        params![cause, cw_company.0, cw_company.1, now],
    )?;
    let id = tx.last_insert_rowid();
    add_members(&tx, id, members, now)?;
    tx.commit()?;
    Ok(id)
}

/// Adds `members` to roll-up `id` (an event already in it stays as it was).
pub fn add_members(
    conn: &Connection,
    id: i64,
    members: &[Member],
    now: &str,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(
        "INSERT OR IGNORE INTO rollup_members (rollup_id, event_id, company, computer, joined_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for m in members {
        stmt.execute(params![id, m.event_id, m.company, m.computer, now])?;
    }
    Ok(())
}

/// Marks roll-up `id` closed (its ticket was closed).
pub fn close(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE rollups SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
        params![id, now],
    )?;
    Ok(())
}

/// Drops roll-ups closed before `before` (their members go with them).
pub fn prune(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM rollups WHERE closed_at IS NOT NULL AND closed_at < ?1",
        [before],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn member(event: &str, computer: &str) -> Member {
        Member {
            event_id: event.to_owned(),
            company: "Acme (Acme)".to_owned(),
            computer: computer.to_owned(),
        }
    }

    #[test]
    fn open_rollups_keep_their_members_in_joining_order_until_closed() {
        let store = Store::open_in_memory().unwrap();
        store
            .with_conn(|c| {
                let now = "2026-12-06T10:00:00Z";
                let first = insert(
                    c,
                    "Destination <url> is unreachable",
                    (250, "MyMSP"),
                    &[member("e-2", "SRV-2"), member("e-1", "SRV-1")],
                    now,
                )?;
                let second = insert(c, "Disk full", (250, "MyMSP"), &[member("e-9", "PC")], now)?;
                add_members(
                    c,
                    first,
                    &[member("e-3", "SRV-3"), member("e-1", "again")],
                    now,
                )?;
                let open_now = open(c)?;
                assert_eq!(open_now.len(), 2);
                let ids: Vec<&str> = open_now[0]
                    .members
                    .iter()
                    .map(|m| m.event_id.as_str())
                    .collect();
                assert_eq!(ids, ["e-2", "e-1", "e-3"]);
                assert_eq!(
                    open_now[0].members[1].computer, "SRV-1",
                    "a member joins once"
                );
                assert_eq!(open_now[1].cause, "Disk full");
                close(c, second, "2026-12-06T11:00:00Z")?;
                assert_eq!(open(c)?.len(), 1);
                assert_eq!(ledger_id(first), format!("rollup:{first}"));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn only_roll_ups_closed_before_the_cut_are_pruned_with_their_members() {
        let store = Store::open_in_memory().unwrap();
        store
            .with_conn(|c| {
                let old = insert(
                    c,
                    "a",
                    (1, "X"),
                    &[member("e-1", "A")],
                    "2026-10-01T00:00:00Z",
                )?;
                let recent = insert(
                    c,
                    "b",
                    (1, "X"),
                    &[member("e-2", "B")],
                    "2026-12-01T00:00:00Z",
                )?;
                insert(
                    c,
                    "c",
                    (1, "X"),
                    &[member("e-3", "C")],
                    "2026-10-01T00:00:00Z",
                )?;
                close(c, old, "2026-10-02T00:00:00Z")?;
                close(c, recent, "2026-12-02T00:00:00Z")?;
                assert_eq!(prune(c, "2026-11-05T00:00:00Z")?, 1);
                let members: i64 =
                    c.query_row("SELECT COUNT(*) FROM rollup_members", [], |r| r.get(0))?;
                assert_eq!(members, 2, "the pruned roll-up's member went with it");
                assert_eq!(open(c)?.len(), 1, "an open one is never pruned");
                Ok(())
            })
            .unwrap();
    }
}
