//! The check on small made-up crates: it finds the four cycles issue 15
//! removed, written as they were, and no use in what only looks like one
//! (comments, literals, macros, a parent's own items, `std::ops`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{cycles, graphs, scan_crate, Graphs};

/// The graphs of a crate made of `files` (paths under `src/`, from `lib.rs`).
fn graphs_of(files: &[(&str, &str)]) -> Graphs {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(path, src)| (Path::new("src").join(path), (*src).to_owned()))
        .collect();
    let read = |path: &Path| files.get(path).cloned();
    graphs(&scan_crate(Path::new("src/lib.rs"), &read), Path::new(""))
}

fn cycles_of(files: &[(&str, &str)]) -> Vec<String> {
    let found = cycles("test", &graphs_of(files));
    found.iter().map(ToString::to_string).collect()
}

/// The one cycle found starts with `head` and names each of `lines`.
#[track_caller]
fn assert_one_cycle(found: &[String], head: &str, lines: &[&str]) {
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with(head), "{}", found[0]);
    for line in lines {
        assert!(found[0].contains(line), "no `{line}` in:\n{}", found[0]);
    }
}

#[test]
fn cw_auth_and_http_using_each_other_is_a_cycle() {
    let found = cycles_of(&[
        ("lib.rs", "pub mod cw;\n"),
        ("cw/mod.rs", "mod auth;\nmod http;\npub struct CwClient;\n"),
        (
            "cw/auth.rs",
            "use super::error::{self, CwError};\nuse super::http::Request;\n\
             use super::{CwAuth, CwClient};\n",
        ),
        (
            "cw/http.rs",
            "use super::auth::{Credentials, Identity};\n\
             #[cfg(test)]\n#[path = \"http_tests.rs\"]\nmod tests;\n",
        ),
        ("cw/http_tests.rs", "use super::*;\n"),
    ]);
    assert_one_cycle(
        &found,
        "test: in `crate::cw` (auth, http): auth -> http -> auth",
        &[
            "auth -> http: src/cw/auth.rs:2 `super::http::Request`",
            "http -> auth: src/cw/http.rs:1 `super::auth::Credentials`",
        ],
    );
}

#[test]
fn engine_and_ops_using_each_other_is_a_cycle() {
    let found = cycles_of(&[
        ("lib.rs", "pub mod engine;\npub mod ops;\npub mod store;\n"),
        (
            "engine/mod.rs",
            "mod blocking;\nmod inputs;\npub(crate) use blocking::db_store;\n",
        ),
        ("engine/blocking.rs", "use crate::store::Store;\n"),
        (
            "engine/inputs.rs",
            "fn remember() {\n    const KEY: &str = crate::ops::SEEN_TYPES_KEY;\n}\n",
        ),
        ("ops/mod.rs", "mod seen;\npub use seen::SeenTypes;\n"),
        ("ops/seen.rs", "use crate::engine::{db_store, Engine};\n"),
        ("store.rs", "pub struct Store;\n"),
    ]);
    assert_one_cycle(
        &found,
        "test: in `crate` (engine, ops): engine -> ops -> engine",
        &[
            "src/engine/inputs.rs:2 `crate::ops::SEEN_TYPES_KEY`",
            "`crate::engine::db_store`",
        ],
    );
}

#[test]
fn instance_and_ipc_using_each_other_is_a_cycle() {
    let found = cycles_of(&[
        ("lib.rs", "pub mod instance;\npub mod ipc;\n"),
        (
            "instance.rs",
            "pub async fn reach() {\n    crate::ipc::ask_to_open(&address).await?;\n}\n\
             #[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
        ("ipc/mod.rs", "mod tray;\npub async fn ask_to_open() {}\n"),
        ("ipc/tray.rs", "use crate::instance::TrayAddress;\n"),
    ]);
    assert_one_cycle(
        &found,
        "test: in `crate` (instance, ipc): instance -> ipc -> instance",
        &[
            "src/instance.rs:2 `crate::ipc::ask_to_open`",
            "src/ipc/tray.rs:1",
        ],
    );
}

#[test]
fn launcher_and_window_using_each_other_is_a_cycle() {
    let found = cycles_of(&[
        ("lib.rs", "pub mod launcher;\npub mod window;\n"),
        (
            "launcher.rs",
            "pub fn run() -> i32 {\n    crate::window::run(dir, Some(child))\n}\n",
        ),
        (
            "window.rs",
            "fn ended() -> String {\n    \
             format!(\"{} in {}\", crate::launcher::TRAY_STDERR_FILE, dir)\n}\n",
        ),
    ]);
    let head = "test: in `crate` (launcher, window): launcher -> window -> launcher";
    assert_one_cycle(
        &found,
        head,
        &["src/window.rs:2 `crate::launcher::TRAY_STDERR_FILE`"],
    );
}

#[test]
fn a_longer_circle_is_named_in_order() {
    let found = cycles_of(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("a.rs", "use crate::b::B;\n"),
        ("b.rs", "use super::c::C;\n"),
        ("c.rs", "fn f() { crate::a::g() }\n"),
    ]);
    assert_one_cycle(&found, "test: in `crate` (a, b, c): a -> b -> c -> a", &[]);
}

/// Nothing here is a use of `ops` by `a` or of `a` by `b`, which would
/// close a cycle; the real uses are still seen.
#[test]
fn comments_literals_macros_and_parents_are_not_uses() {
    let files = [
        (
            "lib.rs",
            "pub mod a;\npub mod b;\npub mod ops;\npub struct Root;\n",
        ),
        (
            "a.rs",
            "//! Sends to [`crate::ops`].\n\
             use std::ops::Range;\n\
             use super::Root;\n\
             /* crate::ops::X /* nested */ crate::ops::Y */\n\
             const Q: char = '\"';\n\
             const E: char = '\\'';\n\
             fn s<'a>(x: &'a str) -> &'static str { r#\"crate::ops::X \"# }\n\
             fn t() -> &'static [u8] { b\"crate::ops\" }\n\
             macro_rules! m { () => { $crate::ops::f() } }\n\
             pub fn r(r: std::ops::Range<u8>) {}\n\
             use crate::b::Thing;\n\
             #[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::Root;\n}\n",
        ),
        (
            "b.rs",
            "/// Called by [`crate::a`].\npub struct Thing;\n\
             const NOTE: &str = \"see crate::a::r\";\n",
        ),
        ("ops.rs", "use crate::a::r;\n"),
    ];
    assert_eq!(cycles_of(&files), Vec::<String>::new());
    let graphs = graphs_of(&files);
    let root = &graphs[&Vec::<String>::new()];
    let uses: Vec<(&str, &str)> = root
        .iter()
        .flat_map(|(from, to)| to.keys().map(move |to| (from.as_str(), to.as_str())))
        .collect();
    assert_eq!(uses, [("a", "b"), ("ops", "a")]);
}
