//! Ticket and note endpoints.
//!
//! `create_ticket` and `add_note` are sent once, and again only after a 429
//! (a throttled request was not processed). POST is not idempotent: a
//! `may_have_committed` error means: look the ticket up by `externalXRef`
//! before creating again. Reads, PATCH and DELETE may be retried.

use reqwest::Method;
use serde_json::Value;

use super::error::CwError;
use super::http::MAX_URL_CHARS;
use super::request::Request;
use super::setup::PAGING_RESERVE;
use super::text::{clamp_external_xref, truncate_summary};
use super::types::{Count, NewNote, NewNoteWire, NewTicket, NewTicketWire, Note, PatchOp, Ticket};
use super::CwClient;
use crate::conditions::quote_string as quote;

impl CwClient {
    /// Creates a ticket (never retried). Summary and `externalXRef` are cleaned to ConnectWise's limits.
    pub async fn create_ticket(&self, t: &NewTicket) -> Result<Ticket, CwError> {
        let req =
            Request::new(Method::POST, "service/tickets").json(&NewTicketWire::from_ticket(t))?;
        self.fetch(&req, "created ticket").await
    }

    /// One ticket by id (`NotFound` if it does not exist).
    pub async fn get_ticket(&self, id: i64) -> Result<Ticket, CwError> {
        self.fetch(&ticket_request(Method::GET, id), "ticket").await
    }

    /// Applies `ops` and returns the updated ticket. A `summary` value is
    /// truncated and an `externalXRef` clamped like on create. No ops = a plain read.
    pub async fn patch_ticket(&self, id: i64, ops: &[PatchOp]) -> Result<Ticket, CwError> {
        if ops.is_empty() {
            return self.get_ticket(id).await;
        }
        let cleaned: Vec<PatchOp> = ops.iter().map(clean_op).collect();
        let req = ticket_request(Method::PATCH, id).json(&cleaned)?;
        self.fetch(&req, "updated ticket").await
    }

    /// Tickets (open or closed) whose `externalXRef` is `xref`, lowest id first.
    pub async fn find_tickets_by_xref(&self, xref: &str) -> Result<Vec<Ticket>, CwError> {
        let conditions = format!("externalXRef={}", quote(&clamp_external_xref(xref)));
        self.search_tickets(&conditions).await
    }

    /// Tickets matching a conditions expression, lowest id first; filters too long
    /// for a URL are sent with `POST /service/tickets/search`.
    pub async fn search_tickets(&self, conditions: &str) -> Result<Vec<Ticket>, CwError> {
        let get = Request::get("service/tickets")
            .query("conditions", conditions)
            .query("orderBy", "id asc");
        if self.url_len(&get) <= MAX_URL_CHARS - PAGING_RESERVE {
            return self.fetch_all(get, "ticket list").await;
        }
        let mut post = Request::new(Method::POST, "service/tickets/search")
            .json(&serde_json::json!({ "conditions": conditions, "orderBy": "id asc" }))?;
        post.idempotent = true; // a search changes nothing
        self.fetch_all(post, "ticket list").await
    }

    /// The tickets with these ids (missing ones are simply absent), lowest id first.
    /// Ids are batched as `id in (…)` in chunks that keep each URL under 2000 characters.
    pub async fn tickets_by_ids(&self, ids: &[i64]) -> Result<Vec<Ticket>, CwError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut tickets = Vec::new();
        for chunk in self.id_chunks(&ids) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let req = Request::get("service/tickets")
                .query("conditions", format!("id in ({})", list.join(",")))
                .query("orderBy", "id asc");
            tickets.extend(self.fetch_all::<Ticket>(req, "ticket list").await?);
        }
        Ok(tickets)
    }

    /// Splits sorted ids into chunks whose `id in (…)` URL stays within the limit.
    pub(crate) fn id_chunks<'a>(&self, ids: &'a [i64]) -> Vec<&'a [i64]> {
        let empty = Request::get("service/tickets")
            .query("conditions", "id in ()")
            .query("orderBy", "id asc");
        let budget = (MAX_URL_CHARS - PAGING_RESERVE).saturating_sub(self.url_len(&empty));
        let mut chunks = Vec::new();
        let mut start = 0;
        let mut used = 0;
        for (i, id) in ids.iter().enumerate() {
            // Digits and '-' are sent as-is; each separating comma becomes "%2C".
            let cost = id.to_string().len() + if i == start { 0 } else { 3 };
            if used + cost > budget && i > start {
                chunks.push(&ids[start..i]);
                start = i;
                used = id.to_string().len();
            } else {
                used += cost;
            }
        }
        if start < ids.len() {
            chunks.push(&ids[start..]);
        }
        chunks
    }

    /// Adds a note to a ticket (never retried; `processNotifications` false).
    pub async fn add_note(&self, ticket_id: i64, note: &NewNote) -> Result<Note, CwError> {
        let req = Request::new(Method::POST, format!("service/tickets/{ticket_id}/notes"))
            .json(&NewNoteWire::from_note(note))?;
        self.fetch(&req, "created note").await
    }

    /// All notes of a ticket, oldest first.
    pub async fn notes(&self, ticket_id: i64) -> Result<Vec<Note>, CwError> {
        let req =
            Request::get(format!("service/tickets/{ticket_id}/notes")).query("orderBy", "id asc");
        self.fetch_all(req, "note list").await
    }

    /// Deletes a ticket. May be retried, so `NotFound` can also mean an earlier
    /// attempt already deleted it: treat it as "gone".
    pub async fn delete_ticket(&self, id: i64) -> Result<(), CwError> {
        self.execute(&ticket_request(Method::DELETE, id)).await?;
        Ok(())
    }

    /// Number of tickets matching `conditions` (all tickets when empty).
    pub async fn count_tickets(&self, conditions: &str) -> Result<u64, CwError> {
        let mut req = Request::get("service/tickets/count");
        if !conditions.trim().is_empty() {
            req = req.query("conditions", conditions.trim());
        }
        if self.url_len(&req) > MAX_URL_CHARS {
            return Err(CwError::Validation {
                field: Some("conditions".into()),
                message: format!(
                    "The ticket condition is too long to count in ConnectWise ({} characters) — shorten it.",
                    conditions.chars().count()
                ),
            });
        }
        let count: Count = self.fetch(&req, "ticket count").await?;
        Ok(count.count)
    }
}

fn ticket_request(method: Method, id: i64) -> Request {
    Request::new(method, format!("service/tickets/{id}"))
}

fn clean_op(op: &PatchOp) -> PatchOp {
    let value = match (op.path.as_str(), &op.value) {
        ("summary", Value::String(s)) => Value::String(truncate_summary(s)),
        ("externalXRef", Value::String(s)) => Value::String(clamp_external_xref(s)),
        _ => op.value.clone(),
    };
    PatchOp {
        op: op.op.clone(),
        path: op.path.clone(),
        value,
    }
}
