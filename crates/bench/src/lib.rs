//! `bridge-bench`: the benchmarks of issue 6. Each scenario runs the real
//! engine against the in-process simulators on loopback, with a naive
//! baseline ([`baseline`]) in the same run so ratios hold on a noisy machine,
//! and prints every figure next to its goal ([`report`]).
//!
//! Not a product crate: it depends on `bridge-core` and `bridge-sim` and is
//! never shipped.

pub mod baseline;
pub mod churn;
pub mod platform;
pub mod procfs;
pub mod report;
pub mod requests;
pub mod scenarios;
pub mod sources;
pub mod world;
