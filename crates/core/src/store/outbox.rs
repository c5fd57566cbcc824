//! The outbox: every ConnectWise call is recorded as *intended* before it is
//! sent and *confirmed* after, so a crash, a timeout or an ambiguous answer
//! in between is settled on the next cycle instead of guessed at (design §4
//! rules 9, 13 and 16).

use std::collections::BTreeSet;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::ledger::{LedgerEntry, NoteLedgerEffect};

/// What an outbox row asks ConnectWise to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Intent {
    /// Create the ticket carrying this `externalXRef`; `ledger` is the row to
    /// record (with the ticket id) once the ticket is known to exist.
    Create {
        xref: String,
        /// The ConnectWise company the ticket is for: a ticket found by its
        /// xref is ours only if it belongs to this company too (rule 14).
        /// `None` in intents recorded before this was kept.
        #[serde(default)]
        cw_company_id: Option<i64>,
        ledger: Box<LedgerEntry>,
    },
    /// Add a note with exactly this text to the ticket.
    Note {
        ticket_id: i64,
        text: String,
        effect: NoteLedgerEffect,
    },
    /// An idempotent call (PATCH, DELETE): safe to re-plan after a crash.
    Update { ticket_id: i64, what: String },
}

/// What kind of call an intent is, stored in its own column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentKind {
    Create,
    Note,
    Update,
}

impl IntentKind {
    /// Stable text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            IntentKind::Create => "create",
            IntentKind::Note => "note",
            IntentKind::Update => "update",
        }
    }
}

impl Intent {
    /// Which kind of call this is.
    pub fn kind(&self) -> IntentKind {
        match self {
            Intent::Create { .. } => IntentKind::Create,
            Intent::Note { .. } => IntentKind::Note,
            Intent::Update { .. } => IntentKind::Update,
        }
    }
}

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Recorded before the call; its outcome is not known yet.
    Pending,
    /// The call may have happened (timeout, dropped connection, 5xx): it is
    /// looked up before anything is sent again (rule 13).
    Unknown,
    /// It could not be settled (rule 16): skipped, shown in `status`, tried
    /// again each cycle until settled or forgotten.
    Stuck,
    /// Confirmed.
    Done,
    /// Known not to have happened (or re-planned).
    Failed,
    /// Established afterwards by a lookup.
    Resolved,
    /// Dropped by a person (`backup-bridge outbox forget`).
    Forgotten,
}

impl OutboxState {
    /// Stable text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Unknown => "unknown",
            OutboxState::Stuck => "stuck",
            OutboxState::Done => "done",
            OutboxState::Failed => "failed",
            OutboxState::Resolved => "resolved",
            OutboxState::Forgotten => "forgotten",
        }
    }

    fn parse(text: &str) -> Option<OutboxState> {
        Some(match text {
            "pending" => OutboxState::Pending,
            "unknown" => OutboxState::Unknown,
            "stuck" => OutboxState::Stuck,
            "done" => OutboxState::Done,
            "failed" => OutboxState::Failed,
            "resolved" => OutboxState::Resolved,
            "forgotten" => OutboxState::Forgotten,
            _ => return None,
        })
    }

    /// Not settled: recovery looks at it before the next plan.
    pub fn is_unsettled(self) -> bool {
        matches!(
            self,
            OutboxState::Pending | OutboxState::Unknown | OutboxState::Stuck
        )
    }
}

/// The states of unsettled rows, as SQL.
const UNSETTLED_SQL: &str = "('pending', 'unknown', 'stuck')";

/// An outbox row still waiting for its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingIntent {
    pub id: i64,
    pub event_id: String,
    /// `None` when the stored payload cannot be read back: such a row is
    /// stuck until a person forgets it.
    pub intent: Option<Intent>,
    pub state: OutboxState,
    /// Why it is stuck (or what the call answered).
    pub error: Option<String>,
    pub created_at: String,
}

impl PendingIntent {
    /// What the call was, in a few words (`create bb:evt-1`, `note on #1002`).
    pub fn describe(&self) -> String {
        match &self.intent {
            Some(Intent::Create { xref, .. }) => format!("create the ticket {xref}"),
            Some(Intent::Note { ticket_id, .. }) => format!("add a note to ticket #{ticket_id}"),
            Some(Intent::Update { ticket_id, what }) => format!("{what} ticket #{ticket_id}"),
            None => "an unreadable call".to_owned(),
        }
    }
}

/// Records an intended call; returns its outbox id.
pub fn intend(
    conn: &Connection,
    event_id: &str,
    intent: &Intent,
    now: &str,
) -> rusqlite::Result<i64> {
    let payload = serde_json::to_string(intent).unwrap_or_default();
    conn.execute(
        "INSERT INTO outbox (event_id, payload, kind, state, created_at) \
         VALUES (?1, ?2, ?3, 'pending', ?4)",
        params![event_id, payload, intent.kind().as_str(), now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records where an intended call stands now (and why, for `Stuck` and
/// `Failed`).
pub fn finish(
    conn: &Connection,
    id: i64,
    state: OutboxState,
    error: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET state = ?2, error = ?3, finished_at = ?4 WHERE id = ?1",
        params![id, state.as_str(), error, now],
    )?;
    Ok(())
}

/// Intended calls whose outcome is not settled (the process died, the call
/// timed out, or it is stuck), oldest first.
pub fn pending(conn: &Connection) -> rusqlite::Result<Vec<PendingIntent>> {
    unsettled_where(conn, "")
}

/// The stuck intents (rule 16), oldest first.
pub fn stuck(conn: &Connection) -> rusqlite::Result<Vec<PendingIntent>> {
    unsettled_where(conn, " AND state = 'stuck'")
}

fn unsettled_where(conn: &Connection, and: &str) -> rusqlite::Result<Vec<PendingIntent>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, event_id, payload, state, error, created_at FROM outbox \
         WHERE state IN {UNSETTLED_SQL}{and} ORDER BY id"
    ))?;
    let rows = stmt.query_map([], |row| {
        let payload: String = row.get(2)?;
        let state: String = row.get(3)?;
        Ok(PendingIntent {
            id: row.get(0)?,
            event_id: row.get(1)?,
            intent: serde_json::from_str(&payload).ok(),
            state: OutboxState::parse(&state).unwrap_or(OutboxState::Stuck),
            error: row.get(4)?,
            created_at: row.get(5)?,
        })
    })?;
    rows.collect()
}

/// Drops an unsettled intent a person gave up on (rule 16). Returns what it
/// was, or `None` when no unsettled intent has that id.
pub fn forget(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<Option<PendingIntent>> {
    let Some(found) = pending(conn)?.into_iter().find(|p| p.id == id) else {
        return Ok(None);
    };
    finish(
        conn,
        id,
        OutboxState::Forgotten,
        Some("forgotten by a person"),
        now,
    )?;
    Ok(Some(found))
}

/// Events with an earlier create whose outcome was never confirmed: before
/// creating again the engine looks the ticket up by `externalXRef`.
pub fn unconfirmed_creates(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT DISTINCT event_id FROM outbox \
         WHERE state IN {UNSETTLED_SQL} AND kind = ?1"
    ))?;
    let rows = stmt.query_map([IntentKind::Create.as_str()], |row| row.get::<_, String>(0))?;
    rows.collect()
}

/// Marks every unconfirmed create of an event resolved (its ticket is known).
pub fn resolve_creates(conn: &Connection, event_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "UPDATE outbox SET state = 'resolved', finished_at = ?2 \
             WHERE event_id = ?1 AND state IN {UNSETTLED_SQL} AND kind = ?3"
        ),
        params![event_id, now, IntentKind::Create.as_str()],
    )?;
    Ok(())
}

/// Drops settled outbox rows (`done`, `failed`, `resolved`, `forgotten`)
/// that finished before `before` (RFC 3339) to keep the file small. Rows
/// whose outcome is still open (`pending`, `unknown`, `stuck`) always stay.
pub fn prune(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM outbox WHERE state IN ('done', 'failed', 'resolved', 'forgotten') \
         AND finished_at < ?1",
        [before],
    )
}

/// Gives every row without a kind the kind its payload names (rows carried
/// over by `db recover` from a file older than the `kind` column); returns
/// how many. A payload without a readable tag keeps no kind: it is stuck
/// anyway.
pub fn fill_kinds(conn: &Connection) -> rusqlite::Result<usize> {
    let rows: Vec<(i64, String)> = {
        let mut stmt = conn.prepare("SELECT id, payload FROM outbox WHERE kind = ''")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    /// Only the payload's tag: the rest may be from another version.
    #[derive(Deserialize)]
    struct Tag {
        kind: String,
    }
    let known = [IntentKind::Create, IntentKind::Note, IntentKind::Update];
    let mut filled = 0;
    for (id, payload) in rows {
        let tag = serde_json::from_str::<Tag>(&payload).ok();
        let kind = tag.and_then(|t| known.into_iter().find(|k| k.as_str() == t.kind));
        if let Some(kind) = kind {
            conn.execute(
                "UPDATE outbox SET kind = ?2 WHERE id = ?1",
                params![id, kind.as_str()],
            )?;
            filled += 1;
        }
    }
    Ok(filled)
}
