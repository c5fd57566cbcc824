//! The Comet simulator's one handler: checks the method, path, content
//! type, credentials and form fields of every request as strictly as the
//! reference allows, then answers the endpoint; logs each request.

use std::collections::BTreeMap;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::{CometRequest, Data, Shared};
use crate::lock;

/// The largest form body read.
const MAX_FORM_BYTES: usize = 1024 * 1024;
const FORM: &str = "application/x-www-form-urlencoded";
const ENDPOINTS: [&str; 5] = [
    "meta/version",
    "organization/list",
    "list-users-full",
    "get-jobs-for-date-range",
    "get-job-log-entries",
];

/// An answer: the HTTP status, the body, and the body `Status` for errors.
struct Answer {
    http: u16,
    body: Value,
    error: Option<i64>,
}

fn ok(body: Value) -> Answer {
    Answer {
        http: 200,
        body,
        error: None,
    }
}

fn refuse(status: u16, message: &str) -> Answer {
    Answer {
        http: status,
        body: json!({"Status": status, "Message": message}),
        error: Some(i64::from(status)),
    }
}

pub(super) async fn handle(State(data): State<Shared>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = to_bytes(req.into_body(), MAX_FORM_BYTES)
        .await
        .unwrap_or_default();
    let is_form = content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .is_some_and(|c| c.trim().eq_ignore_ascii_case(FORM));
    let form: BTreeMap<String, String> = if is_form {
        url::form_urlencoded::parse(&body).into_owned().collect()
    } else {
        BTreeMap::new()
    };
    let mut d = lock(&data);
    let mut record = CometRequest {
        method: method.to_string(),
        path: path.clone(),
        content_type,
        form,
        status: 0,
        body_status: None,
    };
    let response = if std::mem::take(&mut d.garbage_next) {
        record.status = 200;
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body>Service temporarily unavailable</body></html>",
        )
            .into_response()
    } else {
        let answer = match d.fail_next.take() {
            Some(status) => refuse(status, "Simulated failure"),
            None => answer(&mut d, &method, &path, is_form, &record.form),
        };
        let http = if answer.error.is_some() && d.errors_with_http_200 {
            200
        } else {
            answer.http
        };
        record.status = http;
        record.body_status = answer.error;
        let status = StatusCode::from_u16(http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(answer.body)).into_response()
    };
    d.requests.push(record);
    response
}

fn answer(
    d: &mut Data,
    method: &Method,
    path: &str,
    is_form: bool,
    form: &BTreeMap<String, String>,
) -> Answer {
    if method != Method::POST {
        return refuse(405, "Method not allowed: every API call is a POST");
    }
    let Some(endpoint) = path
        .strip_prefix("/api/v1/admin/")
        .filter(|e| ENDPOINTS.contains(e))
    else {
        return refuse(404, "Unknown API endpoint");
    };
    if !is_form {
        return refuse(
            400,
            "Content-Type must be application/x-www-form-urlencoded",
        );
    }
    if let Some(refused) = authenticate(d, form) {
        return refused;
    }
    match endpoint {
        "meta/version" => ok(json!({
            "Version": "24.6.3", "ServerStartTime": 1_795_000_000_i64,
            "ExperimentalOptions": Value::Null, "Status": 200,
        })),
        "organization/list" => {
            if d.tenants.is_empty() {
                return refuse(403, "This action requires a top-level administrator");
            }
            let map: Map<String, Value> = d
                .tenants
                .iter()
                .map(|(id, name)| {
                    (
                        id.clone(),
                        json!({"Name": name, "Hosts": [], "Branding": {}}),
                    )
                })
                .collect();
            ok(Value::Object(map))
        }
        "list-users-full" => ok(d.users.clone()),
        "get-jobs-for-date-range" => {
            let (start, end) = match (int(form, "Start"), int(form, "End")) {
                (Ok(s), Ok(e)) => (s, e),
                (Err(m), _) | (_, Err(m)) => return refuse(400, &m),
            };
            let jobs = d.timeline.get(d.index).cloned().unwrap_or_default();
            let picked: Vec<Value> = jobs
                .into_iter()
                .filter(|j| in_range(j, start, end))
                .collect();
            if d.index + 1 < d.timeline.len() {
                d.index += 1;
            }
            ok(Value::Array(picked))
        }
        "get-job-log-entries" => {
            let Some(job) = form.get("JobID").filter(|j| !j.is_empty()) else {
                return refuse(400, "Missing required parameter 'JobID'");
            };
            let min = match form.get("MinSeverity").map(String::as_str) {
                None => 0,
                Some(s) => match rank(s) {
                    Some(r) => r,
                    None => return refuse(400, "Invalid MinSeverity"),
                },
            };
            let entries: Vec<Value> = d
                .logs
                .get(job)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| {
                    e.get("Severity")
                        .and_then(Value::as_str)
                        .and_then(rank)
                        .is_some_and(|r| r >= min)
                })
                .collect();
            ok(Value::Array(entries))
        }
        _ => refuse(404, "Unknown API endpoint"),
    }
}

/// `None` when the form signs in; else the refusal.
fn authenticate(d: &Data, form: &BTreeMap<String, String>) -> Option<Answer> {
    let field = |k: &str| form.get(k).map(String::as_str);
    let denied = || Some(refuse(403, "Incorrect authentication"));
    if field("Username") != Some(d.username.as_str()) {
        return denied();
    }
    match field("AuthType") {
        Some("Password") => {
            if field("Password") != Some(d.password.as_str()) {
                return denied();
            }
            if d.require_totp {
                return Some(refuse(403, "ERR_TOTP_REQUIRED"));
            }
            None
        }
        Some("SessionKey") => {
            let expected = d.session_key.as_deref();
            if expected.is_none() || field("SessionKey") != expected {
                return denied();
            }
            None
        }
        Some("PasswordTOTP" | "TOTP") => denied(),
        _ => Some(refuse(400, "Missing or unknown AuthType")),
    }
}

/// A required integer form field.
fn int(form: &BTreeMap<String, String>, name: &str) -> Result<i64, String> {
    let text = form
        .get(name)
        .ok_or_else(|| format!("Missing required parameter '{name}'"))?;
    text.trim()
        .parse()
        .map_err(|_| format!("Parameter '{name}' must be an integer"))
}

/// Jobs that started or ended in `[start, end]`; `0, 0` = running ones.
fn in_range(job: &Value, start: i64, end: i64) -> bool {
    let at = |k: &str| job.get(k).and_then(Value::as_i64).unwrap_or(0);
    let (started, ended) = (at("StartTime"), at("EndTime"));
    if start == 0 && end == 0 {
        return ended == 0;
    }
    (start..=end).contains(&started) || (ended != 0 && (start..=end).contains(&ended))
}

fn rank(severity: &str) -> Option<u8> {
    Some(match severity {
        "D" => 0,
        "I" => 1,
        "W" => 2,
        "E" => 3,
        _ => return None,
    })
}
