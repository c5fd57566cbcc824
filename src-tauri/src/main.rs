//! Entry point of the BackupBridge desktop app; all wiring lives in the library.

// Release builds on Windows must not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: the app idles in the tray for days, and each
    // of its threads would otherwise keep an arena of freed memory.
    bridge_core::mem::tune_allocator(2);
    bridge_app::render::prefer_software_rendering();
    bridge_app::run();
}
