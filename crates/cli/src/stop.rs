//! When the `sync` loop (and the demo) is asked to stop: Ctrl-C, and on Unix
//! SIGTERM, what `systemctl stop` sends a service. Either way the cycle in
//! flight finishes and the process exits 0.

use std::future::Future;

/// Resolves at the first Ctrl-C or SIGTERM. The SIGTERM handler is installed
/// when this is called, not when it is first polled, so no stop is lost in
/// between. A handler that cannot be installed leaves that signal's default
/// (the process ends) rather than stopping at once.
pub fn requested() -> impl Future<Output = ()> {
    let terminate = crate::platform::sigterm_received();
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
