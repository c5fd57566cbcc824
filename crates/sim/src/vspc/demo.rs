//! Demo data for the VSPC simulator: companies named like the Dashboard
//! demo companies (so the same ConnectWise mapping works), the alarm
//! templates the alarms name (malware detection among them), four alarms
//! and a three-step timeline. Read by read, the demo shows:
//! 1. Acme's VM job fails (Error), Northwind's laptop job warns, Contoso's
//!    file server shows potential malware activity (event 41600), and a
//!    SureBackup job reports Info (never ticketed);
//! 2. Acme's VM job fails again with a new message (a new activation: a
//!    note); the laptop warning is acknowledged (status only: no change);
//! 3. Acme's VM job is Resolved (its ticket closes); the malware alarm is
//!    Resolved too (an anomaly's ticket stays open);
//! 4. the laptop warning is Resolved (its ticket closes); Tailspin Toys,
//!    which has no ConnectWise company, gets a failing server job.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::alarm::{AlarmObject, AlarmStatus, Change, NewAlarm};

/// The VSPC user the demo signs in with (password grant, so tokens are used).
pub const DEMO_VSPC_USER: &str = "svc-backupbridge";
/// Its password.
pub const DEMO_VSPC_PASSWORD: &str = "vspc-demo-4e8b1c07";
/// An API key the demo simulator accepts too.
pub const DEMO_VSPC_API_KEY: &str = "vspc-demo-key-0f3a9d62b17c4e58";

/// Company `instanceUid`s (the ids `companies list` shows).
pub const ACME_UID: &str = "3f1b6c2e-8a47-4d0e-9b15-7c2d4e6f8a01";
pub const NORTHWIND_UID: &str = "3f1b6c2e-8a47-4d0e-9b15-7c2d4e6f8a02";
pub const CONTOSO_UID: &str = "3f1b6c2e-8a47-4d0e-9b15-7c2d4e6f8a03";
pub const TAILSPIN_UID: &str = "3f1b6c2e-8a47-4d0e-9b15-7c2d4e6f8a06";

/// Alarm template `instanceUid`s.
pub const VM_JOB_TEMPLATE: &str = "9e3a7b10-0001-4c6d-8e2f-1a2b3c4d5e01";
pub const AGENT_JOB_TEMPLATE: &str = "9e3a7b10-0002-4c6d-8e2f-1a2b3c4d5e02";
pub const SERVER_AGENT_JOB_TEMPLATE: &str = "9e3a7b10-0003-4c6d-8e2f-1a2b3c4d5e03";
pub const SUREBACKUP_TEMPLATE: &str = "9e3a7b10-0004-4c6d-8e2f-1a2b3c4d5e04";
pub const MALWARE_TEMPLATE: &str = "9e3a7b10-0005-4c6d-8e2f-1a2b3c4d5e05";
/// The name of the malware template (VBR 12.1+ event 41600).
pub const MALWARE_TEMPLATE_NAME: &str = "Potential malware activity detected";

/// Alarm `instanceUid`s.
pub const VM_JOB_ALARM: &str = "a7c0e3f1-0001-4e5b-8d2a-3c4b5a6d7e01";
pub const AGENT_JOB_ALARM: &str = "a7c0e3f1-0002-4e5b-8d2a-3c4b5a6d7e02";
pub const MALWARE_ALARM: &str = "a7c0e3f1-0003-4e5b-8d2a-3c4b5a6d7e03";
pub const SUREBACKUP_ALARM: &str = "a7c0e3f1-0004-4e5b-8d2a-3c4b5a6d7e04";
/// Raised by the timeline's last step.
pub const TAILSPIN_ALARM: &str = "a7c0e3f1-0005-4e5b-8d2a-3c4b5a6d7e05";

/// Four companies; "Tailspin Toys" has no ConnectWise counterpart.
pub fn demo_companies() -> Vec<Value> {
    [
        (ACME_UID, "Acme Dental Ltd"),
        (NORTHWIND_UID, "Northwind Law LLP"),
        (CONTOSO_UID, "Contoso Health Clinic"),
        (TAILSPIN_UID, "Tailspin Toys"),
    ]
    .iter()
    .map(|(uid, name)| {
        json!({
            "instanceUid": uid,
            "name": name,
            "status": "Active",
            "resellerUid": null,
            "subscriptionPlanUid": null,
            "isAlarmDetectEnabled": true,
        })
    })
    .collect()
}

/// The templates: job state alarms per category, SureBackup, malware, and a
/// disabled custom one no alarm uses.
pub fn demo_templates() -> Vec<Value> {
    let template =
        |uid: &str, name: &str, category: &str, description: &str, predefined, enabled| {
            json!({
                "instanceUid": uid,
                "name": name,
                "category": category,
                "description": description,
                "isPredefined": predefined,
                "isEnabled": enabled,
            })
        };
    vec![
        template(
            VM_JOB_TEMPLATE,
            "Job state",
            "BackupVmJob",
            "A VM backup job failed or finished with a warning.",
            true,
            true,
        ),
        template(
            AGENT_JOB_TEMPLATE,
            "Job state",
            "BackupAgentJob",
            "A Veeam Agent backup job failed or finished with a warning.",
            true,
            true,
        ),
        template(
            SERVER_AGENT_JOB_TEMPLATE,
            "Job state",
            "BackupServerAgentJob",
            "An agent job managed by a backup server failed or finished with a warning.",
            true,
            true,
        ),
        template(
            SUREBACKUP_TEMPLATE,
            "SureBackup job state",
            "SureBackupJob",
            "A SureBackup job found a machine that did not pass its checks.",
            true,
            true,
        ),
        template(
            MALWARE_TEMPLATE,
            MALWARE_TEMPLATE_NAME,
            "BackupServer",
            "Veeam Backup & Replication detected potential malware activity in a backup \
             (event 41600).",
            true,
            true,
        ),
        template(
            "9e3a7b10-0006-4c6d-8e2f-1a2b3c4d5e06",
            "Repository free space (custom)",
            "BackupRepository",
            "Free space on a repository is low.",
            false,
            false,
        ),
    ]
}

/// An object of a company's: `n` numbers its location and agent uids.
fn object(company: &str, n: u8, computer: &str, name: &str) -> AlarmObject {
    AlarmObject {
        instance_uid: format!("5d0c1e2f-00{n:02}-4a3b-8c7d-0e1f2a3b4c{n:02}"),
        object_type: "ObjectEntity".to_owned(),
        organization_uid: company.to_owned(),
        location_uid: format!("6b2e4f60-00{n:02}-4c1d-9e8f-7a6b5c4d3e{n:02}"),
        management_agent_uid: format!("7c3f5a71-00{n:02}-4d2e-8f9a-6b5c4d3e2f{n:02}"),
        computer_name: computer.to_owned(),
        object_uid: format!("8d4a6b82-00{n:02}-4e3f-9a0b-5c4d3e2f1a{n:02}"),
        object_name: Some(name.to_owned()),
    }
}

/// The first activation of alarm `n`, `minutes` after `base`.
fn first(alarm: NewAlarm, n: u8, base: DateTime<Utc>, minutes: i64, repeat_count: u32) -> NewAlarm {
    NewAlarm {
        activation_uid: Some(format!("2e7f9a04-00{n:02}-4b6c-8d1e-3f4a5b6c7d{n:02}")),
        time: Some(base + Duration::minutes(minutes)),
        repeat_count,
        ..alarm
    }
}

/// The four alarms of the first read, activated between one and four
/// minutes after `base` (the malware alarm listed first).
pub fn demo_alarms_at(base: DateTime<Utc>) -> Vec<NewAlarm> {
    let vm = NewAlarm::new(
        VM_JOB_ALARM,
        VM_JOB_TEMPLATE,
        object(ACME_UID, 1, "ACME-VBR01", "Nightly VMs"),
        AlarmStatus::Error,
        "Job 'Nightly VMs' failed: ACME-SQL01 could not be snapshotted.\n\
         Error: The datastore 'DS01' has 2% free space.\n",
    );
    let agent = NewAlarm::new(
        AGENT_JOB_ALARM,
        AGENT_JOB_TEMPLATE,
        object(NORTHWIND_UID, 2, "NW-LT07", "Laptop documents"),
        AlarmStatus::Warning,
        "Backup job 'Laptop documents' finished with a warning.\n\
         3 files were skipped because they were in use.\n",
    );
    let malware = NewAlarm::new(
        MALWARE_ALARM,
        MALWARE_TEMPLATE,
        object(CONTOSO_UID, 3, "CH-VBR01", "CH-FS01"),
        AlarmStatus::Error,
        "Event 41600: Potential malware activity detected on CH-FS01 (restore point of \
         job 'Clinic file server').\n\
         1214 files were renamed with the extension .lockbit in D:\\Shares\\Records.\n",
    );
    let surebackup = NewAlarm::new(
        SUREBACKUP_ALARM,
        SUREBACKUP_TEMPLATE,
        object(NORTHWIND_UID, 4, "NW-VBR01", "Verify DC"),
        AlarmStatus::Info,
        "SureBackup job 'Verify DC' finished: every machine passed its checks.\n",
    );
    vec![
        first(vm, 1, base, 1, 2),
        first(agent, 2, base, 2, 1),
        first(surebackup, 4, base, 3, 1),
        first(malware, 3, base, 4, 1),
    ]
}

/// The alarm the timeline's last step raises (Tailspin Toys, unmapped).
pub fn tailspin_alarm() -> NewAlarm {
    NewAlarm::new(
        TAILSPIN_ALARM,
        SERVER_AGENT_JOB_TEMPLATE,
        object(TAILSPIN_UID, 5, "TS-SRV02", "Server volumes"),
        AlarmStatus::Error,
        "Backup job 'Server volumes' failed.\n\
         Error: The agent on TS-SRV02 lost its connection to the repository.\n",
    )
}

/// Three steps, applied one after each complete read (see the module doc).
pub fn demo_timeline() -> Vec<Vec<Change>> {
    let activate = |uid: &str, status, message: &str| Change::Activate {
        uid: uid.to_owned(),
        status,
        message: message.to_owned(),
    };
    vec![
        vec![
            activate(
                VM_JOB_ALARM,
                AlarmStatus::Error,
                "Job 'Nightly VMs' failed: ACME-SQL01 could not be backed up.\n\
                 Error: The backup repository 'Acme Repo' is out of space.\n",
            ),
            Change::SetStatus {
                uid: AGENT_JOB_ALARM.to_owned(),
                status: AlarmStatus::Acknowledged,
            },
        ],
        vec![
            activate(
                VM_JOB_ALARM,
                AlarmStatus::Resolved,
                "Job 'Nightly VMs' finished successfully.\n",
            ),
            activate(
                MALWARE_ALARM,
                AlarmStatus::Resolved,
                "Potential malware activity on CH-FS01 was marked as clean.\n",
            ),
        ],
        vec![
            activate(
                AGENT_JOB_ALARM,
                AlarmStatus::Resolved,
                "Backup job 'Laptop documents' finished successfully.\n",
            ),
            Change::raise(tailspin_alarm()),
        ],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_company_names_match_the_dashboard_demo() {
        let dashboard: Vec<Value> = crate::dashboard::demo_companies()
            .into_iter()
            .map(|c| c["name"].clone())
            .collect();
        for company in demo_companies() {
            assert!(dashboard.contains(&company["name"]), "{company}");
        }
    }

    #[test]
    fn every_alarm_names_a_demo_company_and_template() {
        let companies = demo_companies();
        let templates = demo_templates();
        let mut alarms = demo_alarms_at(Utc::now());
        alarms.push(tailspin_alarm());
        for alarm in alarms {
            let org = &alarm.object.organization_uid;
            assert!(companies.iter().any(|c| c["instanceUid"] == *org), "{org}");
            let template = templates
                .iter()
                .find(|t| t["instanceUid"] == alarm.template_uid)
                .unwrap();
            assert_eq!(template["isEnabled"], true);
        }
        let malware = templates
            .iter()
            .find(|t| t["instanceUid"] == MALWARE_TEMPLATE)
            .unwrap();
        assert_eq!(malware["name"], MALWARE_TEMPLATE_NAME);
    }
}
