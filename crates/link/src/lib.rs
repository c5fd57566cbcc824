//! The link between BackupBridge's two desktop processes, without the
//! engine.
//!
//! The desktop app runs as two processes so that it idles in the tray
//! without a web engine loaded:
//! - the tray process (`crates/tray`, `backup-bridge-tray`) runs all day:
//!   the sync backend (`bridge-shell` over `bridge-core`), the tray icon,
//!   notifications, start at login and the single-instance rule;
//! - the window process (`src-tauri`, `backup-bridge-app`) lives only while
//!   the window is open: a Tauri web view whose commands go to the tray
//!   process over [`ipc`]. It links this crate and not the engine: no
//!   database, HTTP client or keychain is loaded with the window.
//!
//! This crate is what both share: the loopback link ([`ipc`]), finding the
//! running tray process ([`instance`], [`address`]), the launch flags and
//! child processes ([`launch`]), logging to the shared log folder
//! ([`logging`]), how the web view draws ([`webview`]), what differs between
//! operating systems ([`platform`]), opening links in the
//! browser ([`browser`]) and the `{kind, message}` error ([`error`]). The
//! leaf pieces it needs below it (data folder, private files, log files,
//! secret-carrying variables) come from `bridge-base`.

pub mod address;
pub mod browser;
pub mod error;
pub mod instance;
pub mod ipc;
pub mod launch;
pub mod logging;
pub mod platform;
pub mod webview;

pub use error::{Error, Result};
