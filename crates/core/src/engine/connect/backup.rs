//! Building the backup-source clients (the Dashboard and the platform
//! adapters) from the settings and the keychain, with one clear sentence for
//! whatever is missing.

use super::{fingerprint, missing, secret, NetTuning};
use crate::secrets::{SecretKey, SecretStore};
use crate::source::platform::PlatformOptions;
use crate::source::tls::Fingerprint;
use crate::source::{ClientOptions, DashboardClient, Source, SourceKind};
use crate::store::settings::Settings;
use crate::Error;
use secrecy::SecretString;

/// The backup source `source.kind` names, for the settings.
pub fn source_client(settings: &Settings, secrets: &dyn SecretStore) -> Result<Source, Error> {
    source_config(settings, secrets, &NetTuning::default())?.build()
}

/// What the configured backup source is built from.
pub(crate) enum SourceConfig {
    Dashboard(DashboardConfig),
    Platform(PlatformConfig),
}

impl SourceConfig {
    /// Changes whenever anything the client is built from changes.
    pub fn key(&self) -> &str {
        match self {
            SourceConfig::Dashboard(c) => &c.key,
            SourceConfig::Platform(c) => &c.key,
        }
    }

    pub fn build(self) -> Result<Source, Error> {
        match self {
            SourceConfig::Dashboard(c) => Ok(Source::Dashboard(c.build()?)),
            SourceConfig::Platform(c) => c.build(),
        }
    }
}

/// What a platform adapter (MSP360, Comet) is built from.
pub(crate) struct PlatformConfig {
    key: String,
    kind: SourceKind,
    url: String,
    username: String,
    secret: SecretString,
    options: PlatformOptions,
}

impl PlatformConfig {
    fn build(self) -> Result<Source, Error> {
        let PlatformConfig {
            kind,
            url,
            username,
            secret,
            options,
            ..
        } = self;
        match kind {
            SourceKind::Dashboard => Err(Error::Internal(
                "the Dashboard is not built as a platform adapter".to_owned(),
            )),
            SourceKind::Msp360 => Ok(Source::Msp360(
                crate::source::msp360::Msp360Client::new(&url, &username, secret, options)
                    .map_err(crate::source::SourceError::from)?,
            )),
            SourceKind::Comet => Ok(Source::Comet(
                crate::source::comet::CometClient::new(&url, &username, secret, options)
                    .map_err(crate::source::SourceError::from)?,
            )),
            SourceKind::Vspc => Ok(Source::Vspc(
                crate::source::vspc::VspcClient::new(&url, Some(&username), secret, options)
                    .map_err(crate::source::SourceError::from)?,
            )),
        }
    }
}

/// The configuration of the source `source.kind` names, with one clear
/// sentence for whatever is missing.
pub(crate) fn source_config(
    settings: &Settings,
    secrets: &dyn SecretStore,
    tuning: &NetTuning,
) -> Result<SourceConfig, Error> {
    let kind = settings.source_kind;
    if kind == SourceKind::Dashboard {
        return Ok(SourceConfig::Dashboard(dashboard_config(
            settings, secrets, tuning,
        )?));
    }
    // VSPC takes an API key without a username, or a username and password.
    let mut need = if kind == SourceKind::Vspc {
        Vec::new()
    } else {
        vec![("source.username", settings.source_username.is_some())]
    };
    if kind.default_url().is_none() {
        need.insert(0, ("source.url", settings.source_url.is_some()));
    }
    let absent = missing(&need);
    if !absent.is_empty() {
        return Err(Error::Config(format!(
            "{} is not configured: set {} with `backup-bridge config set KEY VALUE` (or on the \
             Connection screen)",
            kind.label(),
            absent.join(", ")
        )));
    }
    let url = settings.source_address().unwrap_or_default();
    let username = settings.source_username.clone().unwrap_or_default();
    let secret = secret(
        secrets,
        settings,
        SecretKey::SourceSecret,
        if kind == SourceKind::Vspc {
            "VSPC API key or password"
        } else {
            "backup source password"
        },
        "run `backup-bridge secret set source` (or set BB_SOURCE_SECRET)",
    )?;
    let tls_fingerprint = match &settings.source_tls_fingerprint {
        Some(text) => Some(Fingerprint::parse(text).map_err(|e| {
            Error::Config(format!(
                "source.tls_fingerprint: {e}; fix it with `backup-bridge config set \
                 source.tls_fingerprint VALUE`"
            ))
        })?),
        None => None,
    };
    let options = PlatformOptions {
        request_timeout: tuning.request_timeout,
        tls_fingerprint,
        ..PlatformOptions::default()
    };
    let key = format!(
        "{kind}|{url}|{username}|{}|{options:?}",
        fingerprint(&secret)
    );
    Ok(SourceConfig::Platform(PlatformConfig {
        key,
        kind,
        url,
        username,
        secret,
        options,
    }))
}

/// The Dashboard client for the settings.
pub fn dashboard_client(
    settings: &Settings,
    secrets: &dyn SecretStore,
) -> Result<DashboardClient, Error> {
    dashboard_config(settings, secrets, &NetTuning::default())?.build()
}

/// What a Dashboard client is built from.
pub(crate) struct DashboardConfig {
    /// Changes whenever the URL, the token or the tuning changes.
    pub key: String,
    url: String,
    token: SecretString,
    options: ClientOptions,
}

impl DashboardConfig {
    pub fn build(self) -> Result<DashboardClient, Error> {
        Ok(DashboardClient::with_options(
            &self.url,
            self.token,
            self.options,
        )?)
    }
}

/// The Dashboard client's configuration, with one clear sentence for
/// whatever is missing.
pub(crate) fn dashboard_config(
    settings: &Settings,
    secrets: &dyn SecretStore,
    tuning: &NetTuning,
) -> Result<DashboardConfig, Error> {
    let url = settings.dashboard_url.clone().ok_or_else(|| {
        Error::Config(
            "the Cloud Backup Dashboard is not configured: set dashboard.url with \
             `backup-bridge config set dashboard.url URL` (or on the Connection screen)"
                .to_owned(),
        )
    })?;
    let token = secret(
        secrets,
        settings,
        SecretKey::DashboardToken,
        "Dashboard token",
        "run `backup-bridge secret set dashboard` (or set BB_DASHBOARD_TOKEN)",
    )?;
    let options = ClientOptions {
        request_timeout: tuning.request_timeout,
        retry: tuning.dashboard_retry.clone(),
        page_size: tuning.dashboard_page_size,
        ..ClientOptions::default()
    };
    let key = format!("{url}|{}|{options:?}", fingerprint(&token));
    Ok(DashboardConfig {
        key,
        url,
        token,
        options,
    })
}
