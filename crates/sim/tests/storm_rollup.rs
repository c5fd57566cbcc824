#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Issue 17's storm scenario: 300 backup plans across 60 companies fail
//! with one cause (a storage destination down). The storm guard spreads the
//! 300 tickets over six cycles, one roll-up ticket in the MSP's own company
//! lists every failure from the first cycle, each ticket gets one note
//! pointing to it, latecomers join it with one note, nothing is lost or
//! doubled, and when the destination is back every ticket closes, the
//! roll-up last.

mod world;

use bridge_core::ops;
use serde_json::{json, Value};
use world::*;

const COMPANIES: usize = 60;
const PLANS_PER_COMPANY: usize = 5;
/// The demo ConnectWise companies the 60 backup companies map onto.
const CW_COMPANIES: [&str; 4] = [
    "AcmeDental",
    "NorthwindLaw",
    "ContosoHealth",
    "FabrikamBuild",
];
/// The MSP's own company: the roll-up's home.
const MSP: &str = "BlueYonder";

fn company_id(i: usize) -> String {
    format!("c-{}", 2000 + i)
}

/// Plan `p` of company `c`, failing (or completed) with the one cause:
/// every message names its own machine, share and retry count.
fn plan_event(c: usize, p: usize, job_status: &str) -> Value {
    let n = c * PLANS_PER_COMPANY + p;
    let computer = format!("SRV-{c:02}-{p}");
    let message = format!(
        "Cannot write to \\\\nas-{c:02}.clients.local\\backups\\{computer}: the destination \
         is unreachable (attempt {} of 3, 30 s timeout)",
        1 + n % 3
    );
    ev(
        &format!("evt-{n}"),
        &company_id(c),
        "Error",
        job_status,
        &message,
    )
    .with("computer", &computer)
    .with(
        "startedAt",
        &format!("2026-12-06T01:{:02}:{:02}Z", n / 60, n % 60),
    )
}

fn storm(job_status: &str, count: usize) -> Vec<Value> {
    (0..count)
        .map(|n| plan_event(n / PLANS_PER_COMPANY, n % PLANS_PER_COMPANY, job_status))
        .collect()
}

async fn sixty_companies() -> World {
    let w = World::new().await;
    let companies: Vec<Value> = (0..COMPANIES)
        .map(|i| json!({"id": company_id(i), "name": format!("Client {i:02}")}))
        .collect();
    w.demo.dashboard.set_companies(companies);
    ops::refresh_companies(&w.engine).await.unwrap();
    for i in 0..COMPANIES {
        w.map(&company_id(i), CW_COMPANIES[i % CW_COMPANIES.len()])
            .await;
    }
    w.set("storm.rollup_company", MSP);
    // About 1,000 calls: no client-side pace (900 a minute would take a minute).
    w.set("cw.requests_per_minute", "0");
    w
}

fn rollup_ticket(w: &World) -> Value {
    let rollups: Vec<Value> = w
        .cw()
        .tickets()
        .into_iter()
        .filter(|t| {
            t["externalXRef"]
                .as_str()
                .unwrap_or_default()
                .starts_with("bb:rollup:")
        })
        .collect();
    assert_eq!(rollups.len(), 1, "one roll-up ticket: {rollups:#?}");
    rollups[0].clone()
}

fn event_tickets(w: &World) -> usize {
    w.cw()
        .tickets()
        .iter()
        .filter(|t| {
            t["externalXRef"]
                .as_str()
                .unwrap_or_default()
                .starts_with("bb:evt-")
        })
        .count()
}

/// The notes on `ticket_id` that point to roll-up ticket `rollup_id`.
fn pointers(w: &World, ticket_id: i64, rollup_id: i64) -> usize {
    let head = format!("Roll-up ticket #{rollup_id}:");
    w.cw()
        .notes(ticket_id)
        .iter()
        .filter(|n| n["text"].as_str().unwrap_or_default().starts_with(&head))
        .count()
}

#[tokio::test]
async fn three_hundred_plans_with_one_cause_make_capped_tickets_and_one_roll_up() {
    let w = sixty_companies().await;
    let failing = storm("Failed", COMPANIES * PLANS_PER_COMPANY);

    let first = w.sync(failing.clone()).await;
    assert!(!first.has_errors(), "{:?}", first.errors);
    assert_eq!(first.creates_held, 250, "the cap of 50 holds the rest");
    assert_eq!(event_tickets(&w), 50);
    let rollup = rollup_ticket(&w);
    let rollup_id = rollup["id"].as_i64().unwrap();
    assert_eq!(rollup["company"]["identifier"], MSP);
    let summary = rollup["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("Roll-up: 300 backups failing with one cause (60 companies)"),
        "{summary}"
    );
    let description = w.cw().notes(rollup_id)[0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    for c in [0, 37, 59] {
        let line = format!("- Client {c:02} (");
        assert!(description.contains(&line), "{line} in:\n{description}");
        assert!(
            description.contains(&format!("SRV-{c:02}-4")),
            "{description}"
        );
    }
    assert_eq!(first.counts.created, 51, "50 tickets and the roll-up");

    // Five more cycles create the rest, 50 at a time, each with its pointer.
    for cycle in 2..=6 {
        let report = w.sync(failing.clone()).await;
        assert!(!report.has_errors(), "cycle {cycle}: {:?}", report.errors);
        assert_eq!(report.counts.created, 50, "cycle {cycle}");
        assert_eq!(
            report.creates_held,
            300 - 50 * cycle as usize,
            "cycle {cycle}"
        );
    }
    assert_eq!(event_tickets(&w), 300, "no event lost");
    assert_eq!(rollup_ticket(&w)["id"], rollup_id, "still one roll-up");
    for e in &failing {
        let ticket = w.ticket_id(e["id"].as_str().unwrap());
        assert_eq!(pointers(&w, ticket, rollup_id), 1, "{}", e["id"]);
    }
    assert_invariants(&w, &failing, "after the storm");
    // Nothing joined yet: the description is the roll-up's only note.
    assert_eq!(w.cw().notes(rollup_id).len(), 1);

    // Five latecomers with the same cause join it with one note.
    let mut more = failing.clone();
    more.extend((300..305).map(|n| {
        plan_event(n / PLANS_PER_COMPANY % COMPANIES, 5 + n % 5, "Failed")
            .with("id", &format!("evt-{n}"))
    }));
    let joined = w.sync(more.clone()).await;
    assert!(!joined.has_errors(), "{:?}", joined.errors);
    let notes = w.cw().notes(rollup_id);
    assert_eq!(notes.len(), 2, "{notes:#?}");
    let join = notes[1]["text"].as_str().unwrap();
    assert!(
        join.starts_with("5 more failures joined this roll-up (305 in all):"),
        "{join}"
    );
    let quiet = w.sync(more.clone()).await;
    assert_eq!(quiet.counts.notes, 0, "nothing noted twice");

    // The destination is back: every ticket closes, and the roll-up with them.
    let completed: Vec<Value> = more
        .iter()
        .map(|e| e.clone().with("jobStatus", "Completed"))
        .collect();
    let done = w.sync(completed.clone()).await;
    assert!(!done.has_errors(), "{:?}", done.errors);
    assert_eq!(done.counts.closed, 306, "305 tickets and the roll-up");
    let rollup = w.cw().ticket(rollup_id).unwrap();
    assert_eq!(rollup["closedFlag"], true);
    let last = w.cw().notes(rollup_id).last().cloned().unwrap();
    assert_eq!(last["resolutionFlag"], true);
    assert_completed_jobs_closed(&w, &completed, "after the storm");
    assert_invariants(&w, &completed, "after the storm");
    // A closed roll-up is not reopened or noted again.
    w.cw().clear_requests();
    let after = w.sync(completed).await;
    assert_eq!(after.counts.notes + after.counts.closed, 0);
}

#[tokio::test]
async fn without_a_roll_up_company_a_storm_gets_only_its_own_tickets() {
    let w = sixty_companies().await;
    w.set("storm.rollup_company", "");
    w.set("storm.max_creates_per_cycle", "0");
    let failing = storm("Failed", 40);
    let report = w.sync(failing.clone()).await;
    assert!(!report.has_errors(), "{:?}", report.errors);
    assert_eq!(event_tickets(&w), 40);
    assert_eq!(w.cw().tickets().len(), 40, "no roll-up");
}

#[tokio::test]
async fn an_unknown_roll_up_company_is_one_clear_problem_and_the_tickets_still_come() {
    let w = sixty_companies().await;
    w.set("storm.rollup_company", "NoSuchCompany");
    let failing = storm("Failed", 12);
    let report = w.sync(failing).await;
    assert_eq!(event_tickets(&w), 12);
    let problems: Vec<&str> = report.errors.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .contains("storm.rollup_company \"NoSuchCompany\" is not a ConnectWise Company ID"),
        "{problems:?}"
    );
}

/// Rules 9 and 13 hold for the roll-up too: every create of the cycle, the
/// roll-up's included, lands but its answer is lost; each is found by its
/// `externalXRef` in its own company before anything is created again.
#[tokio::test]
async fn a_roll_up_whose_answer_is_lost_is_found_not_created_twice() {
    let w = sixty_companies().await;
    w.set("storm.max_creates_per_cycle", "0");
    let failing = storm("Failed", 12);
    w.cw().faults().drop_after_commit_next(13);
    w.cw().clear_requests();
    let first = w.sync(failing.clone()).await;
    assert!(!first.has_errors(), "{:?}", first.errors);
    let lookups = w.cw_requests();
    assert!(
        lookups
            .iter()
            .any(|r| r.starts_with("GET") && r.contains("bb:rollup:")),
        "the roll-up was looked up by its reference: {lookups:#?}"
    );
    let rollup_id = rollup_ticket(&w)["id"].as_i64().unwrap();
    for e in &failing {
        let ticket = w.ticket_id(e["id"].as_str().unwrap());
        assert_eq!(pointers(&w, ticket, rollup_id), 1, "{}", e["id"]);
    }
    let again = w.sync(failing.clone()).await;
    assert_eq!(again.counts.created + again.counts.notes, 0);
    assert_eq!(w.cw().tickets().len(), 13, "12 tickets and one roll-up");
    assert_invariants(&w, &failing, "after lost answers");
}
