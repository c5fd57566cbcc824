//! The synthetic worlds of the backup platforms that report the latest run
//! of each plan (issue 13) or raise an alarm for it: `companies` MSP360
//! companies, Comet tenants or VSPC companies, `plans_per_company` plans
//! each, every plan failing, each company mapped to its own synthetic
//! ConnectWise company (the same seed as [`crate::world`], so each has one
//! agreement matching the condition). Both simulators run
//! on loopback without injected latency, and the store is configured and
//! mapped without a ConnectWise or platform request, so the sync itself
//! makes every request counted.
//!
//! - MSP360: `/api/Companies` lists the companies; `/api/Monitoring` one
//!   fixed listing with a failed row per plan (`Status` 2, an
//!   `ErrorMessage`), exactly the reference's fields.
//! - Comet: one tenant per company with one user, 10 devices and
//!   `plans_per_company / 10` protected items per device, one vault; one
//!   failed backup job (`Status` 7002) per plan, all within the last few
//!   minutes (inside every poll window of the run), with one or two `E` log
//!   lines each.
//! - VSPC ([`vspc`]): the companies, one alarm template
//!   ("Job state", `BackupVmJob`) and one active alarm in Error per plan,
//!   read 500 a page (20 pages at the full size).

mod comet;
mod msp360;
pub mod vspc;

use comet::tenant_id;
pub use comet::{comet_jobs, comet_tenants, comet_users};
use msp360::msp360_company_id;
pub use msp360::{msp360_companies, msp360_rows};

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use bridge_core::engine::Engine;
use bridge_core::model::BackupCompany;
use bridge_core::secrets::SecretKey;
use bridge_core::source::SourceKind;
use bridge_core::store::settings;
use bridge_core::store::Store;
use bridge_sim::comet::{DEMO_COMET_PASSWORD, DEMO_COMET_USER};
use bridge_sim::demo::Demo;
use bridge_sim::msp360::{DEMO_MSP360_PASSWORD, DEMO_MSP360_USER};
use bridge_sim::vspc::{DEMO_VSPC_PASSWORD, DEMO_VSPC_USER};
use bridge_sim::{CometSim, CwSim, Msp360Sim, VspcSim};

use crate::world::{self, company_name, Shape, Tuning};

/// Devices per Comet user.
const DEVICES: usize = 10;

/// How big a platform world is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceShape {
    pub companies: usize,
    pub plans_per_company: usize,
}

impl SourceShape {
    /// Issue 13: 10,000 plans across 100 companies.
    pub const FULL: SourceShape = SourceShape {
        companies: 100,
        plans_per_company: 100,
    };
    /// A tenth of it.
    pub const QUICK: SourceShape = SourceShape {
        companies: 10,
        plans_per_company: 100,
    };

    /// The platform shape that goes with a Dashboard shape.
    pub fn of(shape: Shape) -> SourceShape {
        if shape == Shape::QUICK {
            SourceShape::QUICK
        } else {
            SourceShape::FULL
        }
    }

    pub fn plans(&self) -> usize {
        self.companies * self.plans_per_company
    }

    /// The ConnectWise world's shape: the same companies.
    fn cw_shape(&self) -> Shape {
        Shape {
            companies: self.companies,
            events_per_company: self.plans_per_company,
        }
    }
}

/// The backup platform's simulator.
pub enum Platform {
    Msp360(Msp360Sim),
    Comet(CometSim),
    Vspc(VspcSim),
}

/// ConnectWise and one platform simulator with a world's data.
pub struct SourceWorld {
    pub kind: SourceKind,
    pub shape: SourceShape,
    pub cw: CwSim,
    pub platform: Platform,
    /// Comet: when the earliest job started (Unix seconds).
    pub jobs_from: Option<i64>,
}

impl SourceWorld {
    /// Starts both simulators (call on the simulators' runtime).
    pub async fn start(kind: SourceKind, shape: SourceShape) -> anyhow::Result<SourceWorld> {
        let cw = CwSim::start(world::cw_seed(shape.cw_shape())).await?;
        let mut jobs_from = None;
        let platform = match kind {
            SourceKind::Msp360 => {
                let sim = Msp360Sim::start(DEMO_MSP360_USER, DEMO_MSP360_PASSWORD).await?;
                sim.set_companies(msp360_companies(shape));
                sim.set_monitoring(msp360_rows(shape));
                Platform::Msp360(sim)
            }
            SourceKind::Comet => {
                let sim = CometSim::start(DEMO_COMET_USER, DEMO_COMET_PASSWORD).await?;
                sim.set_tenants(comet_tenants(shape));
                sim.set_users(comet_users(shape));
                let (jobs, logs) = comet_jobs(shape, chrono::Utc::now().timestamp());
                jobs_from = jobs.iter().filter_map(|j| j["StartTime"].as_i64()).min();
                sim.set_jobs(jobs);
                for (guid, entries) in logs {
                    sim.set_log_entries(&guid, entries);
                }
                Platform::Comet(sim)
            }
            SourceKind::Vspc => {
                let sim = VspcSim::start(DEMO_VSPC_USER, DEMO_VSPC_PASSWORD, None).await?;
                sim.set_companies(vspc::companies(shape));
                sim.set_templates(vspc::templates());
                sim.set_alarms(vspc::alarms(shape, chrono::Utc::now()))?;
                Platform::Vspc(sim)
            }
            SourceKind::Dashboard => anyhow::bail!("the Dashboard has its own world"),
        };
        Ok(SourceWorld {
            kind,
            shape,
            cw,
            platform,
            jobs_from,
        })
    }

    /// The platform's companies as the engine lists them.
    fn companies(&self) -> Vec<BackupCompany> {
        (0..self.shape.companies)
            .map(|i| BackupCompany {
                id: match self.platform {
                    Platform::Msp360(_) => msp360_company_id(i),
                    Platform::Comet(_) => tenant_id(i),
                    Platform::Vspc(_) => vspc::company_uid(i),
                },
                name: company_name(i),
            })
            .collect()
    }

    fn base_url(&self) -> String {
        match &self.platform {
            Platform::Msp360(sim) => sim.base_url(),
            Platform::Comet(sim) => sim.base_url(),
            Platform::Vspc(sim) => sim.base_url(),
        }
    }

    /// `(login, secret)` the simulator accepts.
    fn credentials(&self) -> (&'static str, &'static str) {
        match self.platform {
            Platform::Msp360(_) => (DEMO_MSP360_USER, DEMO_MSP360_PASSWORD),
            Platform::Comet(_) => (DEMO_COMET_USER, DEMO_COMET_PASSWORD),
            Platform::Vspc(_) => (DEMO_VSPC_USER, DEMO_VSPC_PASSWORD),
        }
    }

    /// A configured, mapped engine on a fresh SQLite file under `dir`.
    pub fn engine(&self, dir: &Path, tuning: Tuning) -> anyhow::Result<Engine> {
        let store = Store::open(&bridge_core::store::db_path(dir))?;
        world::configure_cw(&store, &self.cw.base_url(), tuning)?;
        let url = self.base_url();
        let (user, secret) = self.credentials();
        let values = [
            ("source.kind", self.kind.as_str()),
            ("source.url", url.as_str()),
            ("source.username", user),
        ];
        for (key, value) in values {
            settings::set(&store, key, value).with_context(|| format!("setting {key}"))?;
        }
        world::map_companies(&store, &self.companies())?;
        let secrets = Demo::secrets().with(SecretKey::SourceSecret, secret);
        Ok(Engine::new(store, Arc::new(secrets)))
    }

    /// Platform requests so far, by endpoint (`GET /api/Monitoring`,
    /// `get-job-log-entries`, `GET /api/v3/alarms/active`…).
    pub fn platform_requests(&self) -> std::collections::BTreeMap<String, u64> {
        let by_path = |r: &bridge_sim::RequestRecord| format!("{} {}", r.method, r.path);
        let endpoints: Vec<String> = match &self.platform {
            Platform::Msp360(sim) => sim.requests().iter().map(by_path).collect(),
            Platform::Vspc(sim) => sim.requests().iter().map(by_path).collect(),
            Platform::Comet(sim) => sim
                .requests()
                .iter()
                .map(|r| r.endpoint().to_owned())
                .collect(),
        };
        let mut out = std::collections::BTreeMap::new();
        for endpoint in endpoints {
            *out.entry(endpoint).or_default() += 1;
        }
        out
    }

    /// Comet: how many job-window requests reached back to the earliest
    /// job (so listed every job), of how many.
    pub fn windows_covering_every_job(&self) -> Option<(usize, usize)> {
        let (Platform::Comet(sim), Some(from)) = (&self.platform, self.jobs_from) else {
            return None;
        };
        let windows: Vec<i64> = sim
            .requests()
            .iter()
            .filter(|r| r.endpoint() == "get-jobs-for-date-range")
            .filter_map(|r| r.field("Start").and_then(|s| s.parse().ok()))
            .collect();
        let covering = windows.iter().filter(|start| **start <= from).count();
        Some((covering, windows.len()))
    }

    pub fn clear_platform_requests(&self) {
        match &self.platform {
            Platform::Msp360(sim) => sim.clear_requests(),
            Platform::Comet(sim) => sim.clear_requests(),
            Platform::Vspc(sim) => sim.clear_requests(),
        }
    }

    /// Stops both simulators (call on the simulators' runtime).
    pub async fn shutdown(self) {
        self.cw.shutdown().await;
        match self.platform {
            Platform::Msp360(sim) => sim.shutdown().await,
            Platform::Comet(sim) => sim.shutdown().await,
            Platform::Vspc(sim) => sim.shutdown().await,
        }
    }
}

/// `a 2, b 1`: requests by endpoint, for notes.
pub fn by_endpoint(counts: &std::collections::BTreeMap<String, u64>) -> String {
    if counts.is_empty() {
        return "none".to_owned();
    }
    let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use bridge_sim::msp360::demo::check_monitoring_row;

    #[test]
    fn msp360_rows_have_the_reference_fields_and_unique_plans() {
        let shape = SourceShape::QUICK;
        let rows = msp360_rows(shape);
        assert_eq!(rows.len(), shape.plans());
        for row in &rows {
            assert_eq!(check_monitoring_row(row), Ok(()), "{row}");
        }
        let keys: std::collections::BTreeSet<String> = rows
            .iter()
            .map(|r| format!("{}/{}/{}", r["CompanyName"], r["ComputerName"], r["PlanId"]))
            .collect();
        assert_eq!(keys.len(), shape.plans());
        assert_eq!(msp360_companies(shape).len(), shape.companies);
    }

    #[test]
    fn every_comet_job_joins_its_profile() {
        let shape = SourceShape::QUICK;
        let users = comet_users(shape);
        let (jobs, logs) = comet_jobs(shape, 1_800_000_000);
        assert_eq!(jobs.len(), shape.plans());
        assert_eq!(logs.len(), shape.plans());
        for j in &jobs {
            let user = &users[j["Username"].as_str().unwrap()];
            assert!(user["Devices"]
                .get(j["DeviceID"].as_str().unwrap())
                .is_some());
            assert!(user["Sources"]
                .get(j["SourceGUID"].as_str().unwrap())
                .is_some());
            let vault = j["DestinationGUID"].as_str().unwrap();
            assert!(user["Destinations"].get(vault).is_some(), "{vault}");
            let end = j["EndTime"].as_i64().unwrap();
            assert!((1_800_000_000 - 300..=1_800_000_000).contains(&end));
        }
        assert_eq!(comet_tenants(shape).len(), shape.companies);
    }

    #[test]
    fn the_full_shape_is_ten_thousand_plans() {
        assert_eq!(SourceShape::FULL.plans(), 10_000);
        assert_eq!(SourceShape::of(Shape::FULL), SourceShape::FULL);
        assert_eq!(SourceShape::of(Shape::QUICK), SourceShape::QUICK);
    }
}
