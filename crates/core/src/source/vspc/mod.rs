//! The Veeam Service Provider Console adapter (REST v3,
//! `reference/sources.md` §3): signs in with an API key or a username and
//! password ([`auth`]), reads the `meta.pagingInfo` envelope page by page
//! (500 items at most a page, de-duplicated by uid and read again when the
//! listing moved under it), and turns `alarms/active` into the alarms the
//! engine tracks ([`alarms`]): alarms are incidents already, so no deriver.
//! A self-signed console is trusted only through a pinned certificate
//! (`source.tls_fingerprint`), never by switching checks off.

pub mod alarms;
mod auth;
mod check;
pub mod decode;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use self::auth::{Credentials, TokenSlot};
use self::decode::AlarmListing;
use super::answer::{self, Endpoint};
use super::decode::CompanyList;
use super::kind::SourceKind;
use super::platform::{PlatformError, PlatformOptions};

/// Where tokens come from.
pub const TOKEN_PATH: &str = "/api/v3/token";
/// The companies (`instanceUid`, `name`).
pub const COMPANIES_PATH: &str = "/api/v3/organizations/companies";
/// The alarm templates (name and category of each).
pub const TEMPLATES_PATH: &str = "/api/v3/alarms/templates";
/// The active alarms (resolved ones stay until deleted).
pub const ALARMS_PATH: &str = "/api/v3/alarms/active";
/// The most items VSPC gives in one page.
pub const MAX_PAGE_SIZE: u32 = 500;
/// What to do when the sign-in is refused.
pub const AUTH_HINT: &str = "check the API key (VSPC 7+: Configuration > Security > API keys), or \
                             source.username and its password; set the secret with \
                             `backup-bridge secret set source`";
/// A listing that moved under the reader is read again this many times
/// before it is used as it is (and no alarm is taken as deleted).
const LISTING_READS: usize = 3;
/// A listing longer than this many pages is refused (a console that keeps
/// answering would otherwise be read for ever).
const MAX_PAGES: usize = 2_000;

const KIND: SourceKind = SourceKind::Vspc;

/// The event id of an alarm (`vspc:<alarm uid>`), which [`alarms`] gives its
/// events and [`decode`] an unreadable alarm.
pub fn event_id(alarm_uid: &str) -> String {
    super::derive::event_id(KIND, alarm_uid)
}

/// The VSPC API client. Cheap to clone: clones share the HTTP pool and the
/// tokens.
#[derive(Clone)]
pub struct VspcClient {
    inner: Arc<Inner>,
    page_size: u32,
}

struct Inner {
    endpoint: Endpoint,
    credentials: Credentials,
    token: tokio::sync::Mutex<TokenSlot>,
}

impl std::fmt::Debug for VspcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let user = match &self.inner.credentials {
            Credentials::ApiKey(_) => "(API key)",
            Credentials::Password { username, .. } => username.as_str(),
        };
        f.debug_struct("VspcClient")
            .field("base_url", &self.inner.endpoint.base.as_str())
            .field("username", &user)
            .field("secret", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

fn config(message: impl Into<String>) -> PlatformError {
    PlatformError::Config {
        kind: KIND,
        message: message.into(),
    }
}

fn auth_error(detail: impl Into<String>) -> PlatformError {
    PlatformError::Auth {
        kind: KIND,
        detail: detail.into(),
        hint: AUTH_HINT.to_owned(),
    }
}

/// One page of a listing: its items and the total the console reported.
struct Page {
    items: Vec<Value>,
    total: Option<u64>,
}

/// A whole listing, de-duplicated by uid; `complete` is false when it kept
/// moving while it was read, so what is missing may still exist.
pub(crate) struct Paged {
    pub items: Vec<Value>,
    pub complete: bool,
}

impl VspcClient {
    /// A client for the console at `base_url` (its `/api/v3` suffix, if
    /// given, is dropped; https unless loopback; no redirect is ever
    /// followed). With a `username`, `secret` is that user's password;
    /// without one it is an API key. Nothing is sent until the first call.
    pub fn new(
        base_url: &str,
        username: Option<&str>,
        secret: SecretString,
        options: PlatformOptions,
    ) -> Result<Self, PlatformError> {
        let mut endpoint = Endpoint::new(KIND, base_url, &options)?;
        let base = &mut endpoint.base;
        let path = base.path().trim_end_matches('/');
        if path.to_ascii_lowercase().ends_with("/api/v3") {
            let kept = path[..path.len() - "/api/v3".len()].to_owned();
            base.set_path(&format!("{kept}/"));
        }
        if secret.expose_secret().trim().is_empty() {
            return Err(config(
                "the API key or password is empty; set it with `backup-bridge secret set source`",
            ));
        }
        let credentials = match username.map(str::trim).filter(|u| !u.is_empty()) {
            Some(username) => Credentials::Password {
                username: username.to_owned(),
                password: secret,
            },
            None => Credentials::ApiKey(secret),
        };
        Ok(VspcClient {
            inner: Arc::new(Inner {
                endpoint,
                credentials,
                token: tokio::sync::Mutex::new(TokenSlot::default()),
            }),
            page_size: MAX_PAGE_SIZE,
        })
    }

    /// The same client reading `size` items a page (1..=500; tests use
    /// small pages).
    pub fn with_page_size(mut self, size: u32) -> Self {
        self.page_size = size.clamp(1, MAX_PAGE_SIZE);
        self
    }

    /// The base URL in use (without `/api/v3`).
    pub fn base_url(&self) -> &Url {
        &self.inner.endpoint.base
    }

    /// Password sign-ins and token refreshes so far.
    pub async fn sign_ins(&self) -> (u64, u64) {
        let slot = self.inner.token.lock().await;
        (slot.logins, slot.refreshes)
    }

    /// Every company.
    pub async fn companies(&self) -> Result<CompanyList, PlatformError> {
        let paged = self.list_all(COMPANIES_PATH).await?;
        Ok(decode::companies(&paged.items))
    }

    /// Every active alarm (resolved ones included), with its template's
    /// name and category; `complete` is false when the listing kept moving.
    pub async fn alarms(&self) -> Result<AlarmListing, PlatformError> {
        let templates = self.list_all(TEMPLATES_PATH).await?;
        let templates = decode::templates(&templates.items);
        let paged = self.list_all(ALARMS_PATH).await?;
        Ok(decode::alarms(&paged.items, &templates, paged.complete))
    }

    /// A whole paged listing, de-duplicated by `instanceUid`. A listing
    /// that moved while it was read (its total changed, an item came
    /// twice, fewer items than the total) is read again; if it never holds
    /// still, every item seen is kept and the listing is not `complete`.
    pub(crate) async fn list_all(&self, path: &str) -> Result<Paged, PlatformError> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut union: Vec<Value> = Vec::new();
        for read in 1..=LISTING_READS {
            let (items, steady) = self.read_pages(path).await?;
            if steady {
                return Ok(Paged {
                    items,
                    complete: true,
                });
            }
            tracing::debug!(path, read, "the VSPC listing moved while it was read");
            for item in items {
                match uid_of(&item).map(str::to_owned) {
                    Some(uid) => match seen.get(&uid) {
                        Some(&at) => union[at] = item,
                        None => {
                            seen.insert(uid, union.len());
                            union.push(item);
                        }
                    },
                    None => union.push(item),
                }
            }
        }
        tracing::warn!(
            path,
            "the VSPC listing kept moving while it was read; no alarm is taken as deleted this time"
        );
        Ok(Paged {
            items: union,
            complete: false,
        })
    }

    /// One pass over every page: the items (first of each uid kept) and
    /// whether the listing held still.
    async fn read_pages(&self, path: &str) -> Result<(Vec<Value>, bool), PlatformError> {
        let mut uids = HashSet::new();
        let mut items = Vec::new();
        let mut steady = true;
        let mut first_total = None;
        let mut offset = 0u64;
        for _ in 0..MAX_PAGES {
            let page = self.page(path, offset, self.page_size).await?;
            let count = page.items.len() as u64;
            let total = page.total;
            if first_total.is_none() {
                first_total = total;
            } else if total != first_total {
                steady = false;
            }
            for item in page.items {
                match uid_of(&item) {
                    Some(uid) if !uids.insert(uid.to_owned()) => steady = false,
                    _ => items.push(item),
                }
            }
            offset += count;
            let done = match total {
                Some(total) => count == 0 || offset >= total,
                // No paging info: a page that is not full is the last.
                None => count < u64::from(self.page_size),
            };
            if done {
                if let Some(total) = total {
                    steady &= items.len() as u64 == total;
                }
                return Ok((items, steady));
            }
        }
        Err(answer::decode_error(
            KIND,
            path,
            format!(
                "the listing did not end after {MAX_PAGES} pages of {} items",
                self.page_size
            ),
        ))
    }

    /// `GET path?limit=&offset=`: the page's items and reported total.
    async fn page(&self, path: &str, offset: u64, limit: u32) -> Result<Page, PlatformError> {
        let query = [("limit", u64::from(limit)), ("offset", offset)];
        let mut value = self.get(path, &query).await?;
        let total = value
            .pointer("/meta/pagingInfo/total")
            .and_then(Value::as_u64);
        match value.get_mut("data").map(Value::take) {
            Some(Value::Array(items)) => Ok(Page { items, total }),
            _ => Err(answer::decode_error(
                KIND,
                path,
                "expected {\"meta\": …, \"data\": [ … ]}, the VSPC v3 answer; check that \
                 source.url is the console's address",
            )),
        }
    }

    /// `GET path` as JSON, with the bearer; renewed once when refused.
    async fn get(&self, path: &str, query: &[(&str, u64)]) -> Result<Value, PlatformError> {
        let (token, serial) = self.bearer(None, false).await?;
        let mut response = self.send_get(path, query, &token).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            let body = self.read(response, path).await?;
            let said = answer::reason(&String::from_utf8_lossy(&body));
            if matches!(self.inner.credentials, Credentials::ApiKey(_)) {
                return Err(auth_error(format!(
                    "the API key was refused on {path} (HTTP 401: {said})"
                )));
            }
            tracing::debug!(path, "VSPC refused the access token; renewing it");
            let (token, _) = self.bearer(Some(serial), false).await?;
            response = self.send_get(path, query, &token).await?;
            if response.status() == reqwest::StatusCode::UNAUTHORIZED {
                return Err(auth_error(format!(
                    "the access token was refused on {path} (HTTP 401: {said}) even after \
                     renewing it"
                )));
            }
        }
        let status = response.status();
        if status.is_redirection() {
            return Err(answer::redirect_error(KIND, &response, path));
        }
        let body = self.read(response, path).await?;
        if !status.is_success() {
            return Err(answer::status_error(
                KIND,
                status.as_u16(),
                path,
                &String::from_utf8_lossy(&body),
            ));
        }
        answer::json(KIND, path, &body)
    }

    async fn send_get(
        &self,
        path: &str,
        query: &[(&str, u64)],
        token: &SecretString,
    ) -> Result<reqwest::Response, PlatformError> {
        self.inner.endpoint.get(path, query, token).await
    }

    async fn read(
        &self,
        response: reqwest::Response,
        path: &str,
    ) -> Result<bytes::Bytes, PlatformError> {
        self.inner.endpoint.read(response, path).await
    }
}

/// An item's `instanceUid`, when it has one.
fn uid_of(item: &Value) -> Option<&str> {
    item.get("instanceUid").and_then(Value::as_str)
}
