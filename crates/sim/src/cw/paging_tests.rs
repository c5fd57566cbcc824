//! Tests of the simulated paging: `orderBy` parsing, parameter names, null ordering and search bodies.

use super::*;
use crate::cw::fields;
use serde_json::json;

fn params(query: &str) -> ListParams {
    ListParams::from_request(Some(query), &HeaderMap::new())
}

#[test]
fn order_by_parses_keys_and_directions() {
    let keys = parse_order_by("company/name desc, id", &fields::TICKET).unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].path, ["company", "name"]);
    assert!(keys[0].descending && !keys[1].descending);
    for bad in ["id up", "id asc desc", "", "nosuch asc"] {
        assert!(parse_order_by(bad, &fields::TICKET).is_err(), "{bad:?}");
    }
}

#[test]
fn parameter_names_are_case_insensitive_and_links_keep_other_parameters() {
    let p = params("PAGESIZE=2&conditions=id%3E0&page=2&fields=id");
    let items: Vec<Value> = (1..=5).map(|i| json!({"id": i})).collect();
    let page = paginate(items, &p, &fields::TICKET, "http://h/x").unwrap();
    let ids: Vec<i64> = page.items.iter().map(id_of).collect();
    assert_eq!(ids, [3, 4]);
    let link = page.link.unwrap();
    assert!(
        link.contains("<http://h/x?PAGESIZE=2&conditions=id%3E0&fields=id&page=3>; rel=\"next\""),
        "{link}"
    );
    assert!(link.ends_with("rel=\"last\""), "{link}");
}

#[test]
fn nulls_sort_first() {
    let p = params("orderBy=closedDate%20asc");
    let items = vec![
        json!({"id": 1, "closedDate": "2025-01-02T00:00:00Z"}),
        json!({"id": 2}),
        json!({"id": 3, "closedDate": "2025-01-01T00:00:00Z"}),
    ];
    let page = paginate(items, &p, &fields::TICKET, "http://h/x").unwrap();
    let ids: Vec<i64> = page.items.iter().map(id_of).collect();
    assert_eq!(ids, [2, 3, 1]);
}

#[test]
fn search_body_overrides_the_query_string() {
    let mut p = params("conditions=id%3D1&pageSize=5");
    p.merge_search_body(&json!({"conditions": "id=2", "pageSize": 3}))
        .unwrap();
    assert_eq!(p.conditions.as_deref(), Some("id=2"));
    assert_eq!(p.page_size().unwrap(), 3);
    assert!(p.merge_search_body(&json!({"conditions": ["x"]})).is_err());
}
