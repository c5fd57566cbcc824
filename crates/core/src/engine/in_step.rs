//! Rule 10 at its cheapest. The plan is a pure function of the snapshot, the
//! ledger, the mapping and the settings; when the last cycle found everything
//! in step (nothing to do, nothing to look up, no company in error) and none
//! of those inputs has changed since, this cycle would find the same. The
//! engine then skips decoding and planning and only confirms the companies'
//! Last Update Status.
//!
//! "Not changed" is checked, not assumed: the Dashboard pages must hash to
//! the same SHA-256 digests, the ledger's revision (moved by a trigger on
//! every ledger and outbox write, from any process) must be the same, and the
//! companies' effective filters and the ticket rules (the active snoozes
//! included, so one that starts, ends or is removed reads the listing
//! again) must be equal. Time alone moves one thing: a flapping ticket's
//! flap note or close (issue 17) falls due at a time the plan names, and the
//! memo holds only until then.
//! [`Engine::recall`] makes the check at the start of a cycle: the
//! remembered cycle, or the listing to read.

use std::collections::BTreeMap;

use super::listing::{derive_listing, Pages};
use super::plan::{CompanyScope, TicketRules};
use super::{Cycle, Engine, Problem, RunReport};
use crate::source::{Listing, PageMark, RejectedItem, Source};
use crate::Error;

/// The inputs and result of the last in-step cycle.
#[derive(Debug, Clone)]
pub(crate) struct InStep {
    pub pages: Vec<PageMark>,
    pub ledger_revision: i64,
    pub scopes: BTreeMap<String, CompanyScope>,
    pub rules: TicketRules,
    pub events_seen: usize,
    pub skipped: u32,
    pub snoozed: u32,
    pub rejected: Vec<RejectedItem>,
    pub removals_held: bool,
    /// When a flapping ticket's note or close falls due (issue 17): the
    /// memo is void from then on.
    pub flap_due: Option<String>,
}

impl InStep {
    /// This cycle's ledger, mapping and settings are the remembered ones
    /// and no flapping ticket's note or close is due at `now` (the
    /// Dashboard pages are checked apart, page by page).
    pub fn holds(
        &self,
        ledger_revision: i64,
        scopes: &BTreeMap<String, CompanyScope>,
        rules: &TicketRules,
        now: &str,
    ) -> bool {
        self.ledger_revision == ledger_revision
            && self.scopes == *scopes
            && self.rules == *rules
            && self.flap_due.as_deref().is_none_or(|due| before(now, due))
    }

    /// The report the full cycle would give: nothing done, the same items
    /// skipped and the same unreadable items reported.
    pub fn report(&self) -> RunReport {
        let mut report = RunReport {
            events_seen: self.events_seen,
            errors: rejected_problems(&self.rejected),
            rejected: self.rejected.clone(),
            removals_held: self.removals_held,
            ..RunReport::default()
        };
        report.counts.skipped = self.skipped;
        report.snoozed = self.snoozed;
        report
    }
}

/// `now` is before `due` (both RFC 3339); a time that cannot be read
/// counts as due, so the cycle plans in full.
fn before(now: &str, due: &str) -> bool {
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t.trim()).ok();
    matches!((parse(now), parse(due)), (Some(now), Some(due)) if now < due)
}

/// One problem per unreadable Dashboard item (rule 11).
pub(crate) fn rejected_problems(rejected: &[RejectedItem]) -> Vec<Problem> {
    rejected
        .iter()
        .map(|r| Problem {
            key: format!(
                "item:{}",
                r.id.clone().unwrap_or_else(|| r.position.to_string())
            ),
            message: r.to_string(),
        })
        .collect()
}

/// What [`Engine::recall`] found.
pub(super) enum Recall<'d> {
    Unchanged(InStep),
    Read(Pages<'d>),
}

impl Engine {
    /// Rule 10 at its cheapest: the last in-step cycle, when nothing it
    /// depended on has changed; otherwise the listing to read (holding the
    /// first changed page when the check fetched one).
    pub(super) async fn recall<'d>(
        &self,
        cx: &Cycle<'d>,
        ledger_revision: i64,
        scopes: &BTreeMap<String, CompanyScope>,
        rules: &TicketRules,
        settled: bool,
    ) -> Result<Recall<'d>, Error> {
        let spool_dir = self.spool_dir();
        let memo = if cx.dry_run {
            None
        } else {
            self.take_in_step()
        }
        .filter(|memo| settled && memo.holds(ledger_revision, scopes, rules, cx.now));
        let dashboard = match cx.listing_source {
            Source::Dashboard(dashboard) => dashboard,
            platform => {
                // A platform is observed whole every cycle; the derived
                // incidents are then compared with the last in-step ones.
                let page_size = usize::try_from(self.tuning.dashboard_page_size).unwrap_or(250);
                let derived =
                    derive_listing(platform, &self.store, cx.dry_run, cx.now, page_size).await?;
                return Ok(match memo {
                    Some(memo) if derived.mark().is_some_and(|m| memo.pages == [m.clone()]) => {
                        Recall::Unchanged(memo)
                    }
                    _ => Recall::Read(Pages::Derived(derived)),
                });
            }
        };
        let Some(memo) = memo else {
            return Ok(Recall::Read(Pages::Stream(dashboard.events(&spool_dir))));
        };
        Ok(match dashboard.check(&memo.pages, &spool_dir).await? {
            Listing::Unchanged => Recall::Unchanged(memo),
            Listing::Changed(listing) => Recall::Read(Pages::Stream(*listing)),
        })
    }

    /// Where a cycle keeps the fetched Dashboard pages until it has used
    /// them: beside the database.
    fn spool_dir(&self) -> std::path::PathBuf {
        self.store
            .path()
            .and_then(std::path::Path::parent)
            .map_or_else(std::env::temp_dir, std::path::Path::to_path_buf)
    }

    // The memo is replaced whole: a lock poisoned by a panicking cycle
    // still holds a sound value (or none), so later cycles keep using it.
    fn take_in_step(&self) -> Option<InStep> {
        self.in_step
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    pub(super) fn keep_in_step(&self, memo: InStep) {
        *self
            .in_step
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(memo);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memo(flap_due: Option<&str>) -> InStep {
        InStep {
            pages: Vec::new(),
            ledger_revision: 7,
            scopes: BTreeMap::new(),
            rules: super::super::rules(&crate::store::settings::Settings::default()),
            events_seen: 1,
            skipped: 0,
            snoozed: 0,
            rejected: Vec::new(),
            removals_held: false,
            flap_due: flap_due.map(str::to_owned),
        }
    }

    /// Issue 17: a flapping ticket's close (or flap note) falls due with
    /// time alone; the memo must not answer for a cycle at or after it.
    #[test]
    fn the_memo_does_not_hide_a_flap_note_or_close_that_falls_due() {
        let m = memo(Some("2026-12-07T01:00:00Z"));
        let rules = m.rules.clone();
        let holds = |now: &str| m.holds(7, &BTreeMap::new(), &rules, now);
        assert!(holds("2026-12-07T00:59:59Z"));
        assert!(!holds("2026-12-07T01:00:00Z"));
        assert!(!holds("2026-12-07T03:00:00Z"));
        assert!(!holds("not a time"), "an unreadable time plans in full");
        // Without a flapping ticket only the inputs matter.
        let quiet = memo(None);
        assert!(quiet.holds(7, &BTreeMap::new(), &rules, "2030-01-01T00:00:00Z"));
        assert!(!quiet.holds(8, &BTreeMap::new(), &rules, "2030-01-01T00:00:00Z"));
    }
}
