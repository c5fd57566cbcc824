//! Build script: generates the Tauri context and the permissions for our own commands.

include!("../crates/shell/src/commands/names.rs");

fn main() {
    println!("cargo:rerun-if-changed=../crates/shell/src/commands/names.rs");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
