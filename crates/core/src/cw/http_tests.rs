//! Tests of URL building, `Link` parsing and backoff.

use super::*;

/// (header value, expected (target, rels) pairs)
type Case<'a> = (&'a str, Vec<(&'a str, Vec<&'a str>)>);

#[test]
fn link_headers_are_parsed() {
    let cases: Vec<Case> = vec![
        (
            r#"<https://h/v4_6_release/apis/3.0/company/companies?pageSize=50&page=2>; rel="next", <https://h/x?page=4>; rel="last""#,
            vec![
                (
                    "https://h/v4_6_release/apis/3.0/company/companies?pageSize=50&page=2",
                    vec!["next"],
                ),
                ("https://h/x?page=4", vec!["last"]),
            ],
        ),
        (
            r#"<https://h/a?conditions=id in (1,2)&page=3>; rel="next"; title="a, b", <https://h/a?page=1>; rel=first"#,
            vec![
                ("https://h/a?conditions=id in (1,2)&page=3", vec!["next"]),
                ("https://h/a?page=1", vec!["first"]),
            ],
        ),
        (
            r#"<https://h/a?page=2>; REL="prev next""#,
            vec![("https://h/a?page=2", vec!["prev", "next"])],
        ),
        ("", vec![]),
        ("garbage without brackets", vec![]),
    ];
    for (input, want) in cases {
        let got = parse_link_header(input);
        let want: Vec<(String, Vec<String>)> = want
            .into_iter()
            .map(|(u, r)| (u.to_string(), r.into_iter().map(str::to_string).collect()))
            .collect();
        assert_eq!(got, want, "{input}");
    }
}

#[test]
fn next_link_searches_every_link_header() {
    let mut headers = HeaderMap::new();
    headers.append(
        LINK,
        r#"<https://h/a?page=1>; rel="first""#.parse().unwrap(),
    );
    headers.append(LINK, r#"<https://h/a?page=3>; rel="next""#.parse().unwrap());
    assert_eq!(next_link(&headers).as_deref(), Some("https://h/a?page=3"));
    let mut last_page = HeaderMap::new();
    last_page.append(
        LINK,
        r#"<https://h/a?page=1>; rel="first", <https://h/a?page=2>; rel="prev""#
            .parse()
            .unwrap(),
    );
    assert_eq!(next_link(&last_page), None);
}

#[test]
fn page_params_come_from_the_link() {
    let cases = [
        ("https://h/a?pageSize=50&page=2", (Some(2), None)),
        (
            "/v4_6_release/apis/3.0/service/tickets?page=7",
            (Some(7), None),
        ),
        (
            "https://h/a?pageSize=999&pageId=1234",
            (None, Some("1234".to_string())),
        ),
        ("https://h/a?pageSize=50", (None, None)),
    ];
    for (link, want) in cases {
        assert_eq!(page_params(link), want, "{link}");
    }
}

#[test]
fn query_values_are_fully_encoded() {
    let req = Request::get("service/tickets")
        .query("conditions", r#"summary like "50%+ & more" and x='y'*"#)
        .query("orderBy", "id asc");
    assert_eq!(
        req.path_and_query(),
        "service/tickets?conditions=summary%20like%20%2250%25%2B%20%26%20more%22%20and%20x%3D%27y%27%2A&orderBy=id%20asc"
    );
    assert_eq!(Request::get("system/info").path_and_query(), "system/info");
}

#[test]
fn requests_default_to_idempotent_except_post() {
    let cases = [
        (Method::GET, true),
        (Method::PATCH, true),
        (Method::DELETE, true),
        (Method::POST, false),
    ];
    for (method, idempotent) in cases {
        assert_eq!(
            Request::new(method.clone(), "x").idempotent,
            idempotent,
            "{method}"
        );
    }
}

#[test]
fn backoff_is_jittered_capped_and_honours_retry_after() {
    let tuning = Tuning {
        backoff_base: Duration::from_millis(100),
        max_wait: Duration::from_secs(1),
        page_size: 1000,
        max_body_bytes: crate::net::MAX_BODY_BYTES,
    };
    let server = CwError::Server {
        status: 503,
        message: String::new(),
    };
    for (attempt, full_ms) in [
        (0u32, 100u64),
        (1, 200),
        (2, 400),
        (3, 800),
        (4, 1000),
        (30, 1000),
    ] {
        for _ in 0..20 {
            let wait = tuning.wait(&server, attempt).as_millis() as u64;
            assert!(
                wait >= full_ms - full_ms / 2 && wait <= full_ms,
                "attempt {attempt}: {wait}"
            );
        }
    }
    let limited = |secs| CwError::RateLimited {
        retry_after: Some(Duration::from_secs(secs)),
    };
    assert_eq!(tuning.wait(&limited(0), 0), Duration::ZERO);
    assert_eq!(tuning.wait(&limited(30), 0), Duration::from_secs(1));
}
