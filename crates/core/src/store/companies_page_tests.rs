//! The paged company list: pages cover every row once, in order; search words
//! and `is:` flags select what the screen's old in-page filter selected;
//! counts; the page limit; the index.

use super::*;
use crate::model::{BackupCompany, Override, TypeFilter};
use crate::store::companies::{refresh, set_last_status, set_mapping, LastStatus, Mapping};

/// Companies in the seeded store.
const COMPANIES: usize = 640;

/// 640 companies: names that repeat in other cases (so the order's ties
/// fall on page edges), names with `%`, `_` and `\`, a third mapped (some
/// with overrides), statuses ok and failed, and the last 40 gone.
fn seeded() -> Store {
    let store = Store::open_in_memory().unwrap();
    let name = |i: usize| match i % 10 {
        0 => format!("Acme Dental {:03}", i / 10),
        1 => format!("ACME DENTAL {:03}", i / 10),
        2 => "Northwind Law".to_owned(),
        3 => format!("Contoso 50% Off {i}"),
        4 => format!("fabrikam_{i}"),
        5 => format!("Back\\slash {i}"),
        6 => format!("Blue Yonder Airlines {i}"),
        7 => format!("tailspin toys {i}"),
        8 => format!("Wide World Importers {i}"),
        _ => format!("Zava {i}"),
    };
    let all: Vec<BackupCompany> = (0..COMPANIES)
        .map(|i| BackupCompany {
            id: format!("c-{i:04}"),
            name: name(i),
        })
        .collect();
    refresh(&store, &all).unwrap();
    // The last 40 leave the source's list.
    refresh(&store, &all[..COMPANIES - 40]).unwrap();
    for i in (0..COMPANIES).filter(|i| i % 3 == 0) {
        let id = format!("c-{i:04}");
        let mapping = Mapping {
            cw_identifier: format!("CW{i}"),
            cw_company_id: 9000 + i as i64,
            cw_company_name: format!("ConnectWise Name {i}"),
            event_types: if i % 9 == 0 {
                Override::Explicit(TypeFilter::Only(vec!["Error".to_owned()]))
            } else {
                Override::Default
            },
            backup_types: Override::Default,
            agreement_condition: if i % 15 == 0 {
                Override::Explicit("name like \"%ICB\"".to_owned())
            } else {
                Override::Default
            },
        };
        set_mapping(&store, &id, &mapping).unwrap();
        match i % 4 {
            0 => set_last_status(&store, &id, &LastStatus::ok_now("")).unwrap(),
            1 => set_last_status(
                &store,
                &id,
                &LastStatus::error_now("no agreement matches the condition"),
            )
            .unwrap(),
            _ => {}
        }
    }
    store
}

/// What the screen's in-page filter matched (ui/src/filter.ts before paging).
fn reference(c: &CompanyRow, search: &CompanySearch) -> bool {
    let text = [
        c.name.clone(),
        c.id.clone(),
        c.cw_identifier.clone().unwrap_or_default(),
        c.cw_company_name.clone().unwrap_or_default(),
        c.cw_company_id.map(|n| n.to_string()).unwrap_or_default(),
        match &c.agreement_condition {
            Override::Default => String::new(),
            Override::Explicit(t) => t.clone(),
        },
        c.last_status
            .as_ref()
            .map(|s| s.message.clone())
            .unwrap_or_default(),
    ]
    .join("\n")
    .to_lowercase();
    let flag = |f: &CompanyFlag| match f {
        CompanyFlag::Mapped => c.cw_company_id.is_some(),
        CompanyFlag::Unmapped => c.cw_company_id.is_none(),
        CompanyFlag::Error => c.last_status.as_ref().is_some_and(|s| !s.ok),
        CompanyFlag::Ok => c.last_status.as_ref().is_some_and(|s| s.ok),
        CompanyFlag::Override => {
            c.event_types != Override::Default
                || c.backup_types != Override::Default
                || c.agreement_condition != Override::Default
        }
        CompanyFlag::Gone => !c.present,
    };
    search.words.iter().all(|w| text.contains(w.as_str())) && search.flags.iter().all(flag)
}

/// Every page of `search`, `limit` rows at a time, joined.
fn all_pages(store: &Store, search: &CompanySearch, limit: u32) -> (Vec<CompanyRow>, usize) {
    let mut rows = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let got = page(store, search, after.as_ref(), limit).unwrap();
        pages += 1;
        assert!(got.rows.len() <= limit as usize);
        rows.extend(got.rows);
        match got.next {
            Some(next) => after = Some(next),
            None => return (rows, pages),
        }
        assert!(pages <= COMPANIES + 1, "paging does not end");
    }
}

#[test]
fn pages_cover_every_company_once_in_name_order() {
    let store = seeded();
    let everyone = super::super::list(&store).unwrap();
    assert_eq!(everyone.len(), COMPANIES);
    for limit in [1, 7, 100, 500] {
        let (rows, pages) = all_pages(&store, &CompanySearch::default(), limit);
        assert_eq!(rows, everyone, "limit {limit}");
        assert_eq!(pages, COMPANIES.div_ceil(limit as usize), "limit {limit}");
    }
}

#[test]
fn a_full_last_page_says_no_more_follow() {
    let store = seeded();
    let all = CompanySearch::default();
    let first = page(&store, &all, None, 320).unwrap();
    let second = page(&store, &all, first.next.as_ref(), 320).unwrap();
    assert_eq!(second.rows.len(), 320);
    assert_eq!(second.next, None);
}

#[test]
fn search_and_flags_select_what_the_old_filter_did() {
    let store = seeded();
    let everyone = super::super::list(&store).unwrap();
    let cases = [
        "",
        "acme",
        "ACME dental 01",
        "northwind",
        "is:mapped",
        "is:unmapped",
        "is:error",
        "is:failing",
        "is:ok",
        "is:override",
        "is:custom is:ok",
        "is:gone",
        "is:gone is:mapped",
        "dental is:mapped is:error",
        "50%",
        "%",
        "_",
        "fabrikam_1",
        "\\",
        "back\\slash 15",
        "cw12",
        "connectwise name 3",
        "9003",
        "icb",
        "no agreement",
        "\"dental 01\"",
        "\"wide world",
        "c-000",
        "nothing matches this",
    ];
    for text in cases {
        let search = CompanySearch::parse(text);
        let expected: Vec<&CompanyRow> =
            everyone.iter().filter(|c| reference(c, &search)).collect();
        let (rows, _) = all_pages(&store, &search, 50);
        assert_eq!(rows.iter().collect::<Vec<_>>(), expected, "search {text:?}");
        let first = page(&store, &search, None, 50).unwrap();
        assert_eq!(first.matched, expected.len() as u64, "matched for {text:?}");
        assert_eq!(first.total, COMPANIES as u64, "total for {text:?}");
    }
}

#[test]
fn like_wildcards_in_a_search_are_taken_literally() {
    let store = seeded();
    // Only the "Contoso 50% Off" names and the `%ICB` conditions hold a
    // `%`; only the "fabrikam_" names an `_`.
    let percent = page(&store, &CompanySearch::parse("%"), None, 500).unwrap();
    let conditions = (0..COMPANIES).filter(|i| i % 15 == 0).count();
    assert_eq!(percent.matched, (COMPANIES / 10 + conditions) as u64);
    assert!(percent.rows.iter().all(|c| c.name.contains('%')
        || matches!(&c.agreement_condition, Override::Explicit(t) if t.contains('%'))));
    let underscore = page(&store, &CompanySearch::parse("_"), None, 500).unwrap();
    assert_eq!(underscore.matched, (COMPANIES / 10) as u64);
    assert!(underscore.rows.iter().all(|c| c.name.contains('_')));
    assert_eq!(like_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
}

#[test]
fn the_page_limit_is_clamped() {
    let store = seeded();
    let all = CompanySearch::default();
    assert_eq!(page(&store, &all, None, 0).unwrap().rows.len(), 1);
    let big = page(&store, &all, None, 10_000).unwrap();
    assert_eq!(big.rows.len(), PAGE_LIMIT_MAX as usize);
    assert!(big.next.is_some());
}

#[test]
fn an_empty_store_has_one_empty_page() {
    let store = Store::open_in_memory().unwrap();
    let got = page(&store, &CompanySearch::parse("is:mapped"), None, 100).unwrap();
    assert_eq!(
        (got.rows.len(), got.next, got.matched, got.total),
        (0, None, 0, 0)
    );
}

#[test]
fn a_page_after_a_vanished_cursor_starts_where_it_would_have() {
    // A cursor names a row, but paging needs only its place in the order.
    let store = seeded();
    let cursor = CompanyCursor {
        name: "northwind law".to_owned(),
        id: "c-9999".to_owned(),
    };
    let got = page(&store, &CompanySearch::default(), Some(&cursor), 5).unwrap();
    assert!(got
        .rows
        .iter()
        .all(|c| c.name.to_lowercase().as_str() > "northwind law"));
    assert!(
        got.rows[0].name.starts_with("tailspin"),
        "{:?}",
        got.rows[0]
    );
}

#[test]
fn the_search_text_parses_as_the_screen_did() {
    let parsed = CompanySearch::parse(
        "  Acme \"Dental Ltd\" is:ERRORS is:failing is:nope \"is:gone\" \"open",
    );
    assert_eq!(parsed.words, ["acme", "dental ltd", "is:gone", "open"]);
    assert_eq!(parsed.flags, [CompanyFlag::Error]);
    assert_eq!(parsed.unknown, ["is:nope"]);
    assert_eq!(CompanySearch::parse("   "), CompanySearch::default());
    assert_eq!(CompanySearch::parse("\"\" a").words, ["a"]);
}

#[test]
fn the_order_is_read_from_the_name_index() {
    let store = seeded();
    let plan: Vec<String> = store
        .with_conn(|c| {
            let mut stmt = c.prepare(
                "EXPLAIN QUERY PLAN SELECT id FROM companies WHERE present = 1 \
                 AND (name > 'm' COLLATE NOCASE OR (name = 'm' COLLATE NOCASE AND id > 'c')) \
                 ORDER BY name COLLATE NOCASE, id LIMIT 101",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
            rows.collect()
        })
        .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("companies_by_name"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}
