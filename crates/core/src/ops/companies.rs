//! Company operations: refresh from the backup source, map to ConnectWise (resolved
//! at entry), list with effective filters, suggest matches by name.

use serde::{Deserialize, Serialize};

use crate::conditions;
use crate::cw::Company;
use crate::engine::{db_store, Engine};
use crate::model::{Override, TypeFilter};
use crate::source::RejectedItem;
use crate::store::companies::{
    self, CompanyCursor, CompanyRow, CompanySearch, EffectiveFilters, Mapping, RefreshSummary,
};
use crate::Error;

/// What a company refresh did, and the Dashboard items it could not read.
#[derive(Debug, Clone, Serialize)]
pub struct Refreshed {
    pub summary: RefreshSummary,
    pub rejected: Vec<RejectedItem>,
}

/// Fetches the Dashboard's companies and stores them (mappings kept).
pub async fn refresh_companies(engine: &Engine) -> Result<Refreshed, Error> {
    let settings = engine.settings().await?;
    let source = crate::engine::source_client(&settings, engine.secrets().as_ref())?;
    let list = source.companies().await?;
    let companies = list.companies;
    let summary = db_store(engine.store(), move |s| companies::refresh(s, &companies)).await?;
    Ok(Refreshed {
        summary,
        rejected: list.rejected,
    })
}

/// A mapping request: `None` keeps the current value (`Default` for a company
/// mapped for the first time).
#[derive(Debug, Clone, Default)]
pub struct MapRequest {
    pub backup_company_id: String,
    pub cw_identifier: String,
    pub event_types: Option<Override<TypeFilter>>,
    pub backup_types: Option<Override<TypeFilter>>,
    pub agreement_condition: Option<Override<String>>,
}

/// Maps a Dashboard company to the ConnectWise company whose Company ID is
/// `cw_identifier`, resolved now: an unknown identifier is an error and
/// nothing is saved.
pub async fn map_company(engine: &Engine, req: MapRequest) -> Result<CompanyRow, Error> {
    let id = req.backup_company_id.clone();
    let row = known_company(engine, &id).await?;
    check_request(&req)?;
    let identifier = req.cw_identifier.trim().to_owned();
    if identifier.is_empty() {
        return Err(Error::Invalid(
            "the ConnectWise Company ID is empty: type the company's identifier, e.g. AcmeDental"
                .to_owned(),
        ));
    }
    let company = cw_company(engine, &identifier).await?;
    let mapping = Mapping {
        cw_identifier: company.identifier.clone(),
        cw_company_id: company.id,
        cw_company_name: company.name.clone(),
        event_types: req.event_types.unwrap_or(row.event_types.clone()),
        backup_types: req.backup_types.unwrap_or(row.backup_types.clone()),
        agreement_condition: req
            .agreement_condition
            .unwrap_or(row.agreement_condition.clone()),
    };
    db_store(engine.store(), move |s| {
        companies::set_mapping(s, &id, &mapping)?;
        companies::get(s, &id)
    })
    .await?
    .ok_or_else(|| {
        Error::NotFound(
            "the company left the list while it was being mapped; refresh the companies and \
             map it again"
                .to_owned(),
        )
    })
}

/// The stored row of the source company `id`, refreshing the list once
/// when it is not there, or an error naming some ids that are.
async fn known_company(engine: &Engine, id: &str) -> Result<CompanyRow, Error> {
    let mut row = {
        let id = id.to_owned();
        db_store(engine.store(), move |s| companies::get(s, &id)).await?
    };
    if row.is_none() {
        // First use: the list may simply not have been fetched yet.
        if refresh_companies(engine).await.is_ok() {
            let id = id.to_owned();
            row = db_store(engine.store(), move |s| companies::get(s, &id)).await?;
        }
    }
    match row {
        Some(row) => Ok(row),
        None => Err(unknown_company(engine, id).await?),
    }
}

/// The error for a source company id that is not in the list (`Err` when
/// the settings or the list cannot be read).
async fn unknown_company(engine: &Engine, id: &str) -> Result<Error, Error> {
    let which = match engine.settings().await?.source_kind {
        crate::source::SourceKind::Dashboard => "Dashboard",
        crate::source::SourceKind::Msp360 => "MSP360",
        crate::source::SourceKind::Comet => "Comet",
        crate::source::SourceKind::Vspc => "VSPC",
    };
    let known = db_store(engine.store(), |s| {
        companies::page(s, &CompanySearch::default(), None, 10)
    })
    .await?;
    let sample: Vec<String> = known.rows.into_iter().map(|r| r.id).collect();
    Ok(Error::NotFound(if sample.is_empty() {
        format!(
            "there is no {which} company with id \"{id}\"; run `backup-bridge companies refresh` first"
        )
    } else {
        format!(
            "there is no {which} company with id \"{id}\" (known ids include {}); \
             `backup-bridge companies list` shows them all",
            sample.join(", ")
        )
    }))
}

/// Checks the request's agreement condition and type lists.
fn check_request(req: &MapRequest) -> Result<(), Error> {
    if let Some(Override::Explicit(cond)) = &req.agreement_condition {
        if !cond.trim().is_empty() {
            conditions::validate(cond).map_err(|e| {
                Error::Invalid(format!("the agreement condition is not valid: {e}"))
            })?;
        }
    }
    for filter in [&req.event_types, &req.backup_types].into_iter().flatten() {
        if let Override::Explicit(TypeFilter::Only(list)) = filter {
            if list.is_empty() {
                return Err(Error::Invalid(
                    "a type list cannot be empty: list at least one type, or use default"
                        .to_owned(),
                ));
            }
        }
    }
    Ok(())
}

/// The active ConnectWise company whose Company ID is `identifier`.
async fn cw_company(engine: &Engine, identifier: &str) -> Result<Company, Error> {
    let cw = engine.cw().await?;
    cw.company_by_identifier(identifier).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "ConnectWise has no active company with the Company ID \"{identifier}\"; \
             check it in ConnectWise under Companies (the short Company ID, not the name)"
        ))
    })
}

/// A company row with its effective filters, for lists.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompanyView {
    #[serde(flatten)]
    pub row: CompanyRow,
    pub effective: EffectiveFilters,
}

/// Every Dashboard company with its mapping, effective filters and Last Update
/// Status (for the CLI's full listing; screens use [`company_page`]).
pub async fn list_companies(engine: &Engine) -> Result<Vec<CompanyView>, Error> {
    let settings = engine.settings().await?;
    let rows = db_store(engine.store(), companies::list).await?;
    Ok(rows
        .into_iter()
        .map(|row| CompanyView {
            effective: row.effective(&settings),
            row,
        })
        .collect())
}

/// What page of companies a screen asks for.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompanyQuery {
    /// The search box's text: words, `"quoted words"` and `is:` flags
    /// (mapped, unmapped, error, ok, override, gone).
    pub search: String,
    /// The page starts after this row (`null`: the first page).
    pub after: Option<CompanyCursor>,
    /// At most this many rows (1 to 500).
    pub limit: u32,
}

/// One page of companies in name order, and the counts the screen shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompanyPage {
    pub rows: Vec<CompanyView>,
    /// Where the next page starts (`null`: this page is the last).
    pub next: Option<CompanyCursor>,
    /// Companies that match the search, on every page.
    pub matched: u64,
    /// Every company, matching or not.
    pub total: u64,
    /// `is:` words of the search that name no flag, as typed.
    pub unknown: Vec<String>,
}

/// The page of companies that `query` asks for.
pub async fn company_page(engine: &Engine, query: CompanyQuery) -> Result<CompanyPage, Error> {
    let settings = engine.settings().await?;
    let search = CompanySearch::parse(&query.search);
    let unknown = search.unknown.clone();
    let page = db_store(engine.store(), move |s| {
        companies::page(s, &search, query.after.as_ref(), query.limit)
    })
    .await?;
    Ok(CompanyPage {
        rows: page
            .rows
            .into_iter()
            .map(|row| CompanyView {
                effective: row.effective(&settings),
                row,
            })
            .collect(),
        next: page.next,
        matched: page.matched,
        total: page.total,
        unknown,
    })
}

/// One company with its effective filters (`None`: not in the list).
pub async fn company(engine: &Engine, id: String) -> Result<Option<CompanyView>, Error> {
    let settings = engine.settings().await?;
    let row = db_store(engine.store(), move |s| companies::get(s, &id)).await?;
    Ok(row.map(|row| CompanyView {
        effective: row.effective(&settings),
        row,
    }))
}

/// Words of a company name that say something (no legal suffixes or short words).
fn name_words(name: &str) -> Vec<String> {
    const NOISE: &[&str] = &[
        "ltd", "llc", "llp", "inc", "co", "corp", "gmbh", "plc", "the", "and", "pty", "limited",
    ];
    name.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !NOISE.contains(&w.as_str()))
        .collect()
}

/// ConnectWise companies that may be the Dashboard company `backup_name`,
/// best match first (the "suggest" button of the Companies screen).
pub async fn suggest_cw_companies(
    engine: &Engine,
    backup_name: &str,
) -> Result<Vec<Company>, Error> {
    let words = name_words(backup_name);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    let cw = engine.cw().await?;
    let mut found = cw.search_companies(first).await?;
    let score = |c: &Company| {
        let theirs = name_words(&format!("{} {}", c.name, c.identifier));
        words
            .iter()
            .filter(|w| theirs.iter().any(|t| t.contains(w.as_str())))
            .count()
    };
    found.sort_by(|a, b| score(b).cmp(&score(a)).then(a.name.cmp(&b.name)));
    found.truncate(10);
    Ok(found)
}
