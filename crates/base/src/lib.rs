//! BackupBridge's leaf pieces: what the engine (`bridge-core`) and the link
//! between the app's processes (`bridge-link`) both need, with no database,
//! HTTP client or keychain behind it, so that the window process links
//! these without the engine.
//!
//! - [`paths`]: the data folder;
//! - [`private`]: folders and files only the user can read;
//! - [`logs`]: the log folder, its naming, rotation and tail;
//! - [`env_secrets`]: the environment variables that carry secrets, kept
//!   from child processes;
//! - [`mem`]: allocator tuning for long-running processes;
//! - [`platform`]: what differs between operating systems, and [`platform::Os`];
//! - [`hex`]: bytes as hexadecimal text.
//!
//! It depends on no other workspace crate. `bridge-core` re-exports these
//! at its own paths (`bridge_core::logs`, `bridge_core::private`, ...).

pub mod env_secrets;
pub mod logs;
pub mod mem;
pub mod paths;
pub mod platform;
pub mod private;

/// `bytes` as lowercase hexadecimal, two digits each.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_writes_two_lowercase_digits_per_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(super::hex(&[]), "");
    }
}
