//! `bridge-sim`: run the simulators standalone.
fn main() {}
