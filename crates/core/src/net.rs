//! HTTP hygiene shared by every client BackupBridge runs (ConnectWise, the
//! Dashboard and any other backup source): what a server says is never
//! trusted to be small. A `Retry-After` is read defensively and clamped, and
//! response bodies are read chunk by chunk with a size cap (design §4 rule
//! 17), so no answer can panic the process or fill its memory.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The longest wait any server can ask for: a larger `Retry-After` (or a
/// date further ahead) counts as this much.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The largest response body read into memory (one page of a listing, one
/// record): 32 MB.
pub const MAX_BODY_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a `Retry-After` value received now: see [`parse_retry_after_at`].
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    parse_retry_after_at(value, Utc::now())
}

/// Reads a `Retry-After` value: whole or decimal seconds (`120`, `1.5`) or an
/// HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, counted from `now`; a past
/// date means no wait). Anything longer than [`MAX_RETRY_AFTER`] is clamped
/// to it. `None` when the value is neither (negative, `NaN`, text).
/// Never panics, whatever the text.
pub fn parse_retry_after_at(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return clamp_secs(secs);
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    let ahead = when.with_timezone(&Utc).signed_duration_since(now);
    // A date in the past (or a clock ahead of the server's) means "now".
    Some(
        ahead
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// `secs` seconds as a [`Duration`] of at most [`MAX_RETRY_AFTER`]; `None`
/// for a negative or not-a-number value. Never panics (a value too large for
/// a `Duration`, `1e20` say, is simply clamped).
pub fn clamp_secs(secs: f64) -> Option<Duration> {
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    let max = MAX_RETRY_AFTER.as_secs_f64();
    Duration::try_from_secs_f64(secs.min(max)).ok()
}

/// Why a response body was not read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is larger than the cap (by its `Content-Length`, or as read).
    TooLarge,
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads a response body of at most `limit` bytes. A `Content-Length` above
/// the limit is refused before anything is read; otherwise the body is read
/// chunk by chunk and refused as soon as it passes the limit.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, BodyError> {
    /// Memory reserved up front at most, whatever `Content-Length` claims.
    const INITIAL_CAPACITY: u64 = 1024 * 1024;
    let declared = response.content_length();
    if declared.is_some_and(|len| len > limit) {
        return Err(BodyError::TooLarge);
    }
    let capacity = declared.unwrap_or(0).min(INITIAL_CAPACITY);
    let mut body = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        let total = (body.len() as u64).saturating_add(chunk.len() as u64);
        if total > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `bytes` for a message: "32 MB", "1024 MB", "900 bytes".
pub(crate) fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else {
        format!("{bytes} bytes")
    }
}

/// reqwest's top-level message plus its causes ("error sending request: connection refused").
pub(crate) fn describe_chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// REGRESSION: `Retry-After: 1e20` panicked in `Duration::from_secs_f64`
    /// (and with it the sync task); every value now gives a bounded wait or none.
    #[test]
    fn retry_after_is_read_and_clamped() {
        let hour = Some(MAX_RETRY_AFTER);
        let cases: &[(&str, Option<Duration>)] = &[
            ("120", Some(Duration::from_secs(120))),
            (" 1.5 ", Some(Duration::from_millis(1500))),
            ("0", Some(Duration::ZERO)),
            ("3600", hour),
            ("3601", hour),
            ("1e20", hour),
            ("99999999999999999999", hour),
            ("1e400", hour),
            ("inf", hour),
            ("-1", None),
            ("-0.5", None),
            ("NaN", None),
            ("", None),
            ("soon", None),
            (
                "Sat, 05 Dec 2026 10:00:30 GMT",
                Some(Duration::from_secs(30)),
            ),
            ("Sat, 05 Dec 2026 09:00:00 GMT", Some(Duration::ZERO)),
            ("Fri, 31 Dec 9999 23:59:59 GMT", hour),
        ];
        for (text, want) in cases {
            assert_eq!(parse_retry_after_at(text, now()), *want, "{text:?}");
        }
    }

    #[test]
    fn sizes_read_as_megabytes() {
        assert_eq!(size_text(MAX_BODY_BYTES), "32 MB");
        assert_eq!(size_text(900), "900 bytes");
    }
}
