//! The window process: started on *Open* (the tray menu, a click on the
//! icon, a second launch), brought forward when it already runs, and gone
//! when the window is closed, taking the web engine's memory with it.

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bridge_core::alerts::ActivityFilter;
use bridge_link::ipc::{ToWindow, WindowLink};
use bridge_link::launch::{child_command, installed, WINDOW_ARG};
use bridge_shell::events::SHOW_ACTIVITY_EVENT;
use bridge_shell::state::AppState;
use bridge_shell::{Result, APP_NAME};

/// How long a window process that has not connected yet counts as starting
/// (a second *Open* meanwhile does not start another).
const START_GRACE: Duration = Duration::from_secs(30);

/// What [`WindowProcess::open`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// The connected window was asked to come forward.
    Focused,
    /// A window process is already on its way; none more was started.
    AlreadyStarting,
    /// A window process was started.
    Started,
    /// The app is quitting; nothing was done.
    Quitting,
    /// The window process could not be started (the user was told).
    Failed,
}

/// The window process: started on *Open* when none runs (one at a time),
/// asked to bring its window forward when it does.
pub struct WindowProcess {
    link: Arc<WindowLink>,
    binary: PathBuf,
    state: Arc<AppState>,
    /// When the window process not yet connected was started.
    starting: Arc<Mutex<Option<Instant>>>,
}

impl WindowProcess {
    /// The window process of `binary`, reached over `link`, for the app in
    /// `state`.
    pub fn new(link: Arc<WindowLink>, binary: PathBuf, state: Arc<AppState>) -> Self {
        Self {
            link,
            binary,
            state,
            starting: Arc::default(),
        }
    }

    /// A window process started by someone else is on its way (the launch
    /// that started this process becomes its window).
    pub fn expect_window(&self) {
        *self.starting.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    }

    /// Brings the window forward, starting its process when none runs.
    /// Does nothing while the app quits.
    pub fn open(&self) -> Opening {
        if self.state.is_quitting() {
            tracing::info!("quitting: the window is not opened");
            return Opening::Quitting;
        }
        if self.link.send(ToWindow::Focus) {
            return Opening::Focused;
        }
        let mut starting = self.starting.lock().unwrap_or_else(PoisonError::into_inner);
        if starting.is_some_and(|since| since.elapsed() < START_GRACE) {
            tracing::info!("the window is still starting");
            return Opening::AlreadyStarting;
        }
        match self.spawn() {
            Ok(child) => {
                tracing::info!(pid = child.id(), "starting the window");
                *starting = Some(Instant::now());
                let starting = Arc::clone(&self.starting);
                let state = Arc::clone(&self.state);
                let reaper = std::thread::Builder::new()
                    .name("window-process".into())
                    .spawn(move || reap(child, &starting, &state));
                if let Err(error) = reaper {
                    tracing::warn!(%error, "cannot watch the window process");
                }
                Opening::Started
            }
            Err(error) => {
                tracing::error!(%error, binary = %self.binary.display(), "cannot start the window");
                let body = format!("The window cannot open: {error}");
                self.state.outputs().tell(APP_NAME, &body);
                Opening::Failed
            }
        }
    }

    /// Shows the Activity screen with `filter` (a clicked notification):
    /// the filter waits in the state until the window's UI takes it, told
    /// at once when a window is open, else when the window it starts here
    /// loads; then the window comes forward as on *Open*.
    pub fn show_activity(&self, filter: ActivityFilter) -> Opening {
        self.state.request_activity(filter);
        self.link.event(SHOW_ACTIVITY_EVENT, &());
        self.open()
    }

    /// The window connected: it is no longer starting.
    pub fn connected(&self) {
        *self.starting.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn spawn(&self) -> Result<Child> {
        let binary = installed(self.binary.clone())?;
        // An executable still open for writing somewhere (an update being
        // installed; in tests, a script another thread's fork briefly
        // holds) refuses to start for a moment: try again shortly.
        let mut tries = 0;
        loop {
            match child_command(&binary)
                .arg(WINDOW_ARG)
                .stdin(Stdio::null())
                .spawn()
            {
                Err(error)
                    if error.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 10 =>
                {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                spawned => return Ok(spawned?),
            }
        }
    }
}

/// Waits for the window process to end (no zombie is left), and says so
/// when it failed.
fn reap(mut child: Child, starting: &Mutex<Option<Instant>>, state: &AppState) {
    let status = child.wait();
    *starting.lock().unwrap_or_else(PoisonError::into_inner) = None;
    match status {
        Ok(status) if status.success() => tracing::debug!("the window process ended"),
        Ok(status) => {
            tracing::warn!(%status, "the window process failed; see its lines in the log");
            if !state.is_quitting() {
                let body = format!(
                    "The window closed unexpectedly ({status}). Open it again from the tray; \
                     the log in the data folder says why."
                );
                state.outputs().tell(APP_NAME, &body);
            }
        }
        Err(error) => tracing::warn!(%error, "cannot wait for the window process"),
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    use bridge_core::alerts::Notification;
    use bridge_core::secrets::{MemoryStore, SecretStore};
    use bridge_shell::events::{EventSink, Outputs, Snapshot};
    use bridge_shell::notify::Notifier;
    use bridge_shell::state::AppPaths;

    use super::*;

    #[derive(Default)]
    struct Told(Mutex<Vec<String>>);

    impl Notifier for Told {
        fn notify(
            &self,
            _title: &str,
            body: &str,
            _open: Option<&bridge_core::alerts::NotificationTarget>,
        ) -> Result<()> {
            self.0.lock().unwrap().push(body.to_owned());
            Ok(())
        }
    }

    struct Nowhere;

    impl EventSink for Nowhere {
        fn status(&self, _: &Snapshot) {}
        fn notification(&self, _: &Notification) {}
    }

    fn window_process(binary: PathBuf) -> (WindowProcess, Arc<Told>) {
        window_process_on(binary, Arc::new(WindowLink::default()))
    }

    fn window_process_on(binary: PathBuf, link: Arc<WindowLink>) -> (WindowProcess, Arc<Told>) {
        let told = Arc::new(Told::default());
        let outputs = Arc::new(Outputs::new(Arc::new(Nowhere), told.clone()));
        let data_dir = binary.parent().unwrap().to_path_buf();
        let state = Arc::new(AppState::with_secrets(
            AppPaths::new(data_dir),
            outputs,
            Box::new(|| Arc::new(MemoryStore::default()) as Arc<dyn SecretStore>),
            Duration::from_secs(3600),
        ));
        let window = WindowProcess::new(link, binary, state);
        (window, told)
    }

    /// A stand-in window executable: records its arguments, then runs `body`.
    fn script(dir: &Path, body: &str) -> PathBuf {
        let path = dir.join("window.sh");
        let log = dir.join("started");
        std::fs::write(
            &path,
            format!("#!/bin/sh\necho \"$@\" >> '{}'\n{body}\n", log.display()),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// A script body that waits until `release` exists (a minute at most).
    fn until_exists(release: &Path) -> String {
        format!(
            "i=0; while [ ! -e '{}' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done",
            release.display()
        )
    }

    fn starts(dir: &Path) -> Vec<String> {
        std::fs::read_to_string(dir.join("started"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn wait_for(what: &str, done: impl Fn() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// REGRESSION (review L5): the window process, and with it the web
    /// engine, inherited `BB_CW_SECRET` and `BB_DASHBOARD_TOKEN`. The test
    /// runs itself again with every such variable in its own environment,
    /// as a tray process started with them would hold them.
    #[test]
    fn the_window_process_inherits_no_secret() {
        const INNER: &str = "BB_TEST_WINDOW_ENV_INNER";
        if std::env::var_os(INNER).is_none() {
            let inner = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "window_process::tests::the_window_process_inherits_no_secret",
                    "--test-threads=1",
                ])
                .env(INNER, "1")
                .envs(bridge_core::secrets::ENV_SECRET_VARS.map(|name| (name, "leaked-value")))
                .output()
                .unwrap();
            assert!(
                inner.status.success(),
                "{}\n{}",
                String::from_utf8_lossy(&inner.stdout),
                String::from_utf8_lossy(&inner.stderr)
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let seen = dir.path().join("env");
        let dump = format!("env > '{0}.part' && mv '{0}.part' '{0}'", seen.display());
        let (window, _) = window_process(script(dir.path(), &dump));
        window.open();
        wait_for("the window's environment", || seen.exists());
        let env = std::fs::read_to_string(&seen).unwrap();
        assert!(env.contains(INNER), "the rest is inherited: {env}");
        assert!(!env.contains("leaked-value"), "{env}");
    }

    #[test]
    fn a_missing_window_binary_is_reported_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let (window, told) = window_process(dir.path().join("backup-bridge-app"));
        assert_eq!(window.open(), Opening::Failed);
        let told = told.0.lock().unwrap();
        assert_eq!(told.len(), 1);
        assert!(
            told[0].contains("is missing; reinstall BackupBridge"),
            "{told:?}"
        );
    }

    #[test]
    fn open_starts_one_window_process_while_it_starts() {
        let dir = tempfile::tempdir().unwrap();
        let release = dir.path().join("release");
        // The stand-in runs until released: it is surely still starting at
        // the second Open, however slow the machine.
        let (window, told) = window_process(script(dir.path(), &until_exists(&release)));
        assert_eq!(window.open(), Opening::Started);
        assert_eq!(window.open(), Opening::AlreadyStarting);
        wait_for("the window process to start", || {
            !starts(dir.path()).is_empty()
        });
        assert_eq!(starts(dir.path()), vec![WINDOW_ARG.to_owned()]);
        assert!(told.0.lock().unwrap().is_empty());
        // Once it has ended, Open starts it again.
        std::fs::write(&release, "").unwrap();
        wait_for("the window process to end", || {
            window.starting.lock().unwrap().is_none()
        });
        assert_eq!(window.open(), Opening::Started);
        wait_for("a second start", || starts(dir.path()).len() == 2);
    }

    #[test]
    fn a_window_on_its_way_or_a_quitting_app_starts_none() {
        let dir = tempfile::tempdir().unwrap();
        let (window, told) = window_process(script(dir.path(), "exit 0"));
        window.expect_window();
        assert_eq!(window.open(), Opening::AlreadyStarting);
        let (quitting, _) = window_process(script(dir.path(), "exit 0"));
        assert!(quitting.state.begin_quit());
        assert_eq!(quitting.open(), Opening::Quitting);
        // Once the expected window has connected (and, with no link here,
        // gone), Open starts one: the only start the script records.
        window.connected();
        assert_eq!(window.open(), Opening::Started);
        wait_for("the window process to start", || {
            !starts(dir.path()).is_empty()
        });
        assert_eq!(starts(dir.path()), vec![WINDOW_ARG.to_owned()]);
        assert!(told.0.lock().unwrap().is_empty());
    }

    #[test]
    fn a_window_process_that_fails_is_reported_and_can_be_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let (window, told) = window_process(script(dir.path(), "exit 3"));
        assert_eq!(window.open(), Opening::Started);
        wait_for("the failure to be reported", || {
            !told.0.lock().unwrap().is_empty()
        });
        let body = told.0.lock().unwrap()[0].clone();
        assert!(body.contains("closed unexpectedly"), "{body}");
        assert!(body.contains("Open it again from the tray"), "{body}");
        // No longer "starting": the next Open starts it again.
        assert_eq!(window.open(), Opening::Started);
        wait_for("a second start", || starts(dir.path()).len() == 2);
    }

    fn storm_filter() -> ActivityFilter {
        ActivityFilter {
            created_since: "2026-12-06T21:05:00Z".into(),
        }
    }

    #[test]
    fn a_clicked_storm_without_a_window_starts_one_with_the_filter_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let (window, told) = window_process(script(dir.path(), "exit 0"));
        assert_eq!(window.show_activity(storm_filter()), Opening::Started);
        wait_for("the window process to start", || {
            !starts(dir.path()).is_empty()
        });
        // The window's UI takes it when it loads, once.
        assert_eq!(window.state.take_activity_filter(), Some(storm_filter()));
        assert_eq!(window.state.take_activity_filter(), None);
        assert!(told.0.lock().unwrap().is_empty());
    }

    /// A window that connected over the real link, as the window process does.
    struct NoCommands;

    impl bridge_link::ipc::TrayService for NoCommands {
        fn call(&self, _: String, _: serde_json::Value) -> bridge_link::ipc::CallFuture<'_> {
            Box::pin(async { Err(serde_json::Value::Null) })
        }
        fn open(&self) {}
        fn window_changed(&self, _: bridge_link::ipc::WindowChange) {}
        fn accepting(&self) -> bool {
            true
        }
    }

    #[tokio::test]
    async fn a_clicked_storm_tells_the_open_window_and_brings_it_forward() {
        use bridge_link::ipc::{self, FromTray, TrayClient};
        let link = Arc::new(WindowLink::default());
        let (listener, address) = ipc::listen().await.unwrap();
        tokio::spawn(ipc::serve(
            listener,
            address.token.clone(),
            Arc::new(NoCommands),
            Arc::clone(&link),
        ));
        let (_client, mut events) = TrayClient::connect(&address).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (window, _) = window_process_on(script(dir.path(), "exit 0"), Arc::clone(&link));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !link.is_open() {
            assert!(Instant::now() < deadline, "the window never connected");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(window.show_activity(storm_filter()), Opening::Focused);
        async fn next(events: &mut tokio::sync::mpsc::UnboundedReceiver<FromTray>) -> FromTray {
            tokio::time::timeout(Duration::from_secs(5), events.recv())
                .await
                .unwrap()
                .unwrap()
        }
        match next(&mut events).await {
            FromTray::Event { name, payload } => {
                assert_eq!(name, SHOW_ACTIVITY_EVENT);
                assert!(payload.is_null(), "{payload}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(next(&mut events).await, FromTray::Focus));
        assert_eq!(window.state.take_activity_filter(), Some(storm_filter()));
        assert!(starts(dir.path()).is_empty(), "no second window");
    }
}
