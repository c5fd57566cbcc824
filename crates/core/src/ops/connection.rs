//! The connection: what is configured (secrets only as "saved"), saving it
//! (settings to SQLite, secrets to the keychain, each bound to the host it
//! is for) and the "Test connection" self-test: discovery, sign-in, every
//! right the app needs, then the backup source (`source.kind`: the
//! Dashboard, MSP360, Comet or VSPC) step by step.

use serde::{Deserialize, Serialize};

use crate::cw::{CwError, MissingRight};
use crate::engine::{db_store, secret_host, Engine};
use crate::secrets::{bound, save_for_host, SecretError, SecretKey, SecretStatus};
use crate::source::SourceKind;
use crate::store::settings::{self, AuthMode, Settings};
use crate::Error;

/// The connection as the Setup screen shows it. Secrets are never read back:
/// only whether one is saved, and for which host.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionView {
    pub site: Option<String>,
    pub company: Option<String>,
    /// `api_member` or `integrator`.
    pub auth_mode: String,
    pub public_key: Option<String>,
    pub integrator_username: Option<String>,
    pub impersonate_member: Option<String>,
    pub client_id: Option<String>,
    pub dashboard_url: Option<String>,
    /// `source.kind`: `dashboard`, `msp360`, `comet` or `vspc`.
    pub source_kind: SourceKind,
    /// `source.url` as saved (`None` = the kind's default, if it has one).
    pub source_url: Option<String>,
    /// `source.username`: the platform login (VSPC: `None` with an API key).
    pub source_username: Option<String>,
    /// `source.tls_fingerprint`: the pinned certificate of a self-hosted
    /// platform (VSPC, Comet Server), normalised `AB:CD:…`; `None` = the
    /// usual certificate checks.
    pub source_tls_fingerprint: Option<String>,
    /// A ConnectWise secret can be used for the configured site (saved for
    /// it, or given by the environment).
    pub cw_secret_saved: bool,
    /// A Dashboard token can be used for the configured URL.
    pub dashboard_token_saved: bool,
    /// A source secret (MSP360 API password, Comet admin password, VSPC API
    /// key or password) can be used for the platform's address.
    pub source_secret_saved: bool,
    /// Where the ConnectWise secret stands: saved, saved for another host,
    /// from the environment, missing.
    pub cw_secret: SecretStatus,
    /// Where the Dashboard token stands.
    pub dashboard_token: SecretStatus,
    /// Where the source secret stands, for the address `source.url` (or the
    /// kind's default) names.
    pub source_secret: SecretStatus,
    /// Settings still needed before a sync can run.
    pub missing: Vec<String>,
}

/// What the Setup screen saves; `None` secrets keep the saved one.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionInput {
    pub site: String,
    pub company: String,
    pub auth_mode: String,
    pub public_key: String,
    pub integrator_username: String,
    pub impersonate_member: String,
    pub client_id: String,
    pub dashboard_url: String,
    /// `dashboard`, `msp360`, `comet` or `vspc`; empty = `dashboard`.
    #[serde(default)]
    pub source_kind: String,
    #[serde(default)]
    pub source_url: String,
    #[serde(default)]
    pub source_username: String,
    /// A SHA-256 certificate fingerprint as pasted (colons, spaces, any
    /// case); empty clears the pin.
    #[serde(default)]
    pub source_tls_fingerprint: String,
    pub cw_secret: Option<String>,
    pub dashboard_token: Option<String>,
    #[serde(default)]
    pub source_secret: Option<String>,
}

/// The current connection settings.
pub async fn connection(engine: &Engine) -> Result<ConnectionView, Error> {
    let s = engine.settings().await?;
    let status = |key| {
        // A host that does not parse cannot be compared: the status says
        // "saved", and the sync names the setting to fix.
        let host = secret_host(&s, key).ok().flatten().map(|h| h.host);
        bound::status(engine.secrets().as_ref(), key, host.as_deref())
    };
    let (cw_secret, dashboard_token, source_secret) = (
        status(SecretKey::CwSecret),
        status(SecretKey::DashboardToken),
        status(SecretKey::SourceSecret),
    );
    Ok(ConnectionView {
        missing: s
            .missing_for_sync()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        site: s.cw_site,
        company: s.cw_company,
        auth_mode: match s.cw_auth_mode {
            AuthMode::ApiMember => "api_member".to_owned(),
            AuthMode::Integrator => "integrator".to_owned(),
        },
        public_key: s.cw_public_key,
        integrator_username: s.cw_integrator_username,
        impersonate_member: s.cw_impersonate_member,
        client_id: s.cw_client_id,
        dashboard_url: s.dashboard_url,
        source_kind: s.source_kind,
        source_url: s.source_url,
        source_username: s.source_username,
        source_tls_fingerprint: s.source_tls_fingerprint,
        cw_secret_saved: cw_secret.usable(),
        dashboard_token_saved: dashboard_token.usable(),
        source_secret_saved: source_secret.usable(),
        cw_secret,
        dashboard_token,
        source_secret,
    })
}

/// Saves `value` as the secret `key` for the host the settings name now;
/// returns that host. Refused until the setting naming the host is set.
pub async fn save_secret(engine: &Engine, key: SecretKey, value: &str) -> Result<String, Error> {
    let settings = engine.settings().await?;
    save_bound(engine, &settings, key, value)
}

fn save_bound(
    engine: &Engine,
    settings: &Settings,
    key: SecretKey,
    value: &str,
) -> Result<String, Error> {
    let target = secret_host(settings, key)?.ok_or(SecretError::NoHost {
        key,
        setting: key.host_setting(),
    })?;
    save_for_host(engine.secrets().as_ref(), key, &target.host, value)?;
    Ok(target.host)
}

/// Saves the connection: every value is validated as `config set` does
/// (the certificate fingerprint normalised to `AB:CD:…`), and one invalid
/// value saves nothing; secrets go to the keychain only, each bound to the
/// host the settings just saved name (the source secret to `source.url`, or
/// MSP360's default address when it is empty).
pub async fn save_connection(
    engine: &Engine,
    input: ConnectionInput,
) -> Result<ConnectionView, Error> {
    let pairs = vec![
        ("cw.site", input.site.clone()),
        ("cw.company", input.company.clone()),
        ("cw.auth_mode", input.auth_mode.clone()),
        ("cw.public_key", input.public_key.clone()),
        ("cw.integrator_username", input.integrator_username.clone()),
        ("cw.impersonate_member", input.impersonate_member.clone()),
        ("cw.client_id", input.client_id.clone()),
        ("dashboard.url", input.dashboard_url.clone()),
        ("source.kind", source_kind_or_default(&input.source_kind)),
        ("source.url", input.source_url.clone()),
        ("source.username", input.source_username.clone()),
        (
            "source.tls_fingerprint",
            input.source_tls_fingerprint.clone(),
        ),
    ];
    db_store(engine.store(), move |s| {
        for (key, value) in &pairs {
            settings::check(key, value)?;
        }
        for (key, value) in &pairs {
            settings::set(s, key, value)?;
        }
        Ok(())
    })
    .await?;
    // Bound to the hosts just saved.
    let settings = engine.settings().await?;
    for (key, value) in [
        (SecretKey::CwSecret, &input.cw_secret),
        (SecretKey::DashboardToken, &input.dashboard_token),
        (SecretKey::SourceSecret, &input.source_secret),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            save_bound(engine, &settings, key, v.trim())?;
        }
    }
    connection(engine).await
}

/// An empty `source_kind` (a caller from before the source choice) keeps
/// the default source, the Dashboard.
fn source_kind_or_default(kind: &str) -> String {
    if kind.trim().is_empty() {
        SourceKind::Dashboard.as_str().to_owned()
    } else {
        kind.to_owned()
    }
}

/// The product's name as *Test connection* prefixes its steps with.
pub fn source_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Dashboard => "Cloud Backup Dashboard",
        SourceKind::Msp360 => "MSP360",
        SourceKind::Comet => "Comet Backup",
        SourceKind::Vspc => "Veeam Service Provider Console",
    }
}

/// One line of the self-test.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestStep {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// The outcome of "Test connection".
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestReport {
    pub ok: bool,
    pub steps: Vec<TestStep>,
    /// Each right the ConnectWise member lacks, in plain words.
    pub missing_rights: Vec<MissingRight>,
}

fn step(name: &str, ok: bool, detail: impl Into<String>) -> TestStep {
    TestStep {
        name: name.to_owned(),
        ok,
        detail: detail.into(),
    }
}

/// Runs discovery, sign-in, the permission self-test, then the configured
/// source's own check (reachable, signed in, can list companies, can read
/// monitoring), each step named after the source ("MSP360 · Signed in").
pub async fn test_connection(engine: &Engine) -> Result<TestReport, Error> {
    let mut steps = Vec::new();
    let mut missing_rights = Vec::new();
    match engine.cw().await {
        Err(e) => steps.push(step("ConnectWise settings", false, e.to_string())),
        Ok(cw) => match cw.system_info().await {
            Err(e) => {
                let name = match e {
                    CwError::Auth { .. } => "Sign-in",
                    CwError::UnknownCompany(_) => "Company",
                    _ => "Reaching ConnectWise",
                };
                steps.push(step(name, false, e.to_string()));
            }
            Ok(info) => {
                steps.push(step(
                    "Sign-in",
                    true,
                    format!(
                        "signed in to ConnectWise {} ({})",
                        info.version,
                        if info.is_cloud { "cloud" } else { "on-premise" }
                    ),
                ));
                match cw.check_permissions().await {
                    Ok(report) if report.is_complete() => steps.push(step(
                        "Permissions",
                        true,
                        "every right the app needs is granted",
                    )),
                    Ok(report) => {
                        steps.push(step(
                            "Permissions",
                            false,
                            format!(
                                "missing: {}",
                                report
                                    .missing
                                    .iter()
                                    .map(|m| m.right.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                        missing_rights = report.missing;
                    }
                    Err(e) => steps.push(step("Permissions", false, e.to_string())),
                }
            }
        },
    }
    let settings = engine.settings().await?;
    steps.extend(source_steps(&settings, engine).await);
    Ok(TestReport {
        ok: steps.iter().all(|s| s.ok),
        steps,
        missing_rights,
    })
}

/// The source's check as test steps; a source that cannot be built (a
/// missing setting or secret) is one failed step with the sentence why.
async fn source_steps(settings: &Settings, engine: &Engine) -> Vec<TestStep> {
    let name = source_name(settings.source_kind);
    match crate::engine::source_client(settings, engine.secrets().as_ref()) {
        Err(e) => vec![step(&format!("{name} · Settings"), false, e.to_string())],
        Ok(source) => source
            .check()
            .await
            .into_iter()
            .map(|s| TestStep {
                name: format!("{name} · {}", s.name),
                ok: s.ok,
                detail: s.detail,
            })
            .collect(),
    }
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
