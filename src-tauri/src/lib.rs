//! BackupBridge desktop app: the executable the user starts, and the window.
//!
//! The app runs as two processes (see `bridge_link`): the tray process
//! (`backup-bridge-tray`, no web engine) runs all day; this one shows the
//! window and ends when it is closed. It links `bridge-link` and not the
//! engine (`bridge-core`, `bridge-shell`, the simulators): every command is
//! forwarded by name, and a test below keeps it that way.
//!
//! - Started by the user: when the tray process runs, it is asked to show
//!   its window and this process ends ([`launcher`]). Otherwise it starts
//!   the tray process and becomes the window itself.
//! - With `--minimized` (an older login item): becomes the tray process.
//! - With `--window`: the window the tray process starts on *Open*.

pub mod launcher;
pub mod window;

use bridge_link::launch::LaunchOptions;

/// Runs the app as its flags say; returns the exit status.
pub fn run() -> i32 {
    let launch = LaunchOptions::from_args(std::env::args());
    let data_dir = bridge_base::paths::default_data_dir();
    if let Err(error) = bridge_link::logging::init(&data_dir) {
        eprintln!("BackupBridge could not start: {error}");
        return 1;
    }
    let result = if launch.window {
        window::run(&data_dir, None)
    } else {
        launcher::run(&data_dir, launch)
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            tracing::error!(%error, "BackupBridge could not start");
            eprintln!("BackupBridge could not start: {error}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    // The generated name list, by path as `build.rs` reads it: this crate
    // does not need the shell for it. The shell's `bindings` test keeps the
    // file equal to the commands its dispatcher declares.
    include!("../../crates/shell/src/commands/names.rs");

    /// The capability grants exactly the commands the tray process answers
    /// (`bridge_shell::commands::call`, generated from the same declaration
    /// as `names.rs`): a command missing there would be refused at run
    /// time, an extra permission would be more than the UI needs.
    #[test]
    fn permissions_match_the_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        for command in COMMANDS {
            assert!(
                granted.contains(&(*command).to_owned()),
                "main.json lacks {command}"
            );
        }
        assert_eq!(granted.len(), COMMANDS.len(), "{granted:?}");
    }

    /// Crates the window process must not link: the engine and its
    /// database, HTTP client and keychain, the shell over it and the
    /// simulators. Its commands all run in the tray process.
    const NOT_LINKED: &[&str] = &[
        "bridge-core",
        "bridge-shell",
        "bridge-sim",
        "rusqlite",
        "reqwest",
        "keyring",
    ];

    /// Every crate `backup-bridge-app` links (its normal dependencies, for
    /// this platform), as `cargo tree` lists them.
    fn linked_crates() -> Vec<String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let output = std::process::Command::new(cargo)
            .args(["tree", "--offline", "--edges", "normal", "--prefix", "none"])
            .args(["--format", "{p}", "--manifest-path", manifest])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success(),
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_owned)
            .collect()
    }

    /// Issue 15: the window process only forwards JSON, yet it linked the
    /// whole engine (rusqlite, reqwest, keyring) and the simulators.
    #[test]
    fn the_window_process_links_no_engine() {
        let linked = linked_crates();
        assert!(linked.iter().any(|c| c == "bridge-link"), "{linked:?}");
        assert!(linked.iter().any(|c| c == "tauri"), "{linked:?}");
        let mut found: Vec<&String> = linked
            .iter()
            .filter(|c| NOT_LINKED.contains(&c.as_str()))
            .collect();
        found.sort();
        found.dedup();
        assert!(
            found.is_empty(),
            "backup-bridge-app links {found:?}; the window process forwards every command to the \
             tray process and must not link the engine. Move what it needs into bridge-link or \
             bridge-base"
        );
    }
}
