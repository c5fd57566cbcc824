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
//! companies' effective filters and the ticket rules must be equal.

use std::collections::BTreeMap;

use super::plan::{CompanyScope, TicketRules};
use super::{Problem, RunReport};
use crate::source::{PageMark, RejectedItem};

/// The inputs and result of the last in-step cycle.
#[derive(Debug, Clone)]
pub(crate) struct InStep {
    pub pages: Vec<PageMark>,
    pub ledger_revision: i64,
    pub scopes: BTreeMap<String, CompanyScope>,
    pub rules: TicketRules,
    pub events_seen: usize,
    pub skipped: u32,
    pub rejected: Vec<RejectedItem>,
    pub removals_held: bool,
}

impl InStep {
    /// This cycle's ledger, mapping and settings are the remembered ones
    /// (the Dashboard pages are checked apart, page by page).
    pub fn holds(
        &self,
        ledger_revision: i64,
        scopes: &BTreeMap<String, CompanyScope>,
        rules: &TicketRules,
    ) -> bool {
        self.ledger_revision == ledger_revision && self.scopes == *scopes && self.rules == *rules
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
        report
    }
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
