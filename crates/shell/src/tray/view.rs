//! What the tray shows for a backend [`Snapshot`]: the icon, the tooltip
//! ("Last sync 10:42: OK") and the state of the sync menu items. A pure
//! function of the snapshot and the clock, so it is tested without a panel.

use std::fmt::Display;

use bridge_core::scheduler::{Status, SyncState};
use chrono::{DateTime, TimeZone};

use crate::error::{Error, Result};
use crate::events::{Phase, Snapshot};

/// Longest tooltip: Windows cuts tray tooltips at 127 characters.
pub const TOOLTIP_MAX_CHARS: usize = 127;

/// What the tray icon shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayState {
    /// Waiting, paused or not configured; the last sync (if any) was fine.
    Idle,
    /// A sync cycle is running.
    Syncing,
    /// The last sync failed or had errors, or the app could not start.
    Error,
}

impl TrayState {
    /// The icon for this state (64×64 PNG from `icons/tray/`).
    pub fn icon_png(self) -> &'static [u8] {
        match self {
            Self::Idle => include_bytes!("../../../../icons/tray/normal.png"),
            Self::Syncing => include_bytes!("../../../../icons/tray/syncing.png"),
            Self::Error => include_bytes!("../../../../icons/tray/error.png"),
        }
    }

    /// The icon as 8-bit RGBA pixels, the form tray APIs take.
    pub fn icon_rgba(self) -> Result<RgbaIcon> {
        decode_png(self.icon_png())
    }
}

/// An image as 8-bit RGBA pixels, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaIcon {
    /// `width * height * 4` bytes.
    pub rgba: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Decodes a PNG of any bit depth, with or without alpha, to 8-bit RGBA.
pub fn decode_png(bytes: &[u8]) -> Result<RgbaIcon> {
    let bad = |e: &dyn Display| Error::Internal(format!("a built-in icon cannot be read: {e}"));
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| bad(&e))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| bad(&"the image is too large"))?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(|e| bad(&e))?;
    pixels.truncate(frame.buffer_size());
    let rgba = match frame.color_type {
        png::ColorType::Rgba => pixels,
        png::ColorType::Rgb => pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], u8::MAX])
            .collect(),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|&g| [g, g, g, u8::MAX]).collect(),
        png::ColorType::Indexed => return Err(bad(&"palette images are not expanded")),
    };
    Ok(RgbaIcon {
        rgba,
        width: frame.width,
        height: frame.height,
    })
}

/// Everything the tray shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayView {
    /// Which icon.
    pub state: TrayState,
    /// The hover text.
    pub tooltip: String,
    /// Whether Sync now and Pause/Resume can be used (a scheduler runs).
    pub can_sync: bool,
    /// The sync is paused (the Pause item then reads "Resume syncing").
    pub paused: bool,
}

/// Label of the Pause/Resume item.
pub fn pause_label(paused: bool) -> &'static str {
    if paused {
        "Resume syncing"
    } else {
        "Pause syncing"
    }
}

/// The tray view of `snapshot` at time `now` (whose time zone is used for
/// the times shown).
pub fn view<Tz: TimeZone>(snapshot: &Snapshot, now: &DateTime<Tz>) -> TrayView
where
    Tz::Offset: Display,
{
    let (state, text, can_sync, paused) = match &snapshot.phase {
        Phase::Starting => (TrayState::Idle, "starting…".to_owned(), false, false),
        Phase::NotConfigured => (
            TrayState::Idle,
            "not configured yet".to_owned(),
            false,
            false,
        ),
        Phase::Failed(reason) => (
            TrayState::Error,
            format!("cannot start: {reason}"),
            false,
            false,
        ),
        Phase::Running(status) => {
            let (state, text) = running(status, now);
            let paused = status.state == SyncState::Paused;
            (state, text, true, paused)
        }
    };
    let name = if snapshot.demo {
        "BackupBridge (demo)"
    } else {
        "BackupBridge"
    };
    TrayView {
        state,
        tooltip: shorten(&format!("{name} — {text}"), TOOLTIP_MAX_CHARS),
        can_sync,
        paused,
    }
}

fn running<Tz: TimeZone>(status: &Status, now: &DateTime<Tz>) -> (TrayState, String)
where
    Tz::Offset: Display,
{
    let last = status
        .last_run_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            format!(
                "Last sync {}",
                clock(&t.with_timezone(&now.timezone()), now)
            )
        });
    match (&status.state, last) {
        (SyncState::Syncing, _) => (TrayState::Syncing, "syncing…".to_owned()),
        (SyncState::Paused, _) => (TrayState::Idle, "Paused".to_owned()),
        (SyncState::Idle, None) => (TrayState::Idle, "waiting for the first sync".to_owned()),
        (SyncState::Idle, Some(last)) => (TrayState::Idle, format!("{last}: OK")),
        (SyncState::Error { reason, .. }, last) => {
            let last = last.unwrap_or_else(|| "Last sync".to_owned());
            (
                TrayState::Error,
                format!("{last}: {}", problem(status, reason)),
            )
        }
    }
}

/// "1 error — …" when the cycle ran and reported problems, "failed — …"
/// when the whole cycle failed (the report then is an older cycle's).
fn problem(status: &Status, reason: &str) -> String {
    let errors = status
        .last_report
        .as_ref()
        .map(|r| r.errors.as_slice())
        .unwrap_or_default();
    match errors.first() {
        // The scheduler's reason for a cycle with problems starts with the
        // first problem's sentence; anything else is a whole-cycle failure.
        Some(first) if reason.starts_with(&first.message) => {
            let count = errors.len();
            let noun = if count == 1 { "error" } else { "errors" };
            format!("{count} {noun} — {}", first.message)
        }
        _ => format!("failed — {reason}"),
    }
}

/// `10:42` today, `Nov 20 10:42` on another day.
fn clock<Tz: TimeZone>(at: &DateTime<Tz>, now: &DateTime<Tz>) -> String
where
    Tz::Offset: Display,
{
    if at.date_naive() == now.date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%b %-d %H:%M").to_string()
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bridge_core::engine::{Problem, RunReport};
    use chrono::{FixedOffset, Utc};

    use super::*;

    fn status(state: SyncState, last_run_at: Option<&str>, problems: &[&str]) -> Status {
        Status {
            state,
            cycles: 1,
            last_run_at: last_run_at.map(str::to_owned),
            last_report: Some(Arc::new(RunReport {
                errors: problems
                    .iter()
                    .map(|m| Problem {
                        key: format!("company:{m}"),
                        message: (*m).to_owned(),
                    })
                    .collect(),
                ..RunReport::default()
            })),
            next_in_secs: None,
        }
    }

    fn error(reason: &str) -> SyncState {
        SyncState::Error {
            reason: reason.to_owned(),
            retryable: true,
        }
    }

    #[test]
    fn tooltip_icon_and_items_follow_the_status() {
        // The user is two hours east of UTC: times are shown in their zone.
        let zone = FixedOffset::east_opt(2 * 3600).unwrap();
        let now = Utc
            .with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
            .unwrap()
            .with_timezone(&zone);
        let at = Some("2026-11-20T08:42:05Z");
        let yesterday = Some("2026-11-19T08:42:05Z");
        let running = |s| Phase::Running(s);
        let cases = [
            (
                false,
                Phase::NotConfigured,
                TrayState::Idle,
                "BackupBridge — not configured yet",
                false,
                false,
            ),
            (
                false,
                Phase::Failed("the database is damaged".into()),
                TrayState::Error,
                "BackupBridge — cannot start: the database is damaged",
                false,
                false,
            ),
            (
                false,
                running(status(SyncState::Idle, None, &[])),
                TrayState::Idle,
                "BackupBridge — waiting for the first sync",
                true,
                false,
            ),
            (
                false,
                running(status(SyncState::Idle, at, &[])),
                TrayState::Idle,
                "BackupBridge — Last sync 10:42: OK",
                true,
                false,
            ),
            (
                true,
                running(status(SyncState::Idle, yesterday, &[])),
                TrayState::Idle,
                "BackupBridge (demo) — Last sync Nov 19 10:42: OK",
                true,
                false,
            ),
            (
                false,
                running(status(SyncState::Syncing, at, &[])),
                TrayState::Syncing,
                "BackupBridge — syncing…",
                true,
                false,
            ),
            (
                false,
                running(status(SyncState::Paused, at, &[])),
                TrayState::Idle,
                "BackupBridge — Paused",
                true,
                true,
            ),
            (
                false,
                running(status(
                    error("no agreement matches `x`"),
                    at,
                    &["no agreement matches `x`"],
                )),
                TrayState::Error,
                "BackupBridge — Last sync 10:42: 1 error — no agreement matches `x`",
                true,
                false,
            ),
            (
                false,
                running(status(
                    error("rejected (and 1 more)"),
                    at,
                    &["rejected", "other"],
                )),
                TrayState::Error,
                "BackupBridge — Last sync 10:42: 2 errors — rejected",
                true,
                false,
            ),
            // The whole cycle failed; the report (with its own problem) is an older cycle's.
            (
                false,
                running(status(
                    error("ConnectWise is unreachable"),
                    at,
                    &["no agreement matches `x`"],
                )),
                TrayState::Error,
                "BackupBridge — Last sync 10:42: failed — ConnectWise is unreachable",
                true,
                false,
            ),
        ];
        for (demo, phase, state, tooltip, can_sync, paused) in cases {
            let v = view(&Snapshot { demo, phase }, &now);
            assert_eq!(v.state, state, "{tooltip}");
            assert_eq!(v.tooltip, tooltip);
            assert_eq!(v.can_sync, can_sync, "{tooltip}");
            assert_eq!(v.paused, paused, "{tooltip}");
        }
    }

    #[test]
    fn long_reasons_are_cut_to_the_tooltip_limit() {
        let now = Utc::now();
        let reason = "x".repeat(300);
        let v = view(
            &Snapshot {
                demo: false,
                phase: Phase::Failed(reason),
            },
            &now,
        );
        assert_eq!(v.tooltip.chars().count(), TOOLTIP_MAX_CHARS);
        assert!(v.tooltip.ends_with('…'));
    }

    #[test]
    fn pause_item_label_toggles() {
        assert_eq!(pause_label(false), "Pause syncing");
        assert_eq!(pause_label(true), "Resume syncing");
    }

    #[test]
    fn every_state_has_a_decodable_tray_icon() {
        for state in [TrayState::Idle, TrayState::Syncing, TrayState::Error] {
            let image = state.icon_rgba().unwrap();
            assert_eq!((image.width, image.height), (64, 64), "{state:?}");
            assert_eq!(image.rgba.len(), 64 * 64 * 4, "{state:?}");
            // Not fully transparent: something is drawn.
            assert!(image.rgba.chunks_exact(4).any(|p| p[3] > 0), "{state:?}");
        }
        assert_ne!(TrayState::Idle.icon_png(), TrayState::Error.icon_png());
        assert_ne!(TrayState::Idle.icon_png(), TrayState::Syncing.icon_png());
    }
}
