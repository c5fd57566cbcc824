//! Fuzz target: the HTTP header parsers the clients run on what servers
//! send. Any text read as `Retry-After` gives no wait or one of at most an
//! hour; read as a ConnectWise `Link` header it gives targets cut from the
//! text, lower-case rels and page parameters no longer than the text.
#![no_main]

use bridge_core::cw::{page_params, parse_link_header};
use bridge_core::net::{parse_retry_after, MAX_RETRY_AFTER};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(wait) = parse_retry_after(text) {
        assert!(wait <= MAX_RETRY_AFTER, "{text:?} -> {wait:?}");
    }
    let links = parse_link_header(text);
    let target_bytes: usize = links.iter().map(|(t, _)| t.len()).sum();
    assert!(target_bytes <= text.len());
    for (target, rels) in &links {
        assert!(text.contains(target.as_str()));
        assert!(rels.iter().all(|r| !r.is_empty() && *r == r.to_ascii_lowercase()));
        let (_, page_id) = page_params(target);
        assert!(page_id.is_none_or(|id| id.len() <= 3 * target.len()));
    }
    let (_, page_id) = page_params(text);
    assert!(page_id.is_none_or(|id| id.len() <= 3 * text.len()));
});
