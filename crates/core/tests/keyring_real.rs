//! The real OS keychain: set, read, replace and delete a value through
//! `KeyringStore`. Skipped unless `BB_TEST_REAL_KEYRING=1`, because it needs
//! an unlocked keychain. On Linux CI runs it under a Secret Service daemon:
//!
//! ```text
//! dbus-run-session -- sh -c 'export HOME=$(mktemp -d);
//!   eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)";
//!   BB_TEST_REAL_KEYRING=1 cargo test -p bridge-core --test keyring_real'
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bridge_core::secrets::{KeyringStore, SecretKey, SecretStore};
use secrecy::ExposeSecret;

fn enabled() -> bool {
    std::env::var("BB_TEST_REAL_KEYRING").is_ok_and(|v| v == "1")
}

#[test]
fn real_keychain_sets_gets_and_deletes() {
    if !enabled() {
        eprintln!("skipped: set BB_TEST_REAL_KEYRING=1 to use the real keychain");
        return;
    }
    // A private service name: never touches the user's real BackupBridge entries.
    let store = KeyringStore::with_service(&format!("BackupBridge-test-{}", std::process::id()));
    let get = |key| {
        store
            .get(key)
            .unwrap()
            .map(|s| s.expose_secret().to_owned())
    };

    for key in SecretKey::ALL {
        store.delete(key).unwrap();
        assert_eq!(get(key), None, "{key:?} before");
        let value = format!("{}-value ünïcödé ✓", key.account());
        store.set(key, &format!("{value}\n")).unwrap();
        assert_eq!(
            get(key).as_deref(),
            Some(value.as_str()),
            "{key:?} after set"
        );
        store.set(key, "replaced").unwrap();
        assert_eq!(
            get(key).as_deref(),
            Some("replaced"),
            "{key:?} after replace"
        );
    }
    // The two accounts are separate entries.
    store.delete(SecretKey::CwSecret).unwrap();
    assert_eq!(get(SecretKey::CwSecret), None);
    assert_eq!(get(SecretKey::DashboardToken).as_deref(), Some("replaced"));
    store.delete(SecretKey::DashboardToken).unwrap();
    assert_eq!(get(SecretKey::DashboardToken), None);
    // Deleting what is not there is fine.
    store.delete(SecretKey::DashboardToken).unwrap();
}
