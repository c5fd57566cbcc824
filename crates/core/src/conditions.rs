//! conditions (being written).
