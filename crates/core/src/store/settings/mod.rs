//! Settings (design §2): the `settings` key/value table and the typed
//! [`Settings`] the engine reads.
//!
//! Writes go through [`set`], which rejects unknown keys, secret-looking keys
//! and invalid values with one sentence each. Keys under `internal.` (e.g.
//! `internal.cw_codebase`) are free-form engine state, hidden from
//! `config show`. Secrets never live here: they are in the OS keychain.

mod keys;
mod table;
mod template;

use crate::source::SourceKind;
pub use keys::{
    CONCURRENCY_RANGE, FLAP_WINDOW_RANGE, INTERNAL_PREFIX, MAX_CREATES_PER_CYCLE,
    MAX_INTERVAL_SECS, MIN_INTERVAL_SECS, REQUEST_RATE_RANGE, ROLLUP_MIN_RANGE,
};

/// Default `storm.max_creates_per_cycle`.
pub const DEFAULT_MAX_CREATES_PER_CYCLE: usize = 50;
/// Default `storm.rollup_min`.
pub const DEFAULT_ROLLUP_MIN: usize = 10;
/// Default `activity.keep_days`.
pub const DEFAULT_KEEP_DAYS: u32 = 90;
/// Default `ticket.flap_window_mins`.
pub const DEFAULT_FLAP_WINDOW_MINS: u32 = 240;
pub use template::{
    render_template, validate_template, DEFAULT_SUMMARY_TEMPLATE, SUMMARY_PLACEHOLDERS,
};

pub use table::{all, check, get, known_keys, reset, set, SettingEntry};

pub(crate) use keys::check_condition;
use table::stored_values;

use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::model::TypeFilter;

/// How BackupBridge signs in to ConnectWise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// API member: public key + private key (keychain).
    ApiMember,
    /// Integrator login: username + password (keychain), impersonating a member.
    Integrator,
}

/// What happens to a ticket when its event leaves the Dashboard (rule 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedPolicy {
    Close,
    Leave,
    Delete,
}

/// Priority names per event type; `None` = the ConnectWise default priority.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priorities {
    pub error: Option<String>,
    pub warning: Option<String>,
    pub backup_anomaly: Option<String>,
}

/// Every setting of design §2, typed, with defaults applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `cw.site`: host or URL as typed (validated: https unless loopback).
    pub cw_site: Option<String>,
    /// `cw.company`: login company id.
    pub cw_company: Option<String>,
    /// `cw.auth_mode`.
    pub cw_auth_mode: AuthMode,
    /// `cw.public_key` (api_member mode).
    pub cw_public_key: Option<String>,
    /// `cw.integrator_username` (integrator mode).
    pub cw_integrator_username: Option<String>,
    /// `cw.impersonate_member` (integrator mode).
    pub cw_impersonate_member: Option<String>,
    /// `cw.client_id`.
    pub cw_client_id: Option<String>,
    /// `cw.requests_per_minute`: client-side pace of ConnectWise requests (0 = no limit).
    pub cw_requests_per_minute: u32,
    /// `defaults.event_types`.
    pub default_event_types: TypeFilter,
    /// `defaults.backup_types`.
    pub default_backup_types: TypeFilter,
    /// `defaults.agreement_condition`; empty = no agreement.
    pub default_agreement_condition: String,
    /// `ticket.board`.
    pub ticket_board: Option<String>,
    /// `ticket.status_new`; `None` = the board's default status.
    pub ticket_status_new: Option<String>,
    /// `ticket.status_closed`; `None` = the board's first closed status.
    pub ticket_status_closed: Option<String>,
    /// `ticket.priority.Error` / `.Warning` / `.BackupAnomaly`.
    pub ticket_priority: Priorities,
    /// `ticket.type`.
    pub ticket_type: Option<String>,
    /// `ticket.subtype`.
    pub ticket_subtype: Option<String>,
    /// `ticket.item`.
    pub ticket_item: Option<String>,
    /// `ticket.summary_template` (validated placeholders).
    pub summary_template: String,
    /// `ticket.removed_policy`.
    pub removed_policy: RemovedPolicy,
    /// `sync.interval_secs` (10 ..= 86400).
    pub sync_interval_secs: u64,
    /// `sync.concurrency` (1 ..= 16).
    pub sync_concurrency: usize,
    /// `dashboard.url`.
    pub dashboard_url: Option<String>,
    /// `source.kind`: the backup platform read.
    pub source_kind: crate::source::SourceKind,
    /// `source.url`: the platform's address (the kind's default when empty).
    pub source_url: Option<String>,
    /// `source.username`: the platform login.
    pub source_username: Option<String>,
    /// `source.tls_fingerprint`: the pinned certificate of a self-hosted
    /// platform (normalised `AB:CD:…`).
    pub source_tls_fingerprint: Option<String>,
    /// `storm.max_creates_per_cycle`: tickets created per cycle at most,
    /// oldest event first (`0` = no cap).
    pub storm_max_creates_per_cycle: usize,
    /// `storm.rollup_min`: new failures sharing a cause that make a roll-up.
    pub storm_rollup_min: usize,
    /// `storm.rollup_company`: the ConnectWise Company ID of roll-up tickets
    /// (`None` = no roll-up tickets).
    pub storm_rollup_company: Option<String>,
    /// `ticket.flap_window_mins`: the flap damping window.
    pub flap_window_mins: u32,
    /// `activity.keep_days`: closed and removed tickets older than this
    /// leave the Activity list's default view (a search still finds them).
    pub activity_keep_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cw_site: None,
            cw_company: None,
            cw_auth_mode: AuthMode::ApiMember,
            cw_public_key: None,
            cw_integrator_username: None,
            cw_impersonate_member: None,
            cw_client_id: None,
            cw_requests_per_minute: crate::cw::DEFAULT_REQUESTS_PER_MINUTE,
            default_event_types: TypeFilter::Only(
                crate::model::KNOWN_EVENT_TYPES
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            ),
            default_backup_types: TypeFilter::All,
            default_agreement_condition: String::new(),
            ticket_board: None,
            ticket_status_new: None,
            ticket_status_closed: None,
            ticket_priority: Priorities::default(),
            ticket_type: None,
            ticket_subtype: None,
            ticket_item: None,
            summary_template: DEFAULT_SUMMARY_TEMPLATE.to_owned(),
            removed_policy: RemovedPolicy::Close,
            sync_interval_secs: 300,
            sync_concurrency: 4,
            dashboard_url: None,
            source_kind: crate::source::SourceKind::Dashboard,
            source_url: None,
            source_username: None,
            source_tls_fingerprint: None,
            storm_max_creates_per_cycle: DEFAULT_MAX_CREATES_PER_CYCLE,
            storm_rollup_min: DEFAULT_ROLLUP_MIN,
            storm_rollup_company: None,
            flap_window_mins: DEFAULT_FLAP_WINDOW_MINS,
            activity_keep_days: DEFAULT_KEEP_DAYS,
        }
    }
}

impl Settings {
    /// Read every setting from the store, defaults for the missing ones.
    /// A stored value that no longer validates (edited by hand, say) is an
    /// [`StoreError::InvalidSetting`] naming the key and how to fix it.
    pub fn load(store: &Store) -> Result<Settings, StoreError> {
        let stored = stored_values(store)?;
        let mut settings = Settings::default();
        for spec in keys::KEYS {
            let Some(raw) = stored.get(spec.key) else {
                continue;
            };
            let invalid = |reason: String| StoreError::InvalidSetting {
                key: spec.key.to_owned(),
                reason: format!(
                    "the stored value \"{raw}\" is not valid ({reason}); fix it with \
                     `backup-bridge config set {} VALUE`",
                    spec.key
                ),
            };
            let normalized = keys::normalize(spec, raw).map_err(invalid)?;
            settings.assign(spec.key, normalized.as_deref());
        }
        Ok(settings)
    }

    /// Put one normalised value (or `None` = back to default) into its field.
    fn assign(&mut self, key: &str, value: Option<&str>) {
        let defaults = Settings::default();
        let text = |v: Option<&str>| v.map(str::to_owned);
        match key {
            "cw.site" => self.cw_site = text(value),
            "cw.company" => self.cw_company = text(value),
            "cw.auth_mode" => {
                self.cw_auth_mode = match value {
                    Some("integrator") => AuthMode::Integrator,
                    _ => AuthMode::ApiMember,
                }
            }
            "cw.public_key" => self.cw_public_key = text(value),
            "cw.integrator_username" => self.cw_integrator_username = text(value),
            "cw.impersonate_member" => self.cw_impersonate_member = text(value),
            "cw.client_id" => self.cw_client_id = text(value),
            "cw.requests_per_minute" => {
                self.cw_requests_per_minute = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(defaults.cw_requests_per_minute)
            }
            "defaults.event_types" => {
                self.default_event_types =
                    value.map_or(defaults.default_event_types, TypeFilter::parse)
            }
            "defaults.backup_types" => {
                self.default_backup_types =
                    value.map_or(defaults.default_backup_types, TypeFilter::parse)
            }
            "defaults.agreement_condition" => {
                self.default_agreement_condition = value.unwrap_or_default().to_owned()
            }
            "ticket.board" => self.ticket_board = text(value),
            "ticket.status_new" => self.ticket_status_new = text(value),
            "ticket.status_closed" => self.ticket_status_closed = text(value),
            "ticket.priority.Error" => self.ticket_priority.error = text(value),
            "ticket.priority.Warning" => self.ticket_priority.warning = text(value),
            "ticket.priority.BackupAnomaly" => self.ticket_priority.backup_anomaly = text(value),
            "ticket.type" => self.ticket_type = text(value),
            "ticket.subtype" => self.ticket_subtype = text(value),
            "ticket.item" => self.ticket_item = text(value),
            "ticket.summary_template" => {
                self.summary_template = value.map_or(defaults.summary_template, str::to_owned)
            }
            "ticket.removed_policy" => {
                self.removed_policy = match value {
                    Some("leave") => RemovedPolicy::Leave,
                    Some("delete") => RemovedPolicy::Delete,
                    _ => RemovedPolicy::Close,
                }
            }
            "sync.interval_secs" => {
                self.sync_interval_secs = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(defaults.sync_interval_secs)
            }
            "sync.concurrency" => {
                self.sync_concurrency = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(defaults.sync_concurrency)
            }
            "dashboard.url" => self.dashboard_url = text(value),
            "source.kind" => {
                self.source_kind = value
                    .and_then(crate::source::SourceKind::parse)
                    .unwrap_or(defaults.source_kind)
            }
            "source.url" => self.source_url = text(value),
            "source.username" => self.source_username = text(value),
            "source.tls_fingerprint" => self.source_tls_fingerprint = text(value),
            "storm.max_creates_per_cycle" => {
                self.storm_max_creates_per_cycle = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(defaults.storm_max_creates_per_cycle)
            }
            "storm.rollup_min" => {
                self.storm_rollup_min = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(defaults.storm_rollup_min)
            }
            "storm.rollup_company" => self.storm_rollup_company = text(value),
            "ticket.flap_window_mins" => {
                self.flap_window_mins = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(defaults.flap_window_mins)
            }
            "activity.keep_days" => {
                self.activity_keep_days = value
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(defaults.activity_keep_days)
            }
            // `keys::KEYS` and this match list the same keys; a test checks it.
            _ => {}
        }
    }

    /// The configured priority name for an event type, if any.
    pub fn priority_for(&self, event_type: &str) -> Option<&str> {
        match event_type {
            "Error" => self.ticket_priority.error.as_deref(),
            "Warning" => self.ticket_priority.warning.as_deref(),
            "BackupAnomaly" => self.ticket_priority.backup_anomaly.as_deref(),
            _ => None,
        }
    }

    /// Keys that must be set before a sync can run (empty when ready), in
    /// display order; which ConnectWise keys are needed follows `cw.auth_mode`.
    pub fn missing_for_sync(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        let mut need = |key: &'static str, value: &Option<String>| {
            if value.is_none() {
                missing.push(key);
            }
        };
        need("cw.site", &self.cw_site);
        need("cw.company", &self.cw_company);
        match self.cw_auth_mode {
            AuthMode::ApiMember => need("cw.public_key", &self.cw_public_key),
            AuthMode::Integrator => {
                need("cw.integrator_username", &self.cw_integrator_username);
                need("cw.impersonate_member", &self.cw_impersonate_member);
            }
        }
        need("cw.client_id", &self.cw_client_id);
        need("ticket.board", &self.ticket_board);
        match self.source_kind {
            SourceKind::Dashboard => need("dashboard.url", &self.dashboard_url),
            SourceKind::Msp360 => need("source.username", &self.source_username),
            SourceKind::Comet => {
                need("source.url", &self.source_url);
                need("source.username", &self.source_username);
            }
            // An API key needs no username; a username means sign-in.
            SourceKind::Vspc => need("source.url", &self.source_url),
        }
        missing
    }

    /// The platform's address: `source.url`, or the kind's default.
    pub fn source_address(&self) -> Option<String> {
        self.source_url
            .clone()
            .or_else(|| self.source_kind.default_url().map(str::to_owned))
    }
}

#[cfg(test)]
mod tests;
