//! The BackupBridge desktop shell without a GUI toolkit.
//!
//! The desktop app runs as two processes so that it idles in the tray
//! without a web engine loaded:
//! - the tray process (`crates/tray`, `backup-bridge-tray`) runs all day:
//!   the sync backend, the tray icon, notifications, start at login and the
//!   single-instance rule;
//! - the window process (`src-tauri`, `backup-bridge-app`) lives only while
//!   the window is open: a Tauri web view whose commands go to the tray
//!   process over `bridge_link::ipc`.
//!
//! This crate is the tray process's side that can be tested without a
//! desktop: the backend ([`state`], [`backend`]), the commands
//! ([`commands::call`]), what the tray shows and does ([`tray`]), the
//! outputs ([`events`]) and demo mode ([`demo`], behind the cargo feature
//! `demo`). The link between the processes, which the window process links
//! without this crate, is `bridge-link`. Every product rule lives in
//! `bridge-core`; this crate only hosts it.

pub mod backend;
pub mod commands;
pub mod demo;
pub mod error;
pub mod events;
pub mod models;
pub mod notify;
pub mod state;
pub mod tray;

pub use error::{Error, Result};

/// The product's name, as the window, the tray and notifications show it.
pub const APP_NAME: &str = "BackupBridge";
/// The app's identifier (`tauri.conf.json`), which notifications carry on
/// macOS and Windows.
pub const APP_IDENTIFIER: &str = "com.backupbridge.app";
/// This build's version (the workspace version, shared by every binary).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
