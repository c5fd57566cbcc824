//! The Activity list's reads (issue 18): one page of ledger rows with the
//! screen's filter, search and kept-history bound applied in SQL, newest
//! change first with a keyset cursor, and the counts the screen shows; and
//! the rows written since an earlier read, for a refresh that does not
//! reload the list.

use std::collections::HashSet;
use std::sync::OnceLock;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};

use super::companies::page::like_pattern;
use super::ledger::{self, LedgerEntry, LEDGER_COLUMNS};

/// Most rows one read returns.
pub const PAGE_MAX: u32 = 500;
/// Rows a page has when the caller does not say.
pub const PAGE_DEFAULT: u32 = 100;

/// Which tickets the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TicketFilter {
    /// Every ticket (but old closed ones, unless searched for).
    #[default]
    All,
    /// Tickets open in ConnectWise.
    Open,
    /// Tickets whose last ConnectWise call failed.
    Errors,
}

/// Where a page ends: the last row's sort key (newest change first, then
/// event id), so the next page starts after it whatever was written since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TicketCursor {
    pub updated_at: String,
    pub event_id: String,
}

/// What the list asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TicketQuery {
    #[serde(default)]
    pub filter: TicketFilter,
    /// Words to find in the summary, message, error, event id, company
    /// name or ticket number (`#123` is that ticket); empty = no search. A
    /// search also finds closed tickets older than `activity.keep_days`.
    #[serde(default)]
    pub search: String,
    /// Only tickets BackupBridge created at or after this time (RFC 3339):
    /// the storm notification's filter.
    #[serde(default)]
    pub created_since: Option<String>,
    /// The page after this row; `None` = the first page.
    #[serde(default)]
    pub after: Option<TicketCursor>,
    /// Rows per page (1..=[`PAGE_MAX`]); `None` = [`PAGE_DEFAULT`].
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A ledger row with what the list shows beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedTicket {
    pub entry: LedgerEntry,
    /// The company's name, when the company is known.
    pub company_name: Option<String>,
    /// When BackupBridge asked ConnectWise to create the ticket, while the
    /// outbox keeps the call.
    pub created_at: Option<String>,
}

/// The counts around a read of the list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListCounts {
    /// Rows matching the query, over every page.
    pub total: u64,
    /// Closed and removed rows the query would match but the kept-history
    /// bound leaves out (`0` while searching).
    pub hidden: u64,
    /// Every row of the ledger.
    pub tracked: u64,
    /// The ledger's revision this read saw: where a refresh starts
    /// ([`changed_since`]'s argument).
    pub revision: i64,
}

/// One page and the counts around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<ListedTicket>,
    /// Where the next page starts; `None` = this is the last.
    pub next: Option<TicketCursor>,
    pub counts: ListCounts,
}

/// The rows written since a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The changed rows that match the query, newest change first.
    pub rows: Vec<ListedTicket>,
    /// The changed rows that no longer match it.
    pub gone: Vec<String>,
    /// More rows changed than one read returns: read the list again.
    pub overflow: bool,
    pub counts: ListCounts,
}

/// The query's conditions as SQL (on `ledger l` joined to `companies c`)
/// with their parameters.
struct Conditions {
    sql: Vec<String>,
    params: Vec<Value>,
}

impl Conditions {
    fn new(query: &TicketQuery) -> Conditions {
        let mut c = Conditions {
            sql: Vec::new(),
            params: Vec::new(),
        };
        match query.filter {
            TicketFilter::All => {}
            TicketFilter::Open => c.sql.push("l.state = 'open'".to_owned()),
            TicketFilter::Errors => c
                .sql
                .push("l.last_error IS NOT NULL AND l.last_error <> ''".to_owned()),
        }
        let search = query.search.trim();
        if let Some(number) = search
            .strip_prefix('#')
            .and_then(|n| n.trim().parse::<i64>().ok())
        {
            c.push("l.ticket_id = ?", Value::Integer(number));
        } else if !search.is_empty() {
            let pattern = Value::Text(like_pattern(search));
            c.params.extend(std::iter::repeat_n(pattern, 7));
            c.sql.push(
                "(l.summary LIKE ? ESCAPE '\\' OR l.message LIKE ? ESCAPE '\\' \
                 OR l.last_error LIKE ? ESCAPE '\\' OR l.event_id LIKE ? ESCAPE '\\' \
                 OR c.name LIKE ? ESCAPE '\\' OR l.company_id LIKE ? ESCAPE '\\' \
                 OR CAST(l.ticket_id AS TEXT) LIKE ? ESCAPE '\\')"
                    .to_owned(),
            );
        }
        if let Some(since) = &query.created_since {
            c.push(
                "EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = l.event_id \
                 AND o.kind = 'create' AND o.state IN ('done', 'resolved') AND o.created_at >= ?)",
                Value::Text(since.clone()),
            );
        }
        c
    }

    fn push(&mut self, sql: &str, param: Value) {
        self.sql.push(sql.to_owned());
        self.params.push(param);
    }

    fn where_sql(&self) -> String {
        if self.sql.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.sql.join(" AND "))
        }
    }
}

/// Closed, removed or deleted and last changed before the cutoff.
const HISTORY_SQL: &str = "(l.state IN ('closed', 'removed', 'deleted') AND l.updated_at < ?)";

const ORDER_SQL: &str = "ORDER BY l.updated_at DESC, l.event_id ASC";

/// The list's SELECT (the ledger's columns, then the company's name and the
/// creation time), built once.
fn select_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let columns: Vec<String> = LEDGER_COLUMNS
            .split(", ")
            .map(|c| format!("l.{}", c.trim()))
            .collect();
        format!(
            "SELECT {}, c.name, (SELECT MAX(o.created_at) FROM outbox o WHERE o.event_id = l.event_id \
             AND o.kind = 'create' AND o.state IN ('done', 'resolved')) \
             FROM ledger l LEFT JOIN companies c ON c.id = l.company_id",
            columns.join(", ")
        )
    })
}

fn listed_from_row(row: &Row<'_>) -> rusqlite::Result<ListedTicket> {
    // The two columns after the ledger's ([`select_sql`]).
    let width = ledger::LEDGER_WIDTH;
    Ok(ListedTicket {
        entry: ledger::entry_from_row(row)?,
        company_name: row.get(width)?,
        created_at: row.get(width + 1)?,
    })
}

/// The query's conditions, with the history bound unless it searches (a
/// search finds old rows too).
fn bounded(query: &TicketQuery, cutoff: &str) -> Conditions {
    let mut c = Conditions::new(query);
    if query.search.trim().is_empty() {
        c.push(
            &format!("NOT {HISTORY_SQL}"),
            Value::Text(cutoff.to_owned()),
        );
    }
    c
}

/// Rows matching the query, those of them the history bound hides, every
/// row, and the revision.
fn counts(conn: &Connection, query: &TicketQuery, cutoff: &str) -> rusqlite::Result<ListCounts> {
    let c = Conditions::new(query);
    let mut params = vec![Value::Text(cutoff.to_owned())];
    params.extend(c.params.iter().cloned());
    let (all, old): (i64, i64) = conn.query_row(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM({HISTORY_SQL}), 0) \
             FROM ledger l LEFT JOIN companies c ON c.id = l.company_id {}",
            c.where_sql()
        ),
        params_from_iter(params),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let hidden = if query.search.trim().is_empty() {
        old
    } else {
        0
    };
    let all = u64::try_from(all).unwrap_or_default();
    let hidden = u64::try_from(hidden).unwrap_or_default();
    let tracked: i64 = conn.query_row("SELECT COUNT(*) FROM ledger", [], |r| r.get(0))?;
    Ok(ListCounts {
        total: all - hidden.min(all),
        hidden,
        tracked: u64::try_from(tracked).unwrap_or_default(),
        revision: ledger::revision(conn)?,
    })
}

/// Every row, in the list's order, with no filter or bound: the CLI's
/// `tickets`, which prints the whole ledger.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<ListedTicket>> {
    let mut stmt = conn.prepare(&format!("{} {ORDER_SQL}", select_sql()))?;
    let rows = stmt.query_map([], listed_from_row)?;
    rows.collect()
}

/// One page of the list. `cutoff` is the kept-history bound (RFC 3339):
/// closed and removed rows last changed before it are left out unless the
/// query searches.
pub fn page(conn: &Connection, query: &TicketQuery, cutoff: &str) -> rusqlite::Result<Page> {
    let tx = conn.unchecked_transaction()?;
    let limit = query.limit.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX);
    let mut c = bounded(query, cutoff);
    if let Some(after) = &query.after {
        c.sql
            .push("(l.updated_at < ? OR (l.updated_at = ? AND l.event_id > ?))".to_owned());
        c.params.extend([
            Value::Text(after.updated_at.clone()),
            Value::Text(after.updated_at.clone()),
            Value::Text(after.event_id.clone()),
        ]);
    }
    c.params.push(Value::Integer(i64::from(limit) + 1));
    let mut stmt = tx.prepare_cached(&format!(
        "{} {} {ORDER_SQL} LIMIT ?",
        select_sql(),
        c.where_sql()
    ))?;
    let mut rows = stmt
        .query_map(params_from_iter(c.params.iter()), listed_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(stmt);
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more
        .then(|| rows.last())
        .flatten()
        .map(|last| TicketCursor {
            updated_at: last.entry.updated_at.clone(),
            event_id: last.entry.event_id.clone(),
        });
    let page = Page {
        rows,
        next,
        counts: counts(&tx, query, cutoff)?,
    };
    tx.commit()?;
    Ok(page)
}

/// The rows written since a read that saw `revision` (its cursor and limit
/// aside, `query` is the list's): those that match it, and the ids of those
/// that no longer do. At most [`PAGE_MAX`] rows; more sets `overflow`.
pub fn changed_since(
    conn: &Connection,
    query: &TicketQuery,
    cutoff: &str,
    revision: i64,
) -> rusqlite::Result<Changes> {
    let tx = conn.unchecked_transaction()?;
    let now = ledger::revision(&tx)?;
    let mut changes = Changes {
        rows: Vec::new(),
        gone: Vec::new(),
        overflow: false,
        counts: ListCounts::default(),
    };
    if now != revision {
        let mut stmt = tx.prepare_cached("SELECT event_id FROM ledger WHERE seq >= ?1 LIMIT ?2")?;
        let changed = stmt
            .query_map(rusqlite::params![revision, i64::from(PAGE_MAX) + 1], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        if changed.len() > PAGE_MAX as usize {
            changes.overflow = true;
        } else if !changed.is_empty() {
            let mut c = bounded(query, cutoff);
            c.push("l.seq >= ?", Value::Integer(revision));
            let mut stmt =
                tx.prepare_cached(&format!("{} {} {ORDER_SQL}", select_sql(), c.where_sql()))?;
            changes.rows = stmt
                .query_map(params_from_iter(c.params.iter()), listed_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            drop(stmt);
            let kept: HashSet<&str> = changes
                .rows
                .iter()
                .map(|r| r.entry.event_id.as_str())
                .collect();
            changes.gone = changed
                .into_iter()
                .filter(|id| !kept.contains(id.as_str()))
                .collect();
        }
    }
    changes.counts = counts(&tx, query, cutoff)?;
    tx.commit()?;
    Ok(changes)
}

#[cfg(test)]
#[path = "ticket_list_tests.rs"]
mod tests;
