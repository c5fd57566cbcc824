//! The only facts a plan needs from ConnectWise besides the snapshot: the
//! agreement each company's condition selects (rule 3) and the live state of
//! tickets whose rule depends on it (rule 8). Each costs at most one request
//! per company (agreements) or one batched request (ticket states) per cycle.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::plan::{AgreementLookup, CompanyScope, Needs, RemoteTicket};
use crate::cw::{CwClient, CwError};
use crate::Error;

/// Rule 3 + 10: one agreement lookup per company per cycle, several at once
/// (the executor's bound): sequential lookups made a first sync of many
/// companies wait `companies × latency` before any create. A lookup that
/// fails for a reason of the company (a rejected condition) is that
/// company's error; a connection failure fails the cycle.
pub(crate) async fn agreements(
    cw: &CwClient,
    scopes: &BTreeMap<String, CompanyScope>,
    needs: &Needs,
    concurrency: usize,
) -> Result<BTreeMap<String, AgreementLookup>, Error> {
    let wanted: Vec<(String, i64, String)> = needs
        .agreement_companies
        .iter()
        .filter_map(|id| {
            let scope = scopes.get(id)?;
            Some((
                id.clone(),
                scope.cw_company_id,
                scope.agreement_condition.clone(),
            ))
        })
        .collect();
    let found: Vec<(String, AgreementLookup)> = stream::iter(wanted)
        .map(|(company_id, cw_company_id, condition)| {
            let cw = cw.clone();
            async move {
                let lookup = match cw.agreements(cw_company_id, &condition).await {
                    Ok(list) => match list.iter().min_by_key(|a| a.id) {
                        Some(a) => AgreementLookup::Found {
                            id: a.id,
                            name: a.name.clone(),
                        },
                        None => AgreementLookup::NoMatch,
                    },
                    Err(e) if e.is_retryable() || matches!(e, CwError::Auth { .. }) => {
                        return Err(e)
                    }
                    Err(e) => AgreementLookup::Failed(e.to_string()),
                };
                Ok((company_id, lookup))
            }
        })
        .buffered(concurrency.max(1))
        .try_collect()
        .await?;
    Ok(found.into_iter().collect())
}

/// Rule 8: whether each ticket the plan depends on is closed, in one batched
/// request (none when nothing depends on it).
pub(crate) async fn ticket_states(
    cw: &CwClient,
    needs: &Needs,
) -> Result<BTreeMap<i64, RemoteTicket>, Error> {
    if needs.ticket_states.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<i64> = needs.ticket_states.iter().copied().collect();
    Ok(cw
        .tickets_by_ids(&ids)
        .await?
        .into_iter()
        .map(|t| {
            (
                t.id,
                RemoteTicket {
                    closed: t.closed_flag,
                },
            )
        })
        .collect())
}
