//! The sync ledger and the outbox.
//!
//! The ledger links each dashboard event to its ConnectWise ticket and
//! remembers what was last mirrored (tracked fields, summary, priority, content
//! hash, detail ids already pushed). The outbox records every ConnectWise call
//! as *intended* before it is sent and *confirmed* after, so a crash or timeout
//! in between is resolved on the next start instead of guessed at.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Where a tracked ticket stands, as far as BackupBridge knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketState {
    /// Open in ConnectWise (a technician may have moved it to another open status).
    Open,
    /// Closed by BackupBridge because the job completed.
    Closed,
    /// The event left the dashboard and the removed-event policy was applied
    /// (`close` or `leave`).
    Removed,
    /// The ticket was deleted (removed-event policy `delete`, or by a technician).
    Deleted,
}

impl TicketState {
    /// Stable text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Open => "open",
            TicketState::Closed => "closed",
            TicketState::Removed => "removed",
            TicketState::Deleted => "deleted",
        }
    }

    fn parse(text: &str) -> TicketState {
        match text {
            "closed" => TicketState::Closed,
            "removed" => TicketState::Removed,
            "deleted" => TicketState::Deleted,
            _ => TicketState::Open,
        }
    }
}

/// One ledger row: an event and the ticket mirroring it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub event_id: String,
    pub company_id: String,
    pub ticket_id: i64,
    pub state: TicketState,
    /// The ticket was opened for a `BackupAnomaly` event (never closed on completion).
    pub anomaly: bool,
    pub event_type: String,
    pub job_status: String,
    pub message: String,
    /// Summary and priority as last written to the ticket.
    pub summary: String,
    pub priority: Option<String>,
    /// Fingerprint of the event as last fully mirrored; equal means in step.
    pub content_hash: String,
    pub pushed_details: BTreeSet<String>,
    pub last_action: Option<String>,
    pub last_error: Option<String>,
    pub updated_at: String,
    /// The source whose listing the event came from (rule 15: only a listing
    /// of the same source removes it); `""` for rows written before sources
    /// were recorded.
    #[serde(default)]
    pub source: String,
}

const LEDGER_COLUMNS: &str = "event_id, company_id, ticket_id, state, anomaly, event_type, \
     job_status, message, summary, priority, content_hash, pushed_details, last_action, \
     last_error, updated_at, source";

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    let pushed: String = row.get(11)?;
    let state: String = row.get(3)?;
    Ok(LedgerEntry {
        event_id: row.get(0)?,
        company_id: row.get(1)?,
        ticket_id: row.get(2)?,
        state: TicketState::parse(&state),
        anomaly: row.get(4)?,
        event_type: row.get(5)?,
        job_status: row.get(6)?,
        message: row.get(7)?,
        summary: row.get(8)?,
        priority: row.get(9)?,
        content_hash: row.get(10)?,
        pushed_details: serde_json::from_str(&pushed).unwrap_or_default(),
        last_action: row.get(12)?,
        last_error: row.get(13)?,
        updated_at: row.get(14)?,
        source: row.get(15)?,
    })
}

/// Every ledger row, by event id.
pub fn all(conn: &Connection) -> rusqlite::Result<BTreeMap<String, LedgerEntry>> {
    let mut stmt = conn.prepare(&format!("SELECT {LEDGER_COLUMNS} FROM ledger"))?;
    let rows = stmt.query_map([], entry_from_row)?;
    let mut out = BTreeMap::new();
    for row in rows {
        let entry = row?;
        out.insert(entry.event_id.clone(), entry);
    }
    Ok(out)
}

/// The ledger's revision: it moves on every change to the ledger or the
/// outbox, made by any connection (a trigger keeps it).
pub fn revision(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT value FROM ledger_revision WHERE id = 1", [], |r| {
        r.get(0)
    })
}

/// The ledger rows of `ids` (those it has), by event id, read in one
/// transaction.
pub fn entries_for<'a>(
    conn: &Connection,
    ids: impl IntoIterator<Item = &'a str>,
) -> rusqlite::Result<BTreeMap<String, LedgerEntry>> {
    let tx = conn.unchecked_transaction()?;
    let out = entries_in(&tx, ids)?;
    tx.commit()?;
    Ok(out)
}

fn entries_in<'a>(
    conn: &Connection,
    ids: impl IntoIterator<Item = &'a str>,
) -> rusqlite::Result<BTreeMap<String, LedgerEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LEDGER_COLUMNS} FROM ledger WHERE event_id = ?1"
    ))?;
    let mut out = BTreeMap::new();
    for id in ids {
        if let Some(entry) = stmt.query_row([id], entry_from_row).optional()? {
            out.insert(entry.event_id.clone(), entry);
        }
    }
    Ok(out)
}

/// What [`tracked_absent`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Absent {
    /// The rows of the events gone from the listing, by event id.
    pub rows: BTreeMap<String, LedgerEntry>,
    /// How many open and closed tickets `source` tracks in all (rule 15
    /// weighs the removals against it).
    pub tracked: usize,
}

/// The rows of open and closed tickets of `source` whose event is neither
/// in `present` nor in `unreadable`: the events gone from that source's
/// listing (rule 7). Rows of other sources are never gone (rule 15). Only
/// ids and states are read for the others.
pub fn tracked_absent(
    conn: &Connection,
    source: &str,
    present: &HashSet<String>,
    unreadable: &BTreeSet<String>,
) -> rusqlite::Result<Absent> {
    let tx = conn.unchecked_transaction()?;
    let mut absent = Vec::new();
    let mut tracked = 0;
    {
        let mut stmt = tx.prepare(
            "SELECT event_id FROM ledger WHERE source = ?1 AND state IN ('open', 'closed')",
        )?;
        let mut rows = stmt.query([source])?;
        while let Some(row) = rows.next()? {
            tracked += 1;
            let id = row.get_ref(0)?.as_str()?;
            if !present.contains(id) && !unreadable.contains(id) {
                absent.push(id.to_owned());
            }
        }
    }
    let rows = entries_in(&tx, absent.iter().map(String::as_str))?;
    tx.commit()?;
    Ok(Absent { rows, tracked })
}

/// Stamps the rows written before sources were recorded with `source`, the
/// source of the listing being read; returns how many.
pub fn adopt_unsourced(conn: &Connection, source: &str) -> rusqlite::Result<usize> {
    conn.execute("UPDATE ledger SET source = ?1 WHERE source = ''", [source])
}

/// One ledger row.
pub fn get(conn: &Connection, event_id: &str) -> rusqlite::Result<Option<LedgerEntry>> {
    conn.query_row(
        &format!("SELECT {LEDGER_COLUMNS} FROM ledger WHERE event_id = ?1"),
        [event_id],
        entry_from_row,
    )
    .optional()
}

/// Inserts or replaces a ledger row.
pub fn put(conn: &Connection, e: &LedgerEntry) -> rusqlite::Result<()> {
    let pushed = serde_json::to_string(&e.pushed_details).unwrap_or_else(|_| "[]".to_owned());
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO ledger ({LEDGER_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        ),
        params![
            e.event_id,
            e.company_id,
            e.ticket_id,
            e.state.as_str(),
            e.anomaly,
            e.event_type,
            e.job_status,
            e.message,
            e.summary,
            e.priority,
            e.content_hash,
            pushed,
            e.last_action,
            e.last_error,
            e.updated_at,
            e.source,
        ],
    )?;
    Ok(())
}

/// Records the last error for an event's ticket without touching the rest.
pub fn set_error(conn: &Connection, event_id: &str, error: Option<&str>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE ledger SET last_error = ?2 WHERE event_id = ?1",
        params![event_id, error],
    )?;
    Ok(())
}

/// What a confirmed note changes in the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteLedgerEffect {
    /// The tracked fields the note reports are now mirrored.
    Tracked {
        event_type: String,
        job_status: String,
        message: String,
    },
    /// This detail id is now pushed.
    Detail(String),
    /// The removed-event note is on the ticket (see [`REMOVAL_NOTED`]).
    RemovalNoted,
    None,
}

/// `content_hash` of a row whose removed-event note is on the ticket but whose
/// close is not confirmed yet: a cycle after a crash in between only closes.
/// Never a real hash (those are hex), so an event that comes back is simply
/// not in step.
pub const REMOVAL_NOTED: &str = "removal-noted";

/// Applies a confirmed note's effect to a ledger row.
pub fn apply_note_effect(entry: &mut LedgerEntry, effect: &NoteLedgerEffect) {
    match effect {
        NoteLedgerEffect::Tracked {
            event_type,
            job_status,
            message,
        } => {
            entry.event_type = event_type.clone();
            entry.job_status = job_status.clone();
            entry.message = message.clone();
        }
        NoteLedgerEffect::Detail(id) => {
            entry.pushed_details.insert(id.clone());
        }
        NoteLedgerEffect::RemovalNoted => entry.content_hash = REMOVAL_NOTED.to_owned(),
        NoteLedgerEffect::None => {}
    }
}

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
        "INSERT INTO outbox (event_id, payload, state, created_at) VALUES (?1, ?2, 'pending', ?3)",
        params![event_id, payload, now],
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
         WHERE state IN {UNSETTLED_SQL} AND payload LIKE '{{\"kind\":\"create\"%'"
    ))?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    rows.collect()
}

/// Marks every unconfirmed create of an event resolved (its ticket is known).
pub fn resolve_creates(conn: &Connection, event_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "UPDATE outbox SET state = 'resolved', finished_at = ?2 \
             WHERE event_id = ?1 AND state IN {UNSETTLED_SQL} \
             AND payload LIKE '{{\"kind\":\"create\"%'"
        ),
        params![event_id, now],
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
