//! `PATCH /service/tickets/{id}`: a JSON-Patch-like array of
//! `{op, path, value}` on case-sensitive top-level fields, whole reference
//! objects only. References are checked against the ticket's final board and
//! company after all operations; a status change drives `closedFlag`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::error::{ApiError, ApiResult, FieldError};
use super::model::Model;
use super::refs::{ref_spec, RefSpec};
use super::tickets::{check_level, check_summary, check_xref, Errors, PATCHABLE};

const OPS: [&str; 3] = ["add", "replace", "remove"];

/// One validated operation: the field and its new value (`None` = remove).
struct Op<'a> {
    path: &'a str,
    value: Option<&'a Value>,
}

fn parse_ops(body: &Value) -> ApiResult<Vec<Op<'_>>> {
    let Some(items) = body.as_array() else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON Patch array such as [{\"op\":\"replace\",\"path\":\"summary\",\"value\":\"...\"}].",
        ));
    };
    let mut ops = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            return Err(ApiError::bad_request(format!(
                "Patch operation {i} must be an object with op, path and value."
            )));
        };
        let op = obj.get("op").and_then(Value::as_str).unwrap_or_default();
        if !OPS.contains(&op) {
            return Err(ApiError::bad_request(format!(
                "Patch operation {i}: op must be add, replace or remove, got {op:?}."
            )));
        }
        let Some(path) = obj.get("path").and_then(Value::as_str) else {
            return Err(ApiError::bad_request(format!(
                "Patch operation {i} has no path."
            )));
        };
        if path.contains('/') {
            return Err(ApiError::bad_request(format!(
                "Patch path {path:?} points inside an object: replace the whole top-level field instead (e.g. path \"status\" with value {{\"id\": 1}})."
            )));
        }
        if !PATCHABLE.contains(&path) {
            return Err(ApiError::bad_request(format!(
                "Patch path {path:?} is not a patchable ticket field (case-sensitive; one of {}).",
                PATCHABLE.join(", ")
            )));
        }
        let value = if op == "remove" {
            None
        } else {
            match obj.get("value") {
                Some(v) => Some(v).filter(|v| !v.is_null()),
                None => {
                    return Err(ApiError::bad_request(format!(
                        "Patch operation {i} ({op} {path}) needs a value."
                    )))
                }
            }
        };
        ops.push(Op { path, value });
    }
    Ok(ops)
}

/// Board-scoped or company-scoped references whose final value is checked
/// once every operation has been applied.
#[derive(Default)]
struct Pending {
    status: Option<RefSpec>,
    agreement: Option<Option<RefSpec>>,
    type_: Option<Option<RefSpec>>,
    sub_type: Option<Option<RefSpec>>,
    item: Option<Option<RefSpec>>,
}

/// Applies a patch body to ticket `id` (which must exist).
pub(crate) fn patch(
    model: &mut Model,
    id: i64,
    body: &Value,
    who: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let ops = parse_ops(body)?;
    let Some(current) = model.tickets.get(&id) else {
        return Err(ApiError::not_found(format!("Ticket {id} not found")));
    };
    let mut next = current.clone();
    let mut errs = Errors::default();
    let mut pending = Pending::default();
    let required = |path: &str| {
        FieldError::missing(path, format!("{path} is required and cannot be removed."))
    };
    for op in &ops {
        let optional_ref = |errs: &mut Errors, name_key| match op.value {
            None => Some(None),
            Some(v) => errs.take(ref_spec(op.path, v, name_key)).map(Some),
        };
        match (op.path, op.value) {
            ("summary", v) => {
                if let Some(s) = errs.take(check_summary(v)) {
                    next.summary = s;
                }
            }
            ("externalXRef", v) => {
                if let Some(x) = errs.take(check_xref(v)) {
                    next.external_x_ref = x;
                }
            }
            (field @ ("severity" | "impact"), v) => match errs.take(check_level(field, v)) {
                Some(Some(level)) if field == "severity" => next.severity = level,
                Some(Some(level)) => next.impact = level,
                Some(None) => errs.0.push(required(field)),
                None => {}
            },
            (field @ ("board" | "status" | "company" | "priority"), None) => {
                errs.0.push(required(field))
            }
            ("board", Some(v)) => {
                if let Some(b) = errs
                    .take(ref_spec("board", v, Some("name")).and_then(|s| model.resolve_board(&s)))
                {
                    next.board_id = b;
                }
            }
            ("company", Some(v)) => {
                if let Some(c) = errs.take(
                    ref_spec("company", v, Some("identifier"))
                        .and_then(|s| model.resolve_company(&s)),
                ) {
                    next.company_id = c;
                }
            }
            ("priority", Some(v)) => {
                if let Some(p) = errs.take(
                    ref_spec("priority", v, Some("name")).and_then(|s| model.resolve_priority(&s)),
                ) {
                    next.priority_id = p;
                }
            }
            ("status", Some(v)) => pending.status = errs.take(ref_spec("status", v, Some("name"))),
            ("agreement", _) => pending.agreement = optional_ref(&mut errs, None),
            ("type", _) => pending.type_ = optional_ref(&mut errs, Some("name")),
            ("subType", _) => pending.sub_type = optional_ref(&mut errs, Some("name")),
            ("item", _) => pending.item = optional_ref(&mut errs, Some("name")),
            (other, _) => errs.0.push(FieldError::invalid(other, "not patchable")),
        }
    }
    // Status: a new one must be on the final board; an unchanged one must
    // still be valid there (moving boards needs a status of the new board).
    let status_spec = pending.status.unwrap_or(RefSpec::Id(next.status_id));
    let status_id = errs.take(model.resolve_status(&status_spec, next.board_id));
    // Agreement: company-scoped, checked against the final company.
    let agreement_spec = pending
        .agreement
        .unwrap_or(next.agreement_id.map(RefSpec::Id));
    next.agreement_id = match agreement_spec {
        Some(RefSpec::Id(a)) => errs.take(model.check_agreement(a, next.company_id)),
        _ => None,
    };
    // Type, subtype, item: board-scoped, checked against the final board.
    for (field, change) in [
        ("type", pending.type_),
        ("subType", pending.sub_type),
        ("item", pending.item),
    ] {
        let slot = match field {
            "type" => &mut next.type_id,
            "subType" => &mut next.sub_type_id,
            _ => &mut next.item_id,
        };
        let spec = change.unwrap_or(slot.map(RefSpec::Id));
        *slot = match spec {
            Some(spec) => errs.take(model.resolve_on_board(field, &spec, next.board_id)),
            None => None,
        };
    }
    if !errs.0.is_empty() {
        return Err(ApiError::invalid_object("ticket", errs.0));
    }
    if let Some(status_id) = status_id {
        let closed = model.is_closed_status(status_id);
        Model::apply_status(&mut next, status_id, closed, who, now);
    }
    next.last_updated = now;
    next.updated_by = who.to_owned();
    model.tickets.insert(id, next);
    Ok(())
}

#[cfg(test)]
#[path = "patch_tests.rs"]
mod tests;
