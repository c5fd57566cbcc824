#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Design rules 12–16 against the simulators: one writer per data folder,
//! ambiguous answers looked up before anything is sent again, exact
//! adoption, the removal guard with the ledger's source, and stuck intents
//! that never block the others. The CLI's side of the same rules is in
//! `crates/cli/tests/trust_cli.rs`.

mod world;

use std::sync::Arc;
use std::time::Duration;

use bridge_core::engine::{Engine, NetTuning, GUARDED_REMOVALS_KEY};
use bridge_core::ops;
use bridge_core::secrets::SecretKey;
use bridge_core::store::ledger::{self, NoteLedgerEffect, TicketState};
use bridge_core::store::outbox::{self, Intent, OutboxState};
use bridge_core::store::settings;
use bridge_core::Error;
use bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN;
use bridge_sim::demo::Demo;
use serde_json::Value;
use world::*;

fn failing(n: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| ev(&format!("evt-{i}"), ACME, "Error", "Failed", "3 files"))
        .collect()
}

fn tickets_with_xref(w: &World, xref: &str) -> Vec<i64> {
    w.cw()
        .tickets()
        .iter()
        .filter(|t| t["externalXRef"] == xref)
        .filter_map(|t| t["id"].as_i64())
        .collect()
}

fn states(w: &World) -> Vec<TicketState> {
    w.store
        .with_conn(ledger::all)
        .unwrap()
        .values()
        .map(|e| e.state)
        .collect()
}

// ---------------------------------------------------------------- rule 12

/// REGRESSION: two processes syncing one data folder at once (cron overlap,
/// the CLI next to the app) created two tickets per event.
#[tokio::test]
async fn rule12_two_engines_on_one_data_folder_make_one_ticket_per_event() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.demo.dashboard.set_events(failing(4));
    // Slow creates: each answer leaves after its ticket is committed.
    w.cw()
        .faults()
        .set_response_latency(Duration::from_millis(150));
    let (a, b) = (
        w.fresh_engine().with_lock_wait(Duration::from_secs(60)),
        w.fresh_engine().with_lock_wait(Duration::from_secs(60)),
    );
    let (ra, rb) = tokio::join!(a.run_cycle(false), b.run_cycle(false));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert!(
        !ra.has_errors() && !rb.has_errors(),
        "{:?} {:?}",
        ra.errors,
        rb.errors
    );
    assert_eq!(ra.counts.created + rb.counts.created, 4);
    for i in 1..=4 {
        assert_eq!(
            tickets_with_xref(&w, &format!("bb:evt-{i}")).len(),
            1,
            "evt-{i}"
        );
    }
}

#[tokio::test]
async fn rule12_a_second_writer_gives_up_naming_the_holder() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let holder = w.fresh_engine();
    let _held = holder
        .writer_lock()
        .await
        .unwrap()
        .expect("a file-backed store locks");
    let waiting = w.fresh_engine().with_lock_wait(Duration::ZERO);
    let err = waiting.run_cycle(false).await.unwrap_err();
    assert!(matches!(err, Error::Locked(_)), "{err:?}");
    assert!(err.is_retryable(), "the loop tries again later");
    assert!(
        err.to_string().starts_with(&format!(
            "BackupBridge is already syncing this data folder (pid {})",
            std::process::id()
        )),
        "{err}"
    );
    // Nothing was written: no run recorded by the process that waited.
    assert!(bridge_core::store::runs::recent_runs(&w.store, 5)
        .unwrap()
        .is_empty());
}

// ---------------------------------------------------------------- rule 13

/// REGRESSION: a create that ConnectWise committed but answered with a
/// gateway 502 was sent again: two tickets.
#[tokio::test]
async fn rule13_a_create_committed_then_answered_502_is_found_not_repeated() {
    for status in [502, 503, 504, 500, 404] {
        let w = World::new().await;
        w.map(ACME, "AcmeDental").await;
        w.cw().faults().fail_after_commit_next(1, status);
        let first = w.sync(failing(1)).await;
        assert_eq!(
            first.counts.created, 1,
            "{status}: adopted at once: {:?}",
            first.errors
        );
        w.sync_ok(failing(1)).await;
        assert_eq!(tickets_with_xref(&w, "bb:evt-1").len(), 1, "{status}");
        assert!(
            w.store.with_conn(outbox::pending).unwrap().is_empty(),
            "{status}"
        );
    }
}

/// REGRESSION: a note ConnectWise stored but answered with a 502 was added
/// again on the next cycle.
#[tokio::test]
async fn rule13_a_note_committed_then_answered_502_is_found_not_repeated() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(1)).await;
    let with_detail = vec![ev("evt-1", ACME, "Error", "Failed", "3 files").details(FILE, &["d-1"])];
    w.cw().faults().fail_after_commit_next(1, 502);
    let report = w.sync(with_detail.clone()).await;
    assert!(report.has_errors(), "the 502 is reported");
    let pending = w.store.with_conn(outbox::pending).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].state, OutboxState::Unknown);
    w.sync_ok(with_detail.clone()).await;
    let ticket = w.ticket_id("evt-1");
    assert_eq!(detail_note_count(w.cw(), ticket, "d-1"), 1);
    w.sync_costs("in step", with_detail, &[]).await;
}

/// A 404 on a PATCH while the ticket still exists (on cloud a 404 can be a
/// sign-in problem) never marks it deleted: no second ticket.
#[tokio::test]
async fn rule13_a_404_on_a_patch_needs_a_lookup_to_count_as_deleted() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(1)).await;
    let ticket = w.ticket_id("evt-1");
    let warning = vec![ev("evt-1", ACME, "Warning", "Warning", "slow")];
    // The note goes first, then the PATCH answers 404 once (the codebase
    // re-read that a 404 triggers does not change it).
    w.cw().faults().fail_after(1, 1, 404);
    let report = w.sync(warning.clone()).await;
    assert!(report.has_errors());
    assert_eq!(
        w.store
            .with_conn(|c| ledger::get(c, "evt-1"))
            .unwrap()
            .unwrap()
            .state,
        TicketState::Open
    );
    w.sync_ok(warning.clone()).await;
    assert_eq!(tickets_with_xref(&w, "bb:evt-1"), vec![ticket]);
    assert_eq!(
        w.cw().ticket(ticket).unwrap()["summary"],
        "Warning: PC-1 - Nightly (FileLevel)"
    );
}

// ---------------------------------------------------------------- rule 14

/// REGRESSION: events whose ids differ only in case; after a lost create
/// answer, recovery adopted the other event's ticket (the server's search is
/// case-insensitive), and later notes landed on another customer's ticket.
#[tokio::test]
async fn rule14_adoption_takes_only_a_ticket_that_is_exactly_ours() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.map(NORTHWIND, "NorthwindLaw").await;
    let upper = ev("EVT-1", ACME, "Error", "Failed", "3 files");
    w.sync_ok(vec![upper.clone()]).await;
    let theirs = tickets_with_xref(&w, "bb:EVT-1");
    assert_eq!(theirs.len(), 1);
    // The server's string `=` ignores case, like the real one: the search
    // for evt-1's xref finds EVT-1's ticket.
    let found = w
        .engine
        .cw()
        .await
        .unwrap()
        .find_tickets_by_xref("bb:evt-1")
        .await
        .unwrap();
    assert_eq!(found.iter().map(|t| t.id).collect::<Vec<_>>(), theirs);
    // evt-1's create never reaches ConnectWise, and its answer never comes.
    let engine = w.fresh_engine().with_tuning(NetTuning {
        request_timeout: Duration::from_millis(300),
        dashboard_page_size: PAGE_SIZE,
        ..NetTuning::default()
    });
    let lower = ev("evt-1", NORTHWIND, "Error", "Failed", "vss").details(FILE, &["d-9"]);
    w.demo
        .dashboard
        .set_events(vec![upper.clone(), lower.clone()]);
    w.cw().faults().hang_next(1);
    let report = engine.run_cycle(false).await.unwrap();
    assert!(report.has_errors(), "the lost answer is reported");
    assert_ne!(
        w.store
            .with_conn(|c| ledger::get(c, "evt-1"))
            .unwrap()
            .map(|e| e.ticket_id),
        Some(theirs[0]),
        "never the other event's ticket"
    );
    // The next cycles create evt-1's own ticket, in its own company.
    w.sync(vec![upper.clone(), lower.clone()]).await;
    w.sync_ok(vec![upper, lower]).await;
    let ours = tickets_with_xref(&w, "bb:evt-1");
    assert_eq!(ours.len(), 1);
    let t = w.cw().ticket(ours[0]).unwrap();
    assert_eq!(t["company"]["identifier"], "NorthwindLaw");
    assert_eq!(
        w.cw().notes(theirs[0]).len(),
        1,
        "nothing landed on EVT-1's ticket"
    );
}

// ---------------------------------------------------------------- rule 15

/// REGRESSION: an empty listing closed every tracked ticket at once.
#[tokio::test]
async fn rule15_an_empty_listing_removes_nothing_until_a_person_confirms() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(12)).await;
    let before = w.state();
    let report = w.sync(vec![]).await;
    let guarded = report.removals_guarded.expect("guarded");
    assert_eq!((guarded.count, guarded.tracked), (12, 12));
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].key, "removals:guarded");
    assert!(report.errors[0]
        .message
        .starts_with("12 of the 12 tracked events are missing"));
    assert_eq!(w.state(), before, "no ticket touched");
    assert!(settings::get(&w.store, GUARDED_REMOVALS_KEY)
        .unwrap()
        .is_some());
    let attention = ops::attention(&w.engine).await.unwrap();
    assert_eq!(attention.guarded_removals, Some(guarded));

    // The Dashboard is back: nothing was removed, nothing to do.
    let back = w.sync_ok(failing(12)).await;
    assert_eq!(back.counts.closed + back.counts.notes, 0);
    assert_eq!(w.state(), before);
    assert_eq!(
        ops::attention(&w.engine).await.unwrap().guarded_removals,
        None
    );

    // Gone again, and confirmed this time.
    assert!(w.sync(vec![]).await.removals_guarded.is_some());
    w.engine.confirm_removals();
    let confirmed = w.sync_ok(vec![]).await;
    assert_eq!(confirmed.counts.closed, 12);
    assert!(states(&w).iter().all(|s| *s == TicketState::Removed));
    // The confirmation was used up.
    w.sync_ok(failing(3)).await;
    let report = w.sync(vec![]).await;
    assert_eq!(
        report.counts.closed, 3,
        "three of three is too few to weigh"
    );
}

/// A listing from another source (dashboard.url pointed elsewhere) never
/// removes the rows the first source's listings made.
#[tokio::test]
async fn rule15_a_listing_from_another_source_removes_nothing() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(3)).await;
    let before = w.state();
    let other = w.demo.dashboard_url().replace("127.0.0.1", "localhost");
    w.set("dashboard.url", &other);
    // A secret is bound to its host (design §2): saved again for the new one.
    ops::save_secret(&w.engine, SecretKey::DashboardToken, DEMO_DASHBOARD_TOKEN)
        .await
        .unwrap();
    let report = w.sync_ok(vec![]).await;
    assert_eq!(report.counts.closed, 0);
    assert_eq!(w.state(), before);
    assert!(states(&w).iter().all(|s| *s == TicketState::Open));
    let rows = w.store.with_conn(ledger::all).unwrap();
    assert!(rows
        .values()
        .all(|e| e.source.starts_with("dashboard:http://127.0.0.1")));
}

// ---------------------------------------------------------------- rule 16

/// Puts an unconfirmed note for `event` on `ticket` in the outbox, as a
/// process that died after sending it would leave it.
fn pending_note(w: &World, event: &str, ticket: i64, detail: &str) -> i64 {
    let intent = Intent::Note {
        ticket_id: ticket,
        text: format!("Detail {detail} · {FILE} · {DETAIL_AT}\nlost\n"),
        effect: NoteLedgerEffect::Detail(detail.to_owned()),
    };
    w.store
        .with_conn(|c| outbox::intend(c, event, &intent, "2026-12-01T00:00:00Z"))
        .unwrap()
}

/// REGRESSION: one intent that could not be settled (403 on a ticket's
/// notes, 400, an undecodable answer) failed every cycle, for everyone.
#[tokio::test]
async fn rule16_a_stuck_intent_never_blocks_the_others() {
    for status in [403, 400] {
        let w = World::new().await;
        w.map(ACME, "AcmeDental").await;
        w.sync_ok(failing(2)).await;
        let t1 = w.ticket_id("evt-1");
        let id = pending_note(&w, "evt-1", t1, "d-5");
        // The notes lookup of the unconfirmed call is refused.
        w.cw().faults().fail_next(1, status);
        let mut next = failing(3);
        next[0] = ev("evt-1", ACME, "Error", "Failed", "3 files").details(FILE, &["d-5"]);
        next[1] = ev("evt-2", ACME, "Error", "Failed", "4 files");
        let report = w.sync(next.clone()).await;
        assert_eq!(report.counts.created, 1, "{status}: evt-3 still synced");
        assert_eq!(report.counts.notes, 1, "{status}: evt-2 still noted");
        assert!(
            report.errors.iter().any(|p| p.key == "event:evt-1"),
            "{status}"
        );
        assert_eq!(
            detail_note_count(w.cw(), t1, "d-5"),
            0,
            "{status}: held, not sent again"
        );
        let stuck = ops::attention(&w.engine).await.unwrap().stuck;
        assert_eq!(stuck.len(), 1, "{status}");
        assert_eq!(stuck[0].id, id);
        assert_eq!(stuck[0].what, format!("add a note to ticket #{t1}"));

        // Still stuck next cycle? It is tried again, and now settles.
        let report = w.sync_ok(next.clone()).await;
        assert_eq!(report.counts.notes, 1, "{status}: the detail goes out once");
        assert_eq!(detail_note_count(w.cw(), t1, "d-5"), 1, "{status}");
        assert!(ops::attention(&w.engine).await.unwrap().stuck.is_empty());
    }
}

#[tokio::test]
async fn rule16_a_stuck_intent_can_be_forgotten() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(1)).await;
    let t1 = w.ticket_id("evt-1");
    let id = pending_note(&w, "evt-1", t1, "d-5");
    w.cw().faults().fail_next(1, 403);
    let with_detail = vec![ev("evt-1", ACME, "Error", "Failed", "3 files").details(FILE, &["d-5"])];
    assert!(w.sync(with_detail.clone()).await.has_errors());
    let forgotten = ops::forget_intent(&w.engine, id).await.unwrap();
    assert_eq!(forgotten.id, id);
    let err = ops::forget_intent(&w.engine, id).await.unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    // Forgotten: the event is planned afresh and its detail goes out.
    w.sync_ok(with_detail).await;
    assert_eq!(detail_note_count(w.cw(), t1, "d-5"), 1);
}

#[tokio::test]
async fn rule16_an_unreadable_intent_is_stuck_not_silently_kept() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(2)).await;
    w.store
        .with_conn(|c| {
            c.execute(
                "INSERT INTO outbox (event_id, payload, state, created_at) \
                 VALUES ('evt-1', '{not json', 'pending', '2026-12-01T00:00:00Z')",
                [],
            )
        })
        .unwrap();
    let report = w.sync(failing(3)).await;
    assert_eq!(report.counts.created, 1, "the others sync");
    let stuck = ops::attention(&w.engine).await.unwrap().stuck;
    assert_eq!(stuck.len(), 1);
    assert_eq!(stuck[0].what, "an unreadable call");
    assert!(stuck[0]
        .error
        .as_deref()
        .unwrap_or_default()
        .contains("cannot be read"));
}

#[tokio::test]
async fn rule16_a_stuck_intent_is_kept_by_a_fresh_process() {
    // The stuck state is in the database, not in memory.
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(failing(1)).await;
    let t1 = w.ticket_id("evt-1");
    pending_note(&w, "evt-1", t1, "d-5");
    w.cw().faults().fail_next(1, 403);
    w.sync(failing(1)).await;
    let fresh: Engine = paged(Engine::new(
        w.fresh_engine().store().clone(),
        Arc::new(Demo::secrets()),
    ));
    assert_eq!(ops::attention(&fresh).await.unwrap().stuck.len(), 1);
}
