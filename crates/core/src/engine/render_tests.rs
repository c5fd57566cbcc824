//! Tests of the engine's text rendering: summaries, descriptions, notes, caps and the content hash.

use super::*;

fn event() -> MonitoringEvent {
    MonitoringEvent {
        id: "evt-1".into(),
        company_id: "c-1".into(),
        computer: "ACME-DC01".into(),
        plan: "Nightly files".into(),
        details: vec![EventDetail {
            id: "d-1".into(),
            kind: "FileLevelErrorDetails".into(),
            at: Some("2026-11-20T02:13:00Z".into()),
            text: "C:\\Data\\q3.xlsx: locked\r\n\u{7}bell".into(),
        }],
        ..sample_event()
    }
}

#[test]
fn a_platform_incident_names_its_platform_and_its_report_link() {
    let e = MonitoringEvent {
        id: "msp360:c-1/PC1/plan@2026-12-01T01:00:00Z".into(),
        extra: vec![("Report".into(), "https://mspbackups.example/r/1".into())],
        ..event()
    };
    let text = description(&e, "Acme");
    assert!(text.starts_with("MSP360 backup incident msp360:"), "{text}");
    assert!(
        text.contains("Report: https://mspbackups.example/r/1\n"),
        "{text}"
    );
    assert!(description(&event(), "Acme").starts_with("Cloud Backup monitoring event evt-1"));
}

#[test]
fn summary_fills_every_placeholder() {
    let s = summary(
        "{eventType}|{computer}|{plan}|{backupType}|{company}",
        &event(),
        "Acme",
    );
    assert_eq!(s, "Error|ACME-DC01|Nightly files|FileLevel|Acme");
    let default = summary(
        "{eventType}: {computer} - {plan} ({backupType})",
        &event(),
        "Acme",
    );
    assert_eq!(default, "Error: ACME-DC01 - Nightly files (FileLevel)");
}

#[test]
fn long_summary_is_capped_at_100_chars() {
    let mut e = event();
    e.plan = "word ".repeat(40);
    let s = summary("{eventType}: {plan}", &e, "Acme");
    assert!(s.chars().count() <= 100, "{s}");
}

#[test]
fn change_note_headline_names_the_transition() {
    let old = Tracked {
        event_type: "Warning",
        job_status: "Warning",
        message: "slow",
    };
    let new = Tracked {
        event_type: "Error",
        job_status: "Failed",
        message: "disk full",
    };
    let note = change_note(&old, &new).unwrap();
    assert!(note.starts_with("Warning -> Failed: disk full\n"), "{note}");
    assert!(note.contains("Event type: Warning -> Error"));
    assert!(note.contains("Message: slow -> disk full"));
    assert_eq!(change_note(&old, &old), None);
    let msg_only = Tracked {
        message: "slower",
        ..old.clone()
    };
    assert_eq!(
        change_note(&old, &msg_only).unwrap(),
        "Message changed: slower\nMessage: slow -> slower"
    );
}

#[test]
fn description_holds_fields_and_details_without_control_chars() {
    let d = description(&event(), "Acme Dental");
    assert!(d.contains("Company: Acme Dental (c-1)"));
    assert!(d.contains("Detail d-1 · FileLevelErrorDetails · 2026-11-20T02:13:00Z"));
    assert!(!d.contains('\r') && !d.contains('\u{7}'));
}

#[test]
fn huge_detail_text_is_capped_with_a_marker() {
    let mut e = event();
    e.details[0].text = "é".repeat(DETAIL_TEXT_MAX_CHARS + 10);
    let n = detail_note(&e.details[0]);
    assert!(n.contains("10 more characters not shown"));
    assert!(n.chars().count() < DETAIL_TEXT_MAX_CHARS + 200);
}

#[test]
fn huge_message_is_capped_in_description_and_change_note() {
    let mut e = event();
    e.message = "m".repeat(1 << 20);
    let text = description(&e, "Acme");
    assert!(text.len() < MESSAGE_MAX_CHARS + 1_000, "{}", text.len());
    assert!(text.contains("more characters not shown"));
    let old = Tracked {
        event_type: "Error",
        job_status: "Failed",
        message: &e.message,
    };
    let new = Tracked {
        message: "ok",
        job_status: "Completed",
        ..old.clone()
    };
    let note = change_note(&old, &new).unwrap();
    assert!(note.len() < 2 * MESSAGE_MAX_CHARS + 1_000, "{}", note.len());
    assert!(
        note.contains("Message: mmm") && note.ends_with("-> ok"),
        "{note:.100}"
    );
}

#[test]
fn xref_is_short_and_unique_for_long_ids() {
    assert_eq!(external_xref("evt-7f3a"), "bb:evt-7f3a");
    let a = external_xref(&"a".repeat(300));
    let b = external_xref(&format!("{}b", "a".repeat(299)));
    assert!(a.chars().count() <= 100);
    assert_ne!(a, b);
    // ASCII ids keep exactly the form they always had (existing tickets).
    assert_eq!(
        external_xref(&"a".repeat(97)),
        format!("bb:{}", "a".repeat(97))
    );
    assert_eq!(
        a,
        format!(
            "bb:{}~{}",
            "a".repeat(80),
            &hex(&Sha256::digest("a".repeat(300).as_bytes()))[..16]
        )
    );
}

/// REGRESSION: an id with emoji fit 100 characters but not ConnectWise's
/// 100 UTF-16 units, so its ticket was refused every cycle.
#[test]
fn xref_fits_in_utf16_units() {
    let id = "😀".repeat(49); // 49 characters, 98 units
    let xref = external_xref(&id);
    assert!(crate::cw::utf16_len(&xref) <= 100, "{xref}");
    assert!(xref.starts_with("bb:😀") && xref.contains('~'), "{xref}");
    assert_ne!(xref, external_xref(&"😀".repeat(50)));
}

/// REGRESSION: bidi overrides and zero-width characters from the
/// Dashboard went into descriptions and notes as sent.
#[test]
fn invisible_format_characters_leave_notes_and_descriptions() {
    let mut e = event();
    e.message = "disk\u{202E}lluf\u{202C} \u{200B}error".into();
    e.details[0].text = "C:\\\u{2066}Data\u{2069}\u{FEFF}".into();
    let d = description(&e, "Acme\u{200F}");
    assert!(d.contains("Message: disklluf error"), "{d}");
    assert!(d.contains("Company: Acme (c-1)"), "{d}");
    let n = detail_note(&e.details[0]);
    assert!(n.ends_with("C:\\Data\n"), "{n:?}");
    let old = Tracked {
        event_type: "Error",
        job_status: "Failed",
        message: "a",
    };
    let new = Tracked {
        message: "b\u{061C}c",
        ..old.clone()
    };
    assert_eq!(
        change_note(&old, &new).unwrap(),
        "Message changed: bc\nMessage: a -> bc"
    );
    assert!(!removed_note("evt\u{2060}-1").contains('\u{2060}'));
    for text in [d, n] {
        assert!(
            !text.chars().any(crate::cw::is_invisible_format),
            "{text:?}"
        );
    }
}

#[test]
fn content_hash_moves_with_tracked_fields_and_details() {
    let e = event();
    let h = content_hash(&e, "s", None);
    assert_eq!(h, content_hash(&e, "s", None));
    let mut e2 = e.clone();
    e2.details.push(EventDetail {
        id: "d-2".into(),
        kind: "k".into(),
        at: None,
        text: String::new(),
    });
    assert_ne!(h, content_hash(&e2, "s", None));
    assert_ne!(h, content_hash(&e, "s", Some("P1")));
}
