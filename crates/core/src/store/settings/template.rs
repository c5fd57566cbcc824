//! The ticket summary template: its placeholders, its default, the check
//! `config set` runs on it and the filling the engine does.

/// Placeholders `ticket.summary_template` may use.
pub const SUMMARY_PLACEHOLDERS: &[&str] =
    &["eventType", "computer", "plan", "backupType", "company"];

/// Default `ticket.summary_template`.
pub const DEFAULT_SUMMARY_TEMPLATE: &str = "{eventType}: {computer} - {plan} ({backupType})";

/// Check a summary template: every `{name}` is a known placeholder and braces are balanced.
pub fn validate_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    let mut offset = 0;
    while let Some(i) = rest.find(['{', '}']) {
        let column = offset + rest[..i].chars().count() + 1;
        if rest[i..].starts_with('}') {
            return Err(format!("unmatched \"}}\" at column {column}"));
        }
        let after = &rest[i + 1..];
        let close = after
            .find(['{', '}'])
            .filter(|&j| after[j..].starts_with('}'))
            .ok_or_else(|| format!("unclosed \"{{\" at column {column}"))?;
        let name = &after[..close];
        if !SUMMARY_PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}} at column {column}; the placeholders are {}",
                SUMMARY_PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        offset = column + name.chars().count() + 1;
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Fill a summary template. `value` gives each placeholder's text; an
/// unknown placeholder (only possible if the template was not validated) is
/// kept literally.
pub fn render_template(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after
            .find('}')
            .and_then(|j| value(&after[..j]).map(|v| (j, v)))
        {
            Some((j, text)) => {
                out.push_str(&text);
                rest = &after[j + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
