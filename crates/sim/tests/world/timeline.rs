//! A Dashboard timeline that goes through every kind of ConnectWise write —
//! creates, changes (note + PATCH), detail notes, closes on completion and on
//! removal — lap after lap with new event ids, for the kill -9 loop and the
//! fault soak; and the world those tests sync it into.

use serde_json::Value;

use super::*;

/// Agreement condition of [`mapped_world`]: every mapped company has one match.
pub const ICB_ACTIVE: &str = r#"name like "%ICB" and agreementStatus = "Active""#;
/// The phases of one lap, by what they mostly make the engine do.
pub const PHASES: [&str; 4] = ["create", "update", "note", "close"];

/// The Dashboard in phase `phase` (index into [`PHASES`]) of lap `lap`. Each lap has its own event ids; the
/// next lap's first snapshot removes them (closing what is still open).
pub fn lap_snapshot(lap: usize, phase: usize) -> Vec<Value> {
    let id = |n: u32| format!("evt-{lap}x{n}");
    let e = |n, company, et, js, msg| ev(&id(n), company, et, js, msg);
    match phase {
        0 => vec![
            e(1, ACME, "Error", "Failed", "3 files").details(FILE, &["d-1"]),
            e(2, NORTHWIND, "Warning", "Warning", "slow"),
            e(3, FABRIKAM, "BackupAnomaly", "Completed", "odd").details(ANOMALY, &["a-1"]),
            e(4, CONTOSO, "Error", "Failed", "locked"),
            e(5, ACME, "Warning", "Failed", "vss").details(FILE, &["d-1", "d-2"]),
        ],
        // Message and event-type changes: a note each, PATCHes for the type.
        1 => vec![
            e(1, ACME, "Error", "Failed", "5 files").details(FILE, &["d-1"]),
            e(2, NORTHWIND, "Error", "Failed", "disk full"),
            e(3, FABRIKAM, "BackupAnomaly", "Completed", "odd").details(ANOMALY, &["a-1"]),
            e(4, CONTOSO, "Warning", "Warning", "retrying"),
            e(5, ACME, "Error", "Failed", "vss").details(FILE, &["d-1", "d-2"]),
        ],
        // New details: one note each.
        2 => vec![
            e(1, ACME, "Error", "Failed", "5 files").details(FILE, &["d-1", "d-2", "d-3"]),
            e(2, NORTHWIND, "Error", "Failed", "disk full").details(FILE, &["d-1", "d-2"]),
            e(3, FABRIKAM, "BackupAnomaly", "Completed", "odd").details(ANOMALY, &["a-1", "a-2"]),
            e(4, CONTOSO, "Warning", "Warning", "retrying").details(FILE, &["d-1"]),
            e(5, ACME, "Error", "Failed", "vss").details(FILE, &["d-1", "d-2", "d-3"]),
        ],
        // Completions close with a resolution note; a removal closes with a
        // note; the anomaly stays open and gains a detail.
        _ => vec![
            e(1, ACME, "Error", "Completed", "ok").details(FILE, &["d-1", "d-2", "d-3"]),
            e(2, NORTHWIND, "Error", "Completed", "ok").details(FILE, &["d-1", "d-2"]),
            e(3, FABRIKAM, "BackupAnomaly", "Completed", "odd")
                .details(ANOMALY, &["a-1", "a-2", "a-3"]),
            e(4, CONTOSO, "Warning", "Completed", "ok").details(FILE, &["d-1"]),
        ],
    }
}

/// Events that fail in every phase of every lap: with them the ledger
/// tracks enough tickets for the removal guard (rule 15) to weigh an empty
/// listing, as it would at an MSP.
pub const STEADY_EVENTS: u32 = 10;

/// [`lap_snapshot`] plus [`STEADY_EVENTS`] events that stay failing
/// throughout: an empty listing injected as a fault is then held by the
/// removal guard instead of closing everything.
pub fn steady_snapshot(lap: usize, phase: usize) -> Vec<Value> {
    let mut events = lap_snapshot(lap, phase);
    events.extend((1..=STEADY_EVENTS).map(|n| {
        ev(
            &format!("evt-steady{n}"),
            CONTOSO,
            "Error",
            "Failed",
            "the target is offline",
        )
        .details(FILE, &["s-1"])
    }));
    events
}

/// Demo settings with [`ICB_ACTIVE`] and four companies mapped.
pub async fn mapped_world() -> World {
    let w = World::new().await;
    w.set("defaults.agreement_condition", ICB_ACTIVE);
    for (company, cw) in [
        (ACME, "AcmeDental"),
        (NORTHWIND, "NorthwindLaw"),
        (FABRIKAM, "FabrikamBuild"),
        (CONTOSO, "ContosoHealth"),
    ] {
        w.map(company, cw).await;
    }
    w
}
