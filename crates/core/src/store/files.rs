//! The database's files: readable by the user only ([`crate::private`]), and
//! whether the database needs its check at open (design rule 17). SQLite's
//! quick check reads the whole file, so it runs only when the file may have
//! been left damaged, not at every start and every CLI call.
//!
//! When the last handle of a [`super::Store`] is dropped, after its
//! connection has closed, a stamp next to the database (`backupbridge.db.clean`)
//! records the size and modification time of the database and its `-wal`.
//! The next open removes the stamp before it connects, so a process that
//! stops without dropping its store (a crash, a kill, a power cut) leaves
//! none. The check is skipped only when the stamp is there and the files
//! still match it: any later write by anyone (another process, a damaged
//! copy put back) changes the time or the size. A stamp written in the same
//! clock tick as the last write cannot prove that, and does not count.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::StoreError;

/// Creates the database file readable by the user only before SQLite opens
/// it (SQLite gives its `-wal` and `-shm` the same mode), and tightens an
/// existing one and its journals.
pub(super) fn create_private(path: &Path) -> Result<(), StoreError> {
    crate::private::open_private_append(path).map_err(|e| StoreError::Open {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    for journal in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(journal);
        crate::private::tighten(Path::new(&name), crate::private::FILE_MODE);
    }
    Ok(())
}

/// Suffix of the stamp file after the database's own name.
pub const CLEAN_STAMP_SUFFIX: &str = ".clean";

/// Where the stamp of `db` lives.
pub fn stamp_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(CLEAN_STAMP_SUFFIX);
    PathBuf::from(name)
}

/// Size and modification time (ns since the epoch) of one file.
type FileMark = (u64, u128);

/// What the database files look like: the database, and its `-wal` if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signature {
    db: FileMark,
    wal: Option<FileMark>,
}

impl Signature {
    fn of(db: &Path) -> Option<Signature> {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        Some(Signature {
            db: mark(db)?,
            wal: mark(Path::new(&wal)),
        })
    }

    /// The newest modification time among the files.
    fn newest(&self) -> u128 {
        self.wal.map_or(self.db.1, |(_, t)| t.max(self.db.1))
    }

    fn to_line(&self) -> String {
        let wal = self
            .wal
            .map_or_else(|| "- -".to_owned(), |(len, t)| format!("{len} {t}"));
        format!("1 {} {} {wal}\n", self.db.0, self.db.1)
    }

    fn parse(line: &str) -> Option<Signature> {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [version, db_len, db_time, wal_len, wal_time] = parts[..] else {
            return None;
        };
        if version != "1" {
            return None;
        }
        let wal = match (wal_len, wal_time) {
            ("-", "-") => None,
            (len, time) => Some((len.parse().ok()?, time.parse().ok()?)),
        };
        Some(Signature {
            db: (db_len.parse().ok()?, db_time.parse().ok()?),
            wal,
        })
    }
}

fn mark(path: &Path) -> Option<FileMark> {
    let meta = fs::metadata(path).ok()?;
    Some((meta.len(), nanos(meta.modified().ok()?)?))
}

fn nanos(time: SystemTime) -> Option<u128> {
    time.duration_since(UNIX_EPOCH).ok().map(|d| d.as_nanos())
}

/// True when `db` was closed cleanly and has not changed since. Removes the
/// stamp either way: from now on it is this process's to write.
pub(super) fn take_clean_stamp(db: &Path) -> bool {
    let stamp = stamp_path(db);
    let recorded = fs::read_to_string(&stamp).ok();
    let stamped_at = fs::metadata(&stamp)
        .and_then(|m| m.modified())
        .ok()
        .and_then(nanos);
    if recorded.is_some() {
        if let Err(error) = fs::remove_file(&stamp) {
            tracing::warn!(%error, path = %stamp.display(), "cannot remove the clean-close stamp");
            return false;
        }
    }
    match (
        recorded.as_deref().and_then(Signature::parse),
        stamped_at,
        Signature::of(db),
    ) {
        (Some(recorded), Some(stamped_at), Some(now)) => {
            recorded == now && stamped_at > now.newest()
        }
        _ => false,
    }
}

/// Writes the stamp when dropped: owned by the store's shared part, declared
/// after the connection so that it drops (and stamps) once the connection
/// has closed.
#[derive(Debug)]
pub(super) struct CleanClose {
    db: PathBuf,
}

impl CleanClose {
    pub(super) fn new(db: &Path) -> CleanClose {
        CleanClose { db: db.to_owned() }
    }
}

impl Drop for CleanClose {
    fn drop(&mut self) {
        let Some(signature) = Signature::of(&self.db) else {
            return;
        };
        let stamp = stamp_path(&self.db);
        if let Err(error) =
            crate::private::write_private_file(&stamp, signature.to_line().as_bytes())
        {
            tracing::debug!(%error, path = %stamp.display(), "no clean-close stamp written");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_round_trip_and_refuse_garbage() {
        let with_wal = Signature {
            db: (4096, 1_733_000_000_123_456_789),
            wal: Some((0, 1_733_000_000_223_456_789)),
        };
        let without = Signature {
            db: (8192, 7),
            wal: None,
        };
        for s in [&with_wal, &without] {
            assert_eq!(Signature::parse(&s.to_line()).as_ref(), Some(s));
        }
        assert_eq!(with_wal.newest(), 1_733_000_000_223_456_789);
        for bad in ["", "2 1 2 - -", "1 x 2 - -", "1 1 2 3", "1 1 2 - 3 4"] {
            assert_eq!(Signature::parse(bad), None, "{bad}");
        }
    }
}
