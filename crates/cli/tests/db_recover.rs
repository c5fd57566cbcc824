#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 6, database: the real binary refuses to start on a damaged database
//! with one sentence naming `backup-bridge db recover`; that command moves the
//! file aside and starts a new database keeping what can be read. Afterwards
//! the sync carries on without a duplicate ticket: with the mapping and the
//! ledger kept, as if nothing happened; with nothing readable, once the user
//! has entered the settings and mapping again, by adopting the existing
//! tickets through their `externalXRef`.

mod binary;
#[path = "../../sim/tests/world/mod.rs"]
mod world;

use std::path::Path;

use binary::*;
use bridge_core::store::{self, ledger, Store};
use bridge_sim::cw::DEMO_PUBLIC_KEY;
use bridge_sim::demo::Demo;
use world::*;

const PAGE: usize = 4096;

/// A mapped world that synced the first phase through the binary; the
/// test's own connections are closed so the file can be damaged.
async fn synced() -> (Demo, tempfile::TempDir) {
    let World {
        demo,
        dir,
        store,
        engine,
    } = mapped_world().await;
    drop((engine, store));
    demo.dashboard.set_events(lap_snapshot(0, 0));
    expect(dir.path(), &["sync", "--once"], 0);
    assert_eq!(demo.tickets().len(), 5);
    (demo, dir)
}

/// The binary refuses every command but `db recover` with one sentence.
fn assert_refused(dir: &Path) {
    for args in [&["sync", "--once"][..], &["status"], &["companies", "list"]] {
        let out = expect(dir, args, 1);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {}", out.stderr);
        assert!(
            lines[0].starts_with("backup-bridge: the database at ")
                && lines[0].contains(" is damaged: ")
                && lines[0].contains("Run `backup-bridge db recover`"),
            "{}",
            lines[0]
        );
    }
}

fn tickets_by_xref(demo: &Demo) -> Vec<(String, i64)> {
    let mut list: Vec<(String, i64)> = demo
        .tickets()
        .iter()
        .map(|t| {
            (
                t["externalXRef"].as_str().unwrap().to_owned(),
                t["id"].as_i64().unwrap(),
            )
        })
        .collect();
    list.sort();
    list
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_history_pages_recover_with_mapping_and_ledger() {
    let (demo, dir) = synced().await;
    let path = store::db_path(dir.path());
    {
        // Everything into the main file, then a long run history at its end.
        let s = Store::open(&path).unwrap();
        s.with_conn(|c| {
            c.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
            c.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
                 INSERT INTO sync_runs (started_at, finished_at, error_messages)
                 SELECT '2026-11-20T02:00:00Z', '2026-11-20T02:01:00Z',
                        '[\"' || printf('%0300d', i) || '\"]' FROM n;",
            )
        })
        .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    bytes[len - 12 * PAGE..len - 2 * PAGE].fill(0xA5);
    std::fs::write(&path, &bytes).unwrap();
    assert_refused(dir.path());

    let out = expect(dir.path(), &["db", "recover"], 0);
    for line in [
        "The damaged database was moved to ",
        "A new database was created at ",
        "settings: ",
        "company mapping: 6 rows kept",
        "ticket ledger: 5 rows kept",
        "sync history: ",
    ] {
        assert!(out.stdout.contains(line), "{line}: {}", out.stdout);
    }
    // Nothing left to recover now.
    let again = expect(dir.path(), &["db", "recover"], 1);
    assert!(
        again.stderr.contains("nothing to recover"),
        "{}",
        again.stderr
    );

    // The sync carries on: the next phase updates the same tickets.
    let before = tickets_by_xref(&demo);
    let events = lap_snapshot(0, 1);
    demo.dashboard.set_events(events.clone());
    let out = expect(dir.path(), &["sync", "--once"], 0);
    assert!(!out.stdout.contains(": created: "), "{}", out.stdout);
    assert_eq!(tickets_by_xref(&demo), before);
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_database_recovers_and_adopts_tickets_by_xref() {
    let (demo, dir) = synced().await;
    let path = store::db_path(dir.path());
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::write(&path, b"<html>not a database</html>".repeat(200)).unwrap();
    assert_refused(dir.path());

    let out = expect(dir.path(), &["db", "recover"], 0);
    assert!(
        out.stdout.contains("company mapping: could not be read")
            && out.stdout.contains("externalXRef"),
        "{}",
        out.stdout
    );
    // The user enters the connection and the mapping again.
    let cw_url = demo.cw_url();
    let dash_url = demo.dashboard_url();
    for (key, value) in [
        ("cw.site", cw_url.as_str()),
        ("cw.company", bridge_sim::cw::DEMO_COMPANY),
        ("cw.public_key", DEMO_PUBLIC_KEY),
        ("cw.client_id", bridge_sim::cw::DEMO_CLIENT_ID),
        ("dashboard.url", dash_url.as_str()),
        ("ticket.board", "Service Desk"),
        ("ticket.priority.Error", "Priority 2 - High"),
        ("ticket.priority.Warning", "Priority 3 - Normal"),
        ("ticket.priority.BackupAnomaly", "Priority 2 - High"),
        ("defaults.agreement_condition", ICB_ACTIVE),
    ] {
        expect(dir.path(), &["config", "set", key, value], 0);
    }
    expect(dir.path(), &["companies", "refresh"], 0);
    for (company, cw) in [
        (ACME, "AcmeDental"),
        (NORTHWIND, "NorthwindLaw"),
        (FABRIKAM, "FabrikamBuild"),
        (CONTOSO, "ContosoHealth"),
    ] {
        expect(dir.path(), &["companies", "map", company, cw], 0);
    }

    // Same events: each ticket is found by externalXRef, none created again;
    // then the next phase's changes reach those same tickets.
    let before = tickets_by_xref(&demo);
    let out = expect(dir.path(), &["sync", "--once"], 0);
    assert_eq!(tickets_by_xref(&demo), before, "{}", out.stdout);
    let s = Store::open(&path).unwrap();
    let rows = s.with_conn(ledger::all).unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        store::settings::get(&s, store::LEDGER_INCOMPLETE_KEY).unwrap(),
        None,
        "cleared after a clean cycle"
    );
    drop(s);
    demo.dashboard.set_events(lap_snapshot(0, 1));
    let out = expect(dir.path(), &["sync", "--once"], 0);
    assert_eq!(tickets_by_xref(&demo), before);
    assert!(out.stdout.contains("noted"), "{}", out.stdout);
    demo.shutdown().await;
}
