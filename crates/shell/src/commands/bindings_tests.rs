//! The checked-in bindings match the declaration: the test regenerates them
//! in memory and compares, or rewrites them with `BB_UPDATE_BINDINGS=1`.

use std::path::{Path, PathBuf};

use super::*;

/// The repository's root (this crate is `crates/shell`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each generated file: where it goes and what it must hold.
fn generated() -> Vec<(&'static str, String)> {
    let typescript = match typescript() {
        Ok(text) => text,
        Err(error) => panic!("the TypeScript bindings cannot be written: {error}"),
    };
    vec![(TYPESCRIPT_PATH, typescript), (NAMES_PATH, names_rs())]
}

#[test]
fn bindings_are_up_to_date() {
    let update = std::env::var("BB_UPDATE_BINDINGS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, expected) in generated() {
        let file = root().join(path);
        if update {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir).unwrap();
            }
            std::fs::write(&file, &expected).unwrap();
            continue;
        }
        let actual = std::fs::read_to_string(&file).unwrap_or_default();
        if actual != expected {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "the generated UI contract is out of date: {} no longer matches the command \
         declarations in crates/shell/src/commands/mod.rs and the types they name. \
         Regenerate it with `{REGENERATE}` and commit the result.",
        stale.join(" and ")
    );
}

#[test]
fn the_name_list_is_the_declared_one() {
    // names.rs is what the window's build script grants; the dispatcher must
    // know exactly those names.
    let text = names_rs();
    for name in crate::commands::COMMANDS {
        assert!(text.contains(&format!("\"{name}\",")), "{name}");
    }
    assert_eq!(
        text.matches("\",\n").count(),
        crate::commands::COMMANDS.len()
    );
}

#[test]
fn bindings_follow_serde_renames() {
    let ts = typescript().unwrap();
    // Arguments are camelCase (as `invoke` sends them); core structs keep
    // snake_case; ConnectWise types are camelCase; tagged enums keep their tag.
    for expected in [
        "preview_agreements: { args: { backupCompanyId: string, condition: string, }",
        "data_dir: string",
        "closedStatus: boolean",
        "\"state\": \"other_host\"",
        "export type Override<T> = \"Default\" | { \"Explicit\": T };",
        "log_tail: { args: { lines: number, run: number | null, }; result: string }",
        "sync_now: { args: Record<string, never>; result: null }",
    ] {
        assert!(ts.contains(expected), "{expected} not in\n{ts}");
    }
}
