//! Ticket rules: what `POST /service/tickets` accepts (required fields,
//! lengths, references that must exist and belong to the ticket's board or
//! company, defaults) and how a JSON-Patch array changes a ticket.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult, FieldError};
use super::model::{Model, TicketRec};

use super::refs::{optional_ref, ref_spec, RefSpec};

/// Longest `summary` / `externalXRef` the server stores, in UTF-16 code units
/// (.NET and SQL Server count those: an emoji is two).
pub(crate) const MAX_SUMMARY_CHARS: usize = 100;
pub(crate) const MAX_XREF_CHARS: usize = 100;

/// Top-level ticket fields a PATCH may touch (paths are case-sensitive).
pub(crate) const PATCHABLE: &[&str] = &[
    "summary",
    "board",
    "status",
    "company",
    "priority",
    "agreement",
    "type",
    "subType",
    "item",
    "externalXRef",
    "severity",
    "impact",
];

const LEVELS: [&str; 3] = ["Low", "Medium", "High"];
const RECORD_TYPES: [&str; 3] = ["ServiceTicket", "ProjectTicket", "ProjectIssue"];

/// Replaces characters the server cannot store in a one-line field.
pub(crate) fn clean_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '\r' | '\n' | '\u{8}' | '\u{c}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

pub(crate) fn check_summary(v: Option<&Value>) -> Result<String, FieldError> {
    match v {
        None | Some(Value::Null) => Err(FieldError::missing("summary", "Summary is required.")),
        Some(Value::String(s)) => {
            let s = clean_line(s);
            if s.trim().is_empty() {
                Err(FieldError::missing("summary", "Summary is required."))
            } else if s.encode_utf16().count() > MAX_SUMMARY_CHARS {
                Err(FieldError::invalid(
                    "summary",
                    format!("Summary must be at most {MAX_SUMMARY_CHARS} characters long."),
                ))
            } else {
                Ok(s)
            }
        }
        Some(_) => Err(FieldError::invalid("summary", "Summary must be a string.")),
    }
}

pub(crate) fn check_xref(v: Option<&Value>) -> Result<Option<String>, FieldError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.encode_utf16().count() > MAX_XREF_CHARS => {
            Err(FieldError::invalid(
                "externalXRef",
                format!("externalXRef must be at most {MAX_XREF_CHARS} characters long."),
            ))
        }
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(FieldError::invalid(
            "externalXRef",
            "externalXRef must be a string.",
        )),
    }
}

pub(crate) fn check_level(field: &str, v: Option<&Value>) -> Result<Option<String>, FieldError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if LEVELS.contains(&s.as_str()) => Ok(Some(s.clone())),
        Some(_) => Err(FieldError::invalid(
            field,
            format!("{field} must be one of Low, Medium, High."),
        )),
    }
}

/// Collects field errors while validating a whole object.
#[derive(Default)]
pub(crate) struct Errors(pub(crate) Vec<FieldError>);

impl Errors {
    pub(crate) fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
}

pub(crate) fn optional_string(
    obj: &Map<String, Value>,
    field: &str,
) -> Result<Option<String>, FieldError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(FieldError::invalid(
            field,
            format!("{field} must be a string."),
        )),
    }
}

/// Validates a create body and stores the ticket (plus its initial notes).
/// Returns the new id.
pub(crate) fn create(
    model: &mut Model,
    body: &Value,
    who: &str,
    now: DateTime<Utc>,
) -> ApiResult<i64> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    let mut errs = Errors::default();
    let summary = errs.take(check_summary(obj.get("summary")));
    let record_type = match obj.get("recordType") {
        None | Some(Value::Null) => Some("ServiceTicket".to_owned()),
        Some(Value::String(s)) if RECORD_TYPES.contains(&s.as_str()) => Some(s.clone()),
        Some(_) => errs.take(Err(FieldError::invalid(
            "recordType",
            "recordType must be ServiceTicket, ProjectTicket or ProjectIssue.",
        ))),
    };
    let board = match obj.get("board") {
        None | Some(Value::Null) => {
            errs.take(Err(FieldError::missing("board", "Board is required.")))
        }
        Some(v) => {
            errs.take(ref_spec("board", v, Some("name")).and_then(|s| model.resolve_board(&s)))
        }
    };
    let company = match obj.get("company") {
        None | Some(Value::Null) => {
            errs.take(Err(FieldError::missing("company", "Company is required.")))
        }
        Some(v) => errs.take(
            ref_spec("company", v, Some("identifier")).and_then(|s| model.resolve_company(&s)),
        ),
    };
    let status = match (errs.take(optional_ref(obj, "status", Some("name"))), board) {
        (Some(Some(spec)), Some(b)) => errs.take(model.resolve_status(&spec, b)),
        (Some(None), Some(b)) => model.default_status(b),
        _ => None,
    };
    let priority = match errs.take(optional_ref(obj, "priority", Some("name"))) {
        Some(Some(spec)) => errs.take(model.resolve_priority(&spec)),
        Some(None) => errs.take(model.default_priority().ok_or_else(|| {
            FieldError::missing("priority", "Priority is required (no default priority).")
        })),
        None => None,
    };
    let agreement = match errs.take(optional_ref(obj, "agreement", None)).flatten() {
        Some(RefSpec::Id(id)) => company.and_then(|c| errs.take(model.check_agreement(id, c))),
        _ => None,
    };
    let mut on_board = |field: &str| -> Option<i64> {
        let spec = errs.take(optional_ref(obj, field, Some("name")))??;
        errs.take(model.resolve_on_board(field, &spec, board?))
    };
    let (type_id, sub_type_id, item_id) = (on_board("type"), on_board("subType"), on_board("item"));
    let external_x_ref = errs.take(check_xref(obj.get("externalXRef")));
    let severity = errs.take(check_level("severity", obj.get("severity")));
    let impact = errs.take(check_level("impact", obj.get("impact")));
    let initial: Vec<Option<String>> = [
        "initialDescription",
        "initialInternalAnalysis",
        "initialResolution",
    ]
    .iter()
    .map(|f| errs.take(optional_string(obj, f)).flatten())
    .collect();
    if !errs.0.is_empty() {
        return Err(ApiError::invalid_object("ticket", errs.0));
    }
    let (
        Some(summary),
        Some(record_type),
        Some(board_id),
        Some(company_id),
        Some(status_id),
        Some(priority_id),
    ) = (summary, record_type, board, company, status, priority)
    else {
        return Err(ApiError::invalid_object(
            "ticket",
            vec![FieldError::missing(
                "status",
                "The board has no default status.",
            )],
        ));
    };
    let id = model.next_ticket_id;
    model.next_ticket_id += 1;
    let mut ticket = TicketRec {
        id,
        summary,
        record_type,
        board_id,
        status_id,
        company_id,
        priority_id,
        agreement_id: agreement,
        type_id,
        sub_type_id,
        item_id,
        external_x_ref: external_x_ref.flatten(),
        severity: severity.flatten().unwrap_or_else(|| "Medium".to_owned()),
        impact: impact.flatten().unwrap_or_else(|| "Medium".to_owned()),
        closed_date: None,
        closed_by: None,
        date_entered: now,
        entered_by: who.to_owned(),
        last_updated: now,
        updated_by: who.to_owned(),
    };
    let closed = model.is_closed_status(status_id);
    Model::apply_status(&mut ticket, status_id, closed, who, now);
    model.tickets.insert(id, ticket);
    let flags = [
        (true, false, false),
        (false, true, false),
        (false, false, true),
    ];
    for (text, flags) in initial.into_iter().zip(flags) {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            model.add_note(id, text, flags, who, now);
        }
    }
    Ok(id)
}

#[cfg(test)]
#[path = "tickets_tests.rs"]
pub(super) mod tests;
