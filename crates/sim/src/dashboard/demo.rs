//! Demo data for the Dashboard simulator: companies named like the
//! ConnectWise demo companies (one deliberately without a match) and a
//! six-snapshot timeline exercising every sync rule.

use serde_json::{json, Value};

/// Bearer token the demo Dashboard accepts.
pub const DEMO_DASHBOARD_TOKEN: &str = "dash-demo-7c1e4b9a2f6d";

/// Six companies; "Tailspin Toys" has no ConnectWise counterpart.
pub fn demo_companies() -> Vec<Value> {
    [
        ("c-1001", "Acme Dental Ltd"),
        ("c-1002", "Northwind Law LLP"),
        ("c-1003", "Contoso Health Clinic"),
        ("c-1004", "Fabrikam Builders Inc"),
        ("c-1005", "Blue Yonder Airlines"),
        ("c-1006", "Tailspin Toys"),
    ]
    .iter()
    .map(|(id, name)| json!({"id": id, "name": name}))
    .collect()
}

/// `2026-11-20T{hh}:{mm}:00Z`.
fn at(hh: u32, mm: u32) -> String {
    format!("2026-11-20T{hh:02}:{mm:02}:00Z")
}

fn detail(id: &str, kind: &str, when: &str, text: &str) -> Value {
    json!({"id": id, "kind": kind, "at": when, "text": text})
}

/// The fields of one event; `details` and `updatedAt` vary per snapshot.
struct Ev {
    id: &'static str,
    company: &'static str,
    computer: &'static str,
    plan: &'static str,
    backup_type: &'static str,
    event_type: &'static str,
    started: (u32, u32),
}

impl Ev {
    fn at(&self, job_status: &str, message: &str, details: &[Value], updated: (u32, u32)) -> Value {
        json!({
            "id": self.id, "companyId": self.company, "computer": self.computer,
            "plan": self.plan, "backupType": self.backup_type, "eventType": self.event_type,
            "jobStatus": job_status, "message": message, "details": details,
            "startedAt": at(self.started.0, self.started.1),
            "updatedAt": at(updated.0, updated.1),
        })
    }
}

/// Six snapshots, one per hour:
/// 0. an error (Acme), a warning (Northwind), an error (Contoso);
/// 1. Acme's message changes and a detail is appended; an anomaly appears (Fabrikam);
/// 2. another Acme detail; Contoso's job completes; an error for the unmapped
///    company (Tailspin); an unknown backup type "Tape" (Acme, overdue);
/// 3. Northwind's warning is removed; the anomaly gets a second detail;
/// 4. Contoso's completed event is removed; a Hyper-V error appears (Blue Yonder);
/// 5. Acme's job completes.
pub fn demo_timeline() -> Vec<Vec<Value>> {
    const FILE_ERR: &str = "FileLevelErrorDetails";
    const ANOMALY: &str = "BackupAnomalyDetails";
    let acme = Ev {
        id: "evt-7f3a",
        company: "c-1001",
        computer: "ACME-DC01",
        plan: "Nightly files",
        backup_type: "FileLevel",
        event_type: "Error",
        started: (2, 0),
    };
    let nw = Ev {
        id: "evt-8b21",
        company: "c-1002",
        computer: "NW-SQL01",
        plan: "SQL hourly",
        backup_type: "MSSQL",
        event_type: "Warning",
        started: (1, 0),
    };
    let contoso = Ev {
        id: "evt-9c40",
        company: "c-1003",
        computer: "CONTOSO-FS01",
        plan: "Image weekly",
        backup_type: "ImageBased",
        event_type: "Error",
        started: (1, 30),
    };
    let fab = Ev {
        id: "evt-a112",
        company: "c-1004",
        computer: "FAB-WS07",
        plan: "Daily image",
        backup_type: "ImageBased",
        event_type: "BackupAnomaly",
        started: (2, 30),
    };
    let tail = Ev {
        id: "evt-b501",
        company: "c-1006",
        computer: "TAILSPIN-PC2",
        plan: "Documents",
        backup_type: "FileLevel",
        event_type: "Error",
        started: (3, 45),
    };
    let tape = Ev {
        id: "evt-c777",
        company: "c-1001",
        computer: "ACME-TAPE1",
        plan: "Monthly archive",
        backup_type: "Tape",
        event_type: "Warning",
        started: (0, 0),
    };
    let hv = Ev {
        id: "evt-d900",
        company: "c-1005",
        computer: "BY-HV01",
        plan: "VM nightly",
        backup_type: "HyperV",
        event_type: "Error",
        started: (5, 50),
    };

    let acme_d1 = detail("d-1", FILE_ERR, &at(2, 13), "C:\\Data\\q3.xlsx: The process cannot access the file because it is being used by another process");
    let acme_d2 = detail(
        "d-2",
        FILE_ERR,
        &at(3, 11),
        "C:\\Data\\payroll.xlsx: Access is denied",
    );
    let acme_d3 = detail(
        "d-3",
        FILE_ERR,
        &at(4, 9),
        "C:\\Users\\Zoë\\Documents\\Patienten-Übersicht.docx: The network path was not found",
    );
    let fab_d1 = detail(
        "d-1",
        ANOMALY,
        &at(2, 58),
        "Backup size grew by 480% compared to the 7-day average (possible ransomware encryption)",
    );
    let fab_d2 = detail(
        "d-2",
        ANOMALY,
        &at(4, 58),
        "12,431 files changed extension to .locked since the previous run",
    );
    let nw_d1 = detail(
        "d-1",
        "MSSQLWarningDetails",
        &at(1, 20),
        "Database 'Archive2019' is offline and was skipped",
    );

    let acme0 = acme.at(
        "Failed",
        "3 files could not be read",
        std::slice::from_ref(&acme_d1),
        (2, 14),
    );
    let acme1 = acme.at(
        "Failed",
        "5 files could not be read",
        &[acme_d1.clone(), acme_d2.clone()],
        (3, 12),
    );
    let acme2 = acme.at(
        "Failed",
        "5 files could not be read",
        &[acme_d1.clone(), acme_d2.clone(), acme_d3.clone()],
        (4, 10),
    );
    let acme5 = acme.at(
        "Completed",
        "Backup completed successfully",
        &[acme_d1, acme_d2, acme_d3],
        (7, 5),
    );
    let nw0 = nw.at(
        "Warning",
        "Backup completed with warnings",
        &[nw_d1],
        (1, 21),
    );
    let contoso0 = contoso.at("Failed", "Destination storage is unreachable", &[], (1, 44));
    let contoso2 = contoso.at("Completed", "Backup completed successfully", &[], (4, 2));
    let fab1 = fab.at(
        "Completed",
        "Backup anomaly detected: unusual data growth",
        std::slice::from_ref(&fab_d1),
        (2, 59),
    );
    let fab3 = fab.at(
        "Completed",
        "Backup anomaly detected: unusual data growth",
        &[fab_d1, fab_d2],
        (4, 59),
    );
    let tail2 = tail.at("Failed", "Backup destination quota exceeded", &[], (3, 50));
    let tape2 = tape.at("Overdue", "Backup is overdue by 2 days", &[], (4, 0));
    let hv4 = hv.at(
        "Failed",
        "Checkpoint could not be created for VM 'BY-APP02'",
        &[],
        (5, 58),
    );

    vec![
        vec![acme0, nw0.clone(), contoso0],
        vec![
            acme1,
            nw0.clone(),
            contoso.at("Failed", "Destination storage is unreachable", &[], (1, 44)),
            fab1.clone(),
        ],
        vec![
            acme2.clone(),
            nw0,
            contoso2.clone(),
            fab1,
            tail2.clone(),
            tape2.clone(),
        ],
        vec![
            acme2.clone(),
            contoso2,
            fab3.clone(),
            tail2.clone(),
            tape2.clone(),
        ],
        vec![
            acme2,
            fab3.clone(),
            tail2.clone(),
            tape2.clone(),
            hv4.clone(),
        ],
        vec![acme5, fab3, tail2, tape2, hv4],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use bridge_core::model::{BackupCompany, MonitoringEvent};

    #[test]
    fn demo_data_deserialises_into_the_core_model() {
        let companies: Vec<BackupCompany> =
            serde_json::from_value(Value::Array(demo_companies())).unwrap();
        assert_eq!(companies.len(), 6);
        let timeline = demo_timeline();
        assert_eq!(timeline.len(), 6);
        for (i, snapshot) in timeline.iter().enumerate() {
            for item in snapshot {
                let e: MonitoringEvent = serde_json::from_value(item.clone()).unwrap();
                assert!(
                    companies.iter().any(|c| c.id == e.company_id),
                    "snapshot {i}: {}",
                    e.id
                );
            }
        }
    }

    #[test]
    fn timeline_shows_each_kind_of_change() {
        let t = demo_timeline();
        let find = |s: usize, id: &str| t[s].iter().find(|e| e["id"] == id).cloned();
        // message change and appended detail
        assert_ne!(
            find(0, "evt-7f3a").unwrap()["message"],
            find(1, "evt-7f3a").unwrap()["message"]
        );
        assert_eq!(
            find(1, "evt-7f3a").unwrap()["details"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // details are append-only: earlier entries never change
        for s in 1..t.len() {
            let before = find(s - 1, "evt-7f3a").unwrap()["details"]
                .as_array()
                .unwrap()
                .clone();
            let after = find(s, "evt-7f3a").unwrap()["details"]
                .as_array()
                .unwrap()
                .clone();
            assert_eq!(&after[..before.len()], &before[..], "snapshot {s}");
        }
        // a job completes, an event is removed, an unknown backup type appears
        assert_eq!(find(2, "evt-9c40").unwrap()["jobStatus"], "Completed");
        assert!(find(2, "evt-8b21").is_some() && find(3, "evt-8b21").is_none());
        assert!(t.iter().flatten().any(|e| e["backupType"] == "Tape"));
        assert!(t
            .iter()
            .flatten()
            .any(|e| e["eventType"] == "BackupAnomaly"));
        assert!(t.iter().flatten().any(|e| e["companyId"] == "c-1006"));
    }
}
