//! Demo mode: both simulators with the demo data, and an engine configured
//! against them. Used by `backup-bridge demo`, the desktop app's "Try with
//! demo data" and the scenario tests, so all three see the same world.
//!
//! Demo secrets live in memory only, never in the OS keychain.

use std::sync::Arc;

use bridge_core::engine::Engine;
use bridge_core::ops::{self, MapRequest};
use bridge_core::secrets::{MemoryStore, SecretKey};
use bridge_core::source::SourceKind;
use bridge_core::store::{settings, Store};
use serde_json::Value;

use crate::comet::demo::{DEMO_COMET_PASSWORD, DEMO_COMET_USER};
use crate::cw::demo::{DEMO_CLIENT_ID, DEMO_COMPANY, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use crate::dashboard::demo::{demo_companies, demo_timeline, DEMO_DASHBOARD_TOKEN};
use crate::msp360::demo::{
    demo_companies as msp360_companies, demo_timeline as msp360_timeline, DEMO_MSP360_PASSWORD,
    DEMO_MSP360_USER,
};
use crate::vspc::{DEMO_VSPC_API_KEY, DEMO_VSPC_PASSWORD, DEMO_VSPC_USER};
use crate::{CometSim, CwSeed, CwSim, DashboardSim, Msp360Sim, VspcSim};

/// The agreement condition the demo uses: one company (Blue Yonder) has only
/// a cancelled match, so the demo also shows a Last Update Status error.
pub const DEMO_AGREEMENT_CONDITION: &str = "name like \"%ICB\" and agreementStatus = \"Active\"";

/// The simulators, running: ConnectWise, the Dashboard, and the backup
/// platform the demo reads when it is not the Dashboard.
pub struct Demo {
    pub cw: CwSim,
    pub dashboard: DashboardSim,
    pub platform: Option<PlatformSim>,
}

/// A backup platform's simulator with the demo data.
pub enum PlatformSim {
    Msp360(Msp360Sim),
    Comet(CometSim),
    Vspc(VspcSim),
}

impl PlatformSim {
    fn kind(&self) -> SourceKind {
        match self {
            PlatformSim::Msp360(_) => SourceKind::Msp360,
            PlatformSim::Comet(_) => SourceKind::Comet,
            PlatformSim::Vspc(_) => SourceKind::Vspc,
        }
    }

    fn base_url(&self) -> String {
        match self {
            PlatformSim::Msp360(sim) => sim.base_url(),
            PlatformSim::Comet(sim) => sim.base_url(),
            PlatformSim::Vspc(sim) => sim.base_url(),
        }
    }

    /// The login and the secret the demo configures.
    fn credentials(&self) -> (&'static str, &'static str) {
        match self {
            PlatformSim::Msp360(_) => (DEMO_MSP360_USER, DEMO_MSP360_PASSWORD),
            PlatformSim::Comet(_) => (DEMO_COMET_USER, DEMO_COMET_PASSWORD),
            // A username and password, so the demo exercises tokens and
            // refreshes; the simulator takes DEMO_VSPC_API_KEY too.
            PlatformSim::Vspc(_) => (DEMO_VSPC_USER, DEMO_VSPC_PASSWORD),
        }
    }

    async fn shutdown(self) {
        match self {
            PlatformSim::Msp360(sim) => sim.shutdown().await,
            PlatformSim::Comet(sim) => sim.shutdown().await,
            PlatformSim::Vspc(sim) => sim.shutdown().await,
        }
    }
}

impl Demo {
    /// Starts both simulators on loopback with the demo data and timeline.
    pub async fn start() -> anyhow::Result<Demo> {
        let cw = CwSim::start(CwSeed::demo()).await?;
        let dashboard = DashboardSim::start(DEMO_DASHBOARD_TOKEN).await?;
        dashboard.set_companies(demo_companies());
        dashboard.set_timeline(demo_timeline());
        Ok(Demo {
            cw,
            dashboard,
            platform: None,
        })
    }

    /// Starts the simulators with the demo data, reading `kind`'s simulator.
    pub async fn start_source(kind: SourceKind) -> anyhow::Result<Demo> {
        let mut demo = Demo::start().await?;
        demo.platform = match kind {
            SourceKind::Dashboard => None,
            SourceKind::Msp360 => {
                let sim = Msp360Sim::start(DEMO_MSP360_USER, DEMO_MSP360_PASSWORD).await?;
                sim.set_companies(msp360_companies());
                // Refreshing the companies reads /api/Monitoring too (for
                // the users without a company), which moves the timeline
                // on: its first listing is there twice so the first sync
                // still sees it.
                let mut timeline = msp360_timeline();
                if let Some(first) = timeline.first().cloned() {
                    timeline.insert(0, first);
                }
                sim.set_timeline(timeline);
                Some(PlatformSim::Msp360(sim))
            }
            SourceKind::Comet => {
                let sim = CometSim::start(DEMO_COMET_USER, DEMO_COMET_PASSWORD).await?;
                sim.load_demo();
                Some(PlatformSim::Comet(sim))
            }
            SourceKind::Vspc => {
                let sim =
                    VspcSim::start(DEMO_VSPC_USER, DEMO_VSPC_PASSWORD, Some(DEMO_VSPC_API_KEY))
                        .await?;
                // Companies come from their own endpoint: only reads of the
                // active alarms move the timeline on.
                sim.load_demo()?;
                Some(PlatformSim::Vspc(sim))
            }
        };
        Ok(demo)
    }

    /// The backup source the demo reads.
    pub fn source_kind(&self) -> SourceKind {
        self.platform
            .as_ref()
            .map_or(SourceKind::Dashboard, PlatformSim::kind)
    }

    /// The VSPC simulator, when the demo reads it.
    pub fn vspc(&self) -> Option<&VspcSim> {
        match &self.platform {
            Some(PlatformSim::Vspc(sim)) => Some(sim),
            _ => None,
        }
    }

    /// The simulated backup source's name, for output.
    pub fn source_name(&self) -> &'static str {
        match self.source_kind() {
            SourceKind::Dashboard => "Dashboard",
            SourceKind::Msp360 => "MSP360",
            SourceKind::Comet => "Comet",
            SourceKind::Vspc => "VSPC",
        }
    }

    /// The simulated backup source's address.
    pub fn source_url(&self) -> String {
        self.platform
            .as_ref()
            .map_or_else(|| self.dashboard_url(), PlatformSim::base_url)
    }

    pub fn cw_url(&self) -> String {
        self.cw.base_url()
    }

    pub fn dashboard_url(&self) -> String {
        self.dashboard.base_url()
    }

    /// Every ticket in the ConnectWise simulator.
    pub fn tickets(&self) -> Vec<Value> {
        self.cw.tickets()
    }

    /// The demo's secrets, in memory.
    pub fn secrets() -> MemoryStore {
        MemoryStore::new()
            .with(SecretKey::CwSecret, DEMO_PRIVATE_KEY)
            .with(SecretKey::DashboardToken, DEMO_DASHBOARD_TOKEN)
    }

    /// Writes the connection and ticket settings for the simulators into `store`.
    pub fn configure(&self, store: &Store) -> Result<(), bridge_core::Error> {
        let cw_url = self.cw_url();
        let dashboard_url = self.dashboard_url();
        let values = [
            ("cw.site", cw_url.as_str()),
            ("cw.company", DEMO_COMPANY),
            ("cw.auth_mode", "api_member"),
            ("cw.public_key", DEMO_PUBLIC_KEY),
            ("cw.client_id", DEMO_CLIENT_ID),
            ("dashboard.url", dashboard_url.as_str()),
            ("ticket.board", "Service Desk"),
            ("ticket.priority.Error", "Priority 2 - High"),
            ("ticket.priority.Warning", "Priority 3 - Normal"),
            ("ticket.priority.BackupAnomaly", "Priority 2 - High"),
            ("defaults.agreement_condition", DEMO_AGREEMENT_CONDITION),
        ];
        for (key, value) in values {
            settings::set(store, key, value)?;
        }
        let kind = self.source_kind();
        settings::set(store, "source.kind", kind.as_str())?;
        match &self.platform {
            Some(platform) => {
                settings::set(store, "source.url", &platform.base_url())?;
                settings::set(store, "source.username", platform.credentials().0)?;
            }
            None => {
                settings::reset(store, "source.url")?;
                settings::reset(store, "source.username")?;
            }
        }
        // A new simulator has a new port: forget what was learnt about the last one.
        for key in ["internal.cw_codebase", "internal.ticket_template"] {
            settings::reset(store, key)?;
        }
        Ok(())
    }

    /// Configures `store`, refreshes the companies and maps each one to its
    /// best-suggested ConnectWise company (Tailspin Toys has none and stays
    /// unmapped). Returns the engine, ready to sync.
    pub async fn engine(&self, store: Store) -> Result<Engine, bridge_core::Error> {
        self.configure(&store)?;
        let mut secrets = Demo::secrets();
        if let Some(platform) = &self.platform {
            secrets = secrets.with(SecretKey::SourceSecret, platform.credentials().1);
        }
        let engine = Engine::new(store, Arc::new(secrets));
        ops::refresh_companies(&engine).await?;
        for view in ops::list_companies(&engine).await? {
            if view.row.cw_company_id.is_some() {
                continue;
            }
            let suggestions = ops::suggest_cw_companies(&engine, &view.row.name).await?;
            if let Some(best) = suggestions.first() {
                ops::map_company(
                    &engine,
                    MapRequest {
                        backup_company_id: view.row.id.clone(),
                        cw_identifier: best.identifier.clone(),
                        ..MapRequest::default()
                    },
                )
                .await?;
            }
        }
        Ok(engine)
    }

    /// Stops the simulators.
    pub async fn shutdown(self) {
        self.cw.shutdown().await;
        self.dashboard.shutdown().await;
        if let Some(platform) = self.platform {
            platform.shutdown().await;
        }
    }
}
