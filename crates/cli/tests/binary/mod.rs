//! Running the real `backup-bridge` binary the way the CLI tests do: with the
//! demo simulators' secrets in its environment, no `BB_LOG`, and in UTC (so
//! local times print as typed).

#![allow(dead_code, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use bridge_sim::cw::DEMO_PRIVATE_KEY;
use bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN;

/// One finished run of the binary.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary on the data folder `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_backup-bridge"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("BB_CW_SECRET", DEMO_PRIVATE_KEY)
        .env("BB_DASHBOARD_TOKEN", DEMO_DASHBOARD_TOKEN)
        .env("TZ", "UTC")
        .env_remove("BB_LOG")
        .output()
        .expect("the binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs and checks the exit code, printing everything when it differs.
#[track_caller]
pub fn expect(dir: &Path, args: &[&str], code: i32) -> Out {
    let out = run(dir, args);
    assert_eq!(
        out.code, code,
        "{args:?}\nstdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    out
}

/// Fails with `code` and exactly one line on stderr, the CLI's own
/// (`backup-bridge: …`), containing `needle`.
#[track_caller]
pub fn one_line_error(dir: &Path, args: &[&str], code: i32, needle: &str) {
    let out = expect(dir, args, code);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: {}", out.stderr);
    assert!(
        lines[0].starts_with("backup-bridge: ") && lines[0].contains(needle),
        "{args:?}: {}",
        lines[0]
    );
}
