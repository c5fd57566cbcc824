#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 17 where the user sees it: `config set` checks
//! `storm.max_creates_per_cycle`, `config show` lists it, and `sync` says
//! how many new tickets the storm guard held (exit 0: nothing failed).

mod binary;
#[path = "../../sim/tests/world/mod.rs"]
mod world;

use binary::*;
use world::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_create_cap_is_a_setting_and_sync_reports_what_it_held() {
    let w = mapped_world().await;
    let dir = w.dir.path();

    let Out {
        code,
        stdout,
        stderr,
    } = run(dir, &["config", "set", "storm.max_creates_per_cycle", "-1"]);
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(
        stderr
            .contains("expected a whole number of tickets from 0 (no cap) to 1000000, got \"-1\""),
        "{stderr}"
    );
    let Out { stdout: show, .. } = run(dir, &["config", "show"]);
    let line = show
        .lines()
        .find(|l| l.contains("storm.max_creates_per_cycle"))
        .unwrap_or_else(|| panic!("config show lacks the key:\n{show}"));
    assert!(line.contains("50"), "{line}");

    let Out { code, stderr, .. } = run(dir, &["config", "set", "storm.max_creates_per_cycle", "1"]);
    assert_eq!(code, 0, "{stderr}");
    w.demo.dashboard.set_events(vec![
        ev("evt-2", ACME, "Error", "Failed", "locked").with("startedAt", "2026-11-20T02:00:00Z"),
        ev("evt-1", ACME, "Error", "Failed", "locked").with("startedAt", "2026-11-20T01:00:00Z"),
    ]);
    let Out {
        code,
        stdout,
        stderr,
    } = run(dir, &["sync", "--once"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "Sync finished: 2 events seen, 1 created, 0 updated, 0 notes, 0 closed, 0 reopened, \
             0 deleted; 1 ticket held by the storm guard."
        ),
        "{stdout}"
    );
    w.ticket_id("evt-1");
    let Out { code, stdout, .. } = run(dir, &["sync", "--once"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("1 created"), "{stdout}");
    assert!(!stdout.contains("storm guard"), "{stdout}");
    w.ticket_id("evt-2");
    // The history says which run held what.
    let Out {
        code,
        stdout: status,
        ..
    } = run(dir, &["status"]);
    assert_eq!(code, 0, "{status}");
    let held: Vec<&str> = status
        .lines()
        .filter(|l| l.contains("held by the storm guard"))
        .collect();
    assert_eq!(held.len(), 1, "{status}");
    assert!(
        held[0].contains("1 created") && held[0].contains(", 1 ticket held by"),
        "{status}"
    );
}
