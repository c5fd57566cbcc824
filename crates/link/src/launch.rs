//! How the app was launched: the command-line flags the shell understands.
//!
//! - `--minimized`: started by the login item; stay in the tray.
//! - `--demo`: start in demo mode (built-in simulators, separate database).
//! - `--demo-if-unconfigured`: start in demo mode only when no connection has
//!   been set up yet; `scripts/run.sh` passes it so a fresh machine lands in
//!   the demo while a configured one opens normally.
//! - `--demo-source=KIND`: the backup platform the demo simulates
//!   (`dashboard`, the default, `msp360`, `comet` or `vspc`).
//! - `--window` (internal): the window process the tray process starts.
//! - `--window-follows` (internal): the tray process started by a launch
//!   that becomes its window.
//!
//! Unknown arguments are ignored (WebDriver and the OS may add their own).
//!
//! Children are started with [`child_command`], which keeps the variables
//! that carry secrets, and those the window set for its own web engine, out
//! of their environment.

/// A command to start one of the app's own processes (or any other child):
/// it never inherits the variables that carry secrets
/// (`bridge_base::env_secrets::ENV_SECRET_VARS`), whatever this process holds.
pub fn child_command(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    bridge_base::env_secrets::without_env_secrets(&mut command);
    for key in crate::webview::set_here() {
        command.env_remove(key);
    }
    command
}

/// File name (without the platform's suffix) of the tray process's executable.
pub const TRAY_BINARY: &str = "backup-bridge-tray";
/// File name (without the platform's suffix) of the window's executable.
pub const WINDOW_BINARY: &str = "backup-bridge-app";

/// The executable `name` in the folder of the running one (the app's
/// executables are installed side by side).
pub fn sibling_binary(name: &str) -> std::io::Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    Ok(exe.with_file_name(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
}

/// `path` when it exists, else an error saying the installation is incomplete.
pub fn installed(path: std::path::PathBuf) -> crate::Result<std::path::PathBuf> {
    if path.exists() {
        return Ok(path);
    }
    Err(crate::Error::Runtime(format!(
        "{} is missing; reinstall BackupBridge",
        path.display()
    )))
}

/// Argument passed by the login item: start in the tray without opening the window.
pub const MINIMIZED_ARG: &str = "--minimized";
/// Start in demo mode.
pub const DEMO_ARG: &str = "--demo";
/// The backup platform the demo simulates: `--demo-source=vspc`.
pub const DEMO_SOURCE_PREFIX: &str = "--demo-source=";
/// The platforms `--demo-source=` accepts: each one's `source.kind` word
/// (`bridge_core::source::SourceKind`; the tests of `bridge_shell::demo`
/// hold this list to it) and the flag that asks for it. The first is the
/// default.
pub const DEMO_SOURCES: [(&str, &str); 4] = [
    ("dashboard", "--demo-source=dashboard"),
    ("msp360", "--demo-source=msp360"),
    ("comet", "--demo-source=comet"),
    ("vspc", "--demo-source=vspc"),
];
/// The platform the demo simulates when no `--demo-source=` says otherwise.
pub const DEFAULT_DEMO_SOURCE: &str = DEMO_SOURCES[0].0;
/// Start in demo mode when nothing is configured.
pub const DEMO_IF_UNCONFIGURED_ARG: &str = "--demo-if-unconfigured";
/// The window process: the tray process starts `backup-bridge-app` with this
/// flag to show the window; it never starts a tray process of its own.
pub const WINDOW_ARG: &str = "--window";
/// Given to the tray process by a launch that becomes its window: a window
/// is on its way, so an *Open* meanwhile does not start a second one.
pub const WINDOW_FOLLOWS_ARG: &str = "--window-follows";

/// Which mode to start in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMode {
    /// The user's own database and keychain.
    Real,
    /// The built-in simulators.
    Demo,
    /// Demo when nothing is configured, else real.
    DemoIfUnconfigured,
}

/// The launch flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaunchOptions {
    /// Stay in the tray instead of showing the window.
    pub minimized: bool,
    /// Which mode to start in.
    pub mode: StartMode,
    /// Be the window of a running tray process ([`WINDOW_ARG`]).
    pub window: bool,
    /// A window is on its way ([`WINDOW_FOLLOWS_ARG`]).
    pub window_follows: bool,
    /// The backup platform the demo simulates ([`DEMO_SOURCE_PREFIX`]): a
    /// `source.kind` word of [`DEMO_SOURCES`].
    pub demo_source: &'static str,
}

impl LaunchOptions {
    /// Reads the flags from the process arguments (the first is the
    /// executable itself, never a flag). `--demo` wins over
    /// `--demo-if-unconfigured`.
    pub fn from_args<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut options = LaunchOptions {
            minimized: false,
            mode: StartMode::Real,
            window: false,
            window_follows: false,
            demo_source: DEFAULT_DEMO_SOURCE,
        };
        for arg in args.into_iter().skip(1) {
            match arg.as_ref() {
                MINIMIZED_ARG => options.minimized = true,
                WINDOW_ARG => options.window = true,
                WINDOW_FOLLOWS_ARG => options.window_follows = true,
                DEMO_ARG => options.mode = StartMode::Demo,
                DEMO_IF_UNCONFIGURED_ARG if options.mode == StartMode::Real => {
                    options.mode = StartMode::DemoIfUnconfigured;
                }
                other => {
                    let kind = other.strip_prefix(DEMO_SOURCE_PREFIX);
                    match kind.map(demo_source) {
                        Some(Some(kind)) => options.demo_source = kind,
                        Some(None) => tracing::warn!(
                            argument = other,
                            "unknown demo source; use dashboard, msp360, comet or vspc"
                        ),
                        None => {}
                    }
                }
            }
        }
        options
    }

    /// The arguments that start the tray process in the same mode, in the
    /// tray without a window of its own (the caller becomes it).
    pub fn tray_args(&self) -> Vec<&'static str> {
        let mode = match self.mode {
            StartMode::Real => None,
            StartMode::Demo => Some(DEMO_ARG),
            StartMode::DemoIfUnconfigured => Some(DEMO_IF_UNCONFIGURED_ARG),
        };
        let source = DEMO_SOURCES
            .iter()
            .find(|(word, _)| *word == self.demo_source && *word != DEFAULT_DEMO_SOURCE)
            .map(|(_, flag)| *flag);
        [MINIMIZED_ARG, WINDOW_FOLLOWS_ARG]
            .into_iter()
            .chain(mode)
            .chain(source)
            .collect()
    }
}

/// The `source.kind` word of [`DEMO_SOURCES`] that `text` names,
/// case-insensitively; `None` for anything else.
fn demo_source(text: &str) -> Option<&'static str> {
    let text = text.trim();
    DEMO_SOURCES
        .iter()
        .map(|(word, _)| *word)
        .find(|word| word.eq_ignore_ascii_case(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_read_after_the_executable() {
        let cases: [(&[&str], bool, StartMode); 9] = [
            (&["app"], false, StartMode::Real),
            (&["app", "--minimized"], true, StartMode::Real),
            (&["app", "--verbose", "--minimized"], true, StartMode::Real),
            (&["app", "--minimized=no"], false, StartMode::Real),
            // The executable's own path is not an argument, whatever its name.
            (&["--minimized"], false, StartMode::Real),
            (&["app", "--demo"], false, StartMode::Demo),
            (
                &["app", "--demo-if-unconfigured"],
                false,
                StartMode::DemoIfUnconfigured,
            ),
            (
                &["app", "--demo-if-unconfigured", "--demo"],
                false,
                StartMode::Demo,
            ),
            (
                &["app", "--demo", "--demo-if-unconfigured", "--minimized"],
                true,
                StartMode::Demo,
            ),
        ];
        for (args, minimized, mode) in cases {
            let options = LaunchOptions::from_args(args.iter());
            assert_eq!(options.minimized, minimized, "{args:?}");
            assert_eq!(options.mode, mode, "{args:?}");
            assert!(!options.window, "{args:?}");
            // The tray process started on its behalf keeps the mode.
            let again =
                LaunchOptions::from_args(std::iter::once("tray").chain(options.tray_args()));
            assert_eq!((again.minimized, again.mode), (true, mode), "{args:?}");
            assert!(again.window_follows && !again.window, "{args:?}");
        }
    }

    #[test]
    fn the_demo_source_is_read_and_passed_on() {
        for (arg, kind) in [
            (None, "dashboard"),
            (Some("--demo-source=vspc"), "vspc"),
            (Some("--demo-source=MSP360"), "msp360"),
            (Some("--demo-source=comet"), "comet"),
            (Some("--demo-source=veeam"), "dashboard"),
            (Some("--demo-source"), "dashboard"),
        ] {
            let args = ["app", "--demo"].into_iter().chain(arg);
            let options = LaunchOptions::from_args(args);
            assert_eq!(options.demo_source, kind, "{arg:?}");
            let again =
                LaunchOptions::from_args(std::iter::once("tray").chain(options.tray_args()));
            assert_eq!(again.demo_source, kind, "{arg:?}");
        }
    }

    #[test]
    fn the_window_flag_marks_the_window_process() {
        assert!(LaunchOptions::from_args(["app", "--window"]).window);
        assert!(!LaunchOptions::from_args(["--window"]).window);
    }
}
