//! Files only the user can read. The data folder holds customer names,
//! ticket ids, error text and connection settings, so on Unix its folders
//! are created 0700 and its files 0600 whatever the umask, and an existing
//! folder or file that others may read is tightened. SQLite gives the
//! database's `-wal` and `-shm` the database file's own mode, so a private
//! database keeps them private too. On Windows the data folder sits in the
//! user's own profile, which the OS already keeps private; there these
//! calls only create (modes and owners: `platform`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use crate::platform;

/// Mode of BackupBridge's folders on Unix.
pub const DIR_MODE: u32 = 0o700;
/// Mode of BackupBridge's files on Unix.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and missing parents) readable by the user only, and
/// tightens it when it already exists with group or other access. Failing
/// to tighten a folder someone else owns is logged, not an error.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    platform::create_dir_all_with_mode(dir, DIR_MODE)?;
    tighten(dir, DIR_MODE);
    Ok(())
}

/// Opens `path` for appending, creating it readable by the user only, and
/// tightens an existing file that others may read.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    platform::set_create_mode(&mut options, FILE_MODE);
    let file = options.open(path)?;
    tighten(path, FILE_MODE);
    Ok(file)
}

/// Writes `bytes` to `path` (replacing it), readable by the user only.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    platform::set_create_mode(&mut options, FILE_MODE);
    let mut file = options.open(path)?;
    tighten(path, FILE_MODE);
    file.write_all(bytes)
}

/// Sets `path` to `mode` when it grants anything to group or others; does
/// nothing when it does not exist, or where files have no modes.
pub fn tighten(path: &Path, mode: u32) {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    let open = platform::mode(&meta).is_some_and(|now| now & 0o077 != 0);
    if meta.file_type().is_symlink() || !open {
        return;
    }
    if let Err(error) = platform::set_mode(path, mode) {
        tracing::warn!(%error, path = %path.display(), "cannot make this readable by you only");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mode of `path`; the tests that read it run on Unix only.
    fn mode(path: &Path) -> u32 {
        platform::mode(&fs::metadata(path).unwrap()).unwrap()
    }

    fn set_mode(path: &Path, mode: u32) {
        platform::set_mode(path, mode).unwrap();
    }

    #[test]
    fn folders_and_files_are_created_and_written_on_every_os() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        create_private_dir(&nested).unwrap();
        create_private_dir(&nested).unwrap();
        let file = nested.join("f.txt");
        write!(open_private_append(&file).unwrap(), "one").unwrap();
        write!(open_private_append(&file).unwrap(), "two").unwrap();
        assert_eq!(fs::read_to_string(&file).unwrap(), "onetwo");
        write_private_file(&file, b"x").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"x");
        tighten(&dir.path().join("missing"), FILE_MODE);
    }

    #[test]
    fn folders_and_files_are_created_private_and_open_ones_tightened() {
        if !platform::Os::current().is_unix() {
            return; // No modes: nothing to tighten (see the module notes).
        }
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        create_private_dir(&nested).unwrap();
        assert_eq!(mode(&nested), DIR_MODE);
        assert_eq!(mode(&dir.path().join("a")), DIR_MODE);

        let open = dir.path().join("open");
        fs::create_dir(&open).unwrap();
        set_mode(&open, 0o755);
        create_private_dir(&open).unwrap();
        assert_eq!(mode(&open), DIR_MODE);

        let file = nested.join("f.txt");
        open_private_append(&file).unwrap();
        assert_eq!(mode(&file), FILE_MODE);
        set_mode(&file, 0o644);
        open_private_append(&file).unwrap();
        assert_eq!(mode(&file), FILE_MODE);
        write_private_file(&nested.join("g"), b"x").unwrap();
        assert_eq!(mode(&nested.join("g")), FILE_MODE);
        // Already private: left as it is (owner bits are the user's choice).
        set_mode(&file, 0o400);
        tighten(&file, FILE_MODE);
        assert_eq!(mode(&file), 0o400);
    }
}
