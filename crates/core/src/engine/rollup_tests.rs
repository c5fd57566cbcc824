use super::*;

fn candidate(n: usize, company: &str, message: &str) -> Candidate {
    Candidate {
        event_id: format!("e-{n}"),
        company_id: company.to_lowercase(),
        company: format!("{company} ({company})"),
        computer: format!("SRV-{n:03}"),
        message: message.to_owned(),
    }
}

/// `count` failures of one storage outage, each naming its own machine and path.
fn outage(count: usize) -> Vec<Candidate> {
    (0..count)
        .map(|n| {
            let company = ["Acme", "Globex", "Initech"][n % 3];
            candidate(
                n,
                company,
                &format!(
                    "Backup to \\\\nas-{n}\\backups\\SRV-{n:03} failed: destination unreachable after {n} retries"
                ),
            )
        })
        .collect()
}

fn rollup(id: i64, members: &[Candidate]) -> Rollup {
    Rollup {
        id,
        cause: storm::shared_cause(&members[0].message, &members[0].computer),
        cw_company_id: 19,
        cw_identifier: "MyMSP".to_owned(),
        created_at: "2026-12-06T10:00:00Z".to_owned(),
        members: members.iter().map(Candidate::member).collect(),
    }
}

fn row(event_id: &str, ticket_id: i64, state: TicketState, pushed: &[&str]) -> LedgerEntry {
    LedgerEntry {
        event_id: event_id.to_owned(),
        company_id: "acme".to_owned(),
        ticket_id,
        state,
        anomaly: false,
        event_type: "Error".to_owned(),
        job_status: "Failed".to_owned(),
        message: "m".to_owned(),
        summary: "s".to_owned(),
        priority: None,
        content_hash: "h".to_owned(),
        pushed_details: pushed.iter().map(|s| (*s).to_owned()).collect(),
        last_action: None,
        last_error: None,
        updated_at: "2026-12-06T10:00:00Z".to_owned(),
        source: "dashboard".to_owned(),
        snoozed: None,
        flap: None,
    }
}

const NOW: &str = "2026-12-06T11:00:00Z";

#[test]
fn decide_follows_the_roll_up_rules() {
    let storm = outage(12);
    let open = [rollup(1, &storm[..3])];
    let other = candidate(90, "Acme", "Error 1603 while installing the agent");
    let mut other_code = other.clone();
    other_code.event_id = "e-91".into();
    other_code.message = "Error 1618 while installing the agent".into();
    struct Case {
        name: &'static str,
        open: &'static [usize],
        candidates: Vec<Candidate>,
        min: usize,
        opening: bool,
        joins: usize,
        opens: Vec<usize>,
    }
    let cases = [
        Case {
            name: "a shared cause at the threshold opens one roll-up",
            open: &[],
            candidates: storm[..10].to_vec(),
            min: 10,
            opening: true,
            joins: 0,
            opens: vec![10],
        },
        Case {
            name: "below the threshold nothing opens",
            open: &[],
            candidates: storm[..9].to_vec(),
            min: 10,
            opening: true,
            joins: 0,
            opens: vec![],
        },
        Case {
            name: "without a roll-up company nothing opens",
            open: &[],
            candidates: storm.clone(),
            min: 10,
            opening: false,
            joins: 0,
            opens: vec![],
        },
        Case {
            name: "members are not counted again; the same cause joins however few",
            open: &[1],
            candidates: storm[..5].to_vec(),
            min: 10,
            opening: true,
            joins: 2,
            opens: vec![],
        },
        Case {
            name: "joining needs no roll-up company (one is already open)",
            open: &[1],
            candidates: storm[3..4].to_vec(),
            min: 10,
            opening: false,
            joins: 1,
            opens: vec![],
        },
        Case {
            name: "two error codes are two causes",
            open: &[],
            candidates: vec![other.clone(), other_code.clone()],
            min: 1,
            opening: true,
            joins: 0,
            opens: vec![],
        },
        Case {
            name: "a listing that repeats an event counts it once",
            open: &[],
            candidates: [storm[..9].to_vec(), storm[..1].to_vec()].concat(),
            min: 10,
            opening: true,
            joins: 0,
            opens: vec![],
        },
    ];
    for case in cases {
        let open: Vec<Rollup> = case.open.iter().map(|_| open[0].clone()).collect();
        let got = decide(&open, &case.candidates, case.min, case.opening);
        let joins: usize = got.joins.values().map(Vec::len).sum();
        assert_eq!(joins, case.joins, "{}", case.name);
        let opens: Vec<usize> = got.opens.iter().map(|(_, m)| m.len()).collect();
        assert_eq!(opens, case.opens, "{}", case.name);
    }
}

#[test]
fn a_new_roll_up_is_created_in_its_company_listing_every_member() {
    let storm = outage(12);
    let r = rollup(7, &storm);
    let plan = ticket_plan(&r, None, &BTreeSet::new(), Some("Priority 1"), NOW).unwrap();
    assert_eq!(plan.event_id, "rollup:7");
    let [Step::Create(draft)] = plan.steps.as_slice() else {
        panic!("{:?}", plan.steps)
    };
    assert_eq!(draft.cw_company_id, 19);
    assert_eq!(draft.xref, "bb:rollup:7");
    assert!(draft
        .summary
        .starts_with("Roll-up: 12 backups failing with one cause (3 companies)"));
    assert!(draft.summary.chars().count() <= 100);
    assert!(draft
        .description
        .contains("- Acme (Acme): SRV-000, SRV-003, SRV-006, SRV-009\n"));
    assert!(draft.description.contains(&r.cause));
    assert_eq!(
        plan.done.pushed_details.len(),
        12,
        "the description lists them all"
    );
    assert_eq!(plan.done.source, rollups::LEDGER_SOURCE);
    // A deleted roll-up ticket is created again.
    let deleted = row("rollup:7", 500, TicketState::Deleted, &[]);
    let again = ticket_plan(&r, Some(&deleted), &BTreeSet::new(), None, NOW).unwrap();
    assert!(matches!(again.steps.as_slice(), [Step::Create(_)]));
}

#[test]
fn newcomers_get_one_note_and_the_last_completion_closes() {
    let storm = outage(12);
    let r = rollup(7, &storm);
    let listed: Vec<&str> = storm[..10].iter().map(|c| c.event_id.as_str()).collect();
    let open = row("rollup:7", 500, TicketState::Open, &listed);
    let none = BTreeSet::new();
    let plan = ticket_plan(&r, Some(&open), &none, None, NOW).unwrap();
    let [Step::Note {
        text,
        resolution: false,
        effect,
    }] = plan.steps.as_slice()
    else {
        panic!("{:?}", plan.steps)
    };
    assert!(
        text.starts_with("2 more failures joined this roll-up (12 in all):\n"),
        "{text}"
    );
    assert_eq!(
        effect,
        &NoteEffect::Listed(vec!["e-10".into(), "e-11".into()])
    );
    assert_eq!(plan.ticket_id, Some(500));

    let all: Vec<&str> = storm.iter().map(|c| c.event_id.as_str()).collect();
    let complete = row("rollup:7", 500, TicketState::Open, &all);
    assert_eq!(
        ticket_plan(&r, Some(&complete), &none, None, NOW),
        None,
        "nothing due"
    );
    let mut done: BTreeSet<String> = storm[..11].iter().map(|c| c.event_id.clone()).collect();
    assert_eq!(
        ticket_plan(&r, Some(&complete), &done, None, NOW),
        None,
        "one still failing"
    );
    done.insert("e-11".into());
    let plan = ticket_plan(&r, Some(&complete), &done, None, NOW).unwrap();
    assert!(matches!(
        plan.steps.as_slice(),
        [
            Step::Note {
                resolution: true,
                ..
            },
            Step::Close
        ]
    ));
    assert_eq!(plan.done.state, TicketState::Closed);
    let closed = row("rollup:7", 500, TicketState::Closed, &all);
    assert_eq!(ticket_plan(&r, Some(&closed), &done, None, NOW), None);
}

#[test]
fn each_member_ticket_gets_one_pointer_note() {
    let storm = outage(12);
    let r = rollup(7, &storm);
    let member = row("e-1", 1001, TicketState::Open, &["d-1"]);
    let plan = pointer_plan(&r, 500, &member, NOW).unwrap();
    let [Step::Note { text, effect, .. }] = plan.steps.as_slice() else {
        panic!("{:?}", plan.steps)
    };
    assert!(text.starts_with("Roll-up ticket #500: this failure shares its cause with 12 failures across 3 companies"), "{text}");
    assert_eq!(effect, &NoteEffect::Detail(pointer_mark(7)));
    assert_eq!(plan.company_id, "acme");
    assert!(plan.done.pushed_details.contains("d-1"));
    let noted = plan.done.clone();
    assert_eq!(pointer_plan(&r, 500, &noted, NOW), None, "once");
    let closed = row("e-1", 1001, TicketState::Closed, &[]);
    assert_eq!(pointer_plan(&r, 500, &closed, NOW), None);
    let no_ticket = row("e-1", 0, TicketState::Open, &[]);
    assert_eq!(pointer_plan(&r, 500, &no_ticket, NOW), None);
}
