//! One API request as the endpoints build it, and the login it is sent
//! with. `auth` (credentials, member tokens) and `http` (sending, retries,
//! pagination) both take it; it depends on neither.

use reqwest::Method;
use serde::Serialize;

use super::error::{CwError, Purpose};

/// Which login a request is sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Identity {
    /// The configured account: API-member keys, or the impersonated member's token.
    Account,
    /// The integrator login itself (only to mint tokens).
    IntegratorLogin,
}

/// One API request, relative to `…/apis/3.0/`.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: Method,
    /// Already-encoded path segments joined by `/` (e.g. `service/tickets/5`).
    pub path: String,
    /// Raw query values, percent-encoded when the URL is built.
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    /// Safe to repeat after a retryable error (GET, PATCH, DELETE, searches).
    pub idempotent: bool,
    pub identity: Identity,
    pub purpose: Purpose,
}

impl Request {
    /// A request with defaults: idempotent unless POST, account identity.
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Self {
        let idempotent = method != Method::POST;
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            idempotent,
            identity: Identity::Account,
            purpose: Purpose::Api,
        }
    }

    pub(crate) fn get(path: impl Into<String>) -> Self {
        Request::new(Method::GET, path)
    }

    pub(crate) fn query(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.query.push((key, value.into()));
        self
    }

    pub(crate) fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, CwError> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            CwError::Config(format!(
                "The request body could not be encoded ({e}) — this is a bug; please report it."
            ))
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// The path plus encoded query, e.g. `service/tickets?conditions=id%3D1`.
    pub(crate) fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let query: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencoding::encode(v)))
            .collect();
        format!("{}?{}", self.path, query.join("&"))
    }
}
