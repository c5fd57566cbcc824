//! Fuzz target: the ConnectWise conditions parser, printer and evaluator.
//! Any text either parses — and then prints back to text that parses to the
//! same expression, and evaluates against an agreement without panicking —
//! or fails with a message and a column inside the text.
#![no_main]

use bridge_core::conditions::parse;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text) {
        Ok(expr) => {
            let printed = expr.to_string();
            assert_eq!(parse(&printed).ok(), Some(expr.clone()), "{printed:?}");
            let agreement = json!({
                "id": 401, "name": "Business Continuity ICB", "agreementStatus": "Active",
                "type": {"id": 10, "name": "Business Continuity"},
                "company": {"id": 250, "identifier": "AcmeDental"},
                "_info": {"lastUpdated": "2026-11-20T02:13:00Z"}
            });
            let _ = expr.matches(&agreement);
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            assert!(
                e.column >= 1 && e.column <= text.chars().count() + 1,
                "{e:?}"
            );
        }
    }
});
