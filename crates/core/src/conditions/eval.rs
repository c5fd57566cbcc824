//! Evaluates a condition against a JSON object (the simulator's server-side filter).
//!
//! Semantics, chosen to mirror what ConnectWise's SQL back end does:
//! * Field names match case-insensitively; `type/name` walks `obj["type"]["name"]`.
//!   A one-segment name missing at the top level is also looked up in `_info`
//!   (the server filters audit fields by bare name: `lastUpdated`, `dateEntered`).
//!   A path crossing an array looks into every element; the test holds if any
//!   element's value satisfies it (and a negated test if none does).
//! * A missing or `null` field satisfies only `= null` and an `in` list holding
//!   `null`; every other test on it, `!=` and the `not` forms included, is false
//!   (SQL's NULL rules).
//! * Strings compare case-insensitively (lower-cased, so `<`/`>` are lexical on the
//!   lower-cased text). Numbers compare numerically, exactly for integers; a string
//!   field holding a number compares numerically with a number literal and vice
//!   versa. `[datetime]` literals compare as instants against string fields holding
//!   ISO-8601 text. Booleans compare with `true`/`false`. Any other pairing is
//!   incomparable: `=` is false, `!=` true, the ordering operators false.
//! * `contains` and `like` look at string fields (numbers and booleans as their JSON
//!   text), case-insensitively; see `like.rs` for the pattern rules.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Map, Value as Json};

use super::ast::{parse_instant, CmpOp, Comparison, Expr, Number, Test, Value};
use super::like::LikePattern;

impl Expr {
    /// Whether the JSON object `obj` satisfies this condition.
    pub fn matches(&self, obj: &Json) -> bool {
        match self {
            Expr::Compare(c) => c.matches(obj),
            Expr::And(items) => items.iter().all(|e| e.matches(obj)),
            Expr::Or(items) => items.iter().any(|e| e.matches(obj)),
        }
    }
}

impl Comparison {
    /// Whether the JSON object `obj` satisfies this single comparison.
    pub fn matches(&self, obj: &Json) -> bool {
        let found = self.resolve(obj);
        if found.is_empty() {
            return match &self.test {
                Test::Cmp(op, Value::Null) => *op == CmpOp::Eq,
                Test::In {
                    negated: false,
                    values,
                } => values.contains(&Value::Null),
                _ => false,
            };
        }
        match &self.test {
            Test::Cmp(CmpOp::Eq, Value::Null) => false,
            Test::Cmp(CmpOp::Ne, Value::Null) => true,
            Test::Cmp(CmpOp::Ne, value) => !found
                .iter()
                .any(|f| compare(f, value) == Some(Ordering::Equal)),
            Test::Cmp(op, value) => found
                .iter()
                .any(|f| compare(f, value).is_some_and(|o| op.accepts(o))),
            Test::Contains { negated, text } => {
                let needle = text.to_lowercase();
                let hit = found
                    .iter()
                    .filter_map(|f| as_text(f))
                    .any(|t| t.to_lowercase().contains(&needle));
                hit != *negated
            }
            Test::Like { negated, pattern } => {
                let pattern = LikePattern::new(pattern);
                let hit = found
                    .iter()
                    .filter_map(|f| as_text(f))
                    .any(|t| pattern.matches(&t));
                hit != *negated
            }
            Test::In { negated, values } => {
                let hit = found.iter().any(|f| {
                    values
                        .iter()
                        .any(|v| compare(f, v) == Some(Ordering::Equal))
                });
                hit != *negated
            }
        }
    }

    /// The non-null values the path leads to (several when it crosses arrays).
    fn resolve<'a>(&self, obj: &'a Json) -> Vec<&'a Json> {
        let mut found = Vec::new();
        collect(obj, &self.path, &mut found);
        if let ([name], Json::Object(map)) = (self.path.as_slice(), obj) {
            if lookup(map, name).is_none() {
                if let Some(info) = lookup(map, "_info") {
                    collect(info, &self.path, &mut found);
                }
            }
        }
        found
    }
}

fn lookup<'a>(map: &'a Map<String, Json>, name: &str) -> Option<&'a Json> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn collect<'a>(value: &'a Json, path: &[String], found: &mut Vec<&'a Json>) {
    match (value, path.split_first()) {
        (Json::Array(items), _) => items.iter().for_each(|item| collect(item, path, found)),
        (Json::Null, _) => {}
        (_, None) => found.push(value),
        (Json::Object(map), Some((name, rest))) => {
            if let Some(child) = lookup(map, name) {
                collect(child, rest, found);
            }
        }
        _ => {}
    }
}

fn as_text(value: &Json) -> Option<Cow<'_, str>> {
    match value {
        Json::String(s) => Some(Cow::Borrowed(s)),
        Json::Number(n) => Some(Cow::Owned(n.to_string())),
        Json::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// How the field value orders against the literal; `None` when incomparable.
fn compare(field: &Json, literal: &Value) -> Option<Ordering> {
    match (field, literal) {
        (Json::String(s), Value::Str(l)) => Some(cmp_ci(s, l)),
        (Json::String(s), Value::Number(l)) => {
            cmp_numbers(&Number::parse(s.trim())?.into(), &l.into())
        }
        (Json::String(s), Value::DateTime(l)) => Some(parse_instant(s)?.cmp(l)),
        (Json::Number(n), Value::Number(l)) => cmp_numbers(&n.into(), &l.into()),
        (Json::Number(n), Value::Str(l)) => {
            cmp_numbers(&n.into(), &(&Number::parse(l.trim())?).into())
        }
        (Json::Bool(b), Value::Bool(l)) => Some(b.cmp(l)),
        _ => None,
    }
}

fn cmp_ci(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// A number as exactly as we can hold it.
enum Num {
    Int(i128),
    Float(f64),
}

impl From<&serde_json::Number> for Num {
    fn from(n: &serde_json::Number) -> Self {
        match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Num::Int(i.into()),
            (None, Some(u)) => Num::Int(u.into()),
            _ => Num::Float(n.as_f64().unwrap_or(f64::NAN)),
        }
    }
}

impl From<&Number> for Num {
    fn from(n: &Number) -> Self {
        match n.as_i128() {
            Some(i) => Num::Int(i),
            None => Num::Float(n.as_f64()),
        }
    }
}

impl From<Number> for Num {
    fn from(n: Number) -> Self {
        (&n).into()
    }
}

fn cmp_numbers(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(a), Num::Int(b)) => Some(a.cmp(b)),
        _ => as_f64(a).partial_cmp(&as_f64(b)),
    }
}

fn as_f64(n: &Num) -> f64 {
    match n {
        // Precision loss is acceptable here: the other side is fractional anyway.
        Num::Int(i) => *i as f64,
        Num::Float(f) => *f,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::parse;

    #[test]
    fn evaluation_table() {
        let ticket = json!({
            "id": 42,
            "Summary": "Backup FAILED on SRV01",
            "closedFlag": false,
            "budget": 2.5,
            "bigId": 9007199254740993_u64,
            "externalXRef": "bb:evt-1",
            "contactName": null,
            "board": {"id": 3, "name": "Integration"},
            "status": {"id": 7, "name": "New"},
            "numberText": "17",
            "requiredDate": "2016-08-20T18:04:26Z",
            "naiveDate": "2023-08-08T16:36:11.123456",
            "tags": ["alpha", "Beta"],
            "contacts": [{"name": "Fred Flintstone"}, {"name": "Barney"}],
            "_info": {"lastUpdated": "2024-01-02T03:04:05Z", "dateEntered": "2023-12-31T00:00:00+01:00"}
        });
        let cases = [
            // = != on every literal kind
            ("id = 42", true),
            ("ID = 42", true),
            ("id = 42.0", true),
            ("id != 42", false),
            ("id != 41", true),
            ("id = '42'", true),
            ("numberText = 17", true),
            ("numberText > 9", true),
            ("summary = \"backup failed on srv01\"", true),
            ("summary != 'Backup FAILED on SRV01'", false),
            ("closedFlag = false", true),
            ("closedFlag = TRUE", false),
            ("closedFlag != true", true),
            ("closedFlag = 'false'", false),
            ("bigId = 9007199254740993", true),
            ("bigId = 9007199254740992", false),
            ("budget = 2.5", true),
            ("budget < 3", true),
            ("budget >= 2.50", true),
            ("budget > 2.5", false),
            ("id < 42", false),
            ("id <= 42", true),
            ("id > -1", true),
            ("id >= 43", false),
            ("summary > 'a'", true),
            ("summary < 'a'", false),
            // null handling
            ("contactName = null", true),
            ("missing = null", true),
            ("id = null", false),
            ("contactName != null", false),
            ("id != null", true),
            ("missing != 'x'", false),
            ("missing not contains 'x'", false),
            ("missing not in (1)", false),
            ("missing in (1, null)", true),
            ("missing < 5", false),
            // paths, case-insensitive fields, _info fallback for audit fields
            ("board/name = 'integration'", true),
            ("BOARD/ID = 3", true),
            ("board/missing = null", true),
            ("id/deeper = null", true),
            ("lastUpdated > [2024-01-01T00:00:00Z]", true),
            ("dateEntered = [2023-12-30T23:00:00Z]", true),
            ("_info/lastUpdated < [2024-01-02T03:04:06Z]", true),
            // datetimes as instants
            ("requiredDate = [2016-08-20T20:04:26+02:00]", true),
            ("requiredDate > [2016-08-20T18:04:25Z]", true),
            ("requiredDate < [2016-08-20]", false),
            ("naiveDate = [2023-08-08T16:36:11.123456Z]", true),
            ("summary = [2016-08-20T18:04:26Z]", false),
            // contains / like
            ("summary contains 'failed'", true),
            ("summary contains '%'", false),
            ("summary not contains 'failed'", false),
            ("summary not contains 'ok'", true),
            ("summary like '%srv__'", true),
            ("summary like 'Backup%'", true),
            ("summary like '*SRV01'", true),
            ("summary not like 'Backup%'", false),
            ("externalXRef = 'bb:evt-1'", true),
            ("externalXRef like 'bb:evt-_'", true),
            ("id like '4%'", true),
            ("id contains '2'", true),
            ("board like '%'", false),
            // in
            ("id in (1, 42, 3)", true),
            ("id in (1, 2)", false),
            ("id not in (1, 2)", true),
            ("id not in (42)", false),
            ("status/name in ('new', 'Closed')", true),
            // arrays: any element
            ("tags = 'beta'", true),
            ("tags != 'beta'", false),
            ("tags != 'gamma'", true),
            ("contacts/name like 'fred%'", true),
            ("contacts/name not like 'wilma%'", true),
            ("contacts/name = 'Wilma'", false),
            // logic
            ("id = 42 and closedFlag = false", true),
            ("id = 42 and closedFlag = true", false),
            ("id = 1 or closedFlag = false", true),
            ("id = 1 or id = 2 and id = 42", false),
            ("(id = 1 or id = 42) and board/id = 3", true),
        ];
        for (text, want) in cases {
            let expr = parse(text).unwrap();
            assert_eq!(expr.matches(&ticket), want, "{text:?}");
        }
    }

    #[test]
    fn non_object_inputs_do_not_match_field_tests() {
        for value in [json!(null), json!(5), json!("x"), json!([])] {
            assert!(!parse("id = 1").unwrap().matches(&value));
            assert!(parse("id = null").unwrap().matches(&value));
        }
        assert!(parse("id = 1")
            .unwrap()
            .matches(&json!([{"id": 2}, {"id": 1}])));
    }
}
