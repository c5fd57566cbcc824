//! Build script: generates the Tauri context and the permissions for our own commands.

fn main() {
    // Every command the UI may call is listed here, so tauri-build generates an
    // `allow-<command>` permission for it; capabilities then grant only those.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(&["app_info"]));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
