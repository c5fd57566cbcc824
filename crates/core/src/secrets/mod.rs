//! Secrets (ConnectWise private key or integrator password, Dashboard token,
//! the backup source's password or API key)
//! behind the small [`SecretStore`] trait: the OS keychain in the product
//! ([`KeyringStore`]), memory in tests ([`MemoryStore`]), and environment
//! variables over either for automation ([`EnvOverride`]: the variable, or
//! its `_FILE` form naming a file that holds the secret, see [`env`]).
//!
//! Secrets are `SecretString`s: never in `Debug` output, logs, the database
//! or an error message. The UI never reads one back; it shows "saved".
//! A saved secret is bound to the host it was saved for ([`bound`]); the
//! variables that carry secrets never reach a child process
//! ([`bridge_base::env_secrets`], re-exported here).

pub mod bound;
pub mod env;
mod keyring_store;

pub use bound::{read_for_host, save_for_host, SecretHost, SecretStatus};
pub use bridge_base::env_secrets::{without_env_secrets, EnvSecrets, ENV_SECRET_VARS};
pub use env::EnvOverride;
pub use keyring_store::{KeyringStore, KEYCHAIN_NAME, SERVICE};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Which secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKey {
    /// The ConnectWise API member private key, or the integrator password.
    CwSecret,
    /// The Cloud Backup Dashboard bearer token.
    DashboardToken,
    /// The backup platform's password (MSP360 API password, Comet admin
    /// password) when `source.kind` is not `dashboard`. For Comet,
    /// `session:<key>` saves a session key from `account/session-start`
    /// instead (sent as `AuthType=SessionKey`), for an admin whose password
    /// sign-in needs a second factor.
    SourceSecret,
}

impl SecretKey {
    /// Every key.
    pub const ALL: [SecretKey; 3] = [
        SecretKey::CwSecret,
        SecretKey::DashboardToken,
        SecretKey::SourceSecret,
    ];

    /// Keychain account name (service [`SERVICE`]).
    pub fn account(self) -> &'static str {
        match self {
            SecretKey::CwSecret => "connectwise",
            SecretKey::DashboardToken => "dashboard",
            SecretKey::SourceSecret => "source",
        }
    }

    /// Environment variable that overrides the stored value (automation).
    pub fn env_var(self) -> &'static str {
        match self {
            SecretKey::CwSecret => "BB_CW_SECRET",
            SecretKey::DashboardToken => "BB_DASHBOARD_TOKEN",
            SecretKey::SourceSecret => "BB_SOURCE_SECRET",
        }
    }

    /// Environment variable naming a file that holds the secret (a service's
    /// credentials file, see [`env`]).
    pub fn file_env_var(self) -> &'static str {
        match self {
            SecretKey::CwSecret => "BB_CW_SECRET_FILE",
            SecretKey::DashboardToken => "BB_DASHBOARD_TOKEN_FILE",
            SecretKey::SourceSecret => "BB_SOURCE_SECRET_FILE",
        }
    }

    /// The setting naming the host this secret is sent to (and bound to).
    pub fn host_setting(self) -> &'static str {
        match self {
            SecretKey::CwSecret => "cw.site",
            SecretKey::DashboardToken => "dashboard.url",
            SecretKey::SourceSecret => "source.url",
        }
    }

    /// Name in `backup-bridge secret set cw|dashboard|source`.
    pub fn cli_name(self) -> &'static str {
        match self {
            SecretKey::CwSecret => "cw",
            SecretKey::DashboardToken => "dashboard",
            SecretKey::SourceSecret => "source",
        }
    }
}

impl std::fmt::Display for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretKey::CwSecret => "ConnectWise private key or password",
            SecretKey::DashboardToken => "Dashboard token",
            SecretKey::SourceSecret => "backup source password",
        })
    }
}

impl std::str::FromStr for SecretKey {
    type Err = String;

    /// `cw` (or `connectwise`) and `dashboard`, as the CLI takes them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cw" | "connectwise" => Ok(SecretKey::CwSecret),
            "dashboard" => Ok(SecretKey::DashboardToken),
            "source" => Ok(SecretKey::SourceSecret),
            other => Err(format!(
                "unknown secret \"{other}\"; use cw (ConnectWise private key or password), \
                 dashboard (Dashboard token) or source (backup platform password)"
            )),
        }
    }
}

/// Why a secret could not be read, saved or deleted. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// `set` with an empty value.
    #[error("the {key} is empty; nothing was saved")]
    Empty { key: SecretKey },
    /// The keychain exists but could not be opened (locked, access denied, not running).
    #[error(
        "cannot {action} the {key}: {keychain} could not be opened ({detail}); unlock or start \
         it and try again, or set {} for automation",
        key.env_var()
    )]
    NoAccess {
        keychain: &'static str,
        key: SecretKey,
        action: &'static str,
        detail: String,
    },
    /// The keychain failed.
    #[error(
        "cannot {action} the {key} in {keychain}: {detail}; check that it is installed and \
         running, or set {} for automation",
        key.env_var()
    )]
    Platform {
        keychain: &'static str,
        key: SecretKey,
        action: &'static str,
        detail: String,
    },
    /// The stored value is not text.
    #[error(
        "the {key} saved in {keychain} is not valid text; save it again with \
         `backup-bridge secret set {}`",
        key.cli_name()
    )]
    Unreadable {
        keychain: &'static str,
        key: SecretKey,
    },
    /// Several keychain entries match.
    #[error(
        "{keychain} holds {count} entries for the {key} (service BackupBridge); delete them \
         and save it again with `backup-bridge secret set {}`",
        key.cli_name()
    )]
    Ambiguous {
        keychain: &'static str,
        key: SecretKey,
        count: usize,
    },
    /// The keychain refused the entry's attributes (too long, invalid).
    #[error("{keychain} refused the entry for the {key}: {detail}")]
    Invalid {
        keychain: &'static str,
        key: SecretKey,
        detail: String,
    },
    /// The saved secret is bound to another host than the settings now name.
    #[error(
        "the {key} was saved for {saved_for}, but {setting} now points to {now}; enter it \
         again (`backup-bridge secret set {}`, or Replace on the Connection screen) before \
         anything is sent there",
        key.cli_name()
    )]
    OtherHost {
        key: SecretKey,
        saved_for: String,
        setting: &'static str,
        now: String,
    },
    /// A secret cannot be saved before the host it is for is configured.
    #[error(
        "set {setting} before saving the {key}: a saved secret is bound to the host it was \
         entered for (`backup-bridge config set {setting} VALUE`, or on the Connection screen)"
    )]
    NoHost {
        key: SecretKey,
        setting: &'static str,
    },
    /// A secret variable of the environment cannot be used: both forms are
    /// set, or the `_FILE` form names a file that is missing, unreadable,
    /// empty or not text. Bad configuration: nothing falls back to the keychain.
    #[error("{variable} {problem}")]
    Environment {
        key: SecretKey,
        /// The variable at fault.
        variable: &'static str,
        /// What is wrong and what to do, never the secret.
        problem: String,
    },
}

impl SecretError {
    /// True when trying again later may succeed (e.g. once the keychain is unlocked).
    pub fn is_retryable(&self) -> bool {
        matches!(self, SecretError::NoAccess { .. })
    }
}

/// Where secrets live. Implementations are cheap to call from any thread;
/// keychain calls may block briefly, so async code uses `spawn_blocking`.
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` when none is saved.
    fn get(&self, key: SecretKey) -> Result<Option<SecretString>, SecretError>;
    /// Save (or replace) a secret. A trailing line break (typical of stdin) is
    /// dropped; an empty value is refused with [`SecretError::Empty`].
    fn set(&self, key: SecretKey, value: &str) -> Result<(), SecretError>;
    /// Forget a secret; deleting one that is not saved is not an error.
    fn delete(&self, key: SecretKey) -> Result<(), SecretError>;
    /// The environment variable `get` answers from (automation), if any,
    /// instead of what was saved: such a secret is used as given, for any host.
    fn environment_variable(&self, _key: SecretKey) -> Option<&'static str> {
        None
    }
    /// True when `get` answers from the environment ([`Self::environment_variable`]).
    fn is_from_environment(&self, key: SecretKey) -> bool {
        self.environment_variable(key).is_some()
    }
}

impl<S: SecretStore + ?Sized> SecretStore for Arc<S> {
    fn get(&self, key: SecretKey) -> Result<Option<SecretString>, SecretError> {
        (**self).get(key)
    }
    fn set(&self, key: SecretKey, value: &str) -> Result<(), SecretError> {
        (**self).set(key, value)
    }
    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        (**self).delete(key)
    }
    fn environment_variable(&self, key: SecretKey) -> Option<&'static str> {
        (**self).environment_variable(key)
    }
}

impl<S: SecretStore + ?Sized> SecretStore for Box<S> {
    fn get(&self, key: SecretKey) -> Result<Option<SecretString>, SecretError> {
        (**self).get(key)
    }
    fn set(&self, key: SecretKey, value: &str) -> Result<(), SecretError> {
        (**self).set(key, value)
    }
    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        (**self).delete(key)
    }
    fn environment_variable(&self, key: SecretKey) -> Option<&'static str> {
        (**self).environment_variable(key)
    }
}

/// The value to save: without the trailing line break stdin leaves, never empty.
pub(crate) fn prepare_value(key: SecretKey, value: &str) -> Result<&str, SecretError> {
    let value = value
        .strip_suffix('\n')
        .map(|v| v.strip_suffix('\r').unwrap_or(v))
        .unwrap_or(value);
    if value.trim().is_empty() {
        return Err(SecretError::Empty { key });
    }
    Ok(value)
}

/// Secrets in memory, for tests and demo mode.
#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<SecretKey, SecretString>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<SecretKey> = self.lock().keys().copied().collect();
        f.debug_struct("MemoryStore").field("saved", &keys).finish()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding one secret (builder style, for tests).
    pub fn with(self, key: SecretKey, value: &str) -> Self {
        self.lock().insert(key, SecretString::from(value));
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SecretKey, SecretString>> {
        // The map is always consistent (single inserts/removes), so a poisoned lock is usable.
        self.values
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: SecretKey) -> Result<Option<SecretString>, SecretError> {
        Ok(self.lock().get(&key).cloned())
    }

    fn set(&self, key: SecretKey, value: &str) -> Result<(), SecretError> {
        let value = prepare_value(key, value)?;
        self.lock().insert(key, SecretString::from(value));
        Ok(())
    }

    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        self.lock().remove(&key);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
