//! Text the engine writes into ConnectWise: ticket summaries from the user's
//! template, the creation description, and the notes for changes, details,
//! completion and removal. Pure functions, no I/O.

use crate::model::{EventDetail, MonitoringEvent};
use crate::store::settings::render_template;
use bridge_base::hex;
use sha2::{Digest, Sha256};

/// Longest detail text copied into one note or description; the rest is cut
/// with a marker saying how much was left out (ConnectWise notes are not meant
/// for megabytes of log).
pub const DETAIL_TEXT_MAX_CHARS: usize = 8_000;

/// Longest event message copied into the description or a change note (a
/// Dashboard message is meant to be one line; a runaway one is cut with a marker).
pub const MESSAGE_MAX_CHARS: usize = 2_000;

/// The example event previews render (e.g. the summary template's live example).
pub fn sample_event() -> MonitoringEvent {
    MonitoringEvent {
        id: "evt-sample".into(),
        company_id: "c-1001".into(),
        computer: "ACME-DC01".into(),
        plan: "Nightly files".into(),
        backup_type: "FileLevel".into(),
        event_type: "Error".into(),
        job_status: "Failed".into(),
        message: "3 files could not be read".into(),
        details: Vec::new(),
        started_at: None,
        updated_at: None,
        extra: Vec::new(),
    }
}

/// Renders the summary template for an event, before ConnectWise's length cap.
pub fn summary(template: &str, event: &MonitoringEvent, company_name: &str) -> String {
    let text = render_template(template, |name| {
        Some(match name {
            "eventType" => event.event_type.clone(),
            "computer" => event.computer.clone(),
            "plan" => event.plan.clone(),
            "backupType" => event.backup_type.clone(),
            "company" => company_name.to_owned(),
            _ => return None,
        })
    });
    crate::cw::truncate_summary(&text)
}

/// The `externalXRef` that ties a ticket to its event (`bb:<event id>`), kept
/// within ConnectWise's limit of 100 UTF-16 units (an id that fits keeps
/// exactly this form, so existing tickets are still found).
pub fn external_xref(event_id: &str) -> String {
    let full = format!("bb:{event_id}");
    if crate::cw::utf16_len(&full) <= crate::cw::EXTERNAL_XREF_MAX_CHARS {
        return full;
    }
    // Long ids keep a readable prefix plus a hash so two ids never collide.
    let digest = hex(&Sha256::digest(event_id.as_bytes()))[..16].to_owned();
    let prefix = crate::cw::utf16_prefix(&full, crate::cw::EXTERNAL_XREF_MAX_CHARS - 17);
    format!("{prefix}~{digest}")
}

/// The ticket's initial description: every field of the event and the details
/// that exist at creation.
pub fn description(event: &MonitoringEvent, company_name: &str) -> String {
    // A platform's incident names its platform (its id is `<kind>:…`).
    let origin = event
        .id
        .split_once(':')
        .and_then(|(kind, _)| crate::source::SourceKind::parse(kind))
        .map_or("Cloud Backup monitoring event", |kind| match kind {
            crate::source::SourceKind::Msp360 => "MSP360 backup incident",
            crate::source::SourceKind::Comet => "Comet Backup incident",
            crate::source::SourceKind::Vspc => "Veeam Service Provider Console alarm",
            crate::source::SourceKind::Dashboard => "Cloud Backup monitoring event",
        });
    let mut out = format!(
        "{origin} {id}\n\
         Company: {company_name} ({company_id})\n\
         Computer: {computer}\n\
         Plan: {plan}\n\
         Backup type: {backup_type}\n\
         Event type: {event_type}\n\
         Job status: {job_status}\n\
         Message: {message}\n",
        id = event.id,
        company_id = event.company_id,
        computer = event.computer,
        plan = event.plan,
        backup_type = event.backup_type,
        event_type = event.event_type,
        job_status = event.job_status,
        message = cap_chars(&event.message, MESSAGE_MAX_CHARS),
    );
    if let Some(started) = &event.started_at {
        out.push_str(&format!("Started: {started}\n"));
    }
    if let Some(updated) = &event.updated_at {
        out.push_str(&format!("Updated: {updated}\n"));
    }
    for (label, value) in &event.extra {
        out.push_str(&format!("{label}: {value}\n"));
    }
    for detail in &event.details {
        out.push('\n');
        out.push_str(&detail_block(detail));
    }
    clean_text(&out)
}

/// The note pushing one detail entry; its first line names the detail id so a
/// note whose confirmation was lost can be recognised on the ticket.
pub fn detail_note(detail: &EventDetail) -> String {
    clean_text(&detail_block(detail))
}

fn detail_block(detail: &EventDetail) -> String {
    let at = detail.at.as_deref().unwrap_or("time unknown");
    format!(
        "Detail {id} · {kind} · {at}\n{text}\n",
        id = detail.id,
        kind = detail.kind,
        text = cap_chars(&detail.text, DETAIL_TEXT_MAX_CHARS),
    )
}

/// Values of an event that a change note reports on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked<'a> {
    pub event_type: &'a str,
    pub job_status: &'a str,
    pub message: &'a str,
}

/// The note saying what changed, e.g. `Warning -> Failed: disk full`, followed
/// by one line per changed field. `None` when nothing tracked changed.
pub fn change_note(old: &Tracked<'_>, new: &Tracked<'_>) -> Option<String> {
    if old == new {
        return None;
    }
    let (old_message, new_message) = (
        cap_chars(old.message, MESSAGE_MAX_CHARS),
        cap_chars(new.message, MESSAGE_MAX_CHARS),
    );
    let (old, new) = (
        &Tracked {
            message: &old_message,
            ..old.clone()
        },
        &Tracked {
            message: &new_message,
            ..new.clone()
        },
    );
    let headline = if old.job_status != new.job_status {
        format!("{} -> {}: {}", old.job_status, new.job_status, new.message)
    } else if old.event_type != new.event_type {
        format!("{} -> {}: {}", old.event_type, new.event_type, new.message)
    } else {
        format!("Message changed: {}", new.message)
    };
    let mut out = headline;
    if old.job_status != new.job_status {
        out.push_str(&format!(
            "\nJob status: {} -> {}",
            old.job_status, new.job_status
        ));
    }
    if old.event_type != new.event_type {
        out.push_str(&format!(
            "\nEvent type: {} -> {}",
            old.event_type, new.event_type
        ));
    }
    if old.message != new.message {
        out.push_str(&format!("\nMessage: {} -> {}", old.message, new.message));
    }
    Some(clean_text(&out))
}

/// The resolution note written when the event is removed from the dashboard.
pub fn removed_note(event_id: &str) -> String {
    clean_text(&format!(
        "The monitoring event {event_id} was removed from the Cloud Backup Dashboard; \
         BackupBridge closed this ticket."
    ))
}

/// The note written when BackupBridge reopens a ticket a technician closed.
pub fn reopen_note(new_details: usize) -> String {
    format!(
        "Reopened by BackupBridge: the backup job is still failing and reported \
         {new_details} new detail{s}.",
        s = if new_details == 1 { "" } else { "s" }
    )
}

/// A stable fingerprint of everything the engine mirrors into the ticket, so an
/// in-step event is recognised without any ConnectWise request.
pub fn content_hash(event: &MonitoringEvent, summary: &str, priority: Option<&str>) -> String {
    let mut h = Sha256::new();
    for part in [
        event.event_type.as_str(),
        event.job_status.as_str(),
        event.message.as_str(),
        summary,
        priority.unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    for d in &event.details {
        h.update(d.id.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize())[..32].to_owned()
}

/// Cuts `text` to `max` characters with a marker saying how much was left out.
fn cap_chars(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max).collect();
    format!(
        "{kept}\n… ({} more characters not shown; see the Cloud Backup Dashboard)",
        total - max
    )
}

/// ConnectWise drops or mangles `\r`, `\b`, `\f` and other control characters;
/// keep newlines and tabs, turn the rest into spaces. Invisible bidi and
/// zero-width characters are dropped (`cw::is_invisible_format`).
fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| !crate::cw::is_invisible_format(*c))
        .map(|c| {
            if c == '\n' || c == '\t' || !c.is_control() {
                c
            } else {
                ' '
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
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
}
