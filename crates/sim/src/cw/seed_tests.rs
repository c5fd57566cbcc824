//! Tests of the seed: JSON round trip and validation of broken fixtures.

use super::*;

#[test]
fn demo_round_trips_through_json() {
    let demo = CwSeed::demo();
    let back = CwSeed::from_json(&demo.to_json()).unwrap();
    assert_eq!(back, demo);
}

#[test]
fn validation_rejects_broken_fixtures() {
    type Breaker = fn(&mut CwSeed);
    let cases: &[(&str, Breaker)] = &[
        ("codebase", |s| s.codebase = "v2025_1".into()),
        ("used twice", |s| {
            let c = s.companies[0].clone();
            s.companies.push(c);
        }),
        ("unknown company", |s| s.agreements[0].company_id = 999_999),
        ("default status", |s| {
            for st in &mut s.boards[0].statuses {
                st.default_flag = false;
            }
        }),
        ("unknown right", |s| {
            s.api_members[0].denied_rights = vec!["tickets.fly".into()]
        }),
        ("companyId", |s| s.company_id = "a+b".into()),
    ];
    for (expected, breaker) in cases {
        let mut seed = CwSeed::demo();
        breaker(&mut seed);
        let e = seed.validate().unwrap_err().to_string();
        assert!(e.contains(expected), "{expected}: got {e}");
    }
}

#[test]
fn unknown_fixture_keys_are_rejected() {
    let e = CwSeed::from_json(r#"{"companyId":"x","compnies":[]}"#).unwrap_err();
    assert!(e.to_string().contains("compnies"), "{e}");
}
