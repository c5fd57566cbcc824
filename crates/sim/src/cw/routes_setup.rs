//! Read-only endpoints: `/login/companyinfo`, `/system/info`, companies,
//! agreements, boards (statuses, types, subtypes, items) and priorities.

use axum::extract::{FromRequestParts, OriginalUri, Path, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use super::auth::Caller;
use super::error::{ApiError, ApiResult};
use super::fields::{self, Resource};
use super::model::Model;
use super::paging::{list_response, ListParams};
use super::seed::{rights, SeedBoard};
use super::Shared;
use crate::lock;

/// List parameters plus this request's absolute URL (for `Link`).
pub(crate) struct ListReq {
    pub params: ListParams,
    pub self_url: String,
}

impl FromRequestParts<Shared> for ListReq {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.path().to_owned())
            .unwrap_or_else(|| parts.uri.path().to_owned());
        Ok(ListReq {
            params: ListParams::from_request(parts.uri.query(), &parts.headers),
            self_url: format!("{}{}", state.base_url, path),
        })
    }
}

impl ListReq {
    pub(crate) fn respond(&self, items: Vec<Value>, resource: &Resource) -> ApiResult<Response> {
        list_response(items, &self.params, resource, &self.self_url)
    }
}

/// Parses an id path segment; a non-number names no record.
pub(crate) fn parse_id(text: &str, what: &str) -> ApiResult<i64> {
    text.parse()
        .map_err(|_| ApiError::not_found(format!("{what} {text} not found")))
}

/// `GET /login/companyinfo/{company}` (unauthenticated): PascalCase, or
/// JSON `null` for an unknown company.
pub(crate) async fn company_info(
    State(shared): State<Shared>,
    Path(company): Path<String>,
) -> Json<Value> {
    let model = lock(&shared.model);
    let seed = &model.seed;
    if !company.eq_ignore_ascii_case(&seed.company_id) {
        return Json(Value::Null);
    }
    let version_code = seed
        .version
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    Json(json!({
        "CompanyName": if seed.company_name.is_empty() { &seed.company_id } else { &seed.company_name },
        "Codebase": seed.codebase,
        "VersionCode": version_code,
        "VersionNumber": "v4.6.10451",
        "CompanyID": seed.company_id,
        "IsCloud": if seed.is_cloud { "True" } else { "False" },
    }))
}

/// `GET /system/info`.
pub(crate) async fn system_info(State(shared): State<Shared>, _caller: Caller) -> Json<Value> {
    let model = lock(&shared.model);
    Json(json!({
        "version": model.seed.version,
        "isCloud": model.seed.is_cloud,
        "serverTimeZone": "Eastern Standard Time",
        "licenseBits": [{"name": "ServiceDesk", "activeFlag": true}],
        "cloudRegion": "NA",
    }))
}

pub(crate) async fn companies(
    State(shared): State<Shared>,
    caller: Caller,
    list: ListReq,
) -> ApiResult<Response> {
    caller.require(rights::COMPANIES_READ)?;
    let items = {
        let m = lock(&shared.model);
        m.seed.companies.iter().map(|c| m.company_json(c)).collect()
    };
    list.respond(items, &fields::COMPANY)
}

pub(crate) async fn company(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(rights::COMPANIES_READ)?;
    let id = parse_id(&id, "Company")?;
    let m = lock(&shared.model);
    m.company(id)
        .map(|c| Json(m.company_json(c)))
        .ok_or_else(|| ApiError::not_found(format!("Company {id} not found")))
}

pub(crate) async fn agreements(
    State(shared): State<Shared>,
    caller: Caller,
    list: ListReq,
) -> ApiResult<Response> {
    caller.require(rights::AGREEMENTS_READ)?;
    let items = {
        let m = lock(&shared.model);
        m.seed
            .agreements
            .iter()
            .map(|a| m.agreement_json(a))
            .collect()
    };
    list.respond(items, &fields::AGREEMENT)
}

pub(crate) async fn agreement(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(rights::AGREEMENTS_READ)?;
    let id = parse_id(&id, "Agreement")?;
    let m = lock(&shared.model);
    m.agreement(id)
        .map(|a| Json(m.agreement_json(a)))
        .ok_or_else(|| ApiError::not_found(format!("Agreement {id} not found")))
}

pub(crate) async fn boards(
    State(shared): State<Shared>,
    caller: Caller,
    list: ListReq,
) -> ApiResult<Response> {
    caller.require(rights::SETUP_READ)?;
    let items = {
        let m = lock(&shared.model);
        m.seed.boards.iter().map(|b| m.board_json(b)).collect()
    };
    list.respond(items, &fields::BOARD)
}

pub(crate) async fn board(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(rights::SETUP_READ)?;
    let m = lock(&shared.model);
    let b = find_board(&m, &id)?;
    Ok(Json(m.board_json(b)))
}

fn find_board<'m>(m: &'m Model, id: &str) -> ApiResult<&'m SeedBoard> {
    let id = parse_id(id, "Board")?;
    m.board(id)
        .ok_or_else(|| ApiError::not_found(format!("Board {id} not found")))
}

/// Which per-board list a route serves.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BoardChild {
    Statuses,
    Types,
    Subtypes,
    Items,
}

fn board_children(m: &Model, b: &SeedBoard, child: BoardChild) -> Vec<Value> {
    match child {
        BoardChild::Statuses => b.statuses.iter().map(|s| m.status_json(b, s)).collect(),
        BoardChild::Types => b.types.iter().map(|t| m.type_json(b, t)).collect(),
        BoardChild::Subtypes => b.subtypes.iter().map(|t| m.subtype_json(b, t)).collect(),
        BoardChild::Items => b.items.iter().map(|t| m.item_json(b, t)).collect(),
    }
}

fn child_resource(child: BoardChild) -> Resource {
    match child {
        BoardChild::Statuses => fields::STATUS,
        BoardChild::Types => fields::BOARD_TYPE,
        BoardChild::Subtypes => fields::BOARD_SUBTYPE,
        BoardChild::Items => fields::BOARD_ITEM,
    }
}

/// `GET /service/boards/{id}/{statuses|types|subtypes|items}`.
pub(crate) async fn board_list(
    shared: Shared,
    caller: Caller,
    board_id: String,
    list: ListReq,
    child: BoardChild,
) -> ApiResult<Response> {
    caller.require(rights::SETUP_READ)?;
    let items = {
        let m = lock(&shared.model);
        let b = find_board(&m, &board_id)?;
        board_children(&m, b, child)
    };
    list.respond(items, &child_resource(child))
}

/// `GET /service/boards/{id}/{statuses|types|subtypes|items}/{childId}`.
pub(crate) async fn board_child(
    shared: Shared,
    caller: Caller,
    (board_id, child_id): (String, String),
    child: BoardChild,
) -> ApiResult<Json<Value>> {
    caller.require(rights::SETUP_READ)?;
    let m = lock(&shared.model);
    let b = find_board(&m, &board_id)?;
    let id = parse_id(&child_id, "Record")?;
    board_children(&m, b, child)
        .into_iter()
        .find(|v| v.get("id").and_then(Value::as_i64) == Some(id))
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("Record {id} not found on board {}", b.id)))
}

pub(crate) async fn priorities(
    State(shared): State<Shared>,
    caller: Caller,
    list: ListReq,
) -> ApiResult<Response> {
    caller.require(rights::SETUP_READ)?;
    let items = {
        let m = lock(&shared.model);
        m.seed
            .priorities
            .iter()
            .map(|p| m.priority_json(p))
            .collect()
    };
    list.respond(items, &fields::PRIORITY)
}

pub(crate) async fn priority(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(rights::SETUP_READ)?;
    let id = parse_id(&id, "Priority")?;
    let m = lock(&shared.model);
    m.priority(id)
        .map(|p| Json(m.priority_json(p)))
        .ok_or_else(|| ApiError::not_found(format!("Priority {id} not found")))
}
