#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Scenario tests of the sync rules (design §4), part 2: which events are in
//! scope (rule 1), agreements (rule 3), long summaries (rule 2) and malformed
//! Dashboard items (rule 11). Each cycle's whole ConnectWise state is compared
//! exactly; see `scenarios.rs` and `world::render` for the notation.

mod world;

use bridge_core::model::Override;
use bridge_core::ops::MapRequest;
use bridge_sim::cw::{DEMO_BLUEYONDER_ID, DEMO_NORTHWIND_ID};
use serde_json::json;
use world::*;

const ICB_ACTIVE: &str = r##"name like "%ICB" and agreementStatus = "Active""##;

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
        vec![bridge_core::engine::Problem {
            key: "company:c-1005".into(),
            message: format!("Blue Yonder Airlines (c-1005): {no_match}"),
        }]
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
    let (first, second) = (&report.errors[0], &report.errors[1]);
    assert_eq!(first.key, "item:1");
    assert!(first
        .message
        .starts_with("item at position 1 (counting from 0): "));
    assert_eq!(second.key, "item:evt-bad");
    assert!(second
        .message
        .starts_with("item at position 3 (counting from 0), id \"evt-bad\": "));
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

/// REGRESSION (issue 12): the summary and xref limits counted characters,
/// but ConnectWise (and so the simulator) counts UTF-16 units: a plan or an
/// event id with emoji passed the client's check and was refused with a 400
/// every cycle. Invisible bidi and zero-width characters are dropped from
/// the summary and the description.
#[tokio::test]
async fn emoji_and_invisible_characters_fit_what_connectwise_takes() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let emoji_plan = "🔥".repeat(60);
    let emoji_id = format!("evt-{}", "😀".repeat(48));
    let events = vec![
        ev("evt-1", ACME, "Error", "Failed", "x").with("plan", &emoji_plan),
        ev(&emoji_id, ACME, "Error", "Failed", "x"),
        ev("evt-3", ACME, "Error", "Failed", "disk\u{202E}lluf")
            .with("computer", "SRV\u{200B}01\u{2066}"),
    ];
    w.sync_ok(events.clone()).await;
    let tickets = w.cw().tickets();
    assert_eq!(tickets.len(), 3, "{tickets:?}");
    for t in &tickets {
        let summary = t["summary"].as_str().unwrap();
        let xref = t["externalXRef"].as_str().unwrap();
        assert!(summary.encode_utf16().count() <= 100, "{summary}");
        assert!(xref.encode_utf16().count() <= 100, "{xref}");
        assert!(
            !summary.chars().any(bridge_core::cw::is_invisible_format),
            "{summary:?}"
        );
    }
    let t3 = w.ticket_id("evt-3");
    let summary = w.cw().ticket(t3).unwrap()["summary"].clone();
    assert_eq!(summary, "Error: SRV01 - Nightly (FileLevel)");
    let description = w.cw().notes(t3)[0]["text"].as_str().unwrap().to_owned();
    assert!(description.contains("Message: disklluf\n"), "{description}");
    // In step afterwards: nothing is sent again.
    let report = w.sync_ok(events).await;
    assert_eq!(report.counts.created, 0, "{report:?}");
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
