//! Entry point of the BackupBridge tray process (see the library).

// Release builds on Windows must not open a console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: secrets given by the environment are held in
    // memory only, so no process this one starts (the window, a browser, a
    // toolkit's helper) inherits them.
    let env_secrets = bridge_core::secrets::EnvSecrets::take();
    // The process idles in the tray for days, and each of its threads would
    // otherwise keep an arena of freed memory.
    bridge_core::mem::tune_allocator(2);
    bridge_link::webview::prefer_software_rendering();
    std::process::exit(bridge_tray::run(env_secrets));
}
