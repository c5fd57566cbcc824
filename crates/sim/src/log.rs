//! Request log shared by both simulators: every request's method, path, query,
//! final status and the delay fault injection added to it, so tests can assert
//! on the traffic a client produced. It also counts the requests still being
//! handled, so a test can wait until the server is idle instead of sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use tokio::sync::watch;

use crate::lock;

/// Status recorded for a request that never got an answer (hung, or its
/// connection was dropped on purpose).
pub const STATUS_NO_RESPONSE: u16 = 0;

/// One request as the simulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub method: String,
    /// Full path, e.g. `/v2025_1/apis/3.0/service/tickets`.
    pub path: String,
    /// Raw (still percent-encoded) query string, if any.
    pub query: Option<String>,
    /// Status sent, or [`STATUS_NO_RESPONSE`] while pending / when none was sent.
    pub status: u16,
    /// Latency fault injection added before and after handling it (zero
    /// while pending, and when none was set).
    pub injected_delay: Duration,
}

impl RequestRecord {
    /// The path relative to the ConnectWise API root (`/service/tickets`), or
    /// the full path for requests outside it.
    pub fn api_path(&self) -> &str {
        const ROOT: &str = "/apis/3.0";
        match self.path.find(ROOT) {
            Some(i) => &self.path[i + ROOT.len()..],
            None => &self.path,
        }
    }

    /// The decoded value of one query parameter (name compared case-insensitively).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.into_owned())
    }
}

/// Marker a handler puts in a response's extensions when it deliberately sends
/// nothing (the connection is dropped), so the log records no status.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoResponseSent;

/// Response extension: the latency fault injection added to this request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InjectedDelay(pub Duration);

/// The shared, append-only log. Entries carry a sequence number so a request
/// still in flight across `clear()` does not update someone else's entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestLog {
    inner: Arc<Mutex<LogInner>>,
    /// Requests accepted and not yet finished (answered, or dropped because
    /// the connection went away mid-handling).
    in_flight: Arc<watch::Sender<usize>>,
}

/// Counts one request as in flight until dropped, so a handler future that
/// hyper drops (its client vanished) is not counted forever.
struct InFlight(Arc<watch::Sender<usize>>);

impl InFlight {
    fn new(counter: &Arc<watch::Sender<usize>>) -> Self {
        counter.send_modify(|n| *n += 1);
        Self(counter.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

#[derive(Debug, Default)]
struct LogInner {
    next_seq: u64,
    entries: Vec<(u64, RequestRecord)>,
}

impl RequestLog {
    fn begin(&self, method: &str, path: &str, query: Option<&str>) -> u64 {
        let mut inner = lock(&self.inner);
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.entries.push((
            seq,
            RequestRecord {
                method: method.to_owned(),
                path: path.to_owned(),
                query: query.map(str::to_owned),
                status: STATUS_NO_RESPONSE,
                injected_delay: Duration::ZERO,
            },
        ));
        seq
    }

    fn finish(&self, seq: u64, status: u16, injected_delay: Duration) {
        let mut inner = lock(&self.inner);
        if let Some((_, rec)) = inner.entries.iter_mut().rev().find(|(s, _)| *s == seq) {
            rec.status = status;
            rec.injected_delay = injected_delay;
        }
    }

    /// A copy of every record, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<RequestRecord> {
        lock(&self.inner)
            .entries
            .iter()
            .map(|(_, r)| r.clone())
            .collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.inner).entries.clear();
    }

    /// Resolves once no request is being handled: every accepted request has
    /// been answered, or dropped with its connection. Returns at once when
    /// idle. A request hung by fault injection keeps it waiting until the
    /// simulator shuts down.
    pub(crate) async fn idle(&self) {
        let mut rx = self.in_flight.subscribe();
        // The sender lives in `self`, so the channel cannot close here.
        let _ = rx.wait_for(|n| *n == 0).await;
    }
}

/// Middleware: records the request on arrival (so hung requests show up) and
/// its status and injected delay when the response leaves.
pub(crate) async fn record(State(log): State<RequestLog>, req: Request, next: Next) -> Response {
    let _in_flight = InFlight::new(&log.in_flight);
    let seq = log.begin(req.method().as_str(), req.uri().path(), req.uri().query());
    let response = next.run(req).await;
    let status = if response.extensions().get::<NoResponseSent>().is_some() {
        STATUS_NO_RESPONSE
    } else {
        response.status().as_u16()
    };
    let delay = response
        .extensions()
        .get::<InjectedDelay>()
        .map_or(Duration::ZERO, |d| d.0);
    log.finish(seq, status, delay);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_path_and_query_param_are_extracted() {
        let cases = [
            (
                "/v2025_1/apis/3.0/service/tickets",
                Some("conditions=id%3D5&pageSize=10"),
                "/service/tickets",
                Some("id=5"),
            ),
            ("/login/companyinfo/x", None, "/login/companyinfo/x", None),
            (
                "/api/v1/companies",
                Some("page=2"),
                "/api/v1/companies",
                None,
            ),
        ];
        for (path, query, api, cond) in cases {
            let rec = RequestRecord {
                method: "GET".into(),
                path: path.into(),
                query: query.map(Into::into),
                status: 200,
                injected_delay: Duration::ZERO,
            };
            assert_eq!(rec.api_path(), api);
            assert_eq!(rec.query_param("CONDITIONS").as_deref(), cond);
        }
    }

    #[test]
    fn clear_does_not_let_inflight_requests_touch_new_entries() {
        let log = RequestLog::default();
        let old = log.begin("GET", "/a", None);
        log.clear();
        let new = log.begin("GET", "/b", None);
        log.finish(old, 500, Duration::ZERO);
        assert_eq!(log.snapshot()[0].status, STATUS_NO_RESPONSE);
        log.finish(new, 200, Duration::from_millis(5));
        assert_eq!(log.snapshot()[0].status, 200);
        assert_eq!(log.snapshot()[0].injected_delay, Duration::from_millis(5));
    }

    #[tokio::test]
    async fn idle_waits_for_requests_in_flight_even_when_dropped() {
        let log = RequestLog::default();
        log.idle().await; // nothing in flight: immediate
        let answered = InFlight::new(&log.in_flight);
        let dropped = InFlight::new(&log.in_flight);
        drop(answered);
        assert_eq!(*log.in_flight.borrow(), 1, "one request is still in flight");
        drop(dropped);
        tokio::time::timeout(std::time::Duration::from_secs(30), log.idle())
            .await
            .expect("idle() never resolved after the last request ended");
    }
}
