//! Entry point of the BackupBridge desktop app; all wiring lives in the library.

// Release builds on Windows must not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: this process needs no secret, and the web
    // engine, the browser a ticket link opens and the tray process it may
    // start must not inherit one (a tray process started by hand keeps its
    // own environment's).
    drop(bridge_base::env_secrets::EnvSecrets::take());
    // Each thread would otherwise keep an arena of freed memory.
    bridge_base::mem::tune_allocator(2);
    bridge_link::webview::prefer_software_rendering();
    bridge_link::webview::lighten_web_engine();
    std::process::exit(bridge_app::run());
}
