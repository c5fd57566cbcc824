//! Activity: tracked events with their tickets (and links into ConnectWise),
//! and a diagnostics text that never holds a secret.

use std::collections::BTreeMap;

use serde::Serialize;

use super::subject::subject_from_summary;
use crate::alerts::TicketLink;
use crate::engine::{db_store, Engine, CODEBASE_KEY};
use crate::store::companies;
use crate::store::ledger::{self, LedgerEntry};
use crate::store::settings::{self, Settings};
use crate::store::{outbox, runs};
use crate::Error;

/// A ledger row with its ConnectWise link.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TicketRow {
    #[serde(flatten)]
    pub entry: LedgerEntry,
    pub url: Option<String>,
    /// When BackupBridge asked ConnectWise to create the ticket (RFC 3339),
    /// while the outbox keeps the call; `None` for older or adopted tickets.
    pub created_at: Option<String>,
    /// The event's computer, read back from the summary when the summary
    /// template tells it for certain (the ledger does not keep it).
    pub computer: Option<String>,
    /// The event's backup plan, read back the same way.
    pub plan: Option<String>,
    /// Failures since the event began flapping (issue 17); `None` when it
    /// is not flapping.
    pub flaps: Option<u32>,
}

/// Every tracked event and its ticket, most recently changed first.
pub async fn tickets(engine: &Engine) -> Result<Vec<TicketRow>, Error> {
    let settings = engine.settings().await?;
    let codebase = db_store(engine.store(), |s| settings::get(s, CODEBASE_KEY)).await?;
    let map = db_store(engine.store(), |s| s.with_conn(ledger::all)).await?;
    let mut created = db_store(engine.store(), |s| s.with_conn(outbox::created_times)).await?;
    let names: BTreeMap<String, String> = db_store(engine.store(), companies::list)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut list: Vec<TicketRow> = map
        .into_values()
        .map(|entry| {
            let company = names.get(&entry.company_id).map_or("", String::as_str);
            let subject = subject_from_summary(
                &settings.summary_template,
                crate::engine::plan::flap::plain_summary(&entry.summary),
                &entry.event_type,
                company,
            );
            TicketRow {
                url: ticket_url(&settings, codebase.as_deref(), entry.ticket_id),
                created_at: created.remove(&entry.event_id),
                computer: subject.computer,
                plan: subject.plan,
                flaps: entry.flaps(),
                entry,
            }
        })
        .collect();
    list.sort_by(|a, b| {
        b.entry
            .updated_at
            .cmp(&a.entry.updated_at)
            .then(a.entry.event_id.cmp(&b.entry.event_id))
    });
    Ok(list)
}

/// The tickets of `event_ids` that have one, with their links (the events
/// a failure notification may open), by event id.
pub async fn ticket_links(
    engine: &Engine,
    event_ids: Vec<String>,
) -> Result<BTreeMap<String, TicketLink>, Error> {
    let settings = engine.settings().await?;
    let codebase = db_store(engine.store(), |s| settings::get(s, CODEBASE_KEY)).await?;
    let entries = db_store(engine.store(), move |s| {
        s.with_conn(|c| {
            event_ids
                .iter()
                .filter_map(|id| ledger::get(c, id).transpose())
                .collect::<rusqlite::Result<Vec<LedgerEntry>>>()
        })
    })
    .await?;
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let url = ticket_url(&settings, codebase.as_deref(), entry.ticket_id)?;
            Some((
                entry.event_id,
                TicketLink {
                    ticket_id: entry.ticket_id,
                    url,
                },
            ))
        })
        .collect())
}

/// Link to a ticket in the ConnectWise web UI.
pub fn ticket_url(settings: &Settings, codebase: Option<&str>, ticket_id: i64) -> Option<String> {
    let site = settings.cw_site.as_deref()?;
    let base = if site.contains("://") {
        site.trim_end_matches('/').to_owned()
    } else {
        format!("https://{}", site.trim_end_matches('/'))
    };
    let codebase = codebase.unwrap_or("v4_6_release/");
    Some(format!(
        "{base}/{codebase}services/system_io/Service/fv_sr100_request.rails?service_recid={ticket_id}&companyName={}",
        settings.cw_company.as_deref().unwrap_or_default()
    ))
}

/// A plain-text report for support: version, settings (never a secret: none
/// are in the settings), recent runs and the log tail given by the caller.
pub async fn diagnostics(engine: &Engine, log_tail: &str) -> Result<String, Error> {
    let entries = db_store(engine.store(), settings::all).await?;
    let runs = db_store(engine.store(), |s| runs::recent_runs(s, 5)).await?;
    let mut out = format!(
        "BackupBridge {} on {} ({})\n\nSettings:\n",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    for e in entries {
        out.push_str(&format!(
            "  {} = {}\n",
            e.key,
            e.value.as_deref().unwrap_or("(unset)")
        ));
    }
    out.push_str("\nRecent runs:\n");
    for r in runs {
        out.push_str(&format!(
            "  {} {:?} created={} updated={} notes={} closed={} errors={} {}\n",
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            r.outcome(),
            r.counts.created,
            r.counts.updated,
            r.counts.notes,
            r.counts.closed,
            r.counts.errors,
            r.error_messages.first().map(String::as_str).unwrap_or("")
        ));
    }
    out.push_str("\nLog tail:\n");
    out.push_str(log_tail);
    Ok(out)
}
