//! What the bench can measure on each OS. Processes' memory, threads and
//! CPU time are read from Linux's `/proc` and the kernel's per-thread CPU
//! clocks (`linux.rs`); elsewhere (`other.rs`) those readings are absent,
//! the footprint scenarios say "not measured on this OS", and the engine
//! scenarios report no CPU split. See `bridge_base::platform` for the rule.

use std::time::Duration;

pub use bridge_base::platform::Os;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as imp;
#[cfg(not(target_os = "linux"))]
mod other;
#[cfg(not(target_os = "linux"))]
use other as imp;

/// A CPU-time clock of one thread or of the whole process.
pub use imp::CpuClock;

/// What the bench says in place of a reading it cannot take on this OS.
pub const NOT_MEASURED: &str = "not measured on this OS";

/// Whether the bench reads processes (`/proc`) and CPU clocks on `os`.
pub fn measures_processes(os: Os) -> bool {
    os == Os::Linux
}

/// The calling thread's CPU clock, where there is one.
pub fn thread_cpu_clock() -> Option<CpuClock> {
    imp::thread_cpu_clock()
}

/// The process's CPU clock (all its threads), where there is one.
pub fn process_cpu_clock() -> Option<CpuClock> {
    imp::process_cpu_clock()
}

/// The CPU time `clock` has counted, if it can be read.
pub fn read_clock(clock: CpuClock) -> Option<Duration> {
    imp::read_clock(clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_linux_is_measured_and_the_clocks_follow() {
        for os in Os::ALL {
            assert_eq!(measures_processes(os), os == Os::Linux, "{os:?}");
        }
        let measured = measures_processes(Os::current());
        assert_eq!(process_cpu_clock().is_some(), measured);
        assert_eq!(thread_cpu_clock().is_some(), measured);
        let read = process_cpu_clock().and_then(read_clock);
        assert_eq!(read.is_some(), measured);
    }
}
