//! Activity: tracked events with their tickets (and links into ConnectWise),
//! and a diagnostics text that never holds a secret.

use std::collections::BTreeMap;

use serde::Serialize;

use super::subject::subject_from_summary;
use crate::alerts::TicketLink;
use crate::engine::{db_store, Engine, CODEBASE_KEY};
use crate::store::ledger::{self, LedgerEntry};
use crate::store::runs;
use crate::store::settings::{self, Settings};
use crate::store::ticket_list::{self, ListCounts, ListedTicket, TicketCursor, TicketQuery};
use crate::Error;

/// A ledger row with its ConnectWise link.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TicketRow {
    #[serde(flatten)]
    pub entry: LedgerEntry,
    pub url: Option<String>,
    /// The company's name, when the company is known.
    pub company_name: Option<String>,
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

/// One page of the Activity list (issue 18).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TicketPage {
    /// Newest change first.
    pub rows: Vec<TicketRow>,
    /// Where the next page starts; `None` = this is the last.
    pub next: Option<TicketCursor>,
    #[serde(flatten)]
    pub counts: ListCounts,
    /// `activity.keep_days`, for the screen's words about `hidden`.
    pub keep_days: u32,
}

/// What changed in the Activity list since an earlier read (issue 18).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TicketChanges {
    /// The changed tickets that match the query, newest change first.
    pub rows: Vec<TicketRow>,
    /// The event ids of the changed tickets that no longer match it.
    pub gone: Vec<String>,
    /// Too many changed for one answer: read the first page again.
    pub overflow: bool,
    #[serde(flatten)]
    pub counts: ListCounts,
    pub keep_days: u32,
}

/// What turns a listed ledger row into a [`TicketRow`].
struct RowContext {
    settings: Settings,
    codebase: Option<String>,
}

impl RowContext {
    async fn load(engine: &Engine) -> Result<RowContext, Error> {
        Ok(RowContext {
            settings: engine.settings().await?,
            codebase: db_store(engine.store(), |s| settings::get(s, CODEBASE_KEY)).await?,
        })
    }

    /// Closed and removed tickets last changed before this leave the
    /// default view: now less `activity.keep_days`.
    fn cutoff(&self) -> String {
        let days = chrono::Duration::days(i64::from(self.settings.activity_keep_days));
        (chrono::Utc::now() - days).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    fn row(&self, listed: ListedTicket) -> TicketRow {
        let ListedTicket {
            entry,
            company_name,
            created_at,
        } = listed;
        let subject = subject_from_summary(
            &self.settings.summary_template,
            crate::engine::plan::flap::plain_summary(&entry.summary),
            &entry.event_type,
            company_name.as_deref().unwrap_or_default(),
        );
        TicketRow {
            url: ticket_url(&self.settings, self.codebase.as_deref(), entry.ticket_id),
            company_name,
            created_at,
            computer: subject.computer,
            plan: subject.plan,
            flaps: entry.flaps(),
            entry,
        }
    }
}

/// `query`'s `created_since` in the ledger's time format, or a sentence
/// saying what is wrong with it.
fn normalized(mut query: TicketQuery) -> Result<TicketQuery, Error> {
    if let Some(since) = query.created_since.take() {
        let at = chrono::DateTime::parse_from_rfc3339(since.trim()).map_err(|_| {
            Error::Invalid(format!(
                "\"{since}\" is not a time the Activity list can filter by: expected RFC 3339, \
                 like 2026-12-07T09:30:00Z"
            ))
        })?;
        query.created_since = Some(
            at.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
    }
    Ok(query)
}

/// Every tracked event and its ticket, most recently changed first: the
/// CLI's `tickets` (the app reads pages, [`ticket_page`]).
pub async fn tickets(engine: &Engine) -> Result<Vec<TicketRow>, Error> {
    let context = RowContext::load(engine).await?;
    let rows = db_store(engine.store(), |s| s.with_conn(ticket_list::all)).await?;
    Ok(rows.into_iter().map(|r| context.row(r)).collect())
}

/// One page of tracked events and their tickets, most recently changed
/// first: the filter, search, kept-history bound and page run in SQL.
pub async fn ticket_page(engine: &Engine, query: TicketQuery) -> Result<TicketPage, Error> {
    let query = normalized(query)?;
    let context = RowContext::load(engine).await?;
    let cutoff = context.cutoff();
    let page = db_store(engine.store(), move |s| {
        s.with_reader(|c| ticket_list::page(c, &query, &cutoff))
    })
    .await?;
    Ok(TicketPage {
        rows: page.rows.into_iter().map(|r| context.row(r)).collect(),
        next: page.next,
        counts: page.counts,
        keep_days: context.settings.activity_keep_days,
    })
}

/// The tickets written since the read that returned `revision`, for a
/// refresh of the list `query` shows (its cursor and limit aside).
pub async fn ticket_changes(
    engine: &Engine,
    query: TicketQuery,
    revision: i64,
) -> Result<TicketChanges, Error> {
    let query = normalized(query)?;
    let context = RowContext::load(engine).await?;
    let cutoff = context.cutoff();
    let changes = db_store(engine.store(), move |s| {
        s.with_reader(|c| ticket_list::changed_since(c, &query, &cutoff, revision))
    })
    .await?;
    Ok(TicketChanges {
        rows: changes.rows.into_iter().map(|r| context.row(r)).collect(),
        gone: changes.gone,
        overflow: changes.overflow,
        counts: changes.counts,
        keep_days: context.settings.activity_keep_days,
    })
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
