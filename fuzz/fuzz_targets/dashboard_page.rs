//! Fuzz target: decoding a page of the Dashboard's event listing. Any bytes
//! give a page or a decode error; in a page every item is an event or a
//! rejection naming its position, and accepted ids are unique and not blank.
#![no_main]

use std::collections::BTreeSet;

use bridge_core::source::decode_event_page;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((snapshot, _next)) = decode_event_page(data) else {
        return;
    };
    let ids: BTreeSet<&str> = snapshot.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), snapshot.events.len());
    assert!(ids.iter().all(|id| !id.trim().is_empty()));
    let positions: BTreeSet<usize> = snapshot.rejected.iter().map(|r| r.position).collect();
    assert_eq!(positions.len(), snapshot.rejected.len());
    for r in &snapshot.rejected {
        assert!(!r.reason.is_empty());
        assert!(r.position < snapshot.events.len() + snapshot.rejected.len());
    }
});
