#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Fuzzing the HTTP header parsers with proptest (issue 12): what a server,
//! a CDN or a proxy puts in `Retry-After` and ConnectWise's `Link` never
//! panics the client, and what comes out is bounded.
//!
//! * `Retry-After` (the Dashboard and ConnectWise clients both read it with
//!   `bridge_core::net::parse_retry_after`): any text gives no wait or a wait
//!   of at most an hour; numbers and HTTP dates of any size give exactly
//!   their value, clamped.
//! * `Link` (`cw::parse_link_header`, `cw::page_params`): any text gives
//!   targets cut from the text itself, lower-case rels, and page parameters
//!   no longer than the text; a well-formed next link is always found.
//!
//! Bounded cases in the normal `cargo test`; more with
//! `PROPTEST_CASES=100000 cargo test -p bridge-core --test header_props`
//! (and see FUZZING.md for the cargo-fuzz target `http_headers`).

use std::time::Duration;

use bridge_core::cw::{page_params, parse_link_header};
use bridge_core::net::{parse_retry_after_at, MAX_RETRY_AFTER};
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap()
}

/// Text that looks like what servers send, and text that does not.
fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,40}",
        "-?[0-9]{0,25}(\\.[0-9]{0,12})?([eE][-+]?[0-9]{1,4})?",
        any::<f64>().prop_map(|f| f.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "[ \t]*(inf|-inf|NaN|infinity|1e308|1e309)[ \t]*",
        "[A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} -?[0-9]{1,6} [0-9]{2}:[0-9]{2}:[0-9]{2} (GMT|UTC|[-+][0-9]{4})",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// REGRESSION: `1e20` (finite, too large for a `Duration`) panicked.
    #[test]
    fn retry_after_never_panics_and_is_at_most_an_hour(text in header_text()) {
        if let Some(wait) = parse_retry_after_at(&text, now()) {
            prop_assert!(wait <= MAX_RETRY_AFTER, "{text:?} -> {wait:?}");
        }
    }

    #[test]
    fn retry_after_seconds_are_taken_as_given_up_to_an_hour(secs in any::<u64>()) {
        let want = Duration::from_secs(secs).min(MAX_RETRY_AFTER);
        prop_assert_eq!(parse_retry_after_at(&secs.to_string(), now()), Some(want));
        prop_assert_eq!(parse_retry_after_at(&format!("{secs}.0"), now()), Some(want));
    }

    #[test]
    fn retry_after_dates_count_from_now(offset in -10_000_000_000_i64..10_000_000_000_i64) {
        let Some(when) = now().checked_add_signed(chrono::TimeDelta::seconds(offset)) else {
            return Ok(());
        };
        let text = when.to_rfc2822();
        let want = Duration::from_secs(offset.max(0).unsigned_abs()).min(MAX_RETRY_AFTER);
        // Years past 9999 do not fit the date form: those are simply unread.
        if let Some(wait) = parse_retry_after_at(&text, now()) {
            prop_assert_eq!(wait, want, "{}", text);
        }
    }

    #[test]
    fn link_headers_never_panic_and_stay_within_the_text(text in link_text()) {
        let links = parse_link_header(&text);
        let target_bytes: usize = links.iter().map(|(t, _)| t.len()).sum();
        prop_assert!(target_bytes <= text.len());
        for (target, rels) in &links {
            prop_assert!(text.contains(target.as_str()), "{target:?} not in {text:?}");
            for rel in rels {
                prop_assert_eq!(rel, &rel.to_ascii_lowercase());
                prop_assert!(!rel.is_empty() && rel.len() <= text.len());
            }
            let (_, page_id) = page_params(target);
            prop_assert!(page_id.is_none_or(|id| id.len() <= 3 * target.len()));
        }
        let (_, page_id) = page_params(&text);
        prop_assert!(page_id.is_none_or(|id| id.len() <= 3 * text.len()));
    }

    #[test]
    fn a_well_formed_next_link_is_always_found(
        page in any::<u64>(),
        page_id in proptest::option::of("[0-9]{1,20}"),
        other in "[a-z]{1,8}",
        quoted in any::<bool>(),
        before in any::<bool>(),
    ) {
        let mut url = format!("https://h.example/v4_6_release/apis/3.0/x?pageSize=5&page={page}");
        if let Some(id) = &page_id {
            url.push_str(&format!("&pageId={id}"));
        }
        let rel = if quoted { "rel=\"next\"".to_owned() } else { "rel=next".to_owned() };
        let next = format!("<{url}>; {rel}");
        let extra = format!("<https://h.example/x?page=1>; rel=\"{other} first\"");
        let header = if before { format!("{extra}, {next}") } else { format!("{next}, {extra}") };
        let links = parse_link_header(&header);
        let found = links
            .iter()
            .find(|(_, rels)| rels.iter().any(|r| r == "next"))
            .map(|(t, _)| t.clone());
        prop_assert_eq!(found.as_deref(), Some(url.as_str()), "{}", header);
        prop_assert_eq!(page_params(&url), (Some(page), page_id));
    }
}

/// Link-header-like text: pieces of the syntax in any order, plus any text.
fn link_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just(";".to_owned()),
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("rel=".to_owned()),
        Just("rel=\"next\"".to_owned()),
        Just("?page=".to_owned()),
        Just("&pageId=".to_owned()),
        Just("https://h.example/x".to_owned()),
        "[0-9]{1,25}",
        any::<String>(),
    ];
    prop_oneof![
        any::<String>(),
        prop::collection::vec(piece, 0..24).prop_map(|parts| parts.concat()),
    ]
}
