//! Authentication and authorisation (§2 of the reference): `clientId` on
//! every call, `Basic base64("{company}+{public}:{private}")` for API members
//! and minted member tokens, integrator logins only for minting tokens, and
//! per-member denied rights (403).

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::{json, Value};

use super::error::{ApiError, ApiResult};
use super::model::{fmt_time, MintedToken, Model};
use super::Shared;
use crate::lock;

/// Length of minted token keys (real keys are 16 characters).
const TOKEN_KEY_LEN: usize = 16;

/// The authenticated caller of an API request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Caller {
    /// Member identifier, recorded in `_info.updatedBy` / `enteredBy`.
    pub member: String,
    denied: Vec<String>,
}

impl Caller {
    /// 403 unless the caller's role has `right`.
    pub(crate) fn require(&self, right: &str) -> ApiResult<()> {
        if self.denied.iter().any(|d| d == right) {
            Err(ApiError::forbidden(right))
        } else {
            Ok(())
        }
    }
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let model = lock(&state.model);
        authenticate(&model, &parts.headers, model.token_now())
    }
}

fn check_client_id(model: &Model, headers: &HeaderMap) -> ApiResult<()> {
    let value = headers
        .get("clientid")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if value.is_empty() {
        return Err(ApiError::unauthorized(
            "A clientId header is required on every request.",
        ));
    }
    let ids = &model.seed.client_ids;
    if !ids.is_empty() && !ids.iter().any(|id| id.eq_ignore_ascii_case(value)) {
        return Err(ApiError::unauthorized("The clientId is not recognised."));
    }
    Ok(())
}

/// `(company, login, secret)` from `Authorization: Basic …`.
fn basic_credentials(headers: &HeaderMap) -> ApiResult<(String, String, String)> {
    let missing = || ApiError::unauthorized("Basic authorization is required.");
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(missing());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ApiError::unauthorized("The authorization header is not valid Base64."))?;
    let (user, secret) = decoded
        .split_once(':')
        .ok_or_else(|| ApiError::unauthorized("The credentials must be user:password."))?;
    let (company, login) = user.split_once('+').ok_or_else(|| {
        ApiError::unauthorized("The user name must be \"{companyId}+{publicKey}\".")
    })?;
    Ok((company.to_owned(), login.to_owned(), secret.to_owned()))
}

fn check_company(model: &Model, company: &str) -> ApiResult<()> {
    if company.eq_ignore_ascii_case(&model.seed.company_id) {
        Ok(())
    } else {
        Err(ApiError::unauthorized(
            "Invalid credentials: unknown company.",
        ))
    }
}

fn member_denied(model: &Model, member: &str) -> Vec<String> {
    model
        .seed
        .members
        .iter()
        .find(|m| m.identifier.eq_ignore_ascii_case(member))
        .map(|m| m.denied_rights.clone())
        .unwrap_or_default()
}

/// Authenticates an ordinary API call (API member keys or a minted token).
pub(crate) fn authenticate(
    model: &Model,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> ApiResult<Caller> {
    check_client_id(model, headers)?;
    let (company, login, secret) = basic_credentials(headers)?;
    check_company(model, &company)?;
    if let Some(m) = model
        .seed
        .api_members
        .iter()
        .find(|m| m.public_key == login && m.private_key == secret)
    {
        return Ok(Caller {
            member: m.identifier.clone(),
            denied: m.denied_rights.clone(),
        });
    }
    if let Some(token) = model.tokens.get(&login).filter(|t| t.private_key == secret) {
        if token.expires <= now {
            return Err(ApiError::unauthorized("The member token has expired."));
        }
        return Ok(Caller {
            member: token.member.clone(),
            denied: member_denied(model, &token.member),
        });
    }
    if model.seed.integrators.iter().any(|i| i.username == login) {
        return Err(ApiError::unauthorized(
            "Integrator logins can only mint member tokens (x-cw-usertype: integrator).",
        ));
    }
    Err(ApiError::unauthorized("Invalid API credentials."))
}

fn authenticate_integrator(model: &Model, headers: &HeaderMap) -> ApiResult<()> {
    check_client_id(model, headers)?;
    let (company, login, secret) = basic_credentials(headers)?;
    check_company(model, &company)?;
    if model
        .seed
        .integrators
        .iter()
        .any(|i| i.username == login && i.password == secret)
    {
        Ok(())
    } else {
        Err(ApiError::unauthorized("Invalid integrator login."))
    }
}

fn random_key() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(TOKEN_KEY_LEN)
        .map(char::from)
        .collect()
}

/// `POST /system/members/{member}/tokens`: mints a key pair acting as
/// `member` until `expiration`. With `x-cw-usertype: integrator` the caller
/// authenticates with an integrator login, otherwise with API-member keys.
pub(crate) async fn mint_token(
    State(shared): State<Shared>,
    Path(member): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let integrator = headers
        .get("x-cw-usertype")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("integrator"));
    let mut model = lock(&shared.model);
    let now = model.token_now();
    if integrator {
        authenticate_integrator(&model, &headers)?;
    } else {
        authenticate(&model, &headers, now)?;
    }
    if !body.iter().all(u8::is_ascii_whitespace) {
        let parsed: Value = serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(format!("The request body is not valid JSON: {e}"))
        })?;
        let named = parsed.get("memberIdentifier");
        match named {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.eq_ignore_ascii_case(&member) => {}
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "memberIdentifier {other} does not match the member in the URL ({member})."
                )))
            }
        }
    }
    let Some(found) = model
        .seed
        .members
        .iter()
        .find(|m| m.identifier.eq_ignore_ascii_case(&member))
    else {
        return Err(ApiError::not_found(format!("Member {member} not found")));
    };
    let identifier = found.identifier.clone();
    let expires = now + model.token_lifetime;
    let public_key = random_key();
    let private_key = random_key();
    model.tokens.insert(
        public_key.clone(),
        MintedToken {
            private_key: private_key.clone(),
            member: identifier,
            expires,
        },
    );
    let body = json!({"publicKey": public_key, "privateKey": private_key, "expiration": fmt_time(expires)});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cw::demo::*;
    use crate::cw::seed::CwSeed;
    use axum::http::HeaderValue;

    fn headers(client: Option<&str>, auth: Option<String>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(c) = client {
            h.insert("clientId", HeaderValue::from_str(c).unwrap());
        }
        if let Some(a) = auth {
            h.insert("authorization", HeaderValue::from_str(&a).unwrap());
        }
        h
    }

    fn basic(user: &str, pass: &str) -> String {
        let raw = format!("{user}:{pass}");
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    #[test]
    fn authentication_cases() {
        let mut model = Model::new(CwSeed::demo(), "http://x".into());
        let now = Utc::now();
        model.tokens.insert(
            "TOKPUB".into(),
            MintedToken {
                private_key: "TOKPRIV".into(),
                member: "intern".into(),
                expires: now + chrono::Duration::seconds(60),
            },
        );
        model.tokens.insert(
            "OLDPUB".into(),
            MintedToken {
                private_key: "OLDPRIV".into(),
                member: "intern".into(),
                expires: now - chrono::Duration::seconds(1),
            },
        );
        let good_user = format!("{DEMO_COMPANY}+{DEMO_PUBLIC_KEY}");
        let cases: Vec<(HeaderMap, Result<&str, &str>)> = vec![
            (
                headers(
                    Some(DEMO_CLIENT_ID),
                    Some(basic(&good_user, DEMO_PRIVATE_KEY)),
                ),
                Ok(DEMO_API_MEMBER),
            ),
            (
                headers(
                    Some(DEMO_CLIENT_ID),
                    Some(basic(
                        &good_user
                            .to_uppercase()
                            .replace(&DEMO_PUBLIC_KEY.to_uppercase(), DEMO_PUBLIC_KEY),
                        DEMO_PRIVATE_KEY,
                    )),
                ),
                Ok(DEMO_API_MEMBER),
            ),
            (
                headers(None, Some(basic(&good_user, DEMO_PRIVATE_KEY))),
                Err("clientId"),
            ),
            (
                headers(
                    Some("other-client"),
                    Some(basic(&good_user, DEMO_PRIVATE_KEY)),
                ),
                Err("not recognised"),
            ),
            (
                headers(Some(DEMO_CLIENT_ID), None),
                Err("Basic authorization"),
            ),
            (
                headers(Some(DEMO_CLIENT_ID), Some(basic(&good_user, "wrong"))),
                Err("Invalid API credentials"),
            ),
            (
                headers(
                    Some(DEMO_CLIENT_ID),
                    Some(basic(&format!("other+{DEMO_PUBLIC_KEY}"), DEMO_PRIVATE_KEY)),
                ),
                Err("unknown company"),
            ),
            (
                headers(
                    Some(DEMO_CLIENT_ID),
                    Some(basic(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY)),
                ),
                Err("companyId"),
            ),
            (
                headers(Some(DEMO_CLIENT_ID), Some("Basic !!!".into())),
                Err("Base64"),
            ),
            (
                headers(
                    Some(DEMO_CLIENT_ID),
                    Some(basic(&format!("{DEMO_COMPANY}+TOKPUB"), "TOKPRIV")),
                ),
                Ok("intern"),
            ),
            (
                headers(
                    Some(DEMO_CLIENT_ID),
                    Some(basic(&format!("{DEMO_COMPANY}+OLDPUB"), "OLDPRIV")),
                ),
                Err("expired"),
            ),
            (
                headers(
                    Some(DEMO_CLIENT_ID),
                    Some(basic(
                        &format!("{DEMO_COMPANY}+{DEMO_INTEGRATOR_USER}"),
                        DEMO_INTEGRATOR_PASSWORD,
                    )),
                ),
                Err("Integrator"),
            ),
        ];
        for (i, (h, expected)) in cases.into_iter().enumerate() {
            match (authenticate(&model, &h, now), expected) {
                (Ok(c), Ok(member)) => assert_eq!(c.member, member, "case {i}"),
                (Err(e), Err(text)) => {
                    assert_eq!(e.status, StatusCode::UNAUTHORIZED, "case {i}");
                    assert!(e.message().contains(text), "case {i}: {}", e.message());
                }
                (got, want) => panic!("case {i}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn token_callers_carry_their_members_denied_rights() {
        let model = Model::new(CwSeed::demo(), "http://x".into());
        let caller = Caller {
            member: "intern".into(),
            denied: member_denied(&model, "INTERN"),
        };
        assert!(caller.require("tickets.read").is_ok());
        assert_eq!(
            caller.require("tickets.delete").unwrap_err().status,
            StatusCode::FORBIDDEN
        );
    }
}
