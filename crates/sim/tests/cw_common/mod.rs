//! Helpers for the `CwClient` contract tests: configurations for the demo
//! simulator in both auth modes, a fast-retry client, a ticket to create.

#![allow(dead_code)]

use std::time::Duration;

use bridge_core::cw::{CwAuth, CwClient, CwConfig, NewTicket};
use bridge_sim::cw::{self, CwSeed, CwSim};

/// Demo API member keys.
pub fn api_member(sim: &CwSim) -> CwConfig {
    let mut cfg = CwConfig::new(
        sim.base_url(),
        cw::DEMO_COMPANY,
        cw::DEMO_CLIENT_ID,
        CwAuth::ApiMember {
            public_key: cw::DEMO_PUBLIC_KEY.into(),
            private_key: cw::DEMO_PRIVATE_KEY.into(),
        },
    );
    cfg.request_timeout = Duration::from_secs(5);
    cfg.max_retries = 2;
    cfg
}

/// Demo integrator login impersonating the demo member.
pub fn integrator(sim: &CwSim) -> CwConfig {
    let mut cfg = api_member(sim);
    cfg.auth = CwAuth::Integrator {
        username: cw::DEMO_INTEGRATOR_USER.into(),
        password: cw::DEMO_INTEGRATOR_PASSWORD.into(),
        member_identifier: cw::DEMO_MEMBER.into(),
    };
    cfg
}

/// The simulator's codebase, to pre-seed a config and skip discovery.
pub fn codebase(sim: &CwSim) -> Option<String> {
    Some(sim.codebase())
}

/// A client with millisecond backoff so retry tests stay fast.
pub fn client(cfg: CwConfig) -> CwClient {
    CwClient::new(cfg)
        .unwrap()
        .with_backoff(Duration::from_millis(5), Duration::from_millis(200))
}

/// A Service Desk ticket for Acme Dental.
pub fn new_ticket(summary: &str, xref: &str) -> NewTicket {
    NewTicket {
        summary: summary.into(),
        board: cw::DEMO_SERVICE_BOARD_ID.into(),
        company: cw::DEMO_ACME_ID.into(),
        status: None,
        priority: None,
        agreement: None,
        type_: None,
        sub_type: None,
        item: None,
        external_x_ref: xref.into(),
        initial_description: "Job 'Nightly' failed on SRV01.".into(),
    }
}

/// A demo simulator plus a ready API-member client that has discovered the
/// codebase (so one-shot faults hit the request under test, not discovery).
pub struct Started {
    pub sim: CwSim,
    pub cw: CwClient,
}

impl Started {
    pub async fn demo() -> Started {
        let sim = CwSim::start(CwSeed::demo()).await.unwrap();
        let cw = client(api_member(&sim));
        cw.system_info().await.unwrap();
        sim.clear_requests();
        Started { sim, cw }
    }
}
