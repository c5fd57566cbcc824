//! Companies screen: the Dashboard companies, their ConnectWise mapping
//! (resolved at entry by core), overrides and Last Update Status.

use bridge_core::cw::Company;
use bridge_core::ops::{self, CompanyPage, CompanyQuery, CompanyView};
use bridge_core::store::companies;

use super::blocking;
use crate::error::{Error, Result};
use crate::models::MapCompanyInput;
use crate::state::AppState;

/// One page of the companies, searched and in name order, with the counts.
pub async fn list_companies_page(state: &AppState, query: CompanyQuery) -> Result<CompanyPage> {
    Ok(ops::company_page(&*state.engine().await?, query).await?)
}

/// One company (`None`: it is not in the list).
pub async fn get_company(
    state: &AppState,
    backup_company_id: String,
) -> Result<Option<CompanyView>> {
    Ok(ops::company(&*state.engine().await?, backup_company_id).await?)
}

/// Fetches the companies from the Dashboard (mappings kept), then answers
/// the page `query` asks for.
pub async fn refresh_companies(state: &AppState, query: CompanyQuery) -> Result<CompanyPage> {
    let engine = state.engine().await?;
    let refreshed = ops::refresh_companies(&engine).await?;
    for item in &refreshed.rejected {
        tracing::warn!(%item, "the Dashboard sent an unreadable company");
    }
    Ok(ops::company_page(&engine, query).await?)
}

/// Maps a company to the ConnectWise company with the typed Company ID
/// (an unknown ID is an error and nothing is saved).
pub async fn map_company(state: &AppState, req: MapCompanyInput) -> Result<CompanyView> {
    let engine = state.engine().await?;
    let row = ops::map_company(&engine, req.into()).await?;
    let settings = engine.settings().await?;
    Ok(CompanyView {
        effective: row.effective(&settings),
        row,
    })
}

/// Removes a company's mapping: it produces no tickets any more.
pub async fn unmap_company(state: &AppState, backup_company_id: String) -> Result<()> {
    blocking(&*state.engine().await?, move |s| {
        companies::clear_mapping(s, &backup_company_id)
    })
    .await
}

/// ConnectWise companies that may be this Dashboard company, best first.
pub async fn suggest_companies(
    state: &AppState,
    backup_company_id: String,
) -> Result<Vec<Company>> {
    let engine = state.engine().await?;
    let id = backup_company_id.clone();
    let row = blocking(&engine, move |s| companies::get(s, &id))
        .await?
        .ok_or_else(|| {
            Error::Invalid(format!(
                "no Dashboard company has the id \"{backup_company_id}\"; refresh the list"
            ))
        })?;
    Ok(ops::suggest_cw_companies(&engine, &row.name).await?)
}
