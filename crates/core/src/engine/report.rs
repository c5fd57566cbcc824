//! Turning what a cycle planned or did into a report: counts per kind of
//! action, and the dry run's "would …" lines with the board, status and
//! agreement each action would use.

use super::plan::{self, Step};
use super::template;
use super::ActionLine;
use crate::cw::CwClient;
use crate::store::runs::RunCounts;
use crate::store::settings::Settings;

/// Adds an action line to the run's counts by its leading verb.
pub(crate) fn count(counts: &mut RunCounts, text: &str) {
    let verb = text.split(':').next().unwrap_or_default();
    match verb {
        "created" => counts.created += 1,
        "updated" => counts.updated += 1,
        "closed" => counts.closed += 1,
        "reopened" => counts.reopened += 1,
        "deleted" => counts.deleted += 1,
        v if v.ends_with("noted") => counts.notes += 1,
        _ => {}
    }
}

/// The ticket template a dry run describes its creates with (read-only
/// lookups), or why it is not usable.
pub(crate) async fn dry_run_template(
    cw: &CwClient,
    settings: &Settings,
) -> Result<template::Template, String> {
    match template::TemplateSpec::from_settings(settings) {
        Ok(spec) => template::resolve(cw, &spec)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e),
    }
}

/// Dry-run lines: each planned action with the board, status and agreement
/// it would use.
pub(crate) fn dry_run_lines(
    template: &Result<template::Template, String>,
    plan: &plan::Plan,
) -> Vec<ActionLine> {
    let mut lines = Vec::new();
    for item in &plan.items {
        if let Some(flap) = item.flap {
            lines.push(ActionLine::new(item, item.ticket_id, flap_line(flap)));
        }
        for step in &item.steps {
            let text = match (step, template) {
                (Step::Create(d), Ok(t)) => format!(
                    "would create \"{}\" for {} on board \"{}\" with status \"{}\", priority {}, agreement {}",
                    d.summary,
                    d.cw_identifier,
                    t.board.name,
                    t.status_new.name,
                    d.priority.as_deref().unwrap_or("(ConnectWise default)"),
                    d.agreement.as_ref().map_or("none".to_owned(), |(id, name)| format!("\"{name}\" (#{id})")),
                ),
                (Step::Create(d), Err(e)) => format!(
                    "would create \"{}\" for {} — but the ticket template is not usable: {e}",
                    d.summary, d.cw_identifier
                ),
                (Step::Close, Ok(t)) => format!("would close (status \"{}\")", t.status_closed.name),
                (Step::Reopen, Ok(t)) => format!("would reopen (status \"{}\")", t.status_new.name),
                (Step::Patch { summary, priority }, _) => format!(
                    "would update{}{}",
                    summary.as_ref().map_or(String::new(), |s| format!(" summary to \"{s}\"")),
                    priority.as_ref().map_or(String::new(), |p| format!(" priority to \"{p}\"")),
                ),
                (Step::Note { text, resolution, .. }, _) => format!(
                    "would add a {} note: {}",
                    if *resolution { "resolution" } else { "discussion" },
                    text.lines().next().unwrap_or_default()
                ),
                (other, _) => format!("would {}", verb_infinitive(other)),
            };
            lines.push(ActionLine::new(item, item.ticket_id, text));
        }
    }
    for skip in &plan.skipped {
        let text = match skip.reason {
            plan::SkipReason::CompanyError => "held back by its company's error",
            plan::SkipReason::Snoozed => {
                "snoozed: no ticket and no note until its snooze ends (`snooze list`)"
            }
            _ => continue,
        };
        lines.push(ActionLine {
            event_id: skip.event_id.clone(),
            company_id: skip.company_id.clone(),
            ticket_id: None,
            text: text.to_owned(),
        });
    }
    lines
}

/// What flap damping (issue 17) would do to an event, for the dry run.
fn flap_line(flap: plan::FlapAction) -> String {
    let why = match flap {
        plan::FlapAction::Started => {
            "more than 3 reopens within ticket.flap_window_mins; one flap note instead of a change note"
        }
        plan::FlapAction::CloseHeld => {
            "the job completed; the ticket stays open until it has stayed completed for the flap window"
        }
        plan::FlapAction::Quiet => "the change is recorded without a note",
        plan::FlapAction::Noted => "the hourly flap note and the count in the summary",
        plan::FlapAction::Ended => "completed for the whole flap window; the ticket closes",
    };
    format!("{} ({why})", flap.describe())
}

fn verb_infinitive(step: &Step) -> &'static str {
    match step {
        Step::Create(_) => "create",
        Step::Patch { .. } => "update",
        Step::Note { .. } => "add a note",
        Step::Close => "close",
        Step::Reopen => "reopen",
        Step::Delete => "delete the ticket",
    }
}
