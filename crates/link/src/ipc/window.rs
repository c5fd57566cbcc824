//! The window process's side of the link: one connection to the tray
//! process, calls matched to their replies, and everything else passed on
//! as [`FromTray`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;
use tokio::io::BufReader;
use tokio::sync::{mpsc, oneshot, watch};

use super::{connect, error_value, handshake, receive, send, CallOutcome, ToTray, ToWindow};
use crate::address::TrayAddress;
use crate::error::{Error, Result};

/// What the window process receives besides replies.
#[derive(Debug, Clone, PartialEq)]
pub enum FromTray {
    /// An event for the UI.
    Event {
        /// The event's name.
        name: String,
        /// Its payload.
        payload: Value,
    },
    /// Come to the front.
    Focus,
    /// Close the window.
    Close,
    /// The tray process went away: nothing works any more.
    Lost,
}

/// Calls waiting for their reply; `None` once the link is lost.
type Pending = Arc<Mutex<Option<HashMap<u64, oneshot::Sender<CallOutcome>>>>>;

/// The window's connection to the tray process.
pub struct TrayClient {
    tx: mpsc::UnboundedSender<ToTray>,
    /// Messages given to `tx` so far, and how many of them the writer has
    /// written to the connection (see [`TrayClient::flushed`]).
    queued: AtomicU64,
    written: watch::Receiver<u64>,
    pending: Pending,
    next: AtomicU64,
}

impl TrayClient {
    /// Connects to the tray process at `address`; what it sends besides
    /// replies arrives on the returned channel.
    pub async fn connect(
        address: &TrayAddress,
    ) -> Result<(TrayClient, mpsc::UnboundedReceiver<FromTray>)> {
        let stream = connect(address).await?;
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        handshake(&mut read, &mut write, address, true).await?;

        let (tx, mut outgoing) = mpsc::unbounded_channel::<ToTray>();
        let (written_tx, written) = watch::channel(0u64);
        tokio::spawn(async move {
            while let Some(message) = outgoing.recv().await {
                if send(&mut write, &message).await.is_err() {
                    break;
                }
                written_tx.send_modify(|count| *count += 1);
            }
        });
        let pending: Pending = Arc::new(Mutex::new(Some(HashMap::new())));
        let (events, received) = mpsc::unbounded_channel();
        let replies = Arc::clone(&pending);
        tokio::spawn(async move {
            loop {
                let message = match receive::<_, ToWindow>(&mut read).await {
                    Ok(Some(message)) => message,
                    Ok(None) => break,
                    Err(error) => {
                        tracing::warn!(%error, "the link to the tray process broke");
                        break;
                    }
                };
                let forward = match message {
                    ToWindow::Reply { id, outcome } => {
                        let waiter = replies
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .as_mut()
                            .and_then(|waiting| waiting.remove(&id));
                        if let Some(waiter) = waiter {
                            let _ = waiter.send(outcome);
                        }
                        continue;
                    }
                    ToWindow::Event { name, payload } => FromTray::Event { name, payload },
                    ToWindow::Focus => FromTray::Focus,
                    ToWindow::Close => FromTray::Close,
                    ToWindow::Welcome { .. } | ToWindow::Refused { .. } => continue,
                };
                if events.send(forward).is_err() {
                    break;
                }
            }
            // Calls still waiting fail (their senders are dropped), and so
            // does every later one.
            *replies.lock().unwrap_or_else(PoisonError::into_inner) = None;
            let _ = events.send(FromTray::Lost);
        });
        Ok((
            TrayClient {
                tx,
                queued: AtomicU64::new(0),
                written,
                pending,
                next: AtomicU64::new(1),
            },
            received,
        ))
    }

    /// Tells the tray process that the user is closing the window.
    pub fn closing(&self) {
        let _ = self.queue(ToTray::Closing);
    }

    /// Resolves once every message queued so far is written to the
    /// connection, or at once when the link is gone. A process about to
    /// exit awaits it (with a timeout), so that its last message, such as
    /// [`TrayClient::closing`], is not lost with the writer task.
    pub async fn flushed(&self) {
        let target = self.queued.load(Ordering::SeqCst);
        let mut written = self.written.clone();
        let _ = written.wait_for(|count| *count >= target).await;
    }

    /// Hands `message` to the writer; false when the link is gone.
    fn queue(&self, message: ToTray) -> bool {
        self.queued.fetch_add(1, Ordering::SeqCst);
        if self.tx.send(message).is_err() {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return false;
        }
        true
    }

    /// Runs a UI command in the tray process. The error is `{kind, message}`,
    /// as the UI expects it.
    pub async fn call(&self, command: &str, args: Value) -> std::result::Result<Value, Value> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (done, outcome) = oneshot::channel();
        let lost = || {
            error_value(&Error::Runtime(
                "the BackupBridge tray process stopped; start BackupBridge again".into(),
            ))
        };
        match self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            Some(waiting) => waiting.insert(id, done),
            None => return Err(lost()),
        };
        let message = ToTray::Call {
            id,
            command: command.to_owned(),
            args,
        };
        if !self.queue(message) {
            return Err(lost());
        }
        match outcome.await {
            Ok(CallOutcome::Ok(value)) => Ok(value),
            Ok(CallOutcome::Err(error)) => Err(error),
            Err(_) => Err(lost()),
        }
    }
}
