//! Fault injection shared by both simulators, settable while they run.
//!
//! A [`FaultControl`] (ConnectWise) or [`DashFaultControl`] (Dashboard) is a
//! cheap handle on the same kind of shared state; a middleware consults it
//! before every request. One-shot faults are counters consumed in a fixed
//! order: hang, then rate-limit, then redirect, then fail, then garbage. The optional real
//! rate limiter only counts requests that got through. Latency can be added
//! before a request is handled and after (the response waits while the
//! handler's effect is already committed).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::watch;

use crate::lock;
use crate::log::{InjectedDelay, NoResponseSent};

/// Length of the real rate limiter's sliding window.
const RATE_WINDOW: Duration = Duration::from_secs(60);

/// Which simulator's error bodies a fault answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    ConnectWise,
    Dashboard,
}

#[derive(Debug, Default)]
struct Inner {
    latency: Duration,
    response_latency: Duration,
    fail: u32,
    /// Requests let through before the `fail` ones.
    fail_after: u32,
    fail_status: u16,
    rate_limited: u32,
    /// The `Retry-After` header value of the next rate-limited answers.
    retry_after: String,
    redirected: u32,
    /// Where the next redirected answers point (`Location`).
    redirect_to: String,
    hang: u32,
    garbage: u32,
    drop_after_commit: u32,
    fail_after_commit: u32,
    fail_after_commit_status: u16,
    per_minute: Option<u32>,
    window: VecDeque<Instant>,
}

/// What the middleware must do with one request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    Hang,
    /// 429 with this `Retry-After` header value (seconds, or any text a test sets).
    RateLimited {
        retry_after: String,
    },
    /// 302 Found to this `Location`, with no body.
    Redirect(String),
    Fail(u16),
    Garbage,
}

/// Shared fault state of one simulator.
#[derive(Debug)]
pub(crate) struct FaultState {
    inner: Mutex<Inner>,
    shutdown: watch::Receiver<bool>,
}

impl FaultState {
    pub(crate) fn new(shutdown: watch::Receiver<bool>) -> Arc<Self> {
        Arc::new(FaultState {
            inner: Mutex::new(Inner::default()),
            shutdown,
        })
    }

    /// Consumes the one-shot fault (if any) this request triggers.
    pub(crate) fn next_fault(&self, now: Instant) -> (Duration, Option<Fault>) {
        let mut s = lock(&self.inner);
        let latency = s.latency;
        let fault = if take(&mut s.hang) {
            Some(Fault::Hang)
        } else if take(&mut s.rate_limited) {
            Some(Fault::RateLimited {
                retry_after: s.retry_after.clone(),
            })
        } else if take(&mut s.redirected) {
            Some(Fault::Redirect(s.redirect_to.clone()))
        } else if s.fail > 0 && take(&mut s.fail_after) {
            None
        } else if take(&mut s.fail) {
            Some(Fault::Fail(s.fail_status))
        } else if take(&mut s.garbage) {
            Some(Fault::Garbage)
        } else if let Some(limit) = s.per_minute {
            while s
                .window
                .front()
                .is_some_and(|t| now.duration_since(*t) >= RATE_WINDOW)
            {
                s.window.pop_front();
            }
            if s.window.len() >= limit as usize {
                let oldest = s.window.front().copied().unwrap_or(now);
                let wait = RATE_WINDOW.saturating_sub(now.duration_since(oldest));
                let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
                Some(Fault::RateLimited {
                    retry_after: secs.to_string(),
                })
            } else {
                s.window.push_back(now);
                None
            }
        } else {
            None
        };
        (latency, fault)
    }

    /// Delay between handling a request and sending its response.
    pub(crate) fn response_latency(&self) -> Duration {
        lock(&self.inner).response_latency
    }

    /// Consumes one "drop the connection after committing" token (ticket create).
    pub(crate) fn take_drop_after_commit(&self) -> bool {
        take(&mut lock(&self.inner).drop_after_commit)
    }

    /// Consumes one "commit, then answer with an error" token (ticket create,
    /// note add): the status to answer with.
    pub(crate) fn take_fail_after_commit(&self) -> Option<u16> {
        let mut s = lock(&self.inner);
        take(&mut s.fail_after_commit).then_some(s.fail_after_commit_status)
    }

    /// Resolves when the simulator shuts down (what hung requests wait for).
    pub(crate) async fn wait_shutdown(&self) {
        let mut rx = self.shutdown.clone();
        // An error means the sender is gone, which is a shutdown too.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

fn take(counter: &mut u32) -> bool {
    if *counter > 0 {
        *counter -= 1;
        true
    } else {
        false
    }
}

macro_rules! common_controls {
    () => {
        /// Adds this delay before every request is handled (zero to stop).
        pub fn set_latency(&self, latency: Duration) {
            lock(&self.0.inner).latency = latency;
        }

        /// Adds this delay after a request was handled, before its response
        /// leaves (zero to stop): whatever the handler did — a created ticket,
        /// an added note — is already committed while the client still waits.
        /// A request keeps the delay set when it arrived.
        pub fn set_response_latency(&self, latency: Duration) {
            lock(&self.0.inner).response_latency = latency;
        }

        /// The next `n` requests fail with `status` and an error body of the
        /// simulated API's shape.
        pub fn fail_next(&self, n: u32, status: u16) {
            self.fail_after(0, n, status);
        }

        /// Like [`Self::fail_next`], after letting `pass` requests through
        /// (say, the second page of a listing fails).
        pub fn fail_after(&self, pass: u32, n: u32, status: u16) {
            let mut s = lock(&self.0.inner);
            s.fail_after = pass;
            s.fail = n;
            s.fail_status = status;
        }

        /// The next `n` requests get 429 with `Retry-After: retry_after_secs`.
        pub fn rate_limit_next(&self, n: u32, retry_after_secs: u64) {
            self.rate_limit_next_with(n, &retry_after_secs.to_string());
        }

        /// The next `n` requests get 429 with exactly this `Retry-After`
        /// header value, whatever it holds (`1e20`, an HTTP date, junk), as
        /// a misbehaving server or proxy might send.
        pub fn rate_limit_next_with(&self, n: u32, retry_after: &str) {
            let mut s = lock(&self.0.inner);
            s.rate_limited = n;
            s.retry_after = retry_after.to_owned();
        }

        /// The next `n` requests get `302 Found` to `location` (a moved
        /// server, a captive portal, a proxy sending clients elsewhere).
        pub fn redirect_next(&self, n: u32, location: &str) {
            let mut s = lock(&self.0.inner);
            s.redirected = n;
            s.redirect_to = location.to_owned();
        }

        /// The next `n` requests are never answered (until shutdown): the
        /// client must time out.
        pub fn hang_next(&self, n: u32) {
            lock(&self.0.inner).hang = n;
        }

        /// The next `n` requests get `200 OK` with a body that is not JSON.
        pub fn garbage_next(&self, n: u32) {
            lock(&self.0.inner).garbage = n;
        }

        /// Clears every fault (latency, counters, rate limiter).
        pub fn reset(&self) {
            let mut s = lock(&self.0.inner);
            *s = Inner::default();
        }
    };
}

/// Fault controls of the ConnectWise simulator.
#[derive(Debug, Clone)]
pub struct FaultControl(pub(crate) Arc<FaultState>);

impl FaultControl {
    common_controls!();

    /// The next `n` successful ticket creates commit the ticket, then drop the
    /// connection without any response (the duplicate-ticket trap).
    pub fn drop_after_commit_next(&self, n: u32) {
        lock(&self.0.inner).drop_after_commit = n;
    }

    /// The next `n` successful ticket creates and note adds commit, then
    /// answer `status` (a gateway's 502 while the back end went on) with an
    /// error body: the write landed, the answer says it failed.
    pub fn fail_after_commit_next(&self, n: u32, status: u16) {
        let mut s = lock(&self.0.inner);
        s.fail_after_commit = n;
        s.fail_after_commit_status = status;
    }

    /// A real sliding-window limiter: beyond `limit` requests in any 60 s the
    /// server answers 429 with the seconds until a slot frees. `None` disables it.
    pub fn set_rate_limit_per_minute(&self, limit: Option<u32>) {
        let mut s = lock(&self.0.inner);
        s.per_minute = limit;
        s.window.clear();
    }
}

/// Fault controls of the Dashboard simulator.
#[derive(Debug, Clone)]
pub struct DashFaultControl(pub(crate) Arc<FaultState>);

impl DashFaultControl {
    common_controls!();
}

/// State of the fault middleware: the faults plus the error-body flavour.
#[derive(Debug, Clone)]
pub(crate) struct FaultLayer {
    pub(crate) faults: Arc<FaultState>,
    pub(crate) flavor: Flavor,
}

/// Middleware: applies latency and the next one-shot fault, and tells the
/// request log the delay it added.
pub(crate) async fn inject(State(layer): State<FaultLayer>, req: Request, next: Next) -> Response {
    let (latency, fault) = layer.faults.next_fault(Instant::now());
    // Fixed on arrival, so a test that changes it once the handler has run
    // cannot race this request.
    let after = layer.faults.response_latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (mut response, delay) = match fault {
        None => {
            let response = next.run(req).await;
            if !after.is_zero() {
                tokio::time::sleep(after).await;
            }
            (response, latency + after)
        }
        Some(Fault::Hang) => {
            layer.faults.wait_shutdown().await;
            let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
            response.extensions_mut().insert(NoResponseSent);
            (response, latency)
        }
        Some(fault) => (fault_response(layer.flavor, &fault), latency),
    };
    response.extensions_mut().insert(InjectedDelay(delay));
    response
}

/// The response a non-hang fault produces.
pub(crate) fn fault_response(flavor: Flavor, fault: &Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after } => {
            let body = match flavor {
                // ConnectWise's 429 body has a different shape from its other errors.
                Flavor::ConnectWise => json!({
                    "error": "ConnectWiseAPI",
                    "message": format!("Too many requests. Please try again in {retry_after} seconds."),
                }),
                Flavor::Dashboard => json!({
                    "error": "rate_limited",
                    "message": format!("Too many requests; retry in {retry_after} seconds."),
                }),
            };
            let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
            if let Ok(value) = HeaderValue::from_str(retry_after) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::Redirect(location) => {
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(value) = HeaderValue::from_str(location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Fault::Fail(status) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = match flavor {
                Flavor::ConnectWise => json!({
                    "code": if status.is_server_error() { "UnexpectedError" } else { "InvalidObject" },
                    "message": format!("Simulated failure ({status})."),
                    "errors": null,
                }),
                Flavor::Dashboard => json!({
                    "error": dashboard_error_code(status),
                    "message": format!("Simulated failure ({status})."),
                }),
            };
            (status, axum::Json(body)).into_response()
        }
        Fault::Garbage => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
            .into_response(),
        Fault::Hang => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The Dashboard's `error` code for a status.
pub(crate) fn dashboard_error_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        429 => "rate_limited",
        s if s >= 500 => "server_error",
        _ => "error",
    }
}

#[cfg(test)]
#[path = "faults_tests.rs"]
mod tests;
