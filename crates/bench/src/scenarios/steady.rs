//! Scenarios 2 and 3 on the worlds the initial sync left behind (10,000
//! tracked events), with no injected latency: what counts here is requests and
//! CPU, not waiting.
//!
//! 2. Steady state: the snapshot does not change; every cycle must cost zero
//!    ConnectWise requests, and the engine's CPU time per cycle is measured
//!    (threads other than the simulators', from `/proc/self/task/*/schedstat`).
//! 3. Churn: 1% of events change, 1% complete, 1% gain a detail per cycle;
//!    ConnectWise writes must equal what the changes need.

use std::time::Duration;

use super::{check_clean, Bench};
use crate::churn::{self, Churn};
use crate::procfs::percentile;
use crate::report::{dur, Results, Row};
use crate::requests::{Kind, Tally};

const STEADY: &str = "2 steady state";
const CHURN: &str = "3 churn";
/// Engine CPU budget per in-step cycle (issue 6).
const CPU_GOAL: Duration = Duration::from_millis(20);

pub(super) fn p50_p95(values: &[Duration]) -> String {
    match (percentile(values, 50.0), percentile(values, 95.0)) {
        (Some(a), Some(b)) => format!("{} / {}", dur(a), dur(b)),
        _ => "–".to_owned(),
    }
}

pub(crate) fn run_steady(bench: &mut Bench) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let cycles = bench.opts.steady_cycles;
    bench.synced_engine()?;
    let Some(side) = bench.engine_side.as_ref() else {
        anyhow::bail!("no engine side");
    };
    side.world.cw.faults().set_latency(Duration::ZERO);
    // One unmeasured cycle: whatever the initial sync left (none expected).
    check_clean(
        &bench.engine.block_on(side.engine.run_cycle(false))?,
        "warm-up cycle",
    )?;
    side.world.cw.clear_requests();
    let (mut engine_cpu, mut all_cpu, mut walls) = (Vec::new(), Vec::new(), Vec::new());
    let mut actions = 0;
    for _ in 0..cycles {
        let m = bench.measure(side.engine.run_cycle(false));
        let report = m.value?;
        check_clean(&report, "steady cycle")?;
        actions += report.actions.len();
        engine_cpu.push(m.cpu.engine);
        all_cpu.push(m.cpu.all);
        walls.push(m.wall);
    }
    let tally = Tally::of(&side.world.cw.requests());
    let tracked = side.world.events.len();
    let steps = bench
        .engine
        .block_on(super::phases::measure(&side.engine, 5))?;

    bench.synced_baseline()?;
    let Some(base) = bench.baseline_side.as_mut() else {
        anyhow::bail!("no baseline side");
    };
    base.world.cw.faults().set_latency(Duration::ZERO);
    base.world.cw.clear_requests();
    let naive = super::measure(&bench.engine, base.naive.cycle());
    let naive_counts = naive.value?;
    let base_tally = Tally::of(&base.world.cw.requests());

    out.row(
        Row::new(
            STEADY,
            &format!("ConnectWise requests ({cycles} cycles)"),
            tally.total().to_string(),
        )
        .goal("0", tally.total() == 0 && actions == 0)
        .baseline(format!("{} per cycle", base_tally.total())),
    );
    let p95 = percentile(&engine_cpu, 95.0).unwrap_or_default();
    out.row(
        Row::new(
            STEADY,
            "engine CPU per cycle, p50 / p95",
            p50_p95(&engine_cpu),
        )
        .goal("< 20 ms", p95 < CPU_GOAL)
        .baseline(dur(naive.cpu.engine)),
    );
    out.row(
        Row::new(
            STEADY,
            "process CPU per cycle incl. simulators, p50 / p95",
            p50_p95(&all_cpu),
        )
        .baseline(dur(naive.cpu.all)),
    );
    out.row(
        Row::new(STEADY, "wall time per cycle, p50 / p95", p50_p95(&walls))
            .baseline(dur(naive.wall)),
    );
    out.note(
        STEADY,
        format!(
            "{tracked} tracked events, unchanged snapshot, {cycles} measured cycles after one \
             warm-up; no injected latency; engine CPU = this process's CPU clock \
             (CLOCK_PROCESS_CPUTIME_ID) minus the CPU clocks of the simulators' runtime threads. \
             An unchanged cycle takes the in-step path (the pages hash as in the last in-step \
             cycle); a cycle with any change plans in full: its steps are below, and scenario 3 \
             gives the CPU of a cycle with 1% churn"
        ),
    );
    out.note(STEADY, format!("engine requests by kind: {tally}"));
    let line = |in_step: bool| {
        let chosen: Vec<&super::phases::Phase> =
            steps.iter().filter(|p| p.in_step == in_step).collect();
        let sum: Duration = chosen.iter().map(|p| p.cpu).sum();
        let parts: Vec<String> = chosen
            .iter()
            .map(|p| format!("{} {}", p.name, dur(p.cpu)))
            .collect();
        format!("{}; sum {}", parts.join("; "), dur(sum))
    };
    out.note(
        STEADY,
        format!(
            "engine CPU by step of an unchanged cycle (each step replayed alone through the same \
             public functions, median of 5): {}",
            line(true)
        ),
    );
    out.note(
        STEADY,
        format!(
            "steps an unchanged cycle skips (the pages hash as before, the ledger revision, \
             mapping and rules are unchanged), taken by a cycle after any change: {}",
            line(false)
        ),
    );
    out.note(
        STEADY,
        format!(
            "naive baseline (re-reads every ticket and its notes; wrote {} notes, closed {}): {base_tally}",
            naive_counts.notes, naive_counts.closed
        ),
    );
    Ok(out)
}

pub(crate) fn run_churn(bench: &mut Bench) -> anyhow::Result<Results> {
    let mut out = Results::default();
    let cycles = bench.opts.churn_cycles;
    bench.synced_engine()?;
    bench.synced_baseline()?;
    let mut met = true;
    let (mut writes, mut needed, mut states, mut totals) = (0, 0, 0, 0);
    let (mut base_totals, mut cpu) = (0, Vec::new());
    let mut base_writes = 0;
    for cycle in 1..=cycles as u64 {
        let (Some(side), Some(base)) = (bench.engine_side.as_mut(), bench.baseline_side.as_mut())
        else {
            anyhow::bail!("no worlds");
        };
        let mut events = side.world.events.clone();
        let churn: Churn = churn::apply(&mut events, cycle, 10);
        side.world.set_events(events.clone());
        base.world.set_events(events);
        side.world.cw.faults().set_latency(Duration::ZERO);
        base.world.cw.faults().set_latency(Duration::ZERO);
        side.world.cw.clear_requests();
        base.world.cw.clear_requests();

        let Some(side) = bench.engine_side.as_ref() else {
            anyhow::bail!("no engine side");
        };
        let m = bench.measure(side.engine.run_cycle(false));
        check_clean(&m.value?, "churn cycle")?;
        let tally = Tally::of(&side.world.cw.requests());
        let w = written(&tally);
        met &= w == churn.writes() as u64;
        writes += w;
        needed += churn.writes() as u64;
        states += tally.get(Kind::TicketStates);
        totals += tally.total();
        cpu.push(m.cpu.engine);
        out.note(
            CHURN,
            format!(
                "cycle {cycle}: {} changed, {} completed, {} gained a detail → {} writes needed; \
                 engine: {tally}",
                churn.changed,
                churn.completed,
                churn.detailed,
                churn.writes()
            ),
        );

        let Some(base) = bench.baseline_side.as_mut() else {
            anyhow::bail!("no baseline side");
        };
        bench.engine.block_on(base.naive.cycle())?;
        let base_tally = Tally::of(&base.world.cw.requests());
        base_totals += base_tally.total();
        base_writes += written(&base_tally);
    }
    let n = cycles.max(1) as u64;
    out.row(
        Row::new(
            CHURN,
            "ConnectWise writes per cycle",
            (writes / n).to_string(),
        )
        .goal(format!("= changes need: {}", needed / n), met)
        .baseline((base_writes / n).to_string()),
    );
    out.row(
        Row::new(
            CHURN,
            "ticket-state lookups per cycle (rule 8)",
            format!("{:.1}", states as f64 / n as f64),
        )
        .goal("batched `id in (…)`", true),
    );
    out.row(
        Row::new(
            CHURN,
            "all ConnectWise requests per cycle",
            (totals / n).to_string(),
        )
        .baseline((base_totals / n).to_string()),
    );
    out.row(Row::new(
        CHURN,
        "engine CPU per churn cycle, p50 / p95",
        p50_p95(&cpu),
    ));
    out.note(
        CHURN,
        "writes = creates + patches + notes + deletes; a message change needs 1 note, a \
         completion a resolution note and the close, a new detail 1 note; no injected latency",
    );
    Ok(out)
}

/// ConnectWise writes in a tally.
fn written(t: &Tally) -> u64 {
    t.get(Kind::Create) + t.get(Kind::Patch) + t.get(Kind::Note) + t.get(Kind::Delete)
}
