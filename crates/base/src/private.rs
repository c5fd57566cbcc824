//! Files only the user can read. The data folder holds customer names,
//! ticket ids, error text and connection settings, so on Unix its folders
//! are created 0700 and its files 0600 whatever the umask, and an existing
//! folder or file that others may read is tightened. SQLite gives the
//! database's `-wal` and `-shm` the database file's own mode, so a private
//! database keeps them private too. On Windows and macOS the data folder
//! sits in the user's own profile, which the OS already keeps private;
//! there these calls only create.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Mode of BackupBridge's folders on Unix.
pub const DIR_MODE: u32 = 0o700;
/// Mode of BackupBridge's files on Unix.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and missing parents) readable by the user only, and
/// tightens it when it already exists with group or other access. Failing
/// to tighten a folder someone else owns is logged, not an error.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)?;
        tighten(dir, DIR_MODE);
        Ok(())
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// Opens `path` for appending, creating it readable by the user only, and
/// tightens an existing file that others may read.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    let file = options.open(path)?;
    tighten(path, FILE_MODE);
    Ok(file)
}

/// Writes `bytes` to `path` (replacing it), readable by the user only.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    let mut file = options.open(path)?;
    tighten(path, FILE_MODE);
    file.write_all(bytes)
}

/// Sets `path` to `mode` when it grants anything to group or others; does
/// nothing when it does not exist. Unix only; elsewhere it does nothing.
pub fn tighten(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = fs::symlink_metadata(path) else {
            return;
        };
        if meta.file_type().is_symlink() || meta.permissions().mode() & 0o077 == 0 {
            return;
        }
        if let Err(error) = fs::set_permissions(path, fs::Permissions::from_mode(mode)) {
            tracing::warn!(%error, path = %path.display(), "cannot make this readable by you only");
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_created_private_and_open_ones_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        create_private_dir(&nested).unwrap();
        assert_eq!(mode(&nested), DIR_MODE);
        assert_eq!(mode(&dir.path().join("a")), DIR_MODE);

        let open = dir.path().join("open");
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&open).unwrap();
        assert_eq!(mode(&open), DIR_MODE);

        let file = nested.join("f.txt");
        open_private_append(&file).unwrap();
        assert_eq!(mode(&file), FILE_MODE);
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        open_private_append(&file).unwrap();
        assert_eq!(mode(&file), FILE_MODE);
        write_private_file(&nested.join("g"), b"x").unwrap();
        assert_eq!(mode(&nested.join("g")), FILE_MODE);
        // Already private: left as it is (owner bits are the user's choice).
        fs::set_permissions(&file, fs::Permissions::from_mode(0o400)).unwrap();
        tighten(&file, FILE_MODE);
        assert_eq!(mode(&file), 0o400);
    }
}
