//! BackupBridge core: every rule of the product lives here, once.
//!
//! No GUI and no Tauri: the desktop shell (`crates/shell`, run by the tray
//! process `crates/tray` and the window process `src-tauri`) and the headless CLI
//! (`crates/cli`) are thin layers over these modules.

pub mod alerts;
pub mod conditions;
pub mod cw;
pub mod digest;
pub mod engine;
pub mod error;
pub mod logs;
pub mod mem;
pub mod model;
pub mod net;
pub mod ops;
pub mod private;
pub mod scheduler;
pub mod secrets;
pub mod source;
pub mod store;

pub use error::{Error, Result};
