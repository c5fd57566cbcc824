#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Design rules 12, 15 and 16 as a user (or cron) meets them through the
//! real `backup-bridge` binary: two processes on one data folder, a
//! `sync --once` next to a running `sync` loop, the removal guard and
//! `--confirm-removals`, stuck calls in `status` and `outbox forget`.

#[path = "../../sim/tests/world/mod.rs"]
mod world;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use bridge_sim::cw::DEMO_PRIVATE_KEY;
use bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN;
use serde_json::Value;
use world::*;

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backup-bridge"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("BB_CW_SECRET", DEMO_PRIVATE_KEY)
        .env("BB_DASHBOARD_TOKEN", DEMO_DASHBOARD_TOKEN)
        .env_remove("BB_LOG")
        .stdin(Stdio::null());
    cmd
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    command(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Runs the binary to its end off the async runtime (the simulators run on it).
async fn run(dir: &Path, args: &[&str]) -> Output {
    let child = spawn(dir, args);
    finish(child).await
}

async fn finish(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

/// Hands a child's stdout over line by line, so a test waits on what the
/// process says rather than on a guess of how long it takes. The reader
/// keeps draining after the receiver is gone, so the child never blocks on
/// a full pipe.
fn stdout_lines(child: &mut Child) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    rx
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn code(out: &Output, want: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(want),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn failing(n: usize, details: &[&str]) -> Vec<Value> {
    (1..=n)
        .map(|i| ev(&format!("evt-{i}"), ACME, "Error", "Failed", "3 files").details(FILE, details))
        .collect()
}

/// Every ticket's xref appears once, and every detail once on its ticket.
#[track_caller]
fn one_of_each(w: &World, events: usize, details: &[&str]) {
    let tickets = w.cw().tickets();
    assert_eq!(tickets.len(), events, "one ticket per event");
    for i in 1..=events {
        let id = w.ticket_id(&format!("evt-{i}"));
        for d in details {
            assert!(
                detail_note_count(w.cw(), id, d) <= 1,
                "evt-{i}: {d} noted twice"
            );
        }
    }
}

/// REGRESSION: two `sync --once` started at the same moment on one data
/// folder (a cron overlap) created two tickets per event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_at_once_make_one_ticket_per_event_and_no_duplicate_note() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    w.set("sync.concurrency", "1");
    let dir = w.dir.path();

    // Slow creates: the first process holds the folder past the second's
    // wait: 16 creates of 500 ms each, at least 7.5 s after the first, well
    // past the 5 s another writer waits.
    w.demo.dashboard.set_events(failing(16, &[]));
    w.cw()
        .faults()
        .set_response_latency(Duration::from_millis(500));
    w.cw().clear_requests();
    let first = spawn(dir, &["sync", "--once"]);
    let first_pid = first.id();
    // The second starts once the first is creating tickets (so it holds the lock).
    let start = Instant::now();
    let creating = |w: &World| {
        w.cw()
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.api_path() == "/service/tickets")
    };
    while !creating(&w) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the first process never started creating tickets: {:?}",
            w.cw().requests()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let second = run(dir, &["sync", "--once"]).await;
    let first = finish(first).await;
    code(&first, 0, "the first process syncs");
    code(&second, 1, "the second gives up");
    let stderr = text(&second.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "BackupBridge is already syncing this data folder (pid {first_pid})"
        )),
        "{stderr}"
    );
    one_of_each(&w, 16, &[]);

    // Both at once again with new details and quick answers: whichever
    // waits finds everything in step.
    w.cw()
        .faults()
        .set_response_latency(Duration::from_millis(20));
    w.demo.dashboard.set_events(failing(16, &["d-1", "d-2"]));
    let (a, b) = (
        spawn(dir, &["sync", "--once"]),
        spawn(dir, &["sync", "--once"]),
    );
    let (a, b) = (finish(a).await, finish(b).await);
    let codes = [a.status.code(), b.status.code()];
    assert!(
        codes.contains(&Some(0)),
        "{codes:?}: {}{}",
        text(&a.stderr),
        text(&b.stderr)
    );
    one_of_each(&w, 16, &["d-1", "d-2"]);
    for i in 1..=16 {
        let id = w.ticket_id(&format!("evt-{i}"));
        assert_eq!(detail_note_count(w.cw(), id, "d-1"), 1, "evt-{i}");
        assert_eq!(detail_note_count(w.cw(), id, "d-2"), 1, "evt-{i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_next_to_a_running_sync_loop() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let dir = w.dir.path();
    // No second cycle of the loop while this test runs: --once must meet
    // the loop between cycles, not at the start of its next one.
    w.set("sync.interval_secs", "86400");
    w.demo.dashboard.set_events(failing(4, &["d-1"]));
    let mut looping = spawn(dir, &["sync"]);
    let mut lines = stdout_lines(&mut looping);
    // The loop prints its cycle's summary once the cycle is over and its
    // writer lock released.
    let mut seen = Vec::new();
    let first_cycle = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.recv().await {
            let done = line.starts_with("Sync finished");
            seen.push(line);
            if done {
                return true;
            }
        }
        false // stdout closed: the loop ended
    })
    .await;
    if !matches!(first_cycle, Ok(true)) {
        let _ = looping.kill();
        let out = finish(looping).await;
        panic!(
            "the loop's first cycle never finished\nstdout:\n{}\nstderr:\n{}",
            seen.join("\n"),
            text(&out.stderr)
        );
    }
    one_of_each(&w, 4, &["d-1"]);
    w.demo.dashboard.set_events(failing(5, &["d-1", "d-2"]));
    let once = run(dir, &["sync", "--once"]).await;
    code(&once, 0, "sync --once beside the loop");
    one_of_each(&w, 5, &["d-1", "d-2"]);
    assert!(looping.try_wait().unwrap().is_none(), "the loop still runs");
    let stopped = Command::new("kill")
        .args(["-INT", &looping.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let out = finish(looping).await;
    code(&out, 0, "Ctrl-C stops the loop cleanly");
}

/// REGRESSION: an empty listing closed every tracked ticket, each with a
/// customer-visible resolution note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_listing_waits_for_confirm_removals() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let dir = w.dir.path();
    w.demo.dashboard.set_events(failing(12, &[]));
    code(&run(dir, &["sync", "--once"]).await, 0, "first sync");
    let before = w.state();

    w.demo.dashboard.set_events(vec![]);
    let held = run(dir, &["sync", "--once"]).await;
    code(&held, 1, "held removals end the run with errors");
    let stderr = text(&held.stderr);
    assert!(
        stderr.contains("12 of the 12 tracked events are missing"),
        "{stderr}"
    );
    assert!(stderr.contains("--confirm-removals"), "{stderr}");
    assert_eq!(w.state(), before, "nothing closed");

    let status = run(dir, &["status"]).await;
    code(&status, 0, "status");
    assert!(text(&status.stdout).contains("Removals held back: 12 of the 12"));
    let json = run(dir, &["--json", "status"]).await;
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["guarded_removals"]["count"], 12);

    let confirmed = run(dir, &["sync", "--once", "--confirm-removals"]).await;
    code(&confirmed, 0, "confirmed");
    let closed = w
        .cw()
        .tickets()
        .iter()
        .filter(|t| t["closedFlag"] == true)
        .count();
    assert_eq!(closed, 12);
    let status = run(dir, &["--json", "status"]).await;
    let json: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert!(json["guarded_removals"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_call_is_listed_by_status_and_dropped_by_outbox_forget() {
    let w = World::new().await;
    w.map(ACME, "AcmeDental").await;
    let dir = w.dir.path();
    w.demo.dashboard.set_events(failing(2, &[]));
    code(&run(dir, &["sync", "--once"]).await, 0, "first sync");
    // A note lands but its answer is a 502; then the lookup is refused.
    w.demo.dashboard.set_events(failing(2, &["d-1"]));
    w.cw().faults().fail_after_commit_next(1, 502);
    code(
        &run(dir, &["sync", "--once"]).await,
        1,
        "the 502 is an error",
    );
    w.cw().faults().fail_next(1, 403);
    w.demo.dashboard.set_events(failing(3, &["d-1"]));
    let stuck_run = run(dir, &["sync", "--once"]).await;
    code(&stuck_run, 1, "a stuck call is an error of the run");
    assert_eq!(w.cw().tickets().len(), 3, "the others still synced");

    let status = run(dir, &["--json", "status"]).await;
    let json: Value = serde_json::from_slice(&status.stdout).unwrap();
    let stuck = json["stuck"].as_array().unwrap();
    assert_eq!(stuck.len(), 1, "{json}");
    let id = stuck[0]["id"].as_i64().unwrap();
    assert!(stuck[0]["what"]
        .as_str()
        .unwrap()
        .starts_with("add a note to ticket #"));
    let plain = text(&run(dir, &["status"]).await.stdout);
    assert!(plain.contains("Stuck ConnectWise calls (1)"), "{plain}");
    assert!(plain.contains("backup-bridge outbox forget ID"), "{plain}");

    let forgot = run(dir, &["outbox", "forget", &id.to_string()]).await;
    code(&forgot, 0, "forget");
    assert!(text(&forgot.stdout).starts_with(&format!("forgot intent {id}")));
    let again = run(dir, &["outbox", "forget", &id.to_string()]).await;
    code(&again, 2, "an id that is not unsettled is bad usage");
    let stderr = text(&again.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("no unsettled ConnectWise call has the id {id}")));
    let json: Value =
        serde_json::from_slice(&run(dir, &["--json", "status"]).await.stdout).unwrap();
    assert!(json["stuck"].as_array().unwrap().is_empty());
    code(
        &run(dir, &["sync", "--once"]).await,
        0,
        "the event syncs again",
    );
}
