//! The VSPC simulator's collection GETs (`alarms/active`,
//! `alarms/templates`, `organizations/companies`), the one-shot faults in
//! front of them, and the envelope answers for unknown paths and methods.
//!
//! `alarms/active` is where the platform moves: a read that starts at
//! offset 0 and reaches the last item is complete, and each complete read
//! applies the next timeline step; a page at offset 0 with more to come can
//! have a new alarm slipped in at the front (the shifting-pages switch).

use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use super::alarm::{AlarmStatus, NewAlarm};
use super::http::{bad_request, error, page, page_answer, Paging, LOGICAL, RETRYABLE, SECURITY};
use super::model::random_uid;
use super::{Data, Fault, Shared};
use crate::lock;

/// The message of an alarm the shifting-pages switch makes up.
pub const SHIFTED_ALARM_MESSAGE: &str = "An alarm raised while the list was being read.";

/// The page `query` asks for of `items`, as an answer.
fn paged(items: &[Value], query: Option<&str>) -> Response {
    match Paging::parse(query) {
        Ok(paging) => Json(page(items, paging).0).into_response(),
        Err(why) => bad_request(why),
    }
}

/// `GET /api/v3/organizations/companies`.
pub(crate) async fn companies(State(data): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let items = lock(&data).companies.clone();
    paged(&items, q.as_deref())
}

/// `GET /api/v3/alarms/templates`.
pub(crate) async fn templates(State(data): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let items = lock(&data).templates.clone();
    paged(&items, q.as_deref())
}

/// `GET /api/v3/alarms/active`.
pub(crate) async fn active(State(data): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let paging = match Paging::parse(q.as_deref()) {
        Ok(p) => p,
        Err(why) => return bad_request(why),
    };
    let mut d = lock(&data);
    let (data, total) = d.alarms.window(paging.offset, paging.limit);
    let (body, count) = page_answer(data, total, paging);
    let reaches_end = paging.offset.saturating_add(count) >= total;
    if paging.offset == 0 {
        d.read_open = true;
        if !reaches_end {
            shift_in(&mut d);
        }
    }
    if reaches_end && d.read_open {
        d.read_open = false;
        d.completed_reads += 1;
        advance(&mut d);
    }
    Json(body).into_response()
}

/// Slips the next queued alarm in at the front, if one is queued.
fn shift_in(d: &mut Data) {
    let Some(queued) = d.shifts.pop_front() else {
        return;
    };
    let alarm = match queued {
        Some(alarm) => alarm,
        None => {
            let Some((template, object)) = d.alarms.front() else {
                tracing::warn!("no typed alarm to copy for a shifted page");
                return;
            };
            NewAlarm::new(
                &random_uid(),
                &template,
                object,
                AlarmStatus::Info,
                SHIFTED_ALARM_MESSAGE,
            )
        }
    };
    // Its time is left unset: now, and newer than every alarm listed.
    let alarm = NewAlarm {
        time: None,
        ..alarm
    };
    match d.alarms.raise(alarm) {
        Ok(()) => d.shifted += 1,
        Err(e) => tracing::warn!("cannot shift in an alarm: {e}"),
    }
}

/// Applies the next timeline step, if any is left.
fn advance(d: &mut Data) {
    let Some(step) = d.timeline.get(d.step).cloned() else {
        return;
    };
    d.step += 1;
    for change in step {
        if let Err(e) = d.alarms.apply(change) {
            tracing::warn!("timeline step {} skipped a change: {e}", d.step);
        }
    }
}

/// Middleware: the next one-shot fault, if any.
pub(crate) async fn fault(State(data): State<Shared>, req: Request, next: Next) -> Response {
    let fault = lock(&data).faults.pop_front();
    match fault {
        None => next.run(req).await,
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let kind = match code {
                401 | 403 => SECURITY,
                429 | 500.. => RETRYABLE,
                _ => LOGICAL,
            };
            let mut response = error(status, kind, format!("Simulated failure (HTTP {code})."));
            if code == 429 {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            response
        }
        Some(Fault::Garbage) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body><h1>Service temporarily unavailable</h1></body></html>",
        )
            .into_response(),
    }
}

/// Any path the simulator does not serve.
pub(crate) async fn not_found(req: Request) -> Response {
    error(
        StatusCode::NOT_FOUND,
        LOGICAL,
        format!("There is no resource at {}.", req.uri().path()),
    )
}

/// A served path asked with the wrong method.
pub(crate) async fn method_not_allowed(req: Request) -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        LOGICAL,
        format!(
            "The method {} is not allowed on {}.",
            req.method(),
            req.uri().path()
        ),
    )
}
