//! Build script: generates the Tauri context and the permissions for our own commands.

/// Every command the UI may call (the same list as `commands::COMMANDS`; a
/// test keeps them in step). tauri-build generates an `allow-<command>`
/// permission for each; the capability then grants exactly these.
const COMMANDS: &[&str] = &[
    "app_info",
    "get_status",
    "sync_now",
    "set_paused",
    "start_demo",
    "stop_demo",
    "recover_database",
    "get_connection",
    "save_connection",
    "test_connection",
    "get_settings",
    "set_setting",
    "validate_condition",
    "preview_agreements",
    "summary_example",
    "list_boards",
    "board_options",
    "list_priorities",
    "seen_types",
    "list_companies",
    "refresh_companies",
    "map_company",
    "unmap_company",
    "suggest_companies",
    "list_tickets",
    "recent_runs",
    "preview_sync",
    "open_ticket",
    "log_tail",
    "copy_diagnostics",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
