#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Design rule 17 through the engine: a cycle prunes the settled outbox rows
//! and runs past the retention window, and keeps the seen-types list capped
//! however many types the Dashboard invents.

mod world;

use bridge_core::ops::{self, SEEN_TYPES_KEY, SEEN_TYPES_MAX};
use bridge_core::store::settings;
use world::*;

const LONG_AGO: &str = "2020-01-01T00:00:00.000Z";

/// REGRESSION: `outbox::prune` had no caller and runs were never deleted.
#[tokio::test]
async fn a_cycle_prunes_old_settled_rows_and_runs() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(vec![ev("evt-1", ACME, "Error", "Failed", "disk full")])
        .await;
    w.store
        .with_conn(|c| {
            c.execute(
                "INSERT INTO outbox (event_id, payload, state, created_at, finished_at) \
                 VALUES ('old-done', '{}', 'done', ?1, ?1), ('old-pending', '{}', 'pending', ?1, NULL)",
                [LONG_AGO],
            )?;
            c.execute(
                "INSERT INTO sync_runs (started_at, finished_at) VALUES (?1, ?1)",
                [LONG_AGO],
            )
        })
        .unwrap();
    let count = |sql: &str| {
        w.store
            .with_conn(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
            .unwrap()
    };
    w.sync_ok(vec![ev("evt-1", ACME, "Error", "Failed", "disk full")])
        .await;
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE event_id = 'old-done'"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM sync_runs WHERE started_at = '2020-01-01T00:00:00.000Z'"),
        0
    );
    // The create of evt-1 is recent and stays; nothing unsettled is pruned.
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE event_id = 'evt-1'"),
        1
    );
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE event_id = 'old-pending'"),
        1
    );
}

#[tokio::test]
async fn invented_types_stop_at_the_cap() {
    let w = World::new().await;
    let events: Vec<_> = (0..SEEN_TYPES_MAX + 50)
        .map(|i| {
            ev(
                &format!("evt-{i}"),
                TAILSPIN,
                &format!("Type{i}"),
                "Failed",
                "m",
            )
        })
        .collect();
    w.sync(events).await;
    let stored = settings::get(&w.store, SEEN_TYPES_KEY).unwrap().unwrap();
    let seen: ops::SeenTypes = serde_json::from_str(&stored).unwrap();
    assert_eq!(seen.event_types.len(), SEEN_TYPES_MAX);
    assert_eq!(seen.event_types[0], "Type0");
}
