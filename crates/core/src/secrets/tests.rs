//! Secrets: memory store, environment override, keyring error sentences.

use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::keyring_store::map_error;
use super::*;

fn exposed(v: Option<SecretString>) -> Option<String> {
    v.map(|s| s.expose_secret().to_owned())
}

#[test]
fn memory_store_round_trips_and_refuses_empty() {
    let store = MemoryStore::new();
    assert_eq!(exposed(store.get(SecretKey::CwSecret).unwrap()), None);
    store.set(SecretKey::CwSecret, "priv-key\r\n").unwrap();
    store
        .set(SecretKey::DashboardToken, " tok with spaces \n")
        .unwrap();
    assert_eq!(
        exposed(store.get(SecretKey::CwSecret).unwrap()).as_deref(),
        Some("priv-key")
    );
    assert_eq!(
        exposed(store.get(SecretKey::DashboardToken).unwrap()).as_deref(),
        Some(" tok with spaces ")
    );
    for empty in ["", "\n", "  \r\n"] {
        assert_eq!(
            store.set(SecretKey::CwSecret, empty),
            Err(SecretError::Empty {
                key: SecretKey::CwSecret
            })
        );
    }
    assert!(!format!("{store:?}").contains("priv-key"));
    store.delete(SecretKey::CwSecret).unwrap();
    store.delete(SecretKey::CwSecret).unwrap();
    assert_eq!(exposed(store.get(SecretKey::CwSecret).unwrap()), None);
}

#[test]
fn environment_takes_precedence_and_writes_pass_through() {
    let env: HashMap<&str, &str> =
        [("BB_DASHBOARD_TOKEN", "from-env"), ("BB_CW_SECRET", "  ")].into();
    let store = EnvOverride::with_lookup(
        MemoryStore::new()
            .with(SecretKey::DashboardToken, "from-keychain")
            .with(SecretKey::CwSecret, "cw-keychain"),
        move |name| env.get(name).map(|v| (*v).to_owned()),
    );
    assert_eq!(
        exposed(store.get(SecretKey::DashboardToken).unwrap()).as_deref(),
        Some("from-env")
    );
    // A blank variable does not override.
    assert_eq!(
        exposed(store.get(SecretKey::CwSecret).unwrap()).as_deref(),
        Some("cw-keychain")
    );
    assert!(store.is_overridden(SecretKey::DashboardToken));
    assert!(!store.is_overridden(SecretKey::CwSecret));

    store.set(SecretKey::DashboardToken, "new").unwrap();
    assert_eq!(
        exposed(store.inner().get(SecretKey::DashboardToken).unwrap()).as_deref(),
        Some("new")
    );
    store.delete(SecretKey::DashboardToken).unwrap();
    assert_eq!(
        exposed(store.inner().get(SecretKey::DashboardToken).unwrap()),
        None
    );
    assert_eq!(
        exposed(store.get(SecretKey::DashboardToken).unwrap()).as_deref(),
        Some("from-env")
    );
}

#[test]
fn shared_stores_work_through_arc_dyn() {
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    store.set(SecretKey::CwSecret, "x").unwrap();
    assert!(store.get(SecretKey::CwSecret).unwrap().is_some());
}

#[test]
fn keys_name_their_account_env_var_and_cli_word() {
    let cases = [
        (SecretKey::CwSecret, "connectwise", "BB_CW_SECRET", "cw"),
        (
            SecretKey::DashboardToken,
            "dashboard",
            "BB_DASHBOARD_TOKEN",
            "dashboard",
        ),
    ];
    for (key, account, env, cli) in cases {
        assert_eq!(
            (key.account(), key.env_var(), key.cli_name()),
            (account, env, cli)
        );
        assert_eq!(cli.parse::<SecretKey>(), Ok(key));
    }
    assert_eq!("ConnectWise".parse::<SecretKey>(), Ok(SecretKey::CwSecret));
    let err = "github".parse::<SecretKey>().unwrap_err();
    assert!(err.contains("use cw"), "{err}");
}

#[test]
fn keyring_errors_become_sentences_without_the_secret() {
    let boxed = |s: &str| -> Box<dyn std::error::Error + Send + Sync> { s.into() };
    let cases: Vec<(keyring::Error, &str, bool)> = vec![
        (
            keyring::Error::NoStorageAccess(boxed("collection is locked")),
            "cannot read the Dashboard token: ",
            true,
        ),
        (
            keyring::Error::PlatformFailure(boxed("org.freedesktop.DBus.Error.ServiceUnknown")),
            "ServiceUnknown; check that it is installed and running, or set BB_DASHBOARD_TOKEN",
            false,
        ),
        (
            keyring::Error::BadEncoding(b"hunter2-secret".to_vec()),
            "is not valid text; save it again with `backup-bridge secret set dashboard`",
            false,
        ),
        (keyring::Error::Ambiguous(vec![]), "holds 0 entries", false),
        (
            keyring::Error::TooLong("service".into(), 32),
            "service is longer than its limit of 32 characters",
            false,
        ),
    ];
    for (e, fragment, retryable) in cases {
        let mapped = map_error(e, SecretKey::DashboardToken, "read");
        let message = mapped.to_string();
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
        assert!(message.contains(KEYCHAIN_NAME), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        assert!(!format!("{mapped:?}").contains("hunter2"));
        assert_eq!(mapped.is_retryable(), retryable, "{message}");
    }
}

#[test]
fn every_secret_key_variable_is_in_the_list() {
    for key in SecretKey::ALL {
        assert!(ENV_SECRET_VARS.contains(&key.env_var()), "{key:?}");
        assert_eq!(key.file_env_var(), format!("{}_FILE", key.env_var()));
        assert!(ENV_SECRET_VARS.contains(&key.file_env_var()), "{key:?}");
    }
}

#[test]
fn each_os_names_its_own_keychain() {
    use bridge_base::platform::Os;
    let names = Os::ALL.map(keyring_store::keychain_name);
    assert!(names[0].contains("Windows Credential Manager"), "{names:?}");
    assert!(names[1].contains("macOS Keychain"), "{names:?}");
    assert!(names[2].contains("Secret Service"), "{names:?}");
    assert_eq!(names[3], "the system keychain");
    assert_eq!(KEYCHAIN_NAME, keyring_store::keychain_name(Os::current()));
}
