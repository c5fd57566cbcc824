//! Credentials for each request: the Basic header for API-member keys, and
//! member tokens minted with the integrator login (impersonation).
//!
//! Tokens are minted lazily (first call that needs one), re-minted shortly
//! before their `expiration`, and discarded once when a call gets a 401, so
//! the next attempt mints a fresh one.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use reqwest::header::HeaderValue;
use reqwest::Method;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::error::{self, CwError, Purpose};
use super::request::{Identity, Request};
use super::{CwAuth, CwClient};

/// Re-mint at most this long before a token expires.
const REFRESH_MARGIN_MAX: Duration = Duration::from_secs(60);

/// Headers that authenticate one request.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    /// `Basic …`, marked sensitive so it never shows in `Debug`.
    pub authorization: HeaderValue,
    /// Value of `x-cw-usertype`, when one is sent.
    pub usertype: Option<&'static str>,
    /// Generation of the member token used, so a 401 discards exactly that token.
    pub token_generation: Option<u64>,
}

/// The current member token, if any.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    slot: tokio::sync::Mutex<Option<MemberToken>>,
    generations: AtomicU64,
}

#[derive(Debug)]
struct MemberToken {
    authorization: HeaderValue,
    /// When to mint a new one; `None` = the server gave no expiration, rely on 401.
    refresh_at: Option<DateTime<Utc>>,
    generation: u64,
}

/// `POST /system/members/{member}/tokens` answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenWire {
    public_key: String,
    private_key: String,
    #[serde(default)]
    expiration: Option<String>,
}

/// `Basic base64("{company}+{user}:{secret}")`, marked sensitive.
pub(crate) fn basic(company: &str, user: &str, secret: &str) -> Result<HeaderValue, CwError> {
    let raw = format!("{company}+{user}:{secret}");
    let encoded = base64::engine::general_purpose::STANDARD.encode(raw.as_bytes());
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
        CwError::Config(
            "The ConnectWise credentials could not be encoded — re-enter them under Setup.".into(),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// When to re-mint a token expiring at `expires`, minted at `now`: a fifth of its
/// life before expiry, at most [`REFRESH_MARGIN_MAX`].
fn refresh_time(now: DateTime<Utc>, expires: DateTime<Utc>) -> DateTime<Utc> {
    let life = (expires - now).max(chrono::TimeDelta::zero());
    let margin = (life / 5).min(chrono::TimeDelta::from_std(REFRESH_MARGIN_MAX).unwrap_or(life));
    expires - margin
}

impl CwClient {
    /// The credentials for a request made as `identity`, minting a token if needed.
    pub(crate) async fn credentials(&self, identity: Identity) -> Result<Credentials, CwError> {
        let company = &self.inner.company;
        match (&self.inner.auth, identity) {
            (
                CwAuth::ApiMember {
                    public_key,
                    private_key,
                },
                _,
            ) => Ok(Credentials {
                authorization: basic(company, public_key.trim(), private_key.expose_secret())?,
                usertype: None,
                token_generation: None,
            }),
            (
                CwAuth::Integrator {
                    username, password, ..
                },
                Identity::IntegratorLogin,
            ) => Ok(Credentials {
                authorization: basic(company, username.trim(), password.expose_secret())?,
                usertype: Some("integrator"),
                token_generation: None,
            }),
            (CwAuth::Integrator { .. }, Identity::Account) => self.member_token().await,
        }
    }

    /// The impersonated member, in integrator mode.
    pub(crate) fn impersonated_member(&self) -> Option<&str> {
        match &self.inner.auth {
            CwAuth::Integrator {
                member_identifier, ..
            } => Some(member_identifier.trim()),
            CwAuth::ApiMember { .. } => None,
        }
    }

    /// Forgets the token of `generation` after a 401 (unless already replaced).
    pub(crate) async fn discard_token(&self, generation: u64) {
        let mut slot = self.inner.token.slot.lock().await;
        if slot.as_ref().is_some_and(|t| t.generation == generation) {
            *slot = None;
        }
    }

    async fn member_token(&self) -> Result<Credentials, CwError> {
        // The async mutex is held while minting so concurrent calls share one token.
        let mut slot = self.inner.token.slot.lock().await;
        let now = Utc::now();
        let fresh = slot
            .as_ref()
            .is_some_and(|t| t.refresh_at.is_none_or(|at| now < at));
        if !fresh {
            *slot = Some(self.mint().await?);
        }
        match slot.as_ref() {
            Some(token) => Ok(Credentials {
                authorization: token.authorization.clone(),
                usertype: Some("member"),
                token_generation: Some(token.generation),
            }),
            None => Err(CwError::Auth {
                message: "No ConnectWise member token is available — check the integrator login in Setup.".into(),
            }),
        }
    }

    /// Mints a token with the integrator login (boxed: minting goes through `execute`,
    /// which asks for credentials, which may mint).
    fn mint(&self) -> Pin<Box<dyn Future<Output = Result<MemberToken, CwError>> + Send + '_>> {
        Box::pin(async move {
            let member = self.impersonated_member().unwrap_or_default().to_string();
            let path = format!("system/members/{}/tokens", urlencoding::encode(&member));
            let mut req = Request::new(Method::POST, path)
                .json(&serde_json::json!({ "memberIdentifier": member }))?;
            req.identity = Identity::IntegratorLogin;
            req.purpose = Purpose::MintToken;
            // Minting twice is harmless, so a transient failure may be retried.
            req.idempotent = true;
            let resp = self.execute(&req).await?;
            let ctx = self.ctx(&req);
            let wire: TokenWire = error::decode(&resp.body, "member token", &ctx)?;
            let now = Utc::now();
            let refresh_at = wire
                .expiration
                .as_deref()
                .and_then(|e| DateTime::parse_from_rfc3339(e).ok())
                .map(|e| refresh_time(now, e.with_timezone(&Utc)));
            let generation = self.inner.token.generations.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::debug!(member = %member, ?refresh_at, "minted ConnectWise member token");
            Ok(MemberToken {
                authorization: basic(&self.inner.company, &wire.public_key, &wire.private_key)?,
                refresh_at,
                generation,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_shape() {
        let value = basic("training", "5QBrF9Eobsojjl19", "gNfvfMdPxIAPOIvB").unwrap();
        assert_eq!(
            value.to_str().unwrap(),
            "Basic dHJhaW5pbmcrNVFCckY5RW9ic29qamwxOTpnTmZ2Zk1kUHhJQVBPSXZC"
        );
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("dHJh"));
    }

    #[test]
    fn refresh_margin_is_a_fifth_of_life_capped_at_a_minute() {
        let now = Utc::now();
        let cases = [
            (Duration::from_secs(10), Duration::from_secs(8)),
            (Duration::from_secs(100), Duration::from_secs(80)),
            (Duration::from_secs(3600), Duration::from_secs(3540)),
            (Duration::ZERO, Duration::ZERO),
        ];
        for (life, refresh_after) in cases {
            let expires = now + chrono::TimeDelta::from_std(life).unwrap();
            let at = refresh_time(now, expires);
            assert_eq!((at - now).to_std().unwrap(), refresh_after, "{life:?}");
        }
    }
}
