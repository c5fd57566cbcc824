//! Notification text as the platform's notification server must get it.
//! On Linux (the freedesktop notification service) the body is read as
//! markup, a small subset of HTML: text from the Dashboard or ConnectWise
//! holding `<`, `>` or `&` would be taken as tags or entities (hiding text,
//! or worse), so it is escaped there. Other platforms show text as given.
//! Written for every platform so its tests run everywhere.

use std::borrow::Cow;

use crate::platform::{self, Os};

/// `text` ready for this platform's notifications (see the module notes).
pub(crate) fn notification_text(text: &str) -> Cow<'_, str> {
    notification_text_for(text, platform::reads_markup(Os::current()))
}

fn notification_text_for(text: &str, reads_markup: bool) -> Cow<'_, str> {
    if reads_markup {
        Cow::Owned(escape_markup(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// `text` with `&`, `<` and `>` written as entities, so a server that reads
/// markup shows exactly `text`.
pub(crate) fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// REGRESSION: on Linux a body such as a Dashboard message
    /// `<b>x</b> & <a href=…>` was shown as markup, not as written.
    #[test]
    fn markup_characters_are_escaped_where_markup_is_read() {
        let text = "disk <b>full</b> & <a href=\"http://x\">see</a> > 90%";
        let escaped =
            "disk &lt;b&gt;full&lt;/b&gt; &amp; &lt;a href=\"http://x\"&gt;see&lt;/a&gt; &gt; 90%";
        assert_eq!(escape_markup(text), escaped);
        assert_eq!(escape_markup("&amp;"), "&amp;amp;");
        assert_eq!(escape_markup("plain text, é 😀"), "plain text, é 😀");
        assert_eq!(notification_text_for(text, true), escaped);
        assert_eq!(notification_text_for(text, false), text);
        assert_eq!(
            notification_text(text),
            if platform::reads_markup(Os::current()) {
                escaped
            } else {
                text
            }
        );
    }
}
