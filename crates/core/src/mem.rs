//! Keeping a long-running process small. A sync cycle over thousands of
//! events allocates and frees megabytes; glibc's allocator keeps freed memory
//! (and one arena per thread, up to eight per core) for reuse, so a tray app
//! that synced once stays at its peak for good. These two calls hand that
//! memory back. Elsewhere than Linux with glibc they do nothing.

/// glibc's own setting for the same cap; a value the user set wins.
pub const ARENA_MAX_ENV: &str = "MALLOC_ARENA_MAX";

/// Caps the allocator's arenas. Call first thing in `main`, before any
/// thread starts: the threads then share `arenas` arenas instead of each
/// growing its own. Returns whether the cap was set (not elsewhere than
/// glibc, and not over a `MALLOC_ARENA_MAX` the user chose).
pub fn limit_malloc_arenas(arenas: i32) -> bool {
    std::env::var_os(ARENA_MAX_ENV).is_none() && set_arena_max(arenas.max(1))
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set_arena_max(arenas: i32) -> bool {
    // SAFETY: mallopt only sets an allocator parameter; M_ARENA_MAX takes any
    // positive count.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, arenas) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_arena_max(_arenas: i32) -> bool {
    false
}

/// Returns free allocator memory to the OS (between cycles, and when the
/// window closes to the tray).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cap_is_set_on_glibc_unless_the_user_chose_one() {
        let user_chose = std::env::var_os(super::ARENA_MAX_ENV).is_some();
        let glibc = cfg!(all(target_os = "linux", target_env = "gnu"));
        assert_eq!(super::limit_malloc_arenas(2), glibc && !user_chose);
        // Memory freed before a trim is still usable after it.
        let freed: Vec<Vec<u8>> = (0..64).map(|i| vec![i; 64 * 1024]).collect();
        drop(freed);
        super::release_free_memory();
        let again = vec![7u8; 1 << 20];
        assert!(again.iter().all(|b| *b == 7));
    }
}
