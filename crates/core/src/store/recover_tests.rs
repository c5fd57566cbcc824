//! Recovery of a damaged database: what is kept, where the damaged file goes,
//! and what is refused.

use std::collections::BTreeSet;

use super::*;
use crate::model::{BackupCompany, Override, TypeFilter};
use crate::store::companies::{self, Mapping};
use crate::store::ledger::{self, LedgerEntry, TicketState};
use crate::store::{db_path, rollups, runs, snoozes, CLEAN_STAMP_SUFFIX, DB_FILE_NAME};

const PAGE: usize = 4096;

fn entry(event_id: &str, ticket_id: i64) -> LedgerEntry {
    LedgerEntry {
        event_id: event_id.to_owned(),
        company_id: "c-1".to_owned(),
        ticket_id,
        state: TicketState::Open,
        anomaly: false,
        event_type: "Error".to_owned(),
        job_status: "Failed".to_owned(),
        message: "3 files".to_owned(),
        summary: "Error: PC-1".to_owned(),
        priority: None,
        content_hash: "abc".to_owned(),
        pushed_details: BTreeSet::from(["d-1".to_owned()]),
        last_action: Some("created".to_owned()),
        last_error: None,
        updated_at: "2026-11-20T02:00:00Z".to_owned(),
        source: String::new(),
        snoozed: None,
        flap: None,
    }
}

/// `entry` whose event is flapping (issue 17).
fn flapping_entry(event_id: &str, ticket_id: i64) -> LedgerEntry {
    LedgerEntry {
        flap: Some(ledger::FlapRecord {
            since: Some("2026-11-20T01:00:00Z".to_owned()),
            failures: 5,
            completions: 4,
            noted_at: Some("2026-11-20T01:30:00Z".to_owned()),
            noted_failures: 4,
            noted_completions: 4,
            ..ledger::FlapRecord::default()
        }),
        ..entry(event_id, ticket_id)
    }
}

/// `entry` whose ticket carries the start note of snooze `snooze`.
fn snoozed_entry(event_id: &str, ticket_id: i64, snooze: i64) -> LedgerEntry {
    LedgerEntry {
        snoozed: Some(snooze),
        ..entry(event_id, ticket_id)
    }
}

/// A database with settings, two companies (one mapped), two ledger rows and
/// a long run history written last, so the history's pages are at the end.
fn populated(path: &Path) {
    let store = Store::open(path).unwrap();
    settings::set(&store, "ticket.board", "Service Desk").unwrap();
    settings::set(&store, "defaults.agreement_condition", "name like \"%ICB\"").unwrap();
    companies::refresh(
        &store,
        &[
            BackupCompany {
                id: "c-1".to_owned(),
                name: "Acme".to_owned(),
            },
            BackupCompany {
                id: "c-2".to_owned(),
                name: "Northwind".to_owned(),
            },
        ],
    )
    .unwrap();
    let mapping = Mapping {
        cw_identifier: "AcmeDental".to_owned(),
        cw_company_id: 250,
        cw_company_name: "Acme Dental Ltd".to_owned(),
        event_types: Override::Explicit(TypeFilter::parse("Error")),
        backup_types: Override::Default,
        agreement_condition: Override::Explicit(String::new()),
    };
    companies::set_mapping(&store, "c-1", &mapping).unwrap();
    store
        .with_conn(|c| {
            ledger::put(c, &flapping_entry("evt-1", 1001))?;
            let snooze = snoozes::add(
                c,
                snoozes::SnoozeScope::Company,
                "c-1",
                "2030-01-01T00:00:00Z",
                "server move",
                "2026-11-20T01:00:00Z",
            )?;
            ledger::put(c, &snoozed_entry("evt-2", 1002, snooze.id))?;
            let member = |event: &str| rollups::Member {
                event_id: event.to_owned(),
                company: "Acme Dental (AcmeDental)".to_owned(),
                computer: format!("PC-{event}"),
            };
            rollups::insert(
                c,
                "Destination <url> is unreachable",
                (19, "MyMSP"),
                &[member("evt-1"), member("evt-2")],
                "2026-11-20T01:00:00Z",
            )?;
            // Everything in the main file, so scribbling on it is the whole damage.
            c.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
        })
        .unwrap();
    let id = runs::start_run(&store).unwrap();
    runs::finish_run(&store, id, &runs::RunCounts::default(), &["x".repeat(300)]).unwrap();
    store
        .with_conn(|c| {
            c.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 299)
                 INSERT INTO sync_runs (started_at, finished_at, error_messages)
                 SELECT started_at, finished_at, error_messages FROM sync_runs, n;",
            )
        })
        .unwrap();
}

fn damaged_copies(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with(&format!("{DB_FILE_NAME}.damaged-")) && name.ends_with('Z')
        })
        .collect()
}

#[test]
fn damaged_history_pages_keep_settings_mapping_and_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    populated(&path);
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    assert!(len > 40 * PAGE, "{len}");
    // The last pages hold run history only.
    for b in &mut bytes[len - 12 * PAGE..len - 2 * PAGE] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(
        err.to_string().contains("backup-bridge db recover"),
        "{err}"
    );
    let before = std::fs::read(&path).unwrap();

    let report = recover_damaged(&path).unwrap();
    let by_table = |t: &str| report.tables.iter().find(|r| r.table == t).unwrap().clone();
    assert_eq!(
        (by_table("settings").copied, by_table("settings").complete),
        (2, true)
    );
    assert_eq!(
        (by_table("companies").copied, by_table("companies").complete),
        (2, true)
    );
    assert_eq!(
        (by_table("ledger").copied, by_table("ledger").complete),
        (2, true)
    );
    assert_eq!(
        (by_table("snoozes").copied, by_table("snoozes").complete),
        (1, true)
    );
    assert_eq!(
        (
            by_table("rollup_members").copied,
            by_table("rollups").copied
        ),
        (2, 1)
    );
    let history = by_table("sync_runs");
    assert!(!history.complete && history.copied < 300, "{history:?}");
    assert!(report.kept_mapping() && report.kept_ledger());
    let lines = report.lines().join("\n");
    assert!(lines.contains("company mapping: 2 rows kept"), "{lines}");
    assert!(lines.contains("sync history: "), "{lines}");
    assert!(lines.contains("could not be read"), "{lines}");

    // The damaged file is kept byte for byte beside the new database.
    assert_eq!(
        damaged_copies(dir.path()),
        vec![report.damaged_copy.clone()]
    );
    assert!(std::fs::read(&report.damaged_copy).unwrap() == before);

    let store = Store::open(&path).unwrap();
    assert_eq!(
        settings::get(&store, "ticket.board").unwrap().as_deref(),
        Some("Service Desk")
    );
    assert_eq!(settings::get(&store, LEDGER_INCOMPLETE_KEY).unwrap(), None);
    let acme = companies::get(&store, "c-1").unwrap().unwrap();
    assert_eq!(acme.cw_company_id, Some(250));
    assert_eq!(acme.agreement_condition, Override::Explicit(String::new()));
    let rows = store.with_conn(ledger::all).unwrap();
    // The snooze and the ticket's mark of its start note survive: its end
    // note still follows.
    assert_eq!(rows.get("evt-2"), Some(&snoozed_entry("evt-2", 1002, 1)));
    // So does the flap record: the ticket stays damped (migration 010).
    assert_eq!(rows.get("evt-1"), Some(&flapping_entry("evt-1", 1001)));
    let kept = store
        .with_conn(|c| snoozes::list(c, "2026-11-21T00:00:00Z"))
        .unwrap();
    assert_eq!(
        kept.iter()
            .map(|s| (s.id, s.reason.as_str()))
            .collect::<Vec<_>>(),
        [(1, "server move")]
    );
    // The open roll-up keeps its cause and members: it still closes when they complete.
    let open = store.with_conn(rollups::open).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].cause, "Destination <url> is unreachable");
    assert_eq!(open[0].members.len(), 2);
    // A second recovery has nothing to do.
    let again = recover_damaged(&path).unwrap_err();
    assert!(
        matches!(again, StoreError::NothingToRecover { .. }),
        "{again:?}"
    );
}

#[test]
fn an_unreadable_file_gives_a_fresh_database_that_says_the_ledger_is_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let garbage = b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    // A crashed earlier recovery left a half-built database behind.
    std::fs::write(
        dir.path().join(format!("{DB_FILE_NAME}.recovering")),
        b"junk",
    )
    .unwrap();

    let report = recover_damaged(&path).unwrap();
    for t in &report.tables {
        assert_eq!(t.copied, 0, "{t:?}");
        assert!(!t.complete && t.problem.is_some(), "{t:?}");
    }
    assert!(!report.kept_mapping() && !report.kept_ledger());
    let lines = report.lines().join("\n");
    assert!(
        lines.contains("ticket ledger: could not be read"),
        "{lines}"
    );
    assert!(lines.contains("externalXRef"), "{lines}");
    assert!(std::fs::read(&report.damaged_copy).unwrap() == garbage);
    let store = Store::open(&path).unwrap();
    assert!(settings::get(&store, LEDGER_INCOMPLETE_KEY)
        .unwrap()
        .is_some());
    assert!(!dir
        .path()
        .join(format!("{DB_FILE_NAME}.recovering"))
        .exists());
    // No clean-close stamp is left for the half-built file.
    assert!(!dir
        .path()
        .join(format!("{DB_FILE_NAME}.recovering{CLEAN_STAMP_SUFFIX}"))
        .exists());
}

#[test]
fn healthy_missing_and_newer_databases_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let err = recover_damaged(&path).unwrap_err();
    assert!(
        err.to_string().contains("there is no database file"),
        "{err}"
    );

    drop(Store::open(&path).unwrap());
    let err = recover_damaged(&path).unwrap_err();
    assert!(err.to_string().contains("opens and checks fine"), "{err}");
    assert!(damaged_copies(dir.path()).is_empty());

    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = recover_damaged(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err:?}");
    assert!(damaged_copies(dir.path()).is_empty());
}

#[test]
fn a_file_from_before_a_later_table_or_column_gives_what_it_has() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE ledger (event_id TEXT, company_id TEXT, ticket_id INTEGER, state TEXT, \
         anomaly INTEGER, event_type TEXT, job_status TEXT, message TEXT, summary TEXT, \
         priority TEXT, content_hash TEXT, pushed_details TEXT, last_action TEXT, \
         last_error TEXT, updated_at TEXT);",
    )
    .unwrap();
    let spec = |name: &str| TABLES.iter().find(|t| t.table == name).unwrap();
    // No `snoozed` column yet: the ledger's own columns only.
    assert_eq!(
        columns_of(&conn, spec("ledger")).unwrap().as_deref(),
        Some(spec("ledger").columns)
    );
    // No snoozes table yet: nothing to read, and nothing missing.
    assert_eq!(columns_of(&conn, spec("snoozes")).unwrap(), None);
    let salvaged = salvage(Ok(&conn));
    let snoozes = salvaged.iter().find(|s| s.spec.table == "snoozes").unwrap();
    assert!(snoozes.problem.is_none() && snoozes.rows.is_empty());
    let ledger = salvaged.iter().find(|s| s.spec.table == "ledger").unwrap();
    assert!(ledger.problem.is_none(), "{:?}", ledger.problem);

    conn.execute_batch("ALTER TABLE ledger ADD COLUMN snoozed INTEGER;")
        .unwrap();
    assert_eq!(
        columns_of(&conn, spec("ledger")).unwrap(),
        Some(format!("{}, snoozed", spec("ledger").columns))
    );
    // The flap record came with migration 010.
    conn.execute_batch("ALTER TABLE ledger ADD COLUMN flap TEXT;")
        .unwrap();
    assert_eq!(
        columns_of(&conn, spec("ledger")).unwrap(),
        Some(format!("{}, snoozed, flap", spec("ledger").columns))
    );
}
