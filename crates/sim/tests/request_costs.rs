#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Rule 10 (design §4): a cycle in which every in-scope event is in step
//! costs zero ConnectWise requests — discovery and the ticket template
//! included, also in a new process over the same database — and a changed
//! event costs exactly the requests its change needs.

mod world;

use bridge_core::engine::{template, CODEBASE_KEY};
use bridge_core::store::settings;
use bridge_sim::cw::{DEMO_ACME_ID, DEMO_BLUEYONDER_ID};
use serde_json::Value;
use world::*;

const ICB_ACTIVE: &str = r#"name like "%ICB" and agreementStatus = "Active""#;

/// A mixed Dashboard: open tickets with and without details, an anomaly on a
/// completed job, a ticket closed on completion, a completed event never
/// ticketed, an unmapped company's event and a filtered one.
fn snapshot(e1_details: &[&str], e2: Value, e5_status: &str) -> Vec<Value> {
    vec![
        ev("evt-1", ACME, "Error", "Failed", "3 files").details(FILE, e1_details),
        e2,
        ev("evt-3", FABRIKAM, "BackupAnomaly", "Completed", "odd").details(ANOMALY, &["a-1"]),
        ev("evt-4", ACME, "Error", "Completed", "fine now"),
        ev("evt-5", ACME, "Error", e5_status, "locked"),
        ev("evt-6", TAILSPIN, "Error", "Failed", "unmapped"),
        ev("evt-7", ACME, "Error", "Failed", "filtered").with("backupType", "Exchange"),
    ]
}

fn warning(msg: &str) -> Value {
    ev("evt-2", NORTHWIND, "Warning", "Warning", msg)
}

/// REGRESSION: the codebase discovered while mapping companies (before the
/// first cycle) was never saved, so every new process discovered it again.
#[tokio::test]
async fn in_step_cycles_cost_nothing_and_changes_cost_exactly_what_they_need() {
    let w = World::new().await;
    w.set("defaults.agreement_condition", ICB_ACTIVE);
    w.set("defaults.backup_types", "FileLevel,MSSQL");
    for (company, cw) in [
        (ACME, "AcmeDental"),
        (NORTHWIND, "NorthwindLaw"),
        (FABRIKAM, "FabrikamBuild"),
        (BLUEYONDER, "BlueYonder"),
    ] {
        w.map(company, cw).await;
    }
    w.sync_ok(snapshot(&["d-1"], warning("slow"), "Failed"))
        .await;
    let in_step = snapshot(&["d-1"], warning("slow"), "Completed");
    w.sync_ok(in_step.clone()).await;
    assert_eq!(w.cw().tickets().len(), 4, "{}", w.state());

    w.sync_costs("in step", in_step.clone(), &[]).await;
    w.sync_costs("in step again", in_step.clone(), &[]).await;

    // A new process: the codebase and the template come from the database.
    let codebase = settings::get(&w.store, CODEBASE_KEY).unwrap();
    assert_eq!(codebase.as_deref(), Some("v2025_1/"));
    let cached = settings::get(&w.store, template::CACHE_KEY).unwrap();
    assert!(cached.is_some_and(|t| t.contains("Service Desk")));
    let fresh = w.fresh_engine();
    w.demo.dashboard.set_events(in_step.clone());
    w.cw().clear_requests();
    let report = fresh.run_cycle(false).await.unwrap();
    assert!(!report.has_errors(), "{:?}", report.errors);
    assert_eq!(w.cw_requests(), Vec::<String>::new(), "fresh engine");

    // Each change alone, from a fresh engine, costs exactly what it needs.
    let (t1, t2) = (w.ticket_id("evt-1"), w.ticket_id("evt-2"));
    let notes = |t: i64| format!("POST /service/tickets/{t}/notes");
    let patch = |t: i64| format!("PATCH /service/tickets/{t}");
    let state = |t: i64| format!("GET /service/tickets?id in ({t})");
    let acme_lookup =
        format!("GET /finance/agreements?company/id={DEMO_ACME_ID} and ({ICB_ACTIVE})");
    let by_lookup =
        format!("GET /finance/agreements?company/id={DEMO_BLUEYONDER_ID} and ({ICB_ACTIVE})");
    let with_new = |mut list: Vec<Value>, extra: Value| {
        list.push(extra);
        list
    };
    let new_acme = ev("evt-8", ACME, "Error", "Failed", "new");
    let held = ev("evt-9", BLUEYONDER, "Error", "Failed", "no agreement");
    let cases: Vec<(&str, Vec<Value>, Vec<String>)> = vec![
        (
            "message change: one note",
            snapshot(&["d-1"], warning("slower"), "Completed"),
            vec![notes(t2)],
        ),
        (
            "new detail: state lookup (rule 8) + one note",
            snapshot(&["d-1", "d-2"], warning("slower"), "Completed"),
            vec![state(t1), notes(t1)],
        ),
        (
            "event type change: one PATCH (summary + priority) + one note",
            snapshot(
                &["d-1", "d-2"],
                ev("evt-2", NORTHWIND, "Error", "Failed", "disk full"),
                "Completed",
            ),
            vec![patch(t2), notes(t2)],
        ),
        (
            "completion: resolution note + PATCH status",
            snapshot(
                &["d-1", "d-2"],
                ev("evt-2", NORTHWIND, "Error", "Completed", "ok"),
                "Completed",
            ),
            vec![notes(t2), patch(t2)],
        ),
        (
            "new event: agreement lookup + create",
            with_new(
                snapshot(
                    &["d-1", "d-2"],
                    ev("evt-2", NORTHWIND, "Error", "Completed", "ok"),
                    "Completed",
                ),
                new_acme.clone(),
            ),
            vec![acme_lookup, "POST /service/tickets".to_owned()],
        ),
        (
            "event held back: one lookup per cycle",
            with_new(
                with_new(
                    snapshot(
                        &["d-1", "d-2"],
                        ev("evt-2", NORTHWIND, "Error", "Completed", "ok"),
                        "Completed",
                    ),
                    new_acme.clone(),
                ),
                held.clone(),
            ),
            vec![by_lookup.clone()],
        ),
        (
            "still held back: the same single lookup",
            with_new(
                with_new(
                    snapshot(
                        &["d-1", "d-2"],
                        ev("evt-2", NORTHWIND, "Error", "Completed", "ok"),
                        "Completed",
                    ),
                    new_acme,
                ),
                held,
            ),
            vec![by_lookup],
        ),
    ];
    for (what, events, want) in cases {
        let engine = w.fresh_engine();
        w.demo.dashboard.set_events(events);
        w.cw().clear_requests();
        engine.run_cycle(false).await.unwrap();
        let got = w.cw_requests();
        assert_eq!(got, want, "{what}: requests were\n{}", got.join("\n"));
    }
}

/// Rule 8's reopen, priced: the state lookup, the reopen, its note and the
/// detail note.
#[tokio::test]
async fn a_reopen_costs_four_requests() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let e = |ids: &[&str]| ev("evt-1", ACME, "Error", "Failed", "x").details(FILE, ids);
    w.sync_ok(vec![e(&["d-1"])]).await;
    let t = w.ticket_id("evt-1");
    w.cw().set_ticket_status(t, ">Closed").unwrap();
    w.sync_costs(
        "reopen",
        vec![e(&["d-1", "d-2"])],
        &[
            format!("GET /service/tickets?id in ({t})"),
            format!("PATCH /service/tickets/{t}"),
            format!("POST /service/tickets/{t}/notes"),
            format!("POST /service/tickets/{t}/notes"),
        ],
    )
    .await;
    w.sync_costs("in step", vec![e(&["d-1", "d-2"])], &[]).await;
}

/// A stale codebase in the database (ConnectWise was upgraded) costs one
/// company-info read on the first 404, and never a duplicate ticket: the
/// engine must not take the 404 for a deleted ticket. A ticket really deleted
/// by a technician is still ticketed anew.
#[tokio::test]
async fn a_stale_codebase_is_rediscovered_without_a_duplicate_ticket() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let e = |id: &str, msg: &str| ev(id, ACME, "Error", "Failed", msg);
    w.sync_ok(vec![e("evt-1", "a"), e("evt-2", "a")]).await;
    let (t1, t2) = (w.ticket_id("evt-1"), w.ticket_id("evt-2"));
    settings::set(&w.store, CODEBASE_KEY, "v2019_1/").unwrap();
    let engine = w.fresh_engine();

    w.demo
        .dashboard
        .set_events(vec![e("evt-1", "b"), e("evt-2", "a")]);
    w.cw().clear_requests();
    let report = engine.run_cycle(false).await.unwrap();
    assert!(!report.has_errors(), "{:?}", report.errors);
    assert_eq!(
        w.cw_requests(),
        vec![
            format!("POST /service/tickets/{t1}/notes"),
            "GET /login/companyinfo/bridgedemo".to_owned(),
            format!("POST /service/tickets/{t1}/notes"),
        ]
    );
    assert_eq!(
        settings::get(&w.store, CODEBASE_KEY).unwrap().as_deref(),
        Some("v2025_1/")
    );
    w.sync_costs("in step", vec![e("evt-1", "b"), e("evt-2", "a")], &[])
        .await;

    // A technician deletes evt-2's ticket: the next change finds it gone.
    assert!(w.cw().delete_ticket(t2));
    let report = w.sync(vec![e("evt-1", "b"), e("evt-2", "b")]).await;
    assert!(
        report.errors[0].message.contains("no longer exists"),
        "{:?}",
        report.errors
    );
    w.sync_ok(vec![e("evt-1", "b"), e("evt-2", "b")]).await;
    w.expect(
        "deleted by a technician",
        r#"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1
          D Message changed: b
        bb:evt-2 "Error: PC-2 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-2
        "#,
    );
    assert_ne!(w.ticket_id("evt-2"), t2);
}
