//! Base URLs for the services BackupBridge talks to: `https://` always,
//! plain `http://` only for loopback hosts (the local simulators, tests).
//! Shared by the Dashboard client and the settings checks of `cw.site` and
//! `dashboard.url`.

use std::net::IpAddr;

use url::{Host, Url};

/// Parse a service base URL. A bare host (`na.myconnectwise.net`, `host:8443`)
/// means `https://host`. Rejects other schemes, `http` to a non-loopback host,
/// credentials in the URL, queries and fragments; the error is one sentence.
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    let raw = text.trim();
    // Never echo a password someone pasted into the URL.
    let text = &redact(raw);
    if raw.is_empty() {
        return Err("the URL is empty".to_owned());
    }
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| format!("\"{text}\" is not a valid URL or host name ({e})"))?;
    let host = url
        .host()
        .ok_or_else(|| format!("\"{text}\" has no host name"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "\"{text}\" must not carry a user name or password; credentials go in the keychain"
        ));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(format!(
            "\"{text}\" is not a valid URL or host name (it contains spaces)"
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(format!(
                "\"{text}\" must use https (plain http is only allowed for loopback addresses such as 127.0.0.1)"
            ))
        }
        other => {
            return Err(format!(
                "\"{text}\" must use https, not {other} (plain http is only allowed for loopback addresses)"
            ))
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "\"{text}\" must not have a query (?...) or fragment (#...)"
        ));
    }
    Ok(url)
}

/// Replace `user:password@` in a URL-ish text by `…@`.
fn redact(text: &str) -> String {
    match (text.find("://"), text.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://…@{}", &text[..scheme_end], &text[at + 1..])
        }
        (None, Some(at)) => format!("…@{}", &text[at + 1..]),
        _ => text.to_owned(),
    }
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Join an API path (starting with `/`) onto a base URL, keeping any path
/// prefix the base has (`https://host/portal` + `/api/v1/x`).
pub(crate) fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = base.path().trim_end_matches('/');
    url.set_path(&format!("{prefix}{path}"));
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("na.myconnectwise.net", Ok("https://na.myconnectwise.net/")),
            ("cw.example.com:8443", Ok("https://cw.example.com:8443/")),
            (
                "https://dash.example.com/portal/",
                Ok("https://dash.example.com/portal/"),
            ),
            ("http://127.0.0.1:3000", Ok("http://127.0.0.1:3000/")),
            ("http://127.9.9.9", Ok("http://127.9.9.9/")),
            ("http://LOCALHOST:1", Ok("http://localhost:1/")),
            ("http://[::1]:80", Ok("http://[::1]/")),
            ("http://dash.example.com", Err("must use https (plain http")),
            ("http://10.0.0.1", Err("must use https")),
            ("ftp://dash.example.com", Err("must use https, not ftp")),
            (
                "https://user:pw@dash.example.com",
                Err("\"https://…@dash.example.com\" must not carry a user name or password"),
            ),
            ("http://user:pw@dash.example.com", Err("must not carry")),
            (
                "https://dash.example.com/?a=1",
                Err("must not have a query"),
            ),
            ("https://dash.example.com/#x", Err("fragment")),
            ("dash example.com", Err("is not a valid URL or host name")),
            ("", Err("the URL is empty")),
            ("https://", Err("is not a valid URL")),
        ];
        for (text, want) in cases {
            match (parse_base_url(text), want) {
                (Ok(url), Ok(expected)) => assert_eq!(url.as_str(), *expected, "{text}"),
                (Err(message), Err(fragment)) => {
                    assert!(
                        message.contains(fragment),
                        "{text}: {message:?} lacks {fragment:?}"
                    );
                    assert!(!message.contains("pw@"), "{message}");
                }
                (got, _) => panic!("{text}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn join_keeps_the_base_path() {
        let base = parse_base_url("https://h.example/portal/").unwrap();
        assert_eq!(
            join(&base, "/api/v1/companies").as_str(),
            "https://h.example/portal/api/v1/companies"
        );
        let base = parse_base_url("http://127.0.0.1:9").unwrap();
        assert_eq!(
            join(&base, "/api/v1/companies").as_str(),
            "http://127.0.0.1:9/api/v1/companies"
        );
    }
}
