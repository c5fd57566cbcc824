//! ConnectWise PSA (Manage) REST client.
//!
//! One [`CwClient`] per configuration, cheap to clone. It makes no request
//! until a method needs one: the codebase is discovered lazily (and re-read
//! once on a 404, the request re-sent only if it changed), member tokens are
//! minted lazily in integrator mode.
//! Status codes become typed [`CwError`]s in one place (`error.rs`), requests
//! that are safe to repeat are retried with capped, jittered backoff
//! (`http.rs`), and list endpoints are paginated inside the client.
//!
//! Layout: `config` (settings, site), `request` (one request and its
//! login), `auth` (Basic header, member tokens), `error` (mapping), `http`
//! (send, retry, paginate), `pace` (client-side request-rate limit), `types`
//! (records),
//! `setup` / `tickets` / `permissions` (endpoints), `text` (field rules).

mod auth;
mod config;
mod error;
mod http;
mod pace;
mod permissions;
mod request;
mod server_text;
mod setup;
mod text;
mod tickets;
mod types;

#[cfg(test)]
mod mock;

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::ExposeSecret;

pub use config::{
    api_host, CwAuth, CwConfig, DEFAULT_API_VERSION, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES,
    DEFAULT_REQUEST_TIMEOUT,
};
pub use error::CwError;
pub use http::{page_params, parse_link_header};
pub use pace::DEFAULT_REQUESTS_PER_MINUTE;
pub use text::{
    clamp_external_xref, is_invisible_format, strip_invisible, truncate_summary, utf16_len,
    utf16_prefix, EXTERNAL_XREF_MAX_CHARS, SUMMARY_MAX_CHARS,
};
pub use types::{
    Agreement, Board, BoardStatus, Company, CompanyRef, IdRef, MissingRight, NamedRef, NewNote,
    NewTicket, Note, PatchOp, PermissionReport, Priority, SystemInfo, Ticket,
};

use config::{normalise_codebase, Site};

/// Largest page ConnectWise serves (since 2016.2).
pub const MAX_PAGE_SIZE: usize = 1000;
/// Default first backoff step between retries (doubles per attempt, jittered).
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Default cap on any single wait between retries, `Retry-After` included.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);

/// The ConnectWise client. Clones share one connection pool, codebase and token.
#[derive(Clone)]
pub struct CwClient {
    inner: Arc<Inner>,
    tuning: Tuning,
}

/// Shared state behind the `Arc`.
struct Inner {
    http: reqwest::Client,
    site: Site,
    company: String,
    client_id: HeaderValue,
    accept: HeaderValue,
    auth: CwAuth,
    max_retries: u32,
    /// Normalised codebase (`v2025_1/`), `None` until discovered.
    codebase: RwLock<Option<String>>,
    /// Serialises discovery so concurrent first calls fetch company info once.
    discovery: tokio::sync::Mutex<()>,
    token: auth::TokenCache,
    /// Client-side request pacing shared by every clone.
    pacer: pace::Pacer,
}

/// Per-handle knobs (kept outside the `Arc` so tests can shorten waits).
#[derive(Debug, Clone, Copy)]
struct Tuning {
    backoff_base: Duration,
    max_wait: Duration,
    page_size: usize,
    /// The largest answer body read ([`crate::net::MAX_BODY_BYTES`]).
    max_body_bytes: u64,
}

impl CwClient {
    /// Checks the configuration and builds the client; sends nothing.
    pub fn new(cfg: CwConfig) -> Result<Self, CwError> {
        let site = Site::parse(&cfg.site)?;
        let company = cfg.company_id.trim().to_string();
        if company.is_empty() {
            return Err(CwError::Config(
                "The ConnectWise company is empty — enter the Company you type on the ConnectWise login page.".into(),
            ));
        }
        let client_id = header_value(cfg.client_id.trim(), "clientId")?;
        check_auth(&cfg.auth)?;
        let accept = match cfg.api_version.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => header_value(
                &format!("application/vnd.connectwise.com+json; version={v}"),
                "API version",
            )?,
            _ => HeaderValue::from_static("application/json"),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            // A redirect would replay credentials elsewhere or turn a POST into a GET.
            .redirect(reqwest::redirect::Policy::none())
            // Plain http only ever for a loopback site (the simulator).
            .https_only(site.is_https())
            .user_agent(concat!("BackupBridge/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                CwError::Config(format!(
                    "The HTTP client could not be set up ({e}) — restart the app."
                ))
            })?;
        let codebase = cfg
            .codebase
            .as_deref()
            .map(normalise_codebase)
            .filter(|c| !c.is_empty());
        Ok(CwClient {
            inner: Arc::new(Inner {
                http,
                site,
                company,
                client_id,
                accept,
                auth: cfg.auth,
                max_retries: cfg.max_retries,
                codebase: RwLock::new(codebase),
                discovery: tokio::sync::Mutex::new(()),
                token: auth::TokenCache::default(),
                pacer: pace::Pacer::new(cfg.requests_per_minute),
            }),
            tuning: Tuning {
                backoff_base: DEFAULT_BACKOFF_BASE,
                max_wait: DEFAULT_MAX_WAIT,
                page_size: MAX_PAGE_SIZE,
                max_body_bytes: crate::net::MAX_BODY_BYTES,
            },
        })
    }

    /// The discovered (or configured) codebase, for the caller to persist.
    pub fn codebase(&self) -> Option<String> {
        match self.inner.codebase.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Sets the first backoff step and the cap on any single wait (tests use milliseconds).
    pub fn with_backoff(mut self, base: Duration, max_wait: Duration) -> Self {
        self.tuning.backoff_base = base;
        self.tuning.max_wait = max_wait;
        self
    }

    /// Sets the page size used for list requests (1..=1000; tests use small pages).
    pub fn with_page_size(mut self, page_size: usize) -> Self {
        self.tuning.page_size = page_size.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// Sets the largest answer body read (tests use a few hundred bytes
    /// instead of 32 MB).
    pub fn with_max_body_bytes(mut self, bytes: u64) -> Self {
        self.tuning.max_body_bytes = bytes;
        self
    }

    /// Stores a codebase just read from company info.
    fn set_codebase(&self, codebase: &str) {
        let value = Some(normalise_codebase(codebase));
        match self.inner.codebase.write() {
            Ok(mut guard) => *guard = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }
}

impl fmt::Debug for CwClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CwClient")
            .field("site", &self.inner.site.display())
            .field("company", &self.inner.company)
            .field("auth", &self.inner.auth)
            .field("codebase", &self.codebase())
            .field("tuning", &self.tuning)
            .finish_non_exhaustive()
    }
}

fn header_value(value: &str, what: &str) -> Result<HeaderValue, CwError> {
    if value.is_empty() {
        return Err(CwError::Config(format!(
            "The ConnectWise {what} is empty — fill it in under Setup."
        )));
    }
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        CwError::Config(format!(
            "The ConnectWise {what} contains characters that cannot be sent — re-enter it under Setup."
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}

fn check_auth(auth: &CwAuth) -> Result<(), CwError> {
    let missing = |what: &str| {
        Err(CwError::Config(format!(
            "The ConnectWise {what} is empty — fill it in under Setup."
        )))
    };
    match auth {
        CwAuth::ApiMember {
            public_key,
            private_key,
        } => {
            if public_key.trim().is_empty() {
                return missing("public key");
            }
            if private_key.expose_secret().is_empty() {
                return missing("private key");
            }
        }
        CwAuth::Integrator {
            username,
            password,
            member_identifier,
        } => {
            if username.trim().is_empty() {
                return missing("integrator username");
            }
            if password.expose_secret().is_empty() {
                return missing("integrator password");
            }
            let member = member_identifier.trim();
            if member.is_empty() {
                return missing("member to impersonate");
            }
            if member.chars().all(|c| c == '.') || member.contains('/') {
                return Err(CwError::Config(format!(
                    "The member to impersonate \"{member}\" is not a valid member identifier — enter the member's identifier from System › Members."
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod client_tests;
#[cfg(test)]
#[path = "endpoint_tests.rs"]
mod endpoint_tests;
#[cfg(test)]
#[path = "transport_tests.rs"]
mod transport_tests;
