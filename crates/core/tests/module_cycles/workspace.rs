//! The workspace itself: no crate has a cycle, and the check sees the uses
//! it guards (so that it cannot pass by reading nothing).

use std::path::{Path, PathBuf};

use crate::{cycles, graphs, scan_crate, Cycle, Graphs};

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

/// Cycles older than this check, left for later: (crate, parent, the
/// siblings caught in it). Each must stay exactly as listed (remove its line
/// when it is fixed), and no other may appear.
const KNOWN: &[(&str, &str, &[&str])] = &[
    (
        "crates/core/src/lib.rs",
        "crate",
        &["engine", "source", "store"],
    ),
    (
        "crates/core/src/lib.rs",
        "crate::source",
        &["error", "platform", "tls"],
    ),
    (
        "crates/core/src/lib.rs",
        "crate::source::vspc",
        &["alarms", "decode"],
    ),
    ("crates/sim/src/lib.rs", "crate::cw", &["patch", "tickets"]),
    (
        "crates/bench/src/lib.rs",
        "crate",
        &["sources", "sources_vspc"],
    ),
    ("crates/shell/src/lib.rs", "crate", &["backend", "state"]),
];

#[test]
fn no_crate_has_a_module_import_cycle() {
    let found: Vec<Cycle> = crates()
        .iter()
        .flat_map(|(label, graphs)| cycles(label, graphs))
        .collect();
    let known = |c: &Cycle, (label, scope, members): &(&str, &str, &[&str])| {
        c.label == *label && c.scope == *scope && c.members == *members
    };
    let new: Vec<String> = found
        .iter()
        .filter(|c| !KNOWN.iter().any(|k| known(c, k)))
        .map(ToString::to_string)
        .collect();
    assert!(
        new.is_empty(),
        "modules that use each other (move what both need to the module that owns it, \
         or to a small module below both):\n{}",
        new.join("\n")
    );
    let gone: Vec<_> = KNOWN
        .iter()
        .filter(|k| !found.iter().any(|c| known(c, k)))
        .collect();
    assert!(
        gone.is_empty(),
        "no longer cycles as listed in KNOWN: {gone:?}"
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
}
