//! THE NAIVE BASELINE — not the product. What a straightforward integration
//! would do with the same `CwClient`, so the engine's figures have something
//! to be compared with on the same machine in the same run:
//!
//! - one request at a time (every call awaited before the next);
//! - no caching: the agreement is looked up for every ticket, and every cycle
//!   re-reads each tracked ticket and its notes from ConnectWise to find out
//!   what is already there (it keeps only event id -> ticket id, without
//!   which it would create duplicates);
//! - the ticket template (board, statuses, priorities) is resolved once, like
//!   the engine, so the comparison is about the sync loop itself.
//!
//! It applies the same visible rules (what gets a ticket, which agreement,
//! notes for changes and details, close on completion) so both sides do the
//! same work in ConnectWise.

use std::collections::HashMap;

use anyhow::Context as _;
use bridge_core::cw::{CwClient, IdRef, NewNote, NewTicket, PatchOp};
use bridge_core::engine::render;
use bridge_core::engine::template::{self, Template, TemplateSpec};
use bridge_core::model::MonitoringEvent;
use bridge_core::source::DashboardClient;
use bridge_core::store::settings::Settings;
use serde_json::json;

/// What one baseline pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NaiveCounts {
    pub created: usize,
    pub notes: usize,
    pub closed: usize,
}

/// What the baseline is given: the same client and settings as the engine.
pub struct NaiveInputs {
    pub cw: CwClient,
    pub dashboard: DashboardClient,
    pub settings: Settings,
    /// Dashboard company id -> (ConnectWise company id, name).
    pub companies: HashMap<String, (i64, String)>,
}

/// The naive sync loop and the little it remembers.
pub struct Naive {
    cw: CwClient,
    dashboard: DashboardClient,
    settings: Settings,
    template: Template,
    /// Dashboard company id -> (ConnectWise company id, name).
    companies: HashMap<String, (i64, String)>,
    condition: String,
    /// Event id -> ticket id (the only state it keeps).
    tickets: HashMap<String, i64>,
}

impl Naive {
    /// Resolves the ticket template (the baseline's only one-off lookups).
    pub async fn new(inputs: NaiveInputs) -> anyhow::Result<Naive> {
        let NaiveInputs {
            cw,
            dashboard,
            settings,
            companies,
        } = inputs;
        let spec = TemplateSpec::from_settings(&settings).map_err(anyhow::Error::msg)?;
        let template = template::resolve(&cw, &spec)
            .await
            .map_err(|e| anyhow::anyhow!("baseline template: {e}"))?;
        let condition = settings.default_agreement_condition.clone();
        Ok(Naive {
            cw,
            dashboard,
            settings,
            template,
            companies,
            condition,
            tickets: HashMap::new(),
        })
    }

    /// Tickets it tracks.
    pub fn tracked(&self) -> usize {
        self.tickets.len()
    }

    /// One pass over the Dashboard snapshot, one request at a time.
    pub async fn cycle(&mut self) -> anyhow::Result<NaiveCounts> {
        let snapshot = self.dashboard.snapshot().await?;
        let mut counts = NaiveCounts::default();
        for event in &snapshot.events {
            match self.tickets.get(&event.id).copied() {
                None => {
                    if self.create(event).await? {
                        counts.created += 1;
                    }
                }
                Some(ticket_id) => self.check(event, ticket_id, &mut counts).await?,
            }
        }
        Ok(counts)
    }

    /// Rule 2 and 3, naively: agreement looked up for this very ticket.
    async fn create(&mut self, event: &MonitoringEvent) -> anyhow::Result<bool> {
        if event.is_completed() && !event.is_anomaly() {
            return Ok(false);
        }
        let Some((cw_company, name)) = self.companies.get(&event.company_id).cloned() else {
            return Ok(false);
        };
        let agreements = self.cw.agreements(cw_company, &self.condition).await?;
        let Some(agreement) = agreements.iter().min_by_key(|a| a.id) else {
            return Ok(false);
        };
        let priority = self
            .settings
            .priority_for(&event.event_type)
            .and_then(|p| self.template.priorities.get(p).copied());
        let ticket = NewTicket {
            summary: render::summary(&self.settings.summary_template, event, &name),
            board: IdRef {
                id: self.template.board.id,
            },
            company: IdRef { id: cw_company },
            status: None,
            priority: priority.map(|id| IdRef { id }),
            agreement: Some(IdRef { id: agreement.id }),
            type_: None,
            sub_type: None,
            item: None,
            external_x_ref: render::external_xref(&event.id),
            initial_description: render::description(event, &name),
        };
        let created = self
            .cw
            .create_ticket(&ticket)
            .await
            .with_context(|| format!("baseline create for {}", event.id))?;
        self.tickets.insert(event.id.clone(), created.id);
        Ok(true)
    }

    /// Re-reads the ticket and its notes, then writes what is missing.
    async fn check(
        &self,
        event: &MonitoringEvent,
        ticket_id: i64,
        counts: &mut NaiveCounts,
    ) -> anyhow::Result<()> {
        let ticket = self.cw.get_ticket(ticket_id).await?;
        let notes = self.cw.notes(ticket_id).await?;
        let said = |needle: &str| notes.iter().any(|n| n.text.contains(needle));
        let closing = event.is_completed() && !event.is_anomaly() && !ticket.closed_flag;
        if !said(&event.message) {
            let text = format!("{}: {}", event.job_status, event.message);
            let note = if closing {
                NewNote::resolution(text)
            } else {
                NewNote::discussion(text)
            };
            self.cw.add_note(ticket_id, &note).await?;
            counts.notes += 1;
        }
        for detail in &event.details {
            if !said(&format!("Detail {} ·", detail.id)) {
                let note = NewNote::discussion(render::detail_note(detail));
                self.cw.add_note(ticket_id, &note).await?;
                counts.notes += 1;
            }
        }
        if closing {
            let ops = [PatchOp::replace(
                "status",
                json!({ "id": self.template.status_closed.id }),
            )];
            self.cw.patch_ticket(ticket_id, &ops).await?;
            counts.closed += 1;
        }
        Ok(())
    }
}
