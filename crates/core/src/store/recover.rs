//! Starting again after the database file was damaged: the damaged file is
//! moved aside (never deleted), a new database is created, and whatever the
//! old file still yields — settings, the company mapping, the ticket ledger,
//! unconfirmed calls, the run history — is copied over row by row.
//!
//! The new database is built under a temporary name and only then swapped in,
//! so a crash half-way leaves the damaged file where it was and recovery can
//! simply run again. When the ledger could not be read completely, the new
//! database says so ([`LEDGER_INCOMPLETE_KEY`]): the engine then looks every
//! ticket up by `externalXRef` before creating it, so tickets made before the
//! damage are adopted, never duplicated (design §4 rule 9).

use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OpenFlags};
use serde::Serialize;

use super::{settings, Store, StoreError};

/// Settings key set by recovery while ticket-ledger rows may be missing; the
/// engine clears it after a cycle without errors.
pub const LEDGER_INCOMPLETE_KEY: &str = "internal.ledger_incomplete";

/// One table carried over, in the order they are copied.
struct TableSpec {
    table: &'static str,
    /// What the user calls it.
    what: &'static str,
    columns: &'static str,
    /// Columns a file from an older version may lack: carried over where
    /// the damaged file has them.
    later_columns: &'static [&'static str],
    /// The table itself came with a later version: a file without it had
    /// none of its rows to lose.
    later_table: bool,
    /// Restricts the rows worth keeping.
    filter: &'static str,
}

const TABLES: &[TableSpec] = &[
    TableSpec {
        table: "settings",
        what: "settings",
        columns: "key, value, updated_at",
        later_columns: &[],
        later_table: false,
        filter: "",
    },
    TableSpec {
        table: "companies",
        what: "company mapping",
        columns: "id, name, present, cw_identifier, cw_company_id, cw_company_name, \
                  event_types, backup_types, agreement_condition, last_ok, last_at, \
                  last_message, first_seen_at, updated_at",
        later_columns: &[],
        later_table: false,
        filter: "",
    },
    TableSpec {
        table: "snoozes",
        what: "snoozes",
        columns: "id, scope, value, until_at, reason, created_at, removed_at",
        later_columns: &[],
        later_table: true,
        filter: "",
    },
    // Roll-ups (migration 009), before the ledger rows of their tickets.
    TableSpec {
        table: "rollups",
        what: "roll-ups",
        columns: "id, cause, cw_company_id, cw_identifier, created_at, closed_at",
        later_columns: &[],
        later_table: true,
        filter: "",
    },
    TableSpec {
        table: "rollup_members",
        what: "roll-up members",
        columns: "rollup_id, event_id, company, computer, joined_at",
        later_columns: &[],
        later_table: true,
        filter: "",
    },
    TableSpec {
        table: "ledger",
        what: "ticket ledger",
        columns: "event_id, company_id, ticket_id, state, anomaly, event_type, job_status, \
                  message, summary, priority, content_hash, pushed_details, last_action, \
                  last_error, updated_at",
        // The snooze whose start note is on the ticket (migration 007) and
        // the flap record (migration 010).
        later_columns: &["snoozed", "flap"],
        later_table: false,
        filter: "",
    },
    TableSpec {
        table: "outbox",
        what: "unconfirmed ConnectWise calls",
        columns: "id, event_id, payload, state, error, created_at, finished_at",
        later_columns: &[],
        later_table: false,
        filter: " WHERE state IN ('pending', 'unknown', 'stuck')",
    },
    TableSpec {
        table: "sync_runs",
        what: "sync history",
        columns: "id, started_at, finished_at, created, updated, notes, closed, reopened, \
                  deleted, skipped, errors, error_messages",
        // What each run held back (migration 008).
        later_columns: &["held", "snoozed"],
        later_table: false,
        filter: "",
    },
];

/// What happened to one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRecovery {
    /// SQL table name.
    pub table: &'static str,
    /// What the user calls it ("company mapping").
    pub what: &'static str,
    /// Rows carried over into the new database.
    pub copied: usize,
    /// Every row was read and carried over.
    pub complete: bool,
    /// Why not, when not complete (the first problem met).
    pub problem: Option<String>,
}

impl std::fmt::Display for TableRecovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows = if self.copied == 1 { "row" } else { "rows" };
        match (&self.problem, self.copied) {
            (None, n) => write!(f, "{}: {n} {rows} kept", self.what),
            (Some(p), 0) => write!(f, "{}: could not be read ({p})", self.what),
            (Some(p), n) => write!(
                f,
                "{}: {n} {rows} kept, the rest could not be read ({p})",
                self.what
            ),
        }
    }
}

/// The outcome of [`recover_damaged`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryReport {
    /// The new, healthy database (the path that was damaged).
    pub database: PathBuf,
    /// Where the damaged file was moved (kept for support or a manual restore).
    pub damaged_copy: PathBuf,
    pub tables: Vec<TableRecovery>,
}

impl RecoveryReport {
    /// Every company mapping row was kept.
    pub fn kept_mapping(&self) -> bool {
        self.table("companies").is_some_and(|t| t.complete)
    }

    /// Every ledger row was kept (otherwise the next syncs look tickets up by
    /// `externalXRef` before creating any).
    pub fn kept_ledger(&self) -> bool {
        self.table("ledger").is_some_and(|t| t.complete)
    }

    fn table(&self, name: &str) -> Option<&TableRecovery> {
        self.tables.iter().find(|t| t.table == name)
    }

    /// The report as sentences for the user, one per line.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![
            format!(
                "The damaged database was moved to {}.",
                self.damaged_copy.display()
            ),
            format!("A new database was created at {}.", self.database.display()),
        ];
        out.extend(self.tables.iter().map(ToString::to_string));
        if !self.kept_ledger() {
            out.push(
                "Some tickets may be unknown to the new database: the next syncs look each \
                 ticket up in ConnectWise by its externalXRef before creating one, so none is \
                 duplicated."
                    .to_owned(),
            );
        }
        if !self.kept_mapping() {
            out.push(
                "Check the company mapping (`backup-bridge companies list`) and the settings \
                 (`backup-bridge config show`) and enter what is missing."
                    .to_owned(),
            );
        }
        out
    }
}

/// Moves the damaged database at `path` aside as
/// `backupbridge.db.damaged-<UTC timestamp>` (with its `-wal`/`-shm`), creates
/// a new database at `path`, and copies over every row that can still be
/// read. A database that opens fine, or no file at all, is left alone
/// ([`StoreError::NothingToRecover`]); so is one written by a newer version.
pub fn recover_damaged(path: &Path) -> Result<RecoveryReport, StoreError> {
    if !path.exists() {
        return Err(StoreError::NothingToRecover {
            path: path.to_path_buf(),
            reason: "there is no database file".to_owned(),
        });
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // Read-only from here on: the damaged file is moved aside unchanged.
    let conn = Connection::open_with_flags(path, flags);
    if let Ok(conn) = &conn {
        if healthy(conn, path)? {
            return Err(StoreError::NothingToRecover {
                path: path.to_path_buf(),
                reason: "the database opens and checks fine".to_owned(),
            });
        }
    }
    let salvaged = salvage(conn.as_ref().map_err(ToString::to_string));
    drop(conn);
    let building = sibling(path, ".recovering");
    remove_with_journals(&building)?;
    let tables = {
        let fresh = Store::open(&building)?;
        let tables = fresh.with_tx(|tx| {
            let tables = restore(tx, salvaged);
            // A file older than the outbox's kind column gave none.
            super::outbox::fill_kinds(tx)?;
            Ok(tables)
        })?;
        let ledger_complete = tables.iter().any(|t| t.table == "ledger" && t.complete);
        if !ledger_complete {
            settings::set(&fresh, LEDGER_INCOMPLETE_KEY, &super::now_text())?;
        }
        tables
        // Dropping the only connection checkpoints the WAL into the file.
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let damaged_copy = sibling(path, &format!(".damaged-{stamp}"));
    move_with_journals(path, &damaged_copy)?;
    move_with_journals(&building, path)?;
    // Clean-close stamps of the half-built and the damaged file mean nothing
    // now: the next open checks the new database.
    for stamp in [super::stamp_path(&building), super::stamp_path(path)] {
        let _ = std::fs::remove_file(stamp);
    }
    Ok(RecoveryReport {
        database: path.to_path_buf(),
        damaged_copy,
        tables,
    })
}

/// Rows read from one table of the damaged file, and the first problem met.
struct Salvaged {
    spec: &'static TableSpec,
    /// The columns read, in the order of each row's values.
    columns: String,
    rows: Vec<Vec<Value>>,
    problem: Option<String>,
}

/// True when the file passes SQLite's quick check and its schema is one this
/// version knows (a newer one is [`StoreError::TooNew`], not damage).
fn healthy(conn: &Connection, path: &Path) -> Result<bool, StoreError> {
    if super::quick_check(conn).is_err() {
        return Ok(false);
    }
    match super::migrations().current_version(conn) {
        Ok(rusqlite_migration::SchemaVersion::Outside(found)) => Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: found.get(),
            known: super::MIGRATIONS.len(),
        }),
        Ok(_) => Ok(true),
        Err(_) => Ok(false),
    }
}

/// Reads every table as far as it can be read.
fn salvage(conn: Result<&Connection, String>) -> Vec<Salvaged> {
    TABLES
        .iter()
        .map(|spec| {
            let mut rows = Vec::new();
            let mut columns = spec.columns.to_owned();
            let problem = match &conn {
                Ok(conn) => columns_of(conn, spec)
                    .and_then(|found| {
                        columns = found.unwrap_or_default();
                        if columns.is_empty() {
                            return Ok(());
                        }
                        read_table(conn, spec, &columns, &mut rows)
                    })
                    .err(),
                Err(e) => Some(e.clone()),
            };
            Salvaged {
                spec,
                columns,
                rows,
                problem,
            }
        })
        .collect()
}

/// The columns to read from `spec`'s table in the damaged file: its own,
/// plus the later ones the file has. `None` for a later table the file does
/// not have (nothing to read, nothing lost).
fn columns_of(conn: &Connection, spec: &TableSpec) -> Result<Option<String>, String> {
    if spec.later_columns.is_empty() && !spec.later_table {
        return Ok(Some(spec.columns.to_owned()));
    }
    let sql = format!("SELECT name FROM pragma_table_info('{}')", spec.table);
    let mut stmt = conn.prepare(&sql).map_err(|e| e.to_string())?;
    let present = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| e.to_string())?;
    if present.is_empty() && spec.later_table {
        return Ok(None);
    }
    let mut columns = spec.columns.to_owned();
    for later in spec.later_columns {
        if present.iter().any(|name| name == later) {
            columns.push_str(", ");
            columns.push_str(later);
        }
    }
    Ok(Some(columns))
}

fn read_table(
    conn: &Connection,
    spec: &TableSpec,
    columns: &str,
    out: &mut Vec<Vec<Value>>,
) -> Result<(), String> {
    let sql = format!("SELECT {columns} FROM {}{}", spec.table, spec.filter);
    let width = columns.split(',').count();
    let mut stmt = conn.prepare(&sql).map_err(|e| e.to_string())?;
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    // Rows before a damaged page are kept; the scan stops at the first error.
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let values = (0..width)
            .map(|i| row.get::<_, Value>(i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        out.push(values);
    }
    Ok(())
}

/// Inserts the salvaged rows; a row the new schema refuses is skipped and
/// makes its table incomplete.
fn restore(conn: &Connection, salvaged: Vec<Salvaged>) -> Vec<TableRecovery> {
    salvaged
        .into_iter()
        .map(|s| {
            let width = s.columns.split(',').count();
            let marks = vec!["?"; width].join(", ");
            let sql = format!(
                "INSERT OR REPLACE INTO {} ({}) VALUES ({marks})",
                s.spec.table, s.columns
            );
            let mut copied = 0;
            let mut problem = s.problem;
            for row in &s.rows {
                match conn.execute(&sql, params_from_iter(row.iter())) {
                    Ok(_) => copied += 1,
                    Err(e) => {
                        problem.get_or_insert_with(|| format!("a row was refused: {e}"));
                    }
                }
            }
            TableRecovery {
                table: s.spec.table,
                what: s.spec.what,
                copied,
                complete: problem.is_none(),
                problem,
            }
        })
        .collect()
}

/// `path` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

const JOURNALS: [&str; 2] = ["-wal", "-shm"];

fn io_error(path: &Path, what: &str, e: std::io::Error) -> StoreError {
    StoreError::Open {
        path: path.to_path_buf(),
        detail: format!("cannot {what}: {e}"),
    }
}

fn remove_with_journals(path: &Path) -> Result<(), StoreError> {
    for p in std::iter::once(path.to_path_buf()).chain(JOURNALS.iter().map(|j| sibling(path, j))) {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&p, "remove a leftover file", e)),
        }
    }
    Ok(())
}

/// Renames the database and, when present, its `-wal` and `-shm` files.
fn move_with_journals(from: &Path, to: &Path) -> Result<(), StoreError> {
    std::fs::rename(from, to).map_err(|e| io_error(from, "move the file", e))?;
    for j in JOURNALS {
        let src = sibling(from, j);
        match std::fs::rename(&src, sibling(to, j)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&src, "move the file", e)),
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "recover_tests.rs"]
mod tests;
