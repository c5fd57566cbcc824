//! The computer and backup plan of a tracked event, read back from its
//! ticket's summary. The ledger keeps neither, but the summary was rendered
//! from `ticket.summary_template`, which usually names both; the Activity
//! screen uses them to offer "Snooze this computer" and "Snooze this plan".
//!
//! A reading is given only when it is certain: every way of splitting the
//! summary along the template must give the same computer and plan, and
//! rendering the template with them must give the summary back. A summary
//! written under another template, cut at ConnectWise's length limit, or
//! one the template leaves ambiguous gives `None`, never a guess.

use crate::engine::render;
use crate::model::MonitoringEvent;

/// What the summary says an event's computer and plan are; `None` for each
/// the template does not name or the summary does not tell for certain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    pub computer: Option<String>,
    pub plan: Option<String>,
}

/// The placeholders read back; the others are known from the ledger row.
const READ: [&str; 3] = ["computer", "plan", "backupType"];

/// Most distinct readings looked for: a second one means "ambiguous".
const READINGS_MAX: usize = 2;

#[derive(Debug)]
enum Token {
    Text(String),
    /// An index into [`READ`].
    Value(usize),
}

/// The computer and plan `summary` was rendered with from `template`, given
/// the event type and company name the ledger row knows.
pub fn subject_from_summary(
    template: &str,
    summary: &str,
    event_type: &str,
    company_name: &str,
) -> Subject {
    let tokens = tokens(template, event_type, company_name);
    let mut readings: Vec<[Option<String>; 3]> = Vec::new();
    let mut bound: [Option<&str>; 3] = [None, None, None];
    split(&tokens, summary, &mut bound, &mut readings);
    let [reading] = readings.as_slice() else {
        return Subject::default();
    };
    let value = |i: usize| reading[i].clone().unwrap_or_default();
    let event = MonitoringEvent {
        event_type: event_type.to_owned(),
        computer: value(0),
        plan: value(1),
        backup_type: value(2),
        ..render::sample_event()
    };
    if render::summary(template, &event, company_name) != summary {
        return Subject::default();
    }
    Subject {
        computer: reading[0].clone(),
        plan: reading[1].clone(),
    }
}

/// The template as text and values to read, the way `render_template`
/// reads it: an unknown `{name}` stays as it is.
fn tokens(template: &str, event_type: &str, company_name: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        text.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name = after.find('}').map(|j| (&after[..j], j));
        match name {
            Some(("eventType", j)) => {
                text.push_str(event_type);
                rest = &after[j + 1..];
            }
            Some(("company", j)) => {
                text.push_str(company_name);
                rest = &after[j + 1..];
            }
            Some((name, j)) if READ.contains(&name) => {
                out.push(Token::Text(std::mem::take(&mut text)));
                out.extend(READ.iter().position(|r| *r == name).map(Token::Value));
                rest = &after[j + 1..];
            }
            _ => {
                text.push('{');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    out.push(Token::Text(text));
    out.retain(|t| !matches!(t, Token::Text(s) if s.is_empty()));
    out
}

/// Every way `tokens` covers all of `rest` (each value non-empty and the
/// same wherever it recurs), as distinct readings, stopping at
/// [`READINGS_MAX`].
fn split<'s>(
    tokens: &[Token],
    rest: &'s str,
    bound: &mut [Option<&'s str>; 3],
    readings: &mut Vec<[Option<String>; 3]>,
) {
    if readings.len() >= READINGS_MAX {
        return;
    }
    let Some((first, others)) = tokens.split_first() else {
        if rest.is_empty() {
            let reading = bound.map(|b| b.map(str::to_owned));
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
        return;
    };
    match first {
        Token::Text(text) => {
            if let Some(after) = rest.strip_prefix(text.as_str()) {
                split(others, after, bound, readings);
            }
        }
        Token::Value(i) => {
            if let Some(value) = bound[*i] {
                if let Some(after) = rest.strip_prefix(value) {
                    split(others, after, bound, readings);
                }
                return;
            }
            for (end, _) in rest.char_indices().skip(1).chain([(rest.len(), ' ')]) {
                bound[*i] = Some(&rest[..end]);
                split(others, &rest[end..], bound, readings);
                bound[*i] = None;
                if readings.len() >= READINGS_MAX {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = "{eventType}: {computer} - {plan} ({backupType})";

    fn read(template: &str, summary: &str) -> (Option<String>, Option<String>) {
        let s = subject_from_summary(template, summary, "Error", "Acme Dental Ltd");
        (s.computer, s.plan)
    }

    fn some(computer: &str, plan: &str) -> (Option<String>, Option<String>) {
        (Some(computer.to_owned()), Some(plan.to_owned()))
    }

    #[test]
    fn the_default_template_gives_computer_and_plan() {
        assert_eq!(
            read(DEFAULT, "Error: ACME-DC01 - Nightly files (FileLevel)"),
            some("ACME-DC01", "Nightly files")
        );
        assert_eq!(
            read(DEFAULT, "Error: PC 7 - Weekly image (ImageBased)"),
            some("PC 7", "Weekly image")
        );
    }

    #[test]
    fn a_template_with_company_and_one_value() {
        let template = "{company}: {eventType} on {computer}";
        assert_eq!(
            read(template, "Acme Dental Ltd: Error on FRONT-DESK"),
            (Some("FRONT-DESK".to_owned()), None)
        );
        // Another company or event type is another summary: no reading.
        assert_eq!(read(template, "Contoso: Error on FRONT-DESK"), (None, None));
    }

    #[test]
    fn ambiguous_foreign_or_cut_summaries_give_nothing() {
        for summary in [
            // " - " inside the computer's name: two splits are possible.
            "Error: ACME - DC01 - Nightly (FileLevel)",
            // Written under another template.
            "Backup failed on ACME-DC01",
            // A plan with brackets: "Weekly (image)" of ImageBased, or
            // "Weekly" of "image) (ImageBased"?
            "Error: PC 7 - Weekly (image) (ImageBased)",
            // Cut at the length limit: the template's end is missing.
            "Error: ACME-DC01 - A very long plan name that goes on…",
        ] {
            assert_eq!(read(DEFAULT, summary), (None, None), "{summary}");
        }
        // Two values side by side cannot be told apart.
        assert_eq!(read("{computer}{plan}", "ACMEDC01"), (None, None));
    }

    #[test]
    fn a_value_named_twice_must_read_the_same_both_times() {
        let template = "{computer} failed ({computer}, {plan})";
        assert_eq!(
            read(template, "PC-1 failed (PC-1, Nightly)"),
            some("PC-1", "Nightly")
        );
        assert_eq!(read(template, "PC-1 failed (PC-2, Nightly)"), (None, None));
    }

    #[test]
    fn unknown_placeholders_and_stray_braces_are_plain_text() {
        let template = "{ticket} {computer}: {plan}";
        assert_eq!(
            read(template, "{ticket} PC-1: Nightly"),
            some("PC-1", "Nightly")
        );
    }
}
