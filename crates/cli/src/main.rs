//! `backup-bridge`: the headless command line.
fn main() {}
