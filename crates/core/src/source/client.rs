//! The source layer: one enum every backup source is a variant of, so the
//! engine, `companies refresh` and *Test connection* work the same whatever
//! `source.kind` says. The Dashboard hands over incidents as they are; the
//! platforms that report the latest run of each plan hand over an
//! [`Observation`] that the incident deriver ([`super::derive`]) turns into
//! incidents.

use std::collections::BTreeSet;

use url::Url;

use super::comet::CometClient;
use super::decode::CompanyList;
use super::kind::SourceKind;
use super::msp360::Msp360Client;
use super::platform::{CheckStep, Observation, CHECK_COMPANIES, CHECK_MONITORING, CHECK_REACHABLE};
use super::vspc::VspcClient;
use super::{DashboardClient, SourceError};

/// A configured backup source. Cheap to clone (HTTP pools and sign-in
/// tokens are shared between clones).
// Built once per configuration and cloned per cycle: the Dashboard
// variant's size costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Source {
    Dashboard(DashboardClient),
    Comet(CometClient),
    Msp360(Msp360Client),
    Vspc(VspcClient),
}

impl Source {
    /// Which platform this is.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Dashboard(_) => SourceKind::Dashboard,
            Source::Comet(_) => SourceKind::Comet,
            Source::Msp360(_) => SourceKind::Msp360,
            Source::Vspc(_) => SourceKind::Vspc,
        }
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &Url {
        match self {
            Source::Dashboard(d) => d.base_url(),
            Source::Comet(c) => c.base_url(),
            Source::Msp360(m) => m.base_url(),
            Source::Vspc(v) => v.base_url(),
        }
    }

    /// Which source a listing comes from, as the ledger records it (rule
    /// 15): the kind and the address, e.g. `msp360:https://api.mspbackups.com/`.
    pub fn identity(&self) -> String {
        format!("{}:{}", self.kind().as_str(), self.base_url())
    }

    /// Every company the source has (for Comet, tenants or accounts).
    pub async fn companies(&self) -> Result<CompanyList, SourceError> {
        match self {
            Source::Dashboard(d) => d.companies().await,
            Source::Comet(c) => Ok(c.companies().await?),
            Source::Msp360(m) => Ok(m.companies().await?),
            Source::Vspc(v) => Ok(v.companies().await?),
        }
    }

    /// The current state of every plan, for the incident deriver; `None`
    /// for the Dashboard, whose listing is read page by page instead, and
    /// for VSPC, whose alarms are incidents already ([`VspcClient::alarms`]).
    /// `cursor` is where the last look ended; `known` the keys the deriver
    /// holds, so the adapter can say which of them are gone.
    pub async fn observe(
        &self,
        cursor: Option<&str>,
        known: &BTreeSet<String>,
    ) -> Result<Option<Observation>, SourceError> {
        match self {
            Source::Dashboard(_) | Source::Vspc(_) => Ok(None),
            Source::Comet(c) => {
                let now = chrono::Utc::now().timestamp();
                Ok(Some(c.observe(cursor, known, now).await?))
            }
            // MSP360 lists the latest run of every plan: no cursor.
            Source::Msp360(m) => Ok(Some(m.observe(known).await?)),
        }
    }

    /// *Test connection* for the source, step by step (reachable, signed
    /// in, can list companies, can read monitoring); stops at the first
    /// step that fails.
    pub async fn check(&self) -> Vec<CheckStep> {
        match self {
            Source::Dashboard(d) => dashboard_check(d).await,
            Source::Comet(c) => c.check().await,
            Source::Msp360(m) => m.check().await,
            Source::Vspc(v) => v.check().await,
        }
    }
}

async fn dashboard_check(d: &DashboardClient) -> Vec<CheckStep> {
    let mut steps = Vec::new();
    match d.companies().await {
        Err(e) => {
            let name = match e {
                SourceError::Network(_) | SourceError::Timeout | SourceError::Redirect { .. } => {
                    CHECK_REACHABLE
                }
                SourceError::Auth | SourceError::Forbidden { .. } => {
                    super::platform::CHECK_SIGNED_IN
                }
                _ => CHECK_COMPANIES,
            };
            steps.push(CheckStep::new(name, false, e.to_string()));
            return steps;
        }
        Ok(list) => {
            steps.push(CheckStep::new(
                CHECK_REACHABLE,
                true,
                format!("{} answered", d.base_url()),
            ));
            steps.push(CheckStep::new(
                super::platform::CHECK_SIGNED_IN,
                true,
                "the token was accepted",
            ));
            steps.push(CheckStep::new(
                CHECK_COMPANIES,
                true,
                format!("{} companies", list.companies.len()),
            ));
        }
    }
    let mut stream = d.events(&std::env::temp_dir());
    match stream.next_page().await {
        Ok(page) => steps.push(CheckStep::new(
            CHECK_MONITORING,
            true,
            format!(
                "the events listing reads ({} on the first page)",
                page.map_or(0, |p| p.len())
            ),
        )),
        Err(e) => steps.push(CheckStep::new(CHECK_MONITORING, false, e.to_string())),
    }
    steps
}
