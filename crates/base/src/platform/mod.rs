//! Everything in `bridge-base` that differs between operating systems. The
//! `#[cfg]` attributes naming an OS live here and in the other crates'
//! `platform` modules only (a test in `bridge-core`,
//! `tests/platform_code`, fails on one anywhere else): the rest of the
//! workspace calls the functions below, the same on every OS, and decides
//! what differs with [`Os`], so that those decisions are unit-tested for
//! every OS on any one of them.
//!
//! - [`Os`]: the operating system this build runs on;
//! - file modes and owners: `unix.rs`, and `windows.rs` where the data
//!   folder sits in the user's own profile and these do nothing;
//! - allocator tuning: `glibc.rs` on Linux with glibc, `system_allocator.rs`
//!   (nothing to tune) elsewhere.

use std::fs::{Metadata, OpenOptions};
use std::io;
use std::path::Path;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as files;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as files;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) mod glibc;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) use glibc as allocator;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) mod system_allocator;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) use system_allocator as allocator;

/// The operating systems BackupBridge is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Os {
    /// Windows 10 and 11.
    Windows,
    /// macOS.
    MacOs,
    /// Linux, with a freedesktop desktop (GNOME, KDE, ...).
    Linux,
    /// A Unix other than macOS and Linux (a BSD): treated like Linux where
    /// the desktop is freedesktop's.
    OtherUnix,
}

impl Os {
    /// Every variant, for tests of decisions made per OS.
    pub const ALL: [Os; 4] = [Os::Windows, Os::MacOs, Os::Linux, Os::OtherUnix];

    /// The OS this build is for.
    pub const fn current() -> Os {
        if cfg!(windows) {
            Os::Windows
        } else if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(target_os = "linux") {
            Os::Linux
        } else {
            Os::OtherUnix
        }
    }

    /// Whether files have Unix modes and owners (and processes signals).
    pub const fn is_unix(self) -> bool {
        !matches!(self, Os::Windows)
    }

    /// Whether the desktop is freedesktop's (notifications over D-Bus,
    /// XDG autostart, icons by name): Linux and the other Unixes.
    pub const fn is_freedesktop(self) -> bool {
        matches!(self, Os::Linux | Os::OtherUnix)
    }
}

/// Whether this build tunes the allocator (glibc's `mallopt`, `malloc_trim`).
pub const TUNES_ALLOCATOR: bool = cfg!(all(target_os = "linux", target_env = "gnu"));

/// Creates `dir` and its missing parents with `mode` on Unix (before the
/// umask); elsewhere plainly.
pub fn create_dir_all_with_mode(dir: &Path, mode: u32) -> io::Result<()> {
    files::create_dir_all_with_mode(dir, mode)
}

/// Makes `options` create its file with `mode` on Unix (before the umask);
/// does nothing elsewhere.
pub fn set_create_mode(options: &mut OpenOptions, mode: u32) {
    files::set_create_mode(options, mode);
}

/// The permission bits (`0o777`) of a file on Unix; `None` elsewhere.
pub fn mode(meta: &Metadata) -> Option<u32> {
    files::mode(meta)
}

/// Sets the permission bits of `path` on Unix; does nothing elsewhere.
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    files::set_mode(path, mode)
}

/// The user id owning a file on Unix; `None` elsewhere.
pub fn owner(meta: &Metadata) -> Option<u32> {
    files::owner(meta)
}

/// The user id this process runs as on Unix; `None` elsewhere.
pub fn current_user() -> Option<u32> {
    files::current_user()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_os_is_unix_or_not_and_freedesktop_or_not() {
        let cases = [
            (Os::Windows, false, false),
            (Os::MacOs, true, false),
            (Os::Linux, true, true),
            (Os::OtherUnix, true, true),
        ];
        for (os, unix, freedesktop) in cases {
            assert_eq!(os.is_unix(), unix, "{os:?}");
            assert_eq!(os.is_freedesktop(), freedesktop, "{os:?}");
        }
        assert!(Os::ALL.contains(&Os::current()));
    }

    #[test]
    fn modes_and_owners_are_known_exactly_where_files_have_them() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        create_dir_all_with_mode(&nested, 0o700).unwrap();
        let file = nested.join("f");
        let mut options = OpenOptions::new();
        options.write(true).create(true);
        set_create_mode(&mut options, 0o600);
        drop(options.open(&file).unwrap());
        set_mode(&file, 0o640).unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let unix = Os::current().is_unix();
        assert_eq!(mode(&meta), unix.then_some(0o640));
        assert_eq!(
            mode(&std::fs::metadata(&nested).unwrap()),
            unix.then_some(0o700)
        );
        assert_eq!(owner(&meta).is_some(), unix);
        assert_eq!(owner(&meta), current_user());
    }
}
