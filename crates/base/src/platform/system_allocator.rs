//! The system allocator of macOS, Windows or musl: nothing to tune, and it
//! hands memory back by itself.

pub fn set_arena_max(_arenas: i32) -> bool {
    false
}

pub fn set_give_back(_bytes: i32) {}

pub fn release_free_memory() {}
