//! source (being written).
