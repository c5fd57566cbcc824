//! List queries: `conditions`, `orderBy`, `page`/`pageSize` with a `Link`
//! header, and forward-only paging (`pagination-type: forward-only` +
//! `pageId`), all validated the way the real server validates them.

use std::cmp::Ordering;

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bridge_core::conditions::{self, Expr};
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::fields::Resource;

/// Rows per page when `pageSize` is absent.
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 25;
/// Largest accepted `pageSize`.
pub(crate) const MAX_PAGE_SIZE: u64 = 1000;

/// The parsed list parameters of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListParams {
    pub conditions: Option<String>,
    pub order_by: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
    pub page_id: Option<String>,
    pub forward_only: bool,
    /// Every query pair as received, to rebuild `Link` URLs.
    pairs: Vec<(String, String)>,
}

/// Parameter names this module interprets (compared case-insensitively).
const KNOWN: [&str; 5] = ["conditions", "orderBy", "page", "pageSize", "pageId"];

impl ListParams {
    /// Reads the query string and the `pagination-type` header.
    pub(crate) fn from_request(query: Option<&str>, headers: &HeaderMap) -> ListParams {
        let pairs: Vec<(String, String)> = query
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let mut params = ListParams {
            forward_only: headers
                .get("pagination-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("forward-only")),
            ..ListParams::default()
        };
        for (k, v) in &pairs {
            params.set(k, v.clone());
        }
        params.pairs = pairs;
        params
    }

    fn set(&mut self, key: &str, value: String) {
        let slot = match KNOWN.iter().position(|k| k.eq_ignore_ascii_case(key)) {
            Some(0) => &mut self.conditions,
            Some(1) => &mut self.order_by,
            Some(2) => &mut self.page,
            Some(3) => &mut self.page_size,
            Some(4) => &mut self.page_id,
            _ => return,
        };
        *slot = Some(value);
    }

    /// Merges the body of `POST …/search` (`{"conditions": "...", ...}`): its
    /// string/number members override the query string.
    pub(crate) fn merge_search_body(&mut self, body: &Value) -> ApiResult<()> {
        let Some(map) = body.as_object() else {
            return Err(ApiError::bad_request(
                "The search body must be a JSON object such as {\"conditions\": \"...\"}.",
            ));
        };
        for (k, v) in map {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Null => continue,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "Search parameter {k:?} must be a string."
                    )))
                }
            };
            if KNOWN.iter().any(|known| known.eq_ignore_ascii_case(k)) {
                self.pairs.retain(|(pk, _)| !pk.eq_ignore_ascii_case(k));
                self.pairs.push((k.clone(), text.clone()));
            }
            self.set(k, text);
        }
        Ok(())
    }

    /// The parsed condition, `None` when absent or blank.
    pub(crate) fn condition(&self, resource: &Resource) -> ApiResult<Option<Expr>> {
        parse_condition(self.conditions.as_deref(), resource)
    }

    fn page_size(&self) -> ApiResult<u64> {
        match &self.page_size {
            None => Ok(DEFAULT_PAGE_SIZE),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_request(format!(
                    "pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}, got {text:?}."
                ))),
            },
        }
    }

    fn page(&self) -> ApiResult<u64> {
        match &self.page {
            None => Ok(1),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(ApiError::bad_request(format!(
                    "page must be a whole number of at least 1, got {text:?}."
                ))),
            },
        }
    }

    /// The URL of this list with the paging parameter replaced.
    fn link(&self, self_url: &str, replace: &str, value: u64, page_size: u64) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        let mut size_written = false;
        for (k, v) in &self.pairs {
            if k.eq_ignore_ascii_case("page") || k.eq_ignore_ascii_case("pageId") {
                continue;
            }
            size_written |= k.eq_ignore_ascii_case("pageSize");
            out.append_pair(k, v);
        }
        if !size_written {
            out.append_pair("pageSize", &page_size.to_string());
        }
        out.append_pair(replace, &value.to_string());
        format!("<{self_url}?{}>", out.finish())
    }
}

/// Parses and field-checks a condition text; blank means no filter.
pub(crate) fn parse_condition(text: Option<&str>, resource: &Resource) -> ApiResult<Option<Expr>> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    let expr = conditions::parse(text).map_err(|e| ApiError::bad_request(e.to_string()))?;
    check_fields(&expr, resource).map_err(ApiError::bad_request)?;
    Ok(Some(expr))
}

fn check_fields(expr: &Expr, resource: &Resource) -> Result<(), String> {
    match expr {
        Expr::Compare(c) => resource.check_path(&c.path),
        Expr::And(items) | Expr::Or(items) => {
            items.iter().try_for_each(|e| check_fields(e, resource))
        }
    }
}

/// Keeps the items the condition matches.
pub(crate) fn filter(items: Vec<Value>, cond: Option<&Expr>) -> Vec<Value> {
    match cond {
        None => items,
        Some(expr) => items.into_iter().filter(|v| expr.matches(v)).collect(),
    }
}

/// One `orderBy` key: a field path and its direction.
#[derive(Debug, Clone, PartialEq)]
struct SortKey {
    path: Vec<String>,
    descending: bool,
}

fn parse_order_by(text: &str, resource: &Resource) -> ApiResult<Vec<SortKey>> {
    let mut keys = Vec::new();
    for part in text.split(',') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let (field, descending) = match words.as_slice() {
            [field] => (*field, false),
            [field, dir] if dir.eq_ignore_ascii_case("asc") => (*field, false),
            [field, dir] if dir.eq_ignore_ascii_case("desc") => (*field, true),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "orderBy must be \"field asc|desc\" (comma separated), got {part:?}."
                )))
            }
        };
        let path: Vec<String> = field.split('/').map(str::to_owned).collect();
        resource
            .check_path(&path)
            .map_err(|e| ApiError::bad_request(format!("orderBy: {e}")))?;
        keys.push(SortKey { path, descending });
    }
    Ok(keys)
}

fn field_at<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(obj, |v, seg| {
        let map = v.as_object()?;
        map.get(seg.as_str()).or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(seg))
                .map(|(_, v)| v)
        })
    })
}

/// SQL-like ordering: nulls first, numbers numerically, strings case-insensitively.
fn cmp_json(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

fn id_of(v: &Value) -> i64 {
    v.get("id").and_then(Value::as_i64).unwrap_or(0)
}

/// One page of a list and its `Link` header value.
#[derive(Debug)]
pub(crate) struct Page {
    pub items: Vec<Value>,
    pub link: Option<String>,
}

/// Filters, orders and pages `items` (given in id order).
pub(crate) fn paginate(
    items: Vec<Value>,
    params: &ListParams,
    resource: &Resource,
    self_url: &str,
) -> ApiResult<Page> {
    let cond = params.condition(resource)?;
    let page_size = params.page_size()?;
    let mut items = filter(items, cond.as_ref());
    if params.forward_only {
        if params.order_by.is_some() {
            return Err(ApiError::bad_request(
                "orderBy is not allowed with forward-only pagination (rows come in id order).",
            ));
        }
        let after = match params.page_id.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(text) => text.parse::<i64>().map_err(|_| {
                ApiError::bad_request(format!("pageId must be a whole number, got {text:?}."))
            })?,
        };
        items.sort_by_key(id_of);
        let rows: Vec<Value> = items
            .into_iter()
            .filter(|v| id_of(v) > after)
            .take(page_size as usize)
            .collect();
        let link = rows.last().map(|last| {
            let next = params.link(self_url, "pageId", id_of(last).max(0) as u64, page_size);
            format!("{next}; rel=\"next\"")
        });
        return Ok(Page { items: rows, link });
    }
    let page = params.page()?;
    if let Some(order) = &params.order_by {
        let keys = parse_order_by(order, resource)?;
        items.sort_by(|a, b| {
            keys.iter()
                .map(|k| {
                    let o = cmp_json(field_at(a, &k.path), field_at(b, &k.path));
                    if k.descending {
                        o.reverse()
                    } else {
                        o
                    }
                })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
    }
    let total = items.len() as u64;
    let last_page = total.div_ceil(page_size).max(1);
    let start = (page - 1).saturating_mul(page_size);
    let rows: Vec<Value> = items
        .into_iter()
        .skip(start.min(total) as usize)
        .take(page_size as usize)
        .collect();
    // No Link when everything fits in one page. The rel order follows what
    // clients key on: a header ending in rel="last" means more pages, one
    // ending in rel="first" means this was the last page.
    let link = (last_page > 1).then(|| {
        let mut rels = Vec::new();
        let rel = |n: u64, name: &str| {
            format!(
                "{}; rel=\"{name}\"",
                params.link(self_url, "page", n, page_size)
            )
        };
        if page < last_page {
            rels.push(rel(page + 1, "next"));
        }
        if page > 1 {
            rels.push(rel((page - 1).min(last_page), "prev"));
        }
        if page < last_page {
            if page > 1 {
                rels.push(rel(1, "first"));
            }
            rels.push(rel(last_page, "last"));
        } else {
            rels.push(rel(1, "first"));
        }
        rels.join(", ")
    });
    Ok(Page { items: rows, link })
}

/// The 200 response for a page: JSON array plus `Link` when there is one.
pub(crate) fn page_response(page: Page) -> Response {
    let mut response = Json(Value::Array(page.items)).into_response();
    if let Some(link) = page.link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

/// Filters, orders and pages, then renders the response.
pub(crate) fn list_response(
    items: Vec<Value>,
    params: &ListParams,
    resource: &Resource,
    self_url: &str,
) -> ApiResult<Response> {
    paginate(items, params, resource, self_url).map(page_response)
}

#[cfg(test)]
#[path = "paging_tests.rs"]
mod tests;
