//! The request counts the benchmarks report, checked on a small world with
//! no latency: the engine's initial sync costs exactly the minimum plus the
//! one-off lookups, an in-step cycle costs nothing, churn costs exactly its
//! writes, and the naive baseline does the same work with more requests.
//! No timing is asserted anywhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bridge_bench::baseline::Naive;
use bridge_bench::churn;
use bridge_bench::requests::{Kind, Tally};
use bridge_bench::world::{Shape, Tuning, World};

const SHAPE: Shape = Shape {
    companies: 6,
    events_per_company: 10,
};

fn writes(t: &Tally) -> u64 {
    t.get(Kind::Create) + t.get(Kind::Patch) + t.get(Kind::Note) + t.get(Kind::Delete)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_costs_exactly_the_minimum() {
    let mut world = World::start(SHAPE).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = world.engine(dir.path(), Tuning::default()).unwrap();

    // Initial sync: every event ticketed; one agreement lookup per company;
    // one discovery and three template lookups; nothing else.
    let report = engine.run_cycle(false).await.unwrap();
    assert!(!report.has_errors(), "{:?}", report.errors);
    let t = Tally::of(&world.cw.requests());
    assert_eq!(u64::from(report.counts.created), SHAPE.events() as u64);
    assert_eq!(t.get(Kind::Create), SHAPE.events() as u64, "{t}");
    assert_eq!(t.get(Kind::Agreements), SHAPE.companies as u64, "{t}");
    assert_eq!(t.get(Kind::Discovery), 1, "{t}");
    assert_eq!(t.template(), 3, "{t}");
    assert_eq!(
        t.total(),
        (SHAPE.events() + SHAPE.companies + 4) as u64,
        "{t}"
    );
    assert_eq!(world.cw.tickets().len(), SHAPE.events());

    // Steady state: zero requests, cycle after cycle.
    world.cw.clear_requests();
    for _ in 0..3 {
        let report = engine.run_cycle(false).await.unwrap();
        assert!(report.actions.is_empty() && !report.has_errors());
    }
    assert_eq!(
        world.cw.requests(),
        vec![],
        "an in-step cycle made requests"
    );

    // Churn: the writes the changes need, plus batched ticket-state lookups.
    for cycle in 1..=2 {
        let mut events = world.events.clone();
        let c = churn::apply(&mut events, cycle, 10);
        assert_eq!((c.changed, c.completed, c.detailed), (1, 1, 1));
        world.set_events(events);
        world.cw.clear_requests();
        let report = engine.run_cycle(false).await.unwrap();
        assert!(!report.has_errors(), "{:?}", report.errors);
        let t = Tally::of(&world.cw.requests());
        assert_eq!(writes(&t), c.writes() as u64, "cycle {cycle}: {t}");
        assert_eq!(t.get(Kind::TicketStates), 1, "cycle {cycle}: {t}");
        assert_eq!(t.total(), c.writes() as u64 + 1, "cycle {cycle}: {t}");
    }
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_naive_baseline_does_the_same_work_with_more_requests() {
    let mut world = World::start(SHAPE).await.unwrap();
    let mut naive = Naive::new(world.naive_inputs().unwrap()).await.unwrap();
    let counts = naive.cycle().await.unwrap();
    assert_eq!(counts.created, SHAPE.events());
    let t = Tally::of(&world.cw.requests());
    // Agreement per ticket, one request at a time.
    assert_eq!(t.get(Kind::Agreements), SHAPE.events() as u64, "{t}");
    assert_eq!(t.get(Kind::Create), SHAPE.events() as u64, "{t}");

    // An unchanged snapshot: it writes nothing but reads every ticket and its notes.
    world.cw.clear_requests();
    let counts = naive.cycle().await.unwrap();
    assert_eq!((counts.created, counts.notes, counts.closed), (0, 0, 0));
    let t = Tally::of(&world.cw.requests());
    assert_eq!(t.get(Kind::TicketRead), SHAPE.events() as u64, "{t}");
    assert_eq!(t.get(Kind::NotesRead), SHAPE.events() as u64, "{t}");
    assert_eq!(writes(&t), 0, "{t}");

    // Churn: the same writes as the engine.
    let mut events = world.events.clone();
    let c = churn::apply(&mut events, 1, 10);
    world.set_events(events);
    world.cw.clear_requests();
    naive.cycle().await.unwrap();
    let t = Tally::of(&world.cw.requests());
    assert_eq!(writes(&t), c.writes() as u64, "{t}");
    world.shutdown().await;
}
