#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real `backup-bridge` binary (design §6) against in-process simulators:
//! settings, secrets from the environment, company mapping with its errors,
//! dry run, sync exit codes, status, tickets and the demo.

mod binary;

use std::path::Path;

use binary::*;

use bridge_sim::cw::{DEMO_CLIENT_ID, DEMO_COMPANY, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use bridge_sim::demo::Demo;
use serde_json::{json, Value};

const ICB_ACTIVE: &str = r#"name like "%ICB" and agreementStatus = "Active""#;

/// Both simulators, served by their own runtime while the test blocks on the binary.
struct Sims {
    demo: Demo,
    _rt: tokio::runtime::Runtime,
}

impl Sims {
    fn start() -> Sims {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let demo = rt.block_on(Demo::start()).unwrap();
        Sims { demo, _rt: rt }
    }
}

fn event(id: &str, company: &str, backup_type: &str) -> Value {
    json!({"id": id, "companyId": company, "computer": format!("PC-{id}"), "plan": "Nightly",
           "backupType": backup_type, "eventType": "Error", "jobStatus": "Failed",
           "message": "3 files could not be read", "details": []})
}

fn companies_json(dir: &Path) -> Vec<Value> {
    let out = expect(dir, &["--json", "companies", "list"], 0);
    serde_json::from_str(&out.stdout).unwrap()
}

fn company<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter().find(|c| c["id"] == id).unwrap()
}

#[test]
fn configure_map_dry_run_sync_and_report() {
    let sims = Sims::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (cw_url, dash_url) = (sims.demo.cw_url(), sims.demo.dashboard_url());

    // Every key of design §2.
    let settings = [
        ("cw.site", cw_url.as_str()),
        ("cw.company", DEMO_COMPANY),
        ("cw.auth_mode", "api_member"),
        ("cw.public_key", DEMO_PUBLIC_KEY),
        ("cw.integrator_username", "bridge_integrator"),
        ("cw.impersonate_member", "bbridge"),
        ("cw.client_id", DEMO_CLIENT_ID),
        ("defaults.event_types", "Error,Warning,BackupAnomaly"),
        ("defaults.backup_types", "all"),
        ("defaults.agreement_condition", ICB_ACTIVE),
        ("ticket.board", "Service Desk"),
        ("ticket.status_new", "New"),
        ("ticket.status_closed", ">Closed"),
        ("ticket.priority.Error", "Priority 2 - High"),
        ("ticket.priority.Warning", "Priority 3 - Normal"),
        ("ticket.priority.BackupAnomaly", "Priority 1 - Critical"),
        ("ticket.type", "Backup"),
        ("ticket.subtype", "Failure"),
        ("ticket.item", "Server"),
        (
            "ticket.summary_template",
            "{eventType}: {computer} - {plan} ({backupType}) at {company}",
        ),
        ("ticket.removed_policy", "close"),
        ("sync.interval_secs", "60"),
        ("dashboard.url", dash_url.as_str()),
    ];
    for (key, value) in settings {
        let out = expect(dir, &["config", "set", key, value], 0);
        assert_eq!(out.stdout, format!("{key} = {value}\n"));
    }
    one_line_error(
        dir,
        &["config", "set", "ticket.bored", "x"],
        2,
        "ticket.bored",
    );
    let show = expect(dir, &["config", "show"], 0).stdout;
    for (key, value) in settings {
        let line = show
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap();
        assert_eq!(line[key.len()..].trim(), value, "config show: {line}");
    }
    assert!(!show.contains("ticket.bored") && !show.contains(DEMO_PRIVATE_KEY));

    let out = expect(dir, &["companies", "refresh"], 0);
    assert!(
        out.stdout.starts_with("6 companies (6 new"),
        "{}",
        out.stdout
    );
    let out = expect(dir, &["companies", "map", "c-1001", "AcmeDental"], 0);
    assert!(
        out.stdout
            .contains("-> AcmeDental (Acme Dental Ltd, ConnectWise id 250)"),
        "{}",
        out.stdout
    );
    // An identifier ConnectWise does not know is a failed lookup (1), not bad usage.
    one_line_error(
        dir,
        &["companies", "map", "c-1002", "NoSuchCo"],
        1,
        "\"NoSuchCo\"",
    );
    one_line_error(
        dir,
        &[
            "companies",
            "map",
            "c-1002",
            "NorthwindLaw",
            "--agreement",
            r#"name lik "%ICB""#,
        ],
        2,
        "at column 6, found \"lik\"",
    );
    let list = companies_json(dir);
    assert_eq!(
        company(&list, "c-1002")["cw_identifier"],
        Value::Null,
        "nothing saved"
    );
    assert_eq!(company(&list, "c-1002")["agreement_condition"], "Default");
    expect(
        dir,
        &[
            "companies",
            "map",
            "c-1003",
            "ContosoHealth",
            "--backup-types",
            "ImageBased",
            "--agreement",
            "",
        ],
        0,
    );
    let row = |id: &str| {
        let table = expect(dir, &["companies", "list"], 0).stdout;
        table
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .to_owned()
    };
    let acme = row("c-1001");
    for cell in [
        "AcmeDental (Acme Dental Ltd)",
        "Default (Error,Warning,BackupAnomaly)",
        "Default (all)",
        &format!("Default ({ICB_ACTIVE})"),
        "not synced yet",
    ] {
        assert!(acme.contains(cell), "{cell:?} missing in: {acme}");
    }
    let contoso = row("c-1003");
    assert!(
        contoso.contains("ImageBased") && contoso.contains("none"),
        "{contoso}"
    );
    assert!(row("c-1006").ends_with("not mapped"));

    sims.demo.dashboard.set_events(vec![
        event("evt-1", "c-1001", "FileLevel"),
        event("evt-2", "c-1003", "ImageBased"),
        event("evt-3", "c-1003", "FileLevel"),
        event("evt-4", "c-1006", "FileLevel"),
    ]);
    let dry = expect(dir, &["sync", "--once", "--dry-run"], 0).stdout;
    assert!(
        dry.contains(
            "evt-1: would create \"Error: PC-evt-1 - Nightly (FileLevel) at Acme Dental Ltd\" for AcmeDental \
             on board \"Service Desk\" with status \"New\", priority Priority 2 - High, \
             agreement \"Business Continuity ICB\" (#401)"
        ),
        "{dry}"
    );
    assert!(
        dry.contains("evt-2: would create") && dry.contains("agreement none"),
        "{dry}"
    );
    assert!(!dry.contains("evt-3") && !dry.contains("evt-4"), "{dry}");
    assert!(
        dry.contains("Dry run finished: 4 events seen, 2 actions planned."),
        "{dry}"
    );
    assert!(sims.demo.tickets().is_empty(), "a dry run creates nothing");
    assert!(expect(dir, &["status"], 0)
        .stdout
        .starts_with("No sync has run yet."));
    assert_eq!(expect(dir, &["tickets"], 0).stdout, "No tickets yet.\n");
    assert!(row("c-1001").ends_with("not synced yet"));

    let out = expect(dir, &["sync", "--once"], 0);
    assert_eq!(
        out.stdout.matches(": created: ").count(),
        2,
        "{}",
        out.stdout
    );
    let tickets = sims.demo.tickets();
    assert_eq!(tickets.len(), 2);
    assert_eq!(tickets[0]["type"]["name"], "Backup");
    assert_eq!(tickets[0]["subType"]["name"], "Failure");
    assert_eq!(tickets[0]["item"]["name"], "Server");

    // Blue Yonder's only ICB agreement is cancelled: the run ends with errors.
    expect(dir, &["companies", "map", "c-1005", "BlueYonder"], 0);
    sims.demo.dashboard.set_events(vec![
        event("evt-1", "c-1001", "FileLevel"),
        event("evt-2", "c-1003", "ImageBased"),
        event("evt-5", "c-1005", "HyperV"),
    ]);
    let out = expect(dir, &["sync", "--once"], 1);
    let no_match = format!("no agreement of BlueYonder matches `{ICB_ACTIVE}`");
    assert!(
        out.stderr
            .contains(&format!("error: Blue Yonder Airlines (c-1005): {no_match}")),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("Sync finished with 1 error"),
        "{}",
        out.stdout
    );

    let status = expect(dir, &["status"], 0).stdout;
    assert!(
        status.contains("with errors") && status.contains("2 created"),
        "{status}"
    );
    assert!(
        status.contains("Blue Yonder Airlines (c-1005): Error at "),
        "{status}"
    );
    assert!(status.contains(&no_match), "{status}");
    assert!(
        status.contains("Acme Dental Ltd (c-1001): OK at "),
        "{status}"
    );
    assert!(row("c-1005").contains("Error at"));
    assert!(row("c-1001").contains("OK at"));

    let id = sims
        .demo
        .tickets()
        .iter()
        .find(|t| t["externalXRef"] == "bb:evt-1")
        .and_then(|t| t["id"].as_i64())
        .unwrap();
    let tickets = expect(dir, &["tickets"], 0).stdout;
    let line = tickets.lines().find(|l| l.contains("evt-1")).unwrap();
    for cell in [
        &format!("#{id} "),
        "c-1001",
        "open",
        "Error: PC-evt-1 - Nightly (FileLevel) at Acme Dental Ltd",
        "created",
    ] {
        assert!(line.contains(cell), "{cell:?} missing in: {line}");
    }
    assert!(!tickets.contains("evt-5"));
}

#[test]
fn demo_runs_and_creates_tickets() {
    let tmp = tempfile::tempdir().unwrap();
    let out = expect(
        tmp.path(),
        &["demo", "--cycles", "3", "--interval-secs", "1"],
        0,
    );
    assert!(out.stdout.contains(": created: "), "{}", out.stdout);
    assert!(
        out.stdout.contains("Tickets in the ConnectWise simulator:"),
        "{}",
        out.stdout
    );
}
