//! What the backup-source CLI tests share: running the real binary with a
//! source secret, reading the ConnectWise simulator's tickets and notes,
//! and a data folder set up through the CLI alone.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use bridge_core::store::Store;
use bridge_sim::cw::DEMO_PRIVATE_KEY;
use bridge_sim::demo::Demo;
use serde_json::Value;

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary with the ConnectWise and source secrets from the
/// environment, off the async runtime (the simulators run on it).
pub async fn cli(dir: &Path, secret: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backup-bridge"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("BB_CW_SECRET", DEMO_PRIVATE_KEY)
        .env("BB_SOURCE_SECRET", secret)
        .env_remove("BB_DASHBOARD_TOKEN")
        .env_remove("BB_LOG")
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[track_caller]
pub fn ok(out: &Output, what: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The tickets of one ConnectWise company, in id order.
pub fn tickets_of(demo: &Demo, company: &str) -> Vec<Value> {
    demo.tickets()
        .into_iter()
        .filter(|t| t["company"]["identifier"] == company)
        .collect()
}

pub fn closed(ticket: &Value) -> bool {
    ticket["closedFlag"].as_bool().unwrap_or(false)
}

/// The texts of a ticket's notes (its description first).
pub fn note_texts(demo: &Demo, ticket: &Value) -> Vec<String> {
    demo.cw
        .notes(ticket["id"].as_i64().unwrap())
        .iter()
        .filter_map(|n| n["text"].as_str())
        .map(str::to_owned)
        .collect()
}

/// Sets up a data folder whose ConnectWise side is the demo's and whose
/// source is `kind`'s simulator, set through the CLI alone.
pub async fn setup(demo: &Demo, dir: &Path, secret: &str, login: &str) {
    {
        let store = Store::open(&dir.join("backupbridge.db")).unwrap();
        demo.configure(&store).unwrap();
    }
    let kind = demo.source_kind().as_str().to_owned();
    let url = demo.source_url();
    for (key, value) in [
        ("dashboard.url", ""),
        ("source.kind", kind.as_str()),
        ("source.url", url.as_str()),
        ("source.username", login),
    ] {
        ok(
            &cli(dir, secret, &["config", "set", key, value]).await,
            "config set",
        );
    }
    let shown = ok(&cli(dir, secret, &["config", "show"]).await, "config show");
    assert!(
        shown.contains("source.kind") && shown.contains(&kind),
        "{shown}"
    );
}
