//! Settings: defaults, load/set/all round trips (the validation table is in
//! [`cases`]).

use super::*;

mod cases;

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

#[test]
fn defaults_match_design() {
    let s = Settings::load(&store()).unwrap();
    assert_eq!(s, Settings::default());
    assert_eq!(s.cw_auth_mode, AuthMode::ApiMember);
    assert_eq!(
        s.default_event_types.to_string(),
        "Error,Warning,BackupAnomaly"
    );
    assert_eq!(s.default_backup_types, TypeFilter::All);
    assert_eq!(s.default_agreement_condition, "");
    assert_eq!(
        s.summary_template,
        "{eventType}: {computer} - {plan} ({backupType})"
    );
    assert_eq!(s.removed_policy, RemovedPolicy::Close);
    assert_eq!(s.sync_interval_secs, 300);
    assert_eq!(s.sync_concurrency, 4);
    assert_eq!(s.cw_requests_per_minute, 900);
    assert_eq!(s.storm_max_creates_per_cycle, 50);
    assert_eq!(s.storm_rollup_min, 10);
    assert_eq!(s.storm_rollup_company, None);
    assert_eq!(s.flap_window_mins, 240);
    assert_eq!(s.activity_keep_days, 90);
    assert_eq!(s.cw_site, None);
    assert_eq!(s.priority_for("Error"), None);
}

#[test]
fn source_settings_are_checked_and_decide_what_a_sync_needs() {
    let store = store();
    let e = set(&store, "source.kind", "veeam").unwrap_err().to_string();
    assert!(e.contains("dashboard, msp360, comet or vspc"), "{e}");
    // VSPC needs its address; an API key needs no username.
    set(&store, "source.kind", "vspc").unwrap();
    let s = Settings::load(&store).unwrap();
    assert!(s.missing_for_sync().contains(&"source.url"));
    assert!(!s.missing_for_sync().contains(&"source.username"));
    let e = set(&store, "source.tls_fingerprint", "not-a-fingerprint")
        .unwrap_err()
        .to_string();
    assert!(e.contains("64 hex digits"), "{e}");
    set(&store, "source.tls_fingerprint", &"ab".repeat(32)).unwrap();
    let s = Settings::load(&store).unwrap();
    assert_eq!(
        s.source_tls_fingerprint.as_deref(),
        Some(vec!["AB"; 32].join(":").as_str())
    );
    set(&store, "source.kind", " MSP360 ").unwrap();
    let s = Settings::load(&store).unwrap();
    assert_eq!(s.source_kind, crate::source::SourceKind::Msp360);
    assert!(s.missing_for_sync().contains(&"source.username"));
    assert!(!s.missing_for_sync().contains(&"dashboard.url"));
    assert_eq!(
        s.source_address().as_deref(),
        Some("https://api.mspbackups.com"),
        "MSP360's SaaS address when source.url is empty"
    );
    set(&store, "source.kind", "comet").unwrap();
    let s = Settings::load(&store).unwrap();
    assert!(s.missing_for_sync().contains(&"source.url"));
    assert_eq!(s.source_address(), None);
    assert!(set(&store, "source.url", "http://comet.example.com").is_err());
    set(&store, "source.url", "https://comet.example.com/").unwrap();
    assert_eq!(
        Settings::load(&store).unwrap().source_url.as_deref(),
        Some("https://comet.example.com")
    );
}

/// Every catalogue key reaches its typed field (guards `Settings::assign`'s match).
#[test]
fn every_key_reaches_its_field() {
    let samples: &[(&str, &str)] = &[
        ("cw.site", "na.myconnectwise.net"),
        ("cw.company", "acme"),
        ("cw.auth_mode", "integrator"),
        ("cw.public_key", "pub"),
        ("cw.integrator_username", "svc"),
        ("cw.impersonate_member", "jdoe"),
        ("cw.client_id", "cid"),
        ("cw.requests_per_minute", "0"),
        ("defaults.event_types", "Error"),
        ("defaults.backup_types", "FileLevel"),
        ("defaults.agreement_condition", "name = \"x\""),
        ("ticket.board", "Service Desk"),
        ("ticket.status_new", "New"),
        ("ticket.status_closed", ">Closed"),
        ("ticket.priority.Error", "P1"),
        ("ticket.priority.Warning", "P2"),
        ("ticket.priority.BackupAnomaly", "P3"),
        ("ticket.type", "Backup"),
        ("ticket.subtype", "Failure"),
        ("ticket.item", "Server"),
        ("ticket.summary_template", "{plan}"),
        ("ticket.removed_policy", "leave"),
        ("sync.interval_secs", "60"),
        ("sync.concurrency", "2"),
        ("dashboard.url", "https://dash.example.com"),
        ("source.kind", "comet"),
        ("source.url", "https://comet.example.com"),
        ("source.username", "bridge-reader"),
        ("storm.max_creates_per_cycle", "0"),
        ("storm.rollup_min", "25"),
        ("storm.rollup_company", "MyMSP"),
        ("ticket.flap_window_mins", "60"),
        ("activity.keep_days", "30"),
        (
            "source.tls_fingerprint",
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
        ),
    ];
    assert_eq!(samples.len(), keys::KEYS.len());
    for (key, value) in samples {
        let store = store();
        set(&store, key, value).unwrap();
        let s = Settings::load(&store).unwrap();
        assert_ne!(s, Settings::default(), "{key} did not reach Settings");
    }
}

#[test]
fn typed_values_follow_stored_ones() {
    let store = store();
    for (k, v) in [
        ("cw.auth_mode", "integrator"),
        ("ticket.removed_policy", "delete"),
        ("sync.interval_secs", "45"),
        ("sync.concurrency", "8"),
        ("storm.max_creates_per_cycle", "7"),
        ("storm.rollup_min", "3"),
        ("storm.rollup_company", " MyMSP "),
        ("ticket.flap_window_mins", "30"),
        ("activity.keep_days", "365"),
        ("defaults.backup_types", "FileLevel, ImageBased"),
        ("ticket.priority.Warning", "Priority 3 - Normal"),
    ] {
        set(&store, k, v).unwrap();
    }
    let s = Settings::load(&store).unwrap();
    assert_eq!(s.cw_auth_mode, AuthMode::Integrator);
    assert_eq!(s.removed_policy, RemovedPolicy::Delete);
    assert_eq!(s.sync_interval_secs, 45);
    assert_eq!(s.sync_concurrency, 8);
    assert_eq!(s.storm_max_creates_per_cycle, 7);
    assert_eq!(s.storm_rollup_min, 3);
    assert_eq!(s.storm_rollup_company.as_deref(), Some("MyMSP"));
    assert_eq!(s.flap_window_mins, 30);
    assert_eq!(s.activity_keep_days, 365);
    assert!(s.default_backup_types.allows("ImageBased"));
    assert!(!s.default_backup_types.allows("MSSQL"));
    assert_eq!(s.priority_for("Warning"), Some("Priority 3 - Normal"));
    assert_eq!(s.priority_for("Info"), None);
}

#[test]
fn clearing_and_reset_restore_defaults() {
    let store = store();
    set(&store, "ticket.board", "Service Desk").unwrap();
    set(&store, "sync.interval_secs", "60").unwrap();
    set(&store, "ticket.board", "").unwrap();
    reset(&store, "sync.interval_secs").unwrap();
    assert_eq!(Settings::load(&store).unwrap(), Settings::default());
    assert_eq!(
        get(&store, "sync.interval_secs").unwrap().as_deref(),
        Some("300")
    );
    assert_eq!(get(&store, "ticket.board").unwrap(), None);
    assert!(matches!(
        reset(&store, "nope"),
        Err(StoreError::UnknownSetting { .. })
    ));
}

#[test]
fn all_lists_known_keys_with_effective_values_and_hides_internal() {
    let store = store();
    set(&store, "sync.interval_secs", "60").unwrap();
    set(&store, "internal.cw_codebase", "v4_6_release/").unwrap();
    let entries = all(&store).unwrap();
    assert_eq!(
        entries.iter().map(|e| e.key).collect::<Vec<_>>(),
        known_keys()
    );
    assert!(entries.iter().all(|e| !e.key.starts_with(INTERNAL_PREFIX)));
    let find = |k: &str| entries.iter().find(|e| e.key == k).unwrap().clone();
    let interval = find("sync.interval_secs");
    assert_eq!(
        (interval.value.as_deref(), interval.is_default),
        (Some("60"), false)
    );
    let template = find("ticket.summary_template");
    assert_eq!(template.value.as_deref(), Some(DEFAULT_SUMMARY_TEMPLATE));
    assert!(template.is_default);
    let site = find("cw.site");
    assert_eq!((site.value, site.is_default), (None, true));
    assert_eq!(
        get(&store, "internal.cw_codebase").unwrap().as_deref(),
        Some("v4_6_release/")
    );
}

#[test]
fn a_bad_stored_value_fails_load_with_a_fix() {
    let store = store();
    store
        .with_conn(|c| {
            c.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES ('sync.concurrency', '99', 'x')",
                [],
            )
        })
        .unwrap();
    let message = Settings::load(&store).unwrap_err().to_string();
    assert!(message.contains("sync.concurrency"), "{message}");
    assert!(message.contains("config set sync.concurrency"), "{message}");
}

#[test]
fn missing_for_sync_follows_auth_mode() {
    let store = store();
    let s = Settings::load(&store).unwrap();
    assert_eq!(
        s.missing_for_sync(),
        [
            "cw.site",
            "cw.company",
            "cw.public_key",
            "cw.client_id",
            "ticket.board",
            "dashboard.url"
        ]
    );
    for (k, v) in [
        ("cw.site", "na.myconnectwise.net"),
        ("cw.company", "acme"),
        ("cw.auth_mode", "integrator"),
        ("cw.integrator_username", "svc"),
        ("cw.client_id", "cid"),
        ("ticket.board", "Service Desk"),
        ("dashboard.url", "https://dash.example.com"),
    ] {
        set(&store, k, v).unwrap();
    }
    let s = Settings::load(&store).unwrap();
    assert_eq!(s.missing_for_sync(), ["cw.impersonate_member"]);
}
