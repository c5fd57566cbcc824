//! Printing: plain aligned tables for people, `--json` for scripts.

use bridge_core::engine::{storm_line, ActionLine, RunReport};
use bridge_core::model::{Override, TypeFilter};
use bridge_core::ops::{Attention, CompanyView, TicketRow};
use bridge_core::store::runs::{RunCounts, RunOutcome, RunRecord};
use bridge_core::store::settings::SettingEntry;
use bridge_core::store::snoozes::Snooze;
use serde::Serialize;

fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("backup-bridge: cannot encode JSON: {e}"),
    }
}

/// Prints rows as columns padded to their widest cell.
fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        println!("{}", out.trim_end());
    };
    line(header.iter().map(|h| (*h).to_owned()).collect());
    for row in rows {
        line(row.clone());
    }
}

pub fn settings(entries: &[SettingEntry], json: bool) {
    if json {
        return print_json(entries);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let value = e.value.clone().unwrap_or_else(|| "(unset)".to_owned());
            let value = if e.is_default && e.value.is_some() {
                format!("{value}  (default)")
            } else {
                value
            };
            vec![e.key.to_owned(), value]
        })
        .collect();
    table(&["KEY", "VALUE"], &rows);
}

fn filter_cell(o: &Override<TypeFilter>, effective: &TypeFilter) -> String {
    match o {
        Override::Default => format!("Default ({effective})"),
        Override::Explicit(f) => f.to_string(),
    }
}

fn condition_cell(o: &Override<String>, effective: &str) -> String {
    let shown = |s: &str| {
        if s.trim().is_empty() {
            "none".to_owned()
        } else {
            s.to_owned()
        }
    };
    match o {
        Override::Default => format!("Default ({})", shown(effective)),
        Override::Explicit(c) => shown(c),
    }
}

/// The Last Update Status in words.
pub fn last_status(view: &CompanyView) -> String {
    match (&view.row.last_status, view.row.cw_company_id) {
        (_, None) => "not mapped".to_owned(),
        (None, Some(_)) => "not synced yet".to_owned(),
        (Some(s), _) if s.ok => format!("OK at {}", s.at.format("%Y-%m-%d %H:%M:%S UTC")),
        (Some(s), _) => format!(
            "Error at {}: {}",
            s.at.format("%Y-%m-%d %H:%M:%S UTC"),
            s.message
        ),
    }
}

pub fn companies(list: &[CompanyView], json: bool) {
    if json {
        return print_json(list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|v| {
            let r = &v.row;
            let cw = match (&r.cw_identifier, &r.cw_company_name) {
                (Some(i), Some(n)) => format!("{i} ({n})"),
                (Some(i), None) => i.clone(),
                _ => "-".to_owned(),
            };
            let name = if r.present {
                r.name.clone()
            } else {
                format!("{} (no longer listed)", r.name)
            };
            vec![
                r.id.clone(),
                name,
                cw,
                filter_cell(&r.event_types, &v.effective.event_types),
                filter_cell(&r.backup_types, &v.effective.backup_types),
                condition_cell(&r.agreement_condition, &v.effective.agreement_condition),
                last_status(v),
            ]
        })
        .collect();
    table(
        &[
            "BACKUP COMPANY",
            "NAME",
            "CONNECTWISE ID",
            "EVENT TYPES",
            "BACKUP TYPES",
            "AGREEMENT CONDITION",
            "LAST UPDATE STATUS",
        ],
        &rows,
    );
}

pub fn status(runs: &[RunRecord], companies: &[CompanyView], attention: &Attention, json: bool) {
    if json {
        #[derive(Serialize)]
        struct Out<'a> {
            runs: &'a [RunRecord],
            companies: Vec<(&'a str, String)>,
            #[serde(flatten)]
            attention: &'a Attention,
        }
        return print_json(&Out {
            runs,
            companies: companies
                .iter()
                .map(|c| (c.row.id.as_str(), last_status(c)))
                .collect(),
            attention,
        });
    }
    needs_attention(attention);
    if runs.is_empty() {
        println!("No sync has run yet.");
    } else {
        println!("Recent syncs:");
        let rows: Vec<Vec<String>> = runs
            .iter()
            .map(|r| {
                let c = &r.counts;
                vec![
                    r.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    match r.outcome() {
                        RunOutcome::Ok => "ok",
                        RunOutcome::WithErrors => "with errors",
                        RunOutcome::Unfinished => "unfinished",
                    }
                    .to_owned(),
                    held_back(
                        format!(
                            "{} created, {} updated, {} notes, {} closed, {} reopened, {} deleted",
                            c.created, c.updated, c.notes, c.closed, c.reopened, c.deleted
                        ),
                        c,
                    ),
                    r.error_messages.first().cloned().unwrap_or_default(),
                ]
            })
            .collect();
        table(
            &["STARTED (UTC)", "RESULT", "ACTIONS", "FIRST ERROR"],
            &rows,
        );
    }
    let mapped: Vec<&CompanyView> = companies
        .iter()
        .filter(|c| c.row.cw_company_id.is_some())
        .collect();
    println!(
        "\nMapped companies: {} of {}",
        mapped.len(),
        companies.len()
    );
    for c in mapped {
        println!("  {} ({}): {}", c.row.name, c.row.id, last_status(c));
    }
}

/// Stuck calls and held removals first: they wait for a person.
fn needs_attention(attention: &Attention) {
    if let Some(guarded) = &attention.guarded_removals {
        println!("Removals held back: {guarded}.\n");
    }
    if attention.stuck.is_empty() {
        return;
    }
    println!(
        "Stuck ConnectWise calls ({}); each is tried again every sync, and \
         `backup-bridge outbox forget ID` drops one:",
        attention.stuck.len()
    );
    let rows: Vec<Vec<String>> = attention
        .stuck
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.event_id.clone(),
                s.what.clone(),
                s.since.clone(),
                s.error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&["ID", "EVENT", "CALL", "SINCE", "ERROR"], &rows);
    println!();
}

pub fn tickets(list: &[TicketRow], json: bool) {
    if json {
        return print_json(list);
    }
    if list.is_empty() {
        println!("No tickets yet.");
        return;
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|row| {
            let e = &row.entry;
            vec![
                format!("#{}", e.ticket_id),
                e.event_id.clone(),
                e.company_id.clone(),
                match row.flaps {
                    Some(n) => format!("{}, flapping {n}x", e.state.as_str()),
                    None => e.state.as_str().to_owned(),
                },
                e.summary.clone(),
                e.last_action.clone().unwrap_or_default(),
                e.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "TICKET",
            "EVENT",
            "COMPANY",
            "STATE",
            "SUMMARY",
            "LAST ACTION",
            "LAST ERROR",
        ],
        &rows,
    );
}

/// One action line on stdout.
/// A stored UTC time in local time (`2026-12-07 07:00`), or as stored.
pub fn local_time(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc).map_or_else(
        |_| utc.to_owned(),
        |t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

/// `snooze list`: active snoozes first, then the ended ones.
pub fn snoozes(list: &[Snooze], now: &str, json: bool) {
    if json {
        return print_json(list);
    }
    if list.is_empty() {
        println!("No snoozes.");
        return;
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.scope.as_str().to_owned(),
                s.value.clone(),
                local_time(&s.until),
                s.reason.clone(),
                s.state(now).to_owned(),
            ]
        })
        .collect();
    table(&["ID", "SCOPE", "VALUE", "UNTIL", "REASON", "STATE"], &rows);
}

pub fn action(line: &ActionLine) {
    println!("{line}");
}

pub fn report(r: &RunReport) {
    for line in &r.actions {
        action(line);
    }
    for e in &r.errors {
        eprintln!("error: {e}");
    }
    let c = &r.counts;
    let what = if r.dry_run { "Dry run" } else { "Sync" };
    let planned = if r.dry_run {
        format!("{} actions planned", r.actions.len())
    } else {
        format!(
            "{} created, {} updated, {} notes, {} closed, {} reopened, {} deleted",
            c.created, c.updated, c.notes, c.closed, c.reopened, c.deleted
        )
    };
    let mut held = r
        .storm_line()
        .map_or(String::new(), |line| format!("; {line}"));
    if r.removals_held {
        held.push_str("; removals held back until the dashboard returns only readable items");
    }
    let planned = if r.snoozed > 0 {
        format!("{planned}, {} snoozed", r.snoozed)
    } else {
        planned
    };
    if r.has_errors() {
        println!(
            "{what} finished with {} error{}: {} events seen, {planned}{held}.",
            r.errors.len(),
            if r.errors.len() == 1 { "" } else { "s" },
            r.events_seen
        );
    } else {
        println!(
            "{what} finished: {} events seen, {planned}{held}.",
            r.events_seen
        );
    }
}

pub fn sim_tickets(tickets: &[serde_json::Value]) {
    let rows: Vec<Vec<String>> = tickets
        .iter()
        .map(|t| {
            let s = |p: &str| {
                t.pointer(p)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_owned()
            };
            vec![
                format!(
                    "#{}",
                    t.get("id").and_then(|v| v.as_i64()).unwrap_or_default()
                ),
                s("/company/identifier"),
                s("/status/name"),
                s("/summary"),
            ]
        })
        .collect();
    table(&["TICKET", "COMPANY", "STATUS", "SUMMARY"], &rows);
}

/// `actions` followed by what the run held back, when it held any: "…, 3
/// tickets held by the storm guard, 2 snoozed".
fn held_back(mut actions: String, c: &RunCounts) -> String {
    if let Some(line) = storm_line(usize::try_from(c.held).unwrap_or(usize::MAX)) {
        actions.push_str(", ");
        actions.push_str(&line);
    }
    if c.snoozed > 0 {
        actions.push_str(&format!(", {} snoozed", c.snoozed));
    }
    actions
}
