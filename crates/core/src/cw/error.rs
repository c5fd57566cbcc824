//! The ONE place that turns ConnectWise answers and transport failures into [`CwError`].
//!
//! Every message is a single sentence that says what happened and what to do;
//! none of them ever contains a credential (bodies are summarised, headers never quoted).

use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::server_text::{clip, looks_like_html, ServerText};

/// Errors from the ConnectWise client. `Display` is a complete, user-facing sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CwError {
    /// Credentials (keys, integrator login, member token or clientId) were rejected (401).
    #[error("{message}")]
    Auth { message: String },
    /// Authenticated, but the security role lacks `permission` (403).
    #[error("{message}")]
    Forbidden { permission: String, message: String },
    /// The record does not exist (404).
    #[error("{message}")]
    NotFound { message: String },
    /// ConnectWise refused the request's content (400, 409, 422 and other 4xx).
    #[error("{message}")]
    Validation {
        field: Option<String>,
        message: String,
    },
    /// Throttled (429); `retry_after` from the `Retry-After` header when sent.
    #[error("{}", rate_limited_text(*retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// ConnectWise failed internally (5xx).
    #[error("{message}")]
    Server { status: u16, message: String },
    /// The connection broke after the request may have reached ConnectWise.
    #[error("{0}")]
    Network(String),
    /// ConnectWise could not be reached at all (DNS, refused, TLS): the request was never sent.
    #[error("{0}")]
    Unreachable(String),
    /// No answer within the request timeout; the request may have been processed.
    #[error("ConnectWise did not answer in time — check your network or ConnectWise's status; the app will try again later.")]
    Timeout,
    /// Company-info discovery returned `null` for the login company.
    #[error("{0}")]
    UnknownCompany(String),
    /// The answer could not be read (HTML instead of JSON, unexpected shape).
    #[error("{0}")]
    Decode(String),
    /// The configuration is unusable (site, empty keys, redirect to elsewhere).
    #[error("{0}")]
    Config(String),
}

impl CwError {
    /// Whether trying the same request again later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            CwError::RateLimited { .. }
                | CwError::Server { .. }
                | CwError::Network(_)
                | CwError::Unreachable(_)
                | CwError::Timeout
        )
    }

    /// Whether a non-idempotent request (ticket create, note add) may have been
    /// carried out although no usable answer arrived: look it up before
    /// repeating it (design rule 13). True for a broken connection or timeout
    /// after sending; for an answer that could not be decoded (the server did
    /// answer, possibly with a 201); for any 5xx (a gateway's 502/504, or a
    /// 500 wrapping a timeout, while the back end went on); and for a 404
    /// (on cloud a 404 may come from a sign-in or routing problem after the
    /// write was taken).
    pub fn may_have_committed(&self) -> bool {
        matches!(
            self,
            CwError::Network(_)
                | CwError::Timeout
                | CwError::Decode(_)
                | CwError::Server { .. }
                | CwError::NotFound { .. }
        )
    }
}

fn rate_limited_text(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!(
            "ConnectWise is throttling requests and asked to wait {} s — the app will slow down and try again.",
            wait.as_secs()
        ),
        None => "ConnectWise is throttling requests — the app will slow down and try again.".into(),
    }
}

/// What a request was for, so messages can name the right setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// An ordinary API call.
    Api,
    /// Minting a member token with the integrator login.
    MintToken,
    /// Unauthenticated company-info discovery.
    CompanyInfo,
}

/// The request an error belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub method: &'a Method,
    /// API path relative to `apis/3.0/` (e.g. `service/tickets/5`).
    pub path: &'a str,
    pub purpose: Purpose,
    /// The impersonated member in integrator mode; `None` for API-member keys.
    pub member: Option<&'a str>,
    /// The site as shown to the user.
    pub site: &'a str,
    pub company: &'a str,
}

/// Maps a non-success HTTP answer to its error.
pub(crate) fn from_response(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    ctx: &Ctx<'_>,
) -> CwError {
    let info = ServerText::parse(body);
    match status {
        300..=399 => {
            let to = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("another address");
            CwError::Config(format!(
                "ConnectWise at {} redirected the request to {} — check the Site (enter the address ConnectWise gave you for the API).",
                ctx.site,
                clip(to)
            ))
        }
        401 => CwError::Auth {
            message: auth_message(ctx),
        },
        403 => {
            let permission = permission_for(ctx.method, ctx.path);
            CwError::Forbidden {
                message: format!(
                    "ConnectWise refused {} {} (403) because the security role lacks \"{permission}\" — grant it under System › Security Roles.",
                    ctx.method,
                    display_path(ctx)
                ),
                permission: permission.to_string(),
            }
        }
        404 if ctx.purpose == Purpose::MintToken => CwError::Auth {
            message: format!(
                "ConnectWise has no member \"{}\" to impersonate (404) — check the impersonated member identifier in Setup.",
                ctx.member.unwrap_or_default()
            ),
        },
        404 => CwError::NotFound {
            message: match info.summary() {
                Some(text) => format!(
                    "ConnectWise could not find {} ({text}) — it may have been deleted in ConnectWise.",
                    display_path(ctx)
                ),
                None => format!(
                    "ConnectWise could not find {} (404) — it may have been deleted in ConnectWise, or the Site is wrong.",
                    display_path(ctx)
                ),
            },
        },
        429 => CwError::RateLimited {
            retry_after: retry_after(headers),
        },
        500..=599 => CwError::Server {
            status,
            message: format!(
                "ConnectWise had an internal error ({status}{}) — the app will retry; if it persists, check ConnectWise's status.",
                info.summary().map(|t| format!(": {t}")).unwrap_or_default()
            ),
        },
        _ => validation(status, &info),
    }
}

fn validation(status: u16, info: &ServerText) -> CwError {
    if info.code.as_deref() == Some("Security") {
        return CwError::Validation {
            field: None,
            message: format!(
                "ConnectWise refused the connection as insecure ({status}: {}) — use the https address of your ConnectWise site.",
                info.message.as_deref().unwrap_or("SSL is required.")
            ),
        };
    }
    let what = match (&info.field, &info.item_message) {
        (Some(field), Some(detail)) => format!("; {field}: {}", clip(detail)),
        (None, Some(detail)) => format!("; {}", clip(detail)),
        _ => String::new(),
    };
    let main = info
        .message
        .as_deref()
        .map(clip)
        .unwrap_or_else(|| format!("HTTP {status}"));
    let fix = match &info.field {
        Some(field) => format!("correct \"{field}\" and try again"),
        None => "correct the request and try again".to_string(),
    };
    CwError::Validation {
        field: info.field.clone(),
        message: format!("ConnectWise rejected the request ({status}: {main}{what}) — {fix}."),
    }
}

fn auth_message(ctx: &Ctx<'_>) -> String {
    match (ctx.purpose, ctx.member) {
        (Purpose::MintToken, _) => format!(
            "ConnectWise rejected the integrator login for company \"{}\" (401) — check the Company, integrator username, password and clientId in Setup.",
            ctx.company
        ),
        (_, Some(member)) => format!(
            "ConnectWise rejected the token for impersonated member \"{member}\" (401) — check that the member is active and the integrator login may impersonate it."
        ),
        (_, None) => format!(
            "ConnectWise rejected the API keys for company \"{}\" (401) — check the Company, public key, private key and clientId in Setup.",
            ctx.company
        ),
    }
}

/// The security-role right an endpoint needs, in ConnectWise's own words.
pub(crate) fn permission_for(method: &Method, path: &str) -> &'static str {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["company", ..] => "Companies › Company Maintenance: Inquire",
        ["finance", "agreements", ..] => "Finance › Agreements: Inquire",
        ["service", "boards", ..] | ["service", "priorities", ..] => {
            "System › Table Setup: Inquire"
        }
        ["service", "tickets", "search"] | ["service", "tickets", "count"] => {
            "Service Desk › Service Tickets: Inquire"
        }
        ["service", "tickets", _, "notes", ..] if *method == Method::GET => {
            "Service Desk › Service Tickets: Inquire"
        }
        ["service", "tickets", _, "notes", ..] => "Service Desk › Service Tickets: Edit",
        ["service", "tickets", ..] => match *method {
            Method::POST => "Service Desk › Service Tickets: Add",
            Method::PATCH | Method::PUT => "Service Desk › Service Tickets: Edit",
            Method::DELETE => "Service Desk › Service Tickets: Delete",
            _ => "Service Desk › Service Tickets: Inquire",
        },
        ["system", "members", ..] => "System › Member Maintenance: Inquire",
        _ => "the API member's security role for this request",
    }
}

fn display_path(ctx: &Ctx<'_>) -> String {
    match ctx.purpose {
        Purpose::CompanyInfo => format!("company \"{}\" at {}", ctx.company, ctx.site),
        _ => format!("/{}", ctx.path.trim_start_matches('/')),
    }
}

/// Maps a transport failure (no HTTP answer) to its error.
pub(crate) fn from_transport(err: &reqwest::Error, ctx: &Ctx<'_>) -> CwError {
    let cause = root_cause(err);
    if err.is_connect() {
        CwError::Unreachable(format!(
            "Could not connect to ConnectWise at {} ({cause}) — check the Site and your internet connection.",
            ctx.site
        ))
    } else if err.is_timeout() {
        CwError::Timeout
    } else if err.is_builder() {
        CwError::Config(format!(
            "The request to ConnectWise could not be built ({cause}) — check the Site and the API version setting."
        ))
    } else {
        CwError::Network(format!(
            "The connection to ConnectWise at {} broke during the request ({cause}) — check your network; the app will try again.",
            ctx.site
        ))
    }
}

fn root_cause(err: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = err;
    while let Some(next) = source.source() {
        source = next;
    }
    clip(&source.to_string())
}

/// A success answer larger than `limit` bytes, dropped unread. Like any
/// answer that cannot be read, it may hide a committed create.
pub(crate) fn too_large(limit: u64, ctx: &Ctx<'_>) -> CwError {
    CwError::Decode(format!(
        "ConnectWise sent more than {} for {} {}, so BackupBridge stopped reading it — check the Site ({}).",
        crate::net::size_text(limit),
        ctx.method,
        display_path(ctx),
        ctx.site
    ))
}

/// Decodes a JSON success body; `what` names the thing for the message ("ticket list").
pub(crate) fn decode<T: DeserializeOwned>(
    body: &[u8],
    what: &str,
    ctx: &Ctx<'_>,
) -> Result<T, CwError> {
    serde_json::from_slice(body).map_err(|err| decode_error(body, what, &err.to_string(), ctx))
}

/// The Decode error for a body that is not the JSON expected.
pub(crate) fn decode_error(body: &[u8], what: &str, detail: &str, ctx: &Ctx<'_>) -> CwError {
    if looks_like_html(body) {
        CwError::Decode(format!(
            "ConnectWise answered with HTML instead of JSON — check the Site ({}).",
            ctx.site
        ))
    } else {
        CwError::Decode(format!(
            "The {what} ConnectWise sent could not be read ({}) — check the Site and the API version setting.",
            clip(detail)
        ))
    }
}

/// `Retry-After` in seconds or as an HTTP date, clamped to
/// [`crate::net::MAX_RETRY_AFTER`].
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    crate::net::parse_retry_after(headers.get(RETRY_AFTER)?.to_str().ok()?)
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
