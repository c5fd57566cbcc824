//! The `Accept` header of API requests (reference §1, Versioning): JSON in
//! ConnectWise's own media type, `application/vnd.connectwise.com+json`
//! with a `version=YYYY.N` model pin, or plain `application/json` (the
//! latest models). An `Accept` that admits neither is answered 406, as a
//! strict server would; no `Accept` at all means anything goes.

use axum::http::{header, HeaderMap, StatusCode};
use serde_json::json;

use super::error::ApiError;

/// ConnectWise's versioned media type.
pub(crate) const VENDOR_JSON: &str = "application/vnd.connectwise.com+json";

/// `Ok` when the request's `Accept` admits an answer the server can give.
pub(crate) fn check_accept(headers: &HeaderMap) -> Result<(), ApiError> {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return Ok(());
    }
    let ranges = values.iter().flat_map(|v| v.split(','));
    let mut asked = Vec::new();
    for range in ranges {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let version = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("version"))
            .map(|(_, v)| v.trim().trim_matches('"').to_owned());
        match media.as_str() {
            "*/*" | "application/*" | "application/json" => return Ok(()),
            VENDOR_JSON => match version {
                None => return Ok(()),
                Some(v) if is_version(&v) => return Ok(()),
                Some(v) => {
                    return Err(not_acceptable(format!(
                        "The API version \"{v}\" is not valid; ask for a version such as 2025.1."
                    )))
                }
            },
            "" => {}
            other => asked.push(other.to_owned()),
        }
    }
    Err(not_acceptable(format!(
        "The requested media type ({}) is not supported; accept application/json or {VENDOR_JSON}.",
        asked.join(", ")
    )))
}

/// `YYYY.N`, as PSA release numbers are.
fn is_version(v: &str) -> bool {
    match v.split_once('.') {
        Some((year, n)) => {
            year.len() == 4
                && year.chars().all(|c| c.is_ascii_digit())
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

fn not_acceptable(message: String) -> ApiError {
    ApiError {
        status: StatusCode::NOT_ACCEPTABLE,
        body: json!({"code": "NotAcceptable", "message": message, "errors": null}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accept(values: &[&str]) -> Result<(), u16> {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        }
        check_accept(&headers).map_err(|e| e.status.as_u16())
    }

    #[test]
    fn json_in_either_form_is_accepted_and_nothing_else() {
        assert_eq!(accept(&[]), Ok(()));
        assert_eq!(accept(&["application/json"]), Ok(()));
        assert_eq!(accept(&["*/*"]), Ok(()));
        assert_eq!(
            accept(&["application/vnd.connectwise.com+json; version=2025.1"]),
            Ok(())
        );
        assert_eq!(
            accept(&["text/html, application/vnd.connectwise.com+json; version=\"2019.1\""]),
            Ok(())
        );
        assert_eq!(accept(&["text/html"]), Err(406));
        assert_eq!(accept(&["application/xml", "text/plain"]), Err(406));
        assert_eq!(
            accept(&["application/vnd.connectwise.com+json; version=latest"]),
            Err(406)
        );
    }
}
