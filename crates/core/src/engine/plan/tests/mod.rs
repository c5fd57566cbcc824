//! Table-driven tests for every sync rule of design §4: the test world and
//! rules 1–5 here, rules 6–11 in `lifecycle.rs`.

use super::*;

mod guard;
mod lifecycle;
use std::collections::{BTreeMap, BTreeSet};

use crate::model::{EventDetail, TypeFilter};

const NOW: &str = "2026-11-27T10:00:00Z";

fn event(id: &str, event_type: &str, job_status: &str) -> MonitoringEvent {
    MonitoringEvent {
        id: id.into(),
        company_id: "c-1".into(),
        computer: "PC1".into(),
        plan: "Nightly".into(),
        backup_type: "FileLevel".into(),
        event_type: event_type.into(),
        job_status: job_status.into(),
        message: "3 files could not be read".into(),
        details: vec![],
        started_at: None,
        updated_at: None,
        extra: Vec::new(),
    }
}

fn detail(id: &str, kind: &str) -> EventDetail {
    EventDetail {
        id: id.into(),
        kind: kind.into(),
        at: Some("2026-11-20T02:13:00Z".into()),
        text: format!("text of {id}"),
    }
}

fn scope(condition: &str) -> CompanyScope {
    CompanyScope {
        company_id: "c-1".into(),
        company_name: "Acme Dental".into(),
        cw_company_id: 250,
        cw_identifier: "AcmeDental".into(),
        event_types: TypeFilter::parse("Error,Warning,BackupAnomaly"),
        backup_types: TypeFilter::All,
        agreement_condition: condition.into(),
    }
}

fn rules(policy: RemovedPolicy) -> TicketRules {
    TicketRules {
        summary_template: "{eventType}: {computer} - {plan} ({backupType})".into(),
        removed_policy: policy,
        priority_by_event_type: BTreeMap::from([
            ("Error".to_owned(), "Priority 2 - High".to_owned()),
            ("Warning".to_owned(), "Priority 3 - Normal".to_owned()),
        ]),
    }
}

/// A test world; `run` plans against it.
struct World {
    events: Vec<MonitoringEvent>,
    ledger: BTreeMap<String, LedgerEntry>,
    companies: BTreeMap<String, CompanyScope>,
    rules: TicketRules,
    agreements: BTreeMap<String, AgreementLookup>,
    remote: BTreeMap<i64, RemoteTicket>,
    unreadable: BTreeSet<String>,
    removal_blocked: bool,
    /// A person confirmed removals (rule 15).
    confirmed: bool,
}

impl World {
    fn new(events: Vec<MonitoringEvent>) -> World {
        World {
            events,
            ledger: BTreeMap::new(),
            companies: BTreeMap::from([("c-1".to_owned(), scope(""))]),
            rules: rules(RemovedPolicy::Close),
            agreements: BTreeMap::new(),
            remote: BTreeMap::new(),
            unreadable: BTreeSet::new(),
            removal_blocked: false,
            confirmed: false,
        }
    }

    /// The tracked rows whose event the listing no longer has.
    fn absent(&self) -> BTreeMap<String, LedgerEntry> {
        self.ledger
            .iter()
            .filter(|(id, _)| !self.events.iter().any(|e| &e.id == *id))
            .map(|(id, row)| (id.clone(), row.clone()))
            .collect()
    }

    fn input<'a>(&'a self, absent: &'a BTreeMap<String, LedgerEntry>) -> PlanInput<'a> {
        PlanInput {
            events: &self.events,
            unreadable_ids: &self.unreadable,
            removal_blocked: self.removal_blocked,
            rows: &self.ledger,
            absent,
            companies: &self.companies,
            rules: &self.rules,
            agreements: &self.agreements,
            remote: &self.remote,
            removal_guard: RemovalGuard {
                tracked: self
                    .ledger
                    .values()
                    .filter(|e| matches!(e.state, TicketState::Open | TicketState::Closed))
                    .count(),
                confirmed: self.confirmed,
            },
            source: "dashboard:https://dash.test/",
        }
    }

    fn run(&self) -> Plan {
        plan(&self.input(&self.absent()), NOW)
    }

    /// What the first pass asks the engine to look up.
    fn needs(&self) -> Needs {
        needs(&self.input(&self.absent()))
    }

    /// Plans, then records every item as fully applied (ticket ids 100, 101, ...),
    /// as the executor would.
    fn sync(&mut self) -> Plan {
        let p = self.run();
        let mut next_id = 100 + self.ledger.len() as i64;
        for item in &p.items {
            let mut done = item.done.clone();
            if item.ticket_id.is_none() {
                done.ticket_id = next_id;
                next_id += 1;
            }
            self.ledger.insert(done.event_id.clone(), done);
        }
        p
    }
}

fn verbs(p: &Plan, event_id: &str) -> Vec<&'static str> {
    p.items
        .iter()
        .filter(|i| i.event_id == event_id)
        .flat_map(|i| i.steps.iter().map(Step::verb))
        .collect()
}

fn skip_reason(p: &Plan, event_id: &str) -> Option<SkipReason> {
    p.skipped
        .iter()
        .find(|s| s.event_id == event_id)
        .map(|s| s.reason.clone())
}

#[test]
fn rule1_scope_filters() {
    struct Case {
        name: &'static str,
        company: &'static str,
        event_type: &'static str,
        backup_type: &'static str,
        event_filter: &'static str,
        backup_filter: &'static str,
        expect: Option<SkipReason>,
    }
    let cases = [
        Case {
            name: "mapped, default filters",
            company: "c-1",
            event_type: "Error",
            backup_type: "FileLevel",
            event_filter: "Error,Warning,BackupAnomaly",
            backup_filter: "all",
            expect: None,
        },
        Case {
            name: "unmapped company",
            company: "c-9",
            event_type: "Error",
            backup_type: "FileLevel",
            event_filter: "Error",
            backup_filter: "all",
            expect: Some(SkipReason::UnmappedCompany),
        },
        Case {
            name: "event type filtered",
            company: "c-1",
            event_type: "Warning",
            backup_type: "FileLevel",
            event_filter: "Error",
            backup_filter: "all",
            expect: Some(SkipReason::EventTypeFiltered),
        },
        Case {
            name: "backup type filtered",
            company: "c-1",
            event_type: "Error",
            backup_type: "MSSQL",
            event_filter: "Error",
            backup_filter: "FileLevel,ImageBased",
            expect: Some(SkipReason::BackupTypeFiltered),
        },
        Case {
            name: "unknown backup type passes all",
            company: "c-1",
            event_type: "Error",
            backup_type: "Tape",
            event_filter: "Error",
            backup_filter: "all",
            expect: None,
        },
        Case {
            name: "unknown event type not selected",
            company: "c-1",
            event_type: "Info",
            backup_type: "FileLevel",
            event_filter: "Error,Warning,BackupAnomaly",
            backup_filter: "all",
            expect: Some(SkipReason::EventTypeFiltered),
        },
        Case {
            name: "unknown event type selected",
            company: "c-1",
            event_type: "Info",
            backup_type: "FileLevel",
            event_filter: "Info",
            backup_filter: "all",
            expect: None,
        },
    ];
    for case in cases {
        let mut e = event("e1", case.event_type, "Failed");
        e.company_id = case.company.into();
        e.backup_type = case.backup_type.into();
        let mut w = World::new(vec![e]);
        let mut s = scope("");
        s.event_types = TypeFilter::parse(case.event_filter);
        s.backup_types = TypeFilter::parse(case.backup_filter);
        w.companies.insert("c-1".into(), s);
        let p = w.run();
        assert_eq!(skip_reason(&p, "e1"), case.expect, "{}", case.name);
        let created = verbs(&p, "e1") == ["created"];
        assert_eq!(created, case.expect.is_none(), "{}", case.name);
    }
}

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
