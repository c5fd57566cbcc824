use std::future::Future;

use tokio::signal::unix::{signal, SignalKind};

/// Resolves at SIGTERM. The handler is installed when this is called, not
/// when the future is first polled, so no signal is lost in between; one
/// that cannot be installed leaves SIGTERM's default (the process ends).
pub fn sigterm_received() -> impl Future<Output = ()> {
    let stream = signal(SignalKind::terminate());
    async move {
        match stream {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    }
}
