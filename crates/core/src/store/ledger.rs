//! The sync ledger: it links each dashboard event to its ConnectWise ticket
//! and remembers what was last mirrored (tracked fields, summary, priority,
//! content hash, detail ids already pushed) and which source listed it. The
//! calls that change it are recorded in the [`super::outbox`] first.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Where a tracked ticket stands, as far as BackupBridge knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// The snooze whose start note is on the ticket: its end note is still
    /// due (`None`: no snooze note pending).
    #[serde(default)]
    pub snoozed: Option<i64>,
    /// Flap damping (issue 17): the event's recent reopens, or its flapping
    /// counts (`None`: it has not flapped lately).
    #[serde(default)]
    pub flap: Option<FlapRecord>,
}

/// A ledger row's flap record (issue 17, flap damping). Times are UTC RFC
/// 3339 text, like the rest of the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FlapRecord {
    /// Before flapping: when the ticket reopened because the job failed
    /// after a completion had closed it, oldest first, within the window.
    #[serde(default)]
    pub reopens: Vec<String>,
    /// When the flapping began (the first reopen counted); `None`: not
    /// flapping.
    #[serde(default)]
    pub since: Option<String>,
    /// Failures and completions since `since`.
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub completions: u32,
    /// While flapping: when the job last turned completed (`None` while it
    /// is failing); the ticket closes once that is a whole window ago.
    #[serde(default)]
    pub completed_at: Option<String>,
    /// The last flap note on the ticket: when, and the counts it gave (the
    /// summary shows its failure count).
    #[serde(default)]
    pub noted_at: Option<String>,
    #[serde(default)]
    pub noted_failures: u32,
    #[serde(default)]
    pub noted_completions: u32,
}

impl FlapRecord {
    /// The event is flapping: its ticket is held open with one flap note.
    pub fn flapping(&self) -> bool {
        self.since.is_some()
    }
}

impl LedgerEntry {
    /// Failures since the event began flapping; `None` when it is not.
    pub fn flaps(&self) -> Option<u32> {
        self.flap
            .as_ref()
            .filter(|f| f.flapping())
            .map(|f| f.failures)
    }
}

/// A row's `seq` as it is written: the ledger's revision at that moment
/// (migration 011), so a reader that saw revision R finds every later
/// write with `seq >= R` ([`super::ticket_list::changed_since`]).
const SEQ_NOW: &str = "(SELECT value FROM ledger_revision WHERE id = 1)";

/// How many columns [`LEDGER_COLUMNS`] names (what [`entry_from_row`] reads).
pub(crate) const LEDGER_WIDTH: usize = 18;

pub(crate) const LEDGER_COLUMNS: &str =
    "event_id, company_id, ticket_id, state, anomaly, event_type, \
     job_status, message, summary, priority, content_hash, pushed_details, last_action, \
     last_error, updated_at, source, snoozed, flap";

pub(crate) fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    let pushed: String = row.get(11)?;
    let state: String = row.get(3)?;
    let flap: Option<String> = row.get(17)?;
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
        snoozed: row.get(16)?,
        // An unreadable record only loses the damping, never the row.
        flap: flap.and_then(|text| serde_json::from_str(&text).ok()),
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
    conn.execute(
        &format!("UPDATE ledger SET source = ?1, seq = {SEQ_NOW} WHERE source = ''"),
        [source],
    )
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
    let flap = e.flap.as_ref().and_then(|f| serde_json::to_string(f).ok());
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO ledger ({LEDGER_COLUMNS}, seq) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
             {SEQ_NOW})"
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
            e.snoozed,
            flap,
        ],
    )?;
    Ok(())
}

/// Records the last error for an event's ticket without touching the rest.
pub fn set_error(conn: &Connection, event_id: &str, error: Option<&str>) -> rusqlite::Result<()> {
    conn.execute(
        &format!("UPDATE ledger SET last_error = ?2, seq = {SEQ_NOW} WHERE event_id = ?1"),
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
    /// The start note of this snooze is on the ticket.
    SnoozeStarted(i64),
    /// The snooze's end note is on the ticket.
    SnoozeEnded,
    /// A roll-up ticket's note listing these events is on it (they count
    /// as pushed, like details).
    Listed(Vec<String>),
    /// A flap note is on the ticket: the row's flap record is this one.
    Flapping(Box<FlapRecord>),
    /// The resolution note ending a flapping spell is on the ticket (see
    /// [`FLAP_ENDED`]).
    FlapEnded,
    None,
}

/// `content_hash` of a row whose removed-event note is on the ticket but whose
/// close is not confirmed yet: a cycle after a crash in between only closes.
/// Never a real hash (those are hex), so an event that comes back is simply
/// not in step.
pub const REMOVAL_NOTED: &str = "removal-noted";

/// `content_hash` of a row whose end-of-flapping resolution note is on the
/// ticket but whose close is not confirmed yet: the event is in step in every
/// other way, so without it a crash in between would leave the ticket open.
pub const FLAP_ENDED: &str = "flap-ended";

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
        NoteLedgerEffect::SnoozeStarted(id) => entry.snoozed = Some(*id),
        NoteLedgerEffect::SnoozeEnded => entry.snoozed = None,
        NoteLedgerEffect::Listed(ids) => entry.pushed_details.extend(ids.iter().cloned()),
        NoteLedgerEffect::Flapping(record) => entry.flap = Some(record.as_ref().clone()),
        NoteLedgerEffect::FlapEnded => {
            entry.flap = None;
            entry.content_hash = FLAP_ENDED.to_owned();
        }
        NoteLedgerEffect::None => {}
    }
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
