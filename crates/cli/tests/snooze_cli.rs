#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `backup-bridge snooze add | list | remove` (issue 17, maintenance
//! windows): the commands, their bad input, and one window against the
//! simulators — nothing ticketed or noted while snoozed, one start note and
//! one end note on the open ticket, then the normal rules.

mod binary;

use binary::*;

use bridge_sim::cw::{DEMO_CLIENT_ID, DEMO_COMPANY, DEMO_PUBLIC_KEY};
use bridge_sim::demo::Demo;
use serde_json::{json, Value};

#[test]
fn add_list_remove_and_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert_eq!(expect(dir, &["snooze", "list"], 0).stdout, "No snoozes.\n");
    let out = expect(
        dir,
        &[
            "snooze",
            "add",
            "company",
            "Acme Dental",
            "--until",
            "2099-01-02T03:04:00Z",
            "--reason",
            "server move",
        ],
        0,
    );
    assert_eq!(
        out.stdout,
        "snooze 1 added: company \"Acme Dental\" until 2099-01-02 03:04\n"
    );
    expect(
        dir,
        &[
            "snooze",
            "add",
            "computer",
            "PC-7",
            "--until",
            "2099-01-01 09:30",
        ],
        0,
    );
    expect(
        dir,
        &["snooze", "add", "plan", "Nightly", "--until", "2h"],
        0,
    );

    let forms = "use an RFC 3339 time (2026-12-07T06:00:00Z), a local time (2026-12-07 06:00) \
                 or a duration from now (90m, 2h, 1d)";
    for until in ["2020-01-01T00:00:00Z", "tomorrow", "0m", "2026-13-01 10:00"] {
        one_line_error(
            dir,
            &["snooze", "add", "plan", "x", "--until", until],
            2,
            forms,
        );
    }
    one_line_error(
        dir,
        &["snooze", "add", "computer", " ", "--until", "1d"],
        2,
        "a snooze needs the computer it covers",
    );
    // Unknown scope and missing --until: clap's usage errors, exit 2.
    assert_eq!(
        expect(dir, &["snooze", "add", "site", "x", "--until", "1d"], 2).code,
        2
    );
    assert!(expect(dir, &["snooze", "add", "plan", "x"], 2)
        .stderr
        .contains("--until"));

    let out = expect(dir, &["snooze", "remove", "3"], 0);
    assert_eq!(
        out.stdout,
        "snooze 3 ended (plan \"Nightly\"); its end notes follow on the next sync\n"
    );
    one_line_error(
        dir,
        &["snooze", "remove", "42"],
        2,
        "no snooze has the id 42; `backup-bridge snooze list` shows them with their ids",
    );

    let list = expect(dir, &["snooze", "list"], 0).stdout;
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 4, "{list}");
    for (line, cells) in lines.iter().zip([
        &["ID", "SCOPE", "VALUE", "UNTIL", "REASON", "STATE"][..],
        &["2", "computer", "PC-7", "2099-01-01 09:30", "active"],
        &[
            "1",
            "company",
            "Acme Dental",
            "2099-01-02 03:04",
            "server move",
            "active",
        ],
        &["3", "plan", "Nightly", "removed"],
    ]) {
        for cell in cells {
            assert!(line.contains(cell), "{cell:?} missing in {line:?}\n{list}");
        }
    }
    let json: Vec<Value> =
        serde_json::from_str(&expect(dir, &["--json", "snooze", "list"], 0).stdout).unwrap();
    assert_eq!(json[1]["until"], "2099-01-02T03:04:00Z");
    assert!(json[2]["removed_at"].is_string(), "{json:?}");
}

fn event(id: &str, message: &str) -> Value {
    json!({"id": id, "companyId": "c-1001", "computer": format!("PC-{id}"), "plan": "Nightly",
           "backupType": "FileLevel", "eventType": "Error", "jobStatus": "Failed",
           "message": message, "details": []})
}

/// The discussion notes BackupBridge added to `ticket` (its description aside).
fn notes(demo: &Demo, ticket: i64) -> Vec<String> {
    demo.cw
        .notes(ticket)
        .iter()
        .skip(1)
        .map(|n| n["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_snoozed_company_gets_no_tickets_one_start_note_and_one_end_note() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let demo = rt.block_on(Demo::start()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (cw_url, dash_url) = (demo.cw_url(), demo.dashboard_url());
    for (key, value) in [
        ("cw.site", cw_url.as_str()),
        ("cw.company", DEMO_COMPANY),
        ("cw.auth_mode", "api_member"),
        ("cw.public_key", DEMO_PUBLIC_KEY),
        ("cw.client_id", DEMO_CLIENT_ID),
        ("dashboard.url", dash_url.as_str()),
        ("ticket.board", "Service Desk"),
    ] {
        expect(dir, &["config", "set", key, value], 0);
    }
    expect(dir, &["companies", "refresh"], 0);
    expect(
        dir,
        &[
            "companies",
            "map",
            "c-1001",
            "AcmeDental",
            "--agreement",
            "",
        ],
        0,
    );
    demo.dashboard
        .set_events(vec![event("evt-1", "3 files could not be read")]);
    expect(dir, &["sync", "--once"], 0);
    let ticket = demo.tickets()[0]["id"].as_i64().unwrap();
    assert!(notes(&demo, ticket).is_empty());

    let out = expect(
        dir,
        &[
            "snooze",
            "add",
            "company",
            "C-1001",
            "--until",
            "1d",
            "--reason",
            "server move",
        ],
        0,
    );
    let id = out.stdout.split_whitespace().nth(1).unwrap().to_owned();
    // During the window: a new failure and a change to the open one.
    demo.dashboard.set_events(vec![
        event("evt-1", "disk full"),
        event("evt-2", "3 files could not be read"),
    ]);
    let out = expect(dir, &["sync", "--once"], 0);
    assert!(out.stdout.contains(", 1 snoozed."), "{}", out.stdout);
    assert_eq!(demo.tickets().len(), 1, "no ticket while snoozed");
    let start = notes(&demo, ticket);
    assert_eq!(start.len(), 1, "{start:?}");
    assert!(
        start[0].starts_with("Snoozed by BackupBridge until ") && start[0].contains("server move"),
        "{start:?}"
    );
    let out = expect(dir, &["sync", "--once"], 0);
    assert!(out.stdout.contains(", 2 snoozed."), "{}", out.stdout);
    assert_eq!(notes(&demo, ticket).len(), 1, "the start note goes once");
    assert_eq!(demo.tickets().len(), 1);

    // The window ends: one end note, then the change; the held failure is ticketed.
    expect(dir, &["snooze", "remove", &id], 0);
    let out = expect(dir, &["sync", "--once"], 0);
    assert!(!out.stdout.contains("snoozed"), "{}", out.stdout);
    let after = notes(&demo, ticket);
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(
        after[1].starts_with(&format!("Snooze #{id} ended")),
        "{after:?}"
    );
    assert!(after[2].contains("disk full"), "{after:?}");
    assert_eq!(demo.tickets().len(), 2);
    expect(dir, &["sync", "--once"], 0);
    assert_eq!(notes(&demo, ticket).len(), 3, "the end note goes once");
    assert_eq!(demo.tickets().len(), 2);
    let list = expect(dir, &["snooze", "list"], 0).stdout;
    assert!(list.lines().nth(1).unwrap().contains("removed"), "{list}");
    rt.block_on(demo.shutdown());
}
