//! Building the ConnectWise and Dashboard clients from the settings and the
//! keychain, with one clear sentence for whatever is missing. A saved secret
//! is only read for the host it was saved for ([`secret_host`]).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::cw::{CwAuth, CwConfig};
use crate::secrets::{read_for_host, SecretError, SecretHost, SecretKey, SecretStore};
use crate::source::RetryPolicy;
use crate::store::settings::{AuthMode, Settings};
use crate::Error;

mod backup;

pub(crate) use backup::source_config;
pub use backup::{dashboard_client, source_client};

/// Default connect timeout for ConnectWise.
pub const CW_CONNECT_TIMEOUT_SECS: u64 = 10;
/// Default request timeout for ConnectWise.
pub const CW_REQUEST_TIMEOUT_SECS: u64 = 30;
/// Retries of a retryable ConnectWise error (for creates and notes only after a 429).
pub const CW_MAX_RETRIES: u32 = 3;

/// Timeouts and retry pacing of the engine's ConnectWise and Dashboard
/// clients. `Default` is what the product uses; tests shorten them so a hung
/// request or a retry costs milliseconds instead of half a minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetTuning {
    /// Whole-request timeout of every ConnectWise and Dashboard request.
    pub request_timeout: Duration,
    /// First ConnectWise backoff step between retries (doubles per attempt, jittered).
    pub cw_backoff_base: Duration,
    /// Cap on any single ConnectWise wait between retries, `Retry-After` included.
    pub cw_max_wait: Duration,
    /// Retries of Dashboard requests.
    pub dashboard_retry: RetryPolicy,
    /// Events per Dashboard page (a cycle holds one page at a time).
    pub dashboard_page_size: u32,
}

impl Default for NetTuning {
    fn default() -> Self {
        NetTuning {
            request_timeout: Duration::from_secs(CW_REQUEST_TIMEOUT_SECS),
            cw_backoff_base: crate::cw::DEFAULT_BACKOFF_BASE,
            cw_max_wait: crate::cw::DEFAULT_MAX_WAIT,
            dashboard_retry: RetryPolicy::default(),
            dashboard_page_size: crate::source::EVENTS_PAGE_SIZE,
        }
    }
}

/// One client kept while the settings it was built from (its key) hold, so
/// its connections are reused across cycles.
pub(crate) struct ClientCache<T>(std::sync::Mutex<Option<(String, T)>>);

impl<T: Clone> ClientCache<T> {
    pub fn new() -> Self {
        ClientCache(std::sync::Mutex::new(None))
    }

    /// The cached client when `key` matches, otherwise a new one from `build`.
    pub fn get_or_build(
        &self,
        key: &str,
        build: impl FnOnce() -> Result<T, Error>,
    ) -> Result<T, Error> {
        // The slot only ever holds a whole client: after a panic elsewhere
        // (a failed cycle) it is still sound, and later cycles must not fail.
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, client)) = slot.as_ref() {
            if k == key {
                return Ok(client.clone());
            }
        }
        let client = build()?;
        *slot = Some((key.to_owned(), client.clone()));
        Ok(client)
    }
}

/// A short digest of a secret, for cache keys (never the secret itself).
fn fingerprint(secret: &SecretString) -> String {
    bridge_base::hex(&Sha256::digest(secret.expose_secret().as_bytes())[..8])
}

fn missing(keys: &[(&str, bool)]) -> Vec<String> {
    keys.iter()
        .filter(|(_, present)| !present)
        .map(|(k, _)| (*k).to_owned())
        .collect()
}

/// The host `key`'s secret is sent to under `settings`, with the setting
/// that names it; `None` while that setting is unset.
pub fn secret_host(settings: &Settings, key: SecretKey) -> Result<Option<SecretHost>, Error> {
    let host = match key {
        SecretKey::CwSecret => match &settings.cw_site {
            Some(site) => crate::cw::api_host(site)?,
            None => return Ok(None),
        },
        SecretKey::DashboardToken => match &settings.dashboard_url {
            Some(url) => url_host("dashboard.url", url)?,
            None => return Ok(None),
        },
        SecretKey::SourceSecret => match settings.source_address() {
            Some(url) => url_host("source.url", &url)?,
            None => return Ok(None),
        },
    };
    Ok(Some(SecretHost {
        setting: key.host_setting(),
        host,
    }))
}

/// The lower-case host of the base URL `url` that `setting` holds.
fn url_host(setting: &str, url: &str) -> Result<String, Error> {
    let url = crate::source::parse_base_url(url).map_err(|e| {
        Error::Config(format!(
            "{setting} is unusable: {e}; set it again with \
             `backup-bridge config set {setting} URL`"
        ))
    })?;
    Ok(url.host_str().unwrap_or_default().to_ascii_lowercase())
}

/// The secret for the host `settings` name: the environment's, or the one
/// saved for that host.
fn secret(
    secrets: &dyn SecretStore,
    settings: &Settings,
    key: SecretKey,
    what: &str,
    how: &str,
) -> Result<SecretString, Error> {
    let target = secret_host(settings, key)?.ok_or(SecretError::NoHost {
        key,
        setting: key.host_setting(),
    })?;
    read_for_host(secrets, key, &target)?
        .ok_or_else(|| Error::Config(format!("no {what} is saved: {how}")))
}

/// The ConnectWise client configuration, and a key that changes whenever any
/// of it (the secret included) changes.
pub fn cw_config(
    settings: &Settings,
    secrets: &dyn SecretStore,
    codebase: Option<String>,
) -> Result<(String, CwConfig), Error> {
    let integrator = settings.cw_auth_mode == AuthMode::Integrator;
    check_cw_settings(settings, integrator)?;
    let secret = secret(
        secrets,
        settings,
        SecretKey::CwSecret,
        if integrator {
            "ConnectWise integrator password"
        } else {
            "ConnectWise private key"
        },
        "run `backup-bridge secret set cw` (or set BB_CW_SECRET)",
    )?;
    let key = cw_cache_key(settings, &fingerprint(&secret));
    let auth = if integrator {
        CwAuth::Integrator {
            username: settings.cw_integrator_username.clone().unwrap_or_default(),
            password: secret,
            member_identifier: settings.cw_impersonate_member.clone().unwrap_or_default(),
        }
    } else {
        CwAuth::ApiMember {
            public_key: settings.cw_public_key.clone().unwrap_or_default(),
            private_key: secret,
        }
    };
    let config = CwConfig {
        site: settings.cw_site.clone().unwrap_or_default(),
        company_id: settings.cw_company.clone().unwrap_or_default(),
        client_id: settings.cw_client_id.clone().unwrap_or_default(),
        auth,
        api_version: Some(crate::cw::DEFAULT_API_VERSION.to_owned()),
        codebase,
        connect_timeout: Duration::from_secs(CW_CONNECT_TIMEOUT_SECS),
        request_timeout: Duration::from_secs(CW_REQUEST_TIMEOUT_SECS),
        max_retries: CW_MAX_RETRIES,
        // 0 = no client-side pace (e.g. an on-premise server without throttling).
        requests_per_minute: Some(settings.cw_requests_per_minute).filter(|n| *n > 0),
    };
    Ok((key, config))
}

/// Every ConnectWise setting the auth mode needs is set, or an error naming
/// the missing ones.
fn check_cw_settings(settings: &Settings, integrator: bool) -> Result<(), Error> {
    let mut need = vec![
        ("cw.site", settings.cw_site.is_some()),
        ("cw.company", settings.cw_company.is_some()),
        ("cw.client_id", settings.cw_client_id.is_some()),
    ];
    if integrator {
        need.push((
            "cw.integrator_username",
            settings.cw_integrator_username.is_some(),
        ));
        need.push((
            "cw.impersonate_member",
            settings.cw_impersonate_member.is_some(),
        ));
    } else {
        need.push(("cw.public_key", settings.cw_public_key.is_some()));
    }
    let absent = missing(&need);
    if !absent.is_empty() {
        return Err(Error::Config(format!(
            "ConnectWise is not configured: set {} with `backup-bridge config set KEY VALUE` \
             (or on the Connection screen)",
            absent.join(", ")
        )));
    }
    Ok(())
}

/// The client cache key: every ConnectWise setting, and the secret's
/// `fingerprint` (never the secret itself).
fn cw_cache_key(settings: &Settings, fingerprint: &str) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{fingerprint}",
        settings.cw_site,
        settings.cw_company,
        settings.cw_client_id,
        settings.cw_auth_mode,
        settings.cw_public_key,
        settings.cw_integrator_username,
        settings.cw_impersonate_member,
        settings.cw_requests_per_minute,
    )
}

/// A ConnectWise client for the settings (no request is made here).
pub fn cw_client(
    settings: &Settings,
    secrets: &dyn SecretStore,
) -> Result<crate::cw::CwClient, Error> {
    let (_, config) = cw_config(settings, secrets, None)?;
    Ok(crate::cw::CwClient::new(config)?)
}
