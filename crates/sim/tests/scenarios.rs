#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Scenario tests of the sync rules (design §4): a timeline of Dashboard
//! snapshots goes in, and after every cycle the whole ConnectWise state —
//! each ticket's summary, status, closedFlag, company, priority, agreement,
//! externalXRef, and its notes with their tabs — is compared exactly.
//!
//! State lines read `xref "summary" status= closed= company= priority=
//! agreement=`; note lines read `<tabs> <first line> +[detail ids quoted]`
//! with tabs D(iscussion) and R(esolution). See `world::render`.

mod world;

use bridge_core::model::Override;
use bridge_core::ops::MapRequest;
use bridge_sim::cw::{DEMO_BLUEYONDER_ID, DEMO_NORTHWIND_ID};
use serde_json::json;
use world::*;

const ICB_ACTIVE: &str = r##"name like "%ICB" and agreementStatus = "Active""##;

/// Rules 2, 4, 5 and 6 on one error event: creation with the details of the
/// moment in the description, a message change (note, no PATCH), an event
/// type change (note + PATCH of summary and priority), completion (resolution
/// note, closed status) and failing again (reopened).
#[tokio::test]
async fn an_event_from_warning_to_completed_and_failing_again() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;

    let warning = |msg: &str| ev("evt-1", ACME, "Warning", "Warning", msg).details(FILE, &["d-1"]);
    w.sync_ok(vec![warning("slow disk")]).await;
    w.expect(
        "created",
        r##"
        bb:evt-1 "Warning: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-1 +[d-1]
        "##,
    );
    let t = w.ticket_id("evt-1");
    let notes = format!("POST /service/tickets/{t}/notes");
    let patch = format!("PATCH /service/tickets/{t}");

    // Rule 4: only the message changed -> one note, nothing to patch.
    w.sync_costs("message", vec![warning("disk 91% full")], &[notes.clone()])
        .await;
    // Rule 4 + 5: type and status change (summary and priority follow) and a
    // new detail; new details on an open ticket need its state (rule 8).
    let failed = ev("evt-1", ACME, "Error", "Failed", "disk full").details(FILE, &["d-1", "d-2"]);
    let state = format!("GET /service/tickets?id in ({t})");
    w.sync_costs(
        "failed",
        vec![failed.clone()],
        &[state, patch.clone(), notes.clone(), notes.clone()],
    )
    .await;
    w.expect(
        "failed",
        r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1 +[d-1]
          D Message changed: disk 91% full
          D Warning -> Failed: disk full
          D Detail d-2 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
        "##,
    );
    // Nothing changed: nothing sent.
    w.sync_costs("unchanged", vec![failed], &[]).await;

    // Rule 6: completion closes with a resolution note.
    let completed = ev(
        "evt-1",
        ACME,
        "Error",
        "Completed",
        "Backup completed successfully",
    )
    .details(FILE, &["d-1", "d-2"]);
    w.sync_costs(
        "completed",
        vec![completed],
        &[notes.clone(), patch.clone()],
    )
    .await;
    w.expect(
        "completed",
        r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=>Closed closed=true company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1 +[d-1]
          D Message changed: disk 91% full
          D Warning -> Failed: disk full
          D Detail d-2 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
          R Failed -> Completed: Backup completed successfully
        "##,
    );

    // Rule 6: the same event fails again -> reopened with a note.
    let again = ev("evt-1", ACME, "Error", "Failed", "disk full again")
        .details(FILE, &["d-1", "d-2", "d-3"]);
    w.sync_costs("fails again", vec![again], &[patch, notes.clone(), notes])
        .await;
    w.expect(
        "fails again",
        r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1 +[d-1]
          D Message changed: disk 91% full
          D Warning -> Failed: disk full
          D Detail d-2 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
          R Failed -> Completed: Backup completed successfully
          D Completed -> Failed: disk full again
          D Detail d-3 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
        "##,
    );
}

/// Rules 2, 5, 6 and 7 for anomalies: ticketed although the job completed,
/// BackupAnomalyDetails pushed once each, never closed on completion, but
/// closed when removed from the Dashboard. A completed non-anomaly event
/// without a ticket is never ticketed.
#[tokio::test]
async fn anomalies_are_ticketed_after_completion_and_only_closed_on_removal() {
    let w = World::new().await;
    w.map(FABRIKAM, "FabrikamBuild").await;
    w.map(ACME, "AcmeDental").await;

    let a1 = |ids: &[&str]| {
        ev(
            "evt-a1",
            FABRIKAM,
            "BackupAnomaly",
            "Completed",
            "unusual change rate",
        )
        .details(ANOMALY, ids)
    };
    let a3 = |status: &str, msg: &str| ev("evt-a3", FABRIKAM, "BackupAnomaly", status, msg);
    let done = ev("evt-c2", ACME, "Error", "Completed", "done");
    w.sync_ok(vec![
        a1(&["a-1"]),
        a3("Running", "many deleted files"),
        done.clone(),
    ])
    .await;
    w.expect(
        "created",
        r##"
        bb:evt-a1 "BackupAnomaly: PC-a1 - Nightly (FileLevel)" status=New closed=false company=FabrikamBuild priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-a1 +[a-1]
        bb:evt-a3 "BackupAnomaly: PC-a3 - Nightly (FileLevel)" status=New closed=false company=FabrikamBuild priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-a3
        "##,
    );

    w.sync_ok(vec![
        a1(&["a-1", "a-2"]),
        a3("Completed", "job finished"),
        done.clone(),
    ])
    .await;
    // Same snapshot again: each detail stays pushed exactly once.
    w.sync_ok(vec![
        a1(&["a-1", "a-2"]),
        a3("Completed", "job finished"),
        done.clone(),
    ])
    .await;
    w.expect(
        "anomaly job completed",
        r##"
        bb:evt-a1 "BackupAnomaly: PC-a1 - Nightly (FileLevel)" status=New closed=false company=FabrikamBuild priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-a1 +[a-1]
          D Detail a-2 · BackupAnomalyDetails · 2026-11-20T02:13:00Z
        bb:evt-a3 "BackupAnomaly: PC-a3 - Nightly (FileLevel)" status=New closed=false company=FabrikamBuild priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-a3
          D Running -> Completed: job finished
        "##,
    );

    // Rule 7: removal closes anomalies too.
    w.sync_ok(vec![a3("Completed", "job finished"), done]).await;
    w.expect(
        "anomaly removed",
        r##"
        bb:evt-a1 "BackupAnomaly: PC-a1 - Nightly (FileLevel)" status=>Closed closed=true company=FabrikamBuild priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-a1 +[a-1]
          D Detail a-2 · BackupAnomalyDetails · 2026-11-20T02:13:00Z
          R The monitoring event evt-a1 was removed from the Cloud Backup Dashboard; BackupBridge closed this ticket.
        bb:evt-a3 "BackupAnomaly: PC-a3 - Nightly (FileLevel)" status=New closed=false company=FabrikamBuild priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-a3
          D Running -> Completed: job finished
        "##,
    );
}

/// Rule 7, per policy: an open ticket and one already closed on completion,
/// both removed from the Dashboard.
#[tokio::test]
async fn removed_events_follow_the_removed_policy() {
    let created = r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1
        bb:evt-2 "Error: PC-2 - Nightly (FileLevel)" status=>Closed closed=true company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-2
          R Failed -> Completed: ok
    "##;
    let cases = [
        (
            "close",
            r##"
            bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=>Closed closed=true company=AcmeDental priority="Priority 2 - High" agreement=none
              D Cloud Backup monitoring event evt-1
              R The monitoring event evt-1 was removed from the Cloud Backup Dashboard; BackupBridge closed this ticket.
            bb:evt-2 "Error: PC-2 - Nightly (FileLevel)" status=>Closed closed=true company=AcmeDental priority="Priority 2 - High" agreement=none
              D Cloud Backup monitoring event evt-2
              R Failed -> Completed: ok
            "##,
        ),
        ("leave", created),
        ("delete", ""),
    ];
    for (policy, after_removal) in cases {
        let w = World::new().await;
        w.map(ACME, "AcmeDental").await;
        w.set("ticket.removed_policy", policy);
        let e1 = ev("evt-1", ACME, "Error", "Failed", "disk full");
        w.sync_ok(vec![
            e1.clone(),
            ev("evt-2", ACME, "Error", "Failed", "locked"),
        ])
        .await;
        w.sync_ok(vec![e1, ev("evt-2", ACME, "Error", "Completed", "ok")])
            .await;
        w.expect(&format!("{policy}: before removal"), created);
        w.sync_ok(vec![]).await;
        w.expect(&format!("{policy}: removed"), after_removal);
        // Applied once: the next cycle has nothing left to do.
        w.sync_costs(&format!("{policy}: after"), vec![], &[]).await;
        w.expect(&format!("{policy}: after"), after_removal);
    }
}

/// Rule 1: unmapped companies, event and backup type filters, per-company
/// overrides versus Default, unknown backup and event types kept as-is.
#[tokio::test]
async fn scope_follows_mapping_filters_and_overrides() {
    let w = World::new().await;
    w.set("defaults.backup_types", "FileLevel,MSSQL,Tape");
    w.map(ACME, "AcmeDental").await;
    w.map_with(MapRequest {
        backup_company_id: NORTHWIND.into(),
        cw_identifier: "NorthwindLaw".into(),
        event_types: only("Warning"),
        backup_types: only("MSSQL"),
        agreement_condition: None,
    })
    .await;
    let events = vec![
        ev("evt-1", ACME, "Error", "Failed", "in scope"),
        ev(
            "evt-2",
            ACME,
            "Warning",
            "Warning",
            "backup type not selected",
        )
        .with("backupType", "Exchange"),
        ev(
            "evt-3",
            NORTHWIND,
            "Error",
            "Failed",
            "event type overridden away",
        )
        .with("backupType", "MSSQL"),
        ev("evt-4", NORTHWIND, "Warning", "Warning", "in the override").with("backupType", "MSSQL"),
        ev(
            "evt-5",
            NORTHWIND,
            "Warning",
            "Warning",
            "backup type overridden away",
        ),
        ev("evt-6", TAILSPIN, "Error", "Failed", "company not mapped"),
        ev("evt-7", ACME, "Warning", "Overdue", "unknown backup type").with("backupType", "Tape"),
        ev(
            "evt-8",
            ACME,
            "Info",
            "Failed",
            "unknown event type, not selected",
        ),
    ];
    w.sync_ok(events.clone()).await;
    let base = r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1
        bb:evt-4 "Warning: PC-4 - Nightly (MSSQL)" status=New closed=false company=NorthwindLaw priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-4
        bb:evt-7 "Warning: PC-7 - Nightly (Tape)" status=New closed=false company=AcmeDental priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-7
    "##;
    w.expect("overrides", base);
    // Tailspin has no ConnectWise company: its events wait, unmapped.
    assert!(w.last_status(TAILSPIN).await.is_none());

    // Back to Default for Northwind; the unknown event type becomes selected.
    w.map_with(MapRequest {
        backup_company_id: NORTHWIND.into(),
        cw_identifier: "NorthwindLaw".into(),
        event_types: Some(Override::Default),
        backup_types: Some(Override::Default),
        agreement_condition: None,
    })
    .await;
    w.set("defaults.event_types", "Error,Warning,BackupAnomaly,Info");
    w.sync_ok(events).await;
    w.expect(
        "defaults",
        r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1
        bb:evt-3 "Error: PC-3 - Nightly (MSSQL)" status=New closed=false company=NorthwindLaw priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-3
        bb:evt-4 "Warning: PC-4 - Nightly (MSSQL)" status=New closed=false company=NorthwindLaw priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-4
        bb:evt-5 "Warning: PC-5 - Nightly (FileLevel)" status=New closed=false company=NorthwindLaw priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-5
        bb:evt-7 "Warning: PC-7 - Nightly (Tape)" status=New closed=false company=AcmeDental priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-7
        bb:evt-8 "Info: PC-8 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-8
        "##,
    );
}

/// Rule 3: empty condition (an explicit override of the Default) = no
/// agreement; a Default condition; several matches = the lowest id; no match
/// = nothing created, the error (naming the condition) in Last Update Status,
/// one lookup per cycle, and the ticket created once an agreement matches.
/// An event removed while held back never becomes a ticket (rule 7).
#[tokio::test]
async fn agreements_follow_the_condition_and_missing_ones_hold_tickets_back() {
    let w = World::new().await;
    w.set("defaults.agreement_condition", ICB_ACTIVE);
    w.add_agreement(405, DEMO_NORTHWIND_ID, "Zulu Backup");
    w.map_with(MapRequest {
        backup_company_id: ACME.into(),
        cw_identifier: "AcmeDental".into(),
        agreement_condition: Some(Override::Explicit(String::new())),
        ..MapRequest::default()
    })
    .await;
    w.map_with(MapRequest {
        backup_company_id: NORTHWIND.into(),
        cw_identifier: "NorthwindLaw".into(),
        agreement_condition: Some(Override::Explicit(r#"agreementStatus = "Active""#.into())),
        ..MapRequest::default()
    })
    .await;
    w.map(CONTOSO, "ContosoHealth").await;
    w.map(BLUEYONDER, "BlueYonder").await;

    let by4 = ev("evt-4", BLUEYONDER, "Error", "Failed", "VM snapshot failed");
    let by5 = ev("evt-5", BLUEYONDER, "Warning", "Warning", "slow");
    let others = vec![
        ev("evt-1", ACME, "Error", "Failed", "x"),
        ev("evt-2", NORTHWIND, "Error", "Failed", "x"),
        ev("evt-3", CONTOSO, "Warning", "Warning", "x"),
    ];
    let expected = r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1
        bb:evt-2 "Error: PC-2 - Nightly (FileLevel)" status=New closed=false company=NorthwindLaw priority="Priority 2 - High" agreement="Zulu Backup"#405
          D Cloud Backup monitoring event evt-2
        bb:evt-3 "Warning: PC-3 - Nightly (FileLevel)" status=New closed=false company=ContosoHealth priority="Priority 3 - Normal" agreement="Business Continuity ICB"#421
          D Cloud Backup monitoring event evt-3
    "##;
    let no_match = format!("no agreement of BlueYonder matches `{ICB_ACTIVE}`");

    let mut snapshot = others.clone();
    snapshot.extend([by4.clone(), by5]);
    let report = w.sync(snapshot).await;
    assert_eq!(
        report.errors,
        vec![format!("Blue Yonder Airlines (c-1005): {no_match}")]
    );
    w.expect("held back", expected);
    let status = w.last_status(BLUEYONDER).await.unwrap();
    assert!(!status.ok && status.message == no_match, "{status:?}");
    assert!(w.last_status(ACME).await.unwrap().ok);

    // evt-5 leaves while held back; the retry costs one lookup for the company.
    let mut snapshot = others.clone();
    snapshot.push(by4.clone());
    let lookup =
        format!("GET /finance/agreements?company/id={DEMO_BLUEYONDER_ID} and ({ICB_ACTIVE})");
    let report = w.sync_costs("retry", snapshot.clone(), &[lookup]).await;
    assert!(report.has_errors());
    w.expect("still held back", expected);

    // Someone adds a matching agreement in ConnectWise: created next cycle.
    w.add_agreement(443, DEMO_BLUEYONDER_ID, "Blue Yonder ICB");
    w.sync_ok(snapshot).await;
    w.expect(
        "agreement added",
        &format!(
            r##"{expected}
            bb:evt-4 "Error: PC-4 - Nightly (FileLevel)" status=New closed=false company=BlueYonder priority="Priority 2 - High" agreement="Blue Yonder ICB"#443
              D Cloud Backup monitoring event evt-4
            "##
        ),
    );
    assert!(w.last_status(BLUEYONDER).await.unwrap().ok);
}

/// Rule 8: a ticket a technician closed is reopened when its event keeps
/// failing with new details, once per batch; one merely moved to another open
/// status keeps it.
#[tokio::test]
async fn technician_changes_are_respected() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let e1 = |ids: &[&str]| ev("evt-1", ACME, "Error", "Failed", "3 files").details(FILE, ids);
    let e2 =
        |msg: &str, ids: &[&str]| ev("evt-2", ACME, "Warning", "Warning", msg).details(FILE, ids);
    w.sync_ok(vec![e1(&["d-1"]), e2("slow", &[])]).await;
    let (t1, t2) = (w.ticket_id("evt-1"), w.ticket_id("evt-2"));
    w.cw().set_ticket_status(t1, ">Closed").unwrap();
    w.cw().set_ticket_status(t2, "In Progress").unwrap();

    let batch1 = vec![e1(&["d-1", "d-2", "d-3"]), e2("slower", &["d-9"])];
    w.sync_ok(batch1.clone()).await;
    let reopened = r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1 +[d-1]
          D Reopened by BackupBridge: the backup job is still failing and reported 2 new details.
          D Detail d-2 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
          D Detail d-3 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
        bb:evt-2 "Warning: PC-2 - Nightly (FileLevel)" status=In Progress closed=false company=AcmeDental priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-2
          D Message changed: slower
          D Detail d-9 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
    "##;
    w.expect("reopened", reopened);
    w.sync_costs("same batch", batch1.clone(), &[]).await;

    // Closed again, no new detail: it stays closed.
    w.cw().set_ticket_status(t1, "Closed (resolved)").unwrap();
    w.sync_costs("closed again", batch1, &[]).await;
    assert_eq!(
        w.cw().ticket(t1).unwrap()["status"]["name"],
        "Closed (resolved)"
    );

    // A new batch reopens it once more.
    w.sync_ok(vec![
        e1(&["d-1", "d-2", "d-3", "d-4"]),
        e2("slower", &["d-9"]),
    ])
    .await;
    w.expect(
        "new batch",
        r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1 +[d-1]
          D Reopened by BackupBridge: the backup job is still failing and reported 2 new details.
          D Detail d-2 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
          D Detail d-3 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
          D Reopened by BackupBridge: the backup job is still failing and reported 1 new detail.
          D Detail d-4 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
        bb:evt-2 "Warning: PC-2 - Nightly (FileLevel)" status=In Progress closed=false company=AcmeDental priority="Priority 3 - Normal" agreement=none
          D Cloud Backup monitoring event evt-2
          D Message changed: slower
          D Detail d-9 · FileLevelErrorDetails · 2026-11-20T02:13:00Z
        "##,
    );
}

/// Rule 2 (summary capped at 100 characters) and rule 11: malformed items are
/// skipped and reported with their position (and id), the others sync, the
/// run ends with errors; while an item without id is unreadable, no tracked
/// event counts as removed.
#[tokio::test]
async fn long_summaries_and_malformed_items() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let long_plan = "Nightly full backup of the accounting department file shares \
                     including scanned invoices and archives";
    let e1 = ev("evt-1", ACME, "Error", "Failed", "x");
    let e2 = ev("evt-2", ACME, "Error", "Failed", "x").with("plan", long_plan);
    let no_id = json!({"companyId": ACME, "eventType": "Error"});
    let bad_type = json!({"id": "evt-bad", "companyId": ACME, "backupType": "FileLevel",
                          "eventType": "Error", "jobStatus": 5});
    let report = w
        .sync(vec![e1.clone(), no_id.clone(), e2.clone(), bad_type])
        .await;
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert!(report.errors[0].starts_with("item at position 1 (counting from 0): "));
    assert!(report.errors[1].starts_with("item at position 3 (counting from 0), id \"evt-bad\": "));
    let runs = bridge_core::store::runs::recent_runs(&w.store, 1).unwrap();
    assert_eq!(
        runs[0].outcome(),
        bridge_core::store::runs::RunOutcome::WithErrors
    );
    let summary = "Error: PC-2 - Nightly full backup of the accounting department file shares including scanned…";
    assert!(summary.chars().count() <= 100);
    let both = format!(
        r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1
        bb:evt-2 "{summary}" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-2
        "##
    );
    w.expect("synced around bad items", &both);

    // evt-1 is gone, but the id-less item might be it: removal waits.
    let report = w.sync(vec![no_id, e2.clone()]).await;
    assert!(report.removals_held && report.has_errors());
    w.expect("removal held", &both);

    let report = w.sync_ok(vec![e2]).await;
    assert!(!report.removals_held);
    w.expect(
        "removal applied",
        &format!(
            r##"
            bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=>Closed closed=true company=AcmeDental priority="Priority 2 - High" agreement=none
              D Cloud Backup monitoring event evt-1
              R The monitoring event evt-1 was removed from the Cloud Backup Dashboard; BackupBridge closed this ticket.
            bb:evt-2 "{summary}" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
              D Cloud Backup monitoring event evt-2
            "##
        ),
    );
}

/// The test helper `CwSim::add_agreement` keeps the seed's consistency rules.
#[tokio::test]
async fn add_agreement_rejects_reused_ids_and_unknown_companies() {
    let w = World::new().await;
    let base = || bridge_sim::cw::SeedAgreement {
        id: 401,
        name: "dup".into(),
        company_id: DEMO_NORTHWIND_ID,
        type_: bridge_sim::cw::SeedNamed {
            id: 10,
            name: "Business Continuity".into(),
        },
        agreement_status: "Active".into(),
        cancelled_flag: false,
        start_date: None,
        end_date: None,
        no_ending_date_flag: true,
        parent_agreement_id: None,
    };
    let e = w.cw().add_agreement(base()).unwrap_err().to_string();
    assert!(e.contains("used twice"), "{e}");
    let e = w
        .cw()
        .add_agreement(bridge_sim::cw::SeedAgreement {
            id: 999,
            company_id: 9_999,
            ..base()
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown company"), "{e}");
}
