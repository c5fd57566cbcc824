//! The Activity list's reads against a ledger of a thousand rows: pages
//! cover every row once in order, filters, search and the kept-history
//! bound agree with the counts, refreshes see exactly the rows written
//! since, and the queries walk the indexes of migration 011.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::*;
use crate::store::ledger::{put, set_error, TicketState};
use crate::store::Store;

const ROWS: usize = 1_050;
/// Rows last changed before it are "old".
const CUTOFF: &str = "2026-09-01T00:00:00Z";

fn at(i: usize) -> String {
    // Distinct minutes, several rows sharing some (the cursor's tie-break).
    let minute = i / 3;
    let day = 1 + minute / (24 * 60) % 28;
    let month = 6 + minute / (24 * 60 * 28);
    format!(
        "2026-{month:02}-{day:02}T{:02}:{:02}:00Z",
        minute / 60 % 24,
        minute % 60
    )
}

fn entry(i: usize) -> LedgerEntry {
    let state = match i % 4 {
        0 | 1 => TicketState::Open,
        2 => TicketState::Closed,
        _ => TicketState::Removed,
    };
    LedgerEntry {
        event_id: format!("ev-{i:05}"),
        company_id: format!("co-{}", i % 7),
        ticket_id: 10_000 + i as i64,
        state,
        anomaly: false,
        event_type: "Error".into(),
        job_status: "Failed".into(),
        message: if i.is_multiple_of(50) {
            "disk 100% full".into()
        } else {
            "failed".into()
        },
        summary: format!("Error: PC-{i:05} - Nightly"),
        priority: None,
        content_hash: "h".into(),
        pushed_details: BTreeSet::new(),
        last_action: None,
        last_error: i
            .is_multiple_of(10)
            .then(|| "ConnectWise answered 500".to_owned()),
        updated_at: at(i),
        source: "dashboard".into(),
        snoozed: None,
        flap: None,
    }
}

fn ledger() -> Store {
    let store = Store::open_in_memory().unwrap();
    store
        .with_conn(|c| {
            let tx = c.unchecked_transaction()?;
            for n in 0..7 {
                tx.execute(
                    "INSERT INTO companies (id, name, first_seen_at, updated_at) \
                     VALUES (?1, ?2, 't', 't')",
                    [format!("co-{n}"), format!("Company {n}")],
                )?;
            }
            for i in 0..ROWS {
                put(&tx, &entry(i))?;
            }
            tx.commit()
        })
        .unwrap();
    store
}

fn old(e: &LedgerEntry) -> bool {
    e.state != TicketState::Open && e.updated_at.as_str() < CUTOFF
}

fn query(filter: TicketFilter, search: &str) -> TicketQuery {
    TicketQuery {
        filter,
        search: search.into(),
        ..TicketQuery::default()
    }
}

/// Every page of `q`, in order.
fn walk(c: &Connection, mut q: TicketQuery) -> (Vec<LedgerEntry>, Page) {
    let mut rows = Vec::new();
    loop {
        let page = page(c, &q, CUTOFF).unwrap();
        assert!(page.rows.len() <= q.limit.unwrap_or(PAGE_DEFAULT) as usize);
        rows.extend(page.rows.iter().map(|r| r.entry.clone()));
        match &page.next {
            Some(next) => q.after = Some(next.clone()),
            None => return (rows, page),
        }
    }
}

#[test]
fn the_ledger_width_counts_its_columns() {
    assert_eq!(LEDGER_COLUMNS.split(", ").count(), ledger::LEDGER_WIDTH);
}

#[test]
fn pages_cover_every_row_once_newest_change_first() {
    let store = ledger();
    let expected: Vec<LedgerEntry> = {
        let mut all: Vec<_> = (0..ROWS).map(entry).filter(|e| !old(e)).collect();
        all.sort_by(|a, b| {
            b.updated_at
                .cmp(&a.updated_at)
                .then(a.event_id.cmp(&b.event_id))
        });
        all
    };
    store
        .with_conn(|c| {
            let mut q = query(TicketFilter::All, "");
            q.limit = Some(97);
            let (rows, last) = walk(c, q);
            assert_eq!(rows, expected);
            assert_eq!(last.counts.total, expected.len() as u64);
            assert_eq!(last.counts.hidden, (ROWS - expected.len()) as u64);
            assert_eq!(last.counts.tracked, ROWS as u64);
            assert!(last.counts.hidden > 0, "the data has old closed rows");
            // The CLI's whole list: the old rows too, in the same order.
            let whole: Vec<LedgerEntry> = all(c)?.into_iter().map(|r| r.entry).collect();
            let mut expected_all: Vec<LedgerEntry> = (0..ROWS).map(entry).collect();
            expected_all.sort_by(|a, b| {
                b.updated_at
                    .cmp(&a.updated_at)
                    .then(a.event_id.cmp(&b.event_id))
            });
            assert_eq!(whole, expected_all);
            // Company names come along.
            let first = page(c, &query(TicketFilter::All, ""), CUTOFF).unwrap();
            let r = &first.rows[0];
            let n = r.entry.company_id.trim_start_matches("co-");
            assert_eq!(
                r.company_name.as_deref(),
                Some(format!("Company {n}").as_str())
            );
            assert_eq!(first.rows.len(), PAGE_DEFAULT as usize);
            Ok(())
        })
        .unwrap();
}

#[test]
fn filters_and_searches_match_their_counts() {
    let store = ledger();
    let all: Vec<LedgerEntry> = (0..ROWS).map(entry).collect();
    let check = |q: TicketQuery, want: &dyn Fn(&LedgerEntry) -> bool| {
        let (rows, last) = store.with_conn(|c| Ok(walk(c, q.clone()))).unwrap();
        let expected: BTreeSet<&str> = all
            .iter()
            .filter(|e| want(e))
            .map(|e| e.event_id.as_str())
            .collect();
        let got: BTreeSet<&str> = rows.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(got, expected, "{q:?}");
        assert_eq!(rows.len(), got.len(), "no row twice: {q:?}");
        assert_eq!(last.counts.total, expected.len() as u64, "{q:?}");
    };
    check(query(TicketFilter::Open, ""), &|e| {
        e.state == TicketState::Open
    });
    check(query(TicketFilter::Errors, ""), &|e| {
        e.last_error.is_some() && !old(e)
    });
    // A search finds old closed rows too, and hides none.
    check(query(TicketFilter::All, "pc-0004"), &|e| {
        e.summary.contains("PC-0004")
    });
    check(query(TicketFilter::All, "Company 3"), &|e| {
        e.company_id == "co-3"
    });
    check(query(TicketFilter::Open, "company 3"), &|e| {
        e.company_id == "co-3" && e.state == TicketState::Open
    });
    check(query(TicketFilter::All, "#10042"), &|e| {
        e.ticket_id == 10_042
    });
    // LIKE's wildcards are plain characters.
    check(query(TicketFilter::All, "100%"), &|e| {
        e.message.contains("100%")
    });
    check(query(TicketFilter::All, "_"), &|_| false);
    let searched = store
        .with_conn(|c| page(c, &query(TicketFilter::All, "pc-"), CUTOFF))
        .unwrap();
    assert_eq!(
        (searched.counts.total, searched.counts.hidden),
        (ROWS as u64, 0)
    );
}

#[test]
fn created_since_keeps_the_tickets_created_from_then() {
    let store = ledger();
    store
        .with_conn(|c| {
            for (id, at, state) in [
                ("ev-00004", "2026-12-07T09:00:00Z", "done"),
                ("ev-00008", "2026-12-07T10:00:00Z", "resolved"),
                ("ev-00009", "2026-12-07T10:30:00Z", "pending"),
                ("ev-00012", "2026-12-07T08:00:00Z", "done"),
            ] {
                c.execute(
                    "INSERT INTO outbox (event_id, payload, kind, state, created_at) \
                     VALUES (?1, '{}', 'create', ?2, ?3)",
                    [id, state, at],
                )?;
            }
            let mut q = query(TicketFilter::All, "");
            q.created_since = Some("2026-12-07T09:00:00Z".into());
            let p = page(c, &q, CUTOFF)?;
            let ids: Vec<(&str, Option<&str>)> = p
                .rows
                .iter()
                .map(|r| (r.entry.event_id.as_str(), r.created_at.as_deref()))
                .collect();
            assert_eq!(
                ids,
                [
                    ("ev-00008", Some("2026-12-07T10:00:00Z")),
                    ("ev-00004", Some("2026-12-07T09:00:00Z"))
                ]
            );
            assert_eq!(p.counts.total, 2);
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_refresh_reads_only_the_rows_written_since() {
    let store = ledger();
    let q = query(TicketFilter::Open, "");
    store
        .with_conn(|c| {
            let first = page(c, &q, CUTOFF)?;
            let quiet = changed_since(c, &q, CUTOFF, first.counts.revision)?;
            assert_eq!((quiet.rows.len(), quiet.gone.len()), (0, 0));
            assert_eq!(
                (quiet.counts.total, quiet.counts.revision),
                (first.counts.total, first.counts.revision)
            );

            // One open ticket closes, one gets an error (no updated_at
            // change), one closed ticket reopens.
            let mut closed = entry(1);
            closed.state = TicketState::Closed;
            closed.updated_at = "2026-12-07T10:00:00Z".into();
            put(c, &closed)?;
            set_error(c, "ev-00005", Some("ConnectWise answered 429"))?;
            let mut reopened = entry(2);
            reopened.state = TicketState::Open;
            reopened.updated_at = "2026-12-07T10:01:00Z".into();
            put(c, &reopened)?;

            let changes = changed_since(c, &q, CUTOFF, first.counts.revision)?;
            let ids: Vec<&str> = changes
                .rows
                .iter()
                .map(|r| r.entry.event_id.as_str())
                .collect();
            assert_eq!(ids, ["ev-00002", "ev-00005"], "newest change first");
            assert_eq!(changes.gone, ["ev-00001"]);
            assert!(!changes.overflow);
            assert_eq!(changes.counts.total, first.counts.total);
            assert!(changes.counts.revision > first.counts.revision);
            // From the new revision on, nothing more.
            let again = changed_since(c, &q, CUTOFF, changes.counts.revision)?;
            assert!(again.rows.is_empty() && again.gone.is_empty());
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_refresh_after_many_writes_asks_for_a_reload() {
    let store = ledger();
    let q = query(TicketFilter::All, "");
    store
        .with_conn(|c| {
            let first = page(c, &q, CUTOFF)?;
            for i in 0..=PAGE_MAX as usize {
                set_error(c, &format!("ev-{i:05}"), None)?;
            }
            let changes = changed_since(c, &q, CUTOFF, first.counts.revision)?;
            assert!(changes.overflow);
            assert!(changes.rows.is_empty());
            Ok(())
        })
        .unwrap();
}

/// The list's pages come from an index in its order, for each filter: no
/// sort of the whole ledger per page.
#[test]
fn pages_walk_an_index_in_the_list_order() {
    let store = ledger();
    store
        .with_conn(|c| {
            c.execute_batch("ANALYZE")?;
            for filter in [TicketFilter::All, TicketFilter::Open, TicketFilter::Errors] {
                let mut q = query(filter, "");
                q.after = Some(TicketCursor {
                    updated_at: at(500),
                    event_id: "ev-00500".into(),
                });
                let mut conditions = bounded(&q, CUTOFF);
                conditions
                    .sql
                    .push("(l.updated_at < ? OR (l.updated_at = ? AND l.event_id > ?))".to_owned());
                conditions.params.extend([
                    Value::Text(at(500)),
                    Value::Text(at(500)),
                    Value::Text("ev-00500".into()),
                    Value::Integer(101),
                ]);
                let sql = format!(
                    "EXPLAIN QUERY PLAN {} {} {ORDER_SQL} LIMIT ?",
                    select_sql(),
                    conditions.where_sql()
                );
                let mut stmt = c.prepare(&sql)?;
                let plan: Vec<String> = stmt
                    .query_map(params_from_iter(conditions.params.iter()), |r| r.get(3))?
                    .collect::<rusqlite::Result<_>>()?;
                let plan = plan.join("\n");
                assert!(!plan.contains("TEMP B-TREE"), "{filter:?} sorts:\n{plan}");
                assert!(plan.contains("USING INDEX ledger_"), "{filter:?}:\n{plan}");
            }
            Ok(())
        })
        .unwrap();
}
