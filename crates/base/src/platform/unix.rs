//! File modes and owners on Unix.

use std::fs::{self, DirBuilder, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

pub fn create_dir_all_with_mode(dir: &Path, mode: u32) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(mode).create(dir)
}

pub fn set_create_mode(options: &mut OpenOptions, mode: u32) {
    options.mode(mode);
}

pub fn mode(meta: &Metadata) -> Option<u32> {
    Some(meta.permissions().mode() & 0o777)
}

pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

pub fn owner(meta: &Metadata) -> Option<u32> {
    Some(meta.uid())
}

pub fn current_user() -> Option<u32> {
    // SAFETY: getuid has no preconditions and cannot fail.
    Some(unsafe { libc::getuid() })
}
