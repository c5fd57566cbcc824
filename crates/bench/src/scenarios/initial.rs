//! Scenario 1, initial sync, latency-bound: every event is new, 50 ms per
//! ConnectWise request, the simulator's rate limiter and the client's pace
//! both off. Engine first, then the naive baseline on its own world.

use bridge_core::model::MonitoringEvent;

use super::{check_clean, BaselineSide, Bench, LATENCY};
use crate::baseline::Naive;
use crate::report::{dur, ratio, Results, Row};
use crate::requests::{Kind, Tally};
use crate::world::{Shape, Tuning};

const NAME: &str = "1 initial sync";

/// What the shape's initial sync must cost at least.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Minimum {
    /// Events that get a ticket (rule 2).
    pub creates: u64,
    /// Companies with an agreement condition and at least one ticket to create (rule 3).
    pub agreement_lookups: u64,
}

impl Minimum {
    pub fn of(events: &[serde_json::Value], shape: Shape) -> Minimum {
        let parsed: Vec<MonitoringEvent> = events
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect();
        let wanting: Vec<&MonitoringEvent> = parsed
            .iter()
            .filter(|e| !e.is_completed() || e.is_anomaly())
            .collect();
        let companies: std::collections::BTreeSet<&str> =
            wanting.iter().map(|e| e.company_id.as_str()).collect();
        debug_assert!(companies.len() <= shape.companies);
        Minimum {
            creates: wanting.len() as u64,
            agreement_lookups: companies.len() as u64,
        }
    }

    pub fn total(&self) -> u64 {
        self.creates + self.agreement_lookups
    }
}

/// One-off requests of a first sync: discovery and the template.
pub(crate) fn one_off(t: &Tally) -> u64 {
    t.get(Kind::Discovery) + t.template()
}

pub(crate) fn run(bench: &mut Bench) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let tuning = Tuning::default();
    let side = bench.engine_world(tuning)?;
    side.world.cw.faults().set_latency(LATENCY);
    side.world.cw.clear_requests();
    let minimum = Minimum::of(&side.world.events, bench.opts.shape);
    let run = bench.measure(side.engine.run_cycle(false));
    let report = run.value?;
    check_clean(&report, "initial sync")?;
    let tally = Tally::of(&side.world.cw.requests());
    let tickets = side.world.cw.tickets().len() as u64;

    eprintln!(
        "[bench] initial: engine done in {}; baseline …",
        dur(run.wall)
    );
    let world = bench.start_world(bench.opts.shape)?;
    world.cw.faults().set_latency(LATENCY);
    let inputs = world.naive_inputs()?;
    let naive = bench.measure(async {
        let mut naive = Naive::new(inputs).await?;
        let counts = naive.cycle().await?;
        anyhow::Ok((naive, counts))
    });
    let (naive_state, naive_counts) = naive.value?;
    let base_tally = Tally::of(&world.cw.requests());
    let base_requests = base_tally.total();
    let base_wall = naive.wall;

    let sync_requests = tally.total() - one_off(&tally);
    let concurrency = tuning.concurrency as f64;
    let ideal = tally.total() as f64 * LATENCY.as_secs_f64() / concurrency;
    let wall = run.wall.as_secs_f64();
    let created = u64::from(report.counts.created);
    out.row(
        Row::new(NAME, "tickets created", created.to_string())
            .goal(
                format!("{} (every event)", minimum.creates),
                created == minimum.creates && tickets == created,
            )
            .baseline(naive_counts.created.to_string()),
    );
    out.row(
        Row::new(
            NAME,
            "ConnectWise requests (sync)",
            sync_requests.to_string(),
        )
        .goal(
            format!(
                "= minimum {} ({} creates + {} agreement lookups)",
                minimum.total(),
                minimum.creates,
                minimum.agreement_lookups
            ),
            sync_requests == minimum.total(),
        )
        .baseline(format!(
            "{} (+ {} one-off)",
            base_requests - one_off(&base_tally),
            one_off(&base_tally)
        )),
    );
    out.row(
        Row::new(NAME, "one-off requests", one_off(&tally).to_string())
            .goal("1 discovery + 3 template", one_off(&tally) == 4),
    );
    out.row(
        Row::new(
            NAME,
            "requests per created ticket",
            format!("{:.3}", tally.total() as f64 / created.max(1) as f64),
        )
        .goal(
            format!(
                "minimum {:.3} (+ one-off {:.4})",
                minimum.total() as f64 / minimum.creates.max(1) as f64,
                one_off(&tally) as f64 / minimum.creates.max(1) as f64
            ),
            sync_requests == minimum.total(),
        )
        .baseline(format!(
            "{:.3}",
            base_requests as f64 / naive_counts.created.max(1) as f64
        )),
    );
    out.row(
        Row::new(NAME, "wall time (50 ms/request)", dur(run.wall))
            .goal(
                format!(
                    "≤ 1.2 × {} req × 50 ms / {} = {}",
                    tally.total(),
                    tuning.concurrency,
                    dur(std::time::Duration::from_secs_f64(1.2 * ideal))
                ),
                wall <= 1.2 * ideal,
            )
            .baseline(dur(base_wall)),
    );
    out.row(
        Row::new(
            NAME,
            "wall ÷ (requests × latency ÷ concurrency)",
            ratio(wall, ideal),
        )
        .goal("≤ 1.20x", wall <= 1.2 * ideal),
    );
    out.row(
        Row::new(
            NAME,
            "speed-up vs naive baseline",
            ratio(base_wall.as_secs_f64(), wall),
        )
        .baseline("1.00x"),
    );
    out.row(
        Row::new(NAME, "engine CPU (whole sync)", dur(run.cpu.engine))
            .baseline(dur(naive.cpu.engine)),
    );
    out.row(
        Row::new(NAME, "429 answers", tally.throttled.to_string()).goal("0", tally.throttled == 0),
    );
    out.note(
        NAME,
        format!(
            "{} events across {} companies; 50 ms injected before every ConnectWise request; \
             sync.concurrency = {}; client pace off; simulator rate limit off",
            bench.opts.shape.events(),
            bench.opts.shape.companies,
            tuning.concurrency
        ),
    );
    out.note(NAME, format!("engine requests by kind: {tally}"));
    out.note(
        NAME,
        format!("naive baseline requests by kind: {base_tally}"),
    );
    out.note(
        NAME,
        format!(
            "ideal wall time = all {} engine requests × 50 ms ÷ concurrency {} = {}",
            tally.total(),
            tuning.concurrency,
            dur(std::time::Duration::from_secs_f64(ideal))
        ),
    );
    bench.engine_side = Some(side);
    bench.baseline_side = Some(BaselineSide {
        world,
        naive: naive_state,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::events;

    #[test]
    fn the_minimum_counts_ticketable_events_and_their_companies() {
        let shape = Shape::QUICK;
        let m = Minimum::of(&events(shape), shape);
        assert_eq!(m.creates, shape.events() as u64);
        assert_eq!(m.agreement_lookups, shape.companies as u64);
        // A completed non-anomaly gets no ticket; a company with none needs no lookup.
        let only = vec![serde_json::json!({
            "id": "e", "companyId": "c", "backupType": "FileLevel",
            "eventType": "Error", "jobStatus": "Completed"
        })];
        assert_eq!(
            Minimum::of(&only, shape),
            Minimum {
                creates: 0,
                agreement_lookups: 0
            }
        );
    }
}
