//! Updating an existing ticket: one note, PATCH, close, reopen or delete
//! step sent to ConnectWise with its outbox intent, and a 404 settled by a
//! list query before the ticket is called gone (rule 13).

use super::Executor;
use crate::cw::{CwError, NewNote};
use crate::engine::plan::{EventPlan, Step};
use crate::engine::recover;
use crate::engine::steps::{apply_effect, patch_ops, update_intent};
use crate::engine::template::Template;
use crate::engine::ActionLine;
use crate::store::ledger::{LedgerEntry, TicketState};
use crate::store::outbox::OutboxState;
use crate::Error;

impl Executor {
    /// Applies one update step to the event's ticket and records its outcome.
    pub(super) async fn update(
        &self,
        item: &EventPlan,
        entry: &mut LedgerEntry,
        step: &Step,
    ) -> Result<ActionLine, Error> {
        let ticket_id = entry.ticket_id;
        let template = match step {
            Step::Note { .. } | Step::Delete => None,
            _ => Some(self.template().await?),
        };
        let (intent, text) = update_intent(step, ticket_id, template.as_deref());
        let intent_id = self.intend(&item.event_id, &intent).await?;
        let result = self.send(step, ticket_id, template.as_deref()).await?;
        match result {
            Ok(()) => {
                apply_effect(entry, step, &self.now);
                self.confirm(
                    intent_id,
                    OutboxState::Done,
                    &item.event_id,
                    Some(entry),
                    false,
                )
                .await?;
                Ok(ActionLine::new(
                    item,
                    Some(ticket_id),
                    format!("{}: {text}", step.verb()),
                ))
            }
            Err(e @ CwError::NotFound { .. }) => {
                self.settle_not_found(item, entry, step, intent_id, e).await
            }
            // Rule 13: a note may have landed; the next cycle looks for it
            // before anything is sent again.
            Err(e) if e.may_have_committed() && matches!(step, Step::Note { .. }) => {
                self.finish(intent_id, OutboxState::Unknown, Some(&e.to_string()))
                    .await?;
                Err(e.into())
            }
            Err(e) => {
                self.finish(intent_id, OutboxState::Failed, Some(&e.to_string()))
                    .await?;
                self.forget_template_on(&e).await;
                Err(e.into())
            }
        }
    }

    /// Sends an update step to ConnectWise. The outer `Err` is a fault of
    /// ours found before anything was sent; the inner result is the call's.
    async fn send(
        &self,
        step: &Step,
        ticket_id: i64,
        template: Option<&Template>,
    ) -> Result<Result<(), CwError>, Error> {
        Ok(match step {
            Step::Note {
                text, resolution, ..
            } => {
                let note = if *resolution {
                    NewNote::resolution(text.clone())
                } else {
                    NewNote::discussion(text.clone())
                };
                self.cw.add_note(ticket_id, &note).await.map(|_| ())
            }
            Step::Patch { .. } | Step::Close | Step::Reopen => {
                let ops = patch_ops(step, template)?;
                self.cw.patch_ticket(ticket_id, &ops).await.map(|_| ())
            }
            Step::Delete => match self.cw.delete_ticket(ticket_id).await {
                // Already gone is what we wanted.
                Err(CwError::NotFound { .. }) => Ok(()),
                other => other,
            },
            Step::Create(_) => Ok(()),
        })
    }

    /// Settles an update that ConnectWise answered with 404.
    async fn settle_not_found(
        &self,
        item: &EventPlan,
        entry: &mut LedgerEntry,
        step: &Step,
        intent_id: i64,
        e: CwError,
    ) -> Result<ActionLine, Error> {
        let ticket_id = entry.ticket_id;
        // Rule 13: only a list query that comes back empty says the
        // ticket is gone (on cloud a 404 may be a sign-in problem).
        let gone = recover::ticket_gone(&self.cw, ticket_id).await;
        if matches!(gone, Ok(true)) {
            // A technician deleted the ticket: the event is ticketed anew next cycle.
            entry.state = TicketState::Deleted;
            let msg = format!(
                "ticket #{ticket_id} no longer exists in ConnectWise; a new ticket will be created next cycle"
            );
            entry.last_error = Some(msg.clone());
            self.confirm(
                intent_id,
                OutboxState::Failed,
                &item.event_id,
                Some(entry),
                false,
            )
            .await?;
            return Err(Error::NotFound(msg));
        }
        // Still there (or unknown): a note may have landed after
        // all, and is looked for next cycle; a PATCH is planned again.
        let state = if matches!(step, Step::Note { .. }) {
            OutboxState::Unknown
        } else {
            OutboxState::Failed
        };
        self.finish(intent_id, state, Some(&e.to_string())).await?;
        Err(match gone {
            Err(lookup) => lookup.into(),
            Ok(_) => Error::Cw(e),
        })
    }
}
