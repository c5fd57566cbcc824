//! File modes and owners on Windows: none. The data folder sits in the
//! user's own profile, which Windows already keeps private.

use std::fs::{Metadata, OpenOptions};
use std::io;
use std::path::Path;

pub fn create_dir_all_with_mode(dir: &Path, _mode: u32) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

pub fn set_create_mode(_options: &mut OpenOptions, _mode: u32) {}

pub fn mode(_meta: &Metadata) -> Option<u32> {
    None
}

pub fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

pub fn owner(_meta: &Metadata) -> Option<u32> {
    None
}

pub fn current_user() -> Option<u32> {
    None
}
