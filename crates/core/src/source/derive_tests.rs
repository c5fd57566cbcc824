use proptest::prelude::*;

use super::*;
use crate::source::platform::{ErrorLine, Gone};

const NOW: &str = "2026-12-05T12:00:00Z";

fn run(key: &str, status: RunStatus, start: &str, message: &str, lines: &[&str]) -> PlanRun {
    PlanRun {
        key: key.to_owned(),
        company_id: "c-1".to_owned(),
        computer: "PC1".to_owned(),
        plan: "Nightly".to_owned(),
        backup_type: "FileLevel".to_owned(),
        status,
        started_at: Some(start.to_owned()),
        updated_at: Some(start.to_owned()),
        message: message.to_owned(),
        error_lines: lines
            .iter()
            .map(|t| ErrorLine {
                at: None,
                text: (*t).to_owned(),
            })
            .collect(),
        description: vec![("Report".to_owned(), "https://r/1".to_owned())],
    }
}

fn observe(runs: Vec<PlanRun>) -> Observation {
    Observation {
        runs,
        ..Observation::default()
    }
}

fn step(states: &mut BTreeMap<String, KeyState>, runs: Vec<PlanRun>) -> Derivation {
    derive(SourceKind::Msp360, states, &observe(runs), NOW)
}

fn only(states: &BTreeMap<String, KeyState>) -> MonitoringEvent {
    let all = events(states);
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().unwrap()
}

const T1: &str = "2026-12-01T01:00:00Z";
const T2: &str = "2026-12-02T01:00:00Z";
const T3: &str = "2026-12-03T01:00:00Z";
const T4: &str = "2026-12-04T01:00:00Z";

#[test]
fn first_failure_opens_an_incident_named_by_key_and_start() {
    let mut s = BTreeMap::new();
    let d = step(
        &mut s,
        vec![run("k", RunStatus::Failed, T1, "disk full", &["a"])],
    );
    assert_eq!(d.changed.len(), 1);
    let e = only(&s);
    assert_eq!(e.id, format!("msp360:k@{T1}"));
    assert_eq!(
        (e.event_type.as_str(), e.job_status.as_str()),
        ("Error", "Failed")
    );
    assert_eq!(e.message, "disk full");
    assert_eq!(e.details.len(), 1);
    assert_eq!(
        e.extra,
        vec![("Report".to_owned(), "https://r/1".to_owned())]
    );
}

#[test]
fn status_table() {
    // (status, event type and job status of the incident it opens, or none)
    let table = [
        (RunStatus::Failed, Some(("Error", "Failed"))),
        (RunStatus::Warning, Some(("Warning", "Warning"))),
        (RunStatus::Overdue, Some(("Warning", "Overdue"))),
        (RunStatus::Running, None),
        (RunStatus::Completed, None),
        (RunStatus::Unknown, None),
        (RunStatus::NotTicketed, None),
    ];
    for (status, opens) in table {
        let mut s = BTreeMap::new();
        step(&mut s, vec![run("k", status, T1, "m", &[])]);
        let got = events(&s)
            .first()
            .map(|e| (e.event_type.clone(), e.job_status.clone()));
        assert_eq!(
            got,
            opens.map(|(a, b)| (a.to_owned(), b.to_owned())),
            "{status:?}"
        );
    }
}

#[test]
fn later_failures_update_and_add_only_new_lines() {
    let mut s = BTreeMap::new();
    step(
        &mut s,
        vec![run("k", RunStatus::Warning, T1, "slow", &["a"])],
    );
    let id = only(&s).id;
    let d = step(
        &mut s,
        vec![run("k", RunStatus::Failed, T2, "disk full", &["a", "b"])],
    );
    assert!(d.retired.is_empty());
    let e = only(&s);
    assert_eq!(e.id, id, "the same incident");
    assert_eq!(
        (e.event_type.as_str(), e.message.as_str()),
        ("Error", "disk full")
    );
    assert_eq!(e.details.len(), 2, "line a once, line b new");
    // The same run seen again changes nothing.
    let d = step(
        &mut s,
        vec![run("k", RunStatus::Failed, T2, "disk full", &["a", "b"])],
    );
    assert!(d.changed.is_empty());
}

#[test]
fn running_changes_nothing_and_success_completes() {
    let mut s = BTreeMap::new();
    step(&mut s, vec![run("k", RunStatus::Failed, T1, "x", &[])]);
    let before = only(&s);
    step(&mut s, vec![run("k", RunStatus::Running, T2, "", &[])]);
    assert_eq!(only(&s), before);
    step(&mut s, vec![run("k", RunStatus::Completed, T2, "", &[])]);
    let e = only(&s);
    assert_eq!(e.id, before.id);
    assert!(e.is_completed());
    assert_eq!(e.event_type, "Error", "the event type stays");
}

#[test]
fn next_failure_after_success_is_a_new_incident_and_retires_the_old() {
    let mut s = BTreeMap::new();
    step(&mut s, vec![run("k", RunStatus::Failed, T1, "x", &[])]);
    let first = only(&s).id;
    step(&mut s, vec![run("k", RunStatus::Completed, T2, "", &[])]);
    let d = step(&mut s, vec![run("k", RunStatus::Failed, T3, "y", &[])]);
    assert_eq!(d.retired, vec![first.clone()]);
    let e = only(&s);
    assert_ne!(e.id, first);
    assert_eq!(e.id, format!("msp360:k@{T3}"));
}

#[test]
fn success_without_an_incident_is_dropped() {
    let mut s = BTreeMap::new();
    step(&mut s, vec![run("k", RunStatus::Completed, T1, "", &[])]);
    assert!(events(&s).is_empty());
}

#[test]
fn an_older_run_seen_again_is_ignored() {
    // A poll window overlapping the last one reports the failure before
    // the success again, in the same observation or a later one.
    let mut s = BTreeMap::new();
    step(
        &mut s,
        vec![
            run("k", RunStatus::Completed, T2, "", &[]),
            run("k", RunStatus::Failed, T1, "x", &[]),
        ],
    );
    let e = only(&s);
    assert!(e.is_completed(), "ordered by start: the success came last");
    let d = step(&mut s, vec![run("k", RunStatus::Failed, T1, "x", &[])]);
    assert!(d.changed.is_empty() && d.retired.is_empty());
    assert!(only(&s).is_completed());
}

#[test]
fn a_gone_plan_drops_its_incident_unless_undecided() {
    let mut s = BTreeMap::new();
    step(&mut s, vec![run("k", RunStatus::Failed, T1, "x", &[])]);
    let mut undecided = Observation::default();
    undecided.gone = Gone {
        keys: ["k".to_owned()].into(),
        undecided: true,
    };
    derive(SourceKind::Msp360, &mut s, &undecided, NOW);
    assert_eq!(events(&s).len(), 1, "an unreadable listing removes nothing");
    let mut gone = Observation::default();
    gone.gone.keys.insert("k".to_owned());
    let d = derive(SourceKind::Msp360, &mut s, &gone, NOW);
    assert_eq!(d.dropped, ["k".to_owned()].into());
    assert!(events(&s).is_empty());
}

#[test]
fn a_run_without_a_start_uses_now_once() {
    let mut s = BTreeMap::new();
    let mut r = run("k", RunStatus::Failed, T1, "x", &[]);
    r.started_at = None;
    step(&mut s, vec![r.clone()]);
    let id = only(&s).id;
    assert_eq!(id, format!("msp360:k@{NOW}"));
    derive(SourceKind::Msp360, &mut s, &observe(vec![r]), T4);
    assert_eq!(only(&s).id, id, "a restart or a later poll keeps the id");
}

#[test]
fn keys_are_independent_and_kinds_prefix_ids() {
    let mut s = BTreeMap::new();
    derive(
        SourceKind::Comet,
        &mut s,
        &observe(vec![
            run("a", RunStatus::Failed, T1, "x", &[]),
            run("b", RunStatus::Warning, T1, "y", &[]),
        ]),
        NOW,
    );
    let ids: Vec<String> = events(&s).into_iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![format!("comet:a@{T1}"), format!("comet:b@{T1}")]);
}

fn status_strategy() -> impl Strategy<Value = RunStatus> {
    prop_oneof![
        Just(RunStatus::Failed),
        Just(RunStatus::Warning),
        Just(RunStatus::Overdue),
        Just(RunStatus::Running),
        Just(RunStatus::Completed),
        Just(RunStatus::Unknown),
        Just(RunStatus::NotTicketed),
    ]
}

proptest! {
    /// No sequence of states ever yields two open incidents for one key; an
    /// incident once completed is never open again (the next failure is a
    /// new incident); restarts (the state through its stored form) change
    /// no id.
    #[test]
    fn never_two_open_incidents_per_key(
        steps in prop::collection::vec(
            (0usize..3, status_strategy(), 0u32..40, prop::bool::ANY, prop::bool::ANY),
            1..60,
        )
    ) {
        let keys = ["a", "b", "c"];
        let mut states: BTreeMap<String, KeyState> = BTreeMap::new();
        let mut completed: BTreeSet<String> = BTreeSet::new();
        for (k, status, day, gone, restart) in steps {
            let key = keys[k];
            let start = format!("2026-11-{:02}T01:00:00Z", day % 28 + 1);
            let mut obs = observe(vec![run(key, status, &start, "m", &["line"])]);
            if gone {
                obs.runs.clear();
                obs.gone.keys.insert(key.to_owned());
                // A plan that is gone and comes back starts afresh.
                completed.retain(|id| !id.starts_with(&format!("comet:{key}@")));
            }
            if restart {
                let text = serde_json::to_string(&states).unwrap();
                states = serde_json::from_str(&text).unwrap();
            }
            let before: BTreeMap<String, String> = open_by_key(&states);
            derive(SourceKind::Comet, &mut states, &obs, NOW);
            let listing = events(&states);
            for k in keys {
                let open = listing
                    .iter()
                    .filter(|e| !e.is_completed() && e.id.starts_with(&format!("comet:{k}@")))
                    .count();
                prop_assert!(open <= 1, "key {k}: {open} open incidents");
            }
            for e in &listing {
                if e.is_completed() {
                    completed.insert(e.id.clone());
                } else {
                    prop_assert!(!completed.contains(&e.id), "{} open again", e.id);
                }
            }
            // An open incident keeps its id until it completes or is gone.
            let after = open_by_key(&states);
            for (k, id) in &before {
                if let Some(now) = after.get(k) {
                    prop_assert_eq!(now, id);
                }
            }
        }
    }
}

fn open_by_key(states: &BTreeMap<String, KeyState>) -> BTreeMap<String, String> {
    states
        .iter()
        .filter_map(|(k, s)| {
            let i = s.incident.as_ref().filter(|i| i.open)?;
            Some((k.clone(), i.event.id.clone()))
        })
        .collect()
}
