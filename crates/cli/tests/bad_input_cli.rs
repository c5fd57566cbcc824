#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 6, bad input where the user sees it: the real binary syncs a
//! Dashboard holding a malformed item, a duplicate id and a 1 MB item, and a
//! ConnectWise answering HTML: each problem is one `error:` line on stderr,
//! the run ends "with errors" (exit 1, and so in `status`), the good items
//! are ticketed, and no output holds a secret.

#[path = "../../sim/tests/world/mod.rs"]
mod world;

use std::path::Path;
use std::process::Command;

use bridge_sim::cw::DEMO_PRIVATE_KEY;
use bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN;
use serde_json::json;
use world::*;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_backup-bridge"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("BB_CW_SECRET", DEMO_PRIVATE_KEY)
        .env("BB_DASHBOARD_TOKEN", DEMO_DASHBOARD_TOKEN)
        .env("BB_LOG", "debug")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_bad_item_is_one_error_line_and_the_rest_is_ticketed() {
    let w = mapped_world().await;
    let dir = w.dir.path();
    let mut missing = ev("evt-bad", ACME, "Error", "Failed", "x");
    missing.as_object_mut().unwrap().remove("eventType");
    let huge =
        ev("evt-big", CONTOSO, "Error", "Failed", &"m".repeat(1 << 20)).details(FILE, &["d-1"]);
    w.demo.dashboard.set_events(vec![
        ev("evt-1", ACME, "Error", "Failed", "ok").details(FILE, &["d-1"]),
        missing,
        huge,
        ev("evt-1", ACME, "Warning", "Failed", "again"),
        json!(42),
    ]);
    let (code, stdout, stderr) = run(dir, &["sync", "--once"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let errors = error_lines(&stderr);
    assert_eq!(
        errors,
        vec![
            "error: item at position 1 (counting from 0), id \"evt-bad\": field \"eventType\" is missing",
            "error: item at position 3 (counting from 0), id \"evt-1\": duplicate id \"evt-1\": an earlier item has the same id and was kept",
            "error: item at position 4 (counting from 0): the item must be an object, found a number (42)",
        ],
        "{stderr}"
    );
    assert!(
        stdout.contains("Sync finished with 3 errors: 2 events seen, 2 created"),
        "{stdout}"
    );
    w.ticket_id("evt-1");
    w.ticket_id("evt-big");
    let (_, status, _) = run(dir, &["status"]);
    assert!(status.contains("with errors"), "{status}");
    assert!(
        status.contains("item at position 1 (counting from 0)"),
        "{status}"
    );

    // ConnectWise answering HTML: one sentence saying so, on stderr.
    w.cw().faults().garbage_next(10_000);
    w.demo
        .dashboard
        .set_events(vec![ev("evt-2", ACME, "Error", "Failed", "x")]);
    let (code, stdout, html) = run(dir, &["sync", "--once"]);
    assert_eq!(code, 1, "{stdout}\n{html}");
    assert!(
        html.lines()
            .any(|l| l.contains("ConnectWise answered with HTML instead of JSON — check the Site")),
        "{html}"
    );
    w.cw().faults().reset();

    let all = [
        stdout.as_str(),
        stderr.as_str(),
        status.as_str(),
        html.as_str(),
    ];
    assert!(all.iter().all(|t| !t.contains("panicked")));
    assert_no_secrets(&[dir], &all);
}

/// REGRESSION (issue 12): a Dashboard answering `Retry-After: 1e20` (or a
/// number beyond any integer type) made `sync --once` panic with exit code
/// 101. Now it is a failed run: exit 1 and one sentence on stderr saying
/// when to come back, and the next run syncs as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_retry_after_is_a_failed_run_not_a_panic() {
    let w = mapped_world().await;
    let dir = w.dir.path();
    w.demo
        .dashboard
        .set_events(vec![ev("evt-1", ACME, "Error", "Failed", "x")]);
    for value in ["1e20", "99999999999999999999"] {
        w.demo.dashboard.faults().rate_limit_next_with(1, value);
        let (code, stdout, stderr) = run(dir, &["sync", "--once"]);
        assert_eq!(code, 1, "{value}\n{stdout}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{value}: {stderr}");
        assert!(
            stderr.lines().any(|l| l
                == "backup-bridge: the Dashboard asked BackupBridge to slow down (HTTP 429); \
                    retry after 3600 s"),
            "{value}: {stderr}"
        );
    }
    let (code, stdout, stderr) = run(dir, &["sync", "--once"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    w.ticket_id("evt-1");
}
