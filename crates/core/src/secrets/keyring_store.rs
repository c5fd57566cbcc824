//! The OS keychain via the `keyring` crate: the macOS Keychain, the Windows
//! Credential Manager, or on Linux the Secret Service (GNOME Keyring,
//! KWallet) with the kernel keyutils as a cache. Service `BackupBridge`,
//! accounts `connectwise` and `dashboard`.

use bridge_base::platform::Os;
use keyring::{Entry, Error as KeyringError};
use secrecy::SecretString;

use super::{prepare_value, SecretError, SecretKey, SecretStore};

/// Keychain service name for every BackupBridge secret.
pub const SERVICE: &str = "BackupBridge";

/// What the user calls `os`'s keychain, for error sentences.
pub const fn keychain_name(os: Os) -> &'static str {
    match os {
        Os::MacOs => "the macOS Keychain",
        Os::Windows => "the Windows Credential Manager",
        Os::Linux => "the Secret Service keyring (GNOME Keyring or KWallet)",
        Os::OtherUnix => "the system keychain",
    }
}

/// What the user calls this OS's keychain, for error sentences.
pub const KEYCHAIN_NAME: &str = keychain_name(Os::current());

/// Secrets in the OS keychain.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyringStore {
    /// The product's store (service [`SERVICE`]).
    pub fn new() -> Self {
        Self::with_service(SERVICE)
    }

    /// A store under another service name, so tests never touch real entries.
    pub fn with_service(service: &str) -> Self {
        KeyringStore {
            service: service.to_owned(),
        }
    }

    fn entry(&self, key: SecretKey, action: &'static str) -> Result<Entry, SecretError> {
        Entry::new(&self.service, key.account()).map_err(|e| map_error(e, key, action))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: SecretKey) -> Result<Option<SecretString>, SecretError> {
        match self.entry(key, "read")?.get_password() {
            Ok(value) => Ok(Some(SecretString::from(value))),
            // Nothing saved yet: a normal state, not an error.
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e, key, "read")),
        }
    }

    fn set(&self, key: SecretKey, value: &str) -> Result<(), SecretError> {
        let value = prepare_value(key, value)?;
        self.entry(key, "save")?
            .set_password(value)
            .map_err(|e| map_error(e, key, "save"))
    }

    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        match self.entry(key, "delete")?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e, key, "delete")),
        }
    }
}

/// Map a keyring error to a sentence. Built by hand per variant: `BadEncoding`
/// carries the stored bytes and `Ambiguous` the credentials, so their own
/// `Display` must never reach a message.
pub(crate) fn map_error(e: KeyringError, key: SecretKey, action: &'static str) -> SecretError {
    let keychain = KEYCHAIN_NAME;
    match e {
        KeyringError::NoStorageAccess(inner) => SecretError::NoAccess {
            keychain,
            key,
            action,
            detail: inner.to_string(),
        },
        KeyringError::PlatformFailure(inner) => SecretError::Platform {
            keychain,
            key,
            action,
            detail: inner.to_string(),
        },
        KeyringError::NoEntry => SecretError::Platform {
            keychain,
            key,
            action,
            detail: "no entry found".to_owned(),
        },
        KeyringError::BadEncoding(_) => SecretError::Unreadable { keychain, key },
        KeyringError::Ambiguous(found) => SecretError::Ambiguous {
            keychain,
            key,
            count: found.len(),
        },
        KeyringError::TooLong(attribute, limit) => SecretError::Invalid {
            keychain,
            key,
            detail: format!("{attribute} is longer than its limit of {limit} characters"),
        },
        KeyringError::Invalid(attribute, reason) => SecretError::Invalid {
            keychain,
            key,
            detail: format!("{attribute} is invalid: {reason}"),
        },
        // `keyring::Error` is non-exhaustive.
        other => SecretError::Platform {
            keychain,
            key,
            action,
            detail: other.to_string(),
        },
    }
}
