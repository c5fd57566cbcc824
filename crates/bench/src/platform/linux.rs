//! The kernel's CPU clocks (`clock_gettime`, `pthread_getcpuclockid`).

use std::time::Duration;

pub type CpuClock = libc::clockid_t;

pub fn thread_cpu_clock() -> Option<CpuClock> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: `pthread_self` is always valid for the calling thread and
    // `clock` is a valid out-pointer for the duration of the call.
    let rc = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
    (rc == 0).then_some(clock)
}

pub fn process_cpu_clock() -> Option<CpuClock> {
    Some(libc::CLOCK_PROCESS_CPUTIME_ID)
}

pub fn read_clock(clock: CpuClock) -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer; an invalid clock only yields an error code.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    (rc == 0).then(|| {
        Duration::new(
            u64::try_from(ts.tv_sec).unwrap_or(0),
            u32::try_from(ts.tv_nsec).unwrap_or(0),
        )
    })
}
