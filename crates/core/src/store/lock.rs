//! One writer per data folder (design §4 rule 12).
//!
//! Every process that syncs a data folder (the tray, the CLI loop, `sync
//! --once`) holds an OS file lock on `sync.lock` in that folder for the whole
//! of a cycle, and so does `db recover`. A second process waits a little for
//! the lock, then gives up with a sentence naming the process that holds it.
//! Because the outbox is only written and settled under this lock, recovery
//! never settles an intent that a live process may still be sending.
//!
//! The holder's process id goes to `sync.pid` beside the lock: on Windows a
//! locked file cannot be read by others, so the id cannot live in the lock
//! file itself.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file in the data folder.
pub const LOCK_FILE_NAME: &str = "sync.lock";
/// The file naming the process that holds the lock.
pub const HOLDER_FILE_NAME: &str = "sync.pid";
/// How long a second writer waits for the lock before giving up.
pub const WRITER_WAIT: Duration = Duration::from_secs(5);
/// Pause between two attempts to take the lock.
const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Why the lock could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock (its id when known).
    #[error("{}", busy_text(*pid))]
    Busy { pid: Option<u32> },
    /// The folder cannot hold a lock file (permissions, a network share).
    #[error(
        "BackupBridge keeps one writer per data folder with a lock file in {}, and that \
         folder cannot lock files ({detail}); use a data folder on a local disk",
        folder.display()
    )]
    Unusable { folder: PathBuf, detail: String },
}

fn busy_text(pid: Option<u32>) -> String {
    match pid {
        Some(pid) => format!(
            "BackupBridge is already syncing this data folder (pid {pid}); let that sync \
             finish, or stop that process, and try again"
        ),
        None => "BackupBridge is already syncing this data folder; let that sync finish, \
                 or stop the other BackupBridge process, and try again"
            .to_owned(),
    }
}

/// The data folder's writer lock, held until dropped.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

/// Takes the writer lock of `data_dir` at once, or says who holds it.
pub fn try_lock(data_dir: &Path) -> Result<WriterLock, LockError> {
    let unusable = |detail: String| LockError::Unusable {
        folder: data_dir.to_path_buf(),
        detail,
    };
    std::fs::create_dir_all(data_dir).map_err(|e| unusable(e.to_string()))?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(data_dir.join(LOCK_FILE_NAME))
        .map_err(|e| unusable(e.to_string()))?;
    match file.try_lock() {
        Ok(()) => {
            write_holder(data_dir);
            Ok(WriterLock { _file: file })
        }
        Err(TryLockError::WouldBlock) => Err(LockError::Busy {
            pid: holder(data_dir),
        }),
        Err(TryLockError::Error(e)) => Err(unusable(e.to_string())),
    }
}

/// Takes the writer lock of `data_dir`, waiting up to `wait` for another
/// process to let it go.
pub async fn lock(data_dir: &Path, wait: Duration) -> Result<WriterLock, LockError> {
    let deadline = Instant::now() + wait;
    loop {
        match try_lock(data_dir) {
            Err(LockError::Busy { .. }) if Instant::now() < deadline => {
                tokio::time::sleep(RETRY_PAUSE).await;
            }
            other => return other,
        }
    }
}

/// The blocking form of [`lock`], for callers outside the async runtime
/// (`db recover`).
pub fn lock_blocking(data_dir: &Path, wait: Duration) -> Result<WriterLock, LockError> {
    let deadline = Instant::now() + wait;
    loop {
        match try_lock(data_dir) {
            Err(LockError::Busy { .. }) if Instant::now() < deadline => {
                std::thread::sleep(RETRY_PAUSE);
            }
            other => return other,
        }
    }
}

/// The process id the last holder wrote, if readable.
pub fn holder(data_dir: &Path) -> Option<u32> {
    std::fs::read_to_string(data_dir.join(HOLDER_FILE_NAME))
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn write_holder(data_dir: &Path) {
    let path = data_dir.join(HOLDER_FILE_NAME);
    let written = File::create(&path)
        .and_then(|mut f| f.write_all(std::process::id().to_string().as_bytes()));
    if let Err(error) = written {
        // Only the message of a waiting process loses the pid.
        tracing::debug!(%error, "could not write {}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_told_which_process_holds_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let held = try_lock(dir.path()).unwrap();
        let err = try_lock(dir.path()).unwrap_err();
        assert_eq!(
            err,
            LockError::Busy {
                pid: Some(std::process::id())
            }
        );
        assert!(err.to_string().starts_with(&format!(
            "BackupBridge is already syncing this data folder (pid {})",
            std::process::id()
        )));
        drop(held);
        assert!(try_lock(dir.path()).is_ok());
    }

    #[tokio::test]
    async fn a_waiting_writer_gets_the_lock_once_it_is_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let held = try_lock(dir.path()).unwrap();
        let path = dir.path().to_path_buf();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let releaser = tokio::spawn(async move {
            let _ = rx.await;
            drop(held);
        });
        let waiter = tokio::spawn(async move { lock(&path, Duration::from_secs(60)).await });
        tx.send(()).unwrap();
        releaser.await.unwrap();
        assert!(waiter.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_writer_gives_up_after_its_wait() {
        let dir = tempfile::tempdir().unwrap();
        let _held = try_lock(dir.path()).unwrap();
        let err = lock(dir.path(), Duration::ZERO).await.unwrap_err();
        assert!(matches!(err, LockError::Busy { .. }));
    }
}
