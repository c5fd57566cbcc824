//! Opening a link in the default browser: only `http` and `https` links, so
//! a link from a ticket or a setting can never start a file or another
//! program. The window process opens ticket links itself (it is in front,
//! and the system lets the program in front bring the browser forward); the
//! tray process's `open_ticket` command comes here too.

use url::Url;

use crate::error::{Error, Result};

/// Opens `url` in the default browser when it is a web link.
///
/// The browser inherits this process's environment. Both processes that open
/// links (the window, and the tray process) took the variables that carry
/// secrets out of their environment first thing in `main`
/// (`bridge_base::env_secrets::EnvSecrets::take`), so none is left to inherit.
/// The OS opener stays: on Windows it is `ShellExecuteW`, which a
/// [`std::process::Command`] could only replace through a shell that parses
/// the URL (`cmd /c start`).
pub fn open_web_link(url: &str) -> Result<()> {
    let url = web_url(url)?;
    open::that_detached(url.as_str()).map_err(|e| Error::Opener(e.to_string()))
}

/// `text` as a URL if it is an `http` or `https` link; anything else (files,
/// scripts, other programs' schemes) is refused.
pub fn web_url(text: &str) -> Result<Url> {
    let url = Url::parse(text.trim())
        .map_err(|e| Error::Invalid(format!("\"{text}\" is not a web link: {e}")))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        scheme => Err(Error::Invalid(format!(
            "only http and https links are opened, not {scheme}:"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_opened() {
        let cases = [
            (
                "https://na.myconnectwise.net/v4_6_release/services/x?id=1",
                true,
            ),
            ("http://127.0.0.1:8080/ticket", true),
            ("  https://example.com/  ", true),
            ("file:///etc/passwd", false),
            ("javascript:alert(1)", false),
            ("ms-settings:privacy", false),
            ("/relative/path", false),
            ("", false),
        ];
        for (text, allowed) in cases {
            let result = web_url(text);
            assert_eq!(result.is_ok(), allowed, "{text}");
            if let Err(error) = result {
                assert_eq!(error.kind(), "invalid", "{text}");
            }
        }
        let error = open_web_link("file:///etc/passwd").unwrap_err();
        assert_eq!(error.kind(), "invalid", "{error}");
    }
}
