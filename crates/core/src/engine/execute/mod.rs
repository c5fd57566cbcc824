//! The executor: applies a plan's actions to ConnectWise with bounded
//! concurrency (one event's steps in order, several events at once).
//!
//! Every call is recorded in the outbox as intended before it is sent and
//! confirmed after, together with its effect on the ledger, in one
//! transaction. A create or note whose answer was lost or ambiguous (rule
//! 13: timeout, dropped connection, 5xx, 404) is looked up before it is sent
//! again: a create by `externalXRef` at once and in the next cycle, a note in
//! the next cycle ([`super::recover`]); a 404 on a PATCH marks the ticket
//! deleted only once a list query confirms it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use tokio::sync::OnceCell;

use super::plan::{Draft, EventPlan, Step};
use super::steps::new_ticket;
use super::template::{self, Template, TemplateSpec};
use super::{adopt, db, db_store, ActionLine};
use crate::cw::{CwClient, CwError};
use crate::store::ledger::{self, LedgerEntry};
use crate::store::outbox::{self, Intent, OutboxState};
use crate::store::settings;
use crate::store::Store;
use crate::Error;

mod update;

/// Why an action after a refused connection was not tried.
pub(crate) const NOT_ATTEMPTED: &str = "not attempted: ConnectWise refused the connection";

/// Shared state of one execution pass.
pub(crate) struct Executor {
    pub cw: CwClient,
    pub store: Store,
    pub now: String,
    pub spec: Result<TemplateSpec, String>,
    pub template: OnceCell<Result<Arc<Template>, String>>,
    /// Events with an earlier create whose outcome is unknown.
    pub unconfirmed: BTreeSet<String>,
    /// Events with an earlier call still unsettled, with why: nothing is
    /// sent for them this cycle (rule 16).
    pub held: BTreeMap<String, String>,
    /// The ledger may be missing rows (a recovered database): every create
    /// first looks for a ticket by `externalXRef`.
    pub look_up_every_create: bool,
    /// Set on an error that will fail every other call too (authentication).
    pub abort: AtomicBool,
}

/// What happened to one event's plan.
#[derive(Debug)]
pub(crate) struct ItemOutcome {
    pub event_id: String,
    pub company_id: String,
    pub lines: Vec<ActionLine>,
    pub error: Option<String>,
    /// The error is about the connection as a whole, not this event.
    pub fatal: bool,
}

impl Executor {
    /// An error refused the connection: nothing more is sent this cycle.
    pub fn aborted(&self) -> bool {
        self.abort.load(Ordering::SeqCst)
    }

    /// Applies every item, at most `concurrency` events at a time.
    pub async fn run(
        self: &Arc<Self>,
        items: Vec<EventPlan>,
        concurrency: usize,
    ) -> Vec<ItemOutcome> {
        stream::iter(items)
            .map(|item| {
                let this = Arc::clone(self);
                async move { this.apply(item).await }
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await
    }

    async fn apply(&self, item: EventPlan) -> ItemOutcome {
        let mut outcome = ItemOutcome {
            event_id: item.event_id.clone(),
            company_id: item.company_id.clone(),
            lines: Vec::new(),
            error: None,
            fatal: false,
        };
        if self.abort.load(Ordering::SeqCst) {
            outcome.error = Some(NOT_ATTEMPTED.to_owned());
            return outcome;
        }
        if let Some(reason) = self.held.get(&item.event_id) {
            outcome.error = Some(reason.clone());
            return outcome;
        }
        match self.apply_steps(&item, &mut outcome.lines).await {
            Ok(()) => {}
            Err(e) => {
                let fatal = matches!(
                    &e,
                    Error::Cw(
                        CwError::Auth { .. } | CwError::Config(_) | CwError::UnknownCompany(_)
                    )
                );
                if fatal {
                    self.abort.store(true, Ordering::SeqCst);
                }
                let message = e.to_string();
                let event_id = item.event_id.clone();
                let m = message.clone();
                // Best effort: the error is also in the run record.
                let _ = db(&self.store, move |c| {
                    ledger::set_error(c, &event_id, Some(&m))
                })
                .await;
                outcome.error = Some(message);
                outcome.fatal = fatal;
            }
        }
        outcome
    }

    async fn template(&self) -> Result<Arc<Template>, Error> {
        let result = self
            .template
            .get_or_init(|| async {
                let spec = self.spec.clone()?;
                let cached = db_store(&self.store, |s| settings::get(s, template::CACHE_KEY)).await;
                if let Ok(Some(text)) = cached {
                    if let Ok(cached) = serde_json::from_str::<Template>(&text) {
                        if cached.spec == spec {
                            return Ok(Arc::new(cached));
                        }
                    }
                }
                let resolved = template::resolve(&self.cw, &spec)
                    .await
                    .map_err(|e| e.to_string())?;
                if let Ok(text) = serde_json::to_string(&resolved) {
                    // A cache: failing to save it only costs lookups next cycle.
                    let _ = db_store(&self.store, move |s| {
                        settings::set(s, template::CACHE_KEY, &text)
                    })
                    .await;
                }
                Ok(Arc::new(resolved))
            })
            .await;
        result.clone().map_err(Error::Config)
    }

    /// A rejected field means the cached ids may be stale: resolve afresh next time.
    async fn forget_template_on(&self, e: &CwError) {
        if matches!(e, CwError::Validation { .. }) {
            let _ = db_store(&self.store, |s| settings::reset(s, template::CACHE_KEY)).await;
        }
    }

    async fn apply_steps(
        &self,
        item: &EventPlan,
        lines: &mut Vec<ActionLine>,
    ) -> Result<(), Error> {
        let mut current: Option<LedgerEntry> = match item.ticket_id {
            Some(_) => {
                let id = item.event_id.clone();
                db(&self.store, move |c| ledger::get(c, &id)).await?
            }
            None => None,
        };
        for step in &item.steps {
            let line = match step {
                Step::Create(draft) => {
                    let entry = self.create(item, draft).await?;
                    let line = ActionLine::new(
                        item,
                        Some(entry.ticket_id),
                        format!("created: {}", draft.summary),
                    );
                    current = Some(entry);
                    line
                }
                other => {
                    let Some(entry) = current.as_mut() else {
                        return Err(Error::Internal(format!(
                            "no ledger row for {} before {}",
                            item.event_id,
                            other.verb()
                        )));
                    };
                    self.update(item, entry, other).await?
                }
            };
            lines.push(line);
        }
        // Everything applied: the ledger now mirrors the event.
        let mut done = item.done.clone();
        if let Some(entry) = &current {
            done.ticket_id = entry.ticket_id;
        }
        if item.steps.is_empty() || !matches!(item.steps.first(), Some(Step::Create(_))) {
            db(&self.store, move |c| ledger::put(c, &done)).await?;
        }
        Ok(())
    }

    /// Rule 2 + 9: create, unless an earlier unconfirmed create already made it.
    async fn create(&self, item: &EventPlan, draft: &Draft) -> Result<LedgerEntry, Error> {
        if self.look_up_every_create || self.unconfirmed.contains(&item.event_id) {
            if let Some(entry) = self.adopt_existing(item, draft).await? {
                return Ok(entry);
            }
        }
        let template = self.template().await?;
        let ticket = new_ticket(&template, draft)?;
        let intent = Intent::Create {
            xref: draft.xref.clone(),
            cw_company_id: Some(draft.cw_company_id),
            ledger: Box::new(item.done.clone()),
        };
        let intent_id = self.intend(&item.event_id, &intent).await?;
        match self.cw.create_ticket(&ticket).await {
            Ok(created) => {
                let mut entry = item.done.clone();
                entry.ticket_id = created.id;
                self.confirm(
                    intent_id,
                    OutboxState::Done,
                    &item.event_id,
                    Some(&entry),
                    true,
                )
                .await?;
                Ok(entry)
            }
            Err(e) if e.may_have_committed() => {
                self.finish(intent_id, OutboxState::Unknown, Some(&e.to_string()))
                    .await?;
                // Rules 9 and 13: the server may have committed it; look
                // before anyone creates again.
                if let Ok(Some(entry)) = self.adopt_existing(item, draft).await {
                    return Ok(entry);
                }
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

    /// Looks a ticket up by `externalXRef` and, when one is exactly ours
    /// (rule 14), records it as this event's ticket (resolving every
    /// unconfirmed create of the event).
    async fn adopt_existing(
        &self,
        item: &EventPlan,
        draft: &Draft,
    ) -> Result<Option<LedgerEntry>, Error> {
        let found = self.cw.find_tickets_by_xref(&draft.xref).await?;
        let Some(ticket_id) = adopt::ours(&found, &draft.xref, Some(draft.cw_company_id)) else {
            return Ok(None);
        };
        let mut entry = item.done.clone();
        entry.ticket_id = ticket_id;
        entry.last_action = Some("created (recovered)".to_owned());
        adopt::record(&self.store, entry.clone(), &self.now).await?;
        Ok(Some(entry))
    }

    async fn intend(&self, event_id: &str, intent: &Intent) -> Result<i64, Error> {
        let (event_id, intent, now) = (event_id.to_owned(), intent.clone(), self.now.clone());
        db(&self.store, move |c| {
            outbox::intend(c, &event_id, &intent, &now)
        })
        .await
    }

    async fn finish(&self, id: i64, state: OutboxState, error: Option<&str>) -> Result<(), Error> {
        let (error, now) = (error.map(str::to_owned), self.now.clone());
        db(&self.store, move |c| {
            outbox::finish(c, id, state, error.as_deref(), &now)
        })
        .await
    }

    /// Confirms an outbox row and writes its ledger effect in one transaction.
    async fn confirm(
        &self,
        id: i64,
        state: OutboxState,
        event_id: &str,
        entry: Option<&LedgerEntry>,
        resolve_creates: bool,
    ) -> Result<(), Error> {
        let (entry, now, event_id) = (entry.cloned(), self.now.clone(), event_id.to_owned());
        db(&self.store, move |c| {
            let tx = c.unchecked_transaction()?;
            if let Some(e) = &entry {
                ledger::put(&tx, e)?;
            }
            outbox::finish(&tx, id, state, None, &now)?;
            if resolve_creates {
                outbox::resolve_creates(&tx, &event_id, &now)?;
            }
            tx.commit()
        })
        .await
    }
}
