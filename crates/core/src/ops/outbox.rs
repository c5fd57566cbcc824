//! What needs a person: ConnectWise calls that could not be settled (rule
//! 16) and removals the guard holds back (rule 15), and the two ways a
//! person answers them: forget an intent, confirm the removals.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::engine::{db, db_store, guarded_removals, plan::GuardedRemovals, Engine};
use crate::store::outbox::{self, PendingIntent};
use crate::Error;

/// An unsettled ConnectWise call, as `status` and the Activity screen show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StuckIntent {
    /// The outbox id (`backup-bridge outbox forget ID`).
    pub id: i64,
    pub event_id: String,
    /// What the call was, e.g. "add a note to ticket #1002".
    pub what: String,
    /// Why it could not be settled.
    pub error: Option<String>,
    /// When it was intended (RFC 3339).
    pub since: String,
    /// The event's company and ticket summary, when the ledger has the
    /// event ("Acme Corp · Error: ACME-DC01 - Nightly").
    pub context: Option<String>,
}

impl From<PendingIntent> for StuckIntent {
    fn from(p: PendingIntent) -> Self {
        StuckIntent {
            what: p.describe(),
            id: p.id,
            event_id: p.event_id,
            error: p.error,
            since: p.created_at,
            context: None,
        }
    }
}

/// What waits for a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attention {
    /// Stuck intents, oldest first (rule 16).
    pub stuck: Vec<StuckIntent>,
    /// Removals the guard holds back (rule 15).
    pub guarded_removals: Option<GuardedRemovals>,
}

/// What waits for a person now.
pub async fn attention(engine: &Engine) -> Result<Attention, Error> {
    let stuck = db(engine.store(), |c| {
        let mut context = c.prepare_cached(
            "SELECT COALESCE(c.name, l.company_id) || ' · ' || l.summary \
             FROM ledger l LEFT JOIN companies c ON c.id = l.company_id WHERE l.event_id = ?1",
        )?;
        outbox::stuck(c)?
            .into_iter()
            .map(|p| {
                let text = context.query_row([&p.event_id], |r| r.get(0)).optional()?;
                Ok(StuckIntent {
                    context: text,
                    ..StuckIntent::from(p)
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()
    })
    .await?;
    let guarded = db_store(engine.store(), guarded_removals).await?;
    Ok(Attention {
        stuck,
        guarded_removals: guarded,
    })
}

/// Drops an unsettled intent (rule 16): its event is planned afresh next
/// cycle. Taken under the writer lock, so no cycle is settling it meanwhile.
pub async fn forget_intent(engine: &Engine, id: i64) -> Result<StuckIntent, Error> {
    let _lock = engine.writer_lock().await?;
    let now = crate::engine::now_text();
    let forgotten = db(engine.store(), move |c| outbox::forget(c, id, &now)).await?;
    match forgotten {
        Some(p) => {
            tracing::info!(intent = id, event = %p.event_id, "an unsettled ConnectWise call was forgotten");
            Ok(StuckIntent::from(p))
        }
        None => Err(Error::Invalid(format!(
            "no unsettled ConnectWise call has the id {id}; `backup-bridge status` lists the \
             stuck ones with their ids"
        ))),
    }
}

/// `db recover` / *Recover* in the app: moves the damaged database aside and
/// keeps what can be read ([`crate::store::recover_damaged`]), under the
/// data folder's writer lock (rule 12), so never while another process
/// syncs from it. Blocking.
pub fn recover_database(data_dir: &std::path::Path) -> Result<crate::store::RecoveryReport, Error> {
    let _lock = crate::store::lock::lock_blocking(data_dir, crate::store::lock::WRITER_WAIT)?;
    Ok(crate::store::recover_damaged(&crate::store::db_path(
        data_dir,
    ))?)
}
