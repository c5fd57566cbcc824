//! Store calls from async code: each runs on the blocking pool, so a slow
//! disk (or a `synchronous=FULL` commit) never stalls the runtime.

use crate::store::{Store, StoreError};
use crate::Error;

/// Runs a blocking store call off the async runtime.
pub(crate) async fn db<T, F>(store: &Store, f: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || store.with_conn(f))
        .await
        .map_err(|e| Error::Internal(format!("a database task failed: {e}")))?
        .map_err(Error::from)
}

/// Runs a blocking store operation off the async runtime.
pub(crate) async fn db_store<T, F>(store: &Store, f: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| Error::Internal(format!("a database task failed: {e}")))?
        .map_err(Error::from)
}
