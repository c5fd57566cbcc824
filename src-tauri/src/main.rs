//! Entry point of the BackupBridge desktop app; all wiring lives in the library.

// Release builds on Windows must not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    bridge_app::run();
}
