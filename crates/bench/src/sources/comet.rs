//! The Comet world: one tenant per company, its user with devices,
//! protected items and vault, and one failed backup job per plan with its
//! log lines.

use bridge_sim::comet::job;
use serde_json::{json, Map, Value};

use super::{SourceShape, DEVICES};
use crate::world::company_name;

/// Comet tenant id of company `i`.
pub(super) fn tenant_id(i: usize) -> String {
    format!("tenant-{i:04}")
}

fn comet_user(i: usize) -> String {
    format!("bench-user-{i:04}")
}

/// The Comet tenants.
pub fn comet_tenants(shape: SourceShape) -> Vec<(String, String)> {
    (0..shape.companies)
        .map(|i| (tenant_id(i), company_name(i)))
        .collect()
}

fn device_id(i: usize, d: usize) -> String {
    format!("dev-{i:04}-{d:02}")
}

fn item_guid(i: usize, p: usize) -> String {
    format!("src-{i:04}-{p:03}")
}

/// `list-users-full`: one user per tenant, with its devices, protected
/// items (plan `p` on device `p % 10`) and vault.
pub fn comet_users(shape: SourceShape) -> Value {
    let engines = ["engine1/file", "engine1/windisk", "engine1/mssql"];
    let mut users = Map::new();
    for i in 0..shape.companies {
        let user = comet_user(i);
        let devices: Map<String, Value> = (0..DEVICES)
            .map(|d| {
                let profile = json!({
                    "FriendlyName": format!("BC{i:04}-PC{d:02}"),
                    "RegistrationTime": 1_780_000_000_i64,
                    "PlatformVersion": {"Version": "10.0", "Distribution": "Windows Server 2022"},
                });
                (device_id(i, d), profile)
            })
            .collect();
        let sources: Map<String, Value> = (0..shape.plans_per_company)
            .map(|p| {
                let item = json!({
                    "Description": format!("Plan {p:03}"), "Engine": engines[p % 3],
                    "OwnerDevice": device_id(i, p % DEVICES), "EngineProps": {},
                    "CreateTime": 1_790_000_000_i64, "ModifyTime": 1_790_000_000_i64,
                });
                (item_guid(i, p), item)
            })
            .collect();
        users.insert(
            user.clone(),
            json!({
                "Username": user, "AccountName": format!("{} account", company_name(i)),
                "OrganizationID": tenant_id(i), "LocalTimezone": "UTC",
                "LanguageCode": "en_US", "CreateTime": 1_780_000_000_i64,
                "Devices": devices, "Sources": sources,
                "Destinations": {format!("{user}-vault"): {
                    "Description": format!("{user} cloud vault"), "DestinationType": 1003,
                }},
                "Policy": {}, "Email": format!("it@bc{i:04}.example"),
            }),
        );
    }
    Value::Object(users)
}

fn job_guid(i: usize, p: usize) -> String {
    format!("job-{i:04}-{p:03}")
}

/// One failed backup job per plan, started within the 5 minutes before
/// `now` (Unix seconds), interleaved across tenants, with its log lines:
/// an `I` line (left out by `MinSeverity=W`) and one or two `E` lines.
pub fn comet_jobs(shape: SourceShape, now: i64) -> (Vec<Value>, Vec<(String, Vec<Value>)>) {
    let mut jobs = Vec::with_capacity(shape.plans());
    let mut logs = Vec::with_capacity(shape.plans());
    for p in 0..shape.plans_per_company {
        for i in 0..shape.companies {
            let guid = job_guid(i, p);
            let start = now - 300 + (p % 240) as i64;
            let end = start + 30;
            jobs.push(job(
                &guid,
                &comet_user(i),
                &item_guid(i, p),
                &device_id(i, p % DEVICES),
                7002,
                (start, end),
            ));
            let line = |t: i64, severity: &str, message: String| json!({"Time": t, "Severity": severity, "Message": message});
            let mut entries = vec![
                line(start, "I", "Starting backup".to_owned()),
                line(
                    end,
                    "E",
                    format!("Cannot read C:\\Data\\file-{p:03}.db: the file is locked"),
                ),
            ];
            if p % 2 == 0 {
                entries.push(line(end, "E", "2 files could not be backed up".to_owned()));
            }
            logs.push((guid, entries));
        }
    }
    (jobs, logs)
}
