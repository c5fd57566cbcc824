//! The company mapping (design §3): Dashboard companies, each optionally
//! mapped to a ConnectWise company with per-company filter overrides, and the
//! outcome of its last sync.
//!
//! The list comes from the Dashboard through [`refresh`], which never loses a
//! mapping: a company that disappears from the Dashboard stays, flagged
//! `present = false`, and gets its mapping back intact if it returns.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::settings::Settings;
use super::{now_text, parse_time, Store, StoreError};
use crate::model::{BackupCompany, MonitoringEvent, Override, TypeFilter};

#[path = "companies_page.rs"]
pub mod page;
pub use page::{page, CompanyCursor, CompanyFlag, CompanySearch, Page, PAGE_LIMIT_MAX};

/// Outcome of the last sync for one company ("Last Update Status").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LastStatus {
    pub ok: bool,
    pub at: DateTime<Utc>,
    /// For an error, the sentence to show (e.g. which agreement condition matched nothing).
    pub message: String,
}

impl LastStatus {
    /// A success now.
    pub fn ok_now(message: impl Into<String>) -> Self {
        LastStatus {
            ok: true,
            at: Utc::now(),
            message: message.into(),
        }
    }

    /// A failure now.
    pub fn error_now(message: impl Into<String>) -> Self {
        LastStatus {
            ok: false,
            at: Utc::now(),
            message: message.into(),
        }
    }
}

/// One Dashboard company and its mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompanyRow {
    /// Dashboard company id.
    pub id: String,
    /// Dashboard company name (as of the last refresh).
    pub name: String,
    /// False once the company is no longer listed by the Dashboard.
    pub present: bool,
    /// The ConnectWise "Company ID" the user typed; `None` = unmapped.
    pub cw_identifier: Option<String>,
    /// The numeric ConnectWise id it resolved to.
    pub cw_company_id: Option<i64>,
    /// The ConnectWise company name it resolved to.
    pub cw_company_name: Option<String>,
    pub event_types: Override<TypeFilter>,
    pub backup_types: Override<TypeFilter>,
    /// `Explicit("")` = no agreement for this company whatever the default.
    pub agreement_condition: Override<String>,
    pub last_status: Option<LastStatus>,
}

/// What a mapping sets: the resolved ConnectWise company and the overrides.
/// Resolving the identifier (via `CwClient::company_by_identifier`) is the
/// caller's job, so nothing unresolved is ever saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub cw_identifier: String,
    pub cw_company_id: i64,
    pub cw_company_name: String,
    pub event_types: Override<TypeFilter>,
    pub backup_types: Override<TypeFilter>,
    pub agreement_condition: Override<String>,
}

/// A company's filters after applying the global defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EffectiveFilters {
    pub event_types: TypeFilter,
    pub backup_types: TypeFilter,
    /// Empty = no agreement.
    pub agreement_condition: String,
}

impl EffectiveFilters {
    /// True when the event's type and backup type pass (rule 1; mapping checked separately).
    pub fn allows(&self, event: &MonitoringEvent) -> bool {
        self.event_types.allows(&event.event_type) && self.backup_types.allows(&event.backup_type)
    }
}

impl CompanyRow {
    /// True when mapped to a ConnectWise company (unmapped companies produce no tickets).
    pub fn is_mapped(&self) -> bool {
        self.cw_company_id.is_some()
    }

    /// This company's filters with `Default` replaced by the global settings.
    pub fn effective(&self, settings: &Settings) -> EffectiveFilters {
        EffectiveFilters {
            event_types: self.event_types.resolve(&settings.default_event_types),
            backup_types: self.backup_types.resolve(&settings.default_backup_types),
            agreement_condition: self
                .agreement_condition
                .resolve(&settings.default_agreement_condition),
        }
    }
}

/// What [`refresh`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RefreshSummary {
    /// Companies seen for the first time.
    pub added: usize,
    /// Known companies whose name changed.
    pub renamed: usize,
    /// Companies that were listed before and are not any more.
    pub gone: usize,
    /// Companies that were gone and are listed again.
    pub returned: usize,
}

const COLUMNS: &str = "id, name, present, cw_identifier, cw_company_id, cw_company_name, \
     event_types, backup_types, agreement_condition, last_ok, last_at, last_message";

/// Upsert the Dashboard's company list in one transaction: names are
/// updated, mappings kept, absent companies flagged `present = false`.
pub fn refresh(store: &Store, companies: &[BackupCompany]) -> Result<RefreshSummary, StoreError> {
    store.with_tx(|tx| {
        let now = now_text();
        let mut summary = RefreshSummary::default();
        tx.execute(
            "CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY)",
            [],
        )?;
        tx.execute("DELETE FROM temp.seen", [])?;
        for company in companies {
            let before: Option<(String, bool)> = tx
                .query_row(
                    "SELECT name, present FROM companies WHERE id = ?1",
                    [&company.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match before {
                None => summary.added += 1,
                Some((name, present)) => {
                    summary.renamed += usize::from(name != company.name);
                    summary.returned += usize::from(!present);
                }
            }
            tx.execute(
                "INSERT INTO companies (id, name, present, first_seen_at, updated_at)
                 VALUES (?1, ?2, 1, ?3, ?3)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, present = 1,
                     updated_at = excluded.updated_at",
                params![company.id, company.name, now],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO temp.seen (id) VALUES (?1)",
                [&company.id],
            )?;
        }
        summary.gone = tx.execute(
            "UPDATE companies SET present = 0, updated_at = ?1
             WHERE present = 1 AND id NOT IN (SELECT id FROM temp.seen)",
            [&now],
        )?;
        tx.execute("DELETE FROM temp.seen", [])?;
        Ok(summary)
    })
}

/// Every company, present or not, by name.
pub fn list(store: &Store) -> Result<Vec<CompanyRow>, StoreError> {
    let raw = store.with_conn(|c| {
        let mut stmt = c.prepare(&format!(
            "SELECT {COLUMNS} FROM companies ORDER BY name COLLATE NOCASE, id"
        ))?;
        let rows = stmt.query_map([], RawRow::read)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })?;
    raw.into_iter().map(RawRow::into_row).collect()
}

/// One company by Dashboard id.
pub fn get(store: &Store, id: &str) -> Result<Option<CompanyRow>, StoreError> {
    let raw = store.with_conn(|c| {
        c.query_row(
            &format!("SELECT {COLUMNS} FROM companies WHERE id = ?1"),
            [id],
            RawRow::read,
        )
        .optional()
    })?;
    raw.map(RawRow::into_row).transpose()
}

/// Map a company to a ConnectWise company with its overrides. Clears the
/// last status (it described the previous mapping).
pub fn set_mapping(store: &Store, id: &str, mapping: &Mapping) -> Result<(), StoreError> {
    let invalid = |reason: String| StoreError::InvalidMapping {
        company: id.to_owned(),
        reason,
    };
    let identifier = mapping.cw_identifier.trim();
    if identifier.is_empty() {
        return Err(invalid(
            "the ConnectWise company identifier is empty".to_owned(),
        ));
    }
    for (what, filter) in [
        ("event", &mapping.event_types),
        ("backup", &mapping.backup_types),
    ] {
        if matches!(filter, Override::Explicit(TypeFilter::Only(l)) if l.is_empty()) {
            return Err(invalid(format!(
                "the {what} type list is empty; list at least one, or use default"
            )));
        }
    }
    if let Override::Explicit(condition) = &mapping.agreement_condition {
        if !condition.trim().is_empty() {
            super::settings::check_condition(condition.trim())
                .map_err(|e| invalid(format!("the agreement condition is invalid: {e}")))?;
        }
    }
    let changed = store.with_conn(|c| {
        c.execute(
            "UPDATE companies SET cw_identifier = ?2, cw_company_id = ?3, cw_company_name = ?4,
                 event_types = ?5, backup_types = ?6, agreement_condition = ?7,
                 last_ok = NULL, last_at = NULL, last_message = NULL, updated_at = ?8
             WHERE id = ?1",
            params![
                id,
                identifier,
                mapping.cw_company_id,
                mapping.cw_company_name,
                filter_text(&mapping.event_types),
                filter_text(&mapping.backup_types),
                match &mapping.agreement_condition {
                    Override::Default => None,
                    Override::Explicit(c) => Some(c.trim().to_owned()),
                },
                now_text(),
            ],
        )
    })?;
    if changed == 0 {
        return Err(StoreError::UnknownCompany(id.to_owned()));
    }
    Ok(())
}

/// Remove a company's mapping and overrides (it then produces no tickets).
pub fn clear_mapping(store: &Store, id: &str) -> Result<(), StoreError> {
    let changed = store.with_conn(|c| {
        c.execute(
            "UPDATE companies SET cw_identifier = NULL, cw_company_id = NULL, cw_company_name = NULL,
                 event_types = NULL, backup_types = NULL, agreement_condition = NULL,
                 last_ok = NULL, last_at = NULL, last_message = NULL, updated_at = ?2
             WHERE id = ?1",
            params![id, now_text()],
        )
    })?;
    if changed == 0 {
        return Err(StoreError::UnknownCompany(id.to_owned()));
    }
    Ok(())
}

/// Record the outcome of the last sync for a company.
pub fn set_last_status(store: &Store, id: &str, status: &LastStatus) -> Result<(), StoreError> {
    set_last_statuses(store, &[(id.to_owned(), status.clone())])
}

/// Record the outcome of the last sync for several companies, in one
/// transaction (all or none). An unknown company id is an error.
pub fn set_last_statuses(
    store: &Store,
    statuses: &[(String, LastStatus)],
) -> Result<(), StoreError> {
    store.with_tx(|tx| {
        let mut stmt = tx.prepare_cached(
            "UPDATE companies SET last_ok = ?2, last_at = ?3, last_message = ?4 WHERE id = ?1",
        )?;
        for (id, status) in statuses {
            let at = status
                .at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            if stmt.execute(params![id, status.ok, at, status.message])? == 0 {
                return Err(StoreError::UnknownCompany(id.clone()));
            }
        }
        Ok(())
    })
}

fn filter_text(filter: &Override<TypeFilter>) -> Option<String> {
    match filter {
        Override::Default => None,
        Override::Explicit(f) => Some(f.to_string()),
    }
}

/// Columns as SQLite returns them, before the typed conversion (which can fail
/// on hand-edited data and so happens outside rusqlite's row callback).
struct RawRow {
    id: String,
    name: String,
    present: bool,
    cw_identifier: Option<String>,
    cw_company_id: Option<i64>,
    cw_company_name: Option<String>,
    event_types: Option<String>,
    backup_types: Option<String>,
    agreement_condition: Option<String>,
    last_ok: Option<bool>,
    last_at: Option<String>,
    last_message: Option<String>,
}

impl RawRow {
    fn read(r: &Row<'_>) -> rusqlite::Result<RawRow> {
        Ok(RawRow {
            id: r.get(0)?,
            name: r.get(1)?,
            present: r.get(2)?,
            cw_identifier: r.get(3)?,
            cw_company_id: r.get(4)?,
            cw_company_name: r.get(5)?,
            event_types: r.get(6)?,
            backup_types: r.get(7)?,
            agreement_condition: r.get(8)?,
            last_ok: r.get(9)?,
            last_at: r.get(10)?,
            last_message: r.get(11)?,
        })
    }

    fn into_row(self) -> Result<CompanyRow, StoreError> {
        let filter = |text: Option<String>| match text {
            None => Override::Default,
            Some(t) => Override::Explicit(TypeFilter::parse(&t)),
        };
        let last_status = match (self.last_ok, self.last_at) {
            (Some(ok), Some(at)) => Some(LastStatus {
                ok,
                at: parse_time(&at)?,
                message: self.last_message.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(CompanyRow {
            id: self.id,
            name: self.name,
            present: self.present,
            cw_identifier: self.cw_identifier,
            cw_company_id: self.cw_company_id,
            cw_company_name: self.cw_company_name,
            event_types: filter(self.event_types),
            backup_types: filter(self.backup_types),
            agreement_condition: self
                .agreement_condition
                .map_or(Override::Default, Override::Explicit),
            last_status,
        })
    }
}

#[cfg(test)]
#[path = "companies_tests.rs"]
mod tests;
