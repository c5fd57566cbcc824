//! The workspace itself: no crate has a cycle, and the check sees the uses
//! it guards (so that it cannot pass by reading nothing).

use std::path::{Path, PathBuf};

use crate::{cycles, graphs, scan_crate, Graphs};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The members of the workspace (`members = [...]` in its `Cargo.toml`).
fn members(root: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let list = manifest
        .split("members = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the workspace lists its members");
    list.split(',')
        .map(|member| member.trim().trim_matches('"').to_owned())
        .filter(|member| !member.is_empty())
        .collect()
}

/// Each crate of the workspace (a library and a binary of one package are
/// two), named by its root file, with its graphs.
fn crates() -> Vec<(String, Graphs)> {
    let root = workspace_root();
    let read = |path: &Path| std::fs::read_to_string(path).ok();
    let mut crates = Vec::new();
    for member in members(&root) {
        for file in ["src/lib.rs", "src/main.rs"] {
            let path = root.join(&member).join(file);
            if path.exists() {
                let graphs = graphs(&scan_crate(&path, &read), &root);
                crates.push((format!("{member}/{file}"), graphs));
            }
        }
    }
    crates
}

#[test]
fn no_crate_has_a_module_import_cycle() {
    let found: Vec<String> = crates()
        .iter()
        .flat_map(|(label, graphs)| cycles(label, graphs))
        .map(|cycle| cycle.to_string())
        .collect();
    assert!(
        found.is_empty(),
        "modules that use each other (move what both need to the module that owns it, \
         or to a small module below both; a re-export that hides the use does not count):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_the_uses_it_guards() {
    let crates = crates();
    assert!(crates.len() >= 7, "{}", crates.len());
    let uses = |label: &str, scope: &[&str], from: &str, to: &str| {
        let scope: Vec<String> = scope.iter().map(|s| (*s).to_owned()).collect();
        let (_, graphs) = crates.iter().find(|(l, _)| l == label).unwrap();
        graphs
            .get(&scope)
            .and_then(|edges| edges.get(from))
            .is_some_and(|targets| targets.contains_key(to))
    };
    let core = "crates/core/src/lib.rs";
    assert!(uses(core, &[], "ops", "engine"));
    assert!(uses(core, &["cw"], "http", "auth"));
    assert!(uses(core, &["cw"], "auth", "request"));
    assert!(uses(core, &["engine"], "pass", "plan"));
    assert!(uses("crates/link/src/lib.rs", &[], "instance", "ipc"));
    assert!(uses("crates/link/src/lib.rs", &[], "ipc", "address"));
    assert!(uses("src-tauri/src/lib.rs", &[], "launcher", "window"));
    // The directions chosen when the older cycles were removed.
    assert!(uses(core, &[], "engine", "source"));
    assert!(uses(core, &[], "store", "source"));
    assert!(uses(core, &["source"], "error", "platform"));
    assert!(uses(core, &["source"], "platform", "tls"));
    assert!(uses(core, &["source", "vspc"], "alarms", "decode"));
    assert!(uses("crates/sim/src/lib.rs", &["cw"], "patch", "tickets"));
    assert!(uses("crates/shell/src/lib.rs", &[], "state", "backend"));
}
