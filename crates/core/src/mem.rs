//! Keeping a long-running process small. A sync cycle over thousands of
//! events allocates and frees megabytes; glibc's allocator keeps freed memory
//! (and one arena per thread, up to eight per core) for reuse, so a tray app
//! that synced once stays at its peak for good. These two calls hand that
//! memory back. Elsewhere than Linux with glibc they do nothing.

/// Caps the allocator's arenas. Call first thing in `main`, before any
/// thread starts: the threads then share `arenas` arenas instead of each
/// growing its own.
pub fn limit_malloc_arenas(arenas: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; M_ARENA_MAX takes any
    // positive count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas.max(1));
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = arenas;
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
    fn both_calls_are_safe_at_any_time() {
        super::limit_malloc_arenas(2);
        let freed: Vec<Vec<u8>> = (0..64).map(|i| vec![i; 64 * 1024]).collect();
        drop(freed);
        super::release_free_memory();
    }
}
