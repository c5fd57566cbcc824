//! What ConnectWise said in an error body, cut down to a phrase a message can
//! quote: its JSON `{code, message, errors[]}` (or the 429 shape), an HTML
//! page, or plain text with control characters flattened and long text
//! clipped.

use serde_json::Value;

/// Longest server text quoted in a message, in characters.
pub(super) const MAX_QUOTED_CHARS: usize = 300;

pub(super) fn looks_like_html(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
    let start = text.trim_start().to_ascii_lowercase();
    start.starts_with('<')
}

pub(super) fn clip(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    if flat.chars().count() <= MAX_QUOTED_CHARS {
        flat.to_string()
    } else {
        let cut: String = flat.chars().take(MAX_QUOTED_CHARS).collect();
        format!("{cut}…")
    }
}

/// The useful text of an error body: ConnectWise's `{code, message, errors[]}` or
/// the 429 `{error, message}` shape; HTML and other text reduced to a hint.
#[derive(Debug, Default)]
pub(super) struct ServerText {
    pub code: Option<String>,
    pub message: Option<String>,
    pub field: Option<String>,
    pub item_message: Option<String>,
    pub html: bool,
    pub text: Option<String>,
}

impl ServerText {
    pub fn parse(body: &[u8]) -> ServerText {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => {
                let string = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
                let first = map
                    .get("errors")
                    .and_then(Value::as_array)
                    .and_then(|items| items.first());
                ServerText {
                    code: string(map.get("code")).or_else(|| string(map.get("error"))),
                    message: string(map.get("message")),
                    field: first
                        .and_then(|i| string(i.get("field")))
                        .filter(|f| !f.is_empty()),
                    item_message: first.and_then(|i| string(i.get("message"))),
                    ..ServerText::default()
                }
            }
            _ if looks_like_html(body) => ServerText {
                html: true,
                ..ServerText::default()
            },
            _ => {
                let text = String::from_utf8_lossy(body).trim().to_string();
                ServerText {
                    text: (!text.is_empty()).then(|| clip(&text)),
                    ..ServerText::default()
                }
            }
        }
    }

    /// One short phrase for a message, if there is anything worth quoting.
    pub fn summary(&self) -> Option<String> {
        if let Some(message) = &self.message {
            return Some(clip(message));
        }
        if self.html {
            return Some("an HTML page".into());
        }
        self.text.clone()
    }
}
