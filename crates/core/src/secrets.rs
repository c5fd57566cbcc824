//! secrets (being written).
