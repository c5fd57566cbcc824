//! The environment variables that carry secrets for automation, kept away
//! from every process BackupBridge starts: the web engine of the window, the
//! browser a ticket link opens, the window and the tray process themselves.
//!
//! Two tools, one list ([`ENV_SECRET_VARS`]):
//! - [`without_env_secrets`] removes them from a [`Command`] before it
//!   spawns a child;
//! - [`EnvSecrets::take`] reads them into memory and removes them from this
//!   process's environment, for processes whose children are started by
//!   libraries (a web engine's helpers, a browser through the OS opener)
//!   where no `Command` can be reached. It must run first thing in `main`,
//!   before any thread exists: changing the environment is only sound then.

use std::collections::HashMap;
use std::process::Command;

/// Every variable that may carry a secret: the secrets themselves and the
/// `_FILE` forms that name a file holding one (design §6).
pub const ENV_SECRET_VARS: [&str; 6] = [
    "BB_CW_SECRET",
    "BB_DASHBOARD_TOKEN",
    "BB_SOURCE_SECRET",
    "BB_CW_SECRET_FILE",
    "BB_DASHBOARD_TOKEN_FILE",
    "BB_SOURCE_SECRET_FILE",
];

/// Removes every secret-carrying variable from `command`'s environment, so
/// the child it spawns never inherits one.
pub fn without_env_secrets(command: &mut Command) -> &mut Command {
    for name in ENV_SECRET_VARS {
        command.env_remove(name);
    }
    command
}

/// Secret-carrying variables taken out of the process environment.
#[derive(Clone, Default)]
pub struct EnvSecrets {
    values: HashMap<&'static str, String>,
}

impl std::fmt::Debug for EnvSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&str> = self.values.keys().copied().collect();
        names.sort_unstable();
        f.debug_struct("EnvSecrets").field("names", &names).finish()
    }
}

impl EnvSecrets {
    /// Reads every variable of [`ENV_SECRET_VARS`] and removes it from this
    /// process's environment. Call first thing in `main`, before any thread
    /// starts.
    pub fn take() -> EnvSecrets {
        Self::take_names(&ENV_SECRET_VARS)
    }

    fn take_names(names: &[&'static str]) -> EnvSecrets {
        let mut values = HashMap::new();
        for name in names {
            if let Some(value) = std::env::var_os(name) {
                std::env::remove_var(name);
                if let Ok(value) = value.into_string() {
                    values.insert(*name, value);
                }
            }
        }
        EnvSecrets { values }
    }

    /// The value a variable had, if it was set (as `std::env::var` gives it).
    pub fn get(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    fn child_env(command: &mut Command) -> String {
        let out = command.output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    }

    /// REGRESSION (review L5): the window, the tray process and the browser
    /// inherited `BB_CW_SECRET` and `BB_DASHBOARD_TOKEN`.
    #[test]
    fn a_child_started_through_the_helper_sees_none_of_them() {
        let mut command = Command::new("env");
        for name in ENV_SECRET_VARS {
            command.env(name, "leaked-value");
        }
        command.env("BB_LOG", "kept");
        let seen = child_env(without_env_secrets(&mut command));
        assert!(!seen.contains("leaked-value"), "{seen}");
        assert!(seen.contains("BB_LOG=kept"), "{seen}");
    }

    #[test]
    fn taken_variables_are_remembered_and_gone_for_children() {
        // Names of this test only: other tests run in parallel threads.
        const NAME: &str = "BB_TEST_TAKEN_SECRET_4711";
        std::env::set_var(NAME, "s3cret");
        let taken = EnvSecrets::take_names(&[NAME, "BB_TEST_NEVER_SET_4711"]);
        assert_eq!(taken.get(NAME).as_deref(), Some("s3cret"));
        assert_eq!(taken.get("BB_TEST_NEVER_SET_4711"), None);
        assert!(std::env::var_os(NAME).is_none());
        assert!(!child_env(&mut Command::new("env")).contains("s3cret"));
        assert!(!format!("{taken:?}").contains("s3cret"));
    }
}
