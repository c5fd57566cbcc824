//! Property tests for `bridge_core::conditions`: no input makes the parser or the
//! evaluator panic, errors point inside the text, and printing round-trips.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bridge_core::conditions::{parse, CmpOp, Comparison, Expr, Number, Test, Value};
use chrono::DateTime;
use proptest::prelude::*;
use serde_json::{json, Value as Json};

const KEYWORDS: [&str; 9] = [
    "and", "or", "not", "contains", "like", "in", "true", "false", "null",
];

/// Pieces of (mostly) valid syntax, plus near misses and multi-byte text.
const TOKENS: &[&str] = &[
    "name",
    "type/name",
    "company/id",
    "ID",
    "_info/lastUpdated",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "!",
    "contains",
    "like",
    "in",
    "not",
    "NOT",
    "and",
    "AND",
    "or",
    "Or",
    "(",
    ")",
    ",",
    "\"x\"",
    "'y'",
    "\"%ICB\"",
    "'[[]%'",
    "\"",
    "'",
    "\"Сontinuity\"",
    "5",
    "-3",
    "2.5",
    "-",
    "1.",
    "true",
    "False",
    "NULL",
    "[2016-08-20T18:04:26Z]",
    "[2023-08-08]",
    "[bad]",
    "[",
    "]",
    "/",
    "lik",
    "С",
    "é",
    "😀",
    "\u{0}",
    "\t",
    "\n",
];

fn agreement() -> Json {
    json!({
        "id": 1,
        "name": "Business Continuity ICB",
        "type": {"id": 3, "name": "Business Continuity"},
        "company": {"id": 250, "identifier": "AcmeDental", "name": "Acme"},
        "_info": {"lastUpdated": "2016-08-20T18:04:26Z"}
    })
}

/// Checks everything that must hold for any input text.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Ok(expr) => {
            let printed = expr.to_string();
            prop_assert_eq!(
                parse(&printed),
                Ok(expr.clone()),
                "printed as {:?}",
                printed
            );
            let _ = expr.matches(&agreement());
        }
        Err(err) => {
            let len = text.chars().count();
            prop_assert!(
                err.column >= 1 && err.column <= len + 1,
                "{:?} -> {:?}",
                text,
                err
            );
            prop_assert!(!err.message.is_empty());
            prop_assert!(
                err.message == "the condition is empty"
                    || err.message.contains(&format!("column {}", err.column)),
                "{:?}",
                err
            );
        }
    }
    Ok(())
}

fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,8}".prop_filter("keywords are not field names", |s| {
        !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s))
    })
}

fn string() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("a literal cannot hold both quote styles", |s| {
        !(s.contains('"') && s.contains('\''))
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        string().prop_map(Value::Str),
        "-?[0-9]{1,22}(\\.[0-9]{1,12})?".prop_map(|t| Value::Number(Number::parse(&t).unwrap())),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        // Years 0001..=9999, any nanosecond.
        (-62_135_596_800_i64..=253_402_300_799, 0_u32..1_000_000_000)
            .prop_map(|(s, ns)| Value::DateTime(DateTime::from_timestamp(s, ns).unwrap())),
    ]
}

fn comparison() -> impl Strategy<Value = Expr> {
    let op = prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ]);
    let test = prop_oneof![
        (op, value()).prop_map(|(op, v)| Test::Cmp(op, v)),
        (any::<bool>(), string()).prop_map(|(negated, text)| Test::Contains { negated, text }),
        (any::<bool>(), string()).prop_map(|(negated, pattern)| Test::Like { negated, pattern }),
        (any::<bool>(), prop::collection::vec(value(), 1..5))
            .prop_map(|(negated, values)| Test::In { negated, values }),
    ];
    (prop::collection::vec(ident(), 1..4), test)
        .prop_map(|(path, test)| Expr::Compare(Comparison { path, test }))
}

fn expr() -> impl Strategy<Value = Expr> {
    comparison().prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::And),
            prop::collection::vec(inner, 2..5).prop_map(Expr::Or),
        ]
    })
}

fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        (-1e12_f64..1e12).prop_map(Json::from),
        "[a-zA-Z0-9 %_\\[\\]СÉé-]{0,12}".prop_map(Json::from),
        Just(Json::from("2016-08-20T18:04:26Z")),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        let key = prop::sample::select(vec![
            "id",
            "ID",
            "name",
            "type",
            "company",
            "tags",
            "_info",
            "lastUpdated",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((key, inner), 0..5).prop_map(|kv| Json::Object(
                kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// Valid condition text in varied spelling: keyword case, quote style, spacing.
fn valid_text() -> impl Strategy<Value = String> {
    let sp = || prop::sample::select(vec!["", " ", "  ", "\t"]);
    let wsp = || prop::sample::select(vec![" ", "  ", "\t", "\n"]);
    let path = prop::sample::select(vec![
        "name",
        "type/name",
        "Company/ID",
        "closedFlag",
        "_info/lastUpdated",
    ]);
    let string = prop::sample::select(vec![
        "\"x\"",
        "'y'",
        "\"%ICB\"",
        "'[[]%'",
        "\"Business Сontinuity\"",
        "''",
        "\"it's\"",
    ]);
    let value = prop_oneof![
        string.clone().prop_map(str::to_owned),
        prop::sample::select(vec![
            "5",
            "-3",
            "2.50",
            "TRUE",
            "false",
            "Null",
            "[2016-08-20T18:04:26Z]",
            "[2023-08-08 16:36:11.5]"
        ])
        .prop_map(str::to_owned),
    ];
    let cmp_op = prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="]);
    let word_op = prop::sample::select(vec!["contains", "LIKE", "not like", "Not Contains"]);
    let in_op = prop::sample::select(vec!["in", "IN", "not in", "NOT IN"]);
    let comparison = prop_oneof![
        (path.clone(), sp(), cmp_op, sp(), value.clone())
            .prop_map(|(p, a, o, b, v)| format!("{p}{a}{o}{b}{v}")),
        (path.clone(), wsp(), word_op, wsp(), string)
            .prop_map(|(p, a, o, b, v)| format!("{p}{a}{o}{b}{v}")),
        (
            path,
            wsp(),
            in_op,
            sp(),
            prop::collection::vec(value, 1..4),
            sp()
        )
            .prop_map(|(p, a, o, b, vs, c)| format!(
                "{p}{a}{o}{b}({})",
                vs.join(&format!("{c},{c}"))
            )),
    ];
    comparison.prop_recursive(4, 24, 3, move |inner| {
        let and_or = prop::sample::select(vec!["and", "AND", "And", "or", "OR", "oR"]);
        prop_oneof![
            (inner.clone(), wsp(), and_or, wsp(), inner.clone())
                .prop_map(|(a, s1, k, s2, b)| format!("{a}{s1}{k}{s2}{b}")),
            (sp(), inner, sp()).prop_map(|(s1, e, s2)| format!("({s1}{e}{s2})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn conditions_never_panic_on_any_string(text in any::<String>()) {
        check_text(&text)?;
    }

    #[test]
    fn conditions_never_panic_on_printable_text(text in "\\PC{0,60}") {
        check_text(&text)?;
    }

    #[test]
    fn conditions_never_panic_on_token_soup(
        parts in prop::collection::vec((prop::sample::select(TOKENS), prop::sample::select(vec!["", " ", "  "])), 0..24)
    ) {
        let text: String = parts.iter().flat_map(|(tok, sep)| [*tok, *sep]).collect();
        check_text(&text)?;
    }

    #[test]
    fn conditions_parse_varied_valid_text(text in valid_text()) {
        prop_assert!(parse(&text).is_ok(), "{:?} -> {:?}", text, parse(&text));
        check_text(&text)?;
    }

    #[test]
    fn conditions_never_panic_on_mutated_valid_text(
        text in valid_text(),
        at in any::<prop::sample::Index>(),
        cut in 0_usize..4,
        insert in prop::sample::select(TOKENS),
    ) {
        // Cut a few characters at a random place and splice in a token.
        let chars: Vec<char> = text.chars().collect();
        let at = at.index(chars.len() + 1);
        let end = (at + cut).min(chars.len());
        let mutated: String = chars[..at].iter().copied().chain(insert.chars()).chain(chars[end..].iter().copied()).collect();
        check_text(&mutated)?;
    }

    #[test]
    fn conditions_date_literals_round_trip_or_fail_cleanly(
        text in "d = \\[ ?[0-9+-]?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,12})?)?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})? ?\\]"
    ) {
        check_text(&text)?;
    }

    #[test]
    fn conditions_print_then_parse_round_trips(e in expr()) {
        let printed = e.to_string();
        prop_assert_eq!(parse(&printed), Ok(e.clone()), "printed as {:?}", printed);
    }

    #[test]
    fn conditions_evaluator_is_total(e in expr(), obj in json_value()) {
        let hit = e.matches(&obj);
        prop_assert_eq!(Expr::And(vec![e.clone(), e.clone()]).matches(&obj), hit);
        prop_assert_eq!(Expr::Or(vec![e.clone(), e]).matches(&obj), hit);
    }

    /// Issue 12: ConnectWise documents `not` only before a word operator, so
    /// a prefix `not` is refused wherever it stands, with what to write.
    #[test]
    fn conditions_prefix_not_is_refused(
        text in valid_text(),
        keyword in prop::sample::select(vec!["not", "NOT", "Not"]),
        before in valid_text(),
    ) {
        for (refused, column) in [
            (format!("{keyword} ({text})"), 1),
            (format!("{before} and {keyword} ({text})"), before.chars().count() + 6),
        ] {
            let err = parse(&refused).unwrap_err();
            prop_assert_eq!(err.column, column, "{:?}", refused);
            prop_assert!(
                err.message.starts_with("ConnectWise does not take \"not\" before a condition"),
                "{:?}: {}", refused, err.message
            );
        }
    }
}
