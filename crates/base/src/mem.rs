//! Keeping a long-running process small. A sync cycle over thousands of
//! events allocates and frees megabytes; glibc's allocator keeps freed memory
//! (and one arena per thread, up to eight per core) for reuse, so a tray app
//! that synced once stays at its peak for good. These two calls keep the
//! allocator from holding on to it and hand it back. Elsewhere than Linux with glibc they do nothing
//! (`platform::allocator`).

use crate::platform::allocator;

/// glibc's own setting for the arena cap; a value the user set wins.
pub const ARENA_MAX_ENV: &str = "MALLOC_ARENA_MAX";
/// glibc's settings of every allocator parameter; set, they win over ours.
pub const TUNABLES_ENV: &str = "GLIBC_TUNABLES";

/// Blocks at least this big get their own mapping, given back when freed;
/// below it, freed memory above the heap's top is given back past the same
/// size. glibc's default raises both as big blocks are freed, so the heap
/// keeps a cycle's peak.
const GIVE_BACK_BYTES: i32 = 64 * 1024;

/// Tunes the allocator for a long-running process: `arenas` arenas shared by
/// all threads (instead of up to eight per core, each growing its own), and
/// big blocks and freed heap tops handed back to the OS at once. Call first
/// thing in `main`, before any thread starts. Returns whether the arena cap
/// was set (not elsewhere than glibc, and not over a `MALLOC_ARENA_MAX` the
/// user chose); `GLIBC_TUNABLES`, when set, is left to rule the rest.
pub fn tune_allocator(arenas: i32) -> bool {
    if std::env::var_os(TUNABLES_ENV).is_none() {
        allocator::set_give_back(GIVE_BACK_BYTES);
    }
    std::env::var_os(ARENA_MAX_ENV).is_none() && allocator::set_arena_max(arenas.max(1))
}

/// Returns free allocator memory to the OS (between cycles, and when the
/// window closes to the tray).
pub fn release_free_memory() {
    allocator::release_free_memory();
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cap_is_set_on_glibc_unless_the_user_chose_one() {
        let user_chose = std::env::var_os(super::ARENA_MAX_ENV).is_some();
        let glibc = crate::platform::TUNES_ALLOCATOR;
        assert_eq!(super::tune_allocator(2), glibc && !user_chose);
        // Blocks past the give-back size, and many small ones, still work.
        let big: Vec<Vec<u8>> = (0..8).map(|i| vec![i; 256 * 1024]).collect();
        assert!(big
            .iter()
            .enumerate()
            .all(|(i, v)| v.iter().all(|b| usize::from(*b) == i)));
        drop(big);
        // Memory freed before a trim is still usable after it.
        let freed: Vec<Vec<u8>> = (0..64).map(|i| vec![i; 64 * 1024]).collect();
        drop(freed);
        super::release_free_memory();
        let again = vec![7u8; 1 << 20];
        assert!(again.iter().all(|b| *b == 7));
    }
}
