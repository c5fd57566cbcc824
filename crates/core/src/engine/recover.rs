//! Crash recovery (rule 9): intended ConnectWise calls whose outcome was never
//! confirmed are settled before a cycle plans anything.
//!
//! - a create is looked up by `externalXRef`: found -> recorded as the event's
//!   ticket; not found -> it never happened and the planner creates it again;
//! - a note is looked for on its ticket by its exact text;
//! - a PATCH or DELETE is idempotent: it is simply planned again.
//!
//! Nothing pending means no request at all.

use std::collections::BTreeSet;

use super::db;
use crate::cw::{CwClient, CwError};
use crate::store::ledger::{self, Intent, PendingIntent};
use crate::store::Store;
use crate::Error;

/// Settles pending intents. Returns the events whose create is still
/// unsettled (ConnectWise could not be asked): the executor looks those up by
/// `externalXRef` before creating.
pub(crate) async fn recover(
    cw: &CwClient,
    store: &Store,
    now: &str,
) -> Result<BTreeSet<String>, Error> {
    let pending = db(store, ledger::pending).await?;
    let mut unsettled = BTreeSet::new();
    for p in pending {
        match settle(cw, store, &p, now).await {
            Ok(()) => {}
            Err(Error::Cw(e)) if e.is_retryable() => {
                tracing::warn!(event = %p.event_id, "could not settle an unconfirmed call yet: {e}");
                if matches!(p.intent, Intent::Create { .. }) {
                    unsettled.insert(p.event_id.clone());
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(unsettled)
}

async fn settle(cw: &CwClient, store: &Store, p: &PendingIntent, now: &str) -> Result<(), Error> {
    let id = p.id;
    let now = now.to_owned();
    match &p.intent {
        Intent::Create { xref, ledger: row } => {
            let found = cw.find_tickets_by_xref(xref).await?;
            match found.iter().map(|t| t.id).min() {
                Some(ticket_id) => {
                    let mut entry = (**row).clone();
                    entry.ticket_id = ticket_id;
                    entry.last_action = Some("created (recovered)".to_owned());
                    let event_id = p.event_id.clone();
                    tracing::info!(event = %event_id, ticket_id, "recovered a ticket created before a crash");
                    db(store, move |c| {
                        let tx = c.unchecked_transaction()?;
                        // A ledger row may already exist (the planner re-created
                        // nothing yet); the recovered ticket is the event's ticket.
                        ledger::put(&tx, &entry)?;
                        ledger::resolve_creates(&tx, &event_id, &now)?;
                        tx.commit()
                    })
                    .await
                }
                None => {
                    db(store, move |c| {
                        ledger::finish(c, id, "failed", Some("not found by externalXRef"), &now)
                    })
                    .await
                }
            }
        }
        Intent::Note {
            ticket_id,
            text,
            effect,
        } => {
            let notes = match cw.notes(*ticket_id).await {
                Ok(n) => n,
                Err(CwError::NotFound { .. }) => Vec::new(),
                Err(e) => return Err(e.into()),
            };
            let wanted = normalise(text);
            let landed = notes.iter().any(|n| normalise(&n.text) == wanted);
            let (event_id, effect) = (p.event_id.clone(), effect.clone());
            db(store, move |c| {
                let tx = c.unchecked_transaction()?;
                if landed {
                    if let Some(mut entry) = ledger::get(&tx, &event_id)? {
                        ledger::apply_note_effect(&mut entry, &effect);
                        ledger::put(&tx, &entry)?;
                    }
                    ledger::finish(&tx, id, "resolved", None, &now)?;
                } else {
                    ledger::finish(&tx, id, "failed", Some("not found on the ticket"), &now)?;
                }
                tx.commit()
            })
            .await
        }
        Intent::Update { .. } => {
            db(store, move |c| {
                ledger::finish(c, id, "failed", Some("re-planned"), &now)
            })
            .await
        }
    }
}

/// Whitespace-insensitive form for comparing a note with what ConnectWise stored.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
