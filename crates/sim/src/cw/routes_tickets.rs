//! Ticket and note endpoints: list (conditions, ordering, paging), count,
//! search, create (with the drop-after-commit fault), get, patch, delete,
//! and a ticket's notes.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::{json, Value};

use super::auth::Caller;
use super::error::{ApiError, ApiResult, FieldError};
use super::fields;
use super::model::Model;
use super::paging::parse_condition;
use super::routes_setup::{parse_id, ListReq};
use super::seed::rights;
use super::tickets;
use super::Shared;
use crate::faults::{fault_response, Fault, Flavor};
use crate::lock;
use crate::log::NoResponseSent;
use crate::net::ConnHandle;

/// Parses a required JSON body.
fn json_body(body: &Bytes) -> ApiResult<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("A JSON request body is required."));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}")))
}

fn all_tickets(m: &Model) -> Vec<Value> {
    m.tickets.values().map(|t| m.ticket_json(t)).collect()
}

fn ticket_or_404(m: &Model, id: i64) -> ApiResult<Value> {
    m.tickets
        .get(&id)
        .map(|t| m.ticket_json(t))
        .ok_or_else(|| ApiError::not_found(format!("Ticket {id} not found")))
}

/// `GET /service/tickets`.
pub(crate) async fn list(
    State(shared): State<Shared>,
    caller: Caller,
    list: ListReq,
) -> ApiResult<Response> {
    caller.require(rights::TICKETS_READ)?;
    let items = all_tickets(&lock(&shared.model));
    list.respond(items, &fields::TICKET)
}

/// `POST /service/tickets/search` with `{"conditions": …}` (plus optional
/// `orderBy`, `page`, `pageSize` members).
pub(crate) async fn search(
    State(shared): State<Shared>,
    caller: Caller,
    mut list: ListReq,
    body: Bytes,
) -> ApiResult<Response> {
    caller.require(rights::TICKETS_READ)?;
    list.params.merge_search_body(&json_body(&body)?)?;
    let items = all_tickets(&lock(&shared.model));
    list.respond(items, &fields::TICKET)
}

/// `GET /service/tickets/count` → `{"count": N}`.
pub(crate) async fn count(
    State(shared): State<Shared>,
    caller: Caller,
    list: ListReq,
) -> ApiResult<Json<Value>> {
    caller.require(rights::TICKETS_READ)?;
    let cond = parse_condition(list.params.conditions.as_deref(), &fields::TICKET)?;
    let m = lock(&shared.model);
    let n = m
        .tickets
        .values()
        .filter(|t| cond.as_ref().is_none_or(|c| c.matches(&m.ticket_json(t))))
        .count();
    Ok(Json(json!({ "count": n })))
}

/// `POST /service/tickets` → 201 with the full ticket. With the
/// drop-after-commit fault armed, the ticket is stored and the connection is
/// then dropped without any response; with the fail-after-commit fault, the
/// ticket is stored and the answer is an error.
pub(crate) async fn create(
    State(shared): State<Shared>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    caller.require(rights::TICKETS_CREATE)?;
    let body = json_body(&body)?;
    let ticket = {
        let mut m = lock(&shared.model);
        let id = tickets::create(&mut m, &body, &caller.member, Utc::now())?;
        ticket_or_404(&m, id)?
    };
    if shared.faults.take_drop_after_commit() {
        conn.kill();
        let mut response = StatusCode::CREATED.into_response();
        response.extensions_mut().insert(NoResponseSent);
        return Ok(response);
    }
    if let Some(status) = shared.faults.take_fail_after_commit() {
        return Ok(fault_response(Flavor::ConnectWise, &Fault::Fail(status)));
    }
    Ok((StatusCode::CREATED, Json(ticket)).into_response())
}

/// `GET /service/tickets/{id}`.
pub(crate) async fn get_one(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(rights::TICKETS_READ)?;
    let id = parse_id(&id, "Ticket")?;
    ticket_or_404(&lock(&shared.model), id).map(Json)
}

/// `PATCH /service/tickets/{id}` → 200 with the full ticket.
pub(crate) async fn patch(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    caller.require(rights::TICKETS_UPDATE)?;
    let id = parse_id(&id, "Ticket")?;
    let body = json_body(&body)?;
    let mut m = lock(&shared.model);
    super::patch::patch(&mut m, id, &body, &caller.member, Utc::now())?;
    ticket_or_404(&m, id).map(Json)
}

/// `DELETE /service/tickets/{id}` → 204 (its notes go with it).
pub(crate) async fn delete(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(rights::TICKETS_DELETE)?;
    let id = parse_id(&id, "Ticket")?;
    let mut m = lock(&shared.model);
    if m.tickets.remove(&id).is_none() {
        return Err(ApiError::not_found(format!("Ticket {id} not found")));
    }
    m.notes.retain(|_, n| n.ticket_id != id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /service/tickets/{id}/notes` (paged, filterable).
pub(crate) async fn notes(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    list: ListReq,
) -> ApiResult<Response> {
    caller.require(rights::TICKETS_READ)?;
    let id = parse_id(&id, "Ticket")?;
    let items = {
        let m = lock(&shared.model);
        ticket_or_404(&m, id)?;
        m.notes_of(id)
    };
    list.respond(items, &fields::NOTE)
}

/// `GET /service/tickets/{id}/notes/{noteId}`.
pub(crate) async fn note(
    State(shared): State<Shared>,
    caller: Caller,
    Path((id, note_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    caller.require(rights::TICKETS_READ)?;
    let id = parse_id(&id, "Ticket")?;
    let note_id = parse_id(&note_id, "Note")?;
    let m = lock(&shared.model);
    ticket_or_404(&m, id)?;
    m.notes
        .get(&note_id)
        .filter(|n| n.ticket_id == id)
        .map(|n| Json(m.note_json(n)))
        .ok_or_else(|| ApiError::not_found(format!("Note {note_id} not found")))
}

fn flag(obj: &serde_json::Map<String, Value>, key: &str, errs: &mut Vec<FieldError>) -> bool {
    match obj.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            errs.push(FieldError::invalid(
                key,
                format!("{key} must be true or false."),
            ));
            false
        }
    }
}

/// `POST /service/tickets/{id}/notes` → 201 with the note.
pub(crate) async fn add_note(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    caller.require(rights::TICKETS_UPDATE)?;
    let id = parse_id(&id, "Ticket")?;
    let body = json_body(&body)?;
    let Some(obj) = body.as_object() else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    let mut errs = Vec::new();
    let text = match obj.get("text") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            errs.push(FieldError::missing("text", "Text is required."));
            None
        }
        Some(_) => {
            errs.push(FieldError::invalid("text", "Text must be a string."));
            None
        }
    };
    let flags = (
        flag(obj, "detailDescriptionFlag", &mut errs),
        flag(obj, "internalAnalysisFlag", &mut errs),
        flag(obj, "resolutionFlag", &mut errs),
    );
    if !(flags.0 || flags.1 || flags.2) {
        errs.push(FieldError::missing(
            "detailDescriptionFlag",
            "At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.",
        ));
    }
    let mut m = lock(&shared.model);
    ticket_or_404(&m, id)?;
    let Some(text) = text.filter(|_| errs.is_empty()) else {
        return Err(ApiError::invalid_object("ticketNote", errs));
    };
    let note_id = m.add_note(id, text, flags, &caller.member, Utc::now());
    let note = m
        .notes
        .get(&note_id)
        .map(|n| m.note_json(n))
        .unwrap_or(Value::Null);
    drop(m);
    // The note is stored; with the fault armed, the answer says otherwise.
    if let Some(status) = shared.faults.take_fail_after_commit() {
        return Ok(fault_response(Flavor::ConnectWise, &Fault::Fail(status)));
    }
    Ok((StatusCode::CREATED, Json(note)).into_response())
}
