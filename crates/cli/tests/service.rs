#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 16 item 5, the headless service: `packaging/systemd/backup-bridge.service`
//! is run the way systemd runs it. Its `ExecStart=` line is taken word for
//! word, with two substitutions only: `/usr/bin/backup-bridge` becomes the
//! binary under test and `/var/lib/backup-bridge` a temporary folder. The
//! environment is what systemd gives: nothing inherited, the unit's
//! `Environment=` lines, and `CREDENTIALS_DIRECTORY` holding the files its
//! `LoadCredential=` lines name. Then:
//! - the loop syncs against the simulators and SIGTERM (`systemctl stop`)
//!   ends it with exit 0;
//! - a credential that is missing stops it at once with exit 2 (the unit's
//!   `RestartPreventExitStatus=`) and one sentence naming the variable;
//! - `systemd-analyze verify` finds nothing to say about the unit.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use bridge_core::store::Store;
use bridge_sim::cw::DEMO_PRIVATE_KEY;
use bridge_sim::dashboard::DEMO_DASHBOARD_TOKEN;
use bridge_sim::demo::Demo;
use serde_json::json;

const UNIT: &str = include_str!("../../../packaging/systemd/backup-bridge.service");
const INSTALLED_BINARY: &str = "/usr/bin/backup-bridge";
const STATE_DIRECTORY: &str = "/var/lib/backup-bridge";
/// The optional credential the Dashboard source needs; the unit ships it
/// commented out, and README says to uncomment it.
const DASHBOARD_PAIR: [&str; 2] = [
    "LoadCredential=dashboard-token:",
    "Environment=BB_DASHBOARD_TOKEN_FILE=",
];
const SYNC_TIMEOUT: Duration = Duration::from_secs(30);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// The unit's `[Service]` lines as systemd reads them: `Key=value`,
/// comments dropped, except the commented lines starting with one of
/// `uncomment` (the unit's documented optional lines).
fn directives(uncomment: &[&str]) -> Vec<(String, String)> {
    UNIT.lines()
        .map(str::trim)
        .filter_map(|line| match line.strip_prefix('#') {
            Some(rest) if uncomment.iter().any(|p| rest.starts_with(p)) => Some(rest),
            Some(_) => None,
            None => Some(line),
        })
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn values<'a>(directives: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    directives
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// What systemd would start: the command line of `ExecStart=` (with the two
/// substitutions), its environment, and the credentials it would copy
/// (`name`, source path).
struct Launch {
    command: Command,
    credentials: Vec<(String, String)>,
}

fn launch(uncomment: &[&str], state_dir: &Path, credentials_dir: Option<&Path>) -> Launch {
    let directives = directives(uncomment);
    let exec = values(&directives, "ExecStart");
    assert_eq!(exec.len(), 1, "one ExecStart= line: {exec:?}");
    // Split on spaces only: so no quoting, specifier or variable may be in it.
    assert!(
        !exec[0].contains(['"', '\'', '%', '$', '\\']),
        "ExecStart= needs systemd's quoting rules now: {}",
        exec[0]
    );
    let mut words = exec[0].split_whitespace();
    assert_eq!(words.next(), Some(INSTALLED_BINARY));
    let mut command = Command::new(env!("CARGO_BIN_EXE_backup-bridge"));
    for word in words {
        if word == STATE_DIRECTORY {
            command.arg(state_dir);
        } else {
            command.arg(word);
        }
    }
    // systemd passes no environment of its own caller; HOME is the user's.
    command
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", state_dir);
    for assignment in values(&directives, "Environment") {
        let (name, value) = assignment.split_once('=').unwrap();
        assert!(!value.contains(['"', '\'', ' ']), "unquoted: {assignment}");
        command.env(name, value);
    }
    if let Some(dir) = credentials_dir {
        command.env("CREDENTIALS_DIRECTORY", dir);
    }
    let credentials = values(&directives, "LoadCredential")
        .into_iter()
        .map(|spec| {
            let (name, source) = spec.split_once(':').unwrap();
            (name.to_owned(), source.to_owned())
        })
        .collect();
    Launch {
        command,
        credentials,
    }
}

/// The secret behind each of the unit's credential files.
fn secret_for(source: &str) -> &'static str {
    match source {
        "/etc/backup-bridge/cw-secret" => DEMO_PRIVATE_KEY,
        "/etc/backup-bridge/dashboard-token" => DEMO_DASHBOARD_TOKEN,
        other => panic!("a credential the test does not know: {other}"),
    }
}

/// The running service; killed when the test fails before it ends.
struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn spawn(mut command: Command, logs: &Path) -> Service {
    Service(
        command
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(logs.join("stdout")).unwrap())
            .stderr(std::fs::File::create(logs.join("stderr")).unwrap())
            .spawn()
            .expect("the binary starts"),
    )
}

fn output(logs: &Path) -> String {
    let read = |name: &str| std::fs::read_to_string(logs.join(name)).unwrap_or_default();
    format!("stdout:\n{}\nstderr:\n{}", read("stdout"), read("stderr"))
}

fn wait(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn send(child: &Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on our own child's pid, which has not been reaped yet.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

#[test]
fn the_unit_syncs_with_its_credential_files_and_stops_cleanly_on_sigterm() {
    sync_then_stop(libc::SIGTERM, "SIGTERM");
}

/// Ctrl-C in a terminal still stops the loop the same way.
#[test]
fn ctrl_c_stops_the_loop_as_before() {
    sync_then_stop(libc::SIGINT, "SIGINT");
}

/// Runs the unit's command until it has made a ticket, then sends `signal`:
/// the loop must end with exit 0.
fn sync_then_stop(signal: libc::c_int, name: &str) {
    let started = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let demo = rt.block_on(Demo::start()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (state, credentials, logs) = (
        tmp.path().join("state"),
        tmp.path().join("creds"),
        tmp.path(),
    );
    std::fs::create_dir_all(&state).unwrap();
    std::fs::create_dir_all(&credentials).unwrap();
    // Set up as `sudo -u backup-bridge backup-bridge config set …` and
    // `companies map` would (the demo's settings, companies mapped).
    let store = Store::open(&state.join("backupbridge.db")).unwrap();
    drop(rt.block_on(demo.engine(store)).unwrap());
    demo.dashboard.set_events(vec![json!({
        "id": "svc-1", "companyId": "c-1001", "computer": "PC-SVC", "plan": "Nightly",
        "backupType": "FileLevel", "eventType": "Error", "jobStatus": "Failed",
        "message": "3 files could not be read", "details": []
    })]);

    let Launch {
        command,
        credentials: files,
    } = launch(&DASHBOARD_PAIR, &state, Some(&credentials));
    assert_eq!(files.len(), 2, "cw-secret and dashboard-token: {files:?}");
    for (name, source) in &files {
        // As an administrator writes it: with a final line break.
        std::fs::write(credentials.join(name), format!("{}\n", secret_for(source))).unwrap();
    }
    let mut service = spawn(command, logs);
    let child = &mut service.0;
    let deadline = Instant::now() + SYNC_TIMEOUT;
    let created = loop {
        let tickets = demo.tickets();
        if !tickets.is_empty() {
            break tickets;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the service ended by itself ({status}):\n{}", output(logs));
        }
        assert!(
            Instant::now() < deadline,
            "no ticket after {SYNC_TIMEOUT:?}:\n{}",
            output(logs)
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(created.len(), 1, "{created:?}");
    assert!(
        created[0]["summary"].as_str().unwrap().contains("PC-SVC"),
        "{created:?}"
    );
    let synced = Instant::now();
    send(child, signal);
    let Some(status) = wait(child, STOP_TIMEOUT) else {
        panic!("{name} did not stop the loop:\n{}", output(logs));
    };
    assert_eq!(status.code(), Some(0), "{}", output(logs));
    let all = output(logs);
    assert!(all.contains("stopping"), "{all}");
    assert!(!all.contains(DEMO_PRIVATE_KEY) && !all.contains(DEMO_DASHBOARD_TOKEN));
    println!(
        "service test: synced after {:?}, stopped {:?} after {name}",
        synced - started,
        synced.elapsed()
    );
}

#[test]
fn a_missing_credential_stops_the_service_with_exit_2_before_anything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("creds");
    std::fs::create_dir_all(&empty).unwrap();
    let state = tmp.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let in_credentials = empty.join("cw-secret").display().to_string();
    // The file systemd did not copy; the unit run without its LoadCredential= line.
    let cases: [(Option<&Path>, &[&str]); 2] = [
        (
            Some(&empty),
            &[
                "BB_CW_SECRET_FILE names ",
                &in_credentials,
                "does not exist",
                "LoadCredential=",
            ],
        ),
        (
            None,
            &[
                "BB_CW_SECRET_FILE names cw-secret",
                "CREDENTIALS_DIRECTORY is not set",
            ],
        ),
    ];
    for (credentials, parts) in cases {
        let Launch { command, .. } = launch(&[], &state, credentials);
        let mut service = spawn(command, tmp.path());
        let Some(status) = wait(&mut service.0, STOP_TIMEOUT) else {
            panic!("still running:\n{}", output(tmp.path()));
        };
        let stderr = std::fs::read_to_string(tmp.path().join("stderr")).unwrap();
        assert_eq!(status.code(), Some(2), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one sentence: {stderr}");
        for part in parts {
            assert!(lines[0].contains(part), "{part:?} missing in: {}", lines[0]);
        }
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("stdout")).unwrap(),
            ""
        );
    }
    // Nothing was touched: no database, no logs folder.
    assert_eq!(std::fs::read_dir(&state).unwrap().count(), 0);
}

/// `systemd-analyze verify` checks that the command exists, so it verifies a
/// copy whose `ExecStart=` names the binary under test: that line is the
/// only difference (checked). With the optional credential lines enabled too.
#[test]
fn systemd_analyze_verify_has_nothing_to_say() {
    let Ok(which) = Command::new("sh")
        .args(["-c", "command -v systemd-analyze"])
        .output()
    else {
        println!("skipped: no sh to look for systemd-analyze");
        return;
    };
    if !which.status.success() {
        println!("skipped: systemd-analyze is not installed (Debian package systemd)");
        return;
    }
    let binary = env!("CARGO_BIN_EXE_backup-bridge");
    let tmp = tempfile::tempdir().unwrap();
    let all_optional = ["LoadCredential=", "Environment=BB_"];
    for uncomment in [&[][..], &all_optional[..]] {
        let mut changed = 0;
        let copy: String = UNIT
            .lines()
            .map(|line| {
                let line = match line.strip_prefix('#') {
                    Some(rest) if uncomment.iter().any(|p| rest.starts_with(p)) => rest,
                    _ => line,
                };
                match line.strip_prefix("ExecStart=") {
                    Some(rest) => {
                        changed += 1;
                        format!("ExecStart={}\n", rest.replacen(INSTALLED_BINARY, binary, 1))
                    }
                    None => format!("{line}\n"),
                }
            })
            .collect();
        assert_eq!(changed, 1);
        let path = tmp.path().join("backup-bridge.service");
        std::fs::write(&path, copy).unwrap();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&path)
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success() && said.trim().is_empty(),
            "systemd-analyze verify ({uncomment:?} uncommented): {said}"
        );
    }
    // The folder the test substitutes is the one the unit has systemd create.
    let directives = directives(&[]);
    let state: Vec<String> = values(&directives, "StateDirectory")
        .iter()
        .map(|d| format!("/var/lib/{d}"))
        .collect();
    assert_eq!(state, [STATE_DIRECTORY]);
    assert_eq!(values(&directives, "RestartPreventExitStatus"), ["2"]);
}
