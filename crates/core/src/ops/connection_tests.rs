//! The connection's secrets bound to their hosts (design §2), as the
//! Connection screen, the CLI and a sync see them.

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
