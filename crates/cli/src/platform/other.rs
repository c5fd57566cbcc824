use std::future::Future;

/// No SIGTERM here: never resolves.
pub fn sigterm_received() -> impl Future<Output = ()> {
    std::future::pending()
}
