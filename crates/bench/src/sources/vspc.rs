//! The VSPC part of the sources bench world ([`super`]): one VSPC
//! company (`organizations/companies`) per bench company, one alarm
//! template ("Job state", category `BackupVmJob`) and one active alarm in
//! Error per plan in `alarms/active`, each about a VM backup job on one of
//! the company's backup servers, with a two- or three-line message (sent
//! with `\r\n`, as VSPC does). Activations are a second apart and end
//! just before `now`, interleaved across companies; their uids are fixed,
//! so every read lists the same alarms. The client reads 500 a page
//! ([`MAX_PAGE_SIZE`]): 20 pages at the full size.

use bridge_core::source::vspc::MAX_PAGE_SIZE;
use bridge_sim::vspc::{AlarmObject, AlarmStatus, NewAlarm};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::SourceShape;
use crate::world::company_name;

/// The one alarm template's `instanceUid`.
pub const TEMPLATE_UID: &str = "9e3a7b10-0b00-4c6d-8e2f-1a2b3c4d5e01";
/// Backup servers per company (the alarms' computers).
const SERVERS: usize = 2;
/// Hosts per company the VM jobs back up.
const HOSTS: usize = 10;

/// `instanceUid` of VSPC company `i`.
pub fn company_uid(i: usize) -> String {
    format!("3f1b6c2e-8a47-4d0e-9b15-{i:012}")
}

/// The companies, as `organizations/companies` lists them.
pub fn companies(shape: SourceShape) -> Vec<Value> {
    (0..shape.companies)
        .map(|i| {
            json!({
                "instanceUid": company_uid(i), "name": company_name(i), "status": "Active",
                "resellerUid": null, "subscriptionPlanUid": null, "isAlarmDetectEnabled": true,
            })
        })
        .collect()
}

/// The one template every alarm names.
pub fn templates() -> Vec<Value> {
    vec![json!({
        "instanceUid": TEMPLATE_UID, "name": "Job state", "category": "BackupVmJob",
        "description": "A VM backup job failed or finished with a warning.",
        "isPredefined": true, "isEnabled": true,
    })]
}

/// Pages of `alarms/active` one complete read takes.
pub fn alarm_pages(shape: SourceShape) -> usize {
    shape.plans().div_ceil(MAX_PAGE_SIZE as usize)
}

/// The failure of plan `p`'s job on `host`: two or three lines.
fn message(job: &str, host: &str, p: usize) -> String {
    match p % 3 {
        0 => format!(
            "Job '{job}' failed: {host} could not be snapshotted.\n\
             Error: The datastore 'DS{:02}' has 2% free space.\n",
            p % 4
        ),
        1 => format!(
            "Job '{job}' failed after 3 retries.\n\
             Processing {host} Error: Failed to connect to the backup repository.\n\
             Error: The network path was not found.\n"
        ),
        _ => format!(
            "Job '{job}' failed: 1 of 4 VMs could not be processed.\n\
             {host}: Error: CBT data is invalid, failing over to the legacy incremental mode.\n"
        ),
    }
}

/// One Error alarm per plan, the newest activation one second before `now`.
pub fn alarms(shape: SourceShape, now: DateTime<Utc>) -> Vec<NewAlarm> {
    let total = shape.plans() as i64;
    let mut out = Vec::with_capacity(shape.plans());
    for p in 0..shape.plans_per_company {
        for i in 0..shape.companies {
            let server = p % SERVERS;
            let object = AlarmObject {
                instance_uid: format!("5d0c1e2f-{i:04}-4a3b-8c7d-{p:012}"),
                object_type: "ObjectEntity".to_owned(),
                organization_uid: company_uid(i),
                location_uid: format!("6b2e4f60-{i:04}-4c1d-9e8f-000000000000"),
                management_agent_uid: format!("7c3f5a71-{i:04}-4d2e-8f9a-{server:012}"),
                computer_name: format!("BC{i:04}-VBR{:02}", server + 1),
                object_uid: format!("8d4a6b82-{i:04}-4e3f-9a0b-{p:012}"),
                object_name: Some(format!("VM backup {p:03}")),
            };
            let host = format!("BC{i:04}-SRV{:02}", p % HOSTS);
            let text = message(&format!("VM backup {p:03}"), &host, p);
            let n = out.len() as i64;
            let alarm = NewAlarm::new(
                &format!("a7c0e3f1-{i:04}-4e5b-8d2a-{p:012}"),
                TEMPLATE_UID,
                object,
                AlarmStatus::Error,
                &text,
            )
            .at(now - Duration::seconds(total - n));
            out.push(NewAlarm {
                activation_uid: Some(format!("2e7f9a04-{i:04}-4b6c-8d1e-{p:012}")),
                ..alarm
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bridge_core::source::platform::PlatformOptions;
    use bridge_core::source::vspc::VspcClient;
    use bridge_sim::vspc::{VspcSim, DEMO_VSPC_PASSWORD, DEMO_VSPC_USER};
    use std::collections::BTreeSet;

    #[test]
    fn one_error_alarm_per_plan_with_unique_uids() {
        let shape = SourceShape::QUICK;
        let alarms = alarms(shape, Utc::now());
        assert_eq!(alarms.len(), shape.plans());
        let uids: BTreeSet<&str> = alarms.iter().map(|a| a.instance_uid.as_str()).collect();
        assert_eq!(uids.len(), shape.plans());
        let orgs: BTreeSet<String> = companies(shape)
            .iter()
            .map(|c| c["instanceUid"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(orgs.len(), shape.companies);
        for a in &alarms {
            assert!(orgs.contains(&a.object.organization_uid));
            assert_eq!(a.status, AlarmStatus::Error);
            assert!(a.message.as_deref().unwrap().lines().count() >= 2);
        }
        assert_eq!(alarm_pages(SourceShape::FULL), 20);
    }

    /// The product's client reads the world whole: every alarm decoded,
    /// none rejected, its template resolved, none taken for malware.
    #[test]
    fn the_client_reads_every_alarm() {
        let shape = SourceShape::QUICK;
        let rt = tokio::runtime::Runtime::new().unwrap();
        let listing = rt.block_on(async {
            let sim = VspcSim::start(DEMO_VSPC_USER, DEMO_VSPC_PASSWORD, None)
                .await
                .unwrap();
            sim.set_companies(companies(shape));
            sim.set_templates(templates());
            sim.set_alarms(alarms(shape, Utc::now())).unwrap();
            let secret = DEMO_VSPC_PASSWORD.to_owned().into();
            let client = VspcClient::new(
                &sim.base_url(),
                Some(DEMO_VSPC_USER),
                secret,
                PlatformOptions::default(),
            )
            .unwrap();
            assert_eq!(client.companies().await.unwrap().companies.len(), 10);
            let listing = client.alarms().await.unwrap();
            sim.shutdown().await;
            listing
        });
        assert!(listing.complete);
        assert!(listing.rejected.is_empty());
        assert_eq!(listing.alarms.len(), shape.plans());
        for a in &listing.alarms {
            assert_eq!(a.template.category, "BackupVmJob");
            assert!(a.activation.message.contains('\n'), "{a:?}");
            let anomaly =
                bridge_core::source::vspc::alarms::is_anomaly(&a.template, &a.activation.message);
            assert!(!anomaly, "{a:?}");
        }
    }
}
