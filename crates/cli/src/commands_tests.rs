//! Unit tests of the command functions that need no binary run.

use bridge_core::scheduler::{Status, SyncState};
use tokio::sync::watch;

use super::follow;

fn status(cycles: u64) -> Status {
    Status {
        state: SyncState::Idle,
        cycles,
        last_run_at: None,
        last_report: None,
        next_in_secs: None,
    }
}

/// REGRESSION: when the sync loop's task ended without being asked (a panic
/// in a cycle), `sync` saw its status channel close and exited 0 as if all
/// were well; it now fails with exit 1 and a sentence.
#[tokio::test]
async fn a_loop_that_ends_by_itself_is_a_failure() {
    let (tx, rx) = watch::channel(status(0));
    drop(tx);
    let failure = follow(rx, None)
        .await
        .expect_err("a loop that ended by itself is not a success");
    assert_eq!(failure.code, 1);
    assert!(
        failure
            .message
            .starts_with("the sync loop stopped unexpectedly;"),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn following_the_asked_cycles_is_a_success() {
    let (tx, rx) = watch::channel(status(0));
    let follower = tokio::spawn(follow(rx, Some(1)));
    tx.send_modify(|s| s.cycles = 1);
    let had_errors = follower
        .await
        .expect("follow runs")
        .unwrap_or_else(|f| panic!("{}", f.message));
    assert!(!had_errors);
}
