#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `bridge-sim` binary starts both simulators, prints their URLs and
//! demo credentials, and serves a seed file when given one.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use bridge_sim::cw::{self, CwSeed};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and returns it with the lines printed up to the prompt.
fn start(args: &[&str]) -> (Running, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bridge-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.contains("Ctrl-C");
        lines.push(line);
        if done {
            break;
        }
    }
    (running, lines)
}

fn url_after(lines: &[String], label: &str) -> String {
    let line = lines.iter().find(|l| l.starts_with(label)).unwrap();
    line.split_whitespace().last().unwrap().to_owned()
}

#[tokio::test]
async fn prints_urls_and_credentials_and_serves_both_apis() {
    let (_child, lines) = start(&[]);
    let text = lines.join("\n");
    for needle in [
        cw::DEMO_CLIENT_ID,
        cw::DEMO_PUBLIC_KEY,
        cw::DEMO_PRIVATE_KEY,
        cw::DEMO_INTEGRATOR_USER,
        bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN,
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    let cw_url = url_after(&lines, "ConnectWise simulator:");
    let dash_url = url_after(&lines, "Dashboard simulator:");
    let http = reqwest::Client::new();
    let info: serde_json::Value = http
        .get(format!("{cw_url}/login/companyinfo/{}", cw::DEMO_COMPANY))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["Codebase"], "v2025_1/");
    let events: serde_json::Value = http
        .get(format!("{dash_url}/api/v1/monitoring/events"))
        .bearer_auth(bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!events["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn serves_a_seed_file() {
    let mut seed = CwSeed::demo();
    seed.company_id = "otherco".into();
    seed.codebase = "v2024_2/".into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, seed.to_json()).unwrap();
    let (_child, lines) = start(&["--seed", path.to_str().unwrap()]);
    let cw_url = url_after(&lines, "ConnectWise simulator:");
    let info: serde_json::Value = reqwest::get(format!("{cw_url}/login/companyinfo/otherco"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["Codebase"], "v2024_2/");
}
