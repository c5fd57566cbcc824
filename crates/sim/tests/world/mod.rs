//! Shared harness of the scenario and crash-safety tests: both simulators, a
//! database in a temp folder and an engine configured against them; small
//! builders for Dashboard events; and the ConnectWise state rendered as
//! text, so a whole timeline step is compared exactly in one `assert_eq!`.
#![allow(dead_code)] // each test file uses a different part of the harness

mod checks;
mod timeline;
#[allow(unused_imports)] // not every test file uses them
pub use checks::*;
#[allow(unused_imports)]
pub use timeline::*;

use std::sync::Arc;

use bridge_core::engine::{Engine, NetTuning, RunReport};
use bridge_core::model::{Override, TypeFilter};
use bridge_core::ops::{self, MapRequest};
use bridge_core::store::companies::LastStatus;
use bridge_core::store::{self, settings, Store};
use bridge_sim::cw::{SeedAgreement, SeedNamed};
use bridge_sim::demo::Demo;
use bridge_sim::CwSim;
use serde_json::{json, Value};

/// How long [`World::cw_idle`] waits before calling the server hung.
const CW_IDLE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// Dashboard company ids of the demo data (named like the ConnectWise ones).
pub const ACME: &str = "c-1001";
pub const NORTHWIND: &str = "c-1002";
pub const CONTOSO: &str = "c-1003";
pub const FABRIKAM: &str = "c-1004";
pub const BLUEYONDER: &str = "c-1005";
/// Has no ConnectWise counterpart.
pub const TAILSPIN: &str = "c-1006";

pub const FILE: &str = "FileLevelErrorDetails";
pub const ANOMALY: &str = "BackupAnomalyDetails";
/// When every test detail happened (it appears in the detail notes' first line).
pub const DETAIL_AT: &str = "2026-11-20T02:13:00Z";

/// A Dashboard event: computer `PC-<n>` for `evt-<n>`, plan "Nightly",
/// backup type FileLevel, no details (see [`EvExt`] to change any of it).
pub fn ev(id: &str, company: &str, event_type: &str, job_status: &str, message: &str) -> Value {
    json!({
        "id": id, "companyId": company,
        "computer": format!("PC-{}", id.trim_start_matches("evt-")),
        "plan": "Nightly", "backupType": "FileLevel",
        "eventType": event_type, "jobStatus": job_status, "message": message,
        "details": [],
        "startedAt": "2026-11-20T02:00:00Z", "updatedAt": "2026-11-20T02:14:00Z",
    })
}

/// Tweaks of an event built with [`ev`].
pub trait EvExt {
    /// Appends details of `kind` with these ids.
    fn details(self, kind: &str, ids: &[&str]) -> Value;
    /// Sets one field.
    fn with(self, key: &str, value: &str) -> Value;
}

impl EvExt for Value {
    fn details(mut self, kind: &str, ids: &[&str]) -> Value {
        let list = self["details"].as_array_mut().expect("details array");
        for id in ids {
            list.push(json!({
                "id": id, "kind": kind, "at": DETAIL_AT,
                "text": format!("{id}: C:\\Data\\q3.xlsx: the process cannot access the file"),
            }));
        }
        self
    }

    fn with(mut self, key: &str, value: &str) -> Value {
        self[key] = json!(value);
        self
    }
}

/// Both simulators, a database file and an engine over them.
pub struct World {
    pub demo: Demo,
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub engine: Engine,
}

impl World {
    /// Demo simulators and settings, but no agreement condition and no
    /// company mapped yet (the Dashboard company list is fetched).
    pub async fn new() -> World {
        let demo = Demo::start().await.expect("simulators start");
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&store::db_path(dir.path())).expect("store opens");
        demo.configure(&store).expect("configure");
        settings::set(&store, "defaults.agreement_condition", "").expect("setting");
        let engine = paged(Engine::new(store.clone(), Arc::new(Demo::secrets())));
        ops::refresh_companies(&engine).await.expect("refresh");
        World {
            demo,
            dir,
            store,
            engine,
        }
    }

    pub fn cw(&self) -> &CwSim {
        &self.demo.cw
    }

    /// Waits until ConnectWise has finished every request it accepted, e.g.
    /// after the client was killed: a real server completes work whose client
    /// vanished, and the "restarted" process must see it. The deadline only
    /// trips when a request hangs.
    pub async fn cw_idle(&self) {
        tokio::time::timeout(CW_IDLE_DEADLINE, self.cw().idle())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "ConnectWise still handling requests after {CW_IDLE_DEADLINE:?}: {:?}",
                    self.cw().requests()
                )
            });
    }

    /// Sets one setting (design §2 key).
    pub fn set(&self, key: &str, value: &str) {
        settings::set(&self.store, key, value).unwrap_or_else(|e| panic!("{key}: {e}"));
    }

    /// Maps a Dashboard company to a ConnectWise Company ID, all filters Default.
    pub async fn map(&self, company: &str, cw_identifier: &str) {
        self.map_with(MapRequest {
            backup_company_id: company.to_owned(),
            cw_identifier: cw_identifier.to_owned(),
            ..MapRequest::default()
        })
        .await;
    }

    pub async fn map_with(&self, req: MapRequest) {
        let what = format!("{} -> {}", req.backup_company_id, req.cw_identifier);
        ops::map_company(&self.engine, req)
            .await
            .unwrap_or_else(|e| panic!("mapping {what}: {e}"));
    }

    /// Puts `events` on the Dashboard and runs one real sync cycle.
    pub async fn sync(&self, events: Vec<Value>) -> RunReport {
        self.demo.dashboard.set_events(events);
        self.engine.run_cycle(false).await.expect("cycle runs")
    }

    /// Like [`World::sync`], and the cycle must end without errors.
    pub async fn sync_ok(&self, events: Vec<Value>) -> RunReport {
        let report = self.sync(events).await;
        assert!(
            !report.has_errors(),
            "unexpected errors: {:?}",
            report.errors
        );
        report
    }

    /// The ConnectWise state as text (see [`render`]).
    pub fn state(&self) -> String {
        render(self.cw())
    }

    /// Asserts the ConnectWise state is exactly `expected` (indentation and
    /// blank lines in `expected` do not matter).
    #[track_caller]
    pub fn expect(&self, step: &str, expected: &str) {
        let want: Vec<&str> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let state = self.state();
        let got: Vec<&str> = state.lines().map(str::trim).collect();
        assert_eq!(
            got,
            want,
            "{step}: ConnectWise state differs\n--- got ---\n{state}\n--- want ---\n{}",
            want.join("\n")
        );
    }

    /// The id of the ticket whose `externalXRef` is `bb:<event_id>`.
    #[track_caller]
    pub fn ticket_id(&self, event_id: &str) -> i64 {
        let xref = format!("bb:{event_id}");
        self.cw()
            .tickets()
            .iter()
            .find(|t| t["externalXRef"] == xref.as_str())
            .and_then(|t| t["id"].as_i64())
            .unwrap_or_else(|| panic!("no ticket for {event_id}"))
    }

    /// Runs one cycle over `events` and asserts the exact ConnectWise
    /// requests it made (`METHOD /api/path?conditions`).
    pub async fn sync_costs(&self, step: &str, events: Vec<Value>, want: &[String]) -> RunReport {
        self.cw().clear_requests();
        let report = self.sync(events).await;
        let got = self.cw_requests();
        assert_eq!(
            got,
            want,
            "{step}: ConnectWise requests differ:\n{}",
            got.join("\n")
        );
        report
    }

    /// A company's Last Update Status.
    pub async fn last_status(&self, company: &str) -> Option<LastStatus> {
        ops::list_companies(&self.engine)
            .await
            .expect("companies")
            .into_iter()
            .find(|v| v.row.id == company)
            .and_then(|v| v.row.last_status)
    }

    /// ConnectWise requests since the last `clear_requests`, as
    /// `METHOD /api/path?decoded conditions`.
    pub fn cw_requests(&self) -> Vec<String> {
        self.cw().requests().iter().map(describe_request).collect()
    }

    /// An engine as a new process would build it: a fresh connection to the
    /// same database file, no in-memory client cache.
    pub fn fresh_engine(&self) -> Engine {
        let store = Store::open(&store::db_path(self.dir.path())).expect("store reopens");
        paged(Engine::new(store, Arc::new(Demo::secrets())))
    }

    /// Adds an active agreement to a ConnectWise company.
    pub fn add_agreement(&self, id: i64, cw_company_id: i64, name: &str) {
        self.cw()
            .add_agreement(SeedAgreement {
                id,
                name: name.to_owned(),
                company_id: cw_company_id,
                type_: SeedNamed {
                    id: 10,
                    name: "Business Continuity".to_owned(),
                },
                agreement_status: "Active".to_owned(),
                cancelled_flag: false,
                start_date: Some("2026-01-01T00:00:00Z".to_owned()),
                end_date: None,
                no_ending_date_flag: true,
                parent_agreement_id: None,
            })
            .expect("agreement added");
    }
}

/// Events per Dashboard page in these tests: most timelines span several
/// pages, so every rule is also checked across page boundaries (removals,
/// batched ticket-state lookups, duplicates).
pub const PAGE_SIZE: u32 = 2;

/// `engine` reading the Dashboard [`PAGE_SIZE`] events at a time.
pub fn paged(engine: Engine) -> Engine {
    engine.with_tuning(NetTuning {
        dashboard_page_size: PAGE_SIZE,
        ..NetTuning::default()
    })
}

/// Explicit type-filter override from a comma list.
pub fn only(list: &str) -> Option<Override<TypeFilter>> {
    Some(Override::Explicit(TypeFilter::parse(list)))
}

/// `GET /service/tickets?conditions=id in (1001)` style description.
pub fn describe_request(r: &bridge_sim::RequestRecord) -> String {
    match r.query_param("conditions") {
        Some(c) => format!("{} {}?{c}", r.method, r.api_path()),
        None => format!("{} {}", r.method, r.api_path()),
    }
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("-")
}

/// Every ticket (ordered by `externalXRef`, then id) with its notes:
///
/// ```text
/// bb:evt-1 "Error: PC-1 - Nightly (FileLevel)" status=New closed=false company=AcmeDental priority="Priority 2 - High" agreement=none
///   D Cloud Backup monitoring event evt-1 +[d-1]
///   R Failed -> Completed: done
/// ```
///
/// A note shows its tabs (`D`iscussion, `I`nternal, `R`esolution), its first
/// line, and `+[ids]` for the detail entries quoted in the rest of its text.
pub fn render(cw: &CwSim) -> String {
    let mut tickets = cw.tickets();
    tickets.sort_by_key(|t| {
        (
            text(t, "/externalXRef").to_owned(),
            t["id"].as_i64().unwrap_or_default(),
        )
    });
    let mut out = String::new();
    for t in &tickets {
        let agreement = match t.pointer("/agreement/id").and_then(Value::as_i64) {
            Some(id) => format!("\"{}\"#{id}", text(t, "/agreement/name")),
            None => "none".to_owned(),
        };
        out.push_str(&format!(
            "{} \"{}\" status={} closed={} company={} priority=\"{}\" agreement={}\n",
            text(t, "/externalXRef"),
            text(t, "/summary"),
            text(t, "/status/name"),
            t["closedFlag"].as_bool().unwrap_or_default(),
            text(t, "/company/identifier"),
            text(t, "/priority/name"),
            agreement,
        ));
        let id = t["id"].as_i64().unwrap_or_default();
        for n in cw.notes(id) {
            out.push_str(&format!("  {}\n", render_note(&n)));
        }
    }
    out
}

fn render_note(n: &Value) -> String {
    let flag = |key: &str, letter: char| {
        if n[key].as_bool().unwrap_or_default() {
            Some(letter)
        } else {
            None
        }
    };
    let tabs: String = [
        flag("detailDescriptionFlag", 'D'),
        flag("internalAnalysisFlag", 'I'),
        flag("resolutionFlag", 'R'),
    ]
    .into_iter()
    .flatten()
    .collect();
    let body = n["text"].as_str().unwrap_or_default();
    let mut lines = body.lines();
    let first = lines.next().unwrap_or_default();
    let quoted: Vec<&str> = lines
        .filter_map(|l| l.strip_prefix("Detail "))
        .filter_map(|l| l.split(" · ").next())
        .collect();
    if quoted.is_empty() {
        format!("{tabs} {first}")
    } else {
        format!("{tabs} {first} +[{}]", quoted.join(", "))
    }
}

/// Notes per ticket whose text starts with `Detail <id> ·`, for every ticket.
pub fn detail_note_count(cw: &CwSim, ticket_id: i64, detail_id: &str) -> usize {
    let prefix = format!("Detail {detail_id} ·");
    cw.notes(ticket_id)
        .iter()
        .filter(|n| n["text"].as_str().unwrap_or_default().starts_with(&prefix))
        .count()
}
