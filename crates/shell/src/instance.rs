//! One tray process per user, and how the other processes find it.
//!
//! The tray process holds an exclusive lock on `tray.lock` in the data folder
//! for as long as it runs, and writes `tray.json` there: the loopback port
//! it listens on and a token that a window (or a second launch) must present.
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
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// File name of the lock the running tray process holds.
pub const LOCK_FILE_NAME: &str = "tray.lock";
/// File name of the running tray process's address.
pub const ADDRESS_FILE_NAME: &str = "tray.json";

/// How the running tray process is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrayAddress {
    /// Its loopback TCP port.
    pub port: u16,
    /// What a connection must present first.
    pub token: String,
    /// Its process id (for logs and tests).
    pub pid: u32,
}

impl TrayAddress {
    /// An address on `port` with a fresh random token, for this process.
    pub fn new(port: u16) -> Self {
        let bytes: [u8; 16] = rand::random();
        Self {
            port,
            token: bridge_core::engine::render::hex(&bytes),
            pid: std::process::id(),
        }
    }

    /// Where the address file lives in `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(ADDRESS_FILE_NAME)
    }

    /// The address the running tray process wrote; `None` when the file is
    /// not there or not readable. A file that another user owns, or that
    /// others may change, is an error: it may point at someone else's program.
    pub fn read(data_dir: &Path) -> Result<Option<Self>> {
        let path = Self::path(data_dir);
        let mut file = match File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(_) => return Ok(None),
        };
        trusted(&path, &file)?;
        let mut text = Vec::new();
        if std::io::Read::read_to_end(&mut file, &mut text).is_err() {
            return Ok(None);
        }
        Ok(serde_json::from_slice(&text).ok())
    }

    /// Writes the file, readable by the user only, replacing it at once (a
    /// reader never sees half of it).
    pub fn write(&self, data_dir: &Path) -> Result<()> {
        bridge_core::private::create_private_dir(data_dir)?;
        let path = Self::path(data_dir);
        let temp = data_dir.join(format!("{ADDRESS_FILE_NAME}.{}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp)?;
        let text = serde_json::to_vec(self)
            .map_err(|e| Error::Internal(format!("the tray address cannot be written: {e}")))?;
        file.write_all(&text)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &path)?;
        Ok(())
    }

    /// Removes the file if it is still this address (a newer tray process
    /// may have replaced it).
    pub fn remove(&self, data_dir: &Path) {
        if Self::read(data_dir).ok().flatten().as_ref() == Some(self) {
            if let Err(error) = std::fs::remove_file(Self::path(data_dir)) {
                tracing::warn!(%error, "could not remove the tray address file");
            }
        }
    }
}

/// The lock of the one tray process, held until dropped.
#[derive(Debug)]
pub struct TrayLock {
    _file: File,
}

/// The file is the user's own and nobody else may change it (Unix; the
/// data folder is in the user's profile elsewhere).
fn trusted(path: &Path, file: &File) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = file.metadata()?;
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        let (owner, mode) = (meta.uid(), meta.mode() & 0o777);
        if owner != uid || mode & 0o022 != 0 {
            return Err(Error::Runtime(format!(
                "{} belongs to another user (uid {owner}, you are {uid}) or others may change \
                 it (mode {mode:o}), so BackupBridge does not trust the address in it; delete the \
                 file (the tray process writes it again at its start) and check who else can \
                 write to {}",
                path.display(),
                path.parent().unwrap_or(path).display()
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, file);
    Ok(())
}

/// Takes the tray lock in `data_dir`; `None` when another tray process holds
/// it. Taken, it proves that no tray process runs: a `tray.json` left by one
/// that stopped without quitting is removed.
pub fn lock(data_dir: &Path) -> Result<Option<TrayLock>> {
    bridge_core::private::create_private_dir(data_dir)?;
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(bridge_core::private::FILE_MODE);
    }
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

    #[test]
    fn the_address_round_trips_and_is_removed_only_by_its_writer() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(TrayAddress::read(dir.path()).unwrap(), None);
        let ours = TrayAddress::new(4321);
        assert_eq!(ours.token.len(), 32);
        assert_ne!(ours.token, TrayAddress::new(4321).token);
        ours.write(dir.path()).unwrap();
        assert_eq!(TrayAddress::read(dir.path()).unwrap(), Some(ours.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(TrayAddress::path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
        }
        // A newer tray process wrote its own: ours does not remove it.
        let newer = TrayAddress::new(5555);
        newer.write(dir.path()).unwrap();
        ours.remove(dir.path());
        assert_eq!(TrayAddress::read(dir.path()).unwrap(), Some(newer.clone()));
        newer.remove(dir.path());
        assert_eq!(TrayAddress::read(dir.path()).unwrap(), None);
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
        // SAFETY: getuid has no preconditions.
        if unsafe { libc::getuid() } == 0 {
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
