//! What the window scenario asks of the app's page over WebDriver: when
//! the first Activity rows were painted, how long a filter takes, and the
//! screenshots. Times come from the page's own clock: the Activity screen
//! calls `performance.mark('bb:activity-rows')` in the frame after it draws
//! its ticket rows (ui/src/screens/activity.ts).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use serde_json::json;

use super::webdriver::Session;

/// The page's marks so far, its clock's origin (epoch ms), the ticket rows
/// in the DOM and the screen shown.
const PROBE: &str = r#"
const marks = performance.getEntriesByName('bb:activity-rows', 'mark').map((m) => m.startTime);
const origin = performance.timeOrigin || performance.timing.navigationStart;
const screen = document.querySelector('[data-testid^="screen-"]');
const stages = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('bb:')).map((m) => [m.name, m.startTime]);
return {
  origin,
  marks,
  stages,
  rows: document.querySelectorAll('[data-testid="ticket-row"]').length,
  screen: screen === null ? null : screen.getAttribute('data-testid'),
};
"#;

/// Sets the tickets filter to `arguments[0]` and reports, on the page's
/// clock, the time from just before the change to the next rows mark
/// (polled: marks are not missed however late the check runs).
const FILTER: &str = r#"
const [value, timeoutMs] = arguments;
const done = arguments[arguments.length - 1];
const select = document.querySelector('[data-testid="tickets-filter"]');
if (select === null) { done({ error: 'no [data-testid="tickets-filter"] on the page' }); return; }
const t0 = performance.now();
const started = Date.now();
const check = () => {
  const after = performance.getEntriesByName('bb:activity-rows', 'mark').find((m) => m.startTime >= t0);
  if (after !== undefined) {
    done({ ms: after.startTime - t0, rows: document.querySelectorAll('[data-testid="ticket-row"]').length });
  } else if (Date.now() - started > timeoutMs) {
    done({ error: `no bb:activity-rows mark within ${timeoutMs} ms of the change` });
  } else {
    setTimeout(check, 5);
  }
};
select.value = value;
select.dispatchEvent(new Event('change', { bubbles: true }));
setTimeout(check, 0);
"#;

/// The filter values switched through, ending where the screen starts.
pub(crate) const FILTER_VALUES: [&str; 6] = ["open", "errors", "all", "open", "errors", "all"];

/// Milliseconds since the Unix epoch now.
pub(crate) fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn millis(ms: f64) -> Duration {
    Duration::from_secs_f64((ms / 1e3).max(0.0))
}

/// When the first ticket rows were painted.
pub(crate) struct FirstRows {
    /// From `since` to the first rows mark; `None` when none came in time.
    pub after: Option<Duration>,
    /// Ticket rows in the DOM when it was seen.
    pub rows: u64,
    /// The screen the window opened on (`screen-activity`, …).
    pub opened_on: String,
    /// The window did not open on Activity: the figure starts at the click
    /// on its tab instead of the launch.
    pub navigated: bool,
    /// Where the time went: the page's start, then each of its `bb:` marks
    /// up to the first rows, from the launch ("page 350 ms, bb:app-info
    /// 610 ms, …").
    pub stages: String,
}

/// The page's start and its `bb:` marks as times from the launch.
fn stages(probe: &serde_json::Value, launched_ms: f64) -> String {
    let origin = probe["origin"].as_f64().unwrap_or(launched_ms);
    let mut out = vec![format!("page {:.0} ms", origin - launched_ms)];
    for stage in probe["stages"].as_array().into_iter().flatten() {
        if let (Some(name), Some(at)) = (stage[0].as_str(), stage[1].as_f64()) {
            out.push(format!("{name} {:.0} ms", origin + at - launched_ms));
            if name == "bb:activity-rows" {
                break;
            }
        }
    }
    out.join(", ")
}

/// Polls the page until a rows mark exists with ticket rows in the DOM, or
/// `timeout` after `launched_ms` (epoch ms); `sample` runs now and then
/// meanwhile (the PSS sampler). Navigates to Activity first if the window
/// opened elsewhere.
pub(crate) async fn first_rows(
    session: &Session,
    launched_ms: f64,
    timeout: Duration,
    mut sample: impl FnMut(),
) -> anyhow::Result<FirstRows> {
    let deadline = launched_ms + timeout.as_secs_f64() * 1e3;
    let mut since = launched_ms;
    let mut opened_on: Option<String> = None;
    let mut last = (0, String::new());
    let mut polls = 0u32;
    while epoch_ms() < deadline {
        let probe = session.execute(PROBE, json!([])).await?;
        let rows = probe["rows"].as_u64().unwrap_or(0);
        let screen = probe["screen"].as_str().unwrap_or("").to_owned();
        if opened_on.is_none() && !screen.is_empty() {
            opened_on = Some(screen.clone());
            if screen != "screen-activity" {
                since = epoch_ms();
                session
                    .execute(
                        "document.querySelector('[data-testid=\"nav-activity\"]').click();",
                        json!([]),
                    )
                    .await
                    .context("opening the Activity screen")?;
            }
        }
        let first_mark = probe["marks"].as_array().and_then(|m| m.first()?.as_f64());
        if let (Some(mark), Some(origin)) = (first_mark, probe["origin"].as_f64()) {
            if rows > 0 {
                return Ok(FirstRows {
                    after: Some(millis(origin + mark - since)),
                    rows,
                    navigated: since != launched_ms,
                    opened_on: opened_on.unwrap_or(screen),
                    stages: stages(&probe, launched_ms),
                });
            }
        }
        last = (rows, screen);
        if polls.is_multiple_of(5) {
            sample();
        }
        polls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(FirstRows {
        after: None,
        rows: last.0,
        navigated: since != launched_ms,
        opened_on: opened_on.unwrap_or(last.1),
        stages: String::new(),
    })
}

/// One filter switch: the time to the rows mark and the rows shown.
pub(crate) struct FilterSwitch {
    pub value: &'static str,
    pub took: Duration,
    pub rows: u64,
}

/// Switches the tickets filter through [`FILTER_VALUES`], waiting `settle`
/// after each (and running `sample`).
pub(crate) async fn filter_switches(
    session: &Session,
    timeout: Duration,
    settle: Duration,
    mut sample: impl FnMut(),
) -> anyhow::Result<Vec<FilterSwitch>> {
    let mut out = Vec::new();
    for value in FILTER_VALUES {
        let reply = session
            .execute_async(FILTER, json!([value, timeout.as_millis() as u64]))
            .await
            .with_context(|| format!("switching the filter to {value}"))?;
        if let Some(error) = reply["error"].as_str() {
            anyhow::bail!("switching the filter to {value}: {error}");
        }
        let ms = reply["ms"]
            .as_f64()
            .with_context(|| format!("unexpected filter reply: {reply}"))?;
        out.push(FilterSwitch {
            value,
            took: millis(ms),
            rows: reply["rows"].as_u64().unwrap_or(0),
        });
        sample();
        tokio::time::sleep(settle).await;
    }
    Ok(out)
}

/// Sizes the window to each of `sizes`, waits for it to paint, and saves a
/// screenshot as `dir/{prefix}-{width}x{height}.png`; the paths written and
/// what failed (a screenshot is a by-product: it never fails the scenario).
pub(crate) async fn screenshots(
    session: &Session,
    dir: &Path,
    prefix: &str,
    sizes: &[(u32, u32)],
) -> (Vec<PathBuf>, Vec<String>) {
    let mut saved = Vec::new();
    let mut failed = Vec::new();
    for &(width, height) in sizes {
        let path = dir.join(format!("{prefix}-{width}x{height}.png"));
        let shot = async {
            session.set_window_rect(width, height).await?;
            tokio::time::sleep(Duration::from_secs(1)).await;
            let png = session.screenshot().await?;
            std::fs::create_dir_all(dir)?;
            std::fs::write(&path, png)?;
            anyhow::Ok(())
        };
        match shot.await {
            Ok(()) => saved.push(path),
            Err(e) => failed.push(format!("{}: {e:#}", path.display())),
        }
    }
    (saved, failed)
}
