//! The window process: started on *Open* (the tray menu, a click on the
//! icon, a second launch), brought forward when it already runs, and gone
//! when the window is closed, taking the web engine's memory with it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bridge_shell::events::Outputs;
use bridge_shell::ipc::{ToWindow, WindowLink};
use bridge_shell::launch::{sibling_binary, WINDOW_ARG, WINDOW_BINARY};
use bridge_shell::{Error, Result, APP_NAME};

/// How long a window process that has not connected yet counts as starting
/// (a second *Open* meanwhile does not start another).
const START_GRACE: Duration = Duration::from_secs(30);

/// The window executable: `backup-bridge-app` beside this executable.
pub fn window_binary() -> Result<PathBuf> {
    Ok(sibling_binary(WINDOW_BINARY)?)
}

/// Opens the window, once.
pub struct Windows {
    link: Arc<WindowLink>,
    binary: PathBuf,
    outputs: Arc<Outputs>,
    /// When the window process not yet connected was started.
    starting: Arc<Mutex<Option<Instant>>>,
}

impl Windows {
    /// Windows of `binary`, reached over `link`.
    pub fn new(link: Arc<WindowLink>, binary: PathBuf, outputs: Arc<Outputs>) -> Self {
        Self {
            link,
            binary,
            outputs,
            starting: Arc::default(),
        }
    }

    /// Brings the window forward, starting its process when none runs.
    pub fn open(&self) {
        if self.link.send(ToWindow::Focus) {
            return;
        }
        let mut starting = self.starting.lock().unwrap_or_else(PoisonError::into_inner);
        if starting.is_some_and(|since| since.elapsed() < START_GRACE) {
            tracing::info!("the window is still starting");
            return;
        }
        match self.spawn() {
            Ok(child) => {
                tracing::info!(pid = child.id(), "starting the window");
                *starting = Some(Instant::now());
                let starting = Arc::clone(&self.starting);
                let outputs = Arc::clone(&self.outputs);
                let reaper = std::thread::Builder::new()
                    .name("window-process".into())
                    .spawn(move || reap(child, &starting, &outputs));
                if let Err(error) = reaper {
                    tracing::warn!(%error, "cannot watch the window process");
                }
            }
            Err(error) => {
                tracing::error!(%error, binary = %self.binary.display(), "cannot start the window");
                self.tell(&format!("The window cannot open: {error}"));
            }
        }
    }

    /// The window connected (`true`) or went away.
    pub fn connected(&self, open: bool) {
        if open {
            *self.starting.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    fn spawn(&self) -> Result<Child> {
        if !self.binary.exists() {
            return Err(Error::Runtime(format!(
                "{} is missing; reinstall {APP_NAME}",
                self.binary.display()
            )));
        }
        Ok(Command::new(&self.binary)
            .arg(WINDOW_ARG)
            .stdin(Stdio::null())
            .spawn()?)
    }

    fn tell(&self, body: &str) {
        if let Err(error) = self.outputs.notifier().notify(APP_NAME, body) {
            tracing::warn!(%error, "could not show a notification");
        }
    }
}

/// Waits for the window process to end (no zombie is left), and says so
/// when it failed.
fn reap(mut child: Child, starting: &Mutex<Option<Instant>>, outputs: &Outputs) {
    let status = child.wait();
    *starting.lock().unwrap_or_else(PoisonError::into_inner) = None;
    match status {
        Ok(status) if status.success() => tracing::debug!("the window process ended"),
        Ok(status) => {
            tracing::warn!(%status, "the window process failed; see its lines in the log");
            let body = format!(
                "The window closed unexpectedly ({status}). Open it again from the tray; \
                 the log in the data folder says why."
            );
            if let Err(error) = outputs.notifier().notify(APP_NAME, &body) {
                tracing::warn!(%error, "could not show a notification");
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
    use bridge_shell::events::{EventSink, Snapshot};
    use bridge_shell::notify::Notifier;

    use super::*;

    #[derive(Default)]
    struct Told(Mutex<Vec<String>>);

    impl Notifier for Told {
        fn notify(&self, _title: &str, body: &str) -> Result<()> {
            self.0.lock().unwrap().push(body.to_owned());
            Ok(())
        }
    }

    struct Nowhere;

    impl EventSink for Nowhere {
        fn status(&self, _: &Snapshot) {}
        fn notification(&self, _: &Notification) {}
    }

    fn windows(binary: PathBuf) -> (Windows, Arc<Told>) {
        let told = Arc::new(Told::default());
        let outputs = Arc::new(Outputs::new(Arc::new(Nowhere), told.clone()));
        let windows = Windows::new(Arc::new(WindowLink::default()), binary, outputs);
        (windows, told)
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

    #[test]
    fn a_missing_window_binary_is_reported_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let (windows, told) = windows(dir.path().join("backup-bridge-app"));
        windows.open();
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
        let (windows, told) = windows(script(dir.path(), "sleep 2"));
        windows.open();
        windows.open();
        wait_for("the window process to start", || {
            !starts(dir.path()).is_empty()
        });
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(starts(dir.path()), vec![WINDOW_ARG.to_owned()]);
        assert!(told.0.lock().unwrap().is_empty());
    }

    #[test]
    fn a_window_process_that_fails_is_reported_and_can_be_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let (windows, told) = windows(script(dir.path(), "exit 3"));
        windows.open();
        wait_for("the failure to be reported", || {
            !told.0.lock().unwrap().is_empty()
        });
        let body = told.0.lock().unwrap()[0].clone();
        assert!(body.contains("closed unexpectedly"), "{body}");
        assert!(body.contains("Open it again from the tray"), "{body}");
        // No longer "starting": the next Open starts it again.
        windows.open();
        wait_for("a second start", || starts(dir.path()).len() == 2);
    }
}
