//! The validation table: for every key, values `set` stores (and how) and
//! values it refuses (and the sentence it refuses them with).

use rusqlite::OptionalExtension;

use super::*;

/// (key, value, Ok(stored value, None = cleared) | Err(substring of the error sentence))
type Case = (
    &'static str,
    &'static str,
    Result<Option<&'static str>, &'static str>,
);

const CASES: &[Case] = &[
    (
        "cw.site",
        "na.myconnectwise.net",
        Ok(Some("na.myconnectwise.net")),
    ),
    (
        "cw.site",
        "https://cw.example.com/",
        Ok(Some("https://cw.example.com")),
    ),
    (
        "cw.site",
        "http://127.0.0.1:8080",
        Ok(Some("http://127.0.0.1:8080")),
    ),
    (
        "cw.site",
        "http://localhost:8080",
        Ok(Some("http://localhost:8080")),
    ),
    ("cw.site", "http://[::1]:9", Ok(Some("http://[::1]:9"))),
    ("cw.site", "http://cw.example.com", Err("https")),
    ("cw.site", "ftp://cw.example.com", Err("https")),
    ("cw.site", "not a host", Err("cw.site")),
    ("cw.site", "", Ok(None)),
    ("cw.company", "  bridgedemo ", Ok(Some("bridgedemo"))),
    ("cw.auth_mode", "integrator", Ok(Some("integrator"))),
    ("cw.auth_mode", "API_MEMBER", Ok(Some("api_member"))),
    (
        "cw.auth_mode",
        "oauth",
        Err("expected one of api_member, integrator, got \"oauth\""),
    ),
    (
        "defaults.event_types",
        "Error, Warning",
        Ok(Some("Error,Warning")),
    ),
    ("defaults.event_types", "Info", Ok(Some("Info"))),
    (
        "defaults.event_types",
        " , ",
        Err("list at least one event type"),
    ),
    ("defaults.backup_types", "ALL", Ok(Some("all"))),
    (
        "defaults.backup_types",
        "FileLevel,Tape",
        Ok(Some("FileLevel,Tape")),
    ),
    (
        "defaults.backup_types",
        "",
        Err("list at least one backup type"),
    ),
    ("defaults.agreement_condition", "", Ok(None)),
    (
        "defaults.agreement_condition",
        "name like \"%ICB\"",
        Ok(Some("name like \"%ICB\"")),
    ),
    (
        "defaults.agreement_condition",
        "name lik \"%ICB\"",
        Err("column 6"),
    ),
    (
        "ticket.summary_template",
        "{company}: {plan}",
        Ok(Some("{company}: {plan}")),
    ),
    (
        "ticket.summary_template",
        "{customer}",
        Err("unknown placeholder {customer}"),
    ),
    ("ticket.summary_template", " ", Err("cannot be empty")),
    ("ticket.removed_policy", "Delete", Ok(Some("delete"))),
    (
        "ticket.removed_policy",
        "archive",
        Err("expected one of close, leave, delete"),
    ),
    ("sync.interval_secs", "10", Ok(Some("10"))),
    ("sync.interval_secs", " 0600 ", Ok(Some("600"))),
    (
        "sync.interval_secs",
        "9",
        Err("between 10 and 86400 seconds, got 9"),
    ),
    ("sync.interval_secs", "86401", Err("between 10 and 86400")),
    ("sync.interval_secs", "-5", Err("expected a whole number")),
    (
        "sync.interval_secs",
        "5m",
        Err("expected a whole number, got \"5m\""),
    ),
    ("cw.requests_per_minute", "0", Ok(Some("0"))),
    ("cw.requests_per_minute", " 600 ", Ok(Some("600"))),
    (
        "cw.requests_per_minute",
        "100001",
        Err("between 0 (no limit) and 100000"),
    ),
    (
        "cw.requests_per_minute",
        "fast",
        Err("expected a whole number"),
    ),
    ("storm.max_creates_per_cycle", "0", Ok(Some("0"))),
    ("storm.max_creates_per_cycle", " 200 ", Ok(Some("200"))),
    (
        "storm.max_creates_per_cycle",
        "-1",
        Err("expected a whole number of tickets from 0 (no cap) to 1000000, got \"-1\""),
    ),
    (
        "storm.max_creates_per_cycle",
        "1000001",
        Err("from 0 (no cap) to 1000000"),
    ),
    (
        "storm.max_creates_per_cycle",
        "ten",
        Err("expected a whole number of tickets"),
    ),
    ("storm.max_creates_per_cycle", "2.5", Err("got \"2.5\"")),
    ("storm.rollup_min", "2", Ok(Some("2"))),
    (
        "storm.rollup_min",
        "1",
        Err("between 2 and 100000 failures, got 1"),
    ),
    ("storm.rollup_min", "many", Err("expected a whole number")),
    ("storm.rollup_company", " MyMSP ", Ok(Some("MyMSP"))),
    ("storm.rollup_company", "", Ok(None)),
    ("ticket.flap_window_mins", "240", Ok(Some("240"))),
    (
        "ticket.flap_window_mins",
        "0",
        Err("between 1 and 10080 minutes"),
    ),
    ("ticket.flap_window_mins", "10081", Err("got 10081")),
    ("activity.keep_days", " 30 ", Ok(Some("30"))),
    (
        "activity.keep_days",
        "0",
        Err("between 1 and 3650 days, got 0"),
    ),
    (
        "activity.keep_days",
        "forever",
        Err("expected a whole number"),
    ),
    ("sync.concurrency", "1", Ok(Some("1"))),
    ("sync.concurrency", "16", Ok(Some("16"))),
    ("sync.concurrency", "0", Err("between 1 and 16, got 0")),
    ("sync.concurrency", "17", Err("between 1 and 16")),
    (
        "dashboard.url",
        "https://dash.example.com/portal/",
        Ok(Some("https://dash.example.com/portal")),
    ),
    (
        "dashboard.url",
        "http://127.0.0.2:3000",
        Ok(Some("http://127.0.0.2:3000")),
    ),
    ("dashboard.url", "http://dash.example.com", Err("https")),
    (
        "dashboard.url",
        "https://dash.example.com/?q=1",
        Err("query"),
    ),
    (
        "ticket.priority.Error",
        "Priority 1 - Critical",
        Ok(Some("Priority 1 - Critical")),
    ),
    ("ticket.type", "", Ok(None)),
    ("internal.cw_codebase", "v2025_1/", Ok(Some("v2025_1/"))),
    ("cw.private_key", "abc", Err("backup-bridge secret set cw")),
    ("dashboard.token", "abc", Err("secret set dashboard")),
    ("cw.password", "abc", Err("looks like a secret")),
    ("internal.token_cache", "abc", Err("looks like a secret")),
    (
        "cw.sit",
        "x",
        Err("unknown setting \"cw.sit\"; the known settings are: cw.site, cw.company"),
    ),
    ("internal.", "x", Err("unknown setting")),
    ("ticket.priority.Info", "x", Err("unknown setting")),
];

#[test]
fn set_validates_every_case() {
    for &(key, value, ref want) in CASES {
        let store = store();
        let got = set(&store, key, value);
        match want {
            Ok(stored) => {
                assert!(got.is_ok(), "{key}={value:?}: {got:?}");
                let raw: Option<String> = store
                    .with_conn(|c| {
                        c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                            r.get(0)
                        })
                        .optional()
                    })
                    .unwrap();
                assert_eq!(raw.as_deref(), *stored, "{key}={value:?}");
                // Whatever was accepted loads back.
                Settings::load(&store).unwrap();
            }
            Err(fragment) => {
                let message = got.expect_err(key).to_string();
                assert!(
                    message.contains(fragment),
                    "{key}={value:?}: {message:?} lacks {fragment:?}"
                );
                assert!(!message.contains("abc"), "the value leaked: {message}");
            }
        }
    }
}
