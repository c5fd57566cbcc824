//! The Comet Server's wire: one form-encoded POST per call, signed in with
//! the admin's password or session key in the body, and the errors an
//! answer stands for (a non-2xx code, or a body `Status` outside 200–299
//! whatever the code). Bodies are read with a size cap; no error sentence
//! carries the secret.

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{CometClient, AUTH_HINT, KIND, SESSION_PREFIX, TOTP_SENTENCE};
use crate::net::{self, BodyError};
use crate::source::error::excerpt;
use crate::source::platform::PlatformError;

impl CometClient {
    /// The form fields that sign a request in.
    pub(super) fn auth_fields(&self) -> Vec<(&'static str, &str)> {
        let secret = self.inner.secret.expose_secret();
        let mut fields = vec![("Username", self.inner.username.as_str())];
        match secret.strip_prefix(SESSION_PREFIX) {
            Some(key) => {
                fields.push(("AuthType", "SessionKey"));
                fields.push(("SessionKey", key));
            }
            None => {
                fields.push(("AuthType", "Password"));
                fields.push(("Password", secret));
            }
        }
        fields
    }

    /// One call: the answer decoded as `T`, or the error it stands for.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        fields: &[(&str, &str)],
    ) -> Result<T, PlatformError> {
        let path = format!("/api/v1/admin/{endpoint}");
        let value = self.post(&path, fields).await?;
        serde_json::from_value(value).map_err(|e| PlatformError::Decode {
            kind: KIND,
            path: path.clone(),
            message: format!("the answer does not have the documented shape ({e})"),
        })
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Result<Value, PlatformError> {
        // Built before the first await: the serializer is not `Send`.
        let body = self.form_body(fields);
        let url = crate::source::base_url::join(&self.inner.base, path);
        let response = self
            .inner
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| PlatformError::from_transport(&self.inner.tls, KIND, path, &e))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(PlatformError::Refused {
                kind: KIND,
                status: status.as_u16(),
                path: path.to_owned(),
                message: "a redirect, which BackupBridge does not follow; check source.url"
                    .to_owned(),
            });
        }
        let body = match net::read_body(response, self.inner.options.max_body_bytes).await {
            Ok(body) => body,
            Err(BodyError::TooLarge) if !status.is_success() => Vec::new(),
            Err(BodyError::TooLarge) => {
                return Err(PlatformError::Decode {
                    kind: KIND,
                    path: path.to_owned(),
                    message: format!(
                        "the answer is larger than {}, so BackupBridge stopped reading it",
                        net::size_text(self.inner.options.max_body_bytes)
                    ),
                })
            }
            Err(BodyError::Transport(e)) => {
                return Err(PlatformError::from_transport(
                    &self.inner.tls,
                    KIND,
                    path,
                    &e,
                ))
            }
        };
        self.answer(path, status, &body)
    }

    /// The form body: the sign-in fields, then `fields`.
    fn form_body(&self, fields: &[(&str, &str)]) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.auth_fields().into_iter().chain(fields.iter().copied()) {
            form.append_pair(k, v);
        }
        form.finish()
    }

    /// What an answer read in full stands for: the failure its body's
    /// `Status` states (whatever the HTTP code), else the failure its HTTP
    /// code states, else its JSON.
    fn answer(&self, path: &str, status: StatusCode, body: &[u8]) -> Result<Value, PlatformError> {
        let value = serde_json::from_slice::<Value>(body).ok();
        let stated = value
            .as_ref()
            .and_then(|v| v.get("Status"))
            .and_then(Value::as_i64)
            .filter(|s| !(200..=299).contains(s));
        if let Some(code) = stated {
            let message = value
                .as_ref()
                .and_then(|v| v.get("Message"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(failure(code, path, &self.redact(message)));
        }
        if !status.is_success() {
            let message = match &value {
                Some(v) => v.get("Message").and_then(Value::as_str).unwrap_or_default(),
                None => "",
            };
            return Err(failure(
                i64::from(status.as_u16()),
                path,
                &self.redact(message),
            ));
        }
        value.ok_or_else(|| PlatformError::Decode {
            kind: KIND,
            path: path.to_owned(),
            message: format!("the answer is not JSON ({} bytes)", body.len()),
        })
    }
}

impl CometClient {
    /// A server's message with the secret cut out, should it ever echo it.
    pub(super) fn redact(&self, message: &str) -> String {
        let secret = self.inner.secret.expose_secret();
        let secret = secret.strip_prefix(SESSION_PREFIX).unwrap_or(secret);
        if secret.len() >= 4 {
            message.replace(secret, "[hidden]")
        } else {
            message.to_owned()
        }
    }
}

/// The error a stated failure (`Status` in the body, or the HTTP code)
/// stands for.
pub(super) fn failure(code: i64, path: &str, message: &str) -> PlatformError {
    let status = u16::try_from(code).unwrap_or(0);
    let detail = if message.trim().is_empty() {
        "no details given".to_owned()
    } else {
        excerpt(message)
    };
    if message.contains("ERR_TOTP_REQUIRED") {
        return PlatformError::Auth {
            kind: KIND,
            detail: TOTP_SENTENCE.to_owned(),
            hint: "then save its password with `backup-bridge secret set source`".to_owned(),
        };
    }
    match code {
        401 | 403 => PlatformError::Auth {
            kind: KIND,
            detail,
            hint: AUTH_HINT.to_owned(),
        },
        429 => PlatformError::RateLimited {
            kind: KIND,
            path: path.to_owned(),
        },
        500..=599 => PlatformError::Server {
            kind: KIND,
            status,
            path: path.to_owned(),
            message: detail,
        },
        _ => PlatformError::Refused {
            kind: KIND,
            status,
            path: path.to_owned(),
            message: detail,
        },
    }
}
