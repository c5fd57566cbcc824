//! Invariants shared by the crash, kill -9, fault-soak and bad-input tests:
//! rule 9's "one ticket per event, every detail once", the ledger agreeing
//! with the ConnectWise simulator, and no secret anywhere on disk or in output.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bridge_core::store::ledger::{self, TicketState};
use bridge_core::store::outbox;
use bridge_sim::cw::{DEMO_COMPANY, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN;
use serde_json::Value;

use super::World;

/// Rule 9's invariants, independent of any reference run: one ticket per
/// in-scope event, every detail exactly once across description and notes,
/// no note text twice on a ticket.
pub fn assert_invariants(w: &World, events: &[Value], what: &str) {
    let tickets = w.cw().tickets();
    let mut by_xref: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for t in &tickets {
        let xref = t["externalXRef"].as_str().unwrap_or("-").to_owned();
        by_xref
            .entry(xref)
            .or_default()
            .push(t["id"].as_i64().unwrap());
    }
    for (xref, ids) in &by_xref {
        assert_eq!(
            ids.len(),
            1,
            "{what}: {xref} has tickets {ids:?}\n{}",
            w.state()
        );
    }
    for e in events {
        let id = e["id"].as_str().unwrap();
        let ticket = by_xref.get(&format!("bb:{id}"));
        let ticket = ticket.unwrap_or_else(|| panic!("{what}: {id} has no ticket\n{}", w.state()));
        let notes = w.cw().notes(ticket[0]);
        for d in e["details"].as_array().unwrap() {
            // Notes drop invisible bidi and zero-width characters (issue 12).
            let id = bridge_core::cw::strip_invisible(d["id"].as_str().unwrap());
            let marker = format!("Detail {id} ·");
            let seen = notes
                .iter()
                .filter(|n| n["text"].as_str().unwrap().contains(&marker))
                .count();
            assert_eq!(
                seen,
                1,
                "{what}: {id} {marker} seen {seen} times\n{}",
                w.state()
            );
        }
    }
    for ids in by_xref.values() {
        let notes = w.cw().notes(ids[0]);
        let mut texts: Vec<&str> = notes.iter().map(|n| n["text"].as_str().unwrap()).collect();
        let count = texts.len();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(
            texts.len(),
            count,
            "{what}: a duplicate note on #{}\n{}",
            ids[0],
            w.state()
        );
    }
}

/// Every completed job's ticket is closed (anomalies excepted: rule 6).
pub fn assert_completed_jobs_closed(w: &World, events: &[Value], what: &str) {
    for e in events {
        let anomaly = e["eventType"] == "BackupAnomaly";
        if e["jobStatus"] == "Completed" && !anomaly {
            let id = e["id"].as_str().unwrap();
            let ticket = w.cw().ticket(w.ticket_id(id)).unwrap();
            assert_eq!(ticket["closedFlag"], true, "{what}: {id} is not closed");
        }
    }
}

/// Detail ids quoted by a ticket's notes (`Detail <id> · …` lines).
fn detail_ids_on(w: &World, ticket_id: i64) -> BTreeSet<String> {
    w.cw()
        .notes(ticket_id)
        .iter()
        .flat_map(|n| {
            n["text"]
                .as_str()
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.strip_prefix("Detail "))
                .filter_map(|l| l.split(" ·").next())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The ledger agrees with ConnectWise: nothing is pending in the outbox;
/// every ticket carrying a `bb:` reference is the ledger's ticket for that
/// event and vice versa; open/closed agree; the details the ledger counts as
/// pushed are exactly those on the ticket.
pub fn assert_ledger_matches_server(w: &World, what: &str) {
    let (rows, pending) = w
        .store
        .with_conn(|c| Ok((ledger::all(c)?, outbox::pending(c)?)))
        .unwrap();
    assert!(
        pending.is_empty(),
        "{what}: unconfirmed calls left: {pending:?}"
    );
    let tickets = w.cw().tickets();
    for t in &tickets {
        let Some(event) = t["externalXRef"]
            .as_str()
            .and_then(|x| x.strip_prefix("bb:"))
        else {
            continue;
        };
        let row = rows
            .get(event)
            .unwrap_or_else(|| panic!("{what}: ticket {} is not in the ledger", t["id"]));
        assert_eq!(Some(row.ticket_id), t["id"].as_i64(), "{what}: {event}");
    }
    for (event, row) in &rows {
        if row.state == TicketState::Deleted {
            continue;
        }
        let ticket = w
            .cw()
            .ticket(row.ticket_id)
            .unwrap_or_else(|| panic!("{what}: ledger ticket #{} is gone", row.ticket_id));
        assert_eq!(
            ticket["externalXRef"],
            format!("bb:{event}").as_str(),
            "{what}: #{}",
            row.ticket_id
        );
        let closed = ticket["closedFlag"].as_bool().unwrap_or_default();
        match row.state {
            TicketState::Open => assert!(!closed, "{what}: {event} open in the ledger only"),
            TicketState::Closed => assert!(closed, "{what}: {event} closed in the ledger only"),
            // `close` policy in these tests: a removed event's ticket is closed.
            TicketState::Removed => assert!(closed, "{what}: {event} removed but open"),
            TicketState::Deleted => {}
        }
        // Notes name a detail without invisible characters (issue 12).
        let pushed: BTreeSet<String> = row
            .pushed_details
            .iter()
            .map(|d| bridge_core::cw::strip_invisible(d))
            .collect();
        assert_eq!(
            pushed,
            detail_ids_on(w, row.ticket_id),
            "{what}: {event}'s pushed details differ from the ticket's notes"
        );
    }
}

/// Every form in which the test secrets could leak: as typed, and inside the
/// ConnectWise Basic credential.
pub fn secret_needles() -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{DEMO_COMPANY}+{DEMO_PUBLIC_KEY}:{DEMO_PRIVATE_KEY}"
    ));
    vec![
        DEMO_PRIVATE_KEY.to_owned(),
        DEMO_DASHBOARD_TOKEN.to_owned(),
        basic,
    ]
}

/// Scans every file under each of `roots` (database, `-wal`, logs, captured
/// output) and each text in `outputs` for the secrets; returns how many files
/// were scanned. Panics naming the file and the secret on a hit.
pub fn assert_no_secrets(roots: &[&Path], outputs: &[&str]) -> usize {
    let needles = secret_needles();
    for text in outputs {
        for n in &needles {
            assert!(!text.contains(n.as_str()), "a secret in output: {text}");
        }
    }
    let mut scanned = 0;
    let mut stack: Vec<std::path::PathBuf> = roots.iter().map(|p| p.to_path_buf()).collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue; // removed meanwhile (an -shm file)
        };
        scanned += 1;
        for n in &needles {
            let hit = bytes.windows(n.len()).any(|w| w == n.as_bytes());
            assert!(!hit, "a secret ({n}) in {}", path.display());
        }
    }
    scanned
}

/// Installs (once per test binary) a global `debug` subscriber capturing
/// everything logged in this process — the engine, the HTTP stack — and
/// returns its buffer, to be scanned for secrets.
pub fn capture_logs() -> Arc<Mutex<Vec<u8>>> {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static LOGS: std::sync::OnceLock<Arc<Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Sink(buffer.clone());
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .init();
        buffer
    })
    .clone()
}

/// The text captured by [`capture_logs`] so far.
pub fn captured_logs() -> String {
    let buffer = capture_logs();
    let bytes = buffer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    String::from_utf8_lossy(&bytes).into_owned()
}
