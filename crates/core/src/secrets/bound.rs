//! A saved secret is bound to the host it was saved for (design §2): the
//! keychain holds `{"bb_secret":1,"host":…,"secret":…}`, so the binding is
//! as safe as the secret itself (the settings database is the weaker place).
//! When `cw.site` or `dashboard.url` later names another host, the secret
//! is refused before anything is sent there, until it is entered again.
//!
//! A value saved by an earlier version (the bare secret) is bound to the
//! host configured when it is first used, and rewritten so. Secrets given by
//! the environment (automation) are used as given, for whatever host the
//! settings name.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{prepare_value, SecretError, SecretKey, SecretStore};

/// How a secret stands for the configured host, as the Connection screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SecretStatus {
    /// Nothing saved.
    Missing,
    /// Saved for the configured host (or by an earlier version: bound to it
    /// at its next use).
    Saved,
    /// Saved for another host: it must be entered again before anything is sent.
    OtherHost {
        /// The host it was saved for.
        saved_for: String,
    },
    /// Given by this environment variable, used as given; the keychain is ignored.
    Environment {
        /// The variable's name.
        variable: String,
    },
}

impl SecretStatus {
    /// Whether a sync can use the secret for the configured host.
    pub fn usable(&self) -> bool {
        matches!(self, SecretStatus::Saved | SecretStatus::Environment { .. })
    }
}

/// The host a secret is for, and the setting that names it (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHost {
    /// The setting key (`cw.site`, `dashboard.url`).
    pub setting: &'static str,
    /// The host the secret would be sent to, lower case, without port.
    pub host: String,
}

/// The keychain value: the secret with the host it was saved for.
#[derive(Deserialize)]
struct Stored {
    bb_secret: u8,
    host: String,
    secret: String,
}

/// What a keychain value holds.
enum Value {
    Bound {
        host: String,
        secret: SecretString,
    },
    /// A bare secret, saved before secrets were bound.
    Unbound(SecretString),
}

const FORMAT: u8 = 1;

fn encode(host: &str, secret: &str) -> String {
    serde_json::json!({ "bb_secret": FORMAT, "host": host, "secret": secret }).to_string()
}

fn decode(raw: &SecretString) -> Value {
    match serde_json::from_str::<Stored>(raw.expose_secret()) {
        Ok(stored) if stored.bb_secret == FORMAT => Value::Bound {
            host: stored.host,
            secret: SecretString::from(stored.secret),
        },
        _ => Value::Unbound(raw.clone()),
    }
}

/// Saves `value` as the secret for `host` (a trailing line break dropped,
/// an empty value refused).
pub fn save_for_host(
    store: &dyn SecretStore,
    key: SecretKey,
    host: &str,
    value: &str,
) -> Result<(), SecretError> {
    let value = prepare_value(key, value)?;
    store.set(key, &encode(host, value))
}

/// The secret to send to `target`: the environment's when it gives one,
/// else the keychain's when it was saved for that host. A secret saved for
/// another host is [`SecretError::OtherHost`]; a bare one from an earlier
/// version is bound to `target` now.
pub fn read_for_host(
    store: &dyn SecretStore,
    key: SecretKey,
    target: &SecretHost,
) -> Result<Option<SecretString>, SecretError> {
    if store.is_from_environment(key) {
        return store.get(key);
    }
    let Some(raw) = store.get(key)? else {
        return Ok(None);
    };
    match decode(&raw) {
        Value::Bound { host, secret } if host == target.host => Ok(Some(secret)),
        Value::Bound { host, .. } => Err(SecretError::OtherHost {
            key,
            saved_for: host,
            setting: target.setting,
            now: target.host.clone(),
        }),
        Value::Unbound(secret) => {
            save_for_host(store, key, &target.host, secret.expose_secret())?;
            tracing::info!(%key, host = %target.host, "a secret saved by an earlier version is now bound to its host");
            Ok(Some(secret))
        }
    }
}

/// How `key` stands for `host` (`None`: no host configured yet). A keychain
/// that cannot be read counts as nothing saved.
pub fn status(store: &dyn SecretStore, key: SecretKey, host: Option<&str>) -> SecretStatus {
    if let Some(variable) = store.environment_variable(key) {
        return SecretStatus::Environment {
            variable: variable.to_owned(),
        };
    }
    match store.get(key) {
        Ok(Some(raw)) => match (decode(&raw), host) {
            (Value::Bound { host: saved, .. }, Some(now)) if saved != now => {
                SecretStatus::OtherHost { saved_for: saved }
            }
            _ => SecretStatus::Saved,
        },
        Ok(None) | Err(_) => SecretStatus::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{EnvOverride, MemoryStore};
    use super::*;

    fn cw(host: &str) -> SecretHost {
        SecretHost {
            setting: "cw.site",
            host: host.to_owned(),
        }
    }

    fn read(store: &dyn SecretStore, host: &str) -> Result<Option<String>, SecretError> {
        read_for_host(store, SecretKey::CwSecret, &cw(host))
            .map(|s| s.map(|s| s.expose_secret().to_owned()))
    }

    /// REGRESSION (review M7): changing `cw.site` sent the saved secret to the new host.
    #[test]
    fn a_secret_saved_for_one_host_is_refused_for_another() {
        let store = MemoryStore::new();
        save_for_host(
            &store,
            SecretKey::CwSecret,
            "api-na.myconnectwise.net",
            "key\n",
        )
        .unwrap();
        assert_eq!(
            read(&store, "api-na.myconnectwise.net").unwrap().as_deref(),
            Some("key")
        );
        let error = read(&store, "evil.example.com").unwrap_err();
        assert!(!error.is_retryable());
        let message = error.to_string();
        for part in [
            "was saved for api-na.myconnectwise.net",
            "cw.site now points to evil.example.com",
            "`backup-bridge secret set cw`",
            "Replace on the Connection screen",
            "before anything is sent there",
        ] {
            assert!(message.contains(part), "{part}: {message}");
        }
        assert!(!message.contains("key\""), "{message}");
        assert_eq!(
            status(&store, SecretKey::CwSecret, Some("evil.example.com")),
            SecretStatus::OtherHost {
                saved_for: "api-na.myconnectwise.net".into()
            }
        );
        assert_eq!(
            status(
                &store,
                SecretKey::CwSecret,
                Some("api-na.myconnectwise.net")
            ),
            SecretStatus::Saved
        );
        // Entered again for the new host: usable there, and only there.
        save_for_host(&store, SecretKey::CwSecret, "evil.example.com", "key2").unwrap();
        assert_eq!(
            read(&store, "evil.example.com").unwrap().as_deref(),
            Some("key2")
        );
        assert!(read(&store, "api-na.myconnectwise.net").is_err());
        assert!(save_for_host(&store, SecretKey::CwSecret, "h", " \n").is_err());
    }

    #[test]
    fn a_bare_secret_from_an_earlier_version_is_bound_at_its_first_use() {
        let store = MemoryStore::new().with(SecretKey::CwSecret, "old-key");
        assert_eq!(
            status(&store, SecretKey::CwSecret, Some("a.example.com")),
            SecretStatus::Saved
        );
        assert_eq!(
            read(&store, "a.example.com").unwrap().as_deref(),
            Some("old-key")
        );
        assert!(
            read(&store, "b.example.com").is_err(),
            "bound to a.example.com now"
        );
        assert_eq!(
            read(&store, "a.example.com").unwrap().as_deref(),
            Some("old-key")
        );
    }

    #[test]
    fn an_environment_secret_is_used_for_any_host() {
        let inner = MemoryStore::new();
        save_for_host(&inner, SecretKey::CwSecret, "a.example.com", "saved").unwrap();
        let store = EnvOverride::with_lookup(inner, |name| {
            (name == "BB_CW_SECRET").then(|| "from-env".to_owned())
        });
        assert_eq!(
            read(&store, "b.example.com").unwrap().as_deref(),
            Some("from-env")
        );
        assert_eq!(
            status(&store, SecretKey::CwSecret, Some("b.example.com")),
            SecretStatus::Environment {
                variable: "BB_CW_SECRET".into()
            }
        );
        assert!(status(&store, SecretKey::CwSecret, None).usable());
        assert_eq!(
            status(&store, SecretKey::DashboardToken, None),
            SecretStatus::Missing
        );
    }
}
