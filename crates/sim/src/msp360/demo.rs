//! Demo data for the MSP360 simulator: companies named like the Dashboard
//! demo companies (so the same ConnectWise demo mapping works) and a
//! five-listing `/api/Monitoring` timeline: one plan that fails, fails with
//! a new message, runs, succeeds and fails again; a user without a company;
//! a warning; an overdue plan; a restore (never ticketed); a healthy plan.
//! Every row has exactly the reference's fields and types.

use serde_json::{json, Value};

/// The API user the demo simulator accepts.
pub const DEMO_MSP360_USER: &str = "bridge-api";
/// The demo API password.
pub const DEMO_MSP360_PASSWORD: &str = "msp360-demo-5d2a9c71";

/// The `/api/Companies` ids of the demo companies.
pub const ACME_ID: &str = "7d3c0a52-1f4e-4b8a-9b61-2c0e8d5a1a01";
pub const NORTHWIND_ID: &str = "7d3c0a52-1f4e-4b8a-9b61-2c0e8d5a1a02";
pub const CONTOSO_ID: &str = "7d3c0a52-1f4e-4b8a-9b61-2c0e8d5a1a03";
pub const TAILSPIN_ID: &str = "7d3c0a52-1f4e-4b8a-9b61-2c0e8d5a1a06";
/// The user without a company.
pub const LONE_USER_ID: &str = "0b9e6f14-3c2d-4e7a-8f10-5a6b7c8d9e01";

/// Four companies; "Tailspin Toys" has no ConnectWise counterpart.
pub fn demo_companies() -> Vec<Value> {
    [
        (ACME_ID, "Acme Dental Ltd"),
        (NORTHWIND_ID, "Northwind Law LLP"),
        (CONTOSO_ID, "Contoso Health Clinic"),
        (TAILSPIN_ID, "Tailspin Toys"),
    ]
    .iter()
    .map(|(id, name)| {
        json!({
            "ID": id,
            "Name": name,
            "StorageLimit": 1_099_511_627_776_i64,
            "LicenseSettings": 0,
            "Destinations": [],
        })
    })
    .collect()
}

/// One plan of the demo.
struct Plan {
    company: Option<&'static str>,
    user: &'static str,
    user_id: &'static str,
    computer: &'static str,
    name: &'static str,
    id: &'static str,
    /// `PlanType` index (`reference/sources.md` §1).
    plan_type: u8,
}

const FILES: Plan = Plan {
    company: Some("Acme Dental Ltd"),
    user: "acme-backup",
    user_id: "0b9e6f14-3c2d-4e7a-8f10-5a6b7c8d9e11",
    computer: "ACME-FS01",
    name: "Nightly file share",
    id: "a1f0c3e2-0001-4d1b-9c55-6e7f8a9b0c01",
    plan_type: 3,
};
const SQL: Plan = Plan {
    company: Some("Northwind Law LLP"),
    user: "northwind-backup",
    user_id: "0b9e6f14-3c2d-4e7a-8f10-5a6b7c8d9e12",
    computer: "NW-SQL01",
    name: "SQL nightly",
    id: "a1f0c3e2-0002-4d1b-9c55-6e7f8a9b0c02",
    plan_type: 7,
};
const IMAGE: Plan = Plan {
    company: Some("Contoso Health Clinic"),
    user: "contoso-backup",
    user_id: "0b9e6f14-3c2d-4e7a-8f10-5a6b7c8d9e13",
    computer: "CH-DC01",
    name: "Weekly image",
    id: "a1f0c3e2-0003-4d1b-9c55-6e7f8a9b0c03",
    plan_type: 11,
};
const RESTORE: Plan = Plan {
    company: Some("Contoso Health Clinic"),
    user: "contoso-backup",
    user_id: "0b9e6f14-3c2d-4e7a-8f10-5a6b7c8d9e13",
    computer: "CH-DC01",
    name: "Restore test",
    id: "a1f0c3e2-0004-4d1b-9c55-6e7f8a9b0c04",
    plan_type: 4,
};
const LAPTOP: Plan = Plan {
    company: None,
    user: "jdoe",
    user_id: LONE_USER_ID,
    computer: "JDOE-LT",
    name: "Laptop documents",
    id: "a1f0c3e2-0005-4d1b-9c55-6e7f8a9b0c05",
    plan_type: 3,
};
const NAS: Plan = Plan {
    company: Some("Tailspin Toys"),
    user: "tailspin-backup",
    user_id: "0b9e6f14-3c2d-4e7a-8f10-5a6b7c8d9e16",
    computer: "TS-NAS",
    name: "NAS files",
    id: "a1f0c3e2-0006-4d1b-9c55-6e7f8a9b0c06",
    plan_type: 1,
};

/// `2026-11-20T{hh}:00:00`, without offset as MSP360 sends it.
fn at(hh: u32) -> String {
    format!("2026-11-20T{hh:02}:00:00")
}

/// One `/api/Monitoring` row of `plan` started at `start`.
fn row(plan: &Plan, start: &str, status: u8, error: Option<&str>, files_failed: i64) -> Value {
    json!({
        "PlanName": plan.name,
        "CompanyName": plan.company,
        "UserName": plan.user,
        "UserID": plan.user_id,
        "ComputerName": plan.computer,
        "BuildVersion": "7.9.4.83",
        "StorageType": "AmazonS3",
        "LastStart": start,
        "NextStart": at(23),
        "Status": status,
        "ErrorMessage": error,
        "FilesCopied": 1200 - files_failed,
        "FilesFailed": files_failed,
        "DataCopied": 52_428_800_i64,
        "DataToBackup": 52_428_800_i64,
        "TotalData": 10_737_418_240_i64,
        "FilesScanned": 48_000,
        "FilesToBackup": 1200,
        "Duration": "15 minute(s)",
        "PlanId": plan.id,
        "PlanType": plan.plan_type,
        "DetailedReportLink": format!("https://mspbackups.example/reports/{}/{}", plan.id, start),
    })
}

/// Five listings. The file share fails, fails with a new message, runs,
/// succeeds, then fails again; the SQL plan warns throughout; the image
/// plan is overdue; the restore test fails (never ticketed); the laptop of
/// a user without a company fails, then succeeds; the NAS is healthy.
pub fn demo_timeline() -> Vec<Vec<Value>> {
    let files = [
        row(
            &FILES,
            &at(1),
            2,
            Some("Access is denied: D:\\Shares\\Clinic"),
            14,
        ),
        row(
            &FILES,
            &at(2),
            2,
            Some("Destination is unreachable: bucket acme-backups"),
            1200,
        ),
        row(&FILES, &at(3), 3, None, 0),
        row(&FILES, &at(3), 0, None, 0),
        row(&FILES, &at(4), 5, None, 37),
    ];
    (0..files.len())
        .map(|step| {
            let laptop = if step < 2 {
                row(&LAPTOP, &at(1), 6, None, 3)
            } else {
                row(&LAPTOP, &at(3), 0, None, 0)
            };
            vec![
                files[step].clone(),
                row(&SQL, &at(1), 7, Some("2 databases skipped: in use"), 0),
                row(&IMAGE, &at(0), 1, None, 0),
                row(
                    &RESTORE,
                    &at(2),
                    2,
                    Some("Restore destination is read-only"),
                    5,
                ),
                laptop,
                row(&NAS, &at(2), 0, None, 0),
            ]
        })
        .collect()
}

/// The fields of a `/api/Monitoring` row and their JSON types
/// (`s` string, `S` string or null, `i` integer, `d` date-time string
/// without offset or null).
pub const MONITORING_FIELDS: [(&str, char); 22] = [
    ("PlanName", 's'),
    ("CompanyName", 'S'),
    ("UserName", 's'),
    ("UserID", 's'),
    ("ComputerName", 's'),
    ("BuildVersion", 's'),
    ("StorageType", 's'),
    ("LastStart", 'd'),
    ("NextStart", 'd'),
    ("Status", 'i'),
    ("ErrorMessage", 'S'),
    ("FilesCopied", 'i'),
    ("FilesFailed", 'i'),
    ("DataCopied", 'i'),
    ("DataToBackup", 'i'),
    ("TotalData", 'i'),
    ("FilesScanned", 'i'),
    ("FilesToBackup", 'i'),
    ("Duration", 's'),
    ("PlanId", 's'),
    ("PlanType", 'i'),
    ("DetailedReportLink", 's'),
];

/// Why `row` is not a row as the reference documents it (exactly its
/// fields, with their types), if it is not.
pub fn check_monitoring_row(row: &Value) -> Result<(), String> {
    let object = row.as_object().ok_or("not an object")?;
    if let Some(extra) = object
        .keys()
        .find(|k| !MONITORING_FIELDS.iter().any(|(f, _)| f == k))
    {
        return Err(format!("unexpected field {extra}"));
    }
    for (field, kind) in MONITORING_FIELDS {
        let value = object.get(field).ok_or(format!("{field} is missing"))?;
        let ok = match kind {
            's' => value.is_string(),
            'S' => value.is_string() || value.is_null(),
            'i' => value.is_i64(),
            _ => {
                value.is_null()
                    || value.as_str().is_some_and(|s| {
                        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
                    })
            }
        };
        if !ok {
            return Err(format!("{field} has the wrong type: {value}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_rows_have_exactly_the_reference_fields() {
        for (step, rows) in demo_timeline().iter().enumerate() {
            for row in rows {
                assert_eq!(check_monitoring_row(row), Ok(()), "step {step}: {row}");
            }
        }
        let mut bad = demo_timeline()[0][0].clone();
        bad["Status"] = json!("Error");
        assert!(check_monitoring_row(&bad).is_err());
        bad["Status"] = json!(2);
        bad["LastStart"] = json!("2026-11-20T01:00:00Z");
        assert!(check_monitoring_row(&bad).is_err());
    }

    #[test]
    fn demo_company_names_match_the_dashboard_demo() {
        let dashboard: Vec<Value> = crate::dashboard::demo_companies()
            .into_iter()
            .map(|c| c["name"].clone())
            .collect();
        for company in demo_companies() {
            assert!(dashboard.contains(&company["Name"]), "{company}");
        }
        for row in demo_timeline().concat() {
            let name = &row["CompanyName"];
            assert!(
                name.is_null() || demo_companies().iter().any(|c| &c["Name"] == name),
                "{row}"
            );
        }
    }
}
