//! Tests of the fault injector: one-shot faults, the rate limiter and the after-commit countdowns.

use super::*;

fn state() -> (Arc<FaultState>, watch::Sender<bool>) {
    let (tx, rx) = watch::channel(false);
    (FaultState::new(rx), tx)
}

#[test]
fn one_shot_faults_are_consumed_in_order() {
    let (faults, _tx) = state();
    let control = FaultControl(faults.clone());
    control.fail_next(1, 503);
    control.rate_limit_next(1, 7);
    control.hang_next(1);
    control.garbage_next(1);
    control.redirect_next(1, "http://elsewhere/");
    let now = Instant::now();
    let seen: Vec<_> = (0..6).map(|_| faults.next_fault(now).1).collect();
    assert_eq!(
        seen,
        vec![
            Some(Fault::Hang),
            Some(Fault::RateLimited {
                retry_after: "7".to_owned()
            }),
            Some(Fault::Redirect("http://elsewhere/".to_owned())),
            Some(Fault::Fail(503)),
            Some(Fault::Garbage),
            None
        ]
    );
}

#[test]
fn rate_limiter_counts_a_sliding_minute() {
    let (faults, _tx) = state();
    FaultControl(faults.clone()).set_rate_limit_per_minute(Some(2));
    let t0 = Instant::now();
    assert_eq!(faults.next_fault(t0).1, None);
    assert_eq!(faults.next_fault(t0 + Duration::from_secs(10)).1, None);
    assert_eq!(
        faults.next_fault(t0 + Duration::from_secs(20)).1,
        Some(Fault::RateLimited {
            retry_after: "40".to_owned()
        })
    );
    // The first request leaves the window after 60 s.
    assert_eq!(faults.next_fault(t0 + Duration::from_secs(60)).1, None);
}

#[test]
fn fail_after_commit_counts_down_with_its_status() {
    let (faults, _tx) = state();
    FaultControl(faults.clone()).fail_after_commit_next(2, 502);
    assert_eq!(faults.take_fail_after_commit(), Some(502));
    assert_eq!(faults.take_fail_after_commit(), Some(502));
    assert_eq!(faults.take_fail_after_commit(), None);
}

#[test]
fn drop_after_commit_counts_down() {
    let (faults, _tx) = state();
    FaultControl(faults.clone()).drop_after_commit_next(2);
    assert!(faults.take_drop_after_commit());
    assert!(faults.take_drop_after_commit());
    assert!(!faults.take_drop_after_commit());
}
