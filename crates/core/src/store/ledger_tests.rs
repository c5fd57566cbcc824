//! The ledger's flap record (migration 010): read, written and carried over
//! from files written before it.

use rusqlite::Connection;

use super::*;
use crate::store::{migrations, Store};

/// Migration 010: a ledger row written before flap records reads as never
/// having flapped; a record is kept as written, and an unreadable one only
/// loses the damping, never the row.
#[test]
fn migration_010_adds_the_flap_record_to_existing_rows() {
    let path = tempfile::tempdir().unwrap().keep().join("flap.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 9).unwrap();
        conn.execute(
            "INSERT INTO ledger (event_id, company_id, ticket_id, state, event_type, job_status, \
             message, summary, content_hash, updated_at) \
             VALUES ('e1', 'c1', 7, 'open', 'Error', 'Failed', 'm', 's', 'h', 't')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let mut row = store.with_conn(|c| get(c, "e1")).unwrap().unwrap();
    assert_eq!((row.flap.clone(), row.flaps()), (None, None));
    row.flap = Some(FlapRecord {
        since: Some("2026-12-06T21:04:00Z".into()),
        failures: 4,
        completions: 3,
        ..FlapRecord::default()
    });
    store.with_conn(|c| put(c, &row)).unwrap();
    let read = store.with_conn(|c| get(c, "e1")).unwrap().unwrap();
    assert_eq!(read, row);
    assert_eq!(read.flaps(), Some(4));
    store
        .with_conn(|c| {
            c.execute(
                "UPDATE ledger SET flap = '{not json' WHERE event_id = 'e1'",
                [],
            )
        })
        .unwrap();
    let read = store.with_conn(|c| get(c, "e1")).unwrap().unwrap();
    assert_eq!((read.flap, read.ticket_id), (None, 7));
}
