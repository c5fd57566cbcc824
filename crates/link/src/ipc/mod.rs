//! The link between the tray process and the window process: one JSON
//! message per line over a loopback TCP connection, opened by the window
//! with the token from `tray.json` ([`crate::address`]).
//!
//! The window sends [`ToTray::Call`]s, the UI's commands with their
//! arguments as the UI gave them, and gets one [`ToWindow::Reply`] each. The
//! tray sends events the UI listens to (status, notifications) and asks the
//! window to come forward or to close. A second launch connects, sends
//! [`ToTray::Open`] and leaves.
//!
//! [`tray`] is the tray process's side, [`window`] the window's; this module
//! holds the messages and how they travel.
//!
//! Loopback TCP works alike on Windows, macOS and Linux. The token keeps
//! other local users' programs out, and it never travels: each side proves
//! it knows it ([`auth`]), so the window also refuses a program that is not
//! the tray process (one squatting the port of a stale `tray.json`).

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::net::TcpStream;

use crate::address::TrayAddress;
use crate::error::{Error, Result};

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
    /// First message of a window: a fresh nonce and the proof that it knows
    /// the token from `tray.json` ([`auth`]).
    Hello {
        /// Random, new for each connection.
        nonce: String,
        /// HMAC-SHA256(token, "window" · nonce), hex.
        proof: String,
    },
    /// The only message of a second launch: show the window (same proof).
    Open {
        /// Random, new for each connection.
        nonce: String,
        /// HMAC-SHA256(token, "window" · nonce), hex.
        proof: String,
    },
    /// The user closed the window: it is going, and meant to.
    Closing,
    /// A UI command.
    Call {
        /// Matches the reply.
        id: u64,
        /// The command's name (`bridge_shell::commands::COMMANDS`).
        command: String,
        /// Its arguments, as the UI passed them.
        args: Value,
    },
}

/// What the tray process sends the window process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWindow {
    /// The window's proof was right; the tray process proves in turn that
    /// it knows the token. A Welcome without a valid proof is refused.
    Welcome {
        /// HMAC-SHA256(token, "tray" · the window's nonce), hex.
        #[serde(default)]
        proof: Option<String>,
    },
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
        outcome: CallOutcome,
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

/// A call's result, as it travels in a [`ToWindow::Reply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// What the command returned.
    Ok(Value),
    /// The command's error, `{kind, message}`.
    Err(Value),
}

impl From<std::result::Result<Value, Value>> for CallOutcome {
    fn from(result: std::result::Result<Value, Value>) -> Self {
        match result {
            Ok(value) => Self::Ok(value),
            Err(error) => Self::Err(error),
        }
    }
}

/// An error as the UI receives it: `{kind, message}`. Both this crate's
/// [`Error`] and the shell's serialise that way.
pub fn error_value<E: Serialize + std::fmt::Display>(error: &E) -> Value {
    serde_json::to_value(error).unwrap_or_else(|failure| {
        serde_json::json!({
            "kind": "internal",
            "message": format!("internal: an error could not be written ({failure}): {error}"),
        })
    })
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
    handshake(&mut BufReader::new(read), &mut write, address, false).await
}

/// The first message (a window's Hello, or a second launch's Open) and the
/// tray process's answer, each side proving it knows the token.
async fn handshake<R, W>(
    read: &mut R,
    write: &mut W,
    address: &TrayAddress,
    window: bool,
) -> Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let nonce = auth::nonce();
    let proof = auth::proof(&address.token, auth::WINDOW, &nonce);
    let first = if window {
        ToTray::Hello {
            nonce: nonce.clone(),
            proof,
        }
    } else {
        ToTray::Open {
            nonce: nonce.clone(),
            proof,
        }
    };
    send(write, &first).await?;
    welcomed(read, address, &nonce).await
}

/// Waits for the tray process's answer to the first message, and checks
/// that it proves it knows the token.
async fn welcomed<R: AsyncBufRead + Unpin>(
    read: &mut R,
    address: &TrayAddress,
    nonce: &str,
) -> Result<()> {
    match tokio::time::timeout(HELLO_TIMEOUT, receive(read)).await {
        Ok(Ok(Some(ToWindow::Welcome { proof })))
            if proof
                .as_deref()
                .is_some_and(|p| auth::verify(&address.token, auth::TRAY, nonce, p)) =>
        {
            Ok(())
        }
        Ok(Ok(Some(ToWindow::Welcome { .. }))) => Err(Error::Runtime(format!(
            "the program answering on port {} did not prove that it is the BackupBridge tray \
             process, so nothing was sent to it ({} may be left from a tray process that \
             stopped). Quit BackupBridge from the tray, or end the backup-bridge-tray process, \
             and start it again",
            address.port,
            crate::address::ADDRESS_FILE_NAME
        ))),
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

mod auth;
mod tray;
mod window;

pub use tray::{listen, serve, CallFuture, TrayService, WindowChange, WindowLink};
pub use window::{FromTray, TrayClient};

#[cfg(test)]
mod tests;
