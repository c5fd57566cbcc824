//! BackupBridge core: every rule of the product lives here, once.
//!
//! No GUI and no Tauri: the desktop shell (`crates/shell`, run by the tray
//! process `crates/tray`) and the headless CLI (`crates/cli`) are thin layers
//! over these modules. The window process (`src-tauri`) does not link this
//! crate: it only forwards the UI's commands to the tray process.

pub mod alerts;
pub mod conditions;
pub mod cw;
pub mod engine;
pub mod error;
pub mod model;
pub mod net;
pub mod ops;
pub mod scheduler;
pub mod secrets;
pub mod source;
pub mod store;

pub use error::{Error, Result};

// Leaf pieces the window process needs too, kept in `bridge-base` so that it
// links them without the engine; here at their old paths.
pub use bridge_base::{logs, mem, private};
