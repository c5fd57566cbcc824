//! Signing in to VSPC (`reference/sources.md` §3): an API key is sent as the
//! bearer as it is; a username and password go once to `POST /api/v3/token`
//! (form-encoded `grant_type=password`), and the access token is renewed
//! with the refresh token it came with (`grant_type=refresh_token`) before
//! it expires or when a call is refused, so the password is sent again
//! only when the refresh token itself is refused. Tokens are shared between
//! clones; no error or log line carries a secret.

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::super::answer;
use super::super::platform::PlatformError;
use super::{auth_error, VspcClient, KIND, TOKEN_PATH};

/// Token lifetime assumed when the answer gives none (VSPC's default).
const DEFAULT_TOKEN_SECS: u64 = 3600;
/// A token is renewed this long before it expires (at most a tenth of its life).
const TOKEN_MARGIN_SECS: u64 = 60;

/// How BackupBridge proves who it is.
pub(super) enum Credentials {
    /// A VSPC 7+ API key, sent as the bearer token.
    ApiKey(SecretString),
    /// A VSPC user: tokens from `/api/v3/token`.
    Password {
        username: String,
        password: SecretString,
    },
}

/// The tokens in use, shared by clones.
#[derive(Default)]
pub(super) struct TokenSlot {
    current: Option<Session>,
    /// Counts new tokens, so a token refused by one call is not replaced
    /// twice when another call already renewed it.
    serial: u64,
    /// Password sign-ins and refreshes so far (for `check` and tests).
    pub(super) logins: u64,
    pub(super) refreshes: u64,
}

struct Session {
    access: SecretString,
    refresh: Option<SecretString>,
    expires: Instant,
    serial: u64,
}

/// What a renewal needs: the refresh token when there is one.
enum Grant {
    Password,
    Refresh(SecretString),
}

impl VspcClient {
    /// The bearer to send and its serial: the API key, else the kept token
    /// while it lasts unless `refused` names it; a fresh sign-in when
    /// `fresh` (*Test connection*).
    pub(super) async fn bearer(
        &self,
        refused: Option<u64>,
        fresh: bool,
    ) -> Result<(SecretString, u64), PlatformError> {
        if let Credentials::ApiKey(key) = &self.inner.credentials {
            return Ok((key.clone(), 0));
        }
        let mut slot = self.inner.token.lock().await;
        if let Some(session) = &slot.current {
            if !fresh && session.expires > Instant::now() && Some(session.serial) != refused {
                return Ok((session.access.clone(), session.serial));
            }
        }
        // The refresh token stays until a new one replaces it or it is
        // refused: a renewal that fails on the way (a timeout) is tried
        // again, rather than sending the password.
        let refresh = if fresh {
            None
        } else {
            slot.current.as_ref().and_then(|s| s.refresh.clone())
        };
        let answer = match refresh {
            Some(token) => {
                slot.refreshes += 1;
                match self.grant(Grant::Refresh(token)).await {
                    Ok(answer) => answer,
                    // A refused refresh token (expired, or used by another
                    // session): one password sign-in, then give up.
                    Err(PlatformError::Auth { .. }) => {
                        tracing::debug!("VSPC refused the refresh token; signing in again");
                        slot.current = None;
                        slot.logins += 1;
                        self.grant(Grant::Password).await?
                    }
                    Err(e) => return Err(e),
                }
            }
            None => {
                slot.current = None;
                slot.logins += 1;
                self.grant(Grant::Password).await?
            }
        };
        slot.serial += 1;
        let (access, refresh, lifetime) = answer;
        // A refresh answer without a new refresh token leaves the old one.
        let kept = slot.current.take().and_then(|s| s.refresh);
        let refresh = refresh.or(kept);
        let margin = Duration::from_secs(TOKEN_MARGIN_SECS).min(lifetime / 10);
        slot.current = Some(Session {
            access: access.clone(),
            refresh,
            expires: Instant::now() + lifetime.saturating_sub(margin),
            serial: slot.serial,
        });
        Ok((access, slot.serial))
    }

    /// `POST /api/v3/token`: the access token, the refresh token and how
    /// long the access token lasts.
    async fn grant(
        &self,
        grant: Grant,
    ) -> Result<(SecretString, Option<SecretString>, Duration), PlatformError> {
        let Credentials::Password { username, password } = &self.inner.credentials else {
            return Err(auth_error("an API key cannot be renewed"));
        };
        let fields: Vec<(&str, &str)> = match &grant {
            Grant::Password => vec![
                ("grant_type", "password"),
                ("username", username),
                ("password", password.expose_secret()),
            ],
            Grant::Refresh(token) => vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", token.expose_secret()),
            ],
        };
        let endpoint = &self.inner.endpoint;
        let request = endpoint.http.post(endpoint.url(TOKEN_PATH)).form(&fields);
        let response = endpoint.send(request, TOKEN_PATH).await?;
        drop(fields);
        let status = response.status();
        if status.is_redirection() {
            return Err(answer::redirect_error(KIND, &response, TOKEN_PATH));
        }
        let bytes = self.read(response, TOKEN_PATH).await?;
        let text = self.scrub(&String::from_utf8_lossy(&bytes));
        let what = match grant {
            Grant::Password => format!("the sign-in as {username}"),
            Grant::Refresh(_) => "the refresh token".to_owned(),
        };
        if !status.is_success() {
            return Err(match status.as_u16() {
                // OAuth refuses a grant with 400 (`invalid_grant`), VSPC
                // with 401 in its own envelope: either way the credentials
                // or the refresh token are no good. Kept for a retry: only
                // timeouts, network errors, 429 and 5xx.
                code @ (400 | 401 | 403) => auth_error(format!(
                    "{what} was refused (HTTP {code}): {}",
                    answer::reason(&text)
                )),
                code => answer::status_error(KIND, code, TOKEN_PATH, &text),
            });
        }
        let value = answer::json(KIND, TOKEN_PATH, text.as_bytes())?;
        let token = |field: &str| {
            value
                .get(field)
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .map(|t| SecretString::from(t.to_owned()))
        };
        let access = token("access_token").ok_or_else(|| {
            answer::decode_error(KIND, TOKEN_PATH, "the answer has no access_token")
        })?;
        let seconds = match value.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .unwrap_or(DEFAULT_TOKEN_SECS);
        Ok((access, token("refresh_token"), Duration::from_secs(seconds)))
    }

    /// `text` without the password, should a server ever echo it.
    fn scrub(&self, text: &str) -> String {
        match &self.inner.credentials {
            Credentials::Password { password, .. } if password.expose_secret().len() >= 3 => {
                text.replace(password.expose_secret(), "[REDACTED]")
            }
            _ => text.to_owned(),
        }
    }
}
