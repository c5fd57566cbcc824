//! Reading CPU time and memory from Linux `/proc` and the kernel's CPU
//! clocks (`platform`). Elsewhere every reading is `None` (or zero).
//!
//! The simulators run in this process on their own runtime, whose threads
//! register their CPU clocks ([`register_sim_thread`]). Engine-side CPU is
//! then the process CPU clock (`CLOCK_PROCESS_CPUTIME_ID`, exact to the
//! nanosecond, running threads included) minus the simulator threads' clocks.
//! `/proc/…/schedstat` is only a fallback: the kernel updates it at ticks and
//! context switches, so a thread that is running when it is read is behind.
//! Runtimes keep idle threads alive for the whole run, so no registered
//! clock disappears with its thread.

use std::collections::BTreeMap;
use std::fs;
use std::sync::Mutex;
use std::time::Duration;

use crate::platform::{self, CpuClock, Os};

/// Name of the simulators' runtime threads.
pub const SIM_THREAD: &str = "bb-sim";

/// CPU clocks of the simulator threads.
static SIM_CLOCKS: Mutex<Vec<CpuClock>> = Mutex::new(Vec::new());

/// Registers the calling thread as a simulator thread (a runtime's
/// `on_thread_start` hook).
pub fn register_sim_thread() {
    if let Some(clock) = platform::thread_cpu_clock() {
        SIM_CLOCKS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(clock);
    }
}

/// CPU time consumed so far by this process's threads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTimes {
    /// Threads not named [`SIM_THREAD`]: the engine (and the baseline) side.
    pub engine: Duration,
    /// Every thread, simulators included.
    pub all: Duration,
}

impl CpuTimes {
    /// CPU time used since `earlier`.
    pub fn since(&self, earlier: &CpuTimes) -> CpuTimes {
        CpuTimes {
            engine: self.engine.saturating_sub(earlier.engine),
            all: self.all.saturating_sub(earlier.all),
        }
    }
}

/// CPU time of this process now, split into engine side and simulators.
pub fn cpu_now() -> CpuTimes {
    let clocks = SIM_CLOCKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    match platform::process_cpu_clock().and_then(platform::read_clock) {
        Some(all) if !clocks.is_empty() => {
            let sim: Duration = clocks.into_iter().filter_map(platform::read_clock).sum();
            CpuTimes {
                engine: all.saturating_sub(sim),
                all,
            }
        }
        _ => cpu_from_proc(),
    }
}

/// Fallback: per-thread `schedstat` sums, split by thread name.
fn cpu_from_proc() -> CpuTimes {
    let mut times = CpuTimes::default();
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return times;
    };
    for task in tasks.flatten() {
        let dir = task.path();
        let name = fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let used = fs::read_to_string(dir.join("schedstat"))
            .ok()
            .and_then(|s| parse_schedstat(&s))
            .or_else(|| {
                fs::read_to_string(dir.join("stat"))
                    .ok()
                    .and_then(|s| parse_stat_cpu(&s))
            })
            .unwrap_or_default();
        times.all += used;
        if !name.trim().starts_with(SIM_THREAD) {
            times.engine += used;
        }
    }
    times
}

/// First field of a `schedstat` line: time on the CPU in nanoseconds.
pub fn parse_schedstat(text: &str) -> Option<Duration> {
    text.split_whitespace()
        .next()?
        .parse()
        .ok()
        .map(Duration::from_nanos)
}

/// `utime + stime` of a `/proc/…/stat` line (clock ticks of 10 ms, USER_HZ 100).
pub fn parse_stat_cpu(text: &str) -> Option<Duration> {
    // The command name may contain spaces: fields are counted after its ')'.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')' the fields start at #3 (state); utime is #14, stime #15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// `VmRSS` and `VmHWM` (peak) of a `/proc/…/status`, in KiB.
pub fn parse_status_memory(text: &str) -> (Option<u64>, Option<u64>) {
    let mut rss = None;
    let mut hwm = None;
    for line in text.lines() {
        let value = || {
            line.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<u64>().ok())
        };
        if line.starts_with("VmRSS:") {
            rss = value();
        } else if line.starts_with("VmHWM:") {
            hwm = value();
        }
    }
    (rss, hwm)
}

/// `RssAnon` and `RssFile` (mapped binary and libraries) of one process now, in KiB.
pub fn rss_split(pid: u32) -> Option<(u64, u64)> {
    let text = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("RssAnon:")?, field("RssFile:")?))
}

/// Memory of one process now (KiB): `(VmRSS, VmHWM)`; `None` once it is gone.
pub fn memory_of(pid: u32) -> Option<(u64, u64)> {
    let text = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    match parse_status_memory(&text) {
        (Some(rss), Some(hwm)) => Some((rss, hwm)),
        _ => None,
    }
}

/// `Pss` (proportional set size: shared pages split between the processes
/// that map them) of a `/proc/…/smaps_rollup`, in KiB.
pub fn parse_smaps_rollup_pss(text: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.starts_with("Pss:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// PSS of one process now (KiB); `None` once it is gone (or not ours to read).
pub fn pss_of(pid: u32) -> Option<u64> {
    parse_smaps_rollup_pss(&fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?)
}

/// Number of threads of one process now.
pub fn threads_of(pid: u32) -> Option<u64> {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("Threads:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time (user + system) of one process so far.
pub fn cpu_of(pid: u32) -> Option<Duration> {
    parse_stat_cpu(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Name of a process (`comm`).
pub fn name_of(pid: u32) -> Option<String> {
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim().to_owned())
}

/// `pid` and all its descendants, parents first.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        if !std::path::Path::new(&format!("/proc/{p}")).exists() {
            continue;
        }
        out.push(p);
        let Ok(tasks) = fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children = fs::read_to_string(task.path().join("children")).unwrap_or_default();
            stack.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    out
}

/// Processes whose environment holds `name=value` (those whose
/// environment can be read): the ones a run started with a unique value,
/// however they left its process tree (a daemon that forked itself away).
pub fn processes_with_env(name: &str, value: &str) -> Vec<u32> {
    let wanted = format!("{name}={value}");
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == wanted.as_bytes()))
        })
        .collect()
}

/// Machine facts for the report: CPU model, core count, memory.
pub fn machine() -> String {
    if !platform::measures_processes(Os::current()) {
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        return format!(
            "{cores} cores, {} ({})",
            std::env::consts::OS,
            platform::NOT_MEASURED
        );
    }
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0.0, |kb| kb as f64 / 1024.0 / 1024.0);
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{cores} cores ({model}), {mem_gib:.0} GiB RAM, Linux {}",
        kernel.trim()
    )
}

/// The `p`-th percentile (0–100) of `values` by nearest rank; `None` if empty.
pub fn percentile(values: &[Duration], p: f64) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Threads of this process by name, with their CPU time (for diagnostics).
pub fn threads_by_name() -> BTreeMap<String, Duration> {
    let mut out = BTreeMap::new();
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.flatten() {
        let dir = task.path();
        let name = fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let used = fs::read_to_string(dir.join("schedstat"))
            .ok()
            .and_then(|s| parse_schedstat(&s))
            .unwrap_or_default();
        *out.entry(name.trim().to_owned()).or_default() += used;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_lines_parse() {
        assert_eq!(
            parse_schedstat("112037 3224813 2\n"),
            Some(Duration::from_nanos(112_037))
        );
        assert_eq!(parse_schedstat(""), None);
        let stat = "4242 (tokio (worker) 1) S 1 4242 4242 0 -1 4194560 500 0 0 0 7 3 0 0 20 0 4 0 100 1000 200";
        assert_eq!(parse_stat_cpu(stat), Some(Duration::from_millis(100)));
        assert_eq!(parse_stat_cpu("garbage"), None);
        let status = "Name:\tx\nVmHWM:\t   15000 kB\nVmRSS:\t   12000 kB\n";
        assert_eq!(parse_status_memory(status), (Some(12_000), Some(15_000)));
        assert_eq!(parse_status_memory("Name: y\n"), (None, None));
        let rollup = "55e0-7ffe ---p 00000000 00:00 0  [rollup]\nRss:  1712 kB\n\
                      Pss:  302 kB\nPss_Dirty:  116 kB\nPss_Anon:  116 kB\n";
        assert_eq!(parse_smaps_rollup_pss(rollup), Some(302));
        assert_eq!(
            parse_smaps_rollup_pss("Rss: 1712 kB\nPss_Anon: 116 kB\n"),
            None
        );
        assert_eq!(parse_smaps_rollup_pss("Pss: lots kB\n"), None);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|m| Duration::from_millis(*m))
                .collect::<Vec<_>>()
        };
        let twenty = ms(&(1..=20).rev().collect::<Vec<_>>());
        let cases: [(&[Duration], f64, Option<u64>); 5] = [
            (&twenty, 50.0, Some(10)),
            (&twenty, 95.0, Some(19)),
            (&twenty, 100.0, Some(20)),
            (&twenty, 0.0, Some(1)),
            (&[], 50.0, None),
        ];
        for (values, p, expected) in cases {
            assert_eq!(
                percentile(values, p),
                expected.map(Duration::from_millis),
                "p{p}"
            );
        }
    }

    #[test]
    fn this_process_is_visible_where_it_is_measured() {
        let pid = std::process::id();
        if !platform::measures_processes(Os::current()) {
            assert_eq!(memory_of(pid), None);
            assert!(process_tree(pid).is_empty());
            assert_eq!(cpu_now(), CpuTimes::default());
            assert!(machine().contains(platform::NOT_MEASURED));
            return;
        }
        let (rss, hwm) = memory_of(pid).unwrap();
        assert!(rss > 0 && hwm >= rss);
        assert!(process_tree(pid).contains(&pid));
        assert!(threads_of(pid).is_some_and(|n| n >= 1));
        assert!(cpu_of(pid).is_some());
        assert!(name_of(pid).is_some());
        assert!(pss_of(pid).is_some_and(|kib| kib > 0));
        // A child with a marker in its environment is found by it.
        let marker = format!("bb-bench-{pid}");
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .env("BB_BENCH_MARK", &marker)
            .spawn()
            .unwrap();
        // Right after the fork the child may still show this process's
        // environment (exec has not run yet): look again for a while.
        let mut found = Vec::new();
        for _ in 0..100 {
            found = processes_with_env("BB_BENCH_MARK", &marker);
            if !found.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(found, vec![child.id()]);
        // Burn a little CPU so the sum cannot stay zero.
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        assert!(x != 1);
        assert!(cpu_now().all > Duration::ZERO);
        assert!(cpu_from_proc().all > Duration::ZERO);
        // A registered thread's time counts as the simulators', not the engine's.
        std::thread::spawn(|| {
            register_sim_thread();
            let before = cpu_now();
            let mut y = 0u64;
            for i in 0..5_000_000u64 {
                y = y.wrapping_mul(17).wrapping_add(i);
            }
            assert!(y != 1);
            let used = cpu_now().since(&before);
            assert!(used.all > used.engine, "{used:?}");
        })
        .join()
        .unwrap();
    }
}
