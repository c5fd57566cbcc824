//! Crash recovery (rules 9, 13, 16): intended ConnectWise calls whose
//! outcome was never confirmed are settled before a cycle plans anything.
//! It runs under the data folder's writer lock (rule 12), so no live process
//! can still be sending any of them.
//!
//! - a create is looked up by `externalXRef`: a ticket that is exactly ours
//!   (rule 14) is recorded as the event's ticket; none -> it never happened
//!   and the planner creates it again;
//! - a note is looked for on its ticket: a detail note by its first line,
//!   which names the detail id; any other note by its text. A 404 there is
//!   checked with a list query before the ticket counts as deleted;
//! - a PATCH or DELETE is idempotent: it is simply planned again.
//!
//! One intent that cannot be settled (403, 400, an unreadable answer) is
//! marked stuck with its error and skipped: the rest of the cycle runs, and
//! it is tried again next cycle until it settles or a person forgets it
//! (`backup-bridge outbox forget`). Until then its event gets nothing new:
//! a note sent again might land twice. Nothing pending means no request.

use std::collections::{BTreeMap, BTreeSet};

use super::{adopt, db};
use crate::cw::{CwClient, CwError, Note};
use crate::store::ledger::{self, NoteLedgerEffect, TicketState};
use crate::store::outbox::{self, Intent, OutboxState, PendingIntent};
use crate::store::Store;
use crate::Error;

/// What is still unsettled after [`recover`].
#[derive(Debug, Default)]
pub(crate) struct Recovered {
    /// Events with a create whose outcome is unknown: the executor looks
    /// them up by `externalXRef` before creating.
    pub creates: BTreeSet<String>,
    /// Events with an unsettled note (or an unreadable intent), with why:
    /// nothing is sent for them this cycle.
    pub held: BTreeMap<String, String>,
}

impl Recovered {
    /// Nothing is left unsettled.
    pub fn settled(&self) -> bool {
        self.creates.is_empty() && self.held.is_empty()
    }
}

/// Settles pending intents; see the module doc.
pub(crate) async fn recover(cw: &CwClient, store: &Store, now: &str) -> Result<Recovered, Error> {
    let pending = db(store, outbox::pending).await?;
    let mut out = Recovered::default();
    for p in pending {
        let Some(intent) = &p.intent else {
            let reason = "its record in the database cannot be read".to_owned();
            mark_stuck(store, &p, &reason, now).await?;
            out.held
                .insert(p.event_id.clone(), held_reason(&p, &reason));
            continue;
        };
        let error = match settle(cw, store, &p, intent, now).await {
            Ok(()) => continue,
            Err(e) if about_the_connection(&e) => return Err(e),
            Err(e) => e,
        };
        let reason = error.to_string();
        if error.is_retryable() {
            tracing::warn!(intent = p.id, event = %p.event_id, "could not settle an unconfirmed call yet: {reason}");
        } else {
            // Rule 16: this one intent is stuck; the others go on.
            tracing::warn!(intent = p.id, event = %p.event_id, "an unconfirmed call is stuck: {reason}");
            mark_stuck(store, &p, &reason, now).await?;
        }
        match intent {
            Intent::Create { .. } => {
                out.creates.insert(p.event_id.clone());
            }
            Intent::Note { .. } | Intent::Update { .. } => {
                out.held
                    .insert(p.event_id.clone(), held_reason(&p, &reason));
            }
        }
    }
    Ok(out)
}

/// Errors that fail every call alike (the sign-in, the site, the database):
/// they fail the cycle, as they would have failed its first action.
fn about_the_connection(e: &Error) -> bool {
    match e {
        Error::Cw(e) => matches!(
            e,
            CwError::Auth { .. } | CwError::Config(_) | CwError::UnknownCompany(_)
        ),
        Error::Store(_) | Error::Locked(_) => true,
        _ => false,
    }
}

/// Why an event gets nothing this cycle.
fn held_reason(p: &PendingIntent, error: &str) -> String {
    format!(
        "an earlier call ({}) is not settled yet: {}; nothing more is sent for this event \
         until it is (`backup-bridge status` lists it as intent {}, and `backup-bridge outbox \
         forget {}` drops it)",
        p.describe(),
        error.trim_end_matches('.'),
        p.id,
        p.id
    )
}

async fn mark_stuck(store: &Store, p: &PendingIntent, error: &str, now: &str) -> Result<(), Error> {
    let (id, error, now) = (p.id, error.to_owned(), now.to_owned());
    db(store, move |c| {
        outbox::finish(c, id, OutboxState::Stuck, Some(&error), &now)
    })
    .await
}

async fn settle(
    cw: &CwClient,
    store: &Store,
    p: &PendingIntent,
    intent: &Intent,
    now: &str,
) -> Result<(), Error> {
    let id = p.id;
    let finish = |state: OutboxState, why: &'static str| {
        let now = now.to_owned();
        db(store, move |c| {
            outbox::finish(c, id, state, Some(why), &now)
        })
    };
    match intent {
        Intent::Create {
            xref,
            cw_company_id,
            ledger: row,
        } => {
            let found = cw.find_tickets_by_xref(xref).await?;
            match adopt::ours(&found, xref, *cw_company_id) {
                Some(ticket_id) => {
                    let mut entry = (**row).clone();
                    entry.ticket_id = ticket_id;
                    entry.last_action = Some("created (recovered)".to_owned());
                    tracing::info!(event = %p.event_id, ticket_id, "recovered a ticket whose create was not confirmed");
                    // A ledger row may already exist (the planner re-created
                    // nothing yet); the recovered ticket is the event's ticket.
                    adopt::record(store, entry, now).await
                }
                None => finish(OutboxState::Failed, "not found by externalXRef").await,
            }
        }
        Intent::Note {
            ticket_id,
            text,
            effect,
        } => {
            let notes = match cw.notes(*ticket_id).await {
                Ok(notes) => notes,
                Err(CwError::NotFound { message }) => {
                    // Rule 13: on cloud a 404 may be a sign-in or scope
                    // problem; only a list query that comes back empty
                    // says the ticket is gone.
                    if !ticket_gone(cw, *ticket_id).await? {
                        return Err(CwError::NotFound { message }.into());
                    }
                    return ticket_deleted(store, p, *ticket_id, now).await;
                }
                Err(e) => return Err(e.into()),
            };
            if !note_landed(text, effect, &notes) {
                return finish(OutboxState::Failed, "not found on the ticket").await;
            }
            let (event_id, effect, now) = (p.event_id.clone(), effect.clone(), now.to_owned());
            db(store, move |c| {
                let tx = c.unchecked_transaction()?;
                if let Some(mut entry) = ledger::get(&tx, &event_id)? {
                    ledger::apply_note_effect(&mut entry, &effect);
                    ledger::put(&tx, &entry)?;
                }
                outbox::finish(&tx, id, OutboxState::Resolved, None, &now)?;
                tx.commit()
            })
            .await
        }
        Intent::Update { .. } => finish(OutboxState::Failed, "re-planned").await,
    }
}

/// Whether ConnectWise's ticket list confirms that `ticket_id` no longer exists.
pub(crate) async fn ticket_gone(cw: &CwClient, ticket_id: i64) -> Result<bool, CwError> {
    Ok(cw.tickets_by_ids(&[ticket_id]).await?.is_empty())
}

/// The ticket was deleted in ConnectWise: its event is ticketed anew.
async fn ticket_deleted(
    store: &Store,
    p: &PendingIntent,
    ticket_id: i64,
    now: &str,
) -> Result<(), Error> {
    let (id, event_id, now) = (p.id, p.event_id.clone(), now.to_owned());
    tracing::info!(event = %event_id, ticket_id, "the ticket of an unconfirmed note no longer exists");
    db(store, move |c| {
        let tx = c.unchecked_transaction()?;
        if let Some(mut entry) = ledger::get(&tx, &event_id)? {
            if entry.ticket_id == ticket_id {
                entry.state = TicketState::Deleted;
                entry.last_error = Some(format!(
                    "ticket #{ticket_id} no longer exists in ConnectWise; a new ticket is created"
                ));
                ledger::put(&tx, &entry)?;
            }
        }
        outbox::finish(
            &tx,
            id,
            OutboxState::Failed,
            Some("the ticket no longer exists"),
            &now,
        )?;
        tx.commit()
    })
    .await
}

/// Whether the note `text` is on the ticket. A detail note is recognised by
/// its first line, which names the detail id (rule 13; ConnectWise may store
/// the rest with its line breaks flattened); any other note by its whole
/// text, whitespace aside.
fn note_landed(text: &str, effect: &NoteLedgerEffect, notes: &[Note]) -> bool {
    let wanted = match effect {
        NoteLedgerEffect::Detail(_) => normalise(text.lines().next().unwrap_or_default()),
        _ => normalise(text),
    };
    let detail = matches!(effect, NoteLedgerEffect::Detail(_));
    notes.iter().any(|n| {
        let stored = normalise(&n.text);
        if detail {
            stored.starts_with(&wanted)
        } else {
            stored == wanted
        }
    })
}

/// Whitespace-insensitive form for comparing a note with what ConnectWise stored.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(text: &str) -> Note {
        serde_json::from_value(serde_json::json!({ "id": 1, "text": text })).unwrap()
    }

    #[test]
    fn a_detail_note_is_recognised_by_its_first_line() {
        let sent =
            "Detail d-1 · FileLevelErrorDetails · 2026-11-20T02:13:00Z\nC:\\q3.xlsx: locked\n";
        let effect = NoteLedgerEffect::Detail("d-1".into());
        // Stored with its line break flattened and a trailing space trimmed.
        let flattened =
            note("Detail d-1 · FileLevelErrorDetails · 2026-11-20T02:13:00Z C:\\q3.xlsx: locked");
        assert!(note_landed(sent, &effect, &[flattened]));
        // Stored with its text cut or re-encoded: the first line still tells.
        let altered =
            note("Detail d-1 · FileLevelErrorDetails · 2026-11-20T02:13:00Z\nC:\\q3.xlsx: lock…");
        assert!(note_landed(sent, &effect, &[altered]));
        let other = note("Detail d-10 · FileLevelErrorDetails · 2026-11-20T02:13:00Z\nx");
        assert!(!note_landed(sent, &effect, &[other]));
    }

    #[test]
    fn other_notes_are_recognised_by_their_whole_text() {
        let effect = NoteLedgerEffect::None;
        assert!(note_landed(
            "Failed -> Warning:  retrying",
            &effect,
            &[note("Failed -> Warning: retrying")]
        ));
        assert!(!note_landed(
            "Failed -> Warning: retrying",
            &effect,
            &[note("Failed -> Warning: retrying later")]
        ));
    }
}
