//! The connection's secrets bound to their hosts (design §2), as the
//! Connection screen, the CLI and a sync see them; the backup source's
//! fields and its step-by-step check in *Test connection*.

use std::sync::Arc;

use super::*;
use crate::secrets::{EnvOverride, MemoryStore, SecretStore};
use crate::store::Store;

fn input(site: &str, dashboard: &str) -> ConnectionInput {
    ConnectionInput {
        site: site.to_owned(),
        company: "acme".to_owned(),
        auth_mode: "api_member".to_owned(),
        public_key: "pub".to_owned(),
        client_id: "00000000-0000-0000-0000-000000000000".to_owned(),
        dashboard_url: dashboard.to_owned(),
        ..ConnectionInput::default()
    }
}

fn engine(secrets: Arc<dyn SecretStore>) -> Engine {
    Engine::new(Store::open_in_memory().unwrap(), secrets)
}

/// REGRESSION (review M7): a changed `cw.site` or `dashboard.url` got the
/// saved secret at the next sync or Test connection.
#[tokio::test]
async fn a_changed_host_needs_the_secret_again_before_anything_is_sent() {
    let engine = engine(Arc::new(MemoryStore::new()));
    let mut first = input("na.myconnectwise.net", "https://dash.example.com");
    first.cw_secret = Some("private".into());
    first.dashboard_token = Some("token".into());
    let view = save_connection(&engine, first).await.unwrap();
    assert_eq!(view.cw_secret, SecretStatus::Saved);
    assert_eq!(view.dashboard_token, SecretStatus::Saved);
    assert!(view.cw_secret_saved && view.dashboard_token_saved);
    assert!(engine.cw().await.is_ok());

    // Another host, by whatever way the setting changed: nothing goes there.
    let moved = input("eu.myconnectwise.net", "https://other.example.net:8443");
    let view = save_connection(&engine, moved).await.unwrap();
    assert_eq!(
        view.cw_secret,
        SecretStatus::OtherHost {
            saved_for: "api-na.myconnectwise.net".into()
        }
    );
    assert_eq!(
        view.dashboard_token,
        SecretStatus::OtherHost {
            saved_for: "dash.example.com".into()
        }
    );
    assert!(!view.cw_secret_saved && !view.dashboard_token_saved);
    let error = engine.cw().await.err().unwrap().to_string();
    assert!(
        error.contains("saved for api-na.myconnectwise.net")
            && error.contains("cw.site now points to api-eu.myconnectwise.net")
            && error.contains("`backup-bridge secret set cw`"),
        "{error}"
    );
    let settings = engine.settings().await.unwrap();
    let error = crate::engine::dashboard_client(&settings, engine.secrets().as_ref())
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("`backup-bridge secret set dashboard`"),
        "{error}"
    );
    let report = test_connection(&engine).await.unwrap();
    assert!(!report.ok);
    assert!(report.steps.iter().all(|s| !s.ok), "{:?}", report.steps);

    // Entered again (as `secret set` does): usable for the new hosts.
    assert_eq!(
        save_secret(&engine, SecretKey::CwSecret, "private-eu\n")
            .await
            .unwrap(),
        "api-eu.myconnectwise.net"
    );
    let mut again = input("eu.myconnectwise.net", "https://other.example.net:8443");
    again.dashboard_token = Some("token2".into());
    let view = save_connection(&engine, again).await.unwrap();
    assert_eq!(view.cw_secret, SecretStatus::Saved);
    assert_eq!(view.dashboard_token, SecretStatus::Saved);
    assert!(engine.cw().await.is_ok());
}

#[tokio::test]
async fn a_secret_cannot_be_saved_before_its_host() {
    let engine = engine(Arc::new(MemoryStore::new()));
    let error = save_secret(&engine, SecretKey::DashboardToken, "token")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("set dashboard.url before saving"),
        "{error}"
    );
    let mut only_secret = input("", "");
    only_secret.cw_secret = Some("private".into());
    let error = save_connection(&engine, only_secret).await.unwrap_err();
    assert!(error.to_string().contains("set cw.site before"), "{error}");
    assert!(engine.secrets().get(SecretKey::CwSecret).unwrap().is_none());
}

/// Review L5: in the app, an environment secret wins over the keychain; the
/// screen says so instead of "saved".
#[tokio::test]
async fn an_environment_secret_shows_as_such_and_serves_any_host() {
    let secrets = EnvOverride::with_lookup(MemoryStore::new(), |name| {
        (name == "BB_CW_SECRET").then(|| "from-env".to_owned())
    });
    let engine = engine(Arc::new(secrets));
    let view = save_connection(&engine, input("cw.example.com", ""))
        .await
        .unwrap();
    assert_eq!(
        view.cw_secret,
        SecretStatus::Environment {
            variable: "BB_CW_SECRET".into()
        }
    );
    assert!(view.cw_secret_saved);
    assert_eq!(view.dashboard_token, SecretStatus::Missing);
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["cw_secret"]["state"], "environment");
    assert_eq!(json["dashboard_token"]["state"], "missing");
    assert!(engine.cw().await.is_ok());
}

fn platform(kind: &str, url: &str, username: &str, secret: Option<&str>) -> ConnectionInput {
    ConnectionInput {
        source_kind: kind.to_owned(),
        source_url: url.to_owned(),
        source_username: username.to_owned(),
        source_secret: secret.map(str::to_owned),
        ..input("na.myconnectwise.net", "")
    }
}

/// The source steps of a report (the ConnectWise ones left out).
fn source_steps_of(report: &TestReport, prefix: &str) -> Vec<(String, bool, String)> {
    report
        .steps
        .iter()
        .filter(|s| s.name.starts_with(prefix))
        .map(|s| (s.name.clone(), s.ok, s.detail.clone()))
        .collect()
}

#[tokio::test]
async fn the_source_fields_round_trip_and_the_secret_is_never_read_back() {
    let engine = engine(Arc::new(MemoryStore::new()));
    let view = save_connection(
        &engine,
        platform("MSP360", "", "api-login", Some(" msp-password-42 ")),
    )
    .await
    .unwrap();
    assert_eq!(view.source_kind, SourceKind::Msp360);
    assert_eq!(view.source_url, None, "empty = the SaaS default");
    assert_eq!(view.source_username.as_deref(), Some("api-login"));
    assert_eq!(view.source_secret, SecretStatus::Saved);
    assert!(view.source_secret_saved);
    assert!(!view.missing.iter().any(|m| m.starts_with("source.")));

    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["source_kind"], "msp360");
    assert_eq!(json["source_secret"]["state"], "saved");
    assert!(!json.to_string().contains("msp-password-42"), "{json}");
    let again = serde_json::to_string(&connection(&engine).await.unwrap()).unwrap();
    assert!(!again.contains("msp-password-42"), "{again}");

    // Saving again without a secret keeps the saved one.
    let view = save_connection(&engine, platform("msp360", "", "api-login", None))
        .await
        .unwrap();
    assert_eq!(view.source_secret, SecretStatus::Saved);
}

#[tokio::test]
async fn the_source_secret_is_bound_to_the_platform_address() {
    let engine = engine(Arc::new(MemoryStore::new()));
    // MSP360 with no address: bound to the SaaS API's host.
    save_connection(&engine, platform("msp360", "", "login", Some("pw")))
        .await
        .unwrap();
    let settings = engine.settings().await.unwrap();
    let host = secret_host(&settings, SecretKey::SourceSecret)
        .unwrap()
        .unwrap();
    assert_eq!(host.host, "api.mspbackups.com");

    // Another platform at another address: the secret must be entered again.
    let view = save_connection(
        &engine,
        platform("comet", "https://comet.example.net:8060", "admin", None),
    )
    .await
    .unwrap();
    assert_eq!(
        view.source_secret,
        SecretStatus::OtherHost {
            saved_for: "api.mspbackups.com".into()
        }
    );
    assert!(!view.source_secret_saved);
    let view = save_connection(
        &engine,
        platform(
            "comet",
            "https://comet.example.net:8060",
            "admin",
            Some("pw2"),
        ),
    )
    .await
    .unwrap();
    assert_eq!(view.source_secret, SecretStatus::Saved);

    // A Comet Server needs its address before its password can be saved.
    let fresh = self::engine(Arc::new(MemoryStore::new()));
    let error = save_connection(&fresh, platform("comet", "", "admin", Some("pw")))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("set source.url before"), "{error}");
    assert!(fresh
        .secrets()
        .get(SecretKey::SourceSecret)
        .unwrap()
        .is_none());
}

/// A self-signed console's certificate as `openssl x509 -fingerprint` prints it.
const PASTED_PIN: &str =
    "sha256 Fingerprint=ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";
const PIN: &str =
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

#[tokio::test]
async fn vspc_takes_an_api_key_without_a_username_and_a_pinned_certificate() {
    let engine = engine(Arc::new(MemoryStore::new()));
    let mut vspc = platform(
        "vspc",
        "https://vspc.example.com:1280",
        "",
        Some("vspc-api-key-42"),
    );
    vspc.source_tls_fingerprint = PASTED_PIN.to_owned();
    let view = save_connection(&engine, vspc).await.unwrap();
    assert_eq!(view.source_kind, SourceKind::Vspc);
    assert_eq!(view.source_username, None, "an API key needs no username");
    assert_eq!(view.source_tls_fingerprint.as_deref(), Some(PIN));
    assert_eq!(view.source_secret, SecretStatus::Saved);
    assert!(!view.missing.iter().any(|m| m.starts_with("source.")));
    let settings = engine.settings().await.unwrap();
    let host = secret_host(&settings, SecretKey::SourceSecret)
        .unwrap()
        .unwrap();
    assert_eq!(host.host, "vspc.example.com");
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["source_kind"], "vspc");
    assert_eq!(json["source_tls_fingerprint"], PIN);
    assert!(!json.to_string().contains("vspc-api-key-42"), "{json}");

    // A username and password instead; an empty fingerprint clears the pin.
    let view = save_connection(
        &engine,
        platform("vspc", "https://vspc.example.com", "svc-bridge", None),
    )
    .await
    .unwrap();
    assert_eq!(view.source_username.as_deref(), Some("svc-bridge"));
    assert_eq!(view.source_tls_fingerprint, None);
    assert_eq!(view.source_secret, SecretStatus::Saved, "same host");

    // VSPC needs its address.
    let view = save_connection(&engine, platform("vspc", "", "", None))
        .await
        .unwrap();
    assert!(view.missing.contains(&"source.url".to_owned()), "{view:?}");
}

#[tokio::test]
async fn an_invalid_fingerprint_is_refused_with_the_settings_sentence_and_saves_nothing() {
    let engine = engine(Arc::new(MemoryStore::new()));
    let mut comet = platform("comet", "https://comet.example.net:8060", "admin", None);
    comet.source_tls_fingerprint = PIN.to_owned();
    save_connection(&engine, comet).await.unwrap();

    let mut wrong = platform(
        "vspc",
        "https://vspc.example.com:1280",
        "",
        Some("vspc-api-key"),
    );
    wrong.source_tls_fingerprint = "AB:CD:12".to_owned();
    let error = save_connection(&engine, wrong)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(
            "invalid value for source.tls_fingerprint: \"AB:CD:12\" is not a SHA-256 fingerprint"
        ),
        "{error}"
    );
    let view = connection(&engine).await.unwrap();
    assert_eq!(view.source_kind, SourceKind::Comet, "nothing was saved");
    assert_eq!(
        view.source_url.as_deref(),
        Some("https://comet.example.net:8060")
    );
    assert_eq!(view.source_tls_fingerprint.as_deref(), Some(PIN));
    assert!(engine
        .secrets()
        .get(SecretKey::SourceSecret)
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_bad_source_kind_is_refused_and_an_empty_one_is_the_dashboard() {
    let engine = engine(Arc::new(MemoryStore::new()));
    let error = save_connection(&engine, platform("veeam", "", "", None))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("is not a backup source"), "{error}");
    let view = save_connection(&engine, platform("", "", "", None))
        .await
        .unwrap();
    assert_eq!(view.source_kind, SourceKind::Dashboard);
    assert!(view.missing.contains(&"dashboard.url".to_owned()));
}

#[tokio::test]
async fn a_source_that_cannot_be_built_is_one_failed_step_naming_it() {
    let engine = engine(Arc::new(MemoryStore::new()));
    save_connection(&engine, platform("msp360", "", "", None))
        .await
        .unwrap();
    let report = test_connection(&engine).await.unwrap();
    let steps = source_steps_of(&report, "MSP360");
    assert_eq!(steps.len(), 1, "{steps:?}");
    let (name, ok, detail) = &steps[0];
    assert_eq!(name, "MSP360 · Settings");
    assert!(!ok);
    assert!(detail.contains("source.username"), "{detail}");
    assert!(!report.ok);
}

#[tokio::test]
async fn comet_steps_are_named_after_it_and_the_first_failure_shows() {
    let engine = engine(Arc::new(MemoryStore::new()));
    // Nothing listens on port 9: whether the adapter is built or not, a
    // step fails with a sentence.
    save_connection(
        &engine,
        platform("comet", "http://127.0.0.1:9", "admin", Some("pw")),
    )
    .await
    .unwrap();
    let report = test_connection(&engine).await.unwrap();
    let steps = source_steps_of(&report, "Comet Backup · ");
    assert!(!steps.is_empty(), "{:?}", report.steps);
    assert!(steps.iter().any(|(_, ok, _)| !ok), "{steps:?}");
    assert!(!report.ok);
}

/// A minimal Dashboard: one company, one page of events, a bearer token.
async fn dashboard_fake() -> String {
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    use axum::Json;
    use serde_json::{json, Value};

    fn authorized(headers: &HeaderMap) -> Result<(), StatusCode> {
        match headers.get("authorization").and_then(|v| v.to_str().ok()) {
            Some("Bearer dash-token") => Ok(()),
            _ => Err(StatusCode::UNAUTHORIZED),
        }
    }
    let app = axum::Router::new()
        .route(
            crate::source::COMPANIES_PATH,
            get(|headers: HeaderMap| async move {
                authorized(&headers)?;
                Ok::<Json<Value>, StatusCode>(Json(json!({
                    "items": [{"id": "c-1", "name": "Acme Dental"}],
                    "nextPage": null
                })))
            }),
        )
        .route(
            crate::source::EVENTS_PATH,
            get(|headers: HeaderMap| async move {
                authorized(&headers)?;
                Ok::<Json<Value>, StatusCode>(Json(json!({"items": [], "nextPage": null})))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn a_dashboard_source_is_checked_step_by_step() {
    let base = dashboard_fake().await;
    let engine = engine(Arc::new(MemoryStore::new()));
    let mut with_dashboard = input("na.myconnectwise.net", &base);
    with_dashboard.source_kind = "dashboard".into();
    with_dashboard.dashboard_token = Some("dash-token".into());
    save_connection(&engine, with_dashboard).await.unwrap();

    let report = test_connection(&engine).await.unwrap();
    let steps = source_steps_of(&report, "Cloud Backup Dashboard · ");
    let names: Vec<_> = steps.iter().map(|(n, ok, _)| (n.as_str(), *ok)).collect();
    assert_eq!(
        names,
        [
            ("Cloud Backup Dashboard · Reachable", true),
            ("Cloud Backup Dashboard · Signed in", true),
            ("Cloud Backup Dashboard · Can list companies", true),
            ("Cloud Backup Dashboard · Can read monitoring", true),
        ],
        "{steps:?}"
    );
    assert!(steps[2].2.contains("1 companies"), "{steps:?}");

    // A wrong token stops at sign-in.
    let mut wrong = input("na.myconnectwise.net", &base);
    wrong.dashboard_token = Some("other".into());
    save_connection(&engine, wrong).await.unwrap();
    let report = test_connection(&engine).await.unwrap();
    let steps = source_steps_of(&report, "Cloud Backup Dashboard · ");
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!(steps[0].0, "Cloud Backup Dashboard · Signed in");
    assert!(!steps[0].1);
}
