//! Table-driven tests for every sync rule of design §4: the test world and
//! rule 1 here, rules 2–5 in `changes.rs`, rules 6–11 in `lifecycle.rs`,
//! flap damping in `flapping.rs`.

use super::*;

mod changes;
mod flapping;
mod guard;
mod lifecycle;
mod snooze;
mod storm;

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
        snoozes: Vec::new(),
        flap_window_mins: 240,
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
    /// The planning time (`NOW` unless a test moves it).
    now: String,
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
            now: NOW.to_owned(),
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
        plan(&self.input(&self.absent()), &self.now)
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

/// The text of every note `p` plans, in order.
fn note_texts(p: &Plan) -> Vec<String> {
    p.items
        .iter()
        .flat_map(|i| &i.steps)
        .filter_map(|s| match s {
            Step::Note { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
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
