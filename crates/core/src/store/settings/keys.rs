//! The settings catalogue (design §2): every key, its default and how its
//! value is checked and normalised. `config set`, the Setup window and
//! [`super::Settings::load`] all go through [`normalize`], so a value that
//! reaches the database is always one the typed [`super::Settings`] accepts.

use crate::model::TypeFilter;

use super::template::{validate_template, DEFAULT_SUMMARY_TEMPLATE};

/// Prefix of engine-internal keys (e.g. `internal.cw_codebase`): allowed,
/// unvalidated, and hidden from `config show`.
pub const INTERNAL_PREFIX: &str = "internal.";

/// Smallest allowed `sync.interval_secs`.
pub const MIN_INTERVAL_SECS: u64 = 10;
/// Largest allowed `sync.interval_secs` (one day): keeps timer arithmetic far from overflow.
pub const MAX_INTERVAL_SECS: u64 = 86_400;
/// Allowed `cw.requests_per_minute` range (0 = no client-side limit).
pub const REQUEST_RATE_RANGE: std::ops::RangeInclusive<u64> = 0..=100_000;
/// Largest allowed `storm.max_creates_per_cycle` (`0` = no cap).
pub const MAX_CREATES_PER_CYCLE: u64 = 1_000_000;
/// Allowed `storm.rollup_min` range: a roll-up needs at least two failures.
pub const ROLLUP_MIN_RANGE: std::ops::RangeInclusive<u64> = 2..=100_000;
/// Allowed `ticket.flap_window_mins` range (one minute to one week).
pub const FLAP_WINDOW_RANGE: std::ops::RangeInclusive<u64> = 1..=10_080;
/// Allowed `activity.keep_days` range (one day to ten years).
pub const KEEP_DAYS_RANGE: std::ops::RangeInclusive<u64> = 1..=3_650;
/// Allowed `sync.concurrency` range.
pub const CONCURRENCY_RANGE: std::ops::RangeInclusive<u64> = 1..=16;

/// How a key's value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Free text; empty clears it.
    Text,
    /// ConnectWise host or URL; https unless loopback; empty clears it.
    Site,
    /// Full base URL (scheme optional, https assumed); https unless loopback; empty clears it.
    Url,
    AuthMode,
    EventTypes,
    BackupTypes,
    /// ConnectWise conditions text; empty is allowed (no agreement).
    Condition,
    Template,
    RemovedPolicy,
    Interval,
    Concurrency,
    RequestRate,
    /// `dashboard`, `msp360`, `comet` or `vspc`.
    Source,
    /// A certificate's SHA-256 fingerprint (64 hex digits, colons allowed);
    /// empty clears it.
    Fingerprint,
    /// A count of tickets, `0` = no cap.
    CreateCap,
    /// Failures sharing a cause that make a roll-up ticket.
    RollupMin,
    /// Minutes of the flap damping window.
    FlapWindow,
    /// Days closed tickets stay in the Activity list's default view.
    KeepDays,
}

/// One known setting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySpec {
    pub key: &'static str,
    /// The effective value when nothing is stored; `None` = unset.
    pub default: Option<&'static str>,
    pub kind: Kind,
    /// One line for `config show` and the UI.
    pub help: &'static str,
}

const fn spec(
    key: &'static str,
    default: Option<&'static str>,
    kind: Kind,
    help: &'static str,
) -> KeySpec {
    KeySpec {
        key,
        default,
        kind,
        help,
    }
}

/// Every known key, in display order.
pub(crate) const KEYS: &[KeySpec] = &[
    spec(
        "cw.site",
        None,
        Kind::Site,
        "ConnectWise host (na.myconnectwise.net, an on-premise host) or URL",
    ),
    spec(
        "cw.company",
        None,
        Kind::Text,
        "ConnectWise login company id",
    ),
    spec(
        "cw.auth_mode",
        Some("api_member"),
        Kind::AuthMode,
        "api_member or integrator",
    ),
    spec(
        "cw.public_key",
        None,
        Kind::Text,
        "API member public key (api_member mode)",
    ),
    spec(
        "cw.integrator_username",
        None,
        Kind::Text,
        "integrator login (integrator mode)",
    ),
    spec(
        "cw.impersonate_member",
        None,
        Kind::Text,
        "member identifier to impersonate (integrator mode)",
    ),
    spec(
        "cw.client_id",
        None,
        Kind::Text,
        "ConnectWise developer clientId",
    ),
    spec(
        "cw.requests_per_minute",
        Some("900"),
        Kind::RequestRate,
        "ConnectWise requests per minute this app allows itself (0 = no limit; \
         ConnectWise throttles above about 1,000)",
    ),
    spec(
        "defaults.event_types",
        Some("Error,Warning,BackupAnomaly"),
        Kind::EventTypes,
        "event types that become tickets (comma list or all)",
    ),
    spec(
        "defaults.backup_types",
        Some("all"),
        Kind::BackupTypes,
        "backup types that become tickets (comma list or all)",
    ),
    spec(
        "defaults.agreement_condition",
        Some(""),
        Kind::Condition,
        "agreement conditions (empty = no agreement)",
    ),
    spec("ticket.board", None, Kind::Text, "service board name"),
    spec(
        "ticket.status_new",
        None,
        Kind::Text,
        "status for new tickets (unset = the board's default)",
    ),
    spec(
        "ticket.status_closed",
        None,
        Kind::Text,
        "status for closed tickets (unset = the board's first closed status)",
    ),
    spec(
        "ticket.priority.Error",
        None,
        Kind::Text,
        "priority for Error events (unset = ConnectWise default)",
    ),
    spec(
        "ticket.priority.Warning",
        None,
        Kind::Text,
        "priority for Warning events (unset = ConnectWise default)",
    ),
    spec(
        "ticket.priority.BackupAnomaly",
        None,
        Kind::Text,
        "priority for BackupAnomaly events (unset = ConnectWise default)",
    ),
    spec("ticket.type", None, Kind::Text, "ticket type (optional)"),
    spec(
        "ticket.subtype",
        None,
        Kind::Text,
        "ticket subtype (optional)",
    ),
    spec("ticket.item", None, Kind::Text, "ticket item (optional)"),
    spec(
        "ticket.summary_template",
        Some(DEFAULT_SUMMARY_TEMPLATE),
        Kind::Template,
        "summary; placeholders {eventType} {computer} {plan} {backupType} {company}",
    ),
    spec(
        "ticket.removed_policy",
        Some("close"),
        Kind::RemovedPolicy,
        "when an event leaves the Dashboard: close, leave or delete",
    ),
    spec(
        "sync.interval_secs",
        Some("300"),
        Kind::Interval,
        "seconds between syncs (at least 10)",
    ),
    spec(
        "sync.concurrency",
        Some("4"),
        Kind::Concurrency,
        "ConnectWise requests in flight at once (1 to 16)",
    ),
    spec(
        "dashboard.url",
        None,
        Kind::Url,
        "Cloud Backup Dashboard base URL",
    ),
    spec(
        "source.kind",
        Some("dashboard"),
        Kind::Source,
        "backup platform to read: dashboard, msp360, comet or vspc",
    ),
    spec(
        "source.url",
        None,
        Kind::Url,
        "the platform's address (MSP360: https://api.mspbackups.com when empty; Comet: the Comet Server; VSPC: the console, e.g. https://vspc.example.com:1280)",
    ),
    spec(
        "source.username",
        None,
        Kind::Text,
        "the platform login (MSP360 API login, Comet admin username; for a Comet admin with TOTP save `session:<session key>` as the source secret; VSPC: empty when the source secret is an API key)",
    ),
    spec(
        "source.tls_fingerprint",
        None,
        Kind::Fingerprint,
        "SHA-256 fingerprint of a self-hosted platform's own certificate (self-signed VSPC or Comet Server), trusted instead of a certificate authority; empty uses the usual checks",
    ),
    spec(
        "storm.max_creates_per_cycle",
        Some("50"),
        Kind::CreateCap,
        "most tickets created per sync; the rest wait for the next sync, oldest first (0 = no cap)",
    ),
    spec(
        "storm.rollup_min",
        Some("10"),
        Kind::RollupMin,
        "new failures in one sync that share a cause before they also get one roll-up ticket (at least 2)",
    ),
    spec(
        "storm.rollup_company",
        None,
        Kind::Text,
        "ConnectWise Company ID that receives roll-up tickets, usually your own company (empty = no roll-up tickets)",
    ),
    spec(
        "ticket.flap_window_mins",
        Some("240"),
        Kind::FlapWindow,
        "minutes in which more than 3 failures of one event make it flapping: one summary note instead of a note per close and reopen",
    ),
    spec(
        "activity.keep_days",
        Some("90"),
        Kind::KeepDays,
        "days a closed or removed ticket stays in the Activity list; older ones are still found by a search",
    ),
];

/// Find a known key.
pub(crate) fn find(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|s| s.key == key)
}

/// True when a key names a secret (these live in the keychain, never in SQLite).
/// `cw.public_key` is not one: it is the non-secret half of the key pair.
pub(crate) fn looks_secret(key: &str) -> bool {
    const SECRET_WORDS: &[&str] = &[
        "private_key",
        "privatekey",
        "private-key",
        "password",
        "passwd",
        "secret",
        "token",
    ];
    let lower = key.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// Check and normalise `raw` for `spec`. `Ok(None)` means "store nothing":
/// the key goes back to its default / unset.
pub(crate) fn normalize(spec: &KeySpec, raw: &str) -> Result<Option<String>, String> {
    let value = raw.trim();
    match spec.kind {
        Kind::Text => Ok(non_empty(value)),
        Kind::Site | Kind::Url => {
            if value.is_empty() {
                return Ok(None);
            }
            crate::source::parse_base_url(value)?;
            Ok(Some(value.trim_end_matches('/').to_owned()))
        }
        Kind::AuthMode => one_of(value, &["api_member", "integrator"]),
        Kind::Source => match crate::source::SourceKind::parse(value) {
            Some(kind) => Ok(Some(kind.as_str().to_owned())),
            None => Err(format!(
                "\"{value}\" is not a backup source; use dashboard, msp360, comet or vspc"
            )),
        },
        Kind::Fingerprint => {
            if value.is_empty() {
                return Ok(None);
            }
            crate::source::tls::Fingerprint::parse(value).map(|f| Some(f.to_string()))
        }
        Kind::RemovedPolicy => one_of(value, &["close", "leave", "delete"]),
        Kind::EventTypes | Kind::BackupTypes => normalize_types(spec.kind, value),
        Kind::Condition => {
            if value.is_empty() {
                return Ok(None);
            }
            check_condition(value)?;
            Ok(Some(value.to_owned()))
        }
        Kind::Template => {
            if value.is_empty() {
                return Err(format!(
                    "the summary template cannot be empty (default: {DEFAULT_SUMMARY_TEMPLATE})"
                ));
            }
            validate_template(value)?;
            Ok(Some(value.to_owned()))
        }
        Kind::Interval => number_in(value, MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS, |n| {
            format!(
                "the interval must be between {MIN_INTERVAL_SECS} and {MAX_INTERVAL_SECS} seconds, got {n}"
            )
        }),
        Kind::Concurrency => number_in(value, CONCURRENCY_RANGE, |n| {
            format!(
                "the concurrency must be between {} and {}, got {n}",
                CONCURRENCY_RANGE.start(),
                CONCURRENCY_RANGE.end()
            )
        }),
        Kind::CreateCap => value
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= MAX_CREATES_PER_CYCLE)
            .map(|n| Some(n.to_string()))
            .ok_or_else(|| {
                format!(
                    "expected a whole number of tickets from 0 (no cap) to {MAX_CREATES_PER_CYCLE}, got \"{value}\""
                )
            }),
        Kind::RollupMin => number_in(value, ROLLUP_MIN_RANGE, |n| {
            format!(
                "a roll-up needs between {} and {} failures, got {n}",
                ROLLUP_MIN_RANGE.start(),
                ROLLUP_MIN_RANGE.end()
            )
        }),
        Kind::FlapWindow => number_in(value, FLAP_WINDOW_RANGE, |n| {
            format!(
                "the flap window must be between {} and {} minutes (one week), got {n}",
                FLAP_WINDOW_RANGE.start(),
                FLAP_WINDOW_RANGE.end()
            )
        }),
        Kind::KeepDays => number_in(value, KEEP_DAYS_RANGE, |n| {
            format!(
                "keep closed tickets in the Activity list between {} and {} days, got {n}",
                KEEP_DAYS_RANGE.start(),
                KEEP_DAYS_RANGE.end()
            )
        }),
        Kind::RequestRate => number_in(value, REQUEST_RATE_RANGE, |n| {
            format!(
                "the request rate must be between {} (no limit) and {} per minute, got {n}",
                REQUEST_RATE_RANGE.start(),
                REQUEST_RATE_RANGE.end()
            )
        }),
    }
}

/// A type filter (`all` or a comma-separated list of at least one type).
fn normalize_types(kind: Kind, value: &str) -> Result<Option<String>, String> {
    match TypeFilter::parse(value) {
        TypeFilter::Only(list) if list.is_empty() => Err(format!(
            "list at least one {} type (comma separated), or use all",
            if kind == Kind::EventTypes {
                "event"
            } else {
                "backup"
            }
        )),
        f => Ok(Some(f.to_string())),
    }
}

/// `value` as a whole number within `range`; `out_of_range` words the error.
fn number_in(
    value: &str,
    range: std::ops::RangeInclusive<u64>,
    out_of_range: impl Fn(u64) -> String,
) -> Result<Option<String>, String> {
    let n = parse_number(value)?;
    if !range.contains(&n) {
        return Err(out_of_range(n));
    }
    Ok(Some(n.to_string()))
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn one_of(value: &str, allowed: &[&str]) -> Result<Option<String>, String> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .map(|a| Some((*a).to_owned()))
        .ok_or_else(|| format!("expected one of {}, got \"{value}\"", allowed.join(", ")))
}

fn parse_number(value: &str) -> Result<u64, String> {
    value
        .parse::<u64>()
        .map_err(|_| format!("expected a whole number, got \"{value}\""))
}

/// Check agreement conditions text with the ConnectWise conditions parser.
pub(crate) fn check_condition(text: &str) -> Result<(), String> {
    crate::conditions::validate(text).map_err(|e| e.to_string())
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
