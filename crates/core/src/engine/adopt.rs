//! Adoption by `externalXRef` (rules 9, 13, 14): a create whose answer was
//! lost or ambiguous is looked up before anything is created again, and a
//! search hit becomes the event's ticket only when it is exactly ours.
//!
//! ConnectWise's string `=` is case-insensitive, so the search for
//! `bb:evt-1` also finds `bb:EVT-1`, another event's ticket, perhaps another
//! customer's. A hit is ours only when its `externalXRef` equals ours byte for
//! byte (as it was sent) and it belongs to the event's ConnectWise company.

use super::db;
use crate::cw::{clamp_external_xref, Ticket};
use crate::store::ledger::{self, LedgerEntry};
use crate::store::outbox;
use crate::store::Store;
use crate::Error;

/// The lowest-numbered ticket among `found` that is exactly ours (rule 14).
/// `cw_company_id` is `None` only for intents recorded before it was kept:
/// then the xref alone decides.
pub(crate) fn ours(found: &[Ticket], xref: &str, cw_company_id: Option<i64>) -> Option<i64> {
    let sent = clamp_external_xref(xref);
    found
        .iter()
        .filter(|t| t.external_x_ref.as_deref() == Some(sent.as_str()))
        .filter(|t| match cw_company_id {
            Some(company) => t.company.as_ref().is_some_and(|c| c.id == company),
            None => true,
        })
        .map(|t| t.id)
        .min()
}

/// Records `entry` (with its found ticket id) as the event's ticket and
/// marks every unsettled create of the event resolved, in one transaction.
pub(crate) async fn record(store: &Store, entry: LedgerEntry, now: &str) -> Result<(), Error> {
    let now = now.to_owned();
    db(store, move |c| {
        let tx = c.unchecked_transaction()?;
        ledger::put(&tx, &entry)?;
        outbox::resolve_creates(&tx, &entry.event_id, &now)?;
        tx.commit()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cw::CompanyRef;

    fn ticket(id: i64, xref: &str, company: i64) -> Ticket {
        Ticket {
            id,
            summary: String::new(),
            board: None,
            status: None,
            company: Some(CompanyRef {
                id: company,
                identifier: String::new(),
                name: String::new(),
            }),
            priority: None,
            agreement: None,
            external_x_ref: Some(xref.to_owned()),
            closed_flag: false,
            closed_date: None,
        }
    }

    /// REGRESSION: the server's case-insensitive search found `bb:EVT-1`'s
    /// ticket for `bb:evt-1`, and recovery adopted it: later notes landed on
    /// another customer's ticket.
    #[test]
    fn a_hit_is_ours_only_when_its_xref_and_company_are_exactly_ours() {
        let found = [
            ticket(5, "bb:EVT-1", 250),
            ticket(6, "bb:evt-1", 999),
            ticket(7, "bb:evt-1", 250),
            ticket(8, "bb:evt-1", 250),
        ];
        assert_eq!(ours(&found, "bb:evt-1", Some(250)), Some(7));
        assert_eq!(ours(&found, "bb:EVT-1", Some(250)), Some(5));
        assert_eq!(ours(&found, "bb:Evt-1", Some(250)), None);
        assert_eq!(ours(&found[..2], "bb:evt-1", Some(250)), None);
        // An intent recorded before the company was kept: the xref decides.
        assert_eq!(ours(&found, "bb:evt-1", None), Some(6));
    }
}
