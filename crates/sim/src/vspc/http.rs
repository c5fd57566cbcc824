//! The VSPC REST v3 wire forms shared by every route: the error envelope
//! `{"meta":{"errors":[{message, type, code}]},"data":null}`, the paging
//! query (`limit` 1..=500, default 100; `offset` >= 0; `filter`, `sort`,
//! `select` and `expand` accepted and ignored; anything else refused) and
//! the paged answer `{"meta":{"pagingInfo":{total, count, offset}},"data"}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Items per page when the request names no `limit`.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest `limit` VSPC accepts.
pub const MAX_LIMIT: usize = 500;

/// Query parameters a collection GET accepts but the simulator ignores.
const IGNORED: [&str; 4] = ["filter", "sort", "select", "expand"];

/// `type` of an error caused by the client's request.
pub(crate) const LOGICAL: &str = "logical";
/// `type` of an authentication or authorization error.
pub(crate) const SECURITY: &str = "security";
/// `type` of an error that goes away when the request is sent again.
pub(crate) const RETRYABLE: &str = "retryablelogical";

/// An error answer in the VSPC envelope; `code` is the HTTP status.
pub(crate) fn error(status: StatusCode, kind: &str, message: impl Into<String>) -> Response {
    let body = json!({
        "meta": {"errors": [{
            "message": message.into(),
            "type": kind,
            "code": status.as_u16(),
        }]},
        "data": null,
    });
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// A 400 for a bad request parameter.
pub(crate) fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, LOGICAL, message)
}

/// The page a collection GET asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub(crate) limit: usize,
    pub(crate) offset: usize,
}

impl Paging {
    /// Reads the raw query string, or says in a sentence why it is refused.
    pub(crate) fn parse(query: Option<&str>) -> Result<Paging, String> {
        let mut limit = None;
        let mut offset = None;
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if seen.iter().any(|s| *s == name) {
                return Err(format!(
                    "The query parameter '{name}' is given more than once."
                ));
            }
            seen.push(name.clone().into_owned());
            match name.as_ref() {
                "limit" => limit = Some(value.into_owned()),
                "offset" => offset = Some(value.into_owned()),
                known if IGNORED.contains(&known) => {}
                other => {
                    return Err(format!(
                        "The query parameter '{other}' is not supported: use limit, offset, \
                         filter, sort, select or expand."
                    ))
                }
            }
        }
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(format!(
                        "The limit '{text}' is not valid: it must be a whole number from 1 to \
                         {MAX_LIMIT}."
                    ))
                }
            },
        };
        let offset = match offset {
            None => 0,
            Some(text) => match text.parse::<usize>() {
                Ok(n) => n,
                Err(_) => {
                    return Err(format!(
                        "The offset '{text}' is not valid: it must be a whole number, 0 or more."
                    ))
                }
            },
        };
        Ok(Paging { limit, offset })
    }
}

/// The page of `items` that `paging` asks for, and how many items it holds.
pub(crate) fn page(items: &[Value], paging: Paging) -> (Value, usize) {
    let data: Vec<Value> = items
        .iter()
        .skip(paging.offset)
        .take(paging.limit)
        .cloned()
        .collect();
    page_answer(data, items.len(), paging)
}

/// The answer carrying `data`, the page at `paging.offset` of a listing of
/// `total` items, and how many items it holds.
pub(crate) fn page_answer(data: Vec<Value>, total: usize, paging: Paging) -> (Value, usize) {
    let count = data.len();
    let body = json!({
        "meta": {"pagingInfo": {
            "total": total,
            "count": count,
            "offset": paging.offset,
        }},
        "data": data,
    });
    (body, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_queries_are_read_strictly() {
        let ok = |limit, offset| Ok(Paging { limit, offset });
        let cases: [(Option<&str>, Result<Paging, ()>); 16] = [
            (None, ok(100, 0)),
            (Some(""), ok(100, 0)),
            (Some("limit=1"), ok(1, 0)),
            (Some("limit=500&offset=1000"), ok(500, 1000)),
            (
                Some("offset=3&filter=x&sort=%5B%5D&select=a&expand=b"),
                ok(100, 3),
            ),
            (Some("limit=0"), Err(())),
            (Some("limit=501"), Err(())),
            (Some("limit=-1"), Err(())),
            (Some("limit=ten"), Err(())),
            (Some("limit="), Err(())),
            (Some("limit=1.5"), Err(())),
            (Some("offset=-1"), Err(())),
            (Some("offset=x"), Err(())),
            (Some("page=2"), Err(())),
            (Some("Limit=5"), Err(())),
            (Some("limit=5&limit=6"), Err(())),
        ];
        for (query, want) in cases {
            let got = Paging::parse(query).map_err(|_| ());
            assert_eq!(got, want, "{query:?}");
        }
        let why = Paging::parse(Some("limit=501")).unwrap_err();
        assert!(why.contains("1 to 500"), "{why}");
    }

    #[test]
    fn pages_report_total_count_and_offset() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let (body, count) = page(
            &items,
            Paging {
                limit: 2,
                offset: 4,
            },
        );
        assert_eq!(count, 1);
        assert_eq!(
            body,
            json!({"meta": {"pagingInfo": {"total": 5, "count": 1, "offset": 4}}, "data": [4]})
        );
        let (body, count) = page(
            &items,
            Paging {
                limit: 2,
                offset: 9,
            },
        );
        assert_eq!((count, &body["data"]), (0, &json!([])));
    }
}
