//! Secrets from the environment: the plain variables, the `_FILE` forms a
//! service uses (systemd's `$CREDENTIALS_DIRECTORY`), and their errors.

use std::collections::HashMap;
use std::path::Path;

use secrecy::ExposeSecret;

use super::*;
use crate::secrets::bound::{self, SecretStatus};
use crate::secrets::MemoryStore;

const CW: SecretKey = SecretKey::CwSecret;

/// A lookup answering from `vars` only (never the process environment).
fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.get(name).cloned()
}

fn read_cw(vars: &[(&str, &str)]) -> Result<Option<String>, SecretError> {
    read(CW, &env(vars)).map(|s| s.map(|s| s.expose_secret().to_owned()))
}

fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

/// The error's sentence, checked for what every such error must say.
#[track_caller]
fn failure(vars: &[(&str, &str)], parts: &[&str]) -> String {
    let error = read_cw(vars).unwrap_err();
    assert!(
        matches!(error, SecretError::Environment { key: CW, .. }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(crate::Error::from(error.clone()).kind(), "config");
    let message = error.to_string();
    for part in parts {
        assert!(message.contains(part), "{part:?} missing in: {message}");
    }
    message
}

#[test]
fn nothing_set_or_blank_gives_nothing() {
    assert_eq!(read_cw(&[]).unwrap(), None);
    assert_eq!(
        read_cw(&[("BB_CW_SECRET", " "), ("BB_CW_SECRET_FILE", "")]).unwrap(),
        None
    );
}

#[test]
fn the_plain_variable_is_used_as_given() {
    assert_eq!(
        read_cw(&[("BB_CW_SECRET", " key ")]).unwrap().as_deref(),
        Some(" key ")
    );
}

#[test]
fn a_file_is_read_without_its_trailing_line_break_and_spaces() {
    let dir = tempfile::tempdir().unwrap();
    for (content, expected) in [
        (&b"priv-key\n"[..], "priv-key"),
        (b"priv-key\r\n", "priv-key"),
        (b"  priv key \t\n\n", "  priv key"),
        (b"priv-key", "priv-key"),
    ] {
        let path = write(dir.path(), "cw", content);
        assert_eq!(
            read_cw(&[("BB_CW_SECRET_FILE", &path)]).unwrap().as_deref(),
            Some(expected),
            "{content:?}"
        );
    }
}

#[test]
fn a_relative_file_is_read_from_the_credentials_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "cw-secret", b"from-credentials\n");
    let credentials = dir.path().display().to_string();
    assert_eq!(
        read_cw(&[
            ("BB_CW_SECRET_FILE", "cw-secret"),
            (CREDENTIALS_DIRECTORY, &credentials)
        ])
        .unwrap()
        .as_deref(),
        Some("from-credentials")
    );
    // An absolute path ignores the credentials folder.
    let other = tempfile::tempdir().unwrap();
    let absolute = write(other.path(), "cw", b"absolute");
    assert_eq!(
        read_cw(&[
            ("BB_CW_SECRET_FILE", &absolute),
            (CREDENTIALS_DIRECTORY, &credentials)
        ])
        .unwrap()
        .as_deref(),
        Some("absolute")
    );
}

#[test]
fn both_forms_set_is_refused_without_showing_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "cw", b"file-secret");
    let message = failure(
        &[
            ("BB_CW_SECRET", "plain-secret"),
            ("BB_CW_SECRET_FILE", &path),
        ],
        &[
            "BB_CW_SECRET_FILE is set as well as BB_CW_SECRET",
            "unset one",
        ],
    );
    assert!(!message.contains("plain-secret") && !message.contains("file-secret"));
}

#[test]
fn a_missing_file_in_the_credentials_directory_points_at_load_credential() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().display().to_string();
    let expected_path = dir.path().join("cw-secret").display().to_string();
    failure(
        &[
            ("BB_CW_SECRET_FILE", "cw-secret"),
            (CREDENTIALS_DIRECTORY, &credentials),
        ],
        &[
            "BB_CW_SECRET_FILE names ",
            &expected_path,
            "does not exist",
            "LoadCredential=",
        ],
    );
}

#[test]
fn a_relative_file_without_credentials_directory_says_where_it_was_looked_for() {
    failure(
        &[("BB_CW_SECRET_FILE", "no-such-bb-secret-4711")],
        &[
            "BB_CW_SECRET_FILE names no-such-bb-secret-4711",
            "CREDENTIALS_DIRECTORY is not set",
            "current folder",
        ],
    );
}

#[test]
fn a_missing_absolute_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone").display().to_string();
    failure(
        &[("BB_CW_SECRET_FILE", &path)],
        &[&format!(
            "BB_CW_SECRET_FILE names {path}, which does not exist"
        )],
    );
}

#[test]
fn an_empty_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for content in [&b""[..], b"\n", b" \r\n\t"] {
        let path = write(dir.path(), "cw", content);
        failure(
            &[("BB_CW_SECRET_FILE", &path)],
            &[
                &path,
                "is empty; write the ConnectWise private key or password into it",
            ],
        );
    }
}

#[test]
fn an_unreadable_path_is_refused() {
    // A folder: opening works on some systems, reading never does.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().display().to_string();
    failure(
        &[("BB_CW_SECRET_FILE", &path)],
        &[&path, "cannot be read (", "readable by the user"],
    );
}

#[test]
fn a_file_that_is_not_a_secret_is_refused_without_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let binary = write(dir.path(), "bin", b"secret\xff\xfe");
    let message = failure(&[("BB_CW_SECRET_FILE", &binary)], &["is not text"]);
    assert!(!message.contains("secret\u{fffd}"), "{message}");
    let big = vec![b'x'; MAX_SECRET_FILE_BYTES as usize + 1];
    let large = write(dir.path(), "large", &big);
    let message = failure(&[("BB_CW_SECRET_FILE", &large)], &["is larger than 64 KiB"]);
    assert!(!message.contains("xxxx"), "{message}");
    // Exactly the limit is still read.
    let fits = write(dir.path(), "fits", &big[1..]);
    assert!(read_cw(&[("BB_CW_SECRET_FILE", &fits)]).unwrap().is_some());
}

#[test]
fn a_broken_file_never_falls_back_to_the_keychain() {
    let inner = MemoryStore::new().with(CW, "keychain-secret");
    let store = EnvOverride::with_lookup(inner, env(&[("BB_CW_SECRET_FILE", "/nonexistent/cw")]));
    let error = store.get(CW).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("BB_CW_SECRET_FILE names /nonexistent/cw"),
        "{error}"
    );
    assert!(store.is_from_environment(CW));
    assert_eq!(store.environment_variable(CW), Some("BB_CW_SECRET_FILE"));
    // The other secrets still come from the keychain.
    assert!(!store.is_from_environment(SecretKey::DashboardToken));
    assert_eq!(
        store.get(SecretKey::DashboardToken).unwrap().map(|_| ()),
        None
    );
}

#[test]
fn a_file_secret_shows_its_variable_and_serves_any_host() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "tok", b"file-token\n");
    let store = EnvOverride::with_lookup(
        MemoryStore::new(),
        env(&[("BB_DASHBOARD_TOKEN_FILE", &path)]),
    );
    let key = SecretKey::DashboardToken;
    assert_eq!(
        bound::status(&store, key, Some("dash.example.com")),
        SecretStatus::Environment {
            variable: "BB_DASHBOARD_TOKEN_FILE".into()
        }
    );
    let target = bound::SecretHost {
        setting: "dashboard.url",
        host: "any.example.com".into(),
    };
    let secret = bound::read_for_host(&store, key, &target).unwrap().unwrap();
    assert_eq!(secret.expose_secret(), "file-token");
}

#[test]
fn check_reports_the_first_broken_variable_and_passes_when_all_are_usable() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good", b"s\n");
    assert!(check(&env(&[])).is_ok());
    assert!(check(&env(&[
        ("BB_CW_SECRET_FILE", &good),
        ("BB_DASHBOARD_TOKEN", "t"),
        ("BB_SOURCE_SECRET_FILE", &good),
    ]))
    .is_ok());
    let error = check(&env(&[
        ("BB_CW_SECRET_FILE", &good),
        ("BB_SOURCE_SECRET_FILE", "/nonexistent/source"),
    ]))
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("BB_SOURCE_SECRET_FILE names /nonexistent/source"),
        "{error}"
    );
}
