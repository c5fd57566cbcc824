//! ConnectWise error responses (§7 of the reference): `ErrorResponseMessage`
//! bodies `{code, message, errors}` with the status codes the real server uses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// One item of `errors[]` in a 400 InvalidObject body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldError {
    /// `MissingRequiredField`, `InvalidField`, ...
    pub code: &'static str,
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub(crate) fn missing(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            code: "MissingRequiredField",
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            code: "InvalidField",
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// An error answer of the simulated API.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiError {
    /// 401: missing/wrong credentials, missing clientId, expired token.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            body: json!({"code": "Unauthorized", "message": message.into(), "errors": null}),
        }
    }

    /// 403: the caller's security role lacks `right`.
    pub(crate) fn forbidden(right: &str) -> Self {
        ApiError {
            status: StatusCode::FORBIDDEN,
            body: json!({
                "code": "Forbidden",
                "message": format!("You do not have the security rights to perform this action ({right})."),
            }),
        }
    }

    /// 404 with a message such as `Ticket 5 not found`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            body: json!({"code": "NotFound", "message": message.into()}),
        }
    }

    /// 400 InvalidObject for a resource with field-level errors.
    pub(crate) fn invalid_object(resource: &str, errors: Vec<FieldError>) -> Self {
        let items: Vec<Value> = errors
            .into_iter()
            .map(|e| {
                json!({"code": e.code, "message": e.message, "resource": resource, "field": e.field})
            })
            .collect();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: json!({
                "code": "InvalidObject",
                "message": format!("{resource} object is invalid"),
                "errors": items,
            }),
        }
    }

    /// 400 for a malformed request (bad query parameter, body of the wrong
    /// shape, unparsable conditions): the message says what is wrong.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: json!({"code": "InvalidObject", "message": message.into(), "errors": null}),
        }
    }

    /// The body's `message`, for tests.
    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Result of a handler step.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
