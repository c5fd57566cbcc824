//! The local SQLite database: settings, the company mapping, sync runs, the
//! ledger and outbox, and the incident deriver's state per source
//! ([`incidents`]); plus the data folder's writer lock ([`lock`], rule 12)
//! and the recovery of a damaged file ([`recover_damaged`]).
//!
//! One [`Store`] wraps one connection behind `Arc<Mutex<_>>`: it is cheap to
//! clone and every method is synchronous. Async callers run store calls inside
//! `tokio::task::spawn_blocking` so a slow disk never stalls the runtime, and
//! never hold the store across an `.await`.
//!
//! Every connection gets the same pragmas (WAL, foreign keys, busy timeout)
//! before the numbered migrations in [`MIGRATIONS`] bring the schema up to
//! date. Pragmas stay outside migrations because they are per connection.
//! SQLite's quick check runs at open only when the last process did not
//! close the file cleanly, and the folder and the files are readable by
//! the user only (`files`).

pub mod companies;
mod files;
mod history;
pub mod incidents;
pub mod ledger;
pub mod lock;
pub mod outbox;
mod recover;
pub mod rollups;
pub mod runs;
pub mod settings;
pub mod snoozes;
pub mod ticket_list;

pub use files::{stamp_path, CLEAN_STAMP_SUFFIX};
pub use history::{prune_history, Pruned, HISTORY_DAYS};
pub use lock::{LockError, WriterLock};
pub use recover::{recover_damaged, RecoveryReport, TableRecovery, LEDGER_INCOMPLETE_KEY};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use rusqlite_migration::{Migrations, SchemaVersion, M};

pub use bridge_base::paths::{default_data_dir, APP_DIR_NAME};
/// File name of the database inside the data directory.
pub const DB_FILE_NAME: &str = "backupbridge.db";
/// How long a statement waits for another connection's lock before failing.
pub const BUSY_TIMEOUT_MS: u64 = 5_000;

/// The schema migrations, in order. Append new numbered files; never edit a
/// released one (existing databases have already run it).
pub const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/001_init.sql")),
    M::up(include_str!("migrations/002_ledger.sql")),
    M::up(include_str!("migrations/003_ledger_revision.sql")),
    M::up(include_str!("migrations/004_ledger_source.sql")),
    M::up(include_str!("migrations/005_incidents.sql")),
    M::up(include_str!("migrations/006_outbox_kind.sql")),
    M::up(include_str!("migrations/007_snoozes.sql")),
    M::up(include_str!("migrations/008_run_held.sql")),
    M::up(include_str!("migrations/009_rollups.sql")),
    M::up(include_str!("migrations/010_ledger_flap.sql")),
    M::up(include_str!("migrations/011_activity_paging.sql")),
    M::up(include_str!("migrations/012_companies_index.sql")),
];

/// The database path inside `data_dir`.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE_NAME)
}

/// Errors of the store area. `Display` is one sentence a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not a healthy SQLite database. The app must refuse to start.
    /// Recovery: [`recover_damaged`] (`backup-bridge db recover`).
    #[error(
        "the database at {} is damaged: {detail}. Run `backup-bridge db recover` (or choose \
         Recover in the app) to move the file aside and start a new database that keeps the \
         settings, the company mapping and the ticket ledger as far as they can still be read; \
         or restore a backup",
        path.display()
    )]
    Damaged { path: PathBuf, detail: String },
    /// [`recover_damaged`] found nothing to recover (no file, or it opens fine).
    #[error("nothing to recover at {}: {reason}", path.display())]
    NothingToRecover { path: PathBuf, reason: String },
    /// The disk holding the database is full (or the database hit its size limit).
    #[error(
        "the disk holding the database at {} is full; free some space. What was already \
         synced is kept, and the next sync continues where this one stopped",
        path.display()
    )]
    DiskFull { path: PathBuf },
    /// The database was written by a newer BackupBridge.
    #[error(
        "the database at {} was written by a newer version of BackupBridge (schema version \
         {found}, this version knows {known}); install the newer version",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    /// The file or its folder cannot be created or opened (permissions, a folder in the way, ...).
    #[error("cannot open the database at {}: {detail}", path.display())]
    Open { path: PathBuf, detail: String },
    /// A schema migration failed.
    #[error("the database schema could not be upgraded: {0}")]
    Migration(String),
    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// `config set` with a key that does not exist.
    #[error("unknown setting \"{key}\"; the known settings are: {}", settings::known_keys().join(", "))]
    UnknownSetting { key: String },
    /// A key that looks like a secret: secrets live in the OS keychain only.
    #[error(
        "\"{key}\" looks like a secret, and secrets are never stored in the settings; use \
         `backup-bridge secret set cw` (ConnectWise private key or integrator password) or \
         `backup-bridge secret set dashboard` (Dashboard token) instead"
    )]
    SecretInSettings { key: String },
    /// A setting value that does not validate (on `set`, or found in the database on load).
    #[error("invalid value for {key}: {reason}")]
    InvalidSetting { key: String, reason: String },
    /// A company id that is not in the `companies` table.
    #[error(
        "no Dashboard company has the id \"{0}\"; run `backup-bridge companies refresh` first"
    )]
    UnknownCompany(String),
    /// A mapping that does not validate.
    #[error("the mapping for company \"{company}\" is invalid: {reason}")]
    InvalidMapping { company: String, reason: String },
    /// A sync run id that does not exist.
    #[error("no sync run has the id {0}")]
    UnknownRun(i64),
    /// Stored data that cannot be read back (e.g. malformed JSON written by hand).
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// True when trying again later may succeed (another process held the
    /// lock too long, or the disk was full and space may come back).
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::DiskFull { .. })
            || matches!(
                self,
                StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            )
    }
}

struct Inner {
    conn: Mutex<Connection>,
    /// A read-only connection for the app's lists ([`Store::with_reader`]),
    /// opened on first use; `None` inside when it cannot be (in-memory).
    reader: OnceLock<Option<Mutex<Connection>>>,
    /// `None` for in-memory stores.
    path: Option<PathBuf>,
    /// Stamps a clean close; declared after `conn`, so it drops after the
    /// connection has closed. `None` for in-memory stores.
    _clean_close: Option<files::CleanClose>,
}

/// The database handle. Cheap to clone (shared connection); all methods are
/// blocking, so async code calls them from `spawn_blocking`.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Open (or create) the database at `path`, creating its parent folders,
    /// then set the pragmas, check integrity when the last process did not
    /// close it cleanly, and run pending migrations.
    ///
    /// A file that is not a SQLite database (found by the first statement),
    /// or fails SQLite's quick check, gives [`StoreError::Damaged`]: the
    /// caller must refuse to start.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::private::create_private_dir(parent).map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                detail: format!("cannot create the folder {}: {e}", parent.display()),
            })?;
        }
        files::create_private(path)?;
        let closed_cleanly = files::take_clean_stamp(path);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|e| classify_open(path, e))?;
        apply_pragmas(&conn).map_err(|e| classify_open(path, e))?;
        if closed_cleanly {
            tracing::debug!(path = %path.display(), "closed cleanly last time: no database check");
        } else {
            quick_check(&conn).map_err(|detail| match detail {
                CheckFailure::Damaged(detail) => StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail,
                },
                CheckFailure::Sqlite(e) => classify_open(path, e),
            })?;
        }
        migrate(&mut conn, Some(path))?;
        Ok(Store::wrap(conn, Some(path.to_path_buf())))
    }

    /// A fresh private in-memory database with the full schema, for tests and dry runs.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        apply_pragmas(&conn)?;
        migrate(&mut conn, None)?;
        Ok(Store::wrap(conn, None))
    }

    fn wrap(conn: Connection, path: Option<PathBuf>) -> Store {
        Store {
            inner: Arc::new(Inner {
                conn: Mutex::new(conn),
                reader: OnceLock::new(),
                _clean_close: path.as_deref().map(files::CleanClose::new),
                path,
            }),
        }
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written: an
        // open transaction is rolled back when it is dropped. So a poisoned
        // lock is safe to take over.
        self.inner
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Run `f` with the connection (blocking).
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let conn = self.lock();
        f(&conn).map_err(|e| self.classify(e))
    }

    /// Run `f` with a read-only connection of its own (blocking): in WAL
    /// mode it reads the last committed state while a sync writes through
    /// the main one, so the app's lists never wait for a cycle. In-memory
    /// stores (and a file the reader cannot open) use the main connection.
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let reader = self.inner.reader.get_or_init(|| {
            let path = self.inner.path.as_deref()?;
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(path, flags).ok()?;
            conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS))
                .ok()?;
            Some(Mutex::new(conn))
        });
        match reader {
            Some(reader) => {
                let conn = reader
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                f(&conn).map_err(|e| self.classify(e))
            }
            None => self.with_conn(f),
        }
    }

    /// Run `f` inside one IMMEDIATE transaction (blocking): committed when `f`
    /// returns `Ok`, rolled back otherwise. IMMEDIATE takes the write lock up
    /// front, so two processes never deadlock upgrading a read to a write.
    pub fn with_tx<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.lock();
        let tx = Transaction::new(&mut conn, TransactionBehavior::Immediate)
            .map_err(|e| self.classify(e))?;
        let value = f(&tx).map_err(|e| match e {
            StoreError::Sqlite(e) => self.classify(e),
            other => other,
        })?;
        tx.commit().map_err(|e| self.classify(e))?;
        Ok(value)
    }

    /// Turn a SQLite error into a store error, recognising a damaged file
    /// and a full disk.
    fn classify(&self, e: rusqlite::Error) -> StoreError {
        match (&self.inner.path, damage_code(&e)) {
            (Some(path), true) => StoreError::Damaged {
                path: path.clone(),
                detail: e.to_string(),
            },
            (Some(path), false) if disk_full(&e) => StoreError::DiskFull { path: path.clone() },
            _ => StoreError::Sqlite(e),
        }
    }
}

/// Pragmas every connection needs; they are per connection, so never in a migration.
fn apply_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS))?;
    // Reading journal_mode back is the first statement that touches the file,
    // so a file that is not a database fails here (in-memory answers "memory").
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    // FULL, not WAL's usual NORMAL: an intent and its confirmation must
    // survive a power cut or OS crash, not only a killed process (rule 9;
    // RELIABILITY.md). A cycle commits a few small transactions per action.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 1 MiB of page cache instead of SQLite's 2 MiB: a cycle reads the ledger
    // once, front to back, and the OS caches the file anyway.
    conn.pragma_update(None, "cache_size", -1024)?;
    Ok(())
}

enum CheckFailure {
    Damaged(String),
    Sqlite(rusqlite::Error),
}

/// SQLite's fast structural check; a small database checks in milliseconds.
fn quick_check(conn: &Connection) -> Result<(), CheckFailure> {
    let run = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare("PRAGMA quick_check(5)")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect()
    };
    match run() {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => Ok(()),
        Ok(lines) => Err(CheckFailure::Damaged(lines.join("; "))),
        Err(e) if damage_code(&e) => Err(CheckFailure::Damaged(e.to_string())),
        Err(e) => Err(CheckFailure::Sqlite(e)),
    }
}

fn damage_code(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// SQLITE_FULL: the disk, or the connection's `max_page_count`, is exhausted.
fn disk_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DiskFull)
}

fn classify_open(path: &Path, e: rusqlite::Error) -> StoreError {
    if disk_full(&e) {
        return StoreError::DiskFull {
            path: path.to_path_buf(),
        };
    }
    if damage_code(&e) {
        StoreError::Damaged {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }
    } else {
        StoreError::Open {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }
    }
}

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.to_vec())
}

fn migrate(conn: &mut Connection, path: Option<&Path>) -> Result<(), StoreError> {
    let migrations = migrations();
    let display_path = || path.map_or_else(|| PathBuf::from(":memory:"), Path::to_path_buf);
    match migrations.current_version(conn) {
        Ok(SchemaVersion::Outside(found)) => {
            return Err(StoreError::TooNew {
                path: display_path(),
                found: found.get(),
                known: MIGRATIONS.len(),
            })
        }
        Ok(_) => {}
        Err(e) => return Err(migration_error(e, path)),
    }
    migrations
        .to_latest(conn)
        .map_err(|e| migration_error(e, path))
}

fn migration_error(e: rusqlite_migration::Error, path: Option<&Path>) -> StoreError {
    match (e, path) {
        (rusqlite_migration::Error::RusqliteError { err, .. }, Some(path)) if damage_code(&err) => {
            StoreError::Damaged {
                path: path.to_path_buf(),
                detail: err.to_string(),
            }
        }
        (e, _) => StoreError::Migration(e.to_string()),
    }
}

/// Now as stored in the database: RFC 3339, UTC, milliseconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Parse a stored timestamp.
pub(crate) fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| StoreError::Corrupt(format!("bad timestamp \"{text}\": {e}")))
}

#[cfg(test)]
mod tests;
