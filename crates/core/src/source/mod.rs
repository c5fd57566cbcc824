//! Where the events come from (design §8): the Cloud Backup Dashboard client
//! below, the platform adapters ([`msp360`], [`comet`], [`vspc`]) with the
//! incident deriver ([`derive`]) for the platforms that report plans, the
//! [`Source`] enum the engine works through, certificate pinning ([`tls`])
//! and the HTTP rules they share (`transport`, `answer`).
//!
//! The Cloud Backup Dashboard client (`reference/dashboard-api.md`): built
//! once with an injected base URL and a bearer token held as a
//! `SecretString`; pages through listings itself (`pageSize=1000` unless
//! told otherwise, following `nextPage`; the events can be read one page at a
//! time, [`EventStream`]); maps every failure to a typed [`SourceError`]; retries the
//! retryable ones (all requests are GETs, so retrying is safe) with capped,
//! jittered backoff, honouring `Retry-After`.

mod answer;
mod base_url;
mod client;
pub mod comet;
mod decode;
pub mod derive;
mod error;
mod kind;
pub mod msp360;
mod page;
pub mod platform;
pub mod tls;
mod transport;
pub mod vspc;

pub use base_url::{is_loopback, parse_base_url};
pub use client::Source;
pub use decode::{CompanyList, RejectedItem, Snapshot};
pub use error::SourceError;
pub use kind::{SourceKind, MSP360_DEFAULT_URL};
pub use page::{decode_event_page, EventStream, Listing, PageMark, StreamEnd};
pub use transport::http_client;

use page::{next_of, parse_page, too_many_pages};

use std::path::Path;
use std::time::Duration;

use rand::Rng;
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use url::Url;

/// Path of the company listing.
pub const COMPANIES_PATH: &str = "/api/v1/companies";
/// Path of the monitoring event snapshot.
pub const EVENTS_PATH: &str = "/api/v1/monitoring/events";
/// Items per page we ask for (the API's maximum).
pub const PAGE_SIZE: u32 = 1000;
/// Events per page the sync engine asks for. A cycle holds one page of
/// events and their tickets' drafts at a time, so this bounds its memory
/// however many events the Dashboard has; each further page costs an
/// unchanged cycle one request (BENCHMARKS.md: 250 keeps a first sync of
/// 10,000 events under 15 MB and an unchanged cycle under 10 ms).
pub const EVENTS_PAGE_SIZE: u32 = 250;
/// A listing longer than this many pages is treated as a server bug (a `nextPage` loop).
pub const MAX_PAGES: u64 = 10_000;
/// The most a whole events listing may take, kept on disk until used: 1 GB.
pub const MAX_LISTING_BYTES: u64 = 1024 * 1024 * 1024;

/// When and how often to retry a retryable failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Backoff before retry n is `base_delay * 2^n`, capped at `max_delay`, then jittered to 50–100 %.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited out here: the error goes
    /// back to the caller (the sync loop waits for its next cycle instead).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How long to wait before retry number `attempt` (0-based) after `error`,
    /// or `None` to give up.
    pub fn delay(&self, attempt: u32, error: &SourceError) -> Option<Duration> {
        if !error.is_retryable() || attempt >= self.max_retries {
            return None;
        }
        if let SourceError::RateLimited {
            retry_after: Some(wait),
        } = error
        {
            return (*wait <= self.max_retry_after).then_some(*wait);
        }
        let factor = 2u32.saturating_pow(attempt);
        let backoff = self.base_delay.saturating_mul(factor).min(self.max_delay);
        // Jitter keeps several clients from retrying in lockstep.
        Some(backoff.mul_f64(rand::thread_rng().gen_range(0.5..=1.0)))
    }
}

/// Everything tunable about the client; `Default` is what the product uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// Whole-request timeout, body included.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Items per page (1..=1000).
    pub page_size: u32,
    /// The largest page body read ([`crate::net::MAX_BODY_BYTES`]).
    pub max_page_bytes: u64,
    /// The largest whole events listing kept on disk ([`MAX_LISTING_BYTES`]).
    pub max_listing_bytes: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            page_size: PAGE_SIZE,
            max_page_bytes: crate::net::MAX_BODY_BYTES,
            max_listing_bytes: MAX_LISTING_BYTES,
        }
    }
}

/// The Dashboard client. Cheap to clone (the HTTP pool is shared).
#[derive(Debug, Clone)]
pub struct DashboardClient {
    http: reqwest::Client,
    base: Url,
    token: SecretString,
    options: ClientOptions,
}

impl DashboardClient {
    /// A client with the default options. `base_url` must be https unless
    /// loopback; no redirect is ever followed.
    pub fn new(base_url: &str, token: SecretString) -> Result<Self, SourceError> {
        Self::with_options(base_url, token, ClientOptions::default())
    }

    /// A client with explicit timeouts, retry policy and page size (tests use short ones).
    pub fn with_options(
        base_url: &str,
        token: SecretString,
        options: ClientOptions,
    ) -> Result<Self, SourceError> {
        let (base, http) = http_client(
            base_url,
            "dashboard.url",
            options.connect_timeout,
            options.request_timeout,
        )?;
        if token.expose_secret().trim().is_empty() {
            return Err(SourceError::Config(
                "the Dashboard token is empty; set it with `backup-bridge secret set dashboard`"
                    .to_owned(),
            ));
        }
        if !(1..=PAGE_SIZE).contains(&options.page_size) {
            return Err(SourceError::Config(format!(
                "the page size must be between 1 and {PAGE_SIZE}"
            )));
        }
        Ok(DashboardClient {
            http,
            base,
            token,
            options,
        })
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Every Dashboard company; malformed or duplicate items are in `rejected`.
    pub async fn companies(&self) -> Result<CompanyList, SourceError> {
        let mut decoder = decode::Decoder::companies();
        let mut page = 1;
        for _ in 0..MAX_PAGES {
            let (content_type, body) = self.body_with_retries(COMPANIES_PATH, page).await?;
            let current = parse_page(COMPANIES_PATH, &content_type, &body)?;
            for item in &current.items {
                decoder.push_raw(item);
            }
            match next_of(COMPANIES_PATH, page, current.next_page)? {
                Some(next) => page = next,
                None => return Ok(decoder.into_list()),
            }
        }
        Err(too_many_pages(COMPANIES_PATH))
    }

    /// The current events (every page, decoded), all held at once.
    pub async fn snapshot(&self) -> Result<Snapshot, SourceError> {
        let mut stream = self.events(&std::env::temp_dir());
        let mut events = Vec::new();
        while let Some(page) = stream.next_page().await? {
            events.extend(page);
        }
        Ok(Snapshot {
            events,
            rejected: stream.finish().rejected,
        })
    }

    /// The events listing, to be decoded one page at a time; its pages are
    /// kept in a temporary file in `spool_dir` until then.
    pub fn events(&self, spool_dir: &Path) -> EventStream<'_> {
        EventStream {
            client: self,
            spool_dir: spool_dir.to_owned(),
            held: None,
            spool: None,
            decoder: decode::Decoder::events(),
            marks: Vec::new(),
        }
    }

    /// Checks whether the events listing still has exactly the bytes `known`
    /// marks (from an earlier [`EventStream`]): each page is fetched and
    /// hashed, never parsed. At the first page that differs the check stops
    /// and hands back the listing to read (as [`DashboardClient::events`]),
    /// which uses that page's bytes instead of fetching it again.
    pub async fn check(
        &self,
        known: &[PageMark],
        spool_dir: &Path,
    ) -> Result<Listing<'_>, SourceError> {
        let mut page = 1;
        for (index, mark) in known.iter().enumerate() {
            let (content_type, body) = self.body_with_retries(EVENTS_PATH, page).await?;
            let digest: [u8; 32] = Sha256::digest(&body).into();
            if digest != mark.digest {
                let mut stream = self.events(spool_dir);
                stream.held = Some((page, content_type, body));
                return Ok(Listing::Changed(Box::new(stream)));
            }
            // The same bytes hold the same `nextPage`.
            match next_of(EVENTS_PATH, page, mark.next_page)? {
                Some(next) => page = next,
                None if index + 1 == known.len() => return Ok(Listing::Unchanged),
                None => break,
            }
        }
        Ok(Listing::Changed(Box::new(self.events(spool_dir))))
    }

    async fn body_with_retries(
        &self,
        path: &str,
        page: u64,
    ) -> Result<(String, bytes::Bytes), SourceError> {
        let mut attempt = 0;
        loop {
            match self.body_once(path, page).await {
                Ok(p) => return Ok(p),
                Err(e) => match self.options.retry.delay(attempt, &e) {
                    Some(wait) => {
                        tracing::debug!(%e, attempt, ?wait, path, page, "retrying Dashboard request");
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                    None => return Err(e),
                },
            }
        }
    }

    /// One page's content type and body; a non-2xx answer is an error.
    async fn body_once(
        &self,
        path: &str,
        page: u64,
    ) -> Result<(String, bytes::Bytes), SourceError> {
        let url = base_url::join(&self.base, path);
        let response = self
            .http
            .get(url)
            .query(&[
                ("page", page),
                ("pageSize", u64::from(self.options.page_size)),
            ])
            .bearer_auth(self.token.expose_secret())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| SourceError::from_reqwest(&e))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(transport::redirect_error(
                status.as_u16(),
                path,
                response.headers(),
            ));
        }
        let retry_after = error::parse_retry_after(response.headers().get(RETRY_AFTER));
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_owned();
        let what = format!("page {page} of {path}");
        let body = transport::read_body(response, self.options.max_page_bytes, &what).await?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            return Err(SourceError::from_status(
                status.as_u16(),
                path,
                retry_after,
                &text,
            ));
        }
        Ok((content_type, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_are_bounded_and_jittered() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(5),
        };
        let server = SourceError::Server {
            status: 503,
            message: String::new(),
        };
        for attempt in 0..5 {
            let full =
                Duration::from_millis(100 * 2u64.pow(attempt)).min(Duration::from_millis(500));
            let wait = policy.delay(attempt, &server).unwrap();
            assert!(
                wait >= full / 2 && wait <= full,
                "attempt {attempt}: {wait:?}"
            );
        }
        assert_eq!(policy.delay(5, &server), None);
        assert_eq!(policy.delay(0, &SourceError::Auth), None);
        let limited = |s| SourceError::RateLimited {
            retry_after: Some(Duration::from_secs(s)),
        };
        assert_eq!(policy.delay(0, &limited(3)), Some(Duration::from_secs(3)));
        assert_eq!(policy.delay(0, &limited(6)), None);
        assert_eq!(RetryPolicy::none().delay(0, &server), None);
    }

    #[test]
    fn construction_is_checked() {
        let token = || SecretString::from("tok");
        assert!(DashboardClient::new("https://dash.example.com", token()).is_ok());
        let e = DashboardClient::new("http://dash.example.com", token()).unwrap_err();
        assert!(matches!(e, SourceError::Config(_)));
        assert!(e.to_string().contains("must use https"), "{e}");
        let e =
            DashboardClient::new("https://dash.example.com", SecretString::from(" ")).unwrap_err();
        assert!(e.to_string().contains("token is empty"), "{e}");
        let client =
            DashboardClient::new("http://127.0.0.1:1", SecretString::from("s3cr3t")).unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t"));
    }
}
