//! What one planned step becomes, without I/O: the ticket a create sends,
//! the outbox intent and PATCH operations of an update, the words its action
//! line uses, and the change a confirmed step makes to the ledger row.

use serde_json::json;

use super::plan::{Draft, Step};
use super::template::Template;
use crate::cw::{IdRef, NewTicket, PatchOp};
use crate::store::ledger::{self, LedgerEntry, TicketState};
use crate::store::outbox::Intent;
use crate::Error;

/// What an update step changes, for the action line (e.g. `status ">Closed"`).
pub(crate) fn update_detail(step: &Step, template: Option<&Template>) -> String {
    match (step, template) {
        (Step::Close, Some(t)) => format!("status \"{}\"", t.status_closed.name),
        (Step::Reopen, Some(t)) => format!("status \"{}\"", t.status_new.name),
        (Step::Patch { summary, priority }, _) => {
            let mut fields = Vec::new();
            if let Some(s) = summary {
                fields.push(format!("summary \"{s}\""));
            }
            if let Some(p) = priority {
                fields.push(format!("priority \"{p}\""));
            }
            fields.join(", ")
        }
        _ => "ticket".to_owned(),
    }
}

pub(crate) fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut short: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        short.push('…');
    }
    short
}

/// The ledger change a confirmed step makes.
pub(crate) fn apply_effect(entry: &mut LedgerEntry, step: &Step, now: &str) {
    match step {
        Step::Note { effect, .. } => ledger::apply_note_effect(entry, effect),
        Step::Patch { summary, priority } => {
            if let Some(s) = summary {
                entry.summary = s.clone();
            }
            if let Some(p) = priority {
                entry.priority = Some(p.clone());
            }
        }
        Step::Close => entry.state = TicketState::Closed,
        Step::Reopen => entry.state = TicketState::Open,
        Step::Delete => entry.state = TicketState::Deleted,
        Step::Create(_) => {}
    }
    entry.last_action = Some(step.verb().to_owned());
    entry.last_error = None;
    entry.updated_at = now.to_owned();
}

pub(crate) fn new_ticket(template: &Template, draft: &Draft) -> Result<NewTicket, Error> {
    let priority =
        match &draft.priority {
            Some(name) => Some(IdRef {
                id: template.priorities.get(name).copied().ok_or_else(|| {
                    Error::Config(format!("the priority \"{name}\" is not resolved"))
                })?,
            }),
            None => None,
        };
    Ok(NewTicket {
        summary: draft.summary.clone(),
        board: IdRef {
            id: template.board.id,
        },
        company: IdRef {
            id: draft.cw_company_id,
        },
        status: template.status_new_explicit.then_some(IdRef {
            id: template.status_new.id,
        }),
        priority,
        agreement: draft.agreement.as_ref().map(|(id, _)| IdRef { id: *id }),
        type_: template.ticket_type.as_ref().map(|r| IdRef { id: r.id }),
        sub_type: template.subtype.as_ref().map(|r| IdRef { id: r.id }),
        item: template.item.as_ref().map(|r| IdRef { id: r.id }),
        external_x_ref: draft.xref.clone(),
        initial_description: draft.description.clone(),
    })
}

/// The outbox intent of an update step, and its action line's detail.
pub(crate) fn update_intent(
    step: &Step,
    ticket_id: i64,
    template: Option<&Template>,
) -> (Intent, String) {
    match step {
        Step::Note { text, effect, .. } => (
            Intent::Note {
                ticket_id,
                text: text.clone(),
                effect: effect.clone(),
            },
            first_line(text),
        ),
        other => (
            Intent::Update {
                ticket_id,
                what: other.verb().to_owned(),
            },
            update_detail(other, template),
        ),
    }
}

/// The PATCH operations of a `Patch`, `Close` or `Reopen` step.
pub(crate) fn patch_ops(step: &Step, template: Option<&Template>) -> Result<Vec<PatchOp>, Error> {
    match step {
        Step::Patch { summary, priority } => {
            let mut ops = Vec::new();
            if let Some(s) = summary {
                ops.push(PatchOp::replace("summary", json!(s)));
            }
            if let (Some(p), Some(t)) = (priority, template) {
                let id = t.priorities.get(p).copied().ok_or_else(|| {
                    Error::Config(format!("the priority \"{p}\" is not resolved"))
                })?;
                ops.push(PatchOp::replace("priority", json!({ "id": id })));
            }
            Ok(ops)
        }
        _ => {
            let status = match (step, template) {
                (Step::Close, Some(t)) => t.status_closed.id,
                (_, Some(t)) => t.status_new.id,
                _ => {
                    return Err(Error::Internal(
                        "the ticket template was not loaded before a status change".to_owned(),
                    ))
                }
            };
            Ok(vec![PatchOp::replace("status", json!({ "id": status }))])
        }
    }
}
