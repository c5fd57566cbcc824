//! VSPC sign-in: `POST /api/v3/token` (form-encoded only; the password and
//! refresh-token grants), and the `Authorization: Bearer` check in front of
//! every GET, which takes a live access token or the configured API key.
//! Refresh tokens are single use and outlive access tokens; tests expire
//! either kind at will instead of waiting.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::json;

use super::http::{bad_request, error, SECURITY};
use super::Shared;
use crate::lock;

/// VSPC's access token lifetime (one hour), in seconds.
pub const DEFAULT_ACCESS_TOKEN_LIFETIME_SECS: u64 = 3600;
/// The simulator's refresh token lifetime (14 days), in seconds.
pub const DEFAULT_REFRESH_TOKEN_LIFETIME_SECS: u64 = 14 * 24 * 3600;
/// The longest lifetime given (ten years), so no date arithmetic overflows.
const MAX_LIFETIME_SECS: u64 = 10 * 365 * 24 * 3600;
const FORM: &str = "application/x-www-form-urlencoded";

/// When a token stops working.
#[derive(Debug, Clone, Copy)]
enum Life {
    Until(Instant),
    /// Expired by a test.
    Ended,
}

impl Life {
    fn new(secs: u64) -> Life {
        Instant::now()
            .checked_add(Duration::from_secs(secs))
            .map_or(Life::Ended, Life::Until)
    }

    fn live(self) -> bool {
        matches!(self, Life::Until(at) if at > Instant::now())
    }
}

#[derive(Debug)]
struct RefreshToken {
    life: Life,
    used: bool,
}

/// Credentials, issued tokens and sign-in counters.
#[derive(Debug)]
pub(crate) struct Auth {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) api_key: Option<String>,
    access: HashMap<String, Life>,
    refresh: HashMap<String, RefreshToken>,
    pub(crate) access_lifetime_secs: u64,
    pub(crate) refresh_lifetime_secs: u64,
    pub(crate) password_logins: u64,
    pub(crate) refreshes: u64,
}

impl Auth {
    pub(crate) fn new(username: &str, password: &str, api_key: Option<&str>) -> Auth {
        Auth {
            username: username.to_owned(),
            password: password.to_owned(),
            api_key: api_key.map(str::to_owned),
            access: HashMap::new(),
            refresh: HashMap::new(),
            access_lifetime_secs: DEFAULT_ACCESS_TOKEN_LIFETIME_SECS,
            refresh_lifetime_secs: DEFAULT_REFRESH_TOKEN_LIFETIME_SECS,
            password_logins: 0,
            refreshes: 0,
        }
    }

    pub(crate) fn expire_access_tokens(&mut self) {
        self.access.values_mut().for_each(|l| *l = Life::Ended);
    }

    pub(crate) fn expire_refresh_tokens(&mut self) {
        self.refresh.values_mut().for_each(|r| r.life = Life::Ended);
    }

    /// A new access and refresh token pair, as the token answer.
    fn issue(&mut self) -> Response {
        let access = random_token(48);
        let refresh = random_token(64);
        let lifetime = self.access_lifetime_secs.min(MAX_LIFETIME_SECS);
        self.access.insert(access.clone(), Life::new(lifetime));
        let refresh_life = Life::new(self.refresh_lifetime_secs.min(MAX_LIFETIME_SECS));
        self.refresh.insert(
            refresh.clone(),
            RefreshToken {
                life: refresh_life,
                used: false,
            },
        );
        let (issued, expires) = crate::net::token_times(lifetime);
        Json(json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": lifetime,
            "refresh_token": refresh,
            ".issued": issued,
            ".expires": expires,
        }))
        .into_response()
    }
}

fn random_token(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

fn refused(message: &str) -> Response {
    error(StatusCode::UNAUTHORIZED, SECURITY, message)
}

/// The form fields of a token request, or why it is refused.
#[allow(clippy::result_large_err)]
fn form(headers: &HeaderMap, body: &[u8]) -> Result<BTreeMap<String, String>, Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case(FORM) {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            super::http::LOGICAL,
            format!("The media type '{media}' is not supported: send the token request as {FORM}."),
        ));
    }
    let mut fields = BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if fields
            .insert(name.to_string(), value.into_owned())
            .is_some()
        {
            return Err(bad_request(format!(
                "The field '{name}' is given more than once."
            )));
        }
    }
    Ok(fields)
}

/// `POST /api/v3/token`.
pub(crate) async fn token(State(data): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let fields = match form(&headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let field = |name: &str| {
        fields
            .get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("The field '{name}' is required."))
    };
    let grant = match field("grant_type") {
        Ok(g) => g.as_str(),
        Err(why) => return bad_request(why),
    };
    let mut d = lock(&data);
    let auth = &mut d.auth;
    match grant {
        "password" => {
            let (user, password) = match (field("username"), field("password")) {
                (Ok(u), Ok(p)) => (u, p),
                (Err(why), _) | (_, Err(why)) => return bad_request(why),
            };
            if *user != auth.username || *password != auth.password {
                return refused("The user name or password is incorrect.");
            }
            auth.password_logins += 1;
            auth.issue()
        }
        "refresh_token" => {
            let presented = match field("refresh_token") {
                Ok(t) => t,
                Err(why) => return bad_request(why),
            };
            let Some(entry) = auth.refresh.get_mut(presented) else {
                return refused("The refresh token is not valid.");
            };
            if entry.used {
                return refused("The refresh token has already been used: sign in again.");
            }
            if !entry.life.live() {
                return refused("The refresh token has expired: sign in again.");
            }
            entry.used = true;
            auth.refreshes += 1;
            auth.issue()
        }
        other => bad_request(format!(
            "The grant type '{other}' is not supported: use password or refresh_token."
        )),
    }
}

/// Middleware: `Authorization: Bearer` naming a live access token or the API key.
pub(crate) async fn bearer(State(data): State<Shared>, req: Request, next: Next) -> Response {
    let presented = crate::net::bearer_token(req.headers());
    let Some(presented) = presented else {
        return refused(
            "The request is not authorized: send Authorization: Bearer with an access token \
             or an API key.",
        );
    };
    let verdict = {
        let d = lock(&data);
        if d.auth.api_key.as_deref() == Some(presented.as_str()) {
            Ok(())
        } else {
            match d.auth.access.get(&presented) {
                Some(life) if life.live() => Ok(()),
                Some(_) => Err("The access token has expired."),
                None => Err("The access token is not valid."),
            }
        }
    };
    match verdict {
        Ok(()) => next.run(req).await,
        Err(message) => refused(message),
    }
}
