//! The joins a Comet job needs (`reference/sources.md` §2): a job names
//! only ids, so its company, computer, plan, backup type and vault come
//! from the user profiles and the tenants. Pure: the client reads and caches
//! a [`Joins`]; this module maps jobs with it and says which known plans are
//! gone.

use std::collections::{BTreeMap, BTreeSet};

use super::decode::{
    backup_type, rfc3339, run_status, status_sentence, Job, KeyParts, LogEntry, UserSlim,
    CLASSIFICATION_BACKUP,
};
use crate::model::BackupCompany;
use crate::source::platform::{ErrorLine, PlanRun, RunStatus};

/// The most error lines a run carries.
pub const MAX_ERROR_LINES: usize = 20;

/// The user profiles and tenants, as slim views.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Joins {
    /// Every user that could be read, by `Username`.
    pub users: BTreeMap<String, UserSlim>,
    /// Tenant names by id; empty when the server has none (or this admin
    /// may not list them).
    pub tenants: BTreeMap<String, String>,
    /// False when some profile could not be read (so no plan is taken as
    /// gone).
    pub complete: bool,
}

impl Joins {
    /// The company of a user: its tenant when `OrganizationID` names one,
    /// else the user account.
    pub fn company_of(&self, user: &UserSlim) -> BackupCompany {
        if let Some(name) = self.tenants.get(&user.organization_id) {
            if !user.organization_id.is_empty() {
                return BackupCompany {
                    id: user.organization_id.clone(),
                    name: name.clone(),
                };
            }
        }
        let name = if user.account_name.trim().is_empty() {
            user.username.clone()
        } else {
            user.account_name.clone()
        };
        BackupCompany {
            id: user.username.clone(),
            name,
        }
    }

    /// What `companies list` shows: every tenant, and the account of every
    /// user outside a tenant (all of them when tenants are not used).
    pub fn companies(&self) -> Vec<BackupCompany> {
        let mut out: BTreeMap<String, BackupCompany> = self
            .tenants
            .iter()
            .map(|(id, name)| {
                let company = BackupCompany {
                    id: id.clone(),
                    name: name.clone(),
                };
                (id.clone(), company)
            })
            .collect();
        for user in self.users.values() {
            let company = self.company_of(user);
            out.entry(company.id.clone()).or_insert(company);
        }
        out.into_values().collect()
    }

    /// What a job names that the profiles lack (`None` when all is known).
    pub fn missing(&self, job: &Job) -> Option<String> {
        let Some(user) = self.users.get(&job.username) else {
            return Some(format!("user \"{}\"", job.username));
        };
        if !user.devices.contains_key(&job.device_id) {
            return Some(format!(
                "device \"{}\" of user \"{}\"",
                job.device_id, job.username
            ));
        }
        if !user.sources.contains_key(&job.source_guid) {
            return Some(format!(
                "protected item \"{}\" of user \"{}\"",
                job.source_guid, job.username
            ));
        }
        if !user.destinations.contains_key(&job.destination_guid) {
            return Some(format!(
                "storage vault \"{}\" of user \"{}\"",
                job.destination_guid, job.username
            ));
        }
        None
    }

    /// The job as a run, with its log lines (failing runs only). `Err` says
    /// why the job cannot be used (an unknown status, a missing join).
    pub fn run(&self, job: &Job, log: &JobLog) -> Result<PlanRun, String> {
        let mut status =
            run_status(job.status).ok_or_else(|| format!("unknown job Status {}", job.status))?;
        if let Some(what) = self.missing(job) {
            return Err(format!("the profiles have no {what}"));
        }
        let user = self
            .users
            .get(&job.username)
            .ok_or_else(|| format!("the profiles have no user \"{}\"", job.username))?;
        if job.classification != CLASSIFICATION_BACKUP {
            status = RunStatus::NotTicketed;
        }
        let company = self.company_of(user);
        let device = user
            .devices
            .get(&job.device_id)
            .cloned()
            .unwrap_or_default();
        let item = user
            .sources
            .get(&job.source_guid)
            .cloned()
            .unwrap_or_default();
        let vault = user
            .destinations
            .get(&job.destination_guid)
            .cloned()
            .unwrap_or_default();
        let key = KeyParts {
            company: company.id.clone(),
            username: job.username.clone(),
            device: job.device_id.clone(),
            source: job.source_guid.clone(),
            destination: job.destination_guid.clone(),
        }
        .key();
        let failing = status.event_fields().is_some();
        let error_lines = if failing {
            log.lines.clone()
        } else {
            Vec::new()
        };
        let message = if failing {
            log.first_error
                .clone()
                .unwrap_or_else(|| status_sentence(job.status))
        } else {
            String::new()
        };
        Ok(PlanRun {
            key,
            company_id: company.id,
            computer: non_empty(device.friendly_name, &job.device_id),
            plan: non_empty(item.description, &job.source_guid),
            backup_type: backup_type(&item.engine),
            status,
            started_at: rfc3339(job.start_time),
            updated_at: rfc3339(job.end_time),
            message,
            error_lines,
            description: vec![(
                "Vault".to_owned(),
                non_empty(vault.description, &job.destination_guid),
            )],
        })
    }

    /// Known keys whose user, device, protected item or vault these
    /// profiles no longer have. Keys this adapter did not write are left
    /// alone.
    pub fn gone(&self, known: &BTreeSet<String>) -> BTreeSet<String> {
        known
            .iter()
            .filter(|key| {
                KeyParts::parse(key).is_some_and(|p| match self.users.get(&p.username) {
                    None => true,
                    Some(user) => {
                        !user.devices.contains_key(&p.device)
                            || !user.sources.contains_key(&p.source)
                            || !user.destinations.contains_key(&p.destination)
                    }
                })
            })
            .cloned()
            .collect()
    }
}

/// What a failing job's log says: its `E`/`W` lines (the first
/// [`MAX_ERROR_LINES`]) and the text of its first `E` line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobLog {
    pub lines: Vec<ErrorLine>,
    pub first_error: Option<String>,
}

impl JobLog {
    /// The log of a job from `get-job-log-entries`.
    pub fn from_entries(entries: &[LogEntry]) -> JobLog {
        let wanted = |e: &&LogEntry| matches!(e.severity.as_str(), "E" | "W");
        JobLog {
            lines: entries
                .iter()
                .filter(wanted)
                .take(MAX_ERROR_LINES)
                .map(|e| ErrorLine {
                    at: rfc3339(e.time),
                    text: e.message.trim().to_owned(),
                })
                .collect(),
            first_error: entries
                .iter()
                .find(|e| e.severity == "E" && !e.message.trim().is_empty())
                .map(|e| e.message.trim().to_owned()),
        }
    }
}

fn non_empty(text: String, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_owned()
    } else {
        text
    }
}
