//! The background loop against the simulators: it syncs at start, shows an
//! error while ConnectWise fails and recovers without a restart, pauses and
//! resumes, notifies each distinct failure once and the recovery once; a
//! cycle that panics is a failed cycle and the loop keeps its schedule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bridge_core::scheduler::{Scheduler, SchedulerOptions, Status, SyncState};
use bridge_core::store::Store;
use bridge_sim::demo::Demo;
use tokio::sync::watch;

/// Waits until the loop has finished `cycles` cycles.
async fn wait_cycles(rx: &mut watch::Receiver<Status>, cycles: u64) -> Status {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            {
                let s = rx.borrow_and_update();
                if s.cycles >= cycles && s.state != SyncState::Syncing {
                    return s.clone();
                }
            }
            rx.changed().await.unwrap();
        }
    })
    .await
    .expect("the scheduler did not finish the cycle in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loop_reports_errors_recovers_and_pauses() {
    let demo = Demo::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bb.db")).unwrap();
    let engine = demo.engine(store).await.unwrap();
    let scheduler = Scheduler::spawn(
        Arc::new(engine),
        SchedulerOptions {
            interval_override: Some(Duration::from_secs(3600)),
            ..SchedulerOptions::default()
        },
    );
    let mut notes = scheduler.notifications();
    let mut status = scheduler.subscribe();

    // First cycle at start: tickets appear; the demo's Blue Yonder company has
    // no matching agreement only later in the timeline, so this one is clean.
    let s = wait_cycles(&mut status, 1).await;
    assert_eq!(s.state, SyncState::Idle, "{s:?}");
    assert!(s.last_report.as_ref().unwrap().counts.created >= 3);
    assert!(!demo.tickets().is_empty());

    // ConnectWise down: the cycle fails with a retryable error, one notification.
    demo.cw.faults().fail_next(1000, 503);
    scheduler.sync_now().await;
    let s = wait_cycles(&mut status, 2).await;
    match &s.state {
        SyncState::Error { reason, retryable } => {
            assert!(*retryable, "{reason}");
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let n = notes.try_recv().expect("a failure notification");
    assert!(n.is_failure, "{n:?}");
    // The same failure again: no second notification.
    scheduler.sync_now().await;
    wait_cycles(&mut status, 3).await;
    assert!(notes.try_recv().is_err(), "the same failure notified twice");

    // ConnectWise back: the next cycle recovers without a restart.
    demo.cw.faults().reset();
    scheduler.sync_now().await;
    let s = wait_cycles(&mut status, 4).await;
    assert_eq!(s.state, SyncState::Idle, "{s:?}");
    let recovered: Vec<_> = std::iter::from_fn(|| notes.try_recv().ok()).collect();
    assert_eq!(recovered.len(), 1, "{recovered:?}");
    assert!(!recovered[0].is_failure, "{recovered:?}");

    // Paused: the state says so and the interval does not run cycles.
    scheduler.pause().await;
    tokio::time::timeout(Duration::from_secs(10), async {
        while status.borrow_and_update().state != SyncState::Paused {
            status.changed().await.unwrap();
        }
    })
    .await
    .unwrap();
    scheduler.resume().await;
    let s = wait_cycles(&mut status, 5).await;
    assert_ne!(s.state, SyncState::Paused);

    scheduler.stop().await;
    demo.shutdown().await;
}

/// REGRESSION: a panic inside a cycle (here in the action sink; before, a
/// Dashboard `Retry-After: 1e20`) unwound the loop's task: the status stayed
/// "syncing" for good and no cycle ever ran again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_cycle_fails_and_the_loop_keeps_its_schedule() {
    let demo = Demo::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bb.db")).unwrap();
    let engine = demo.engine(store.clone()).await.unwrap();
    let armed = Arc::new(AtomicBool::new(true));
    let trip = armed.clone();
    let scheduler = Scheduler::spawn(
        Arc::new(engine),
        SchedulerOptions {
            interval_override: Some(Duration::from_secs(3600)),
            on_action: Some(Arc::new(move |_| {
                if trip.swap(false, Ordering::SeqCst) {
                    panic!("the action sink broke");
                }
            })),
            ..SchedulerOptions::default()
        },
    );
    let mut notes = scheduler.notifications();
    let mut status = scheduler.subscribe();

    let s = wait_cycles(&mut status, 1).await;
    match &s.state {
        SyncState::Error { reason, retryable } => {
            assert!(*retryable, "{reason}");
            assert!(
                reason.starts_with(
                    "the sync cycle failed unexpectedly (internal error: the action sink broke); \
                     it will be tried again"
                ),
                "{reason}"
            );
        }
        other => panic!("expected a failed cycle, got {other:?}"),
    }
    assert!(!armed.load(Ordering::SeqCst));
    let n = notes.try_recv().expect("a failure notification");
    assert!(
        n.is_failure && n.body.contains("failed unexpectedly"),
        "{n:?}"
    );
    // The run the panic cut short is closed with the same sentence.
    let runs = bridge_core::store::runs::recent_runs(&store, 1).unwrap();
    assert!(
        runs[0]
            .error_messages
            .iter()
            .any(|e| e.contains("failed unexpectedly")),
        "{runs:?}"
    );

    // The loop is alive: the next cycle runs and finishes the work.
    scheduler.sync_now().await;
    let s = wait_cycles(&mut status, 2).await;
    assert_eq!(s.state, SyncState::Idle, "{s:?}");
    assert!(!demo.tickets().is_empty());

    scheduler.stop().await;
    demo.shutdown().await;
}

/// REGRESSION: a Dashboard (or a proxy in front of it) answering with
/// `Retry-After: 1e20` panicked the client, and with it the loop's task. Now
/// such an answer is a failed, retryable cycle saying when to come back
/// (clamped to an hour), and the loop goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_retry_after_fails_the_cycle_and_the_loop_goes_on() {
    let demo = Demo::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bb.db")).unwrap();
    let engine = demo.engine(store).await.unwrap();
    let scheduler = Scheduler::spawn(
        Arc::new(engine),
        SchedulerOptions {
            interval_override: Some(Duration::from_secs(3600)),
            run_at_start: false,
            ..SchedulerOptions::default()
        },
    );
    let mut status = scheduler.subscribe();
    for (cycle, value) in [(1, "1e20"), (2, "99999999999999999999")] {
        demo.dashboard.faults().rate_limit_next_with(1, value);
        scheduler.sync_now().await;
        let s = wait_cycles(&mut status, cycle).await;
        match &s.state {
            SyncState::Error { reason, retryable } => {
                assert!(*retryable, "{value}: {reason}");
                assert!(
                    reason.contains("slow down (HTTP 429); retry after 3600 s"),
                    "{value}: {reason}"
                );
            }
            other => panic!("{value}: expected a failed cycle, got {other:?}"),
        }
    }
    scheduler.sync_now().await;
    let s = wait_cycles(&mut status, 3).await;
    assert_eq!(s.state, SyncState::Idle, "{s:?}");
    assert!(!demo.tickets().is_empty());

    scheduler.stop().await;
    demo.shutdown().await;
}
