//! The dispatcher: every command the UI may call is reached by its name, with
//! its arguments as `invoke` sends them (camelCase keys).

use std::sync::Arc;
use std::time::Duration;

use bridge_core::secrets::SecretStore;
use bridge_link::launch::StartMode;
use bridge_sim::demo::Demo;
use serde_json::json;

use super::*;
use crate::events::tests::recording;
use crate::state::AppPaths;

async fn started(data_dir: &std::path::Path) -> AppState {
    let (outputs, _sink, _notifier) = recording();
    let state = AppState::with_secrets(
        AppPaths::new(data_dir.to_path_buf()),
        outputs,
        Box::new(|| Arc::new(Demo::secrets()) as Arc<dyn SecretStore>),
        Duration::from_secs(3600),
    );
    let slot = state.lock_for_start().unwrap();
    state.start_with(slot, StartMode::Real).await;
    state
}

#[tokio::test]
async fn every_command_is_dispatched_and_unknown_ones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path()).await;
    for command in COMMANDS {
        // Deliberately wrong arguments: a command that takes some says which
        // are wrong; none may be unknown.
        let result = call(&state, command, json!({"unexpected": true})).await;
        if let Err(error) = result {
            assert!(
                !error.to_string().contains("is not a command"),
                "{command}: {error}"
            );
        }
    }
    let error = call(&state, "drop_tables", json!({})).await.unwrap_err();
    assert_eq!(error.kind(), "invalid");
    assert!(error.to_string().contains("\"drop_tables\""), "{error}");
}

#[tokio::test]
async fn arguments_arrive_by_their_camel_case_names() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path()).await;
    let all = call(
        &state,
        "set_setting",
        json!({"key": "ticket.board", "value": "Backups"}),
    )
    .await
    .unwrap();
    let board = all
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["key"] == "ticket.board")
        .unwrap();
    assert_eq!(board["value"], "Backups", "{board}");

    let error = call(&state, "set_setting", json!({"key": "ticket.board"}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "invalid");
    assert!(error.to_string().contains("set_setting"), "{error}");
    assert!(error.to_string().contains("value"), "{error}");

    // No arguments at all (`invoke` without them) is fine for a command without any.
    let info = call(&state, "app_info", Value::Null).await.unwrap();
    assert_eq!(info["name"], "BackupBridge");
    assert_eq!(info["version"], crate::VERSION);
    let problem = call(&state, "validate_condition", json!({"text": "name = "}))
        .await
        .unwrap();
    assert!(problem["column"].as_u64().unwrap() > 0, "{problem}");
    let error = call(
        &state,
        "unmap_company",
        json!({"backup_company_id": "snake case is not what invoke sends"}),
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("backupCompanyId"), "{error}");
}

#[tokio::test]
async fn each_name_reaches_its_own_command() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path()).await;
    let ask = |command: &'static str, args: Value| {
        let state = &state;
        async move { call(state, command, args).await.unwrap() }
    };
    let status = ask("get_status", json!({})).await;
    assert_eq!(status["cycles"], 0, "{status}");
    assert!(status.get("state").is_some(), "{status}");
    let page = ask("ticket_page", json!({ "query": {} })).await;
    assert_eq!(page["rows"], json!([]), "{page}");
    assert_eq!(page["total"], 0, "{page}");
    assert_eq!(page["keep_days"], 90, "{page}");
    assert_eq!(ask("recent_runs", json!({})).await, json!([]));
    let page = ask(
        "list_companies_page",
        json!({"query": {"search": "is:mapped is:nope", "after": null, "limit": 100}}),
    )
    .await;
    assert_eq!(
        page,
        json!({"rows": [], "next": null, "matched": 0, "total": 0, "unknown": ["is:nope"]})
    );
    assert_eq!(
        ask("get_company", json!({"backupCompanyId": "c-1"})).await,
        Value::Null
    );
    let settings = ask("get_settings", json!({})).await;
    assert!(
        settings
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["key"] == "cw.site"),
        "{settings}"
    );
    let connection = ask("get_connection", json!({})).await;
    assert!(connection.is_object(), "{connection}");
    let example = ask("summary_example", json!({"template": "Backup {company}"})).await;
    assert_eq!(example, "Backup Acme Dental Ltd");
    assert!(ask("log_tail", json!({"lines": 5})).await.is_string());
    assert!(ask("log_tail", json!({"lines": 5, "run": 3}))
        .await
        .is_string());
    let info = ask("app_info", json!({})).await;
    assert_eq!(info["demo"], false, "{info}");
    assert_eq!(info["configured"], false, "{info}");
    // Nothing configured yet: sync now says what is missing.
    let error = call(&state, "sync_now", json!({})).await.unwrap_err();
    assert_eq!(error.kind(), "config", "{error}");
    let error = call(&state, "open_ticket", json!({"url": "file:///etc/passwd"}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "invalid", "{error}");
}

#[tokio::test]
async fn the_connection_carries_the_backup_source_and_never_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path()).await;
    let input = json!({"input": {
        "site": "", "company": "", "auth_mode": "api_member", "public_key": "",
        "integrator_username": "", "impersonate_member": "", "client_id": "",
        "dashboard_url": "", "cw_secret": null, "dashboard_token": null,
        "source_kind": "comet", "source_url": "https://comet.example.net",
        "source_username": "bridge-admin", "source_secret": "comet-password-7",
    }});
    let view = call(&state, "save_connection", input).await.unwrap();
    assert_eq!(view["source_kind"], "comet", "{view}");
    assert_eq!(view["source_url"], "https://comet.example.net", "{view}");
    assert_eq!(view["source_username"], "bridge-admin", "{view}");
    assert_eq!(view["source_secret"]["state"], "saved", "{view}");
    assert_eq!(view["source_secret_saved"], true, "{view}");
    let again = call(&state, "get_connection", json!({})).await.unwrap();
    assert!(!again.to_string().contains("comet-password-7"), "{again}");
    assert!(!view.to_string().contains("comet-password-7"), "{view}");
}

#[tokio::test]
async fn a_vspc_connection_saves_its_certificate_pin_and_needs_no_username() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path()).await;
    let input = |fingerprint: &str| {
        json!({"input": {
            "site": "", "company": "", "auth_mode": "api_member", "public_key": "",
            "integrator_username": "", "impersonate_member": "", "client_id": "",
            "dashboard_url": "", "cw_secret": null, "dashboard_token": null,
            "source_kind": "vspc", "source_url": "https://vspc.example.com:1280",
            "source_username": "", "source_secret": "vspc-api-key-7",
            "source_tls_fingerprint": fingerprint,
        }})
    };
    let pin = "ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89";
    let view = call(&state, "save_connection", input(pin)).await.unwrap();
    assert_eq!(view["source_kind"], "vspc", "{view}");
    assert_eq!(view["source_username"], serde_json::Value::Null, "{view}");
    assert_eq!(
        view["source_tls_fingerprint"],
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
        "{view}"
    );
    assert_eq!(view["source_secret"]["state"], "saved", "{view}");
    assert!(!view.to_string().contains("vspc-api-key-7"), "{view}");

    let error = call(&state, "save_connection", input("not-a-pin"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "invalid", "{error}");
    assert!(
        error.to_string().contains("source.tls_fingerprint"),
        "{error}"
    );
}

#[tokio::test]
async fn a_snooze_is_added_listed_and_ended_through_the_dispatcher() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path()).await;
    let added = call(
        &state,
        "add_snooze",
        json!({"scope": "computer", "value": " ACME-DC01 ", "until": "2h", "reason": "disk swap"}),
    )
    .await
    .unwrap();
    assert_eq!(added["scope"], "computer", "{added}");
    assert_eq!(added["value"], "ACME-DC01", "{added}");
    assert_eq!(added["reason"], "disk swap", "{added}");
    assert_eq!(added["removed_at"], Value::Null, "{added}");
    let id = added["id"].as_i64().unwrap();

    let list = call(&state, "list_snoozes", json!({})).await.unwrap();
    let now = list["now"].as_str().unwrap();
    assert!(added["until"].as_str().unwrap() > now, "{list}");
    assert_eq!(list["active"], json!([added]), "{list}");
    assert_eq!(list["ended"], json!([]), "{list}");

    let ended = call(&state, "remove_snooze", json!({"id": id}))
        .await
        .unwrap();
    assert_eq!(ended["id"], id, "{ended}");
    assert!(ended["removed_at"].is_string(), "{ended}");
    let list = call(&state, "list_snoozes", json!({})).await.unwrap();
    assert_eq!(list["active"], json!([]), "{list}");
    assert_eq!(list["ended"], json!([ended]), "{list}");
}

#[tokio::test]
async fn a_snooze_the_core_refuses_is_an_invalid_error_in_the_cli_words() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path()).await;
    let add = |scope: &str, value: &str, until: &str| json!({"scope": scope, "value": value, "until": until, "reason": ""});
    let cases = [
        (
            add("plan", "Nightly", "tomorrow"),
            "cannot read the snooze end \"tomorrow\"; use an RFC 3339 time",
        ),
        (
            add("plan", "Nightly", "2020-01-01T00:00:00Z"),
            "the snooze end 2020-01-01T00:00:00Z is not in the future",
        ),
        (
            add("company", "  ", "1h"),
            "a snooze needs the company it covers; it is empty",
        ),
        (
            add("site", "x", "1h"),
            "the arguments of add_snooze are wrong",
        ),
    ];
    for (args, expected) in cases {
        let error = call(&state, "add_snooze", args.clone()).await.unwrap_err();
        assert_eq!(error.kind(), "invalid", "{args}: {error}");
        assert!(error.to_string().contains(expected), "{args}: {error}");
    }
    let list = call(&state, "list_snoozes", json!({})).await.unwrap();
    assert_eq!(list["active"], json!([]), "nothing was saved: {list}");

    let error = call(&state, "remove_snooze", json!({"id": 99}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "invalid", "{error}");
    assert!(
        error.to_string().contains("no snooze has the id 99"),
        "{error}"
    );
}
