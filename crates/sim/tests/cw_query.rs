#![allow(clippy::unwrap_used, clippy::expect_used)]
//! ConnectWise simulator over HTTP: conditions, orderBy, page/pageSize with
//! Link headers, forward-only paging, count and search.

mod common;

use bridge_sim::cw;
use common::{status_json, Cw};
use reqwest::Method;
use serde_json::{json, Value};

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn ids(cw: &Cw, path: &str) -> Vec<i64> {
    let (s, body) = status_json(cw.get(path).await).await;
    assert_eq!(s, 200, "{path}: {body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn conditions_filter_every_list() {
    let cw = Cw::demo().await;
    let cases: Vec<(String, Vec<i64>)> = vec![
        (format!("/company/companies?conditions={}", enc("identifier=\"AcmeDental\"")), vec![250]),
        (format!("/company/companies?conditions={}", enc("deletedFlag=false and name like 'N%'")), vec![251]),
        (
            format!("/finance/agreements?conditions={}", enc("company/id=250 and cancelledFlag=false")),
            vec![401, 402],
        ),
        (
            format!(
                "/finance/agreements?conditions={}",
                enc("company/id=252 and type/name like \"%Continuity\" and (endDate=null or endDate>=[2025-01-01T00:00:00Z])")
            ),
            vec![421],
        ),
        (
            format!("/service/boards/1/statuses?conditions={}", enc("closedStatus=true and inactive=false")),
            vec![19, 20],
        ),
        (format!("/service/boards?conditions={}", enc("inactiveFlag=false and projectFlag=false")), vec![1, 2]),
        (format!("/service/priorities?conditions={}", enc("defaultFlag=true")), vec![3]),
    ];
    for (path, want) in cases {
        assert_eq!(ids(&cw, &path).await, want, "{path}");
    }
}

#[tokio::test]
async fn malformed_conditions_and_unknown_fields_are_400() {
    let cw = Cw::demo().await;
    let cases = [
        ("/service/tickets", "summary lik \"x\"", "column"),
        ("/service/tickets", "summary = ", "column"),
        ("/service/tickets", "(id=1", "column"),
        ("/service/tickets", "colour = \"red\"", "colour"),
        ("/service/tickets", "company/city = \"x\"", "company/city"),
        (
            "/company/companies",
            "identifer=\"AcmeDental\"",
            "identifer",
        ),
    ];
    for (path, cond, text) in cases {
        let (s, body) =
            status_json(cw.get(&format!("{path}?conditions={}", enc(cond))).await).await;
        assert_eq!(s, 400, "{cond}");
        assert_eq!(body["code"], "InvalidObject");
        assert!(
            body["message"].as_str().unwrap().contains(text),
            "{cond}: {body}"
        );
    }
    let (s, _) = status_json(
        cw.get(&format!(
            "/service/tickets/count?conditions={}",
            enc("id==")
        ))
        .await,
    )
    .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn page_size_limits() {
    let cw = Cw::demo().await;
    for (query, want) in [
        ("pageSize=1000", 200),
        ("pageSize=1001", 400),
        ("pageSize=0", 400),
        ("pageSize=x", 400),
        ("page=0", 400),
        ("page=99", 200),
    ] {
        let (s, body) = status_json(cw.get(&format!("/company/companies?{query}")).await).await;
        assert_eq!(s, want, "{query}: {body}");
    }
}

async fn seed_tickets(cw: &Cw, n: usize) {
    for i in 0..n {
        cw.create_ticket(&format!("ticket {i:02}")).await;
    }
}

fn rels(link: &str) -> Vec<(String, String)> {
    link.split(", ")
        .map(|part| {
            let (url, rel) = part.split_once("; ").unwrap();
            let url = url.trim_start_matches('<').trim_end_matches('>').to_owned();
            (
                rel.trim_start_matches("rel=\"")
                    .trim_end_matches('"')
                    .to_owned(),
                url,
            )
        })
        .collect()
}

#[tokio::test]
async fn navigable_paging_with_link_header() {
    let cw = Cw::demo().await;
    seed_tickets(&cw, 30).await;

    // Default page size is 25; everything fitting one page has no Link.
    let r = cw.get("/service/tickets").await;
    assert!(r.headers().get("link").is_some());
    let first: Value = r.json().await.unwrap();
    assert_eq!(first.as_array().unwrap().len(), 25);
    let r = cw.get("/service/tickets?pageSize=1000").await;
    assert!(r.headers().get("link").is_none());

    // Walk pages of 7 by following rel="next" (4 full pages + 2).
    let cond = enc("summary like \"ticket%\"");
    let mut url = cw.url(&format!(
        "/service/tickets?conditions={cond}&pageSize=7&orderBy=id%20asc"
    ));
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = cw
            .http
            .get(&url)
            .header("clientId", cw::DEMO_CLIENT_ID)
            .header("Authorization", &cw.auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let link = r
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap();
        let rows: Value = r.json().await.unwrap();
        seen.extend(
            rows.as_array()
                .unwrap()
                .iter()
                .map(|v| v["id"].as_i64().unwrap()),
        );
        pages += 1;
        let rels = rels(&link);
        let names: Vec<&str> = rels.iter().map(|(r, _)| r.as_str()).collect();
        match pages {
            1 => assert_eq!(names, ["next", "last"]),
            5 => assert_eq!(names, ["prev", "first"]),
            _ => assert_eq!(names, ["next", "prev", "first", "last"]),
        }
        for (_, u) in &rels {
            assert!(u.contains("conditions=") && u.contains("pageSize=7"), "{u}");
        }
        match rels.iter().find(|(r, _)| r == "next") {
            Some((_, next)) => url = next.clone(),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 30);
}

#[tokio::test]
async fn order_by() {
    let cw = Cw::demo().await;
    seed_tickets(&cw, 3).await;
    let asc = ids(&cw, "/service/tickets?orderBy=id%20asc").await;
    let desc = ids(&cw, "/service/tickets?orderBy=id%20desc").await;
    assert_eq!(desc, asc.iter().rev().copied().collect::<Vec<_>>());
    let by_name = ids(&cw, "/company/companies?orderBy=name%20desc").await;
    assert_eq!(
        by_name[0],
        cw::DEMO_DELETED_COMPANY_ID,
        "Old Traders Co sorts last by name"
    );
    for bad in ["id%20sideways", "colour%20asc"] {
        assert_eq!(
            cw.get(&format!("/service/tickets?orderBy={bad}"))
                .await
                .status(),
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn forward_only_paging_follows_page_id() {
    let cw = Cw::demo().await;
    seed_tickets(&cw, 23).await;
    let mut url = cw.url("/service/tickets?pageSize=10");
    let mut seen = Vec::new();
    loop {
        let r = cw
            .http
            .get(&url)
            .header("clientId", cw::DEMO_CLIENT_ID)
            .header("Authorization", &cw.auth)
            .header("pagination-type", "forward-only")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let link = r
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned());
        let rows: Vec<Value> = r.json().await.unwrap();
        if rows.is_empty() {
            assert!(link.is_none());
            break;
        }
        let last = rows.last().unwrap()["id"].as_i64().unwrap();
        seen.extend(rows.iter().map(|v| v["id"].as_i64().unwrap()));
        let link = link.expect("forward-only pages always link onwards");
        let rels = rels(&link);
        assert_eq!(rels.len(), 1);
        assert_eq!(rels[0].0, "next");
        assert!(rels[0].1.contains(&format!("pageId={last}")), "{link}");
        url = rels[0].1.clone();
    }
    assert_eq!(seen.len(), 23);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    let r = cw
        .req(Method::GET, "/service/tickets?orderBy=id%20desc")
        .header("pagination-type", "forward-only")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn count_and_search() {
    let cw = Cw::demo().await;
    seed_tickets(&cw, 4).await;
    let xref = "bkp:ticket 02";
    let cond = format!("externalXRef=\"{xref}\" and closedFlag=false");
    let (_, c) = status_json(
        cw.get(&format!("/service/tickets/count?conditions={}", enc(&cond)))
            .await,
    )
    .await;
    assert_eq!(c, json!({"count": 1}));
    let (s, found) = status_json(
        cw.post("/service/tickets/search", &json!({"conditions": cond}))
            .await,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(found[0]["externalXRef"], xref);

    let first = found[0]["id"].as_i64().unwrap();
    cw.sim.set_ticket_status(first, ">Closed").unwrap();
    let (_, c) = status_json(
        cw.get(&format!("/service/tickets/count?conditions={}", enc(&cond)))
            .await,
    )
    .await;
    assert_eq!(c, json!({"count": 0}));
    let (_, all) = status_json(cw.get("/service/tickets/count").await).await;
    assert_eq!(all, json!({"count": 4}));

    let ids_cond = format!("id in ({}, {})", first, first + 1);
    let (_, found) = status_json(
        cw.post(
            "/service/tickets/search",
            &json!({"conditions": ids_cond, "pageSize": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (s, _) = status_json(
        cw.post("/service/tickets/search", &json!({"conditions": "id in ("}))
            .await,
    )
    .await;
    assert_eq!(s, 400);
    let (s, _) = status_json(cw.post("/service/tickets/search", &json!(["nope"])).await).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn lookup_endpoints_by_id_and_404s() {
    let cw = Cw::demo().await;
    let cases = [
        ("/company/companies/250", 200),
        ("/company/companies/9", 404),
        ("/company/companies/abc", 404),
        ("/finance/agreements/401", 200),
        ("/service/boards/1", 200),
        ("/service/boards/77/statuses", 404),
        ("/service/boards/1/statuses/19", 200),
        ("/service/boards/1/statuses/30", 404),
        ("/service/boards/1/types", 200),
        ("/service/boards/1/subtypes", 200),
        ("/service/boards/1/items", 200),
        ("/service/priorities/3", 200),
        ("/service/tickets/1", 404),
    ];
    for (path, want) in cases {
        let (s, body) = status_json(cw.get(path).await).await;
        assert_eq!(s, want, "{path}: {body}");
        if s == 404 {
            assert_eq!(body["code"], "NotFound");
        }
    }
    let (_, st) = status_json(cw.get("/service/boards/1/statuses/19").await).await;
    assert_eq!(st["closedStatus"], true);
    assert_eq!(st["board"]["name"], "Service Desk");
}
