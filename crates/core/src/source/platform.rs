//! What a backup platform's adapter hands the incident deriver (design §8):
//! the latest run of each plan it reported, which plans no longer exist, and
//! the items it could not read. Adapters (`msp360`, `comet`) only translate
//! the platform's API into these types; every rule about incidents lives in
//! [`super::derive`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::decode::RejectedItem;
use super::kind::SourceKind;
use super::tls::{refusal_sentence, Fingerprint, TlsWatch};

/// A run's outcome as the deriver sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunStatus {
    /// The run failed: `Error` event, job status `Failed`.
    Failed,
    /// The run finished with warnings: `Warning` event, job status `Warning`.
    Warning,
    /// The run missed its schedule: `Warning` event, job status `Overdue`.
    Overdue,
    /// Still running: changes nothing.
    Running,
    /// The run succeeded: an open incident becomes `Completed`.
    Completed,
    /// The platform does not know (MSP360 status 4): changes nothing.
    Unknown,
    /// A run that never becomes a ticket (a skipped run, a restore, a
    /// verification): changes nothing.
    NotTicketed,
}

impl RunStatus {
    /// The event type and job status of an incident in this state, for the
    /// failing states.
    pub fn event_fields(self) -> Option<(&'static str, &'static str)> {
        match self {
            RunStatus::Failed => Some(("Error", "Failed")),
            RunStatus::Warning => Some(("Warning", "Warning")),
            RunStatus::Overdue => Some(("Warning", "Overdue")),
            _ => None,
        }
    }
}

/// One error or warning line of a run (Comet's job log), a detail of the
/// incident: pushed as one note, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorLine {
    /// RFC 3339 time of the line, when the platform gives one.
    pub at: Option<String>,
    pub text: String,
}

/// The latest run of one plan as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRun {
    /// What identifies the plan for good (company + computer + plan, plus the
    /// destination where the platform has one), built from the platform's
    /// ids where it has them so a rename keeps the incident. Never contains
    /// a secret.
    pub key: String,
    /// The company id as `companies list` shows it.
    pub company_id: String,
    pub computer: String,
    pub plan: String,
    pub backup_type: String,
    pub status: RunStatus,
    /// The run's start, RFC 3339 UTC; `None` when the platform gives none.
    pub started_at: Option<String>,
    /// The run's end or the platform's last word on it, RFC 3339 UTC.
    pub updated_at: Option<String>,
    /// One line saying what went wrong (empty for success).
    pub message: String,
    /// The run's error and warning lines, in order.
    pub error_lines: Vec<ErrorLine>,
    /// Extra lines for the ticket's description (`Report: https://…`).
    pub description: Vec<(String, String)>,
}

/// Which of the plans the deriver knows still exist at the platform.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gone {
    /// Known keys the platform no longer has: their incidents are removed
    /// (rule 7).
    pub keys: BTreeSet<String>,
    /// The platform's listing could not be read whole (an unreadable item),
    /// so no key is taken as gone this time (rule 11).
    pub undecided: bool,
}

/// One look at a platform: the runs it reported, the plans that are gone,
/// and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    /// Runs, in any order (several per key where the platform reports
    /// history; the deriver orders them by start).
    pub runs: Vec<PlanRun>,
    pub gone: Gone,
    /// Items skipped, with their position and why (rule 11).
    pub rejected: Vec<RejectedItem>,
    /// Where the next look starts (Comet: the end of this poll window).
    pub cursor: Option<String>,
}

/// Why a platform request failed. `Display` is one sentence for the user,
/// naming the product and what to do; no message carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The credentials were refused (after one new sign-in).
    #[error("{} refused the sign-in: {detail}; {hint}", .kind.label())]
    Auth {
        kind: SourceKind,
        detail: String,
        hint: String,
    },
    /// Cannot reach the platform (DNS, refused connection, TLS, reset).
    #[error("cannot reach {}: {message}; check source.url", .kind.label())]
    Network { kind: SourceKind, message: String },
    /// No answer within the request timeout.
    #[error("{} did not answer {path} in time", .kind.label())]
    Timeout { kind: SourceKind, path: String },
    /// 429: slow down.
    #[error("{} asked BackupBridge to slow down (HTTP 429) on {path}", .kind.label())]
    RateLimited { kind: SourceKind, path: String },
    /// A 5xx answer.
    #[error("{} had a server error (HTTP {status}) on {path}: {message}", .kind.label())]
    Server {
        kind: SourceKind,
        status: u16,
        path: String,
        message: String,
    },
    /// Another failure the platform stated (an HTTP error, or Comet's
    /// `{"Status": >= 400, "Message": …}`).
    #[error("{} answered {path} with an error ({status}): {message}", .kind.label())]
    Refused {
        kind: SourceKind,
        status: u16,
        path: String,
        message: String,
    },
    /// The answer was not what the API documents (HTML, a wrong shape).
    #[error("{} sent an unreadable answer to {path}: {message}", .kind.label())]
    Decode {
        kind: SourceKind,
        path: String,
        message: String,
    },
    /// The adapter cannot be built as configured.
    #[error("the {} connection is misconfigured: {message}", .kind.as_str())]
    Config { kind: SourceKind, message: String },
}

impl PlatformError {
    /// True when the same request may succeed later unchanged.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            PlatformError::Network { .. }
                | PlatformError::Timeout { .. }
                | PlatformError::RateLimited { .. }
                | PlatformError::Server { .. }
        )
    }

    /// Classify a transport failure from reqwest.
    pub fn from_reqwest(kind: SourceKind, path: &str, e: &reqwest::Error) -> PlatformError {
        if e.is_timeout() {
            PlatformError::Timeout {
                kind,
                path: path.to_owned(),
            }
        } else {
            PlatformError::Network {
                kind,
                message: crate::net::describe_chain(e),
            }
        }
    }

    /// A transport failure as the user should read it: a certificate that
    /// `tls` refused is named with its fingerprint and what to do.
    pub fn from_transport(
        tls: &TlsWatch,
        kind: SourceKind,
        path: &str,
        e: &reqwest::Error,
    ) -> PlatformError {
        match tls.take_refusal() {
            Some(refusal) if !e.is_timeout() => PlatformError::Network {
                kind,
                message: refusal_sentence(&refusal),
            },
            _ => PlatformError::from_reqwest(kind, path, e),
        }
    }
}

/// Timeouts and limits of a platform adapter; `Default` is the product's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformOptions {
    pub connect_timeout: std::time::Duration,
    /// Whole-request timeout, body included.
    pub request_timeout: std::time::Duration,
    /// The largest answer read ([`crate::net::MAX_BODY_BYTES`]).
    pub max_body_bytes: u64,
    /// The one certificate trusted (`source.tls_fingerprint`); `None`:
    /// the usual certificate checks.
    pub tls_fingerprint: Option<Fingerprint>,
}

impl Default for PlatformOptions {
    fn default() -> Self {
        PlatformOptions {
            connect_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(30),
            max_body_bytes: crate::net::MAX_BODY_BYTES,
            tls_fingerprint: None,
        }
    }
}

/// One step of a platform's connection check, in the order *Test
/// connection* shows them: reachable, signed in, can list companies, can
/// read monitoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckStep {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

impl CheckStep {
    pub fn new(name: &str, ok: bool, detail: impl Into<String>) -> CheckStep {
        CheckStep {
            name: name.to_owned(),
            ok,
            detail: detail.into(),
        }
    }
}

/// The names of the check's steps.
pub const CHECK_REACHABLE: &str = "Reachable";
pub const CHECK_SIGNED_IN: &str = "Signed in";
pub const CHECK_COMPANIES: &str = "Can list companies";
pub const CHECK_MONITORING: &str = "Can read monitoring";
