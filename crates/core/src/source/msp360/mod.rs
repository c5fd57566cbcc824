//! The MSP360 Managed Backup adapter (`reference/sources.md` §1): signs in
//! with `POST /api/Provider/Login`, keeps the bearer token (shared between
//! clones) until `expires_in` passes, signs in again once when a call is
//! refused with 401, and reads `/api/Companies` and `/api/Monitoring` into
//! companies and an [`Observation`] for the incident deriver. The password
//! only ever travels in the login body; no error or log line carries it or
//! the token.

pub mod decode;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use url::Url;

use super::answer::{self, Endpoint};
use super::decode::CompanyList;
use super::error::excerpt;
use super::kind::SourceKind;
use super::platform::{
    CheckStep, Observation, PlatformError, PlatformOptions, CHECK_COMPANIES, CHECK_MONITORING,
    CHECK_REACHABLE, CHECK_SIGNED_IN,
};

/// Where the API signs in.
pub const LOGIN_PATH: &str = "/api/Provider/Login";
/// The company listing.
pub const COMPANIES_PATH: &str = "/api/Companies";
/// The latest run of every plan on every computer.
pub const MONITORING_PATH: &str = "/api/Monitoring";
/// What to do when the sign-in is refused.
pub const AUTH_HINT: &str = "check source.username and the API password (MSP360 console: \
                             Settings > General > API), `backup-bridge secret set source`";
/// Token lifetime assumed when the login answer gives none.
const DEFAULT_TOKEN_SECS: u64 = 300;
/// A token is renewed this long before it expires (at most a tenth of its life).
const TOKEN_MARGIN_SECS: u64 = 60;

const KIND: SourceKind = SourceKind::Msp360;

/// The MSP360 API client. Cheap to clone: clones share the HTTP pool and
/// the sign-in token.
#[derive(Clone)]
pub struct Msp360Client {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    username: String,
    password: SecretString,
    token: tokio::sync::Mutex<TokenSlot>,
}

#[derive(Default)]
struct TokenSlot {
    current: Option<Token>,
    /// Counts sign-ins, so a token refused by one call is not replaced
    /// twice when another call already signed in again.
    serial: u64,
}

struct Token {
    value: SecretString,
    expires: Instant,
    serial: u64,
}

impl std::fmt::Debug for Msp360Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Msp360Client")
            .field("base_url", &self.inner.endpoint.base.as_str())
            .field("username", &self.inner.username)
            .field("password", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

fn config(message: impl Into<String>) -> PlatformError {
    PlatformError::Config {
        kind: KIND,
        message: message.into(),
    }
}

fn decode_error(path: &str, message: impl Into<String>) -> PlatformError {
    answer::decode_error(KIND, path, message)
}

fn auth(detail: impl Into<String>) -> PlatformError {
    PlatformError::Auth {
        kind: KIND,
        detail: detail.into(),
        hint: AUTH_HINT.to_owned(),
    }
}

fn reason(body: &str) -> String {
    answer::reason(body)
}

fn status_error(status: u16, path: &str, body: &str) -> PlatformError {
    answer::status_error(KIND, status, path, body)
}

impl Msp360Client {
    /// A client for the API at `base_url` (https unless loopback; no
    /// redirect is ever followed). Nothing is sent until the first call.
    pub fn new(
        base_url: &str,
        username: &str,
        password: SecretString,
        options: PlatformOptions,
    ) -> Result<Self, PlatformError> {
        let endpoint = Endpoint::new(KIND, base_url, &options)?;
        let username = username.trim();
        if username.is_empty() {
            return Err(config(
                "source.username is empty; set it with `backup-bridge config set source.username \
                 NAME`",
            ));
        }
        if password.expose_secret().is_empty() {
            return Err(config(
                "the API password is empty; set it with `backup-bridge secret set source`",
            ));
        }
        Ok(Msp360Client {
            inner: Arc::new(Inner {
                endpoint,
                username: username.to_owned(),
                password,
                token: tokio::sync::Mutex::new(TokenSlot::default()),
            }),
        })
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &Url {
        &self.inner.endpoint.base
    }

    /// Every company, plus one `user:<UserID>` pseudo-company for each user
    /// whose plans have no company.
    pub async fn companies(&self) -> Result<CompanyList, PlatformError> {
        let companies = self.list(COMPANIES_PATH).await?;
        let rows = self.list(MONITORING_PATH).await?;
        let mut list = decode::companies(&companies);
        list.companies.extend(decode::user_companies(&rows));
        Ok(list)
    }

    /// The latest run of every plan; `known` are the keys the deriver holds,
    /// so the ones no longer listed are reported gone.
    pub async fn observe(&self, known: &BTreeSet<String>) -> Result<Observation, PlatformError> {
        let companies = decode::companies(&self.list(COMPANIES_PATH).await?);
        let rows = self.list(MONITORING_PATH).await?;
        let mut observation = decode::observation(&companies.companies, &rows, known);
        if !companies.rejected.is_empty() {
            tracing::warn!(
                skipped = companies.rejected.len(),
                "MSP360 /api/Companies had unreadable items"
            );
        }
        observation.cursor = None;
        Ok(observation)
    }

    /// *Test connection*: reachable, signed in (a fresh sign-in), can list
    /// companies, can read monitoring; stops at the first failure.
    pub async fn check(&self) -> Vec<CheckStep> {
        let mut steps = Vec::new();
        match self.token(None, true).await {
            Err(e @ (PlatformError::Network { .. } | PlatformError::Timeout { .. })) => {
                steps.push(CheckStep::new(CHECK_REACHABLE, false, e.to_string()));
                return steps;
            }
            Err(e) => {
                steps.push(CheckStep::new(
                    CHECK_REACHABLE,
                    true,
                    format!("{} answered", self.inner.endpoint.base),
                ));
                steps.push(CheckStep::new(CHECK_SIGNED_IN, false, e.to_string()));
                return steps;
            }
            Ok(_) => {
                steps.push(CheckStep::new(
                    CHECK_REACHABLE,
                    true,
                    format!("{} answered", self.inner.endpoint.base),
                ));
                steps.push(CheckStep::new(
                    CHECK_SIGNED_IN,
                    true,
                    format!("signed in as {}", self.inner.username),
                ));
            }
        }
        match self.list(COMPANIES_PATH).await {
            Ok(items) => steps.push(CheckStep::new(
                CHECK_COMPANIES,
                true,
                format!("{} companies", items.len()),
            )),
            Err(e) => {
                steps.push(CheckStep::new(CHECK_COMPANIES, false, e.to_string()));
                return steps;
            }
        }
        match self.list(MONITORING_PATH).await {
            Ok(rows) => steps.push(CheckStep::new(
                CHECK_MONITORING,
                true,
                format!("{} plans", rows.len()),
            )),
            Err(e) => steps.push(CheckStep::new(CHECK_MONITORING, false, e.to_string())),
        }
        steps
    }

    /// A listing: a bare JSON array, else a decode error naming `path`.
    async fn list(&self, path: &str) -> Result<Vec<Value>, PlatformError> {
        match self.get(path).await? {
            Value::Array(items) => Ok(items),
            other => Err(decode_error(
                path,
                format!(
                    "expected a JSON array, got {}",
                    match other {
                        Value::Object(_) => "an object",
                        Value::String(_) => "a string",
                        Value::Number(_) => "a number",
                        Value::Bool(_) => "a boolean",
                        _ => "null",
                    }
                ),
            )),
        }
    }

    /// `GET path` as JSON, signing in first when needed and once more when
    /// the token is refused.
    async fn get(&self, path: &str) -> Result<Value, PlatformError> {
        let (token, serial) = self.token(None, false).await?;
        let mut response = self.send_get(path, &token).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            tracing::debug!(path, "MSP360 refused the token; signing in again");
            let (token, _) = self.token(Some(serial), false).await?;
            response = self.send_get(path, &token).await?;
            if response.status() == reqwest::StatusCode::UNAUTHORIZED {
                return Err(auth(format!(
                    "the token was refused on {path} (HTTP 401) even after signing in again"
                )));
            }
        }
        let status = response.status();
        if status.is_redirection() {
            return Err(answer::redirect_error(KIND, &response, path));
        }
        let body = self.read(response, path).await?;
        if !status.is_success() {
            return Err(status_error(
                status.as_u16(),
                path,
                &String::from_utf8_lossy(&body),
            ));
        }
        serde_json::from_slice(&body).map_err(|e| {
            decode_error(
                path,
                format!(
                    "not JSON ({e}): {}",
                    excerpt(&String::from_utf8_lossy(&body))
                ),
            )
        })
    }

    async fn send_get(
        &self,
        path: &str,
        token: &SecretString,
    ) -> Result<reqwest::Response, PlatformError> {
        self.inner.endpoint.get(path, &[], token).await
    }

    async fn read(
        &self,
        response: reqwest::Response,
        path: &str,
    ) -> Result<bytes::Bytes, PlatformError> {
        self.inner.endpoint.read(response, path).await
    }

    /// The token to use and its serial: the kept one while it lasts, unless
    /// `refused` names it or `fresh` asks for a new sign-in.
    async fn token(
        &self,
        refused: Option<u64>,
        fresh: bool,
    ) -> Result<(SecretString, u64), PlatformError> {
        let mut slot = self.inner.token.lock().await;
        if let Some(token) = &slot.current {
            if !fresh && token.expires > Instant::now() && Some(token.serial) != refused {
                return Ok((token.value.clone(), token.serial));
            }
        }
        slot.current = None;
        let (value, lifetime) = self.login().await?;
        slot.serial += 1;
        let margin = Duration::from_secs(TOKEN_MARGIN_SECS).min(lifetime / 10);
        slot.current = Some(Token {
            value: value.clone(),
            expires: Instant::now() + lifetime.saturating_sub(margin),
            serial: slot.serial,
        });
        Ok((value, slot.serial))
    }

    /// `POST /api/Provider/Login`: the token and how long it lasts.
    async fn login(&self) -> Result<(SecretString, Duration), PlatformError> {
        let body = json!({
            "UserName": self.inner.username,
            "Password": self.inner.password.expose_secret(),
        });
        let endpoint = &self.inner.endpoint;
        let request = endpoint.http.post(endpoint.url(LOGIN_PATH)).json(&body);
        let response = endpoint.send(request, LOGIN_PATH).await?;
        drop(body);
        let status = response.status();
        if status.is_redirection() {
            return Err(answer::redirect_error(KIND, &response, LOGIN_PATH));
        }
        let bytes = self.read(response, LOGIN_PATH).await?;
        let text = self.scrub(&String::from_utf8_lossy(&bytes));
        if !status.is_success() {
            let value = serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
            let grant = value.get("error").and_then(Value::as_str) == Some("invalid_grant");
            return Err(match status.as_u16() {
                400 if grant => auth(reason(&text)),
                401 | 403 => auth(format!("HTTP {}: {}", status.as_u16(), reason(&text))),
                code => status_error(code, LOGIN_PATH, &text),
            });
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| decode_error(LOGIN_PATH, format!("not JSON ({e}): {}", excerpt(&text))))?;
        let token = value
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| decode_error(LOGIN_PATH, "the answer has no access_token"))?;
        let seconds = match value.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .unwrap_or(DEFAULT_TOKEN_SECS);
        Ok((
            SecretString::from(token.to_owned()),
            Duration::from_secs(seconds),
        ))
    }

    /// `text` without the password, should a server ever echo it.
    fn scrub(&self, text: &str) -> String {
        let password = self.inner.password.expose_secret();
        if password.len() >= 3 {
            text.replace(password, "[REDACTED]")
        } else {
            text.to_owned()
        }
    }
}
