//! glibc's allocator parameters (`mallopt`) and `malloc_trim`.

pub fn set_arena_max(arenas: i32) -> bool {
    // SAFETY: mallopt only sets an allocator parameter; M_ARENA_MAX takes any
    // positive count.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, arenas) == 1 }
}

pub fn set_give_back(bytes: i32) {
    // SAFETY: mallopt only sets allocator parameters; each takes any
    // non-negative size. Setting the thresholds turns off their dynamic
    // growth.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, bytes);
        libc::mallopt(libc::M_TRIM_THRESHOLD, bytes);
        libc::mallopt(libc::M_TOP_PAD, 0);
    }
}

pub fn release_free_memory() {
    // SAFETY: malloc_trim only releases free memory; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
