//! Store: migrations, pragmas, damaged files, transactions.

use super::*;

#[test]
fn store_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Store>();
}

#[test]
fn migrations_validate() {
    migrations().validate().unwrap();
}

#[test]
fn open_creates_parent_dirs_and_sets_pragmas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join(DB_FILE_NAME);
    let store = Store::open(&path).unwrap();
    assert!(path.exists());
    assert_eq!(store.path(), Some(path.as_path()));
    let (mode, fk, timeout, version): (String, i64, i64, i64) = store
        .with_conn(|c| {
            Ok((
                c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
                c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
                c.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?,
                c.query_row("PRAGMA user_version", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(timeout, i64::try_from(BUSY_TIMEOUT_MS).unwrap());
    assert_eq!(version, i64::try_from(MIGRATIONS.len()).unwrap());
}

/// REGRESSION: WAL with `synchronous=NORMAL` syncs only at checkpoints, so a
/// power cut could roll back a committed create intent and its
/// confirmation, and the create was sent again after the reboot.
#[test]
fn every_commit_reaches_the_disk_before_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DB_FILE_NAME)).unwrap();
    let synchronous: i64 = store
        .with_conn(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)))
        .unwrap();
    assert_eq!(synchronous, 2, "FULL");
}

#[test]
fn outbox_rows_go_from_pending_to_stuck_to_forgotten() {
    use outbox::{Intent, OutboxState};
    let store = Store::open_in_memory().unwrap();
    let intent = Intent::Update {
        ticket_id: 7,
        what: "closed".into(),
    };
    let id = store
        .with_conn(|c| outbox::intend(c, "evt-1", &intent, "2026-12-01T00:00:00Z"))
        .unwrap();
    let stuck = |s: &Store| s.with_conn(outbox::stuck).unwrap();
    assert!(stuck(&store).is_empty());
    store
        .with_conn(|c| {
            outbox::finish(
                c,
                id,
                OutboxState::Stuck,
                Some("403"),
                "2026-12-01T00:01:00Z",
            )
        })
        .unwrap();
    let listed = stuck(&store);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].error.as_deref(), Some("403"));
    assert_eq!(listed[0].describe(), "closed ticket #7");
    assert_eq!(
        store.with_conn(outbox::pending).unwrap().len(),
        1,
        "stuck is unsettled"
    );
    let forgotten = store
        .with_conn(|c| outbox::forget(c, id, "2026-12-01T00:02:00Z"))
        .unwrap();
    assert_eq!(forgotten.map(|p| p.id), Some(id));
    assert!(store.with_conn(outbox::pending).unwrap().is_empty());
    assert_eq!(
        store.with_conn(|c| outbox::forget(c, id, "x")).unwrap(),
        None
    );
    // Forgotten rows are history: pruned like the other settled ones.
    let pruned = store
        .with_conn(|c| outbox::prune(c, "2027-01-01T00:00:00Z"))
        .unwrap();
    assert_eq!(pruned, 1);
}

/// Unconfirmed creates are found by the `kind` column: written with the
/// intent, filled from the payload for rows recorded before the column
/// (by migration 006, or by `fill_kinds` after `db recover`).
#[test]
fn unconfirmed_creates_are_found_by_their_kind() {
    use outbox::Intent;
    let path = tempfile::tempdir().unwrap().keep().join("kinds.db");
    let old_create = r#"{"kind":"create","xref":"bb:old","ledger":{}}"#;
    {
        // A file at schema 5, before the kind column, with an old create.
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 5).unwrap();
        conn.execute(
            "INSERT INTO outbox (event_id, payload, state, created_at) \
             VALUES ('evt-old', ?1, 'pending', 't')",
            [old_create],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let note = Intent::Note {
        ticket_id: 5,
        text: "x".into(),
        effect: crate::store::ledger::NoteLedgerEffect::None,
    };
    store
        .with_conn(|c| outbox::intend(c, "evt-note", &note, "t"))
        .unwrap();
    let creates = store.with_conn(outbox::unconfirmed_creates).unwrap();
    assert_eq!(creates.into_iter().collect::<Vec<_>>(), ["evt-old"]);
    // A row carried over without a kind gets it from its payload.
    store
        .with_conn(|c| {
            c.execute(
                "INSERT INTO outbox (event_id, payload, state, created_at) \
                 VALUES ('evt-copied', ?1, 'unknown', 't')",
                [old_create.replace("bb:old", "bb:copied")],
            )
        })
        .unwrap();
    assert_eq!(store.with_conn(outbox::fill_kinds).unwrap(), 1);
    let creates = store.with_conn(outbox::unconfirmed_creates).unwrap();
    assert_eq!(creates.len(), 2);
    store
        .with_conn(|c| outbox::resolve_creates(c, "evt-old", "t2"))
        .unwrap();
    let creates = store.with_conn(outbox::unconfirmed_creates).unwrap();
    assert_eq!(creates.into_iter().collect::<Vec<_>>(), ["evt-copied"]);
}

#[test]
fn data_survives_reopen_and_clones_share_the_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    {
        let store = Store::open(&path).unwrap();
        let clone = store.clone();
        settings::set(&clone, "ticket.board", "Service Desk").unwrap();
        assert_eq!(
            settings::get(&store, "ticket.board").unwrap().as_deref(),
            Some("Service Desk")
        );
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        settings::get(&store, "ticket.board").unwrap().as_deref(),
        Some("Service Desk")
    );
}

#[test]
fn a_garbage_file_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8])] = &[
        (
            "text.db",
            b"this is not a database, just some text that is long enough to fill a header page... "
                .as_slice(),
        ),
        (
            "html.db",
            b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".as_slice(),
        ),
        ("binary.db", &[0xFF; 4096]),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Damaged { .. }), "{name}: {err:?}");
        let message = err.to_string();
        let expected = format!("the database at {} is damaged: ", path.display());
        assert!(message.starts_with(&expected), "{name}: {message}");
        assert!(message.contains("`backup-bridge db recover`"), "{message}");
        // The file is left as it was, for the user to inspect or restore.
        assert_eq!(std::fs::read(&path).unwrap(), *bytes);
    }
}

#[test]
fn a_corrupted_page_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    {
        let store = Store::open(&path).unwrap();
        store
            .with_conn(|c| {
                c.execute_batch(
                    "PRAGMA journal_mode = DELETE;
                     CREATE TABLE filler (x TEXT);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                     INSERT INTO filler SELECT printf('%0200d', i) FROM n;",
                )
            })
            .unwrap();
    }
    // Keep the 100-byte header intact, scribble over the b-tree pages.
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 20_000);
    for b in &mut bytes[4096..20_000] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    drop(Store::open(&path).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let message = Store::open(&path).unwrap_err().to_string();
    assert!(
        message.contains("newer version of BackupBridge"),
        "{message}"
    );
    assert!(message.contains("schema version 99"), "{message}");
}

#[test]
fn a_folder_in_the_way_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
}

#[test]
fn with_tx_rolls_back_on_error() {
    let store = Store::open_in_memory().unwrap();
    let result: Result<(), StoreError> = store.with_tx(|tx| {
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('ticket.board', 'x', 'now')",
            [],
        )?;
        Err(StoreError::UnknownRun(1))
    });
    assert!(matches!(result, Err(StoreError::UnknownRun(1))));
    assert_eq!(settings::get(&store, "ticket.board").unwrap(), None);
}

#[test]
fn foreign_keys_are_enforced() {
    let store = Store::open_in_memory().unwrap();
    let err = store
        .with_conn(|c| {
            c.execute_batch(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY);
                 CREATE TABLE child (p INTEGER REFERENCES parent(id));
                 INSERT INTO child VALUES (7);",
            )
        })
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

#[test]
fn default_data_dir_ends_with_the_app_folder() {
    let dir = default_data_dir();
    assert!(dir.ends_with(APP_DIR_NAME), "{}", dir.display());
    let os = bridge_base::platform::Os::current();
    assert!(db_path(&dir).ends_with("BackupBridge/backupbridge.db") || !os.is_unix());
    let xdg_default =
        os == bridge_base::platform::Os::Linux && std::env::var_os("XDG_DATA_HOME").is_none();
    if let (true, Some(home)) = (xdg_default, dirs::home_dir()) {
        assert_eq!(dir, home.join(".local/share/BackupBridge"));
    }
}

#[test]
fn every_ledger_and_outbox_write_moves_the_revision_from_any_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    let (one, two) = (Store::open(&path).unwrap(), Store::open(&path).unwrap());
    let revision = |s: &Store| s.with_conn(ledger::revision).unwrap();
    assert_eq!(revision(&one), 0);
    let writes = [
        "INSERT INTO ledger (event_id, company_id, ticket_id, state, event_type, job_status, \
         message, summary, content_hash, updated_at) \
         VALUES ('e1', 'c1', 7, 'open', 'Error', 'Failed', 'm', 's', 'h', 't')",
        "UPDATE ledger SET message = 'm2' WHERE event_id = 'e1'",
        "INSERT INTO outbox (event_id, payload, state, created_at) VALUES ('e1', '{}', 'pending', 't')",
        "UPDATE outbox SET state = 'done'",
        "DELETE FROM outbox",
        "DELETE FROM ledger",
    ];
    let mut last = 0;
    for (i, sql) in writes.iter().enumerate() {
        // Alternate connections: the revision is shared by both.
        let writer = if i % 2 == 0 { &one } else { &two };
        writer.with_conn(|c| c.execute(sql, [])).unwrap();
        let now = revision(&one);
        assert!(now > last, "{sql}: {now} after {last}");
        assert_eq!(revision(&two), now);
        last = now;
    }
    // Other tables leave it alone.
    one.with_conn(|c| {
        c.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 't')",
            [],
        )
    })
    .unwrap();
    assert_eq!(revision(&two), last);
}

/// A database with a filler table at its end, closed cleanly. Its time is
/// then set back and it is opened and closed once more, so that the stamp
/// is surely later than the file's last write whatever the clock's grain.
fn filled(path: &Path) {
    let store = Store::open(path).unwrap();
    store
        .with_conn(|c| {
            c.execute_batch(
                "CREATE TABLE filler (x TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                 INSERT INTO filler SELECT printf('%0200d', i) FROM n;",
            )
        })
        .unwrap();
    drop(store);
    let earlier = std::time::SystemTime::now() - Duration::from_secs(10);
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(earlier).unwrap();
    drop(file);
    drop(Store::open(path).unwrap());
}

/// Scribbles over the filler's pages at the end of the file, then puts the
/// size and modification time back: to the stamp, nothing changed.
fn damage_keeping_time(path: &Path) {
    const PAGE: usize = 4096;
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    assert!(len > 20 * PAGE, "{len}");
    bytes[len - 12 * PAGE..len - 2 * PAGE].fill(0xA5);
    std::fs::write(path, &bytes).unwrap();
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(modified).unwrap();
}

/// Rule 17: the whole-file check runs at open only after a stop without a
/// clean close. A file damaged behind the stamp's back (same size and time)
/// shows that the check was skipped after a clean close, and that it runs
/// after a crash.
#[test]
fn the_database_check_runs_only_after_an_unclean_stop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    filled(&path);
    assert!(stamp_path(&path).exists(), "a clean close leaves a stamp");
    damage_keeping_time(&path);
    let store = Store::open(&path).expect("no whole-file check after a clean close");
    assert!(!stamp_path(&path).exists(), "the open takes the stamp");
    // The process dies holding the store: no clean close.
    std::mem::forget(store);
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
}

/// Any write after the clean close (another process, a copy put back)
/// voids the stamp, and so does a stamp that does not parse.
#[test]
fn a_changed_file_or_a_bad_stamp_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    filled(&path);
    // Written after the close, in place: same size, new time.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    damage_keeping_time(&path);
    assert!(matches!(
        Store::open(&path).unwrap_err(),
        StoreError::Damaged { .. }
    ));

    let other = dir.path().join("other.db");
    filled(&other);
    std::fs::write(stamp_path(&other), b"not a stamp").unwrap();
    damage_keeping_time(&other);
    assert!(matches!(
        Store::open(&other).unwrap_err(),
        StoreError::Damaged { .. }
    ));
}

/// Review L8: the data folder and the database (with its `-wal` and
/// `-shm`) are readable by the user only, and an open folder is tightened.
#[test]
fn the_folder_and_the_database_files_are_private() {
    use bridge_base::platform::{self, Os};
    if !Os::current().is_unix() {
        return; // No modes (see `bridge_base::private`).
    }
    let mode = |p: &Path| platform::mode(&std::fs::metadata(p).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("BackupBridge");
    std::fs::create_dir(&data).unwrap();
    platform::set_mode(&data, 0o755).unwrap();
    let path = data.join(DB_FILE_NAME);
    let store = Store::open(&path).unwrap();
    settings::set(&store, "ticket.board", "Service Desk").unwrap();
    assert_eq!(mode(&data), 0o700);
    for file in [DB_FILE_NAME, "backupbridge.db-wal", "backupbridge.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    drop(store);
    // A database left readable by an older version is tightened at open.
    platform::set_mode(&path, 0o644).unwrap();
    drop(Store::open(&path).unwrap());
    assert_eq!(mode(&path), 0o600);
}

/// The app's lists read through a connection of their own: a write the
/// main connection holds open does not make them wait, and what it
/// commits is seen next.
#[test]
fn the_reader_reads_committed_data_while_a_write_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("reader.db")).unwrap();
    let count = |s: &Store| {
        s.with_reader(|c| c.query_row("SELECT COUNT(*) FROM settings", [], |r| r.get::<_, i64>(0)))
            .unwrap()
    };
    assert_eq!(count(&store), 0);
    let (started, go_on) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            store
                .with_tx(|tx| {
                    tx.execute(
                        "INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 't')",
                        [],
                    )?;
                    started.0.send(()).unwrap();
                    go_on.1.recv().unwrap();
                    Ok(())
                })
                .unwrap();
        })
    };
    started.1.recv().unwrap();
    // The write is open and holds the main connection: the reader answers.
    assert_eq!(count(&store), 0);
    go_on.0.send(()).unwrap();
    writer.join().unwrap();
    assert_eq!(count(&store), 1);
}
