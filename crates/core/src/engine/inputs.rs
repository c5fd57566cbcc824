//! The planner's inputs drawn from the store: mapped companies with their
//! effective filters, the ticket rules from the settings, and the event and
//! backup types the Dashboard has sent (offered as filters in the UI); and
//! what a cycle leaves for them: each company's Last Update Status.

use std::collections::BTreeMap;

use super::db_store;
use super::plan::{CompanyScope, TicketRules};
use super::seen::{SeenTypes, SEEN_TYPES_KEY};
use crate::store::companies::{self, CompanyRow, LastStatus};
use crate::store::settings::{self, Settings};
use crate::store::Store;
use crate::Error;

/// Records the event and backup types a cycle saw that were not seen before,
/// so the UI can offer them as filters (rare writes: only on news).
pub(crate) async fn remember_types(store: &Store, cycle: &SeenTypes) -> Result<(), Error> {
    let stored = db_store(store, |s| settings::get(s, SEEN_TYPES_KEY)).await?;
    let mut seen = SeenTypes::from_stored(stored.as_deref());
    // A list stored before the cap is written back trimmed.
    let trimmed = stored.is_some() && serde_json::to_string(&seen).ok() != stored;
    if seen.merge(cycle) || trimmed {
        let text = serde_json::to_string(&seen).unwrap_or_default();
        db_store(store, move |s| settings::set(s, SEEN_TYPES_KEY, &text)).await?;
    }
    Ok(())
}

pub(crate) fn company_label(scopes: &BTreeMap<String, CompanyScope>, id: &str) -> String {
    scopes
        .get(id)
        .map(|s| format!("{} ({id})", s.company_name))
        .unwrap_or_else(|| id.to_owned())
}

/// Mapped companies with their effective filters (rule 1).
pub fn scopes(rows: &[CompanyRow], settings: &Settings) -> BTreeMap<String, CompanyScope> {
    rows.iter()
        .filter_map(|row| {
            let cw_company_id = row.cw_company_id?;
            Some((
                row.id.clone(),
                CompanyScope {
                    company_id: row.id.clone(),
                    company_name: row.name.clone(),
                    cw_company_id,
                    cw_identifier: row.cw_identifier.clone().unwrap_or_default(),
                    event_types: row.event_types.resolve(&settings.default_event_types),
                    backup_types: row.backup_types.resolve(&settings.default_backup_types),
                    agreement_condition: row
                        .agreement_condition
                        .resolve(&settings.default_agreement_condition),
                },
            ))
        })
        .collect()
}

/// The planner's view of the ticket settings.
pub fn rules(settings: &Settings) -> TicketRules {
    let p = &settings.ticket_priority;
    let priority_by_event_type = [
        ("Error", &p.error),
        ("Warning", &p.warning),
        ("BackupAnomaly", &p.backup_anomaly),
    ]
    .into_iter()
    .filter_map(|(t, name)| name.clone().map(|n| (t.to_owned(), n)))
    .collect();
    TicketRules {
        summary_template: settings.summary_template.clone(),
        removed_policy: settings.removed_policy,
        priority_by_event_type,
        // Read from the store by the cycle (they depend on the time).
        snoozes: Vec::new(),
        flap_window_mins: settings.flap_window_mins,
    }
}

/// Last Update Status for every mapped company: its error, or OK.
pub(super) async fn record_statuses(
    store: &Store,
    scopes: &BTreeMap<String, CompanyScope>,
    company_errors: &BTreeMap<String, String>,
) -> Result<(), Error> {
    let statuses: Vec<(String, LastStatus)> = scopes
        .keys()
        .map(|id| {
            let status = match company_errors.get(id) {
                None => LastStatus::ok_now("OK"),
                Some(e) => LastStatus::error_now(e.clone()),
            };
            (id.clone(), status)
        })
        .collect();
    db_store(store, move |s| companies::set_last_statuses(s, &statuses)).await
}
