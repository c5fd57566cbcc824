//! cw (being written).
