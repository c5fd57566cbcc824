//! `CwSeed`: the JSON fixture a ConnectWise simulator starts from — login
//! company, credentials and roles, companies, agreements, boards with their
//! statuses/types/subtypes/items, priorities — plus its consistency checks.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::SimError;

/// Security rights the simulator enforces; an API member or member may be
/// denied any of them (403 on the endpoints that need it).
pub mod rights {
    /// `GET /company/companies…`
    pub const COMPANIES_READ: &str = "companies.read";
    /// `GET /finance/agreements…`
    pub const AGREEMENTS_READ: &str = "agreements.read";
    /// Boards, statuses, types, subtypes, items, priorities (Table Setup inquire).
    pub const SETUP_READ: &str = "setup.read";
    /// `GET` tickets, ticket count/search, notes.
    pub const TICKETS_READ: &str = "tickets.read";
    /// `POST /service/tickets`.
    pub const TICKETS_CREATE: &str = "tickets.create";
    /// `PATCH` tickets and `POST` notes.
    pub const TICKETS_UPDATE: &str = "tickets.update";
    /// `DELETE` tickets.
    pub const TICKETS_DELETE: &str = "tickets.delete";
    /// Every right above.
    pub const ALL: &[&str] = &[
        COMPANIES_READ,
        AGREEMENTS_READ,
        SETUP_READ,
        TICKETS_READ,
        TICKETS_CREATE,
        TICKETS_UPDATE,
        TICKETS_DELETE,
    ];
}

fn default_codebase() -> String {
    "v2025_1/".to_owned()
}
fn default_version() -> String {
    "v2025.1.10451".to_owned()
}
fn default_true() -> bool {
    true
}
fn default_active() -> String {
    "Active".to_owned()
}
fn default_reactive() -> String {
    "Reactive".to_owned()
}

/// The whole fixture. JSON keys are camelCase; unknown keys are rejected so a
/// typo in a fixture fails loudly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CwSeed {
    /// Login company id (the part before `+` in the Basic user name).
    pub company_id: String,
    /// Company display name in `/login/companyinfo`.
    #[serde(default)]
    pub company_name: String,
    /// Codebase returned by companyinfo; must end with `/`. `v4_6_release/` is always accepted too.
    #[serde(default = "default_codebase")]
    pub codebase: String,
    /// `/system/info` version.
    #[serde(default = "default_version")]
    pub version: String,
    #[serde(default = "default_true")]
    pub is_cloud: bool,
    /// Accepted `clientId` values; empty = any non-empty value.
    #[serde(default)]
    pub client_ids: Vec<String>,
    #[serde(default)]
    pub api_members: Vec<SeedApiMember>,
    #[serde(default)]
    pub integrators: Vec<SeedIntegrator>,
    #[serde(default)]
    pub members: Vec<SeedMember>,
    #[serde(default)]
    pub companies: Vec<SeedCompany>,
    #[serde(default)]
    pub agreements: Vec<SeedAgreement>,
    #[serde(default)]
    pub boards: Vec<SeedBoard>,
    #[serde(default)]
    pub priorities: Vec<SeedPriority>,
}

/// An API member's key pair and role restrictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedApiMember {
    /// Member identifier shown in `_info.updatedBy` / `enteredBy`.
    pub identifier: String,
    pub public_key: String,
    pub private_key: String,
    /// Rights (see [`rights`]) this member's security role lacks.
    #[serde(default)]
    pub denied_rights: Vec<String>,
}

/// A legacy integrator login (only good for minting member tokens).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedIntegrator {
    pub username: String,
    pub password: String,
}

/// A member that tokens can be minted for; tokens carry its rights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedMember {
    pub id: i64,
    pub identifier: String,
    pub name: String,
    #[serde(default)]
    pub denied_rights: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedCompany {
    pub id: i64,
    pub identifier: String,
    pub name: String,
    #[serde(default)]
    pub deleted_flag: bool,
    #[serde(default = "default_active")]
    pub status: String,
}

/// `{id, name}` as used for agreement types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedNamed {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedAgreement {
    pub id: i64,
    pub name: String,
    pub company_id: i64,
    #[serde(rename = "type")]
    pub type_: SeedNamed,
    /// `Active`, `Cancelled`, `Expired` or `Inactive`.
    #[serde(default = "default_active")]
    pub agreement_status: String,
    #[serde(default)]
    pub cancelled_flag: bool,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub no_ending_date_flag: bool,
    #[serde(default)]
    pub parent_agreement_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedBoard {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub inactive_flag: bool,
    #[serde(default)]
    pub project_flag: bool,
    pub statuses: Vec<SeedStatus>,
    #[serde(default)]
    pub types: Vec<SeedBoardType>,
    #[serde(default)]
    pub subtypes: Vec<SeedSubType>,
    #[serde(default)]
    pub items: Vec<SeedItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedStatus {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub closed_status: bool,
    #[serde(default)]
    pub default_flag: bool,
    #[serde(default)]
    pub inactive: bool,
    #[serde(default)]
    pub sort_order: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedBoardType {
    pub id: i64,
    pub name: String,
    /// `Reactive` or `Proactive`.
    #[serde(default = "default_reactive")]
    pub category: String,
    #[serde(default)]
    pub default_flag: bool,
    #[serde(default)]
    pub inactive_flag: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedSubType {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub inactive_flag: bool,
    /// Types this subtype may be combined with (empty = any).
    #[serde(default)]
    pub type_association_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedItem {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub inactive_flag: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedPriority {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub sort_order: i64,
    #[serde(default)]
    pub default_flag: bool,
    #[serde(default)]
    pub color: Option<String>,
}

impl CwSeed {
    /// Parses a JSON fixture and checks it (see [`CwSeed::validate`]).
    pub fn from_json(text: &str) -> Result<CwSeed, SimError> {
        let seed: CwSeed = serde_json::from_str(text).map_err(|e| SimError::Seed(e.to_string()))?;
        seed.validate()?;
        Ok(seed)
    }

    /// The fixture as pretty JSON (what `from_json` reads back).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks what the simulator relies on: unique ids, references that
    /// resolve, exactly one default status per board, at most one default
    /// priority, known right names, a codebase ending in `/`.
    pub fn validate(&self) -> Result<(), SimError> {
        let err = |m: String| Err(SimError::Seed(m));
        if self.company_id.is_empty() || self.company_id.contains(['+', ':']) {
            return err(format!(
                "companyId {:?} must be non-empty without '+' or ':'",
                self.company_id
            ));
        }
        if !self.codebase.ends_with('/') || self.codebase.starts_with('/') {
            return err(format!(
                "codebase {:?} must look like \"v2025_1/\"",
                self.codebase
            ));
        }
        unique("company", self.companies.iter().map(|c| c.id))?;
        unique("agreement", self.agreements.iter().map(|a| a.id))?;
        unique("board", self.boards.iter().map(|b| b.id))?;
        unique("priority", self.priorities.iter().map(|p| p.id))?;
        unique("member", self.members.iter().map(|m| m.id))?;
        unique(
            "status",
            self.boards
                .iter()
                .flat_map(|b| b.statuses.iter().map(|s| s.id)),
        )?;
        unique(
            "type",
            self.boards
                .iter()
                .flat_map(|b| b.types.iter().map(|t| t.id)),
        )?;
        unique(
            "subtype",
            self.boards
                .iter()
                .flat_map(|b| b.subtypes.iter().map(|t| t.id)),
        )?;
        unique(
            "item",
            self.boards
                .iter()
                .flat_map(|b| b.items.iter().map(|t| t.id)),
        )?;
        let mut keys = HashSet::new();
        for m in &self.api_members {
            if !keys.insert(m.public_key.as_str()) {
                return err(format!("public key of {} is used twice", m.identifier));
            }
        }
        for a in &self.agreements {
            if !self.companies.iter().any(|c| c.id == a.company_id) {
                return err(format!(
                    "agreement {} names unknown company {}",
                    a.id, a.company_id
                ));
            }
        }
        for b in &self.boards {
            let defaults = b.statuses.iter().filter(|s| s.default_flag).count();
            if defaults != 1 {
                return err(format!(
                    "board {:?} needs exactly one default status, has {defaults}",
                    b.name
                ));
            }
        }
        if self.priorities.iter().filter(|p| p.default_flag).count() > 1 {
            return err("more than one default priority".to_owned());
        }
        let denied = self
            .api_members
            .iter()
            .flat_map(|m| m.denied_rights.iter())
            .chain(self.members.iter().flat_map(|m| m.denied_rights.iter()));
        for right in denied {
            if !rights::ALL.contains(&right.as_str()) {
                return err(format!(
                    "unknown right {right:?} (known: {})",
                    rights::ALL.join(", ")
                ));
            }
        }
        Ok(())
    }
}

fn unique(what: &str, ids: impl Iterator<Item = i64>) -> Result<(), SimError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(SimError::Seed(format!("{what} id {id} is used twice")));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "seed_tests.rs"]
mod tests;
