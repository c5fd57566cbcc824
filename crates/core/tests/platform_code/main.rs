#![allow(clippy::unwrap_used, clippy::expect_used)]
//! OS-specific code stays in the platform modules (issue 16 item 3). A
//! `#[cfg]`, `#[cfg_attr]` or `cfg!` whose condition names the OS
//! (`windows`, `unix`, `target_os`, `target_family`, `target_env`,
//! `target_vendor`) may appear only in a file of a `platform` module
//! (`<crate>/src/platform/…`), where each OS's calls are small and the decisions
//! are functions of `Os` tested on every OS. The only exceptions are the
//! test items in [`ALLOWED_TEST_ITEMS`], which exercise Unix-only behaviour
//! with Unix-only tools; an entry that no longer matches fails too, so the
//! list cannot outlive its reason.
//!
//! Every `.rs` file under the workspace root is read (build output,
//! `node_modules` and hidden folders aside), with the lexer of the module
//! cycle check: comments and string literals do not count.

#[allow(dead_code)]
#[path = "../module_cycles/lex.rs"]
mod lex;
mod scan;

use std::path::{Path, PathBuf};

use scan::{os_cfgs, OsCfg};

/// `(file from the workspace root, item)`: test items that may carry an OS
/// condition outside a platform module.
const ALLOWED_TEST_ITEMS: &[(&str, &str)] = &[
    // Runs `env` to see a child's environment.
    ("crates/base/src/env_secrets.rs", "mod tests"),
    // Hands the address file to another user with `chown`.
    (
        "crates/link/src/instance.rs",
        "fn an_address_file_others_may_change_or_own_is_refused",
    ),
    // Stands in for the window process with `/bin/sh` scripts.
    ("crates/tray/src/window_process.rs", "mod tests"),
    // Runs the CLI as the systemd unit does and stops it with SIGTERM.
    ("crates/cli/tests/service.rs", "whole file"),
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, as paths from `root` with `/`.
fn rust_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                rust_files(root, &path, out);
            }
        } else if name.ends_with(".rs") {
            let relative = path.strip_prefix(root).unwrap();
            let parts: Vec<_> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
}

/// Whether `file` belongs to a crate's top-level platform module
/// (`<crate>/src/platform/…`; not, say, `bridge-core`'s `source::platform`,
/// which is about backup platforms).
fn in_platform_module(file: &str) -> bool {
    let parts: Vec<&str> = file.split('/').collect();
    parts
        .windows(2)
        .position(|pair| pair == ["src", "platform"])
        .is_some_and(|at| at + 2 < parts.len() && !parts[..at].contains(&"src"))
}

/// The OS conditions of `files` (path, source) outside the platform modules
/// and the allowed test items, and the allowed items never seen.
fn stray(files: &[(String, String)], allowed: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
    let mut found = Vec::new();
    let mut used = vec![false; allowed.len()];
    for (file, src) in files {
        if in_platform_module(file) {
            continue;
        }
        for OsCfg { line, text, item } in os_cfgs(src) {
            let allowed_at = allowed
                .iter()
                .position(|(f, i)| f == file && Some(*i) == item.as_deref());
            match allowed_at {
                Some(index) => used[index] = true,
                None => found.push(format!("{file}:{line}: {text}")),
            }
        }
    }
    let unused = allowed
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|((f, i), _)| format!("{f}: {i}"))
        .collect();
    (found, unused)
}

fn workspace_files() -> Vec<(String, String)> {
    let root = workspace_root();
    let mut names = Vec::new();
    rust_files(&root, &root, &mut names);
    names
        .into_iter()
        .map(|name| {
            let src = std::fs::read_to_string(root.join(&name)).unwrap();
            (name, src)
        })
        .collect()
}

#[test]
fn os_conditions_appear_only_in_platform_modules() {
    let (found, unused) = stray(&workspace_files(), ALLOWED_TEST_ITEMS);
    assert!(
        found.is_empty(),
        "OS conditions outside a platform module (move the OS-specific call into the \
         crate's `platform` module, behind a function every OS has, and decide with \
         `bridge_base::platform::Os`):\n{}",
        found.join("\n")
    );
    assert!(
        unused.is_empty(),
        "allowed test items that no longer carry an OS condition (remove them from \
         ALLOWED_TEST_ITEMS):\n{}",
        unused.join("\n")
    );
}

#[test]
fn the_check_reads_the_platform_modules_it_exempts() {
    let files = workspace_files();
    assert!(files.len() > 100, "{}", files.len());
    let in_platform: Vec<&str> = files
        .iter()
        .filter(|(file, src)| in_platform_module(file) && !os_cfgs(src).is_empty())
        .map(|(file, _)| file.as_str())
        .collect();
    for expected in [
        "crates/base/src/platform/mod.rs",
        "crates/link/src/platform/mod.rs",
        "crates/tray/src/platform/mod.rs",
        "crates/bench/src/platform/mod.rs",
    ] {
        assert!(in_platform.contains(&expected), "{in_platform:?}");
    }
}

#[test]
fn a_stray_condition_is_found_and_the_allowed_ones_are_not() {
    let file = |name: &str, src: &str| (name.to_owned(), src.to_owned());
    let files = [
        file(
            "crates/x/src/lib.rs",
            "#[cfg(windows)]\nfn a() {}\n\
             fn b() -> bool { cfg!(target_os = \"macos\") }\n\
             #[cfg_attr(all(unix, test), allow(dead_code))]\nfn c() {}\n\
             #[cfg(not(target_family = \"wasm\"))]\nfn d() {}\n\
             // #[cfg(windows)] in a comment\n\
             const S: &str = \"#[cfg(unix)]\";\n\
             #[cfg(test)]\n#[cfg(unix)]\n#[allow(dead_code)]\nmod tests {}\n\
             #[cfg(unix)]\nfn other_test() {}\n",
        ),
        file(
            "crates/x/src/main.rs",
            "#![cfg_attr(not(debug_assertions), windows_subsystem = \"windows\")]\n\
             #[cfg(feature = \"demo\")]\nfn demo() {}\n",
        ),
        file(
            "crates/x/src/platform/windows.rs",
            "#[cfg(windows)]\nfn w() {}\n",
        ),
        file("crates/x/src/platform/mod.rs", "#[cfg(unix)]\nmod unix;\n"),
        // A module named `platform` deeper in a crate is not the OS's.
        file(
            "crates/x/src/source/platform.rs",
            "#[cfg(unix)]\nfn p() {}\n",
        ),
        file(
            "crates/x/src/source/platform/mod.rs",
            "#[cfg(unix)]\nfn q() {}\n",
        ),
        // A whole file: allowed only by name.
        file(
            "crates/x/tests/unix_only.rs",
            "#![cfg(unix)]\nuse std::io;\n",
        ),
        file(
            "crates/x/tests/other.rs",
            "#![cfg(windows)]\nuse std::io;\n",
        ),
    ];
    let allowed = [
        ("crates/x/src/lib.rs", "mod tests"),
        ("crates/x/src/lib.rs", "fn gone"),
        ("crates/x/tests/unix_only.rs", "whole file"),
    ];
    let (found, unused) = stray(&files, &allowed);
    assert_eq!(
        found,
        [
            "crates/x/src/lib.rs:1: cfg(windows)",
            "crates/x/src/lib.rs:3: cfg!(target_os = \"macos\")",
            "crates/x/src/lib.rs:4: cfg_attr(all(unix, test), …)",
            "crates/x/src/lib.rs:6: cfg(not(target_family = \"wasm\"))",
            "crates/x/src/lib.rs:14: cfg(unix)",
            "crates/x/src/source/platform.rs:1: cfg(unix)",
            "crates/x/src/source/platform/mod.rs:1: cfg(unix)",
            "crates/x/tests/other.rs:1: cfg(windows)",
        ]
    );
    assert_eq!(unused, ["crates/x/src/lib.rs: fn gone"]);
}
