//! Pick-lists and previews for the Defaults screen: boards and their
//! statuses/types/subtypes/items, priorities, which agreements a condition
//! matches for a company and a live summary example (the event and backup
//! types seen in the Dashboard are in `seen`).

use serde::Serialize;

use crate::cw::{Agreement, BoardStatus, NamedRef, Priority};
use crate::engine::{db_store, render, template, Engine};
use crate::store::companies;
use crate::store::settings;
use crate::{conditions, Error};

/// Active service boards.
pub async fn boards(engine: &Engine) -> Result<Vec<NamedRef>, Error> {
    Ok(template::active_boards(&engine.cw().await?).await?)
}

/// Everything that depends on the chosen board.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BoardOptions {
    pub statuses: Vec<BoardStatus>,
    pub types: Vec<NamedRef>,
    pub subtypes: Vec<NamedRef>,
    pub items: Vec<NamedRef>,
}

/// Statuses, types, subtypes and items of the board named `board`.
pub async fn board_options(engine: &Engine, board: &str) -> Result<BoardOptions, Error> {
    let cw = engine.cw().await?;
    let boards = template::active_boards(&cw).await?;
    let found = template::board_named(&boards, board).map_err(Error::NotFound)?;
    let statuses = template::active_statuses(&cw, found.id).await?;
    Ok(BoardOptions {
        statuses,
        types: cw.board_types(found.id).await?,
        subtypes: cw.board_subtypes(found.id).await?,
        items: cw.board_items(found.id).await?,
    })
}

/// Service priorities.
pub async fn priorities(engine: &Engine) -> Result<Vec<Priority>, Error> {
    Ok(engine.cw().await?.priorities().await?)
}

/// The agreements of the (mapped) Dashboard company `backup_company_id` that
/// `condition` matches, lowest id (the one a ticket would get) first.
pub async fn preview_agreements(
    engine: &Engine,
    backup_company_id: &str,
    condition: &str,
) -> Result<Vec<Agreement>, Error> {
    if !condition.trim().is_empty() {
        conditions::validate(condition).map_err(|e| Error::Invalid(e.to_string()))?;
    }
    let id = backup_company_id.to_owned();
    let row = db_store(engine.store(), move |s| companies::get(s, &id))
        .await?
        .ok_or_else(|| {
            Error::Invalid(format!(
                "no Dashboard company has the id \"{backup_company_id}\""
            ))
        })?;
    let cw_id = row.cw_company_id.ok_or_else(|| {
        Error::Invalid(format!(
            "{} is not mapped to a ConnectWise company yet; map it on the Companies screen first",
            row.name
        ))
    })?;
    let mut list = engine.cw().await?.agreements(cw_id, condition).await?;
    list.sort_by_key(|a| a.id);
    Ok(list)
}

/// The summary `template` renders to for a sample event.
pub fn summary_example(template: &str) -> Result<String, Error> {
    settings::validate_template(template).map_err(Error::Invalid)?;
    let sample = render::sample_event();
    Ok(render::summary(template, &sample, "Acme Dental Ltd"))
}
