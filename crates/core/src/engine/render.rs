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
#[path = "render_tests.rs"]
mod tests;
