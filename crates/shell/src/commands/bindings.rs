//! The generated side of the UI contract: the TypeScript types the UI uses
//! (`ui/src/bindings/contract.ts`) and the name list the window's build
//! script reads (`commands/names.rs`), both written from the declaration in
//! `commands/mod.rs` and the serde attributes of the types it names.
//!
//! ts-rs writes the types, not tauri-specta: our commands are not
//! `#[tauri::command]`s (the window forwards each call by name to the tray
//! process, where [`call`](super::call) dispatches it), and ts-rs only reads
//! the serde attributes of plain types, with no runtime and no Tauri in the
//! crates that declare them.
//!
//! Both files are checked in. A test regenerates them in memory and fails
//! when they differ; [`REGENERATE`] rewrites them.

use std::any::TypeId;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use bridge_core::alerts::Notification;
use bridge_core::scheduler::Status;
use ts_rs::{Config, TypeVisitor, TS};

use crate::events::{NOTIFICATION_EVENT, SHOW_ACTIVITY_EVENT, STATUS_EVENT};

/// The one command that rewrites the generated files.
pub const REGENERATE: &str = "BB_UPDATE_BINDINGS=1 cargo test -p bridge-shell bindings";

/// Where the TypeScript goes, from the repository's root.
pub const TYPESCRIPT_PATH: &str = "ui/src/bindings/contract.ts";
/// Where the name list goes, from the repository's root.
pub const NAMES_PATH: &str = "crates/shell/src/commands/names.rs";

/// Sees each declared command with its wire types (`commands::visit_commands`).
pub(crate) trait CommandVisitor {
    /// One command: its name, its arguments object and its result.
    fn command<A: TS + 'static, R: TS + 'static>(&mut self, name: &'static str);
}

/// `commands/names.rs`: `COMMANDS` as a file of its own, for the window's
/// build script, which cannot depend on this crate.
pub fn names_rs() -> String {
    let mut out = format!(
        "// Generated from the command declarations in crates/shell/src/commands/mod.rs:\n\
         // do not edit; regenerate with `{REGENERATE}`.\n\
         // Every command the UI may call. The window's build script includes this file:\n\
         // tauri-build generates an `allow-<command>` permission for each, and the\n\
         // capability (`capabilities/main.json`) grants exactly these, as a test checks.\n\
         pub const COMMANDS: &[&str] = &[\n"
    );
    for name in super::COMMANDS {
        let _ = writeln!(out, "    \"{name}\",");
    }
    out.push_str("];\n");
    out
}

/// `ui/src/bindings/contract.ts`: every type the commands and events carry,
/// the command map (arguments and result per command) and the event map.
pub fn typescript() -> Result<String, String> {
    let config = Config::new().with_large_int("number");
    let mut walk = Walk {
        declarations: Declarations::new(&config),
        commands: String::new(),
    };
    super::visit_commands(&mut walk);
    let Walk {
        mut declarations,
        commands,
    } = walk;
    declarations.add::<Status>();
    declarations.add::<Notification>();
    let Declarations { by_name, error, .. } = declarations;
    if let Some(error) = error {
        return Err(error);
    }

    let mut out = format!(
        "// Generated from the command declarations in crates/shell/src/commands/mod.rs\n\
         // and the serde attributes of the Rust types they name: do not edit;\n\
         // regenerate with `{REGENERATE}`.\n"
    );
    for (_, text) in by_name.values() {
        out.push('\n');
        out.push_str(text);
        out.push('\n');
    }
    out.push_str(
        "\n/** Every command the UI may call: its arguments, as `invoke` sends them, and its result. */\n\
         export type Commands = {\n",
    );
    out.push_str(&commands);
    out.push_str("};\n\n/** A command's name. */\nexport type CommandName = keyof Commands;\n");
    out.push_str("\n/** The arguments of command `K`. */\nexport type ArgsOf<K extends CommandName> = Commands[K]['args'];\n");
    out.push_str("\n/** What command `K` resolves to. */\nexport type ResultOf<K extends CommandName> = Commands[K]['result'];\n");
    out.push_str("\n/** Every command's name, in declaration order. */\nexport const COMMANDS: readonly CommandName[] = [\n");
    for name in super::COMMANDS {
        let _ = writeln!(out, "  '{name}',");
    }
    out.push_str("];\n");
    let _ = write!(
        out,
        "\n/** The events the backend sends the UI, with their payloads. */\n\
         export type Events = {{\n  {STATUS_EVENT}: {};\n  {NOTIFICATION_EVENT}: {};\n  {SHOW_ACTIVITY_EVENT}: null;\n}};\n",
        Status::name(&config),
        Notification::name(&config),
    );
    Ok(out)
}

/// Walks the commands, collecting their types and writing the command map.
struct Walk<'a> {
    declarations: Declarations<'a>,
    commands: String,
}

impl CommandVisitor for Walk<'_> {
    fn command<A: TS + 'static, R: TS + 'static>(&mut self, name: &'static str) {
        // The arguments object is written inline, so only what it uses is declared.
        self.declarations.add_uses::<A>();
        self.declarations.add::<R>();
        let config = self.declarations.config;
        let args = match A::inline(config).as_str() {
            // A command without arguments takes an empty object (or nothing).
            "Record<symbol, never>" | "Record<string, never>" => "Record<string, never>".to_owned(),
            fields => fields.to_owned(),
        };
        let _ = writeln!(
            self.commands,
            "  {name}: {{ args: {args}; result: {} }};",
            R::name(config)
        );
    }
}

/// Every named type reachable from the roots, declared once, by TypeScript
/// name (so the file's order does not depend on the walk's).
struct Declarations<'a> {
    config: &'a Config,
    by_name: BTreeMap<String, (TypeId, String)>,
    /// Set when two Rust types would have the same TypeScript name.
    error: Option<String>,
}

impl<'a> Declarations<'a> {
    fn new(config: &'a Config) -> Self {
        Self {
            config,
            by_name: BTreeMap::new(),
            error: None,
        }
    }

    /// Declares `T` if it is a named type, then everything it uses.
    fn add<T: TS + ?Sized + 'static>(&mut self) {
        self.visit::<T>();
    }

    /// Declares everything `T` uses, but not `T`.
    fn add_uses<T: TS + ?Sized + 'static>(&mut self) {
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            let name = T::ident(self.config);
            let id = TypeId::of::<T::WithoutGenerics>();
            match self.by_name.get(&name) {
                Some((seen, _)) if *seen == id => return,
                Some(_) => {
                    self.error = Some(format!(
                        "two Rust types are both `{name}` in TypeScript ({}); \
                         give one another name with #[ts(rename = \"...\")]",
                        std::any::type_name::<T>()
                    ));
                    return;
                }
                None => {
                    let text = format!(
                        "{}export {}",
                        T::docs().unwrap_or_default(),
                        layout(&T::decl(self.config))
                    );
                    self.by_name.insert(name, (id, text));
                }
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// Lays out an object type one field per line, each under its doc, as a
/// person would write it. Any other declaration (a union, an alias) is kept
/// as ts-rs writes it, less trailing spaces.
fn layout(decl: &str) -> String {
    let tidy: Vec<&str> = decl.lines().map(str::trim_end).collect();
    let tidy = tidy.join("\n");
    let Some((head, object)) = tidy.split_once(" = ") else {
        return tidy;
    };
    let Some(body) = object
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix("};"))
    else {
        return tidy;
    };
    let Some(fields) = top_level_fields(body) else {
        return tidy;
    };
    let mut out = format!("{head} = {{\n");
    for field in fields {
        let (doc, field) = match field.split_once("*/") {
            Some((doc, rest)) if field.starts_with("/**") => (Some(doc), rest.trim()),
            _ => (None, field),
        };
        if field.contains('\n') {
            return tidy;
        }
        if let Some(doc) = doc {
            out.push_str("  /**\n");
            for line in doc.lines().skip(1).map(str::trim) {
                if !line.is_empty() {
                    let _ = writeln!(out, "   {line}");
                }
            }
            out.push_str("   */\n");
        }
        let _ = writeln!(out, "  {field};");
    }
    out.push_str("};");
    out
}

/// The fields of an object type's body (between its braces), or `None` when
/// the braces close before its end (the body is not one object).
fn top_level_fields(body: &str) -> Option<Vec<&str>> {
    let mut fields = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut start = 0;
    let mut at = 0;
    while let Some(c) = body[at..].chars().next() {
        if !quoted && body[at..].starts_with("/*") {
            // A doc comment: its commas and quotes are prose.
            at += body[at..].find("*/").map_or(body.len() - at, |end| end + 2);
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '{' | '<' | '(' | '[' => depth += 1,
            '}' | '>' | ')' | ']' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            ',' if depth == 0 => {
                fields.push(body[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
        at += c.len_utf8();
    }
    fields.push(body[start..].trim());
    fields.retain(|field| !field.is_empty());
    Some(fields)
}

#[cfg(test)]
#[path = "bindings_tests.rs"]
mod tests;
