//! The tray process's side of the link: it listens, checks each
//! connection's proof of the token (and proves its own in return), runs the
//! window's calls and keeps the one window connected ([`WindowLink`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::{
    auth, receive, receive_at_most, send, CallOutcome, ToTray, ToWindow, HELLO_TIMEOUT,
    MAX_HELLO_BYTES, MAX_PENDING_HELLOS,
};
use crate::address::TrayAddress;
use crate::error::{Error, Result};

/// A UI command running in the tray process: what it returns, or its error
/// as `{kind, message}` ([`super::error_value`]), as the UI expects it.
pub type CallFuture<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = std::result::Result<Value, Value>> + Send + 'a>,
>;

/// What the tray process does for its connections.
pub trait TrayService: Send + Sync + 'static {
    /// Runs a UI command.
    fn call(&self, command: String, args: Value) -> CallFuture<'_>;
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
    let (nonce, proof, window) = match first {
        Some(ToTray::Hello { nonce, proof }) => (nonce, proof, true),
        Some(ToTray::Open { nonce, proof }) => (nonce, proof, false),
        Some(ToTray::Closing | ToTray::Call { .. }) | None => return Ok(()),
    };
    // Checked before anything depends on the token: a wrong proof learns
    // nothing, not even the tray process's own proof.
    if !auth::verify(token, auth::WINDOW, &nonce, &proof) {
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
    let proof = Some(auth::proof(token, auth::TRAY, &nonce));
    send(&mut write, &ToWindow::Welcome { proof }).await?;
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
    let read_result = window_messages(&mut read, id, &tx, &service, &link).await;
    if link.detach(id) {
        service.window_changed(WindowChange::Lost);
    }
    drop(tx);
    writer.abort();
    read_result
}

/// Reads the connected window's messages until it disconnects: each call
/// runs in its own task and its reply goes out through `tx`.
async fn window_messages(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    id: u64,
    tx: &mpsc::UnboundedSender<ToWindow>,
    service: &Arc<dyn TrayService>,
    link: &WindowLink,
) -> Result<()> {
    while let Some(message) = receive::<_, ToTray>(read).await? {
        match message {
            ToTray::Call { id, command, args } => {
                let (service, tx) = (Arc::clone(service), tx.clone());
                tokio::spawn(async move {
                    let outcome = CallOutcome::from(service.call(command, args).await);
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
    Ok(())
}
