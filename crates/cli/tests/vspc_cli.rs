#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 14 as a technician meets it through the real `backup-bridge`
//! binary, against the VSPC simulator's demo (its alarms and timeline): a
//! job alarm opens a ticket, its new activation adds a note once, Resolved
//! closes it; a malware alarm opens an anomaly ticket that stays open when
//! resolved; an Info alarm and an acknowledgement change nothing; an
//! unchanged read costs ConnectWise nothing. The same works with an API key
//! instead of a username and password.

mod sources_common;

use bridge_core::source::SourceKind;
use bridge_sim::demo::Demo;
use bridge_sim::vspc::demo::{ACME_UID, CONTOSO_UID, NORTHWIND_UID};
use bridge_sim::vspc::{DEMO_VSPC_API_KEY, DEMO_VSPC_PASSWORD, DEMO_VSPC_USER};
use sources_common::{cli, closed, note_texts, ok, setup, tickets_of};

/// Refreshes and maps the three demo companies that have a ConnectWise
/// counterpart (Tailspin Toys stays unmapped).
async fn map_companies(dir: &std::path::Path, secret: &str) {
    let refreshed = ok(
        &cli(dir, secret, &["companies", "refresh"]).await,
        "refresh",
    );
    assert!(!refreshed.is_empty());
    let listed = ok(&cli(dir, secret, &["companies", "list"]).await, "list");
    assert!(
        listed.contains(ACME_UID) && listed.contains("Tailspin Toys"),
        "{listed}"
    );
    for (uid, cw) in [
        (ACME_UID, "AcmeDental"),
        (NORTHWIND_UID, "NorthwindLaw"),
        (CONTOSO_UID, "ContosoHealth"),
    ] {
        ok(
            &cli(dir, secret, &["companies", "map", uid, cw]).await,
            "map",
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vspc_alarms_from_the_cli() {
    let demo = Demo::start_source(SourceKind::Vspc).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let secret = DEMO_VSPC_PASSWORD;
    setup(&demo, dir, secret, DEMO_VSPC_USER).await;
    map_companies(dir, secret).await;
    let vspc = demo.vspc().unwrap();
    assert_eq!(
        vspc.completed_reads(),
        0,
        "a refresh reads no alarm listing"
    );

    // 1. A failing VM job, a laptop warning, potential malware; the Info
    //    SureBackup alarm is no ticket.
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 1");
    let acme = tickets_of(&demo, "AcmeDental");
    assert_eq!(acme.len(), 1, "{acme:#?}");
    assert_eq!(
        acme[0]["externalXRef"],
        "bb:vspc:a7c0e3f1-0001-4e5b-8d2a-3c4b5a6d7e01"
    );
    assert!(!closed(&acme[0]));
    let northwind = tickets_of(&demo, "NorthwindLaw");
    assert_eq!(
        northwind.len(),
        1,
        "the Info alarm is no ticket: {northwind:#?}"
    );
    let contoso = tickets_of(&demo, "ContosoHealth");
    assert_eq!(contoso.len(), 1);
    let description = note_texts(&demo, &contoso[0]).join("\n");
    assert!(
        description.contains("BackupAnomaly") && description.contains("Event 41600"),
        "{description}"
    );
    assert_eq!(contoso[0]["priority"]["name"], "Priority 2 - High");

    // 2. The VM job fails again (a new activation: one note); the laptop
    //    warning is acknowledged (no change).
    let northwind_notes = note_texts(&demo, &northwind[0]).len();
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 2");
    let new_line = "'Acme Repo' is out of space";
    let notes = note_texts(&demo, &tickets_of(&demo, "AcmeDental")[0]);
    assert_eq!(
        notes.iter().filter(|n| n.contains(new_line)).count(),
        1,
        "{notes:#?}"
    );
    let northwind = tickets_of(&demo, "NorthwindLaw");
    assert_eq!(note_texts(&demo, &northwind[0]).len(), northwind_notes);

    // 3. The VM job is resolved: its ticket closes. The malware alarm is
    //    resolved too: an anomaly's ticket stays open, with a note.
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 3");
    let acme = tickets_of(&demo, "AcmeDental");
    assert_eq!(acme.len(), 1);
    assert!(closed(&acme[0]), "{:#?}", acme[0]);
    let notes = note_texts(&demo, &acme[0]);
    assert_eq!(notes.iter().filter(|n| n.contains(new_line)).count(), 1);
    let contoso = tickets_of(&demo, "ContosoHealth");
    assert_eq!(contoso.len(), 1);
    assert!(!closed(&contoso[0]), "an anomaly is never auto-closed");
    let notes = note_texts(&demo, &contoso[0]);
    assert!(
        notes.iter().any(|n| n.contains("marked as clean")),
        "{notes:#?}"
    );

    // 4. The laptop job is resolved; Tailspin Toys (unmapped) fails.
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 4");
    assert!(closed(&tickets_of(&demo, "NorthwindLaw")[0]));
    assert_eq!(demo.tickets().len(), 3, "no ticket for an unmapped company");

    // 5. Nothing new: not one ConnectWise request, nothing twice.
    demo.cw.clear_requests();
    ok(&cli(dir, secret, &["sync", "--once"]).await, "sync 5");
    let sent = demo.cw.requests();
    assert!(sent.is_empty(), "an unchanged cycle sent {sent:#?}");
    demo.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vspc_with_an_api_key() {
    let demo = Demo::start_source(SourceKind::Vspc).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let key = DEMO_VSPC_API_KEY;
    setup(&demo, dir, key, DEMO_VSPC_USER).await;
    ok(
        &cli(dir, key, &["config", "set", "source.username", ""]).await,
        "no username: an API key",
    );
    map_companies(dir, key).await;
    ok(&cli(dir, key, &["sync", "--once"]).await, "sync");
    assert_eq!(demo.tickets().len(), 3);
    let vspc = demo.vspc().unwrap();
    assert_eq!(vspc.password_logins(), 0, "an API key needs no sign-in");

    // A wrong key is one clear sentence, and no ticket is touched.
    let out = cli(dir, "not-the-key", &["sync", "--once"]).await;
    assert_ne!(out.status.code(), Some(0));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("API key was refused"), "{said}");
    assert!(!said.contains("not-the-key"), "{said}");
    assert_eq!(demo.tickets().len(), 3);
    demo.shutdown().await;
}

/// An alarm that cannot be read is named and the others still sync (rule
/// 11). Its uid keeps its own ticket, so a deleted alarm still closes its
/// ticket (rule 7); an unreadable alarm without a uid could be any alarm,
/// so then nothing is removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vspc_bad_alarms_are_named_and_deleted_alarms_close_their_tickets() {
    use bridge_sim::vspc::demo::{AGENT_JOB_ALARM, VM_JOB_ALARM};
    let demo = Demo::start_source(SourceKind::Vspc).await.unwrap();
    let vspc = demo.vspc().unwrap();
    vspc.set_timeline(Vec::new());
    let activation = serde_json::json!({
        "instanceUid": "act-7", "time": "2026-11-20T01:00:00.000+00:00",
        "status": "Error", "message": "Job failed.\r\n",
    });
    vspc.push_raw_alarm(serde_json::json!({
        "instanceUid": "bad-alarm-7",
        "alarmTemplateUid": "no-such-template",
        "repeatCount": 1,
        "object": {"organizationUid": ACME_UID, "computerName": "ACME-PC9"},
        "lastActivation": activation,
    }));
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let secret = DEMO_VSPC_PASSWORD;
    setup(&demo, dir, secret, DEMO_VSPC_USER).await;
    map_companies(dir, secret).await;
    let sync = || async { cli(dir, secret, &["sync", "--once"]).await };

    let out = sync().await;
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "a run with errors: {all}");
    assert!(
        all.contains("bad-alarm-7") && all.contains("no-such-template"),
        "{all}"
    );
    assert_eq!(demo.tickets().len(), 3, "the readable alarms synced: {all}");

    // The VM alarm is deleted: its ticket closes, though the bad alarm is
    // still listed (its uid says which alarm it is).
    vspc.delete(VM_JOB_ALARM).unwrap();
    assert_eq!(sync().await.status.code(), Some(1));
    assert!(closed(&tickets_of(&demo, "AcmeDental")[0]));

    // An alarm without a uid: the laptop alarm's deletion waits.
    vspc.push_raw_alarm(serde_json::json!({"alarmTemplateUid": "no-such-template"}));
    vspc.delete(AGENT_JOB_ALARM).unwrap();
    assert_eq!(sync().await.status.code(), Some(1));
    assert!(!closed(&tickets_of(&demo, "NorthwindLaw")[0]));
    assert!(!closed(&tickets_of(&demo, "ContosoHealth")[0]));
    demo.shutdown().await;
}
