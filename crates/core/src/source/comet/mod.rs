//! The Comet Server adapter (`reference/sources.md` §2, design §8): every
//! call is `POST {server}/api/v1/admin/<endpoint>` with a form body that
//! carries the admin's `Username`, `AuthType` and `Password`. When the saved
//! secret (`backup-bridge secret set source`) starts with `session:`, the
//! rest is a session key from `account/session-start` and is sent as
//! `AuthType=SessionKey` + `SessionKey` instead (for an admin whose password
//! sign-in needs a second factor). A failure is a non-2xx answer or a body
//! `{"Status": <outside 200–299>, "Message": …}` whatever the HTTP code.
//!
//! Jobs name only ids, so the adapter joins them with slim views of the user
//! profiles and the tenants ([`profile::Joins`]), cached in the client and
//! shared by its clones; a failing job's log lines are cached per job GUID
//! so a poll window that overlaps the last one costs no second request.

mod check;
mod decode;
mod http;
mod profile;
#[cfg(test)]
mod tests;

use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use self::decode::{Job, LogEntry, Tenant, UserSlim};
use self::profile::{JobLog, Joins};
use super::decode::{CompanyList, RejectedItem};
use super::kind::SourceKind;
use super::platform::{Gone, Observation, PlatformError, PlatformOptions};

const KIND: SourceKind = SourceKind::Comet;
/// Job logs fetched at once on a first sync.
pub const LOG_FETCHES: usize = 8;
/// How far a poll window reaches back before the end of the last one.
pub const OVERLAP_SECS: i64 = 15 * 60;
/// How far the first poll reaches back.
pub const FIRST_LOOK_SECS: i64 = 7 * 24 * 3600;
/// How long the cached profiles are trusted before a poll reads them again.
pub const PROFILE_MAX_AGE: Duration = Duration::from_secs(3600);
/// The sentence for an admin whose sign-in needs a second factor.
pub const TOTP_SENTENCE: &str =
    "this admin needs a second factor; use a dedicated admin without TOTP or a session key";
const AUTH_HINT: &str =
    "check source.username and the admin password (`backup-bridge secret set source`)";
const SESSION_PREFIX: &str = "session:";

/// A Comet Server client. Cheap to clone: the HTTP pool and the caches are
/// shared by clones.
#[derive(Clone)]
pub struct CometClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Names a refused certificate (`source.tls_fingerprint`).
    tls: super::tls::TlsWatch,
    base: Url,
    username: String,
    secret: SecretString,
    options: PlatformOptions,
    profile_max_age: Duration,
    joins: Mutex<Option<(Instant, Arc<Joins>)>>,
    logs: Mutex<HashMap<String, JobLog>>,
}

impl std::fmt::Debug for CometClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CometClient")
            .field("base", &self.inner.base.as_str())
            .field("username", &self.inner.username)
            .field("secret", &"[hidden]")
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn config(message: impl Into<String>) -> PlatformError {
    PlatformError::Config {
        kind: KIND,
        message: message.into(),
    }
}

impl CometClient {
    /// A client for the Comet Server at `base_url` (https unless loopback;
    /// no redirect is followed), signing in as the admin `username` with
    /// `password` (or a `session:` key, see the module doc).
    pub fn new(
        base_url: &str,
        username: &str,
        password: SecretString,
        options: PlatformOptions,
    ) -> Result<Self, PlatformError> {
        let (base, http, tls) = super::transport::platform_http_client(KIND, base_url, &options)?;
        if username.trim().is_empty() {
            return Err(config(
                "source.username (the Comet admin) is empty; set it with \
                 `backup-bridge config set source.username NAME`",
            ));
        }
        let secret = password.expose_secret();
        if secret.trim().is_empty() || secret.trim() == SESSION_PREFIX {
            return Err(config(
                "the Comet admin password is empty; set it with `backup-bridge secret set source`",
            ));
        }
        Ok(CometClient {
            inner: Arc::new(Inner {
                http,
                tls,
                base,
                username: username.trim().to_owned(),
                secret: password,
                options,
                profile_max_age: PROFILE_MAX_AGE,
                joins: Mutex::new(None),
                logs: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The same client, trusting cached profiles for `age` at most
    /// (`Duration::ZERO`: every poll reads them again). Call before cloning.
    pub fn with_profile_max_age(self, age: Duration) -> Self {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.profile_max_age = age;
                CometClient {
                    inner: Arc::new(inner),
                }
            }
            Err(inner) => CometClient { inner },
        }
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The tenants, or the user accounts when tenants are not used (plus
    /// the accounts outside any tenant when they are).
    pub async fn companies(&self) -> Result<CompanyList, PlatformError> {
        let joins = self.refresh_joins().await?;
        Ok(CompanyList {
            companies: joins.companies(),
            rejected: Vec::new(),
        })
    }

    /// The jobs since `cursor` (less [`OVERLAP_SECS`]; the last
    /// [`FIRST_LOOK_SECS`] without one) up to `now_unix`, as runs; which of
    /// the `known` keys are gone; the jobs that could not be used.
    pub async fn observe(
        &self,
        cursor: Option<&str>,
        known: &BTreeSet<String>,
        now_unix: i64,
    ) -> Result<Observation, PlatformError> {
        let end = now_unix;
        let start = cursor
            .and_then(|c| c.trim().parse::<i64>().ok())
            .map_or(end - FIRST_LOOK_SECS, |c| c - OVERLAP_SECS)
            .clamp(0, end.max(0));
        let mut rejected = Vec::new();
        let jobs = self.jobs(start, end, &mut rejected).await?;
        let (mut joins, mut fresh) = match self.cached_joins() {
            Some(j) => (j, false),
            None => (self.refresh_joins().await?, true),
        };
        if !fresh && jobs.iter().any(|(_, j)| joins.missing(j).is_some()) {
            joins = self.refresh_joins().await?;
            fresh = true;
        }
        // The failing jobs' logs, LOG_FETCHES at a time: a first sync of
        // thousands of failing jobs must not wait for them one by one.
        let failing: Vec<String> = jobs
            .iter()
            .map(|(_, job)| job)
            .filter(|job| {
                decode::run_status(job.status).is_some_and(|s| s.event_fields().is_some())
                    && job.classification == decode::CLASSIFICATION_BACKUP
                    && joins.missing(job).is_none()
            })
            .map(|job| job.guid.clone())
            .collect();
        let mut logs: BTreeMap<String, JobLog> = BTreeMap::new();
        // Owned values only: the cycle's future must stay `Send`.
        let client = self.clone();
        let mut fetches = futures::stream::iter(failing)
            .map(move |guid| {
                let client = client.clone();
                async move { client.job_log(&guid).await.map(|log| (guid, log)) }
            })
            .buffer_unordered(LOG_FETCHES);
        while let Some(fetched) = fetches.next().await {
            let (guid, log) = fetched?;
            logs.insert(guid, log);
        }
        drop(fetches);
        let mut runs = Vec::new();
        let mut seen = BTreeSet::new();
        for (position, job) in &jobs {
            seen.insert(job.guid.clone());
            let log = logs.remove(job.guid.as_str()).unwrap_or_default();
            match joins.run(job, &log) {
                Ok(run) => runs.push(run),
                Err(reason) => rejected.push(RejectedItem {
                    position: *position,
                    id: Some(job.guid.clone()),
                    reason: format!("job {}: {reason}", job.guid),
                }),
            }
        }
        // Only the jobs of this window can come back in the next one.
        lock(&self.inner.logs).retain(|guid, _| seen.contains(guid));
        let gone = if fresh {
            Gone {
                keys: joins.gone(known),
                undecided: !joins.complete,
            }
        } else {
            Gone::default()
        };
        Ok(Observation {
            runs,
            gone,
            rejected,
            cursor: Some(end.to_string()),
        })
    }

    /// The jobs of `[start, end]`, one per GUID (a finished report beats a
    /// running one, later beats earlier), with their positions; unreadable
    /// items go to `rejected`.
    async fn jobs(
        &self,
        start: i64,
        end: i64,
        rejected: &mut Vec<RejectedItem>,
    ) -> Result<Vec<(usize, Job)>, PlatformError> {
        let endpoint = "get-jobs-for-date-range";
        let (start, end) = (start.to_string(), end.to_string());
        let items: Vec<Value> = self
            .call(endpoint, &[("Start", &start), ("End", &end)])
            .await?;
        let mut by_guid: BTreeMap<String, (usize, Job)> = BTreeMap::new();
        for (position, item) in items.into_iter().enumerate() {
            let id = item.get("GUID").and_then(Value::as_str).map(str::to_owned);
            match serde_json::from_value::<Job>(item) {
                Ok(job) => {
                    let newer = by_guid
                        .get(&job.guid)
                        .is_none_or(|(_, old)| supersedes(&job, old));
                    if newer {
                        by_guid.insert(job.guid.clone(), (position, job));
                    }
                }
                Err(e) => rejected.push(RejectedItem {
                    position,
                    id,
                    reason: format!("not a readable job: {e}"),
                }),
            }
        }
        let mut jobs: Vec<(usize, Job)> = by_guid.into_values().collect();
        jobs.sort_by_key(|(p, _)| *p);
        Ok(jobs)
    }

    /// A failing job's log, from the cache or `get-job-log-entries`.
    async fn job_log(&self, guid: &str) -> Result<JobLog, PlatformError> {
        if let Some(log) = lock(&self.inner.logs).get(guid) {
            return Ok(log.clone());
        }
        let result = self
            .call::<Vec<LogEntry>>(
                "get-job-log-entries",
                &[("JobID", guid), ("MinSeverity", "W")],
            )
            .await;
        let log = match result {
            Ok(entries) => JobLog::from_entries(&entries),
            Err(e) if e.is_retryable() => return Err(e),
            Err(e) => {
                // A log the server will not give (a purged job) must not hold
                // up the sync: the run goes without its lines, and the next
                // poll asks again.
                tracing::warn!(job = guid, error = %e, "cannot read a Comet job log");
                return Ok(JobLog::default());
            }
        };
        lock(&self.inner.logs).insert(guid.to_owned(), log.clone());
        Ok(log)
    }

    /// The cached joins while they are fresh enough.
    fn cached_joins(&self) -> Option<Arc<Joins>> {
        let slot = lock(&self.inner.joins);
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < self.inner.profile_max_age)
            .map(|(_, j)| j.clone())
    }

    /// Reads the profiles and the tenants again and caches them.
    async fn refresh_joins(&self) -> Result<Arc<Joins>, PlatformError> {
        let raw: BTreeMap<String, Value> = self.call("list-users-full", &[]).await?;
        let mut users = BTreeMap::new();
        let mut complete = true;
        for (name, profile) in raw {
            // Only the slim view is decoded; the rest of the profile (its
            // password hash, TOTP key, vault credentials) is dropped here.
            match serde_json::from_value::<UserSlim>(profile) {
                Ok(mut user) => {
                    if user.username.is_empty() {
                        user.username = name.clone();
                    }
                    users.insert(name, user);
                }
                Err(_) => {
                    tracing::warn!(user = %name, "a Comet user profile could not be read");
                    complete = false;
                }
            }
        }
        let tenants = match self
            .call::<BTreeMap<String, Tenant>>("organization/list", &[])
            .await
        {
            Ok(t) => t.into_iter().map(|(id, t)| (id, t.name)).collect(),
            // Only a top-level admin may list tenants: a refusal means the
            // accounts are the companies.
            Err(PlatformError::Refused { .. } | PlatformError::Auth { .. }) => BTreeMap::new(),
            Err(e) => return Err(e),
        };
        let joins = Arc::new(Joins {
            users,
            tenants,
            complete,
        });
        *lock(&self.inner.joins) = Some((Instant::now(), joins.clone()));
        Ok(joins)
    }
}

/// True when `new` is a later report of the same job than `old`: a
/// finished report beats a running one, a later end an earlier one, and of
/// two alike the one read last wins.
fn supersedes(new: &Job, old: &Job) -> bool {
    match (new.end_time, old.end_time) {
        (0, 0) | (_, 0) => true,
        (0, _) => false,
        (n, o) => n >= o,
    }
}
