//! Table tests for parsing, printing and error messages (evaluation tests live
//! beside the evaluator in `eval.rs`).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::*;

fn path(p: &str) -> Vec<String> {
    p.split('/').map(str::to_owned).collect()
}

fn cmp(p: &str, op: CmpOp, value: Value) -> Expr {
    Expr::Compare(Comparison {
        path: path(p),
        test: Test::Cmp(op, value),
    })
}

fn test(p: &str, test: Test) -> Expr {
    Expr::Compare(Comparison {
        path: path(p),
        test,
    })
}

fn num(text: &str) -> Value {
    Value::Number(Number::parse(text).unwrap())
}

fn date(text: &str) -> Value {
    Value::DateTime(
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc),
    )
}

fn s(text: &str) -> Value {
    Value::from(text)
}

#[test]
fn parses_every_operator_and_literal() {
    use CmpOp::*;
    let cases: Vec<(&str, Expr)> = vec![
        ("name = \"x\"", cmp("name", Eq, s("x"))),
        ("name='x'", cmp("name", Eq, s("x"))),
        ("id != 5", cmp("id", Ne, num("5"))),
        ("id<5", cmp("id", Lt, num("5"))),
        ("id <= -5", cmp("id", Le, num("-5"))),
        ("id > 2.5", cmp("id", Gt, num("2.5"))),
        ("id >= -0.25", cmp("id", Ge, num("-0.25"))),
        (
            "closedFlag = true",
            cmp("closedFlag", Eq, Value::Bool(true)),
        ),
        (
            "closedFlag = False",
            cmp("closedFlag", Eq, Value::Bool(false)),
        ),
        (
            "closedFlag = TRUE",
            cmp("closedFlag", Eq, Value::Bool(true)),
        ),
        ("endDate = null", cmp("endDate", Eq, Value::Null)),
        ("value != NULL", cmp("value", Ne, Value::Null)),
        (
            "lastUpdated > [2016-08-20T18:04:26Z]",
            cmp("lastUpdated", Gt, date("2016-08-20T18:04:26Z")),
        ),
        (
            "d < [2016-08-20T20:04:26+02:00]",
            cmp("d", Lt, date("2016-08-20T18:04:26Z")),
        ),
        (
            "d < [2023-08-08T16:36:11.123456]",
            cmp("d", Lt, date("2023-08-08T16:36:11.123456Z")),
        ),
        ("company/id = 250", cmp("company/id", Eq, num("250"))),
        (
            "_info/lastUpdated = null",
            cmp("_info/lastUpdated", Eq, Value::Null),
        ),
        (
            "summary contains \"x\"",
            test(
                "summary",
                Test::Contains {
                    negated: false,
                    text: "x".into(),
                },
            ),
        ),
        (
            "summary not contains 'x'",
            test(
                "summary",
                Test::Contains {
                    negated: true,
                    text: "x".into(),
                },
            ),
        ),
        (
            "name like \"%ICB\"",
            test(
                "name",
                Test::Like {
                    negated: false,
                    pattern: "%ICB".into(),
                },
            ),
        ),
        (
            "name NOT LIKE \"[[]%\"",
            test(
                "name",
                Test::Like {
                    negated: true,
                    pattern: "[[]%".into(),
                },
            ),
        ),
        (
            "board/id in (3, 2, 4)",
            test(
                "board/id",
                Test::In {
                    negated: false,
                    values: vec![num("3"), num("2"), num("4")],
                },
            ),
        ),
        (
            "t in(\"A\",'B' ,null)",
            test(
                "t",
                Test::In {
                    negated: false,
                    values: vec![s("A"), s("B"), Value::Null],
                },
            ),
        ),
        (
            "status/id not in (1)",
            test(
                "status/id",
                Test::In {
                    negated: true,
                    values: vec![num("1")],
                },
            ),
        ),
        ("name = \"it's\"", cmp("name", Eq, s("it's"))),
        ("name = 'say \"hi\"'", cmp("name", Eq, s("say \"hi\""))),
        ("name = \"C:\\dir\"", cmp("name", Eq, s("C:\\dir"))),
        ("name = \"\"", cmp("name", Eq, s(""))),
        (
            "name = \"Business Сontinuity\"",
            cmp("name", Eq, s("Business Сontinuity")),
        ),
        ("  a = 1  ", cmp("a", Eq, num("1"))),
        (
            "a = 1 and b = 2",
            Expr::And(vec![cmp("a", Eq, num("1")), cmp("b", Eq, num("2"))]),
        ),
        (
            "a = 1 AND b = 2 And c = 3",
            Expr::And(vec![
                cmp("a", Eq, num("1")),
                cmp("b", Eq, num("2")),
                cmp("c", Eq, num("3")),
            ]),
        ),
        (
            "a = 1 or b = 2 OR c = 3",
            Expr::Or(vec![
                cmp("a", Eq, num("1")),
                cmp("b", Eq, num("2")),
                cmp("c", Eq, num("3")),
            ]),
        ),
        // AND binds tighter than OR.
        (
            "a = 1 or b = 2 and c = 3",
            Expr::Or(vec![
                cmp("a", Eq, num("1")),
                Expr::And(vec![cmp("b", Eq, num("2")), cmp("c", Eq, num("3"))]),
            ]),
        ),
        (
            "(a = 1 or b = 2) and c = 3",
            Expr::And(vec![
                Expr::Or(vec![cmp("a", Eq, num("1")), cmp("b", Eq, num("2"))]),
                cmp("c", Eq, num("3")),
            ]),
        ),
        (
            "a = 1 and (b = 2 and c = 3)",
            Expr::And(vec![
                cmp("a", Eq, num("1")),
                Expr::And(vec![cmp("b", Eq, num("2")), cmp("c", Eq, num("3"))]),
            ]),
        ),
        ("((a = 1))", cmp("a", Eq, num("1"))),
        // Keywords are words: they may end a path segment after the first.
        ("type/in = 1", cmp("type/in", Eq, num("1"))),
        ("andy = 1", cmp("andy", Eq, num("1"))),
    ];
    for (text, want) in cases {
        assert_eq!(parse(text), Ok(want), "{text:?}");
    }
}

#[test]
fn prints_canonical_text_that_parses_back() {
    let cases = [
        ("name='x'", "name = \"x\""),
        ("name = 'say \"hi\"'", "name = 'say \"hi\"'"),
        ("ID>=-0.50", "ID >= -0.50"),
        ("a=TRUE and b=False or c=NULL", "(a = true and b = false) or c = null"),
        ("a=1 or (b=2 or c=3)", "a = 1 or (b = 2 or c = 3)"),
        ("s NOT Contains 'x'", "s not contains \"x\""),
        ("s like '%x%'", "s like \"%x%\""),
        ("id not in(1,2,'x')", "id not in (1, 2, \"x\")"),
        ("d > [2016-08-20T20:04:26+02:00]", "d > [2016-08-20T18:04:26Z]"),
        ("d > [2023-08-08T16:36:11.123456]", "d > [2023-08-08T16:36:11.123456Z]"),
        ("d > [2023-08-08]", "d > [2023-08-08T00:00:00Z]"),
        ("d > [ 2016-8-2 ]", "d > [2016-08-02T00:00:00Z]"),
        ("d > [2016-08-20T18:04:26.1234567891Z]", "d > [2016-08-20T18:04:26.123456789Z]"),
        ("d > [2016-08-20T18:04:60Z]", "d > [2016-08-20T18:04:60Z]"),
        (
            "(contact/name like \"Fred%\" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z]",
            "(contact/name like \"Fred%\" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z]",
        ),
    ];
    for (text, want) in cases {
        let expr = parse(text).unwrap();
        assert_eq!(expr.to_string(), want, "{text:?}");
        assert_eq!(parse(want).as_ref(), Ok(&expr), "{want:?}");
    }
}

#[test]
fn errors_name_the_column_and_what_was_expected() {
    let op = "expected an operator (=, !=, <, <=, >, >=, contains, like, in)";
    let value = "expected a value (a quoted string, number, true, false, null or [datetime])";
    let cases: Vec<(&str, usize, String)> = vec![
        ("name lik \"%ICB\"", 6, format!("{op} at column 6, found \"lik\"")),
        ("", 1, "the condition is empty".into()),
        ("   \t ", 1, "the condition is empty".into()),
        ("name", 5, format!("{op} at column 5, found the end of the condition")),
        ("name = ", 8, format!("{value} at column 8, found the end of the condition")),
        ("name = other", 8, format!("{value} at column 8, found \"other\"")),
        ("name = \"abc", 8, "unterminated string starting at column 8: add the closing \"".into()),
        ("name = 'abc", 8, "unterminated string starting at column 8: add the closing '".into()),
        (
            "(a = 1 and b = 2",
            17,
            "missing \")\" to close the \"(\" at column 1: expected \")\" at column 17, found the end of the condition".into(),
        ),
        ("(a = 1 b = 2)", 8, "expected \"and\", \"or\" or \")\" at column 8, found \"b\"".into()),
        ("a = 1)", 6, "unmatched \")\" at column 6: there is no \"(\" for it to close".into()),
        ("a = 1 b", 7, "expected \"and\", \"or\" or the end of the condition at column 7, found \"b\"".into()),
        ("a = 1 2", 7, "expected \"and\", \"or\" or the end of the condition at column 7, found the number 2".into()),
        ("a = 1 'x'", 7, "expected \"and\", \"or\" or the end of the condition at column 7, found the string 'x'".into()),
        ("a = 1 and", 10, "expected a field name or \"(\" at column 10, found the end of the condition".into()),
        ("and = 1", 1, "expected a field name or \"(\" at column 1, found \"and\"".into()),
        ("a = 1 or or b = 1", 10, "expected a field name or \"(\" at column 10, found \"or\"".into()),
        (
            "d > [2016-13-45]",
            5,
            "invalid date [2016-13-45] at column 5: expected an ISO-8601 date-time such as [2016-08-20T18:04:26Z]".into(),
        ),
        ("d > [2016-01-01", 5, "unterminated date starting at column 5: add the closing ]".into()),
        ("a contains 5", 12, "expected a quoted string after contains at column 12, found the number 5".into()),
        ("a like null", 8, "expected a quoted string after like at column 8, found \"null\"".into()),
        ("a not = 1", 7, "expected contains, like or in after \"not\" at column 7, found \"=\"".into()),
        ("a in 1", 6, "expected \"(\" after in at column 6, found the number 1".into()),
        ("a in ()", 7, format!("{value} at column 7, found \")\"")),
        ("a in (1,)", 9, format!("{value} at column 9, found \")\"")),
        ("a in (1 2)", 9, "expected \",\" or \")\" in the in list at column 9, found the number 2".into()),
        ("a in (1", 8, "expected \",\" or \")\" in the in list at column 8, found the end of the condition".into()),
        ("Сname = 1", 1, "unexpected character \"С\" at column 1".into()),
        ("naмe = 1", 3, "unexpected character \"м\" at column 3".into()),
        ("type/ = 1", 6, "expected a field name after \"/\" at column 6, found \" \"".into()),
        ("a = 1 && b = 2", 7, "unexpected character \"&\" at column 7".into()),
        // A grammar error before a lexing error is reported first.
        ("a lik \"unterminated", 3, format!("{op} at column 3, found \"lik\"")),
    ];
    for (text, column, message) in cases {
        let got = parse(text).unwrap_err();
        assert_eq!(
            (got.column, got.message.as_str()),
            (column, message.as_str()),
            "{text:?}"
        );
        assert_eq!(got.to_string(), message);
        assert!(!got.is_retryable());
    }
}

#[test]
fn nesting_is_capped() {
    let ok = format!(
        "{}a = 1{}",
        "(".repeat(MAX_NESTING),
        ")".repeat(MAX_NESTING)
    );
    assert!(parse(&ok).is_ok());
    let deep = format!(
        "{}a = 1{}",
        "(".repeat(MAX_NESTING + 1),
        ")".repeat(MAX_NESTING + 1)
    );
    let err = parse(&deep).unwrap_err();
    assert_eq!(err.column, MAX_NESTING + 1);
    assert!(
        err.message.starts_with("the condition nests too deeply"),
        "{}",
        err.message
    );
    let nots = format!("{}(a = 1)", "not ".repeat(100_000));
    assert_eq!(parse(&nots).unwrap_err().column, 1);
    let parens = "(".repeat(1_000_000);
    assert!(parse(&parens).is_err());
    // Long flat chains are fine: and/or are n-ary, not nested.
    let chain = vec!["a = 1"; 20_000].join(" and ");
    assert!(matches!(parse(&chain), Ok(Expr::And(items)) if items.len() == 20_000));
}

/// REGRESSION (issue 12): a prefix `not (…)` passed validation and was
/// printed by the app, but ConnectWise documents `not` only before a word
/// operator, so a company's agreement condition could be refused by the
/// server every cycle. It is now refused at once, saying what to write.
#[test]
fn prefix_not_is_refused_with_what_to_write_instead() {
    let want = |column: usize| {
        format!(
            "ConnectWise does not take \"not\" before a condition (column {column}): negate the \
             comparison itself instead, e.g. summary not contains \"x\", name not like \"%ICB\", \
             id not in (1, 2) or status/name != \"Closed\""
        )
    };
    let cases = [
        ("not (a = 1)", 1),
        ("NOT a = 1", 1),
        ("a = 1 and not (b = 2 or c = 3)", 11),
        ("(not a = 1)", 2),
        ("not not (a = 1)", 1),
        ("name like \"%ICB\" or Not type/name = \"x\"", 21),
    ];
    for (text, column) in cases {
        let err = validate(text).unwrap_err();
        assert_eq!(
            (err.column, err.message),
            (column, want(column)),
            "{text:?}"
        );
    }
    // The documented forms stay.
    for text in [
        "summary not contains \"x\"",
        "name NOT like \"%ICB\"",
        "status/id not in (1, 2)",
        "status/name != \"Closed\"",
        "notes = 1 and nothing = 2",
    ] {
        assert_eq!(validate(text), Ok(()), "{text:?}");
    }
}

#[test]
fn validate_agrees_with_parse() {
    assert_eq!(validate("a = 1"), Ok(()));
    assert_eq!(validate("").unwrap_err().message, "the condition is empty");
    assert_eq!(validate("a ="), parse("a =").map(|_| ()));
}

#[test]
fn seed_agreement_conditions() {
    let agreement = json!({
        "id": 1,
        "name": "Business Continuity ICB",
        "type": {"id": 3, "name": "Business Continuity"},
        "company": {"id": 250, "identifier": "AcmeDental", "name": "Acme"}
    });
    let cases = [
        ("name = \"Business Continuity ICB\"", true),
        ("name like \"%ICB\"", true),
        ("type/name = \"Business Continuity\"", true),
        ("type/name like \"%Continuity\"", true),
        // U+0421 CYRILLIC CAPITAL LETTER ES in place of the Latin C.
        ("type/name = \"Business \u{0421}ontinuity\"", false),
        ("type/name like \"%\u{0421}ontinuity\"", false),
        ("company/id=250 and (type/name like \"%Continuity\")", true),
        ("company/id=251 and (type/name like \"%Continuity\")", false),
        ("company/identifier = \"acmedental\"", true),
    ];
    for (text, want) in cases {
        let expr = parse(text).unwrap();
        assert_eq!(expr.matches(&agreement), want, "{text:?}");
    }
}
