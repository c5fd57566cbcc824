//! Serving plumbing shared by both simulators: a TCP listener whose
//! connections a handler can kill (to drop a connection after committing a
//! create without sending a response), and a server handle with shutdown.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use axum::Router;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long `shutdown` waits for in-flight requests before abandoning them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A TCP listener handing out killable streams.
pub(crate) struct SimListener(TcpListener);

impl axum::serve::Listener for SimListener {
    type Io = SimStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    // Latency matters more than throughput for a test server.
                    let _ = stream.set_nodelay(true);
                    let io = SimStream {
                        inner: stream,
                        killed: Arc::new(AtomicBool::new(false)),
                    };
                    return (io, addr);
                }
                // Out of file descriptors and the like: back off and retry,
                // as axum's own listener does.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A TCP stream that stops reading and refuses every write once killed, so
/// hyper abandons the connection without sending a single response byte.
pub(crate) struct SimStream {
    inner: TcpStream,
    killed: Arc<AtomicBool>,
}

impl SimStream {
    fn is_killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }
}

fn killed_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by the simulator",
    )
}

impl AsyncRead for SimStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for SimStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Per-connection handle given to handlers as `ConnectInfo<ConnHandle>`.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    killed: Arc<AtomicBool>,
}

impl ConnHandle {
    /// Makes the connection fail its next read or write: whatever the handler
    /// returns is never sent and the socket is closed.
    pub(crate) fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, SimListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, SimListener>) -> Self {
        ConnHandle {
            killed: stream.io().killed.clone(),
        }
    }
}

/// A running server: its address, task and shutdown signal.
#[derive(Debug)]
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    task: Option<JoinHandle<()>>,
    shutdown: watch::Sender<bool>,
}

impl Server {
    /// Binds `host:port` (port 0 = any free port); serve it with [`Server::serve`].
    pub(crate) async fn bind(host: &str, port: u16) -> io::Result<TcpListener> {
        TcpListener::bind((host, port)).await
    }

    /// Serves `router` on `listener`. `shutdown` is the sender whose
    /// receivers the router's state holds (hung requests wait on them).
    pub(crate) fn serve(
        listener: TcpListener,
        router: Router,
        shutdown: watch::Sender<bool>,
    ) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let mut rx = shutdown.subscribe();
        let service = router.into_make_service_with_connect_info::<ConnHandle>();
        let task = tokio::spawn(async move {
            let server =
                axum::serve(SimListener(listener), service).with_graceful_shutdown(async move {
                    let _ = rx.wait_for(|stopped| *stopped).await;
                });
            if let Err(e) = server.await {
                tracing::warn!("simulator server stopped: {e}");
            }
        });
        Ok(Server {
            addr,
            task: Some(task),
            shutdown,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Signals shutdown (hung requests are released), waits a little for
    /// in-flight requests, then abandons the rest.
    pub(crate) async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in
/// any case), as the platform simulators read it.
pub(crate) fn bearer_token(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
}

/// The `.issued` and `.expires` fields of an OAuth-style token answer
/// (MSP360, VSPC): now and `lifetime` seconds on, as HTTP dates.
pub(crate) fn token_times(lifetime: u64) -> (String, String) {
    let issued = chrono::Utc::now();
    let expires = issued + chrono::Duration::seconds(i64::try_from(lifetime).unwrap_or(0));
    let http_date = "%a, %d %b %Y %H:%M:%S GMT";
    (
        issued.format(http_date).to_string(),
        expires.format(http_date).to_string(),
    )
}
