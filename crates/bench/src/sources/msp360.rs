//! The MSP360 world: its companies (`/api/Companies`) and one failed
//! `/api/Monitoring` row per plan.

use serde_json::{json, Value};

use super::{SourceShape, DEVICES};
use crate::world::company_name;

/// `/api/Companies` id of MSP360 company `i`.
pub(super) fn msp360_company_id(i: usize) -> String {
    format!("7d3c0a52-1f4e-4b8a-9b61-{i:012}")
}

/// The MSP360 companies.
pub fn msp360_companies(shape: SourceShape) -> Vec<Value> {
    (0..shape.companies)
        .map(|i| {
            json!({
                "ID": msp360_company_id(i), "Name": company_name(i),
                "StorageLimit": 1_099_511_627_776_i64, "LicenseSettings": 0, "Destinations": [],
            })
        })
        .collect()
}

/// One failed `/api/Monitoring` row per plan, interleaved across companies.
pub fn msp360_rows(shape: SourceShape) -> Vec<Value> {
    let mut out = Vec::with_capacity(shape.plans());
    for p in 0..shape.plans_per_company {
        for i in 0..shape.companies {
            let computer = format!("BC{i:04}-PC{:02}", p % DEVICES);
            let plan_id = format!("a1f0c3e2-{i:04}-4d1b-9c55-{p:012}");
            let start = format!("2026-11-20T{:02}:{:02}:00", 1 + p % 4, p % 60);
            let plan_type = [3, 7, 11][p % 3];
            out.push(json!({
                "PlanName": format!("Plan {p:03}"),
                "CompanyName": company_name(i),
                "UserName": format!("bc{i:04}-backup"),
                "UserID": format!("0b9e6f14-3c2d-4e7a-8f10-{i:012}"),
                "ComputerName": computer,
                "BuildVersion": "7.9.4.83",
                "StorageType": "AmazonS3",
                "LastStart": start,
                "NextStart": "2026-11-20T23:00:00",
                "Status": 2,
                "ErrorMessage": format!("Access is denied: D:\\Shares\\Share{p:03}"),
                "FilesCopied": 1186,
                "FilesFailed": 14,
                "DataCopied": 52_428_800_i64,
                "DataToBackup": 52_428_800_i64,
                "TotalData": 10_737_418_240_i64,
                "FilesScanned": 48_000,
                "FilesToBackup": 1200,
                "Duration": "15 minute(s)",
                "PlanId": plan_id,
                "PlanType": plan_type,
                "DetailedReportLink": format!("https://mspbackups.example/reports/{plan_id}/{start}"),
            }));
        }
    }
    out
}
