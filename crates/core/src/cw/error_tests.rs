//! Tests of the status/body -> `CwError` mapping.

use super::*;
use reqwest::header::HeaderValue;
use serde_json::json;

fn ctx<'a>(
    method: &'a Method,
    path: &'a str,
    purpose: Purpose,
    member: Option<&'a str>,
) -> Ctx<'a> {
    Ctx {
        method,
        path,
        purpose,
        member,
        site: "cw.example.com",
        company: "acme",
    }
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

/// (status, method, path, body, headers, expected error)
type Case<'a> = (
    u16,
    &'a Method,
    &'a str,
    String,
    Vec<(&'static str, &'a str)>,
    CwError,
);

#[test]
fn statuses_map_to_variants() {
    let get = Method::GET;
    let post = Method::POST;
    let invalid = json!({"code":"InvalidObject","message":"ticket object is invalid",
        "errors":[{"code":"MissingRequiredField","message":"summary is required.","resource":"ticket","field":"summary"}]})
    .to_string();
    let cases: Vec<Case> = vec![
        (
            401,
            &get,
            "system/info",
            json!({"code":"Unauthorized","message":"x"}).to_string(),
            vec![],
            CwError::Auth {
                message: "ConnectWise rejected the API keys for company \"acme\" (401) — check the Company, public key, private key and clientId in Setup.".into(),
            },
        ),
        (
            403,
            &post,
            "service/tickets",
            String::new(),
            vec![],
            CwError::Forbidden {
                permission: "Service Desk › Service Tickets: Add".into(),
                message: "ConnectWise refused POST /service/tickets (403) because the security role lacks \"Service Desk › Service Tickets: Add\" — grant it under System › Security Roles.".into(),
            },
        ),
        (
            404,
            &get,
            "service/tickets/1255787",
            json!({"code":"NotFound","message":"Ticket 1255787 not found"}).to_string(),
            vec![],
            CwError::NotFound {
                message: "ConnectWise could not find /service/tickets/1255787 (Ticket 1255787 not found) — it may have been deleted in ConnectWise.".into(),
            },
        ),
        (
            400,
            &post,
            "service/tickets",
            invalid.clone(),
            vec![],
            CwError::Validation {
                field: Some("summary".into()),
                message: "ConnectWise rejected the request (400: ticket object is invalid; summary: summary is required.) — correct \"summary\" and try again.".into(),
            },
        ),
        (
            409,
            &post,
            "company/companies",
            json!({"code":"ObjectExists","message":"record in use","errors":null}).to_string(),
            vec![],
            CwError::Validation {
                field: None,
                message: "ConnectWise rejected the request (409: record in use) — correct the request and try again.".into(),
            },
        ),
        (
            422,
            &post,
            "service/tickets",
            "plain words".into(),
            vec![],
            CwError::Validation {
                field: None,
                message: "ConnectWise rejected the request (422: HTTP 422) — correct the request and try again.".into(),
            },
        ),
        (
            429,
            &get,
            "service/tickets",
            json!({"error":"ConnectWiseAPI","message":"Too many requests. Please try again in 30 seconds."}).to_string(),
            vec![("retry-after", "30")],
            CwError::RateLimited {
                retry_after: Some(Duration::from_secs(30)),
            },
        ),
        (
            429,
            &get,
            "service/tickets",
            String::new(),
            vec![],
            CwError::RateLimited { retry_after: None },
        ),
        (
            500,
            &get,
            "service/tickets",
            json!({"code":"ConnectWiseApi","message":"The operation has timed out"}).to_string(),
            vec![],
            CwError::Server {
                status: 500,
                message: "ConnectWise had an internal error (500: The operation has timed out) — the app will retry; if it persists, check ConnectWise's status.".into(),
            },
        ),
        (
            503,
            &get,
            "service/tickets",
            "<html><body>Service Unavailable</body></html>".into(),
            vec![],
            CwError::Server {
                status: 503,
                message: "ConnectWise had an internal error (503: an HTML page) — the app will retry; if it persists, check ConnectWise's status.".into(),
            },
        ),
        (
            302,
            &get,
            "service/tickets",
            String::new(),
            vec![("location", "https://login.example.com/")],
            CwError::Config(
                "ConnectWise at cw.example.com redirected the request to https://login.example.com/ — check the Site (enter the address ConnectWise gave you for the API).".into(),
            ),
        ),
    ];
    for (status, method, path, body, hdrs, want) in cases {
        let got = from_response(
            status,
            &headers(&hdrs),
            body.as_bytes(),
            &ctx(method, path, Purpose::Api, None),
        );
        assert_eq!(got, want, "status {status} {path}");
    }
}

#[test]
fn security_answer_points_at_https() {
    let body = json!({"code":"Security","message":"SSL is required.","errors":null}).to_string();
    let got = from_response(
        400,
        &HeaderMap::new(),
        body.as_bytes(),
        &ctx(&Method::GET, "system/info", Purpose::Api, None),
    );
    assert!(
        matches!(&got, CwError::Validation { message, .. } if message.contains("https")),
        "{got:?}"
    );
}

#[test]
fn auth_messages_name_the_right_setting() {
    let cases = [
        (
            Purpose::MintToken,
            Some("jdoe"),
            "integrator username, password",
        ),
        (Purpose::Api, Some("jdoe"), "impersonated member \"jdoe\""),
        (Purpose::Api, None, "public key, private key"),
    ];
    for (purpose, member, needle) in cases {
        let got = from_response(
            401,
            &HeaderMap::new(),
            b"",
            &ctx(&Method::GET, "x", purpose, member),
        );
        assert!(got.to_string().contains(needle), "{got}");
    }
    let got = from_response(
        404,
        &HeaderMap::new(),
        br#"{"code":"NotFound","message":"Member not found"}"#,
        &ctx(
            &Method::POST,
            "system/members/ghost/tokens",
            Purpose::MintToken,
            Some("ghost"),
        ),
    );
    assert!(
        matches!(&got, CwError::Auth { message } if message.contains("\"ghost\"")),
        "{got:?}"
    );
}

#[test]
fn classification() {
    let cases = [
        (
            CwError::Auth {
                message: String::new(),
            },
            false,
            false,
        ),
        (
            CwError::Forbidden {
                permission: String::new(),
                message: String::new(),
            },
            false,
            false,
        ),
        // Rule 13: a 404 or a 5xx on a write may mean it landed.
        (
            CwError::NotFound {
                message: String::new(),
            },
            false,
            true,
        ),
        (
            CwError::Validation {
                field: None,
                message: String::new(),
            },
            false,
            false,
        ),
        (CwError::RateLimited { retry_after: None }, true, false),
        (
            CwError::Server {
                status: 502,
                message: String::new(),
            },
            true,
            true,
        ),
        (CwError::Network(String::new()), true, true),
        (CwError::Unreachable(String::new()), true, false),
        (CwError::Timeout, true, true),
        (CwError::UnknownCompany(String::new()), false, false),
        (CwError::Decode(String::new()), false, true),
        (CwError::Config(String::new()), false, false),
    ];
    for (err, retryable, committed) in cases {
        assert_eq!(err.is_retryable(), retryable, "{err:?}");
        assert_eq!(err.may_have_committed(), committed, "{err:?}");
    }
}

#[test]
fn permissions_follow_the_endpoint() {
    let cases = [
        (
            Method::GET,
            "company/companies",
            "Companies › Company Maintenance: Inquire",
        ),
        (
            Method::GET,
            "finance/agreements",
            "Finance › Agreements: Inquire",
        ),
        (
            Method::GET,
            "service/boards/1/statuses",
            "System › Table Setup: Inquire",
        ),
        (
            Method::GET,
            "service/priorities",
            "System › Table Setup: Inquire",
        ),
        (
            Method::GET,
            "service/tickets",
            "Service Desk › Service Tickets: Inquire",
        ),
        (
            Method::POST,
            "service/tickets/search",
            "Service Desk › Service Tickets: Inquire",
        ),
        (
            Method::GET,
            "service/tickets/count",
            "Service Desk › Service Tickets: Inquire",
        ),
        (
            Method::POST,
            "service/tickets",
            "Service Desk › Service Tickets: Add",
        ),
        (
            Method::PATCH,
            "service/tickets/5",
            "Service Desk › Service Tickets: Edit",
        ),
        (
            Method::DELETE,
            "service/tickets/5",
            "Service Desk › Service Tickets: Delete",
        ),
        (
            Method::POST,
            "service/tickets/5/notes",
            "Service Desk › Service Tickets: Edit",
        ),
        (
            Method::GET,
            "service/tickets/5/notes",
            "Service Desk › Service Tickets: Inquire",
        ),
        (
            Method::GET,
            "system/info",
            "the API member's security role for this request",
        ),
    ];
    for (method, path, want) in cases {
        assert_eq!(permission_for(&method, path), want, "{method} {path}");
    }
}

#[test]
fn decode_explains_html_and_bad_json() {
    let c = ctx(&Method::GET, "service/tickets", Purpose::Api, None);
    let html =
        decode::<Vec<i64>>(b"  <!DOCTYPE html><html>login</html>", "ticket list", &c).unwrap_err();
    assert_eq!(
        html,
        CwError::Decode(
            "ConnectWise answered with HTML instead of JSON — check the Site (cw.example.com)."
                .into()
        )
    );
    let bad = decode::<Vec<i64>>(br#"{"not":"a list"}"#, "ticket list", &c).unwrap_err();
    assert!(
        matches!(&bad, CwError::Decode(m) if m.starts_with("The ticket list ConnectWise sent could not be read")),
        "{bad:?}"
    );
}

#[test]
fn retry_after_accepts_seconds_and_dates() {
    assert_eq!(
        retry_after(&headers(&[("retry-after", " 7 ")])),
        Some(Duration::from_secs(7))
    );
    assert_eq!(
        retry_after(&headers(&[(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT"
        )])),
        Some(Duration::ZERO)
    );
    assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
}

/// REGRESSION: a huge `Retry-After` (seconds beyond `u64`, or a date far
/// ahead) was taken as given, so a 429 could ask the client to wait for
/// centuries; it is now clamped to an hour.
#[test]
fn retry_after_is_clamped_to_an_hour() {
    for value in [
        "99999999999999999999",
        "1e20",
        "86400",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        assert_eq!(
            retry_after(&headers(&[("retry-after", value)])),
            Some(crate::net::MAX_RETRY_AFTER),
            "{value}"
        );
    }
    let throttled = CwError::RateLimited {
        retry_after: retry_after(&headers(&[("retry-after", "1e20")])),
    };
    assert!(throttled.to_string().contains("wait 3600 s"), "{throttled}");
}
