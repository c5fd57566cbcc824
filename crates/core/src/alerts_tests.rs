use super::*;
use crate::cw::CwError;
use crate::engine::Problem;

/// A cycle whose failed events have no ticket.
fn quiet() -> CycleContext {
    CycleContext {
        started_at: "2026-12-06T21:00:00Z".into(),
        tickets: BTreeMap::new(),
    }
}

fn report(problems: &[(&str, &str)]) -> Result<RunReport, Error> {
    Ok(RunReport {
        errors: problems
            .iter()
            .map(|(k, m)| Problem {
                key: (*k).to_owned(),
                message: (*m).to_owned(),
            })
            .collect(),
        ..RunReport::default()
    })
}

#[test]
fn a_removal_hold_is_notified_once_whatever_its_count() {
    let mut a = Alerts::new();
    let held = |n: usize| {
        report(&[(
            "removals:guarded",
            &format!("{n} of the 12 tracked events are missing")[..],
        )])
    };
    let first = a.observe(&held(12), &quiet());
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0].title,
        "BackupBridge: removals need your confirmation"
    );
    assert!(a.observe(&held(11), &quiet()).is_empty());
    assert!(a.observe(&held(12), &quiet()).is_empty());
    assert!(!a.observe(&report(&[]), &quiet()).is_empty(), "recovered");
}

#[test]
fn each_roll_up_opened_is_notified_once_and_opens_its_ticket() {
    let mut a = Alerts::new();
    let opened = Ok(RunReport {
        rollups_opened: vec![crate::engine::RollupOpened {
            event_id: "rollup:3".into(),
            ticket_id: 812,
            failures: 300,
            companies: 60,
            cause: "Cannot write to <path> the destination is unreachable".into(),
        }],
        ..RunReport::default()
    });
    assert_eq!(failed_events(&opened), ["rollup:3"]);
    let mut cx = quiet();
    let url = "https://cw.example.com/ticket?service_recid=812";
    cx.tickets.insert(
        "rollup:3".into(),
        TicketLink {
            ticket_id: 812,
            url: url.into(),
        },
    );
    let shown = a.observe(&opened, &cx);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(
        shown[0].title,
        "BackupBridge: 300 backups failed with one cause"
    );
    assert!(
        shown[0]
            .body
            .starts_with("Roll-up ticket #812 lists them (60 companies): Cannot"),
        "{}",
        shown[0].body
    );
    assert_eq!(
        shown[0].open,
        Some(NotificationTarget::Ticket {
            ticket_id: 812,
            url: url.into()
        })
    );
    // The next cycle opened none: nothing more.
    assert!(a.observe(&Ok(RunReport::default()), &quiet()).is_empty());
}

#[test]
fn a_storm_is_notified_once_when_it_starts() {
    let mut a = Alerts::new();
    let held = |n: usize| {
        Ok(RunReport {
            creates_held: n,
            ..RunReport::default()
        })
    };
    assert!(a.observe(&held(0), &quiet()).is_empty());
    let first = a.observe(&held(120), &quiet());
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0].title,
        "BackupBridge: storm guard holding new tickets"
    );
    assert!(
        first[0]
            .body
            .starts_with("120 tickets held by the storm guard: "),
        "{}",
        first[0].body
    );
    // The same storm, shrinking, and a failed cycle in the middle: silence.
    assert!(a.observe(&held(70), &quiet()).is_empty());
    let offline: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
        message: "refused".into(),
    }));
    assert_eq!(a.observe(&offline, &quiet()).len(), 1, "only the failure");
    assert!(a
        .observe(&held(20), &quiet())
        .iter()
        .all(|n| !n.title.contains("storm")));
    // The storm ends without a word; the next one is notified again.
    assert!(a
        .observe(&held(0), &quiet())
        .iter()
        .all(|n| !n.title.contains("storm")));
    assert!(!a.failing());
    assert_eq!(
        a.observe(&held(1), &quiet())[0].body.split(':').next(),
        Some("1 ticket held by the storm guard")
    );
}

#[test]
fn each_distinct_failure_once_then_one_recovery() {
    let mut a = Alerts::new();
    assert!(a.observe(&report(&[]), &quiet()).is_empty());
    let auth: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
        message: "ConnectWise refused the API keys".into(),
    }));
    let first = a.observe(&auth, &quiet());
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].title, "BackupBridge cannot sync");
    assert!(first[0].is_failure);
    // The same failure again: silence.
    assert!(a.observe(&auth, &quiet()).is_empty());
    assert!(a.observe(&auth, &quiet()).is_empty());
    // A different failure: one more notification.
    let agreement = report(&[("company:c-1", "no agreement matches `x`")]);
    let n = a.observe(&agreement, &quiet());
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].body, "no agreement matches `x`");
    assert!(a.observe(&agreement, &quiet()).is_empty());
    // Everything fine: one recovery, then silence.
    let r = a.observe(&report(&[]), &quiet());
    assert_eq!(r.len(), 1);
    assert!(!r[0].is_failure);
    assert!(a.observe(&report(&[]), &quiet()).is_empty());
}

#[test]
fn several_new_problems_make_one_notification() {
    let mut a = Alerts::new();
    let n = a.observe(
        &report(&[("event:e1", "rejected"), ("event:e2", "rejected")]),
        &quiet(),
    );
    assert_eq!(n.len(), 1);
    assert!(n[0].body.contains("and 1 more"));
    // One of them resolved, the other stays: no notification.
    assert!(a
        .observe(&report(&[("event:e2", "rejected")]), &quiet())
        .is_empty());
    assert!(a.failing());
}

#[test]
fn a_ticket_scoped_failure_opens_its_ticket_and_others_open_nothing() {
    let url = "https://cw.example/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=42&companyName=acme";
    let cx = CycleContext {
        started_at: "2026-12-06T21:00:00Z".into(),
        tickets: BTreeMap::from([(
            "e1".to_owned(),
            TicketLink {
                ticket_id: 42,
                url: url.to_owned(),
            },
        )]),
    };
    let opens = |problems: &[(&str, &str)]| {
        let n = Alerts::new().observe(&report(problems), &cx);
        assert_eq!(n.len(), 1, "{problems:?}");
        n[0].open.clone()
    };
    let ticket = Some(NotificationTarget::Ticket {
        ticket_id: 42,
        url: url.to_owned(),
    });
    // The table: which failure is named first decides what a click opens.
    assert_eq!(opens(&[("event:e1", "e1: rejected")]), ticket);
    assert_eq!(opens(&[("event:e1", "a"), ("event:e2", "b")]), ticket);
    assert_eq!(opens(&[("event:e2", "e2: no ticket yet")]), None);
    assert_eq!(opens(&[("company:e1", "no agreement")]), None);
    assert_eq!(opens(&[("item:3", "unreadable")]), None);
    let offline: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
        message: "refused".into(),
    }));
    assert_eq!(Alerts::new().observe(&offline, &cx)[0].open, None);
    // A recovery opens nothing.
    let mut a = Alerts::new();
    a.observe(&report(&[("event:e1", "rejected")]), &cx);
    let recovered = a.observe(&report(&[]), &cx);
    assert!(!recovered[0].is_failure);
    assert_eq!(recovered[0].open, None);
}

#[test]
fn failed_events_are_the_event_problems_of_a_report() {
    let outcome = report(&[("event:e1", "a"), ("company:c", "b"), ("event:e:2", "c")]);
    assert_eq!(failed_events(&outcome), ["e1", "e:2"]);
    let offline: Result<RunReport, Error> = Err(Error::Cw(CwError::Auth {
        message: "refused".into(),
    }));
    assert!(failed_events(&offline).is_empty());
}

#[test]
fn a_storm_opens_the_tickets_created_since_its_first_cycle() {
    let mut a = Alerts::new();
    let held = |n: usize| {
        Ok(RunReport {
            creates_held: n,
            ..RunReport::default()
        })
    };
    let at = |t: &str| CycleContext {
        started_at: t.into(),
        tickets: BTreeMap::new(),
    };
    let first = a.observe(&held(30), &at("2026-12-06T21:05:00Z"));
    let since = |n: &Notification| match &n.open {
        Some(NotificationTarget::Activity { filter }) => filter.created_since.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(since(&first[0]), "2026-12-06T21:05:00Z");
    assert!(a.observe(&held(10), &at("2026-12-06T21:10:00Z")).is_empty());
    a.observe(&held(0), &at("2026-12-06T21:15:00Z"));
    // The next storm starts from its own first cycle.
    let next = a.observe(&held(5), &at("2026-12-06T22:00:00Z"));
    assert_eq!(since(&next[0]), "2026-12-06T22:00:00Z");
}

#[test]
fn targets_serialise_as_the_ui_reads_them() {
    let storm = NotificationTarget::Activity {
        filter: ActivityFilter {
            created_since: "2026-12-06T21:05:00Z".into(),
        },
    };
    let json = serde_json::to_value(&storm).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "activity", "filter": {"created_since": "2026-12-06T21:05:00Z"}})
    );
    assert_eq!(
        serde_json::from_value::<NotificationTarget>(json).unwrap(),
        storm
    );
}
