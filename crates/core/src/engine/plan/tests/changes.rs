//! Rules 2–5: a ticket is created (with its fields, capped summary and
//! initial details) unless the event needs none, the agreement condition
//! holds it or lets it through, a change patches only what changed with one
//! note, and each new detail is pushed once.

use super::*;

#[test]
fn rule2_create_unless_completed_non_anomaly() {
    let cases = [
        ("Error", "Failed", true),
        ("Warning", "Warning", true),
        ("Error", "Overdue", true),
        ("Error", "Completed", false),
        ("Warning", "Completed", false),
        ("BackupAnomaly", "Completed", true),
        ("BackupAnomaly", "Running", true),
    ];
    for (event_type, job_status, creates) in cases {
        let w = World::new(vec![event("e1", event_type, job_status)]);
        let p = w.run();
        assert_eq!(
            verbs(&p, "e1") == ["created"],
            creates,
            "{event_type}/{job_status}"
        );
        if !creates {
            assert_eq!(
                skip_reason(&p, "e1"),
                Some(SkipReason::CompletedBeforeTicket)
            );
        }
    }
}

#[test]
fn rule2_ticket_fields_and_initial_details_count_as_pushed() {
    let mut e = event("evt-7f3a", "Error", "Failed");
    e.details = vec![detail("d-1", "FileLevelErrorDetails")];
    let mut w = World::new(vec![e]);
    let p = w.sync();
    let Step::Create(draft) = &p.items[0].steps[0] else {
        panic!("expected a create")
    };
    assert_eq!(draft.xref, "bb:evt-7f3a");
    assert_eq!(draft.cw_company_id, 250);
    assert_eq!(draft.summary, "Error: PC1 - Nightly (FileLevel)");
    assert_eq!(draft.priority.as_deref(), Some("Priority 2 - High"));
    assert!(draft.description.contains("Detail d-1"));
    assert_eq!(draft.agreement, None);
    // Rule 10 + 2: the next cycle has nothing to do, d-1 never comes as a note.
    let again = w.sync();
    assert_eq!(again.action_count(), 0);
    assert!(again.items.is_empty());
}

#[test]
fn rule2_summary_over_100_chars_is_capped() {
    let mut e = event("e1", "Error", "Failed");
    e.plan = "A very long backup plan name ".repeat(6);
    let w = World::new(vec![e]);
    let p = w.run();
    let Step::Create(draft) = &p.items[0].steps[0] else {
        panic!("expected a create")
    };
    assert!(draft.summary.chars().count() <= 100, "{}", draft.summary);
}

#[test]
fn rule3_agreement_condition() {
    let cond = "name like \"%ICB\"";
    let cases: [(&str, Option<AgreementLookup>, bool, Option<&str>); 4] = [
        ("", None, true, None),
        (
            cond,
            Some(AgreementLookup::Found {
                id: 7,
                name: "Business Continuity ICB".into(),
            }),
            true,
            None,
        ),
        (
            cond,
            Some(AgreementLookup::NoMatch),
            false,
            Some("no agreement of AcmeDental matches `name like \"%ICB\"`"),
        ),
        (
            cond,
            Some(AgreementLookup::Failed("HTTP 400".into())),
            false,
            Some("agreement lookup for `name like \"%ICB\"` failed: HTTP 400"),
        ),
    ];
    for (condition, lookup, creates, error) in cases {
        let mut w = World::new(vec![event("e1", "Error", "Failed")]);
        w.companies.insert("c-1".into(), scope(condition));
        let needs = w.needs();
        assert_eq!(
            needs.agreement_companies.contains("c-1"),
            !condition.is_empty()
        );
        if let Some(l) = lookup.clone() {
            w.agreements.insert("c-1".into(), l);
        }
        let p = w.run();
        assert_eq!(verbs(&p, "e1") == ["created"], creates, "{condition:?}");
        assert_eq!(p.company_errors.get("c-1").map(String::as_str), error);
        if let Some(AgreementLookup::Found { id, .. }) = lookup {
            let Step::Create(d) = &p.items[0].steps[0] else {
                panic!()
            };
            assert_eq!(d.agreement.as_ref().map(|a| a.0), Some(id));
        }
    }
}

#[test]
fn rule3_no_match_is_retried_next_cycle() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.companies.insert("c-1".into(), scope("name = \"X\""));
    w.agreements.insert("c-1".into(), AgreementLookup::NoMatch);
    assert!(w.sync().items.is_empty());
    // Nothing recorded, so the next cycle (whose lookups start afresh)
    // asks for the lookup again.
    w.agreements.clear();
    assert!(w.needs().agreement_companies.contains("c-1"));
    w.agreements.insert(
        "c-1".into(),
        AgreementLookup::Found {
            id: 3,
            name: "A".into(),
        },
    );
    assert_eq!(verbs(&w.sync(), "e1"), ["created"]);
}

#[test]
fn rule4_change_notes_and_patches_only_changed_fields() {
    let mut w = World::new(vec![event("e1", "Warning", "Warning")]);
    w.sync();
    w.events[0].event_type = "Error".into();
    w.events[0].job_status = "Failed".into();
    w.events[0].message = "disk full".into();
    let p = w.sync();
    let steps = &p.items[0].steps;
    assert_eq!(verbs(&p, "e1"), ["updated", "noted"]);
    assert_eq!(
        steps[0],
        Step::Patch {
            summary: Some("Error: PC1 - Nightly (FileLevel)".into()),
            priority: Some("Priority 2 - High".into()),
        }
    );
    let Step::Note { text, .. } = &steps[1] else {
        panic!()
    };
    assert!(text.starts_with("Warning -> Failed: disk full"), "{text}");
    // Message-only change: a note, no patch.
    w.events[0].message = "disk still full".into();
    assert_eq!(verbs(&w.sync(), "e1"), ["noted"]);
    assert!(w.sync().items.is_empty());
}

#[test]
fn rule5_new_details_each_pushed_once() {
    let mut w = World::new(vec![event("e1", "Error", "Failed")]);
    w.sync();
    w.events[0].details = vec![
        detail("d-1", "FileLevelErrorDetails"),
        detail("d-2", "BackupAnomalyDetails"),
    ];
    let needs_now = w.needs();
    assert_eq!(needs_now.ticket_states, BTreeSet::from([100]));
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["detail noted", "detail noted"]);
    w.events[0]
        .details
        .push(detail("d-3", "FileLevelErrorDetails"));
    let p = w.sync();
    assert_eq!(verbs(&p, "e1"), ["detail noted"]);
    let Step::Note { text, .. } = &p.items[0].steps[0] else {
        panic!()
    };
    assert!(text.starts_with("Detail d-3"));
    assert!(w.sync().items.is_empty());
}
