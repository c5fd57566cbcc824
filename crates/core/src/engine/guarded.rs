//! One sync cycle run so that a bug cannot take its caller down: the cycle
//! runs in its own task, and a panic inside it becomes a failed, retryable
//! cycle ([`Error::Internal`]) with one sentence saying so. The scheduler's
//! loop and `backup-bridge sync --once` both run their cycles this way, so
//! the tray keeps its schedule and the CLI exits 1 with a message instead of
//! aborting.

use std::any::Any;
use std::sync::Arc;

use super::{db_store, ActionLine, Engine, RunReport};
use crate::store::runs;
use crate::Error;

/// Longest panic text quoted in the error.
const MAX_PANIC_TEXT_CHARS: usize = 300;

/// Where a guarded cycle sends each action as it is done.
pub type SharedSink = Arc<dyn Fn(ActionLine) + Send + Sync>;

impl Engine {
    /// One sync cycle ([`Engine::run_cycle`], or [`Engine::run_cycle_with`]
    /// when `on_action` is given) in its own task. A panic in the cycle is
    /// returned as [`Error::Internal`], and the run it left open is closed
    /// with that sentence.
    pub async fn run_cycle_guarded(
        self: &Arc<Self>,
        dry_run: bool,
        on_action: Option<SharedSink>,
    ) -> Result<RunReport, Error> {
        let engine = Arc::clone(self);
        let cycle = tokio::spawn(async move {
            match on_action {
                Some(sink) => engine.run_cycle_with(dry_run, sink.as_ref()).await,
                None => engine.run_cycle(dry_run).await,
            }
        });
        let failure = match cycle.await {
            Ok(result) => return result,
            Err(e) if e.is_panic() => cycle_failed(&panic_text(e.into_panic().as_ref())),
            Err(e) => cycle_failed(&e.to_string()),
        };
        tracing::error!("{failure}");
        let message = failure.to_string();
        if let Err(e) = db_store(&self.store, move |s| runs::close_unfinished(s, &message)).await {
            tracing::warn!("cannot record the failed run: {e}");
        }
        Err(failure)
    }
}

/// The error of a cycle that ended on a bug.
fn cycle_failed(what: &str) -> Error {
    Error::Internal(format!(
        "the sync cycle failed unexpectedly (internal error: {what}); it will be tried \
         again, and if this keeps happening please report it with the log file"
    ))
}

/// The text a panic was raised with.
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned());
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(MAX_PANIC_TEXT_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_payloads_become_one_line() {
        assert_eq!(panic_text(&"boom"), "boom");
        assert_eq!(panic_text(&String::from("a\nb")), "a b");
        assert_eq!(panic_text(&42_u8), "a panic without a message");
        let e = cycle_failed("boom");
        assert!(e.is_retryable());
        assert_eq!(e.kind(), "internal");
        assert!(
            e.to_string().starts_with(
                "the sync cycle failed unexpectedly (internal error: boom); it will be tried again"
            ),
            "{e}"
        );
    }
}
