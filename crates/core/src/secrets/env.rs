//! Secrets given by the environment, for automation (design §6): the
//! variable itself (`BB_CW_SECRET`), or the `_FILE` form naming a file that
//! holds it (`BB_CW_SECRET_FILE`), the form a service uses so the secret is
//! never in its environment. A relative `_FILE` path is read from
//! `$CREDENTIALS_DIRECTORY`, where systemd's `LoadCredential=` puts the
//! credentials of a unit, when that is set.
//!
//! [`EnvOverride`] puts these over a store (the keychain). A `_FILE`
//! variable that is set but unusable (no such file, unreadable, empty, both
//! forms set) is an error, never a quiet fall back to the keychain: a
//! service must not sync with another secret than the one it was given.

use std::io::Read;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::{EnvSecrets, SecretError, SecretKey, SecretStore};

/// The variable systemd sets to the folder of a unit's `LoadCredential=` files.
pub const CREDENTIALS_DIRECTORY: &str = "CREDENTIALS_DIRECTORY";

/// A secret file larger than this is a wrong path (a log, a device), not a secret.
pub const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// How a variable is looked up: the process environment, or what was taken
/// out of it at start, or a map in tests.
pub type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The variable that gives `key`, if one is set (not blank): the secret's
/// own or its `_FILE` form. Reads no file.
pub fn variable_in_use(key: SecretKey, lookup: &Lookup) -> Option<&'static str> {
    let set = |name: &str| lookup(name).is_some_and(|v| !v.trim().is_empty());
    if set(key.file_env_var()) {
        Some(key.file_env_var())
    } else if set(key.env_var()) {
        Some(key.env_var())
    } else {
        None
    }
}

/// The secret the environment gives for `key`: `None` when neither variable
/// is set (a blank one counts as unset), else the variable's value or the
/// `_FILE`'s content without trailing whitespace. Both set, or a `_FILE`
/// that cannot be used, is [`SecretError::Environment`].
pub fn read(key: SecretKey, lookup: &Lookup) -> Result<Option<SecretString>, SecretError> {
    let value = lookup(key.env_var()).filter(|v| !v.trim().is_empty());
    let file = lookup(key.file_env_var()).filter(|v| !v.trim().is_empty());
    match (value, file) {
        (None, None) => Ok(None),
        (Some(value), None) => Ok(Some(SecretString::from(value))),
        (Some(_), Some(_)) => Err(SecretError::Environment {
            key,
            variable: key.file_env_var(),
            problem: format!(
                "is set as well as {}; unset one of them (a service keeps {})",
                key.env_var(),
                key.file_env_var()
            ),
        }),
        (None, Some(file)) => {
            let credentials = lookup(CREDENTIALS_DIRECTORY).filter(|d| !d.trim().is_empty());
            read_file(
                key,
                &resolve(&file, credentials.as_deref()),
                credentials.is_some(),
            )
            .map(Some)
        }
    }
}

/// Checks every secret variable of the environment, reading each `_FILE`:
/// the first one that cannot be used, as its error.
pub fn check(lookup: &Lookup) -> Result<(), SecretError> {
    for key in SecretKey::ALL {
        read(key, lookup)?;
    }
    Ok(())
}

/// The process environment, as [`check`] and [`EnvOverride::new`] read it.
pub fn process_environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `path` as given when absolute, else inside the credentials folder when
/// there is one (else relative to the working folder).
fn resolve(path: &str, credentials: Option<&str>) -> PathBuf {
    let path = Path::new(path);
    match credentials {
        Some(dir) if path.is_relative() => Path::new(dir).join(path),
        _ => path.to_path_buf(),
    }
}

fn read_file(
    key: SecretKey,
    path: &Path,
    in_credentials: bool,
) -> Result<SecretString, SecretError> {
    let variable = key.file_env_var();
    let problem = |what: String| SecretError::Environment {
        key,
        variable,
        problem: format!("names {}, which {what}", path.display()),
    };
    let mut bytes = Vec::new();
    let opened = std::fs::File::open(path)
        .and_then(|file| file.take(MAX_SECRET_FILE_BYTES + 1).read_to_end(&mut bytes));
    match opened {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hint = if in_credentials {
                "check the unit's LoadCredential= line, which copies the file there"
            } else if path.is_relative() {
                "CREDENTIALS_DIRECTORY is not set, so it is looked for in the current folder; \
                 give a full path, or add a LoadCredential= line to the systemd unit"
            } else {
                "write the secret there, or point the variable at the file that holds it"
            };
            return Err(problem(format!("does not exist; {hint}")));
        }
        Err(e) => {
            return Err(problem(format!(
                "cannot be read ({e}); make it readable by the user BackupBridge runs as"
            )))
        }
    }
    if bytes.len() as u64 > MAX_SECRET_FILE_BYTES {
        return Err(problem(format!(
            "is larger than {} KiB, so it is not a secret; point {variable} at the file that \
             holds only the {key}",
            MAX_SECRET_FILE_BYTES / 1024
        )));
    }
    let Ok(mut text) = String::from_utf8(bytes) else {
        return Err(problem(format!(
            "is not text; write only the {key} into it"
        )));
    };
    text.truncate(text.trim_end().len());
    if text.is_empty() {
        return Err(problem(format!("is empty; write the {key} into it")));
    }
    Ok(SecretString::from(text))
}

/// Environment variables ([`SecretKey::env_var`] and its `_FILE` form) over
/// an inner store: a variable that is set wins on `get` (and is used for any
/// host), a broken `_FILE` is an error; `set` and `delete` go to the inner
/// store.
pub struct EnvOverride<S> {
    inner: S,
    lookup: Box<Lookup>,
}

impl<S> std::fmt::Debug for EnvOverride<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvOverride").finish_non_exhaustive()
    }
}

impl<S: SecretStore> EnvOverride<S> {
    /// Read the process environment at each `get`.
    pub fn new(inner: S) -> Self {
        Self::with_lookup(inner, process_environment)
    }

    /// Read the variables taken out of the environment at start
    /// ([`EnvSecrets::take`]), so no child process inherits them; the rest
    /// (`CREDENTIALS_DIRECTORY`) from the process environment.
    pub fn from_taken(inner: S, taken: EnvSecrets) -> Self {
        Self::with_lookup(inner, move |name| {
            taken.get(name).or_else(|| process_environment(name))
        })
    }

    /// Use `lookup` instead of the process environment (tests).
    pub fn with_lookup(
        inner: S,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        EnvOverride {
            inner,
            lookup: Box::new(lookup),
        }
    }

    /// True when the environment provides this secret (so the keychain value is ignored).
    pub fn is_overridden(&self, key: SecretKey) -> bool {
        variable_in_use(key, &*self.lookup).is_some()
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S: SecretStore> SecretStore for EnvOverride<S> {
    fn get(&self, key: SecretKey) -> Result<Option<SecretString>, SecretError> {
        match read(key, &*self.lookup)? {
            Some(value) => Ok(Some(value)),
            None => self.inner.get(key),
        }
    }

    fn set(&self, key: SecretKey, value: &str) -> Result<(), SecretError> {
        self.inner.set(key, value)
    }

    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        self.inner.delete(key)
    }

    fn environment_variable(&self, key: SecretKey) -> Option<&'static str> {
        variable_in_use(key, &*self.lookup)
    }
}

#[cfg(test)]
#[path = "env_tests.rs"]
mod tests;
