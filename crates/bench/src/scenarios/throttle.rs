//! Scenario 1 again, throttle-bound: the simulator enforces ConnectWise's
//! 1,000 requests per minute (sliding window, 429 + `Retry-After` beyond it)
//! with the same 50 ms latency. At 50 ms even one request at a time would be
//! 1,200 a minute, so the goal "wall time ≈ requests × latency ÷ concurrency"
//! cannot hold here: the figure to watch is zero 429s.
//!
//! Two runs on fresh worlds: the engine without a client-side pace (what it
//! did before `cw.requests_per_minute` existed), then with the product default
//! of 900 a minute.

use std::time::Duration;

use super::initial::Minimum;
use super::{Bench, CW_LIMIT_PER_MINUTE, LATENCY};
use crate::report::{dur, ratio, Results, Row};
use crate::requests::Tally;
use crate::world::Tuning;

const NAME: &str = "1b initial sync, throttled";
/// The product default pace.
const PACE: u32 = bridge_core::cw::DEFAULT_REQUESTS_PER_MINUTE;

struct Outcome {
    wall: Duration,
    created: u64,
    errors: usize,
    tally: Tally,
}

fn once(bench: &Bench, pace: Option<u32>) -> anyhow::Result<Outcome> {
    let tuning = Tuning {
        requests_per_minute: pace,
        ..Tuning::default()
    };
    let side = bench.engine_world(tuning)?;
    side.world.cw.faults().set_latency(LATENCY);
    side.world
        .cw
        .faults()
        .set_rate_limit_per_minute(Some(CW_LIMIT_PER_MINUTE));
    side.world.cw.clear_requests();
    let m = bench.measure(side.engine.run_cycle(false));
    let tally = Tally::of(&side.world.cw.requests());
    let outcome = match m.value {
        Ok(report) => Outcome {
            wall: m.wall,
            created: u64::from(report.counts.created),
            errors: report.errors.len(),
            tally,
        },
        // A cycle aborted as a whole (e.g. agreement lookups out of retries).
        Err(e) => {
            eprintln!("[bench] throttle: the cycle failed: {e}");
            Outcome {
                wall: m.wall,
                created: side.world.cw.tickets().len() as u64,
                errors: 1,
                tally,
            }
        }
    };
    bench.stop_world(side.world);
    Ok(outcome)
}

pub(crate) fn run(bench: &mut Bench) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let minimum = Minimum::of(&crate::world::events(bench.opts.shape), bench.opts.shape);
    eprintln!("[bench] throttle: unpaced …");
    let unpaced = once(bench, None)?;
    eprintln!("[bench] throttle: paced at {PACE}/min (this takes requests ÷ {PACE} minutes) …");
    let paced = once(bench, Some(PACE))?;

    let per_sec = f64::from(PACE) / 60.0;
    let burst = f64::from((PACE / 20).max(1));
    let ideal = ((paced.tally.total() as f64 - burst).max(0.0)) / per_sec;
    out.row(
        Row::new(
            NAME,
            "429 answers, paced 900/min",
            paced.tally.throttled.to_string(),
        )
        .goal("0", paced.tally.throttled == 0)
        .baseline("not run (see note)"),
    );
    out.row(
        Row::new(NAME, "tickets created, paced", paced.created.to_string()).goal(
            format!("{} (every event)", minimum.creates),
            paced.created == minimum.creates && paced.errors == 0,
        ),
    );
    out.row(Row::new(NAME, "wall time, paced", dur(paced.wall)).goal(
        format!(
            "≤ 1.2 × ({} req − {burst} burst) ÷ {PACE}/min = {}",
            paced.tally.total(),
            dur(Duration::from_secs_f64(1.2 * ideal))
        ),
        paced.wall.as_secs_f64() <= 1.2 * ideal,
    ));
    out.row(Row::new(
        NAME,
        "wall ÷ (requests ÷ pace)",
        ratio(paced.wall.as_secs_f64(), ideal),
    ));
    out.row(Row::new(
        NAME,
        "unpaced engine (pace 0): 429 answers / tickets / errors / wall",
        format!(
            "{} / {} / {} / {}",
            unpaced.tally.throttled,
            unpaced.created,
            unpaced.errors,
            dur(unpaced.wall)
        ),
    ));
    out.note(
        NAME,
        format!(
            "simulator limit {CW_LIMIT_PER_MINUTE} requests in any 60 s; 50 ms per request; \
             sync.concurrency 4; pace = cw.requests_per_minute (token bucket, burst {burst})"
        ),
    );
    out.note(NAME, format!("paced requests by kind: {}", paced.tally));
    out.note(
        NAME,
        format!(
            "unpaced requests by kind: {} — a create answered 429 was not processed, so it \
             is sent again after its Retry-After within the cycle, as far as the retries go",
            unpaced.tally
        ),
    );
    out.note(
        NAME,
        format!(
            "naive baseline not run throttled: one request at a time at 50 ms is already 1,200 \
             a minute, so it would be throttled too and take > {} minutes",
            (2 * minimum.creates) / u64::from(CW_LIMIT_PER_MINUTE)
        ),
    );
    Ok(out)
}
