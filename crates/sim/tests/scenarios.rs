#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Scenario tests of the sync rules (design §4), part 1: an event's life,
//! anomalies, removals and technicians (part 2, `scenarios_scope.rs`: scope,
//! agreements, summaries and malformed items). A timeline of Dashboard
//! snapshots goes in, and after every cycle the whole ConnectWise state —
//! each ticket's summary, status, closedFlag, company, priority, agreement,
//! externalXRef, and its notes with their tabs — is compared exactly.
//!
//! State lines read `xref "summary" status= closed= company= priority=
//! agreement=`; note lines read `<tabs> <first line> +[detail ids quoted]`
//! with tabs D(iscussion) and R(esolution). See `world::render`.

mod world;

use world::*;

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
    w.sync_costs(
        "message",
        vec![warning("disk 91% full")],
        std::slice::from_ref(&notes),
    )
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

/// REGRESSION: when the close after the removed-event note failed (or the
/// sync died in between), the next cycle wrote the removal note again.
#[tokio::test]
async fn a_removal_whose_close_failed_is_noted_once() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.sync_ok(vec![ev("evt-1", ACME, "Error", "Failed", "x")])
        .await;
    // A closed status ConnectWise does not have: the close fails after the note.
    w.set("ticket.status_closed", "Archived");
    let report = w.sync(vec![]).await;
    assert!(
        report.errors[0].message.contains("Archived"),
        "{:?}",
        report.errors
    );
    w.set("ticket.status_closed", "");
    w.sync_ok(vec![]).await;
    w.expect(
        "closed on the next cycle",
        r##"
        bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=>Closed closed=true company=AcmeDental priority="Priority 2 - High" agreement=none
          D Cloud Backup monitoring event evt-1
          R The monitoring event evt-1 was removed from the Cloud Backup Dashboard; BackupBridge closed this ticket.
        "##,
    );
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
