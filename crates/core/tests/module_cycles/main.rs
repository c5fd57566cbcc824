#![allow(clippy::unwrap_used, clippy::expect_used)]
//! No import cycles between modules (issue 15 item 4), in every crate of the
//! workspace and at every level: the crate's top-level modules, the files of
//! `cw`, of `engine`, of `ops`, of the link's `ipc`, and so on.
//!
//! Module `a` uses its sibling `b` when a file of `a` (or of a module inside
//! it) names a path into `b`: `use crate::b::X`, `use super::b::{X, Y}`,
//! `super::b::f()`, `crate::b::C` in an expression, or `b::f()` from their
//! parent. A path to an item that the parent itself holds or re-exports
//! (`super::CwClient`, `crate::Error`) uses the parent, not a sibling: a
//! module and the modules inside it always know each other. Two siblings
//! that use each other, directly or around a longer circle, fail the test,
//! which names the circle and the lines that close it.
//!
//! The sources are read with no parser crate: comments and literals are
//! skipped, `mod` declarations (with `#[path]`) and inline modules (`mod
//! tests { … }`) are followed from `lib.rs` and `main.rs`. Test modules
//! count like any other.
//!
//! `synthetic` runs the check on made-up crates holding the cycles issue 15
//! removed; `workspace` runs it on the workspace, which has none.

mod lex;
mod scan;
mod synthetic;
mod workspace;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use scan::{scan, ModPath, Ref};

/// The modules of one crate and the paths its files name.
struct CrateScan {
    modules: BTreeSet<ModPath>,
    refs: Vec<Ref>,
}

/// Follows the `mod` declarations from the crate root file `root`.
fn scan_crate(root: &Path, read: &dyn Fn(&Path) -> Option<String>) -> CrateScan {
    let mut crate_scan = CrateScan {
        modules: BTreeSet::new(),
        refs: Vec::new(),
    };
    let mut queue = VecDeque::from([(ModPath::new(), root.to_path_buf(), true)]);
    while let Some((module, file, exact)) = queue.pop_front() {
        let (file, src) = match read(&file) {
            Some(src) => (file, src),
            None if !exact => {
                let file = file.with_extension("").join("mod.rs");
                let src = read(&file);
                (
                    file,
                    src.unwrap_or_else(|| panic!("no file for module {module:?}")),
                )
            }
            None => panic!("cannot read {}", file.display()),
        };
        let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
        // The crate root, `mod.rs` and `#[path]` files declare their modules
        // beside them; `name.rs` in `name/`.
        let children = if exact || file.ends_with("mod.rs") {
            dir
        } else {
            dir.join(file.file_stem().unwrap_or_default())
        };
        let found = scan(&src, &module, &file, &children);
        crate_scan.modules.insert(module);
        crate_scan.modules.extend(found.inline);
        crate_scan.refs.extend(found.refs);
        queue.extend(found.files);
    }
    crate_scan
}

/// The absolute path `segs` names from `module`; `None` for a path outside
/// the crate (std, a dependency, a local item).
fn resolve(module: &[String], segs: &[String], modules: &BTreeSet<ModPath>) -> Option<ModPath> {
    let first = segs.first()?;
    let mut abs: ModPath = match first.as_str() {
        "crate" => Vec::new(),
        "super" | "self" => module.to_vec(),
        _ => {
            let mut child = module.to_vec();
            child.push(first.clone());
            if !modules.contains(&child) {
                return None;
            }
            module.to_vec()
        }
    };
    let rest = if first == "crate" { &segs[1..] } else { segs };
    for seg in rest {
        match seg.as_str() {
            "self" => {}
            "super" => {
                abs.pop()?;
            }
            _ => abs.push(seg.clone()),
        }
    }
    // The module named: the longest prefix that is one.
    while !modules.contains(&abs) {
        abs.pop()?;
    }
    Some(abs)
}

/// Where one module uses a sibling: `file:line` and the path.
type Evidence = String;

/// For each module with children (by path), which child uses which other
/// child, with the first place it does.
type Graphs = BTreeMap<ModPath, BTreeMap<String, BTreeMap<String, Evidence>>>;

fn graphs(scan: &CrateScan, base: &Path) -> Graphs {
    let mut graphs = Graphs::new();
    for r in &scan.refs {
        let Some(target) = resolve(&r.from, &r.segs, &scan.modules) else {
            continue;
        };
        let common = r
            .from
            .iter()
            .zip(&target)
            .take_while(|(a, b)| a == b)
            .count();
        if common == r.from.len() || common == target.len() {
            // A module and one inside it (or itself).
            continue;
        }
        let file = r.file.strip_prefix(base).unwrap_or(&r.file).display();
        graphs
            .entry(target[..common].to_vec())
            .or_default()
            .entry(r.from[common].clone())
            .or_default()
            .entry(target[common].clone())
            .or_insert_with(|| format!("{file}:{} `{}`", r.line, r.segs.join("::")));
    }
    graphs
}

/// Siblings that use each other, directly or around a longer circle.
#[derive(Debug)]
struct Cycle {
    /// The crate, e.g. `crates/core/src/lib.rs`.
    label: String,
    /// Their parent, e.g. `crate::cw`.
    scope: String,
    /// All the siblings caught in it, in name order.
    members: Vec<String>,
    /// The shortest circle through the first member, with the line of each
    /// use: `auth -> http -> auth` and one line per arrow.
    circle: String,
}

impl std::fmt::Display for Cycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let members = self.members.join(", ");
        write!(
            f,
            "{}: in `{}` ({members}): {}",
            self.label, self.scope, self.circle
        )
    }
}

/// The modules `start` reaches through `edges` (itself only around a circle).
fn reach<'a>(
    edges: &'a BTreeMap<String, BTreeMap<String, Evidence>>,
    start: &'a String,
) -> BTreeMap<&'a String, &'a String> {
    // Each module reached, with the one it was reached from (breadth first,
    // in name order, so the way back is a shortest one).
    let mut back: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in edges.get(node).into_iter().flat_map(BTreeMap::keys) {
            if !back.contains_key(next) {
                back.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    back
}

/// Each group of siblings that use each other (a strongly connected
/// component of more than one), once.
fn cycles(label: &str, graphs: &Graphs) -> Vec<Cycle> {
    let mut found = Vec::new();
    for (scope, edges) in graphs {
        let reached: BTreeMap<&String, BTreeMap<&String, &String>> = edges
            .keys()
            .map(|node| (node, reach(edges, node)))
            .collect();
        let mut grouped: BTreeSet<&String> = BTreeSet::new();
        for (start, back) in &reached {
            if grouped.contains(start) || !back.contains_key(start) {
                continue;
            }
            let members: Vec<&String> = back
                .keys()
                .filter(|other| reached.get(*other).is_some_and(|b| b.contains_key(start)))
                .copied()
                .collect();
            grouped.extend(members.iter().copied());
            let mut circle = vec![*start];
            let mut node = back[*start];
            while node != *start {
                circle.insert(1, node);
                node = back[node];
            }
            circle.push(start);
            let mut text = circle
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" -> ");
            for pair in circle.windows(2) {
                let evidence = &edges[pair[0]][pair[1]];
                text.push_str(&format!("\n    {} -> {}: {evidence}", pair[0], pair[1]));
            }
            let scope = std::iter::once("crate").chain(scope.iter().map(String::as_str));
            found.push(Cycle {
                label: label.to_owned(),
                scope: scope.collect::<Vec<_>>().join("::"),
                members: members.into_iter().cloned().collect(),
                circle: text,
            });
        }
    }
    found
}
