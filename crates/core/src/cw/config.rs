//! ConnectWise connection settings and site handling.
//!
//! `cw.site` is what the user typed: a bare host (`na.myconnectwise.net`) or a
//! URL. [`Site`] turns it into the two hosts the client talks to: the UI host
//! (company-info discovery) and the API host (cloud sites need the `api-`
//! prefix). Plain http is only accepted for loopback, i.e. the local simulator.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;
use url::{Host, Url};

use super::error::CwError;

/// Default time allowed to open a TCP/TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one whole request (send, wait, read body).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of retries of a retryable, idempotent request.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// The API model version BackupBridge is tested with, pinned in `Accept`
/// (`application/vnd.connectwise.com+json; version=2025.1`) so a newer
/// server keeps answering with the models the app reads.
pub const DEFAULT_API_VERSION: &str = "2025.1";

/// Domains of ConnectWise-hosted sites: the API of `{x}.{domain}` lives on
/// `api-{x}.{domain}` (na, eu, au, aus, za, staging, and any region to come).
const CLOUD_DOMAINS: [&str; 2] = [".myconnectwise.net", ".connectwisedev.com"];

/// Everything needed to talk to one ConnectWise instance.
#[derive(Clone)]
pub struct CwConfig {
    /// Host (`na.myconnectwise.net`) or URL (`https://cw.example.com`, `http://127.0.0.1:PORT`).
    pub site: String,
    /// Login company id (the "Company" field of the ConnectWise login page).
    pub company_id: String,
    /// The integration's clientId GUID from developer.connectwise.com.
    pub client_id: String,
    pub auth: CwAuth,
    /// Pinned API model version ([`DEFAULT_API_VERSION`] unless set);
    /// `None` sends plain `application/json` (the server's latest models).
    pub api_version: Option<String>,
    /// Cached codebase (`v2025_1/`); `None` = discover lazily on first need.
    pub codebase: Option<String>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Retries of a retryable error for requests that are safe to repeat.
    pub max_retries: u32,
    /// Client-side pace (requests a minute) every request keeps to; `None` or
    /// `Some(0)` = unpaced. Default [`super::DEFAULT_REQUESTS_PER_MINUTE`].
    pub requests_per_minute: Option<u32>,
}

impl CwConfig {
    /// A configuration with default timeouts and retries, the tested API
    /// version pinned and no cached codebase.
    pub fn new(
        site: impl Into<String>,
        company_id: impl Into<String>,
        client_id: impl Into<String>,
        auth: CwAuth,
    ) -> Self {
        Self {
            site: site.into(),
            company_id: company_id.into(),
            client_id: client_id.into(),
            auth,
            api_version: Some(DEFAULT_API_VERSION.to_owned()),
            codebase: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            requests_per_minute: Some(super::DEFAULT_REQUESTS_PER_MINUTE),
        }
    }
}

impl fmt::Debug for CwConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CwConfig")
            .field("site", &self.site)
            .field("company_id", &self.company_id)
            .field("client_id", &"[redacted]")
            .field("auth", &self.auth)
            .field("api_version", &self.api_version)
            .field("codebase", &self.codebase)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .field("requests_per_minute", &self.requests_per_minute)
            .finish()
    }
}

/// How the app authenticates.
#[derive(Clone)]
pub enum CwAuth {
    /// API member keys (recommended): Basic `{company}+{public}:{private}`.
    ApiMember {
        public_key: String,
        private_key: SecretString,
    },
    /// Legacy integrator login that mints member tokens for `member_identifier`.
    Integrator {
        username: String,
        password: SecretString,
        member_identifier: String,
    },
}

impl CwAuth {
    /// Short name of the mode, as stored in the `cw.auth_mode` setting.
    pub fn mode(&self) -> &'static str {
        match self {
            CwAuth::ApiMember { .. } => "api_member",
            CwAuth::Integrator { .. } => "integrator",
        }
    }
}

impl fmt::Debug for CwAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CwAuth::ApiMember { public_key, .. } => f
                .debug_struct("ApiMember")
                .field("public_key", public_key)
                .field("private_key", &"[redacted]")
                .finish(),
            CwAuth::Integrator {
                username,
                member_identifier,
                ..
            } => f
                .debug_struct("Integrator")
                .field("username", username)
                .field("password", &"[redacted]")
                .field("member_identifier", member_identifier)
                .finish(),
        }
    }
}

/// The parsed `cw.site`: scheme plus UI and API authorities (`host[:port]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    scheme: &'static str,
    ui_authority: String,
    api_authority: String,
}

impl Site {
    /// Parses what the user typed; errors are full sentences for the Setup screen.
    pub(crate) fn parse(input: &str) -> Result<Site, CwError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(CwError::Config(
                "The ConnectWise site is empty — enter your ConnectWise host, e.g. na.myconnectwise.net."
                    .into(),
            ));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|_| {
            CwError::Config(format!(
                "The ConnectWise site \"{trimmed}\" is not a valid host or URL — enter it like na.myconnectwise.net."
            ))
        })?;
        let scheme = match url.scheme() {
            "https" => "https",
            "http" => "http",
            other => {
                return Err(CwError::Config(format!(
                    "The ConnectWise site uses the unsupported scheme \"{other}\" — enter it as https://host or just the host name."
                )))
            }
        };
        let host = url.host().ok_or_else(|| {
            CwError::Config(format!(
                "The ConnectWise site \"{trimmed}\" has no host name — enter it like na.myconnectwise.net."
            ))
        })?;
        if scheme == "http" && !is_loopback(&host) {
            return Err(CwError::Config(format!(
                "The ConnectWise site \"{trimmed}\" uses plain http, which ConnectWise refuses — use https:// (plain http is only allowed for a local simulator on 127.0.0.1)."
            )));
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let (ui_host, api_host) = match host.strip_prefix("api-") {
            Some(rest) if is_cloud(rest) => (rest.to_string(), host.clone()),
            _ if is_cloud(&host) => (host.clone(), format!("api-{host}")),
            _ => (host.clone(), host.clone()),
        };
        Ok(Site {
            scheme,
            ui_authority: format!("{ui_host}{port}"),
            api_authority: format!("{api_host}{port}"),
        })
    }

    /// `https://{site}/login/companyinfo/{company}` (unauthenticated discovery).
    pub(crate) fn companyinfo_url(&self, company: &str) -> Result<Url, CwError> {
        let mut url = self.url_for(&self.ui_authority, "/")?;
        url.path_segments_mut()
            .map_err(|()| self.bad_url())?
            .clear()
            .extend(["login", "companyinfo", company]);
        Ok(url)
    }

    /// `https://{api host}/{codebase}apis/3.0/` — always ends with `/`.
    pub(crate) fn api_base(&self, codebase: &str) -> Result<Url, CwError> {
        let codebase = normalise_codebase(codebase);
        self.url_for(&self.api_authority, &format!("/{codebase}apis/3.0/"))
    }

    /// Whether the site is reached over https (always, unless loopback).
    pub(crate) fn is_https(&self) -> bool {
        self.scheme == "https"
    }

    /// The UI host, for messages ("check the Site (na.myconnectwise.net)").
    pub(crate) fn display(&self) -> &str {
        &self.ui_authority
    }

    fn url_for(&self, authority: &str, path: &str) -> Result<Url, CwError> {
        Url::parse(&format!("{}://{authority}{path}", self.scheme)).map_err(|_| self.bad_url())
    }

    fn bad_url(&self) -> CwError {
        CwError::Config(format!(
            "The ConnectWise site \"{}\" does not form a valid URL — check the Site.",
            self.ui_authority
        ))
    }
}

/// True for a host under a ConnectWise cloud domain (`na.myconnectwise.net`,
/// `staging.connectwisedev.com`), whose API needs the `api-` prefix.
fn is_cloud(host: &str) -> bool {
    CLOUD_DOMAINS.iter().any(|domain| {
        host.strip_suffix(domain)
            .is_some_and(|sub| !sub.is_empty() && !sub.ends_with('.'))
    })
}

/// The host ConnectWise API requests for `site` go to (lower case, no
/// port): where its secret is sent, and so the host the secret is bound to.
pub fn api_host(site: &str) -> Result<String, CwError> {
    let base = Site::parse(site)?.api_base("")?;
    Ok(base.host_str().unwrap_or_default().to_owned())
}

/// `"/v2025_1"` / `"v2025_1//"` -> `"v2025_1/"`; empty stays empty.
pub(crate) fn normalise_codebase(codebase: &str) -> String {
    let inner: Vec<&str> = codebase
        .trim()
        .split('/')
        .filter(|part| !part.is_empty())
        .collect();
    if inner.is_empty() {
        String::new()
    } else {
        format!("{}/", inner.join("/"))
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
