//! One tray process per user, and how the other processes find it.
//!
//! The tray process holds an exclusive lock on `tray.lock` in the data folder
//! for as long as it runs, and writes `tray.json` there: the loopback port
//! it listens on and a token that a window (or a second launch) must present
//! ([`TrayAddress`], kept in `crate::address` and used from here).
//! The file is readable by the user only; the token changes at every start.
//! A second launch finds the lock taken and hands over to the running tray
//! process ([`reach`]); a window process finds the tray through the file
//! ([`TrayAddress::read`]).
//!
//! Whoever takes the lock knows that no tray process runs, so a `tray.json`
//! still there was left by one that stopped without quitting: it is removed
//! at once, before a window could read it. On Unix the file is trusted only
//! when it belongs to the user and nobody else may change it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

pub use crate::address::{TrayAddress, ADDRESS_FILE_NAME};
use crate::error::{Error, Result};

/// File name of the lock the running tray process holds.
pub const LOCK_FILE_NAME: &str = "tray.lock";

/// The lock of the one tray process, held until dropped.
#[derive(Debug)]
pub struct TrayLock {
    _file: File,
}

/// Takes the tray lock in `data_dir`; `None` when another tray process holds
/// it. Taken, it proves that no tray process runs: a `tray.json` left by one
/// that stopped without quitting is removed.
pub fn lock(data_dir: &Path) -> Result<Option<TrayLock>> {
    bridge_base::private::create_private_dir(data_dir)?;
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    bridge_base::platform::set_create_mode(&mut options, bridge_base::private::FILE_MODE);
    let file = options.open(data_dir.join(LOCK_FILE_NAME))?;
    match file.try_lock() {
        Ok(()) => {
            remove_stale_address(data_dir);
            Ok(Some(TrayLock { _file: file }))
        }
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(error)) => Err(Error::Runtime(format!(
            "BackupBridge keeps one copy running with a lock file in {}, and that folder \
             cannot lock files ({error}). Use a data folder on a local disk",
            data_dir.display()
        ))),
    }
}

/// Removes a `tray.json` that no running tray process wrote (the caller
/// holds the lock).
fn remove_stale_address(data_dir: &Path) {
    match std::fs::remove_file(TrayAddress::path(data_dir)) {
        Ok(()) => tracing::info!("removed the address a stopped tray process left behind"),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!(%error, "cannot remove a stale tray address"),
    }
}

/// How long a second launch waits for the tray process to answer: it may
/// itself be starting (its lock taken, its address not written yet) or
/// quitting (its lock not yet released).
pub const HAND_OVER_WAIT: Duration = Duration::from_secs(20);

/// Pause between attempts to reach a tray process that is starting.
pub const RETRY_PAUSE: Duration = Duration::from_millis(100);

/// What a launch found.
#[derive(Debug)]
pub enum Reach {
    /// A tray process runs and was asked to show its window.
    Running(TrayAddress),
    /// No tray process runs: the lock is the caller's.
    Free(TrayLock),
}

/// Asks the running tray process to show its window, or takes the lock when
/// none runs (also when one was quitting meanwhile). Retries until `wait`
/// has passed.
pub async fn reach(data_dir: &Path, wait: Duration) -> Result<Reach> {
    retry_for(wait, || async {
        if let Some(lock) = lock(data_dir).map_err(Failed::Stop)? {
            return Ok(Reach::Free(lock));
        }
        let address = TrayAddress::read(data_dir)
            .map_err(Failed::Stop)?
            .ok_or_else(|| Error::Runtime("it has not written its address".into()))?;
        crate::ipc::ask_to_open(&address).await?;
        Ok(Reach::Running(address))
    })
    .await
    .map_err(|failed| match failed {
        Failed::Stop(error) => error,
        Failed::Retry(error) => Error::Runtime(format!(
            "BackupBridge is already running but does not answer ({error}). \
             Quit it from the tray, or end the backup-bridge-tray process, and start again"
        )),
    })
}

/// Why an attempt of [`retry_for`] failed.
#[derive(Debug)]
pub enum Failed {
    /// It may work later (the other process is starting or quitting).
    Retry(Error),
    /// Trying again cannot help.
    Stop(Error),
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        Self::Retry(error)
    }
}

/// Runs `attempt` until it succeeds, stops, or `wait` has passed; the last
/// failure if none succeeded.
pub async fn retry_for<T, F, Fut>(wait: Duration, mut attempt: F) -> Result<T, Failed>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Failed>>,
{
    let deadline = Instant::now() + wait;
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(Failed::Retry(_)) if Instant::now() < deadline => {
                tokio::time::sleep(RETRY_PAUSE).await;
            }
            Err(failed) => return Err(failed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_admits_one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        assert!(first.is_some());
        assert!(lock(dir.path()).unwrap().is_none());
        drop(first);
        assert!(lock(dir.path()).unwrap().is_some());
    }

    #[tokio::test]
    async fn a_second_launch_without_a_tray_process_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        // An address nobody listens on: a tray process that died.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        // Its lock is held, as by a tray process that hangs.
        let _held = lock(dir.path()).unwrap().unwrap();
        TrayAddress::new(port).write(dir.path()).unwrap();
        let error = reach(dir.path(), Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(error.to_string().contains("does not answer"), "{error}");
        assert!(
            error
                .to_string()
                .contains("end the backup-bridge-tray process"),
            "{error}"
        );
    }

    /// REGRESSION (review L4): a `tray.json` left by a crash stayed until
    /// the next tray process wrote its own, and a window could read it.
    #[tokio::test]
    async fn taking_the_lock_removes_a_stale_address() {
        let dir = tempfile::tempdir().unwrap();
        TrayAddress::new(4321).write(dir.path()).unwrap();
        let held = lock(dir.path()).unwrap().unwrap();
        assert!(!TrayAddress::path(dir.path()).exists());
        drop(held);
        // A launch finding no tray process (the launcher's path) does the same.
        TrayAddress::new(4321).write(dir.path()).unwrap();
        let reached = reach(dir.path(), Duration::from_secs(5)).await.unwrap();
        assert!(matches!(reached, Reach::Free(_)), "{reached:?}");
        assert!(!TrayAddress::path(dir.path()).exists());
    }

    /// Review L4: the address is trusted only when it is the user's own file
    /// and nobody else may change it.
    #[cfg(unix)]
    #[tokio::test]
    async fn an_address_file_others_may_change_or_own_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = TrayAddress::path(dir.path());
        TrayAddress::new(4321).write(dir.path()).unwrap();
        for mode in [0o666, 0o620, 0o602] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let error = TrayAddress::read(dir.path()).unwrap_err().to_string();
            assert!(
                error.contains("does not trust the address") && error.contains("delete the file"),
                "{mode:o}: {error}"
            );
        }
        // A launch says so at once instead of retrying for the whole wait.
        let _held = lock(dir.path()).unwrap().unwrap();
        TrayAddress::new(4321).write(dir.path()).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let error = reach(dir.path(), HAND_OVER_WAIT).await.unwrap_err();
        assert!(error.to_string().contains("does not trust"), "{error}");
        // Owned by another user (only root can hand a file over).
        if bridge_base::platform::current_user() == Some(0) {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            std::os::unix::fs::chown(&path, Some(65534), None).unwrap();
            let error = TrayAddress::read(dir.path()).unwrap_err().to_string();
            assert!(error.contains("uid 65534"), "{error}");
        }
    }

    #[tokio::test]
    async fn a_launch_takes_the_lock_once_a_quitting_tray_process_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let quitting = lock(dir.path()).unwrap().unwrap();
        let let_go = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            drop(quitting);
        });
        let reached = reach(dir.path(), Duration::from_secs(10)).await.unwrap();
        assert!(matches!(reached, Reach::Free(_)), "{reached:?}");
        let_go.await.unwrap();
    }
}
