//! When the `sync` loop (and the demo) is asked to stop: Ctrl-C, and on Unix
//! SIGTERM, what `systemctl stop` sends a service. Either way the cycle in
//! flight finishes and the process exits 0.

use std::future::Future;

/// Resolves at the first Ctrl-C or SIGTERM. The SIGTERM handler is installed
/// when this is called, not when it is first polled, so no stop is lost in
/// between. A handler that cannot be installed leaves that signal's default
/// (the process ends) rather than stopping at once.
pub fn requested() -> impl Future<Output = ()> {
    let terminate = sigterm::received();
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    async move {
        tokio::select! {
            () = interrupt => {}
            () = terminate => {}
        }
    }
}

#[cfg(unix)]
mod sigterm {
    use std::future::Future;

    use tokio::signal::unix::{signal, SignalKind};

    /// Resolves at SIGTERM.
    pub fn received() -> impl Future<Output = ()> {
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
}

#[cfg(not(unix))]
mod sigterm {
    use std::future::Future;

    /// No SIGTERM here: never resolves.
    pub fn received() -> impl Future<Output = ()> {
        std::future::pending()
    }
}
