//! The link between the tray process and the window process: one JSON
//! message per line over a loopback TCP connection, opened by the window
//! with the token from `tray.json` ([`crate::instance`]).
//!
//! The window sends [`ToTray::Call`]s, the UI's commands with their
//! arguments as the UI gave them, and gets one [`ToWindow::Reply`] each. The
//! tray sends events the UI listens to (status, notifications) and asks the
//! window to come forward or to close. A second launch connects, sends
//! [`ToTray::Open`] and leaves.
//!
//! Loopback TCP works alike on Windows, macOS and Linux; the token keeps
//! other local users' programs out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};
use crate::instance::TrayAddress;

/// Longest message accepted once the token was shown (a log tail of 5,000
/// lines fits many times over).
pub const MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;
/// Longest first message: before the token is checked, a connection may not
/// make the tray process hold more than this.
pub const MAX_HELLO_BYTES: u64 = 4 * 1024;
/// Connections at most waiting to show their token at once; more are dropped.
pub const MAX_PENDING_HELLOS: usize = 16;
/// How long a connection may take to say who it is.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(5);

/// What the window process (or a second launch) sends the tray process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToTray {
    /// First message of a window: the token from `tray.json`.
    Hello {
        /// The token.
        token: String,
    },
    /// The only message of a second launch: show the window.
    Open {
        /// The token.
        token: String,
    },
    /// The user closed the window: it is going, and meant to.
    Closing,
    /// A UI command.
    Call {
        /// Matches the reply.
        id: u64,
        /// The command's name (`commands::COMMANDS`).
        command: String,
        /// Its arguments, as the UI passed them.
        args: Value,
    },
}

/// What the tray process sends the window process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWindow {
    /// The token was right.
    Welcome,
    /// The token was wrong; the connection ends.
    Refused {
        /// Why.
        reason: String,
    },
    /// The answer to the call `id`.
    Reply {
        /// The call's id.
        id: u64,
        /// The result, or the error as `{kind, message}`.
        #[serde(flatten)]
        outcome: Outcome,
    },
    /// An event for the UI (`status`, `notification`).
    Event {
        /// The event's name.
        name: String,
        /// Its payload.
        payload: Value,
    },
    /// Come to the front (the tray's Open, a second launch).
    Focus,
    /// Close: the app is quitting, or another window took over.
    Close,
}

/// A call's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// What the command returned.
    Ok(Value),
    /// The command's error, `{kind, message}`.
    Err(Value),
}

impl From<Result<Value>> for Outcome {
    fn from(result: Result<Value>) -> Self {
        match result {
            Ok(value) => Self::Ok(value),
            Err(error) => Self::Err(error_value(&error)),
        }
    }
}

/// An error as the UI receives it: `{kind, message}`.
pub fn error_value(error: &Error) -> Value {
    serde_json::json!({ "kind": error.kind(), "message": error.to_string() })
}

/// Writes `message` as one line.
pub async fn send<W, T>(writer: &mut W, message: &T) -> std::io::Result<()>
where
    W: AsyncWrite + Unpin,
    T: Serialize,
{
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    writer.write_all(&line).await?;
    writer.flush().await
}

/// Reads one message; `None` at the end of the stream.
pub async fn receive<R, T>(reader: &mut R) -> std::io::Result<Option<T>>
where
    R: AsyncBufRead + Unpin,
    T: DeserializeOwned,
{
    receive_at_most(reader, MAX_MESSAGE_BYTES).await
}

/// Reads one message of at most `limit` bytes; `None` at the end of the stream.
pub async fn receive_at_most<R, T>(reader: &mut R, limit: u64) -> std::io::Result<Option<T>>
where
    R: AsyncBufRead + Unpin,
    T: DeserializeOwned,
{
    let mut line = Vec::new();
    let read = (&mut *reader)
        .take(limit)
        .read_until(b'\n', &mut line)
        .await?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a message was cut off or too long",
        ));
    }
    Ok(Some(serde_json::from_slice(&line)?))
}

/// Asks the tray process at `address` to show its window (a second launch).
pub async fn ask_to_open(address: &TrayAddress) -> Result<()> {
    let stream = connect(address).await?;
    let (read, mut write) = stream.into_split();
    let open = ToTray::Open {
        token: address.token.clone(),
    };
    send(&mut write, &open).await?;
    welcomed(&mut BufReader::new(read)).await
}

/// Waits for the tray process's answer to the first message.
async fn welcomed<R: AsyncBufRead + Unpin>(read: &mut R) -> Result<()> {
    match tokio::time::timeout(HELLO_TIMEOUT, receive(read)).await {
        Ok(Ok(Some(ToWindow::Welcome))) => Ok(()),
        Ok(Ok(Some(ToWindow::Refused { reason }))) => Err(Error::Runtime(reason)),
        Ok(Ok(_)) => Err(Error::Runtime(
            "the tray process ended the connection".into(),
        )),
        Ok(Err(error)) => Err(error.into()),
        Err(_) => Err(Error::Runtime(
            "the tray process did not answer in time".into(),
        )),
    }
}

async fn connect(address: &TrayAddress) -> Result<TcpStream> {
    let stream = tokio::time::timeout(
        HELLO_TIMEOUT,
        TcpStream::connect(("127.0.0.1", address.port)),
    )
    .await
    .map_err(|_| Error::Runtime("the tray process did not answer in time".into()))??;
    stream.set_nodelay(true)?;
    Ok(stream)
}

// ---------------------------------------------------------------- tray side

/// What the tray process does for its connections.
pub trait TrayService: Send + Sync + 'static {
    /// Runs a UI command.
    fn call(
        &self,
        command: String,
        args: Value,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Value>> + Send + '_>>;
    /// A second launch asked for the window.
    fn open(&self);
    /// The window connected, or went away.
    fn window_changed(&self, change: WindowChange);
    /// Whether connections are still welcome (not while quitting).
    fn accepting(&self) -> bool;
}

/// What happened to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowChange {
    /// It connected.
    Opened,
    /// The user closed it.
    Closed,
    /// Its connection ended without a close (it crashed, or was ended).
    Lost,
}

/// Compares two tokens in time that does not depend on where they differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The connected window, if any: where events and requests for it go.
#[derive(Default)]
pub struct WindowLink {
    current: Mutex<Option<(u64, mpsc::UnboundedSender<ToWindow>)>>,
    next: AtomicU64,
}

impl WindowLink {
    /// Whether a window is connected.
    pub fn is_open(&self) -> bool {
        self.lock().is_some()
    }

    /// Sends `message` to the window; `false` when none is connected.
    pub fn send(&self, message: ToWindow) -> bool {
        match &*self.lock() {
            Some((_, tx)) => tx.send(message).is_ok(),
            None => false,
        }
    }

    /// Sends a UI event to the window, if one is connected.
    pub fn event<T: Serialize>(&self, name: &str, payload: &T) {
        if !self.is_open() {
            return;
        }
        match serde_json::to_value(payload) {
            Ok(payload) => {
                self.send(ToWindow::Event {
                    name: name.to_owned(),
                    payload,
                });
            }
            Err(error) => tracing::warn!(%error, name, "an event could not be written as JSON"),
        }
    }

    fn attach(&self, tx: mpsc::UnboundedSender<ToWindow>) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Some((_, older)) = self.lock().replace((id, tx)) {
            // Two windows at once (two launches in the same instant): the
            // newer one stays.
            let _ = older.send(ToWindow::Close);
        }
        id
    }

    fn detach(&self, id: u64) -> bool {
        let mut current = self.lock();
        if current.as_ref().map(|(c, _)| *c) == Some(id) {
            *current = None;
            return true;
        }
        false
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(u64, mpsc::UnboundedSender<ToWindow>)>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Listens on a free loopback port. Returns the listener and the address
/// (with a fresh token) to publish.
pub async fn listen() -> Result<(TcpListener, TrayAddress)> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let port = listener.local_addr()?.port();
    Ok((listener, TrayAddress::new(port)))
}

/// Serves connections until the listener fails (the process ends first).
pub async fn serve(
    listener: TcpListener,
    token: String,
    service: Arc<dyn TrayService>,
    link: Arc<WindowLink>,
) {
    let token: Arc<str> = token.into();
    let hellos = Arc::new(tokio::sync::Semaphore::new(MAX_PENDING_HELLOS));
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let Ok(hello) = Arc::clone(&hellos).try_acquire_owned() else {
                    tracing::warn!("too many connections waiting to show a token; one dropped");
                    continue;
                };
                let (token, service, link) =
                    (Arc::clone(&token), Arc::clone(&service), Arc::clone(&link));
                tokio::spawn(async move {
                    if let Err(error) = connection(stream, &token, hello, service, link).await {
                        tracing::warn!(%error, "a connection to the tray process ended badly");
                    }
                });
            }
            Err(error) => {
                tracing::warn!(%error, "the tray process could not accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn connection(
    stream: TcpStream,
    token: &str,
    hello: tokio::sync::OwnedSemaphorePermit,
    service: Arc<dyn TrayService>,
    link: Arc<WindowLink>,
) -> Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let first = tokio::time::timeout(
        HELLO_TIMEOUT,
        receive_at_most::<_, ToTray>(&mut read, MAX_HELLO_BYTES),
    )
    .await
    .map_err(|_| Error::Runtime("a connection said nothing".into()))??;
    drop(hello);
    let (presented, window) = match first {
        Some(ToTray::Hello { token }) => (token, true),
        Some(ToTray::Open { token }) => (token, false),
        Some(ToTray::Closing | ToTray::Call { .. }) | None => return Ok(()),
    };
    if !same_token(&presented, token) {
        let reason = "the token does not match the running BackupBridge".to_owned();
        send(&mut write, &ToWindow::Refused { reason }).await?;
        return Err(Error::Runtime(
            "a connection presented a wrong token".into(),
        ));
    }
    if !service.accepting() {
        let reason = "BackupBridge is quitting".to_owned();
        send(&mut write, &ToWindow::Refused { reason }).await?;
        return Ok(());
    }
    send(&mut write, &ToWindow::Welcome).await?;
    if !window {
        tracing::info!("second launch: bringing the window forward");
        service.open();
        return Ok(());
    }

    let (tx, mut rx) = mpsc::unbounded_channel::<ToWindow>();
    let id = link.attach(tx.clone());
    service.window_changed(WindowChange::Opened);
    let writer = tokio::spawn(async move {
        while let Some(message) = rx.recv().await {
            if send(&mut write, &message).await.is_err() {
                break;
            }
        }
    });
    let read_result = async {
        while let Some(message) = receive::<_, ToTray>(&mut read).await? {
            match message {
                ToTray::Call { id, command, args } => {
                    let (service, tx) = (Arc::clone(&service), tx.clone());
                    tokio::spawn(async move {
                        let outcome = Outcome::from(service.call(command, args).await);
                        let _ = tx.send(ToWindow::Reply { id, outcome });
                    });
                }
                // Gone for the tray at once: an Open from now on starts a
                // new window instead of focusing one that is closing.
                ToTray::Closing => {
                    if link.detach(id) {
                        service.window_changed(WindowChange::Closed);
                    }
                }
                ToTray::Hello { .. } | ToTray::Open { .. } => {}
            }
        }
        Ok::<_, Error>(())
    }
    .await;
    if link.detach(id) {
        service.window_changed(WindowChange::Lost);
    }
    drop(tx);
    writer.abort();
    read_result
}

// -------------------------------------------------------------- window side

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
type Pending = Arc<Mutex<Option<HashMap<u64, oneshot::Sender<Outcome>>>>>;

/// The window's connection to the tray process.
pub struct TrayClient {
    tx: mpsc::UnboundedSender<ToTray>,
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
        send(
            &mut write,
            &ToTray::Hello {
                token: address.token.clone(),
            },
        )
        .await?;
        welcomed(&mut read).await?;

        let (tx, mut outgoing) = mpsc::unbounded_channel::<ToTray>();
        tokio::spawn(async move {
            while let Some(message) = outgoing.recv().await {
                if send(&mut write, &message).await.is_err() {
                    break;
                }
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
                    ToWindow::Welcome | ToWindow::Refused { .. } => continue,
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
                pending,
                next: AtomicU64::new(1),
            },
            received,
        ))
    }

    /// Tells the tray process that the user is closing the window.
    pub fn closing(&self) {
        let _ = self.tx.send(ToTray::Closing);
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
        if self.tx.send(message).is_err() {
            return Err(lost());
        }
        match outcome.await {
            Ok(Outcome::Ok(value)) => Ok(value),
            Ok(Outcome::Err(error)) => Err(error),
            Err(_) => Err(lost()),
        }
    }
}

#[cfg(test)]
#[path = "ipc_tests.rs"]
mod tests;
