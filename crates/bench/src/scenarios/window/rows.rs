//! The window scenario's rows and notes.

use std::time::Duration;

use super::page::FILTER_VALUES;
use super::{
    Driven, APP_BINARY, FILTER_GOAL, FIRST_ROWS_GOAL, PSS_GOAL, ROWS_TIMEOUT, SMALL, WINDOW,
};
use crate::procfs::percentile;
use crate::report::{dur, Results, Row, Verdict};
use crate::scenarios::datadir::{SyncedFolder, SCREEN};
use crate::scenarios::footprint::{mb, under};

/// The rows and notes of one window run.
pub(super) fn rows(out: &mut Results, events: usize, folder: &SyncedFolder, d: &Driven) {
    let first_metric = if d.first.navigated {
        format!(
            "{events} events: click on Activity → first rows painted (opened on {})",
            d.first.opened_on
        )
    } else {
        format!("{events} events: launch → first Activity rows painted")
    };
    let first = match d.first.after {
        Some(t) => Row::new(WINDOW, &first_metric, dur(t)).goal("< 1 s", t < FIRST_ROWS_GOAL),
        None => Row::new(
            WINDOW,
            &first_metric,
            format!(
                "not painted within {} ({} rows in the DOM)",
                dur(ROWS_TIMEOUT),
                d.first.rows
            ),
        )
        .goal("< 1 s", false),
    };
    out.row(first);
    let filter_metric = format!(
        "{events} events: apply a filter, median of {} (min / max)",
        FILTER_VALUES.len()
    );
    match &d.switches {
        Ok(switches) => {
            let times: Vec<Duration> = switches.iter().map(|s| s.took).collect();
            let median = percentile(&times, 50.0).unwrap_or_default();
            let min = times.iter().min().copied().unwrap_or_default();
            let max = times.iter().max().copied().unwrap_or_default();
            out.row(
                Row::new(
                    WINDOW,
                    &filter_metric,
                    format!("{} ({} / {})", dur(median), dur(min), dur(max)),
                )
                .goal("< 200 ms", median < FILTER_GOAL),
            );
            let each: Vec<String> = switches
                .iter()
                .map(|s| format!("{} {} ({} rows)", s.value, dur(s.took), s.rows))
                .collect();
            out.note(
                WINDOW,
                format!("{events} events: filter switches: {}", each.join(", ")),
            );
        }
        Err(why) => out.row(Row {
            verdict: Verdict::Missed,
            goal: "< 200 ms".to_owned(),
            ..Row::new(WINDOW, &filter_metric, format!("not measured: {why}"))
        }),
    }
    let pss = &d.pss;
    out.row(
        Row::new(
            WINDOW,
            &format!("{events} events: window processes PSS, peak (after rows / after filters)"),
            format!(
                "{} ({} / {})",
                mb(pss.peak_kib),
                mb(pss.after_rows_kib),
                mb(pss.after_filters_kib)
            ),
        )
        .goal("< 200 MB", under(pss.peak_kib, PSS_GOAL)),
    );
    out.row(Row::new(
        WINDOW,
        &format!("{events} events: launch → WebDriver session (page loaded)"),
        dur(d.session_wall),
    ));
    let names: Vec<&str> = pss.names.iter().map(String::as_str).collect();
    let at_peak: Vec<String> = pss
        .at_peak
        .iter()
        .map(|(name, kib)| format!("{name} {}", mb(*kib)))
        .collect();
    out.note(
        WINDOW,
        format!(
            "{events} events: ledger filled by `backup-bridge sync --once` in {} ({} tickets created, \
             {} errors); window opened on {}, {} ticket rows in the DOM at the first rows mark \
             (from the launch: {}); \
             PSS summed over up to {} processes ({}), the tray process excluded; at the peak: {}",
            dur(folder.sync_wall),
            folder.created,
            folder.errors,
            d.first.opened_on,
            d.first.rows,
            d.first.stages,
            pss.processes,
            names.join(", "),
            at_peak.join(", ")
        ),
    );
    for path in &d.saved {
        out.note(WINDOW, format!("screenshot: {}", path.display()));
    }
    for failed in &d.failed_shots {
        out.note(WINDOW, format!("screenshot not taken: {failed}"));
    }
    if events == SMALL.events() {
        out.note(
            WINDOW,
            format!(
                "`xvfb-run -a -s \"{SCREEN}\" dbus-run-session -- tauri-driver`, a fresh private HOME per size; \
                 the release {APP_BINARY} launched by WebDriver (it starts its tray process and becomes its window). \
                 Times are the page's own clock: performance.mark('bb:activity-rows') in the frame after the \
                 Activity screen draws its rows; launch = the epoch just before the session request. A filter \
                 time runs from just before the tickets-filter change to the next mark. PSS from \
                 /proc/PID/smaps_rollup, sampled about every 0.5 s while waiting and after each step. The simulators \
                 keep serving the events and the secrets are in a gnome-keyring of the private D-Bus session, so the \
                 tray process syncs at start as it does for a user (an unchanged cycle) while the window loads"
            ),
        );
    }
}
