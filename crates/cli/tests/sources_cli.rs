#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 13 as a technician meets it through the real `backup-bridge`
//! binary: with only `source.kind`, `source.url`, `source.username` and
//! `BB_SOURCE_SECRET` set for the backup platform (no Dashboard URL, no
//! Dashboard token), `companies refresh`, `companies map` and `sync --once`
//! against each platform's simulator create one ticket per failing plan,
//! add new error lines (MSP360: a new error message) as notes once, close on the next successful run and
//! open a new ticket on the failure after that. Switching `source.kind`
//! back leaves those tickets alone (rule 15).

mod sources_common;

use std::process::{Command, Stdio};

use bridge_core::source::SourceKind;
use bridge_sim::cw::DEMO_PRIVATE_KEY;
use bridge_sim::demo::Demo;
use serde_json::Value;
use sources_common::{cli, closed, note_texts, ok, setup, text, tickets_of};

/// The scenario every derived source passes: `company` is the platform's
/// id of the company whose plan goes failing → failing with a new error
/// line → running → success → failing again.
async fn scenario(demo: Demo, company: &str, login: &str, secret: &str, new_line: &str) {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    setup(&demo, dir, secret, login).await;
    let refreshed = ok(
        &cli(dir, secret, &["companies", "refresh"]).await,
        "companies refresh",
    );
    assert!(!refreshed.is_empty());
    let listed = ok(&cli(dir, secret, &["companies", "list"]).await, "list");
    assert!(listed.contains(company), "{listed}");
    ok(
        &cli(dir, secret, &["companies", "map", company, "AcmeDental"]).await,
        "companies map",
    );

    // 1. Failing: one ticket, tagged with the source's kind.
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 1");
    let acme = tickets_of(&demo, "AcmeDental");
    assert_eq!(acme.len(), 1, "one ticket per failing plan: {acme:#?}");
    let xref = acme[0]["externalXRef"].as_str().unwrap().to_owned();
    let prefix = format!("bb:{}:", demo.source_kind().as_str());
    assert!(xref.starts_with(&prefix), "{xref}");
    assert!(xref.encode_utf16().count() <= 100, "{xref}");
    assert!(!closed(&acme[0]));

    // 2. Failing with a new error line: one note for it, no new ticket.
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 2");
    let acme = tickets_of(&demo, "AcmeDental");
    assert_eq!(acme.len(), 1);
    let notes = note_texts(&demo, &acme[0]);
    let new: Vec<&String> = notes.iter().filter(|n| n.contains(new_line)).collect();
    assert_eq!(new.len(), 1, "the new error once: {notes:#?}");

    // 3. Running: nothing changes.
    let before = demo.cw.notes(acme[0]["id"].as_i64().unwrap()).len();
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 3");
    let acme = tickets_of(&demo, "AcmeDental");
    assert_eq!(acme.len(), 1);
    assert_eq!(demo.cw.notes(acme[0]["id"].as_i64().unwrap()).len(), before);
    assert!(!closed(&acme[0]));

    // 4. Success: the ticket closes.
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 4");
    let acme = tickets_of(&demo, "AcmeDental");
    assert_eq!(acme.len(), 1);
    assert!(
        closed(&acme[0]),
        "closed on the successful run: {:#?}",
        acme[0]
    );

    // 5. Failing again: a new incident, a new ticket; the old one stays closed.
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 5");
    let acme = tickets_of(&demo, "AcmeDental");
    assert_eq!(acme.len(), 2, "{acme:#?}");
    assert!(closed(&acme[0]) && !closed(&acme[1]));
    assert_ne!(acme[1]["externalXRef"], acme[0]["externalXRef"]);

    // 6. The same state again: nothing is sent twice.
    let notes: usize = acme
        .iter()
        .map(|t| demo.cw.notes(t["id"].as_i64().unwrap()).len())
        .sum();
    demo.cw.clear_requests();
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 6");
    // Rule 10: an unchanged cycle costs ConnectWise nothing, even in a new
    // process.
    let sent = demo.cw.requests();
    assert!(sent.is_empty(), "an unchanged cycle sent {sent:#?}");
    let again = tickets_of(&demo, "AcmeDental");
    assert_eq!(again.len(), 2);
    let after: usize = again
        .iter()
        .map(|t| demo.cw.notes(t["id"].as_i64().unwrap()).len())
        .sum();
    assert_eq!(after, notes, "an unchanged cycle adds nothing");
    let status = ok(&cli(dir, secret, &["status"]).await, "status");
    assert!(!status.is_empty());

    // Rule 15: switching the source back to the Dashboard (whose listing
    // has none of these incidents) closes and removes none of them.
    ok(
        &cli(dir, secret, &["config", "set", "source.kind", "dashboard"]).await,
        "back to the dashboard",
    );
    let url = demo.dashboard_url();
    ok(
        &cli(dir, secret, &["config", "set", "dashboard.url", &url]).await,
        "dashboard.url",
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backup-bridge"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(["sync", "--once"])
        .env("BB_CW_SECRET", DEMO_PRIVATE_KEY)
        .env(
            "BB_DASHBOARD_TOKEN",
            bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN,
        )
        .stdin(Stdio::null());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(out.status.code().is_some(), "{}", text(&out.stderr));
    let still = tickets_of(&demo, "AcmeDental");
    let ours: Vec<&Value> = still
        .iter()
        .filter(|t| {
            t["externalXRef"]
                .as_str()
                .unwrap_or("")
                .starts_with(&prefix)
        })
        .collect();
    assert_eq!(ours.len(), 2);
    assert!(!closed(ours[1]), "the open ticket stays open");
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comet_from_the_cli() {
    let demo = Demo::start_source(SourceKind::Comet).await.unwrap();
    scenario(
        demo,
        "8b0f-acme",
        bridge_sim::comet::demo::DEMO_COMET_USER,
        bridge_sim::comet::demo::DEMO_COMET_PASSWORD,
        "payroll.xlsx",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn msp360_from_the_cli() {
    let demo = Demo::start_source(SourceKind::Msp360).await.unwrap();
    scenario(
        demo,
        bridge_sim::msp360::demo::ACME_ID,
        bridge_sim::msp360::demo::DEMO_MSP360_USER,
        bridge_sim::msp360::demo::DEMO_MSP360_PASSWORD,
        // MSP360 has no error lines: a new error message is one change note.
        "Destination is unreachable",
    )
    .await;
}

/// Bad input from the platform is a named problem of the run (exit 1), and
/// the other items still sync.
async fn bad_item(demo: Demo, companies: &[&str], login: &str, secret: &str, named: &str) {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    setup(&demo, dir, secret, login).await;
    ok(
        &cli(dir, secret, &["companies", "refresh"]).await,
        "refresh",
    );
    for (company, cw) in companies.iter().zip(["AcmeDental", "NorthwindLaw"]) {
        ok(
            &cli(dir, secret, &["companies", "map", company, cw]).await,
            "map",
        );
    }
    let out = cli(dir, secret, &["sync", "--once"]).await;
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "a run with errors: {all}");
    assert!(all.contains(named), "the problem is named: {all}");
    assert_eq!(
        tickets_of(&demo, "AcmeDental").len(),
        1,
        "the good item still synced: {all}"
    );
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn msp360_unknown_status_is_named_and_the_rest_syncs() {
    use bridge_sim::demo::PlatformSim;
    use bridge_sim::msp360::demo::{demo_timeline, NORTHWIND_ID};
    let demo = Demo::start_source(SourceKind::Msp360).await.unwrap();
    let mut rows = demo_timeline().remove(0);
    for row in &mut rows {
        if row["CompanyName"] == "Northwind Law LLP" {
            row["Status"] = serde_json::json!(42);
        }
    }
    let Some(PlatformSim::Msp360(sim)) = &demo.platform else {
        panic!("an MSP360 demo");
    };
    sim.set_monitoring(rows);
    bad_item(
        demo,
        &[bridge_sim::msp360::demo::ACME_ID, NORTHWIND_ID],
        bridge_sim::msp360::demo::DEMO_MSP360_USER,
        bridge_sim::msp360::demo::DEMO_MSP360_PASSWORD,
        "42",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comet_job_of_an_unknown_device_is_named_and_the_rest_syncs() {
    use bridge_sim::comet::demo::{demo_timeline, job};
    use bridge_sim::demo::PlatformSim;
    let demo = Demo::start_source(SourceKind::Comet).await.unwrap();
    let mut jobs = demo_timeline().remove(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    jobs.push(job(
        "job-ghost",
        "northwind",
        "src-nw-image",
        "dev-gone",
        7002,
        (now - 120, now - 60),
    ));
    let Some(PlatformSim::Comet(sim)) = &demo.platform else {
        panic!("a Comet demo");
    };
    sim.set_jobs(jobs);
    bad_item(
        demo,
        &["8b0f-acme", "8b0f-northwind"],
        bridge_sim::comet::demo::DEMO_COMET_USER,
        bridge_sim::comet::demo::DEMO_COMET_PASSWORD,
        "job-ghost",
    )
    .await;
}
