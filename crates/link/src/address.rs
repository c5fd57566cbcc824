//! How the window process and a second launch find the running tray
//! process: `tray.json` in the data folder, with the loopback port it
//! listens on and the token a connection must prove it knows. The tray
//! process writes it at its start ([`TrayAddress::write`]); the file is
//! readable by the user only, and on Unix it is trusted only when it
//! belongs to the user and nobody else may change it.
//!
//! Both `instance` (the lock, the hand-over) and `ipc` (the link) use it;
//! it uses neither.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

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
            token: bridge_base::hex(&bytes),
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
        bridge_base::private::create_private_dir(data_dir)?;
        let path = Self::path(data_dir);
        let temp = data_dir.join(format!("{ADDRESS_FILE_NAME}.{}", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        bridge_base::platform::set_create_mode(&mut options, bridge_base::private::FILE_MODE);
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

/// The file is the user's own and nobody else may change it (Unix; the
/// data folder is in the user's profile elsewhere).
fn trusted(path: &Path, file: &File) -> Result<()> {
    use bridge_base::platform;
    let meta = file.metadata()?;
    let (Some(owner), Some(mode), Some(uid)) = (
        platform::owner(&meta),
        platform::mode(&meta),
        platform::current_user(),
    ) else {
        return Ok(());
    };
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_round_trips_and_is_removed_only_by_its_writer() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(TrayAddress::read(dir.path()).unwrap(), None);
        let ours = TrayAddress::new(4321);
        assert_eq!(ours.token.len(), 32);
        assert_ne!(ours.token, TrayAddress::new(4321).token);
        ours.write(dir.path()).unwrap();
        assert_eq!(TrayAddress::read(dir.path()).unwrap(), Some(ours.clone()));
        let meta = std::fs::metadata(TrayAddress::path(dir.path())).unwrap();
        if let Some(mode) = bridge_base::platform::mode(&meta) {
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
}
