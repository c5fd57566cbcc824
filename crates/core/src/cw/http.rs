//! Sending requests: URL building, headers, discovery, retries with capped
//! jittered backoff, token re-mint on 401, and pagination over `Link` headers.
//!
//! Retries apply only to retryable errors of requests marked idempotent;
//! ticket and note creation are never repeated here after a failure that may
//! have landed (the engine dedupes by `externalXRef`). Re-sending after a 429
//! (throttled before anything was done, so sent again after its
//! `Retry-After`, as the vendor documents), after a 401 (new token) or after
//! a 404 whose re-discovery found a new codebase is safe for any request:
//! ConnectWise did not process the first attempt.

use std::time::Duration;

use rand::Rng as _;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LINK};
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::auth::Credentials;
use super::error::{self, Ctx, CwError, Purpose};
use super::request::Request;
use super::types::CompanyInfo;
use super::{CwClient, Tuning};
use crate::net::{self, BodyError};

/// Longest URL sent; longer filters go through `POST …/search`.
pub(crate) const MAX_URL_CHARS: usize = 2000;
/// Safety stop for pagination (a server repeating its `next` link).
const MAX_PAGES: usize = 10_000;

/// A received HTTP answer.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Tuning {
    /// How long to wait before retry number `attempt + 1` after `err`.
    fn wait(&self, err: &CwError, attempt: u32) -> Duration {
        if let CwError::RateLimited {
            retry_after: Some(wait),
        } = err
        {
            return (*wait).min(self.max_wait);
        }
        let step = self
            .backoff_base
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_wait);
        // Jitter in [step/2, step] so parallel clients do not retry in lockstep.
        let ms = u64::try_from(step.as_millis()).unwrap_or(u64::MAX);
        let half = ms / 2;
        Duration::from_millis(ms - half + rand::thread_rng().gen_range(0..=half))
    }
}

impl CwClient {
    /// The error context of `req`.
    pub(crate) fn ctx<'a>(&'a self, req: &'a Request) -> Ctx<'a> {
        Ctx {
            method: &req.method,
            path: &req.path,
            purpose: req.purpose,
            member: self.impersonated_member(),
            site: self.inner.site.display(),
            company: &self.inner.company,
        }
    }

    /// The full URL of `req` against `codebase`.
    pub(crate) fn url(&self, codebase: &str, req: &Request) -> Result<String, CwError> {
        let base = self.inner.site.api_base(codebase)?;
        Ok(format!("{}{}", base.as_str(), req.path_and_query()))
    }

    /// Length of the URL `req` would have (for the 2000-character rule).
    pub(crate) fn url_len(&self, req: &Request) -> usize {
        let codebase = self.codebase().unwrap_or_else(|| "v0000_0/".into());
        self.url(&codebase, req)
            .map(|u| u.len())
            .unwrap_or(usize::MAX)
    }

    /// Sends `req` and returns its 2xx answer, or the mapped error.
    pub(crate) async fn execute(&self, req: &Request) -> Result<Response, CwError> {
        let mut attempt: u32 = 0;
        let mut rediscovered = false;
        let mut reminted = false;
        loop {
            let (codebase, fresh) = self.ensure_codebase().await?;
            rediscovered |= fresh;
            let url = self.url(&codebase, req)?;
            let creds = self.credentials(req.identity).await?;
            let ctx = self.ctx(req);
            let err = match self
                .send_once(&req.method, &url, req.body.as_deref(), Some(&creds), &ctx)
                .await
            {
                Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp),
                Ok(resp) => {
                    // Any 404 may mean a stale codebase (cloud upgrade, or one
                    // cached by an earlier run): company info is re-read once,
                    // and the request re-sent only if the codebase changed.
                    if resp.status == 404 && !rediscovered {
                        rediscovered = true;
                        if self.rediscover(&codebase).await? {
                            continue;
                        }
                    }
                    if resp.status == 401 && !reminted {
                        if let Some(generation) = creds.token_generation {
                            reminted = true;
                            self.discard_token(generation).await;
                            continue;
                        }
                    }
                    error::from_response(resp.status, &resp.headers, &resp.body, &ctx)
                }
                Err(err) => err,
            };
            // A 429 was not processed: even a create or a note goes again.
            let repeatable = req.idempotent || matches!(err, CwError::RateLimited { .. });
            if repeatable && err.is_retryable() && attempt < self.inner.max_retries {
                let wait = self.tuning.wait(&err, attempt);
                tracing::debug!(method = %req.method, path = %req.path, attempt, ?wait, error = %err, "retrying ConnectWise request");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            return Err(err);
        }
    }

    /// Sends `req`, decodes the JSON answer as `T`.
    pub(crate) async fn fetch<T: DeserializeOwned>(
        &self,
        req: &Request,
        what: &str,
    ) -> Result<T, CwError> {
        let resp = self.execute(req).await?;
        error::decode(&resp.body, what, &self.ctx(req))
    }

    /// Fetches every page of a list: `pageSize` rows per page, following `Link rel="next"`
    /// (its `page`/`pageId` applied to our own URL, so credentials never follow a
    /// foreign host); stops when there is no next link or a page comes back short.
    pub(crate) async fn fetch_all<T: DeserializeOwned>(
        &self,
        req: Request,
        what: &str,
    ) -> Result<Vec<T>, CwError> {
        let page_size = self.tuning.page_size;
        let mut rows = Vec::new();
        let mut page: u64 = 1;
        let mut page_id: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut this = req.clone().query("pageSize", page_size.to_string());
            this = match &page_id {
                Some(id) => this.query("pageId", id.clone()),
                None => this.query("page", page.to_string()),
            };
            let resp = self.execute(&this).await?;
            let batch: Vec<T> = error::decode(&resp.body, what, &self.ctx(&this))?;
            let count = batch.len();
            rows.extend(batch);
            if count < page_size {
                break;
            }
            let Some(next) = next_link(&resp.headers) else {
                break;
            };
            match page_params(&next) {
                (_, Some(id)) => {
                    if page_id.as_deref() == Some(id.as_str()) {
                        break;
                    }
                    page_id = Some(id);
                }
                (Some(next_page), None) if next_page > page => page = next_page,
                (Some(_), None) => break,
                (None, None) => page += 1,
            }
        }
        Ok(rows)
    }

    /// One HTTP exchange with the standard headers; no retry, no mapping of statuses.
    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        body: Option<&[u8]>,
        creds: Option<&Credentials>,
        ctx: &Ctx<'_>,
    ) -> Result<Response, CwError> {
        // Every exchange (retries, discovery, token mints too) keeps to the pace.
        self.inner.pacer.wait_turn().await;
        let mut builder = self
            .inner
            .http
            .request(method.clone(), url)
            .header("clientId", self.inner.client_id.clone())
            .header(ACCEPT, self.inner.accept.clone());
        if let Some(creds) = creds {
            builder = builder.header(AUTHORIZATION, creds.authorization.clone());
            if let Some(usertype) = creds.usertype {
                builder = builder.header("x-cw-usertype", usertype);
            }
        }
        if let Some(body) = body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let resp = builder
            .send()
            .await
            .map_err(|e| error::from_transport(&e, ctx))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let limit = self.tuning.max_body_bytes;
        let body = match net::read_body(resp, limit).await {
            Ok(body) => body,
            // An error answer is classified by its status alone.
            Err(BodyError::TooLarge) if !(200..300).contains(&status) => Vec::new(),
            Err(BodyError::TooLarge) => return Err(error::too_large(limit, ctx)),
            Err(BodyError::Transport(e)) => return Err(error::from_transport(&e, ctx)),
        };
        // One line per exchange, inside the cycle's span (its run id).
        tracing::info!(%method, path = %ctx.path, status, "ConnectWise request");
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// The codebase to use, discovering it first if unknown; `true` when just discovered.
    async fn ensure_codebase(&self) -> Result<(String, bool), CwError> {
        if let Some(codebase) = self.codebase() {
            return Ok((codebase, false));
        }
        let _guard = self.inner.discovery.lock().await;
        if let Some(codebase) = self.codebase() {
            return Ok((codebase, true));
        }
        let codebase = self.fetch_codebase().await?;
        self.set_codebase(&codebase);
        Ok((codebase, true))
    }

    /// Re-discovers after an unexpected 404 with `stale`; `true` if the codebase changed.
    async fn rediscover(&self, stale: &str) -> Result<bool, CwError> {
        let _guard = self.inner.discovery.lock().await;
        if self.codebase().is_some_and(|current| current != stale) {
            return Ok(true);
        }
        let codebase = self.fetch_codebase().await?;
        self.set_codebase(&codebase);
        let changed = self.codebase().is_some_and(|current| current != stale);
        tracing::info!(
            changed,
            "re-discovered the ConnectWise codebase after a 404"
        );
        Ok(changed)
    }

    /// `GET /login/companyinfo/{company}` (unauthenticated), retried like any GET.
    async fn fetch_codebase(&self) -> Result<String, CwError> {
        let url = self.inner.site.companyinfo_url(&self.inner.company)?;
        let req = Request {
            purpose: Purpose::CompanyInfo,
            ..Request::get("login/companyinfo")
        };
        let ctx = self.ctx(&req);
        let mut attempt = 0;
        loop {
            let err = match self
                .send_once(&Method::GET, url.as_str(), None, None, &ctx)
                .await
            {
                Ok(resp) if resp.status == 200 => return self.read_company_info(&resp.body, &ctx),
                Ok(resp) if resp.status == 404 => CwError::Config(format!(
                    "No ConnectWise login service answered at {} (404) — check the Site.",
                    ctx.site
                )),
                Ok(resp) => error::from_response(resp.status, &resp.headers, &resp.body, &ctx),
                Err(err) => err,
            };
            if err.is_retryable() && attempt < self.inner.max_retries {
                tokio::time::sleep(self.tuning.wait(&err, attempt)).await;
                attempt += 1;
                continue;
            }
            return Err(err);
        }
    }

    fn read_company_info(&self, body: &[u8], ctx: &Ctx<'_>) -> Result<String, CwError> {
        let info: Option<CompanyInfo> = error::decode(body, "company information", ctx)?;
        let Some(info) = info else {
            return Err(CwError::UnknownCompany(format!(
                "ConnectWise at {} does not know the company \"{}\" — check the Company field (the company you type on the ConnectWise login page).",
                ctx.site, ctx.company
            )));
        };
        tracing::debug!(codebase = %info.codebase, "discovered the ConnectWise codebase");
        Ok(super::config::normalise_codebase(&info.codebase))
    }
}

/// The `rel="next"` target among all `Link` headers.
pub(crate) fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_link_header)
        .find(|(_, rels)| rels.iter().any(|r| r == "next"))
        .map(|(url, _)| url)
}

/// Parses an RFC 8288 `Link` value into `(target, rels)` pairs, tolerating
/// commas inside `<…>` and quoted parameters.
pub fn parse_link_header(value: &str) -> Vec<(String, Vec<String>)> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else { break };
        let target = after[..end].trim().to_string();
        let params_and_rest = &after[end + 1..];
        // Parameters run to the first comma outside quotes.
        let mut in_quotes = false;
        let mut stop = params_and_rest.len();
        for (i, c) in params_and_rest.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    stop = i;
                    break;
                }
                _ => {}
            }
        }
        let mut rels = Vec::new();
        for param in params_and_rest[..stop].split(';') {
            if let Some((key, val)) = param.split_once('=') {
                if key.trim().eq_ignore_ascii_case("rel") {
                    rels.extend(
                        val.trim()
                            .trim_matches('"')
                            .split_whitespace()
                            .map(str::to_ascii_lowercase),
                    );
                }
            }
        }
        links.push((target, rels));
        rest = params_and_rest.get(stop + 1..).unwrap_or("");
    }
    links
}

/// `page` and `pageId` of a next link (absolute or relative).
pub fn page_params(link: &str) -> (Option<u64>, Option<String>) {
    let parsed = url::Url::parse(link)
        .or_else(|_| url::Url::parse("http://relative.invalid/").and_then(|base| base.join(link)));
    let Ok(url) = parsed else {
        return (None, None);
    };
    let mut page = None;
    let mut page_id = None;
    for (key, value) in url.query_pairs() {
        if key.eq_ignore_ascii_case("page") {
            page = value.parse().ok();
        } else if key.eq_ignore_ascii_case("pageId") {
            page_id = Some(value.into_owned());
        }
    }
    (page, page_id)
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
