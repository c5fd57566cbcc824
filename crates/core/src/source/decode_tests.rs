//! Decoding: each malformed shape is rejected with the field it names; good
//! items and unknown types pass.

use serde_json::json;

use super::*;

fn good(id: &str) -> Value {
    json!({
        "id": id, "companyId": "c-1", "computer": "PC", "plan": "Nightly",
        "backupType": "FileLevel", "eventType": "Error", "jobStatus": "Failed",
        "message": "3 files could not be read",
        "details": [{ "id": "d-1", "kind": "FileLevelErrorDetails", "at": "2026-11-20T02:13:00Z",
                      "text": "C:\\Data\\q3.xlsx: locked — ünïcödé ✓" }],
        "startedAt": "2026-11-20T02:00:00Z", "updatedAt": "2026-11-20T02:14:10Z"
    })
}

fn with(id: &str, edit: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut v = good(id);
    if let Value::Object(m) = &mut v {
        edit(m);
    }
    v
}

#[test]
fn malformed_events_are_rejected_naming_the_field() {
    let cases: Vec<(Value, Option<&str>, &str)> = vec![
        (
            with("x", |m| drop(m.remove("id"))),
            None,
            "field \"id\" is missing",
        ),
        (
            with("x", |m| drop(m.insert("id".into(), json!(42)))),
            Some("42"),
            "field \"id\" must be a string, found a number (42)",
        ),
        (
            with("x", |m| drop(m.insert("id".into(), json!("  ")))),
            None,
            "field \"id\" is empty",
        ),
        (
            with("e1", |m| drop(m.remove("companyId"))),
            Some("e1"),
            "field \"companyId\" is missing",
        ),
        (
            with("e1", |m| drop(m.insert("eventType".into(), Value::Null))),
            Some("e1"),
            "field \"eventType\" is null",
        ),
        (
            with("e1", |m| drop(m.insert("jobStatus".into(), json!(true)))),
            Some("e1"),
            "field \"jobStatus\" must be a string, found a boolean (true)",
        ),
        (
            with("e1", |m| drop(m.insert("computer".into(), json!(["a"])))),
            Some("e1"),
            "field \"computer\" must be a string, found a list",
        ),
        (
            with("e1", |m| drop(m.insert("details".into(), json!("none")))),
            Some("e1"),
            "field \"details\" must be a list, found a string",
        ),
        (
            with("e1", |m| {
                drop(m.insert("details".into(), json!([{"id": "d", "kind": "K"}, 7])))
            }),
            Some("e1"),
            "details[1] must be an object, found a number (7)",
        ),
        (
            with("e1", |m| {
                drop(m.insert("details".into(), json!([{"kind": "K"}])))
            }),
            Some("e1"),
            "field \"details[0].id\" is missing",
        ),
        (
            with("e1", |m| {
                drop(m.insert(
                    "details".into(),
                    json!([{"id": "d", "kind": "K", "text": {}}]),
                ))
            }),
            Some("e1"),
            "field \"details[0].text\" must be a string, found an object",
        ),
        (
            json!("evt-1"),
            None,
            "the item must be an object, found a string",
        ),
        (Value::Null, None, "the item must be an object, found null"),
    ];
    for (item, id, reason) in cases {
        let snapshot = decode_events(vec![good("ok-1"), item]);
        assert_eq!(snapshot.events.len(), 1, "{reason}");
        assert_eq!(
            snapshot.rejected,
            [RejectedItem {
                position: 1,
                id: id.map(str::to_owned),
                reason: reason.to_owned()
            }]
        );
    }
}

#[test]
fn unknown_types_optional_fields_and_unicode_are_kept() {
    let item = json!({
        "id": "e9", "companyId": "c-1", "backupType": "Tape", "eventType": "Info",
        "jobStatus": "Paused", "details": [{ "id": "d", "kind": "SomethingNew" }],
        "extraField": {"ignored": true}, "message": null
    });
    let snapshot = decode_events(vec![item, good("e10")]);
    assert!(snapshot.rejected.is_empty(), "{:?}", snapshot.rejected);
    let e = &snapshot.events[0];
    assert_eq!(
        (e.backup_type.as_str(), e.event_type.as_str()),
        ("Tape", "Info")
    );
    assert_eq!(e.details[0].kind, "SomethingNew");
    assert_eq!((e.computer.as_str(), e.message.as_str()), ("", ""));
    assert_eq!(e.started_at, None);
    let full = &snapshot.events[1];
    assert_eq!(
        full.details[0].text,
        "C:\\Data\\q3.xlsx: locked — ünïcödé ✓"
    );
    assert_eq!(full.updated_at.as_deref(), Some("2026-11-20T02:14:10Z"));
}

#[test]
fn duplicate_event_ids_keep_the_first() {
    let second = with("e1", |m| drop(m.insert("message".into(), json!("second"))));
    let snapshot = decode_events(vec![good("e1"), good("e2"), second]);
    assert_eq!(
        snapshot
            .events
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        ["e1", "e2"]
    );
    assert_eq!(snapshot.events[0].message, "3 files could not be read");
    assert_eq!(snapshot.rejected.len(), 1);
    assert_eq!(snapshot.rejected[0].position, 2);
    assert_eq!(snapshot.rejected[0].id.as_deref(), Some("e1"));
    assert!(snapshot.rejected[0].reason.contains("duplicate id \"e1\""));
}

#[test]
fn companies_decode_likewise() {
    let list = decode_companies(vec![
        json!({"id": "c-1", "name": "Acme"}),
        json!({"id": "c-2"}),
        json!({"id": "c-1", "name": "Acme again"}),
        json!({"name": "No id"}),
        json!({"id": "c-3", "name": "Contoso", "extra": 1}),
    ]);
    assert_eq!(
        list.companies,
        [
            BackupCompany {
                id: "c-1".into(),
                name: "Acme".into()
            },
            BackupCompany {
                id: "c-3".into(),
                name: "Contoso".into()
            },
        ]
    );
    let summary: Vec<_> = list
        .rejected
        .iter()
        .map(|r| (r.position, r.id.as_deref()))
        .collect();
    assert_eq!(summary, [(1, Some("c-2")), (2, Some("c-1")), (3, None)]);
    assert_eq!(list.rejected[0].reason, "field \"name\" is missing");
}

#[test]
fn rejected_items_read_as_a_sentence() {
    let r = RejectedItem {
        position: 3,
        id: Some("evt-9".into()),
        reason: "field \"eventType\" is missing".into(),
    };
    assert_eq!(
        r.to_string(),
        "item at position 3 (counting from 0), id \"evt-9\": field \"eventType\" is missing"
    );
}
