//! The synthetic world a scenario runs in: `companies` Dashboard companies,
//! each mapped to its own ConnectWise company that has one agreement matching
//! the agreement condition (and one that does not), `events_per_company`
//! events each, both simulators on loopback, and a store (SQLite file in a
//! temporary folder, as in the product) configured and mapped without a single
//! ConnectWise request, so only the sync itself is counted.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use bridge_core::engine::Engine;
use bridge_core::model::{BackupCompany, Override};
use bridge_core::source::DashboardClient;
use bridge_core::store::companies::{self, Mapping};
use bridge_core::store::settings::{self, Settings};
use bridge_core::store::Store;
use bridge_sim::cw::seed::{SeedAgreement, SeedCompany, SeedNamed};
use bridge_sim::cw::{DEMO_CLIENT_ID, DEMO_COMPANY, DEMO_PUBLIC_KEY};
use bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN;
use bridge_sim::demo::{Demo, DEMO_AGREEMENT_CONDITION};
use bridge_sim::{CwSeed, CwSim, DashboardSim};
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::baseline::NaiveInputs;

/// The agreement condition every company inherits (the demo's: name and status).
pub const AGREEMENT_CONDITION: &str = DEMO_AGREEMENT_CONDITION;
/// First ConnectWise company id of the synthetic companies.
const FIRST_CW_COMPANY: i64 = 100_000;
/// First agreement id of the synthetic agreements.
const FIRST_AGREEMENT: i64 = 500_000;

/// How big a world is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub companies: usize,
    pub events_per_company: usize,
}

impl Shape {
    /// Issue 6: 10,000 events across 500 companies.
    pub const FULL: Shape = Shape {
        companies: 500,
        events_per_company: 20,
    };
    /// A tenth of it, for a fast check.
    pub const QUICK: Shape = Shape {
        companies: 50,
        events_per_company: 20,
    };

    pub fn events(&self) -> usize {
        self.companies * self.events_per_company
    }
}

/// Dashboard company id of company `i`.
pub fn dashboard_company_id(i: usize) -> String {
    format!("bc-{i:04}")
}

/// Name of company `i` (the same in every source and in ConnectWise).
pub fn company_name(i: usize) -> String {
    format!("Bench Company {i:04}")
}

/// ConnectWise company id of company `i`.
pub fn cw_company_id(i: usize) -> i64 {
    FIRST_CW_COMPANY + i as i64
}

/// ConnectWise identifier of company `i`.
pub fn cw_identifier(i: usize) -> String {
    format!("Bench{i:04}")
}

/// The demo ConnectWise fixture (board, statuses, priorities, credentials)
/// plus the synthetic companies and their agreements.
pub fn cw_seed(shape: Shape) -> CwSeed {
    let mut seed = CwSeed::demo();
    let msp = SeedNamed {
        id: 11,
        name: "MSP".to_owned(),
    };
    for i in 0..shape.companies {
        let company = cw_company_id(i);
        seed.companies.push(SeedCompany {
            id: company,
            identifier: cw_identifier(i),
            name: company_name(i),
            deleted_flag: false,
            status: "Active".to_owned(),
        });
        for (k, name) in ["Managed Backup ICB", "Break-fix"].iter().enumerate() {
            seed.agreements.push(SeedAgreement {
                id: FIRST_AGREEMENT + 2 * i as i64 + k as i64,
                name: (*name).to_owned(),
                company_id: company,
                type_: msp.clone(),
                agreement_status: "Active".to_owned(),
                cancelled_flag: false,
                start_date: Some("2024-01-01T00:00:00Z".to_owned()),
                end_date: None,
                no_ending_date_flag: true,
                parent_agreement_id: None,
            });
        }
    }
    seed
}

/// The Dashboard's company list.
pub fn dashboard_companies(shape: Shape) -> Vec<Value> {
    (0..shape.companies)
        .map(|i| json!({"id": dashboard_company_id(i), "name": company_name(i)}))
        .collect()
}

/// The event kinds of the mix: 6 in 10 errors, 3 in 10 warnings, 1 in 10
/// anomalies (found on a finished job, so its job status is `Completed`).
fn kind(j: usize) -> (&'static str, &'static str, &'static str) {
    match j % 10 {
        9 => (
            "BackupAnomaly",
            "Completed",
            "Backup anomaly detected: unusual data growth",
        ),
        0 | 3 | 6 => ("Warning", "Warning", "Backup completed with warnings"),
        _ => ("Error", "Failed", "3 files could not be read"),
    }
}

/// Every event, interleaved across companies as a real Dashboard lists them.
/// One in four starts with a detail (pushed with the description, never as a note).
pub fn events(shape: Shape) -> Vec<Value> {
    const BACKUP_TYPES: &[&str] = bridge_core::model::KNOWN_BACKUP_TYPES;
    let mut out = Vec::with_capacity(shape.events());
    for j in 0..shape.events_per_company {
        for i in 0..shape.companies {
            let (event_type, job_status, message) = kind(j);
            let details: Vec<Value> = if j % 4 == 0 {
                vec![json!({
                    "id": "d-0", "kind": "FileLevelErrorDetails", "at": "2026-11-20T02:13:00Z",
                    "text": format!("C:\\Data\\file-{j}.xlsx: Access is denied"),
                })]
            } else {
                Vec::new()
            };
            out.push(json!({
                "id": format!("ev-{i:04}-{j:02}"),
                "companyId": dashboard_company_id(i),
                "computer": format!("BC{i:04}-PC{j:02}"),
                "plan": if j % 2 == 0 { "Nightly files" } else { "Image weekly" },
                "backupType": BACKUP_TYPES[j % BACKUP_TYPES.len()],
                "eventType": event_type,
                "jobStatus": job_status,
                "message": message,
                "details": details,
                "startedAt": "2026-11-20T02:00:00Z",
                "updatedAt": "2026-11-20T02:14:00Z",
            }));
        }
    }
    out
}

/// Both simulators with a world's data, and the events they currently serve.
pub struct World {
    pub shape: Shape,
    pub cw: CwSim,
    pub dashboard: DashboardSim,
    pub events: Vec<Value>,
}

impl World {
    /// Starts both simulators (call on the simulators' runtime).
    pub async fn start(shape: Shape) -> anyhow::Result<World> {
        let cw = CwSim::start(cw_seed(shape)).await?;
        let dashboard = DashboardSim::start(DEMO_DASHBOARD_TOKEN).await?;
        dashboard.set_companies(dashboard_companies(shape));
        let events = events(shape);
        dashboard.set_events(events.clone());
        Ok(World {
            shape,
            cw,
            dashboard,
            events,
        })
    }

    /// Serves `events` from now on.
    pub fn set_events(&mut self, events: Vec<Value>) {
        self.dashboard.set_events(events.clone());
        self.events = events;
    }

    /// Stops both simulators (call on the simulators' runtime).
    pub async fn shutdown(self) {
        self.cw.shutdown().await;
        self.dashboard.shutdown().await;
    }

    /// Writes the connection, ticket and sync settings and maps every company
    /// (straight into the store: no ConnectWise request).
    pub fn configure(&self, store: &Store, tuning: Tuning) -> anyhow::Result<()> {
        configure_cw(store, &self.cw.base_url(), tuning)?;
        let dashboard_url = self.dashboard.base_url();
        settings::set(store, "dashboard.url", &dashboard_url).context("setting dashboard.url")?;
        let listed: Vec<BackupCompany> = (0..self.shape.companies)
            .map(|i| BackupCompany {
                id: dashboard_company_id(i),
                name: company_name(i),
            })
            .collect();
        map_companies(store, &listed)
    }

    /// What the naive baseline needs to talk to this world (same settings,
    /// same kind of client as the engine; pace off).
    pub fn naive_inputs(&self) -> anyhow::Result<NaiveInputs> {
        let store = Store::open_in_memory()?;
        self.configure(&store, Tuning::default())?;
        let settings = Settings::load(&store)?;
        let cw = bridge_core::engine::cw_client(&settings, &Demo::secrets())?;
        let dashboard = DashboardClient::new(
            &self.dashboard.base_url(),
            SecretString::from(DEMO_DASHBOARD_TOKEN.to_owned()),
        )?;
        Ok(NaiveInputs {
            cw,
            dashboard,
            settings,
            companies: company_directory(self.shape),
        })
    }

    /// A configured engine on a fresh SQLite file under `dir`.
    pub fn engine(&self, dir: &Path, tuning: Tuning) -> anyhow::Result<Engine> {
        let store = Store::open(&bridge_core::store::db_path(dir))?;
        self.configure(&store, tuning)?;
        Ok(Engine::new(store, Arc::new(Demo::secrets())))
    }
}

/// Writes the ConnectWise connection, ticket and sync settings (straight
/// into the store: no ConnectWise request).
pub fn configure_cw(store: &Store, cw_url: &str, tuning: Tuning) -> anyhow::Result<()> {
    let rate = tuning.requests_per_minute.unwrap_or(0).to_string();
    let concurrency = tuning.concurrency.to_string();
    let interval = tuning.interval_secs.to_string();
    let values = [
        ("cw.site", cw_url),
        ("cw.company", DEMO_COMPANY),
        ("cw.auth_mode", "api_member"),
        ("cw.public_key", DEMO_PUBLIC_KEY),
        ("cw.client_id", DEMO_CLIENT_ID),
        ("cw.requests_per_minute", rate.as_str()),
        ("ticket.board", "Service Desk"),
        ("ticket.priority.Error", "Priority 2 - High"),
        ("ticket.priority.Warning", "Priority 3 - Normal"),
        ("ticket.priority.BackupAnomaly", "Priority 2 - High"),
        ("defaults.agreement_condition", AGREEMENT_CONDITION),
        ("sync.concurrency", concurrency.as_str()),
        ("sync.interval_secs", interval.as_str()),
        // The benchmarks measure a whole initial sync in one cycle, not the
        // storm guard spreading it over many (issue 17).
        ("storm.max_creates_per_cycle", "0"),
    ];
    for (key, value) in values {
        settings::set(store, key, value).with_context(|| format!("setting {key}"))?;
    }
    Ok(())
}

/// Lists `companies` (company `i` of the world at index `i`) and maps each
/// to its synthetic ConnectWise company.
pub fn map_companies(store: &Store, listed: &[BackupCompany]) -> anyhow::Result<()> {
    companies::refresh(store, listed)?;
    for (i, company) in listed.iter().enumerate() {
        let mapping = Mapping {
            cw_identifier: cw_identifier(i),
            cw_company_id: cw_company_id(i),
            cw_company_name: company_name(i),
            event_types: Override::Default,
            backup_types: Override::Default,
            agreement_condition: Override::Default,
        };
        companies::set_mapping(store, &company.id, &mapping)?;
    }
    Ok(())
}

/// The sync knobs a scenario sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// `sync.concurrency`.
    pub concurrency: usize,
    /// `cw.requests_per_minute`; `None` = no client-side pace.
    pub requests_per_minute: Option<u32>,
    /// `sync.interval_secs` (only the headless loop waits for it).
    pub interval_secs: u64,
}

impl Default for Tuning {
    /// The product defaults, except the pace: off, so a run is latency-bound.
    fn default() -> Self {
        Tuning {
            concurrency: 4,
            requests_per_minute: None,
            interval_secs: 300,
        }
    }
}

/// Mapping facts the naive baseline needs per Dashboard company id.
pub fn company_directory(shape: Shape) -> std::collections::HashMap<String, (i64, String)> {
    (0..shape.companies)
        .map(|i| (dashboard_company_id(i), (cw_company_id(i), company_name(i))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bridge_core::model::MonitoringEvent;

    #[test]
    fn the_seed_is_valid_and_every_event_reads() {
        for shape in [Shape::QUICK, Shape::FULL] {
            let seed = cw_seed(shape);
            seed.validate().unwrap();
            let events = events(shape);
            assert_eq!(events.len(), shape.events());
            let directory = company_directory(shape);
            for item in &events {
                let e: MonitoringEvent = serde_json::from_value(item.clone()).unwrap();
                assert!(directory.contains_key(&e.company_id), "{}", e.id);
            }
        }
    }

    #[test]
    fn the_mix_has_every_event_type_and_ticketable_events_only() {
        let events: Vec<MonitoringEvent> = events(Shape::QUICK)
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        for t in ["Error", "Warning", "BackupAnomaly"] {
            assert!(events.iter().any(|e| e.event_type == t), "{t}");
        }
        // Every event wants a ticket (rule 2): completed ones are anomalies.
        assert!(events.iter().all(|e| !e.is_completed() || e.is_anomaly()));
        assert!(events.iter().any(|e| !e.details.is_empty()));
    }
}
