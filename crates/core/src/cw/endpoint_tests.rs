//! Endpoint behaviour against a scripted mock: pagination, condition
//! encoding, URL-length chunking, searches, permissions.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use super::client_tests::{api, api_config, client};
use super::http::MAX_URL_CHARS;
use super::mock::{companyinfo, Mock, Reply, Seen};
use super::*;

/// The decoded value of query parameter `key`.
fn param(seen: &Seen, key: &str) -> Option<String> {
    seen.query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| urlencoding::decode(v).unwrap().into_owned())
    })
}

fn tickets(ids: impl IntoIterator<Item = i64>) -> serde_json::Value {
    json!(ids
        .into_iter()
        .map(|id| json!({"id": id, "summary": "s"}))
        .collect::<Vec<_>>())
}

#[tokio::test]
async fn lists_follow_next_links_until_a_short_page() {
    let mock = Mock::start(|s: &Seen| {
        if s.path.contains("companyinfo") {
            return companyinfo();
        }
        let page: i64 = param(s, "page").and_then(|p| p.parse().ok()).unwrap_or(0);
        let rows = match page {
            1 => tickets([1, 2]),
            2 => tickets([3, 4]),
            3 => tickets([5]),
            _ => tickets([]),
        };
        // A foreign host in the link: only its page number is used.
        let next = format!(
            "<https://elsewhere.example/x?pageSize=2&page={}>; rel=\"next\"",
            page + 1
        );
        Reply::json(200, rows).header("link", &next)
    })
    .await;
    let cw = client(api_config(&mock.base)).with_page_size(2);
    let got: Vec<i64> = cw
        .search_tickets("closedFlag=false")
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(got, vec![1, 2, 3, 4, 5]);
    let pages: Vec<(Option<String>, Option<String>)> = mock
        .seen_on("/apis/")
        .iter()
        .map(|s| (param(s, "page"), param(s, "pageSize")))
        .collect();
    let want: Vec<(Option<String>, Option<String>)> = ["1", "2", "3"]
        .iter()
        .map(|p| (Some(p.to_string()), Some("2".to_string())))
        .collect();
    assert_eq!(pages, want);
    assert!(mock.seen().iter().all(|s| !s.path.contains("elsewhere")));
}

#[tokio::test]
async fn a_full_page_without_next_link_ends_the_list_and_page_ids_are_followed() {
    let mock = Mock::start(|s: &Seen| {
        if s.path.contains("companyinfo") {
            return companyinfo();
        }
        match (s.path.contains("boards"), param(s, "pageId").as_deref()) {
            (true, _) => Reply::json(200, json!([{"id": 1, "name": "B"}, {"id": 2, "name": "A"}])),
            (false, None) => Reply::json(200, tickets([1, 2]))
                .header("link", "</x?pageSize=2&pageId=2>; rel=\"next\""),
            (false, Some("2")) => Reply::json(200, tickets([3]))
                .header("link", "</x?pageSize=2&pageId=3>; rel=\"next\""),
            _ => Reply::text(500, "unexpected page"),
        }
    })
    .await;
    let cw = client(api_config(&mock.base)).with_page_size(2);
    let boards = cw.boards().await.unwrap();
    assert_eq!(
        boards.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        ["A", "B"]
    );
    assert_eq!(mock.seen_on("boards").len(), 1);
    let got: Vec<i64> = cw.notes(7).await.unwrap().iter().map(|n| n.id).collect();
    assert_eq!(got, vec![1, 2, 3]);
}

#[tokio::test]
async fn conditions_are_built_and_encoded() {
    let mock = Mock::start(|s: &Seen| match s.path.as_str() {
        "/login/companyinfo/acme" => companyinfo(),
        p if p.ends_with("/count") => Reply::json(200, json!({"count": 42})),
        p if p.ends_with("company/companies") => Reply::json(
            200,
            json!([{"id": 1, "identifier": "ACMEDENTAL", "name": "x"}, {"id": 2, "identifier": "AcmeDental", "name": "Acme"}]),
        ),
        _ => Reply::json(200, json!([])),
    })
    .await;
    let cw = client(api_config(&mock.base));
    cw.find_tickets_by_xref("bb:50% & +'x\"").await.unwrap();
    let seen = mock.seen().pop().unwrap();
    assert!(
        seen.query.starts_with(
            "conditions=externalXRef%3D%22bb%3A50%25%20%26%20%2B%27x%22&orderBy=id%20asc"
        ),
        "{}",
        seen.query
    );

    let cases = [
        ("", "company/id=250"),
        ("  ", "company/id=250"),
        (
            "name like \"%ICB\"",
            "company/id=250 and (name like \"%ICB\")",
        ),
    ];
    for (condition, want) in cases {
        cw.agreements(250, condition).await.unwrap();
        let seen = mock.seen().pop().unwrap();
        assert_eq!(param(&seen, "conditions").as_deref(), Some(want));
        assert_eq!(param(&seen, "orderBy").as_deref(), Some("id asc"));
    }

    let company = cw
        .company_by_identifier(" AcmeDental ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(company.id, 2, "exact spelling preferred");
    let seen = mock.seen().pop().unwrap();
    assert_eq!(
        param(&seen, "conditions").as_deref(),
        Some("identifier=\"AcmeDental\"")
    );
    let before = mock.seen().len();
    assert_eq!(cw.company_by_identifier("").await.unwrap(), None);
    assert_eq!(
        mock.seen().len(),
        before,
        "no request for an empty identifier"
    );

    cw.search_companies("Dent").await.unwrap();
    let seen = mock.seen().pop().unwrap();
    assert_eq!(
        param(&seen, "conditions").as_deref(),
        Some("name contains \"Dent\" or identifier contains \"Dent\"")
    );

    assert_eq!(cw.count_tickets("closedFlag=false").await.unwrap(), 42);
    let seen = mock.seen().pop().unwrap();
    assert_eq!(
        param(&seen, "conditions").as_deref(),
        Some("closedFlag=false")
    );
}

#[tokio::test]
async fn long_filters_are_chunked_or_searched_by_post() {
    let mock = Mock::start(|s: &Seen| match s.path.as_str() {
        "/login/companyinfo/acme" => companyinfo(),
        _ => Reply::json(200, json!([])),
    })
    .await;
    let cw = client(api_config(&mock.base));
    let ids: Vec<i64> = (0..700).map(|i| 1_000_000 + i * 7).collect();
    let mut shuffled = ids.clone();
    shuffled.reverse();
    shuffled.push(ids[0]);
    cw.tickets_by_ids(&shuffled).await.unwrap();
    let requests = mock.seen_on("service/tickets");
    assert!(requests.len() > 1, "700 ids need several requests");
    let mut requested = Vec::new();
    for seen in &requests {
        let url_len = mock.base.len() + seen.path.len() + 1 + seen.query.len();
        assert!(url_len <= MAX_URL_CHARS, "{url_len}");
        let cond = param(seen, "conditions").unwrap();
        let list = cond
            .strip_prefix("id in (")
            .unwrap()
            .strip_suffix(')')
            .unwrap();
        requested.extend(list.split(',').map(|n| n.parse::<i64>().unwrap()));
    }
    assert_eq!(requested, ids, "every id once, in order");
    assert!(cw.tickets_by_ids(&[]).await.unwrap().is_empty());

    let long = format!("summary contains \"{}\"", "x".repeat(2100));
    cw.search_tickets(&long).await.unwrap();
    let seen = mock.seen().pop().unwrap();
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", api("service/tickets/search").as_str())
    );
    let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(body["conditions"], json!(long));
    assert_eq!(param(&seen, "page").as_deref(), Some("1"));
}

#[tokio::test]
async fn ticket_writes_send_clean_bodies() {
    let mock = Mock::start(|s: &Seen| match (s.method.as_str(), s.path.as_str()) {
        (_, "/login/companyinfo/acme") => companyinfo(),
        ("DELETE", _) => Reply::text(204, ""),
        ("POST", p) if p.ends_with("/notes") => Reply::json(
            201,
            json!({"id": 3, "ticketId": 5, "text": "n", "resolutionFlag": true}),
        ),
        _ => Reply::json(200, json!({"id": 5, "summary": "s"})),
    })
    .await;
    let cw = client(api_config(&mock.base));
    let long = format!("{} tail", "word ".repeat(40));
    cw.patch_ticket(
        5,
        &[
            PatchOp::replace("summary", json!(long)),
            PatchOp::replace("status", json!({"id": 7})),
        ],
    )
    .await
    .unwrap();
    let seen = mock.seen().pop().unwrap();
    assert_eq!(seen.method, "PATCH");
    let ops: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(ops[0]["value"].as_str().unwrap().chars().count(), 100);
    assert_eq!(
        ops[1],
        json!({"op": "replace", "path": "status", "value": {"id": 7}})
    );

    let note = cw.add_note(5, &NewNote::resolution("done")).await.unwrap();
    assert!(note.resolution_flag);
    let body: serde_json::Value = serde_json::from_str(&mock.seen().pop().unwrap().body).unwrap();
    assert_eq!(body["processNotifications"], json!(false));
    cw.delete_ticket(5).await.unwrap();
    assert_eq!(mock.seen().pop().unwrap().path, api("service/tickets/5"));
}

#[tokio::test]
async fn board_children_hide_inactive_entries() {
    let mock = Mock::start(|s: &Seen| match s.path.as_str() {
        "/login/companyinfo/acme" => companyinfo(),
        _ => Reply::json(
            200,
            json!([{"id": 2, "name": "b", "inactiveFlag": true}, {"id": 1, "name": "a"}]),
        ),
    })
    .await;
    let cw = client(api_config(&mock.base));
    for list in [
        cw.board_types(1).await,
        cw.board_subtypes(1).await,
        cw.board_items(1).await,
    ] {
        assert_eq!(
            list.unwrap(),
            vec![NamedRef {
                id: 1,
                name: "a".into()
            }]
        );
    }
    let paths: Vec<String> = mock.seen_on("/apis/").into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        ["types", "subtypes", "items"].map(|k| api(&format!("service/boards/1/{k}")))
    );
}

#[tokio::test]
async fn permission_check_lists_missing_rights() {
    let calls = AtomicUsize::new(0);
    let mock = Mock::start(move |s: &Seen| {
        calls.fetch_add(1, Ordering::SeqCst);
        let forbidden = Reply::json(403, json!({"code": "Forbidden", "message": "no"}));
        match (
            s.method.as_str(),
            s.path.trim_start_matches("/v2025_1/apis/3.0/"),
        ) {
            (_, "/login/companyinfo/acme") => companyinfo(),
            ("GET", "company/companies") => forbidden,
            ("GET", "service/boards") => Reply::json(200, json!([{"id": 4, "name": "SD"}])),
            ("GET", "service/boards/4/statuses") => forbidden,
            ("GET", _) => Reply::json(200, json!([])),
            ("POST", "service/tickets") => Reply::json(
                400,
                json!({"code": "InvalidObject", "message": "summary is required"}),
            ),
            ("PATCH", "service/tickets/0") => Reply::json(
                404,
                json!({"code": "NotFound", "message": "Ticket 0 not found"}),
            ),
            ("POST", "service/tickets/0/notes") => forbidden,
            _ => Reply::text(500, "unexpected"),
        }
    })
    .await;
    let report = client(api_config(&mock.base))
        .check_permissions()
        .await
        .unwrap();
    let rights: Vec<&str> = report.missing.iter().map(|m| m.right.as_str()).collect();
    assert_eq!(
        rights,
        [
            "read companies",
            "read board statuses",
            "add notes to tickets"
        ]
    );
    assert_eq!(
        report.missing[0].hint,
        "System › Security Roles › the API member's security role › Companies › Company Maintenance: Inquire"
    );
    assert!(!report.is_complete());

    let denied = Mock::start(|s: &Seen| {
        if s.path.contains("companyinfo") {
            companyinfo()
        } else {
            Reply::json(401, json!({"code": "Unauthorized"}))
        }
    })
    .await;
    let err = client(api_config(&denied.base))
        .check_permissions()
        .await
        .unwrap_err();
    assert!(matches!(err, CwError::Auth { .. }));
}

/// REGRESSION: one ticket with `"summary": null, "closedFlag": null` in a
/// batched `id in (…)` lookup failed the whole lookup (rule 8's ticket
/// states), and through it the cycle.
#[tokio::test]
async fn a_batched_lookup_reads_a_ticket_with_null_fields() {
    let mock = Mock::start(|s: &Seen| match s.path.as_str() {
        "/login/companyinfo/acme" => companyinfo(),
        _ => Reply::json(
            200,
            json!([
                {"id": 5, "summary": "s", "closedFlag": true},
                {"id": 6, "summary": null, "closedFlag": null, "status": {"id": 1, "name": null}},
            ]),
        ),
    })
    .await;
    let cw = client(api_config(&mock.base));
    let found = cw.tickets_by_ids(&[5, 6]).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(found[0].closed_flag);
    assert!(!found[1].closed_flag && found[1].summary.is_empty());
}
