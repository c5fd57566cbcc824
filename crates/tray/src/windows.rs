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
