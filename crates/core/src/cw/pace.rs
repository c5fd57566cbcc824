//! Client-side request pacing: a token bucket every ConnectWise request passes
//! before it is sent (retries, discovery and token mints included), so a large
//! sync stays under ConnectWise's throttling (~1,000 requests per minute per
//! integration, connectwise-api.md §7) instead of collecting 429s — each one
//! costs its request a `Retry-After` wait (creates and notes included).
//!
//! The bucket holds at most `burst` tokens and refills at `per_minute / 60`
//! tokens a second, so any 60-second window carries at most
//! `burst + per_minute` requests: with the default 900/min and a burst of 45,
//! 945 — under a sliding-window limit of 1,000 even when the bucket starts full.
//!
//! A caller reserves its slot under a short lock (the balance may go negative:
//! a debt the next callers queue behind) and sleeps outside it, so slots are
//! handed out in the order they were asked for and no lock is held across an
//! `.await`.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Default pace: comfortably under ConnectWise's ~1,000 requests a minute.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 900;

/// The pacing shared by every clone of a client; `None` = unpaced.
#[derive(Debug)]
pub(crate) struct Pacer {
    bucket: Option<Mutex<Bucket>>,
}

impl Pacer {
    /// A pacer allowing `per_minute` requests a minute; `None` or `Some(0)` = no limit.
    pub(crate) fn new(per_minute: Option<u32>) -> Pacer {
        Pacer {
            bucket: per_minute
                .filter(|n| *n > 0)
                .map(|n| Mutex::new(Bucket::new(n, Instant::now()))),
        }
    }

    /// Waits until this request may be sent.
    pub(crate) async fn wait_turn(&self) {
        let wait = self.reserve(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Takes a slot at `now`: how long the request must wait (zero when unpaced).
    fn reserve(&self, now: Instant) -> Duration {
        match &self.bucket {
            None => Duration::ZERO,
            Some(bucket) => bucket
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .reserve(now),
        }
    }
}

/// Token-bucket state. `tokens` may be negative: slots already promised.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket for `per_minute` (> 0) requests a minute.
    pub(crate) fn new(per_minute: u32, now: Instant) -> Bucket {
        let burst = f64::from(burst_for(per_minute));
        Bucket {
            per_sec: f64::from(per_minute.max(1)) / 60.0,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes one slot at `now` and returns how long to wait before sending.
    pub(crate) fn reserve(&mut self, now: Instant) -> Duration {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst) - 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.per_sec)
        }
    }
}

/// Burst size: a twentieth of a minute's budget, at least one request.
pub(crate) fn burst_for(per_minute: u32) -> u32 {
    (per_minute / 20).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_is_a_twentieth_of_the_rate() {
        for (per_minute, burst) in [(900, 45), (1000, 50), (60, 3), (19, 1), (1, 1)] {
            assert_eq!(burst_for(per_minute), burst, "{per_minute}/min");
        }
    }

    #[test]
    fn a_full_bucket_lets_the_burst_through_then_spaces_requests() {
        let t0 = Instant::now();
        let cases: [(u32, u32); 3] = [(900, 45), (60, 3), (6000, 300)];
        for (per_minute, burst) in cases {
            let mut b = Bucket::new(per_minute, t0);
            let gap = 60.0 / f64::from(per_minute);
            for i in 0..burst {
                assert_eq!(b.reserve(t0), Duration::ZERO, "{per_minute}/min #{i}");
            }
            // Callers arriving together queue: 1, 2, 3 gaps.
            for k in 1..=3 {
                let wait = b.reserve(t0).as_secs_f64();
                assert!(
                    (wait - gap * f64::from(k)).abs() < 1e-9,
                    "{per_minute}/min: {wait}"
                );
            }
        }
    }

    #[test]
    fn idle_time_refills_up_to_the_burst_only() {
        let t0 = Instant::now();
        let mut b = Bucket::new(60, t0);
        for _ in 0..3 {
            b.reserve(t0);
        }
        // One second later one token is back.
        assert_eq!(b.reserve(t0 + Duration::from_secs(1)), Duration::ZERO);
        assert!(b.reserve(t0 + Duration::from_secs(1)) > Duration::ZERO);
        // An hour of idling refills three tokens, not 3,600.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(b.reserve(later), Duration::ZERO);
        }
        assert!(b.reserve(later) > Duration::ZERO);
    }

    /// The guarantee the pacing exists for: whatever the arrival pattern, no
    /// 60-second window holds more than `burst + per_minute` sends.
    #[test]
    fn no_minute_carries_more_than_burst_plus_rate() {
        type Arrivals = fn(usize) -> Duration;
        let patterns: [(&str, Arrivals); 3] = [
            ("all at once", |_| Duration::ZERO),
            ("every 10 ms", |i| Duration::from_millis(10 * i as u64)),
            ("bursts after pauses", |i| {
                Duration::from_secs(((i / 500) * 90) as u64)
            }),
        ];
        for (name, arrival) in patterns {
            for per_minute in [900_u32, 120] {
                let t0 = Instant::now();
                let mut b = Bucket::new(per_minute, t0);
                let sends: Vec<Duration> = (0..3000)
                    .map(|i| {
                        let at = arrival(i);
                        at + b.reserve(t0 + at)
                    })
                    .collect();
                let limit = (burst_for(per_minute) + per_minute) as usize;
                let window = Duration::from_secs(60);
                let mut start = 0;
                for end in 0..sends.len() {
                    while sends[end] - sends[start] >= window {
                        start += 1;
                    }
                    assert!(
                        end - start < limit,
                        "{name}, {per_minute}/min: {} sends within a minute",
                        end - start + 1
                    );
                }
            }
        }
    }

    #[test]
    fn pacer_paces_only_when_given_a_rate() {
        let t0 = Instant::now();
        for per_minute in [None, Some(0)] {
            let pacer = Pacer::new(per_minute);
            assert!(
                (0..10_000).all(|_| pacer.reserve(t0).is_zero()),
                "{per_minute:?}"
            );
        }
        let pacer = Pacer::new(Some(60));
        let waits: Vec<Duration> = (0..4).map(|_| pacer.reserve(t0)).collect();
        assert_eq!(waits[..3], [Duration::ZERO; 3]);
        assert!(waits[3] > Duration::ZERO);
    }
}
