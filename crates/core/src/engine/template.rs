//! The ticket template: the board, statuses, priorities and type/subtype/item
//! named in the settings, resolved to ConnectWise ids.
//!
//! Resolution costs a few setup-table requests, so it happens lazily (only when
//! an action needs an id) and is cached in the database keyed by the settings
//! it came from: an in-step cycle costs no request (rule 10). A validation
//! error from ConnectWise drops the cache so the next cycle resolves afresh.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cw::{BoardStatus, CwClient, CwError, NamedRef};
use crate::store::settings::Settings;

/// Settings key holding the cached template (engine-internal).
pub const CACHE_KEY: &str = "internal.ticket_template";

/// The setting values a template is resolved from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSpec {
    pub board: String,
    pub status_new: Option<String>,
    pub status_closed: Option<String>,
    /// Priority names in use (any event type).
    pub priorities: Vec<String>,
    pub ticket_type: Option<String>,
    pub subtype: Option<String>,
    pub item: Option<String>,
}

impl TemplateSpec {
    /// The spec for the current settings, or a sentence saying what to set.
    pub fn from_settings(settings: &Settings) -> Result<TemplateSpec, String> {
        let board = settings.ticket_board.clone().ok_or_else(|| {
            "no ConnectWise board is chosen for tickets: set one with \
             `backup-bridge config set ticket.board \"Service Desk\"` (or on the Defaults screen)"
                .to_owned()
        })?;
        let p = &settings.ticket_priority;
        let mut priorities: Vec<String> = [&p.error, &p.warning, &p.backup_anomaly]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        priorities.sort();
        priorities.dedup();
        Ok(TemplateSpec {
            board,
            status_new: settings.ticket_status_new.clone(),
            status_closed: settings.ticket_status_closed.clone(),
            priorities,
            ticket_type: settings.ticket_type.clone(),
            subtype: settings.ticket_subtype.clone(),
            item: settings.ticket_item.clone(),
        })
    }
}

/// Ids for everything a ticket action may need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub spec: TemplateSpec,
    pub board: NamedRef,
    /// Status for new and reopened tickets; `None` on create = the board default.
    pub status_new: NamedRef,
    /// Whether `status_new` was chosen explicitly (sent on create) or is the default.
    pub status_new_explicit: bool,
    pub status_closed: NamedRef,
    pub priorities: BTreeMap<String, i64>,
    pub ticket_type: Option<NamedRef>,
    pub subtype: Option<NamedRef>,
    pub item: Option<NamedRef>,
}

/// Why a template could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The settings name something ConnectWise does not have.
    #[error("{0}")]
    Settings(String),
    #[error(transparent)]
    Cw(#[from] CwError),
}

fn find<'a>(list: &'a [NamedRef], name: &str) -> Option<&'a NamedRef> {
    list.iter().find(|r| r.name.eq_ignore_ascii_case(name))
}

fn names(list: &[NamedRef]) -> String {
    let mut v: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
    v.truncate(20);
    v.join(", ")
}

fn status_ref(s: &BoardStatus) -> NamedRef {
    NamedRef {
        id: s.id,
        name: s.name.clone(),
    }
}

/// Active service boards (inactive ones cannot take tickets).
pub async fn active_boards(cw: &CwClient) -> Result<Vec<NamedRef>, CwError> {
    Ok(cw
        .boards()
        .await?
        .into_iter()
        .filter(|b| !b.inactive_flag)
        .map(|b| NamedRef {
            id: b.id,
            name: b.name,
        })
        .collect())
}

/// A board's active statuses in their sort order.
pub async fn active_statuses(cw: &CwClient, board_id: i64) -> Result<Vec<BoardStatus>, CwError> {
    let mut statuses: Vec<BoardStatus> = cw
        .board_statuses(board_id)
        .await?
        .into_iter()
        .filter(|s| !s.inactive)
        .collect();
    statuses.sort_by_key(|s| (s.sort_order, s.id));
    Ok(statuses)
}

/// The active board called `name` (case-insensitive), or a sentence naming
/// the boards that exist.
pub fn board_named(boards: &[NamedRef], name: &str) -> Result<NamedRef, String> {
    find(boards, name).cloned().ok_or_else(|| {
        format!(
            "the board \"{name}\" does not exist in ConnectWise (active boards: {}); \
             fix ticket.board",
            names(boards)
        )
    })
}

/// Resolves `spec` against ConnectWise.
pub async fn resolve(cw: &CwClient, spec: &TemplateSpec) -> Result<Template, TemplateError> {
    let boards = active_boards(cw).await?;
    let board = board_named(&boards, &spec.board).map_err(TemplateError::Settings)?;
    let statuses = active_statuses(cw, board.id).await?;
    let (status_new, status_new_explicit) = match &spec.status_new {
        Some(name) => (
            named_status(&statuses, &board, name, "ticket.status_new", false)?,
            true,
        ),
        None => (default_status_new(&statuses, &board)?, false),
    };
    let status_closed = match &spec.status_closed {
        Some(name) => named_status(&statuses, &board, name, "ticket.status_closed", true)?,
        None => default_status_closed(&statuses, &board)?,
    };
    let priorities = priority_ids(cw, &spec.priorities).await?;
    let ticket_type = match &spec.ticket_type {
        Some(name) => Some(pick(cw.board_types(board.id).await?, name, "type", &board)?),
        None => None,
    };
    let subtype = match &spec.subtype {
        Some(name) => Some(pick(
            cw.board_subtypes(board.id).await?,
            name,
            "subtype",
            &board,
        )?),
        None => None,
    };
    let item = match &spec.item {
        Some(name) => Some(pick(cw.board_items(board.id).await?, name, "item", &board)?),
        None => None,
    };
    Ok(Template {
        spec: spec.clone(),
        board,
        status_new,
        status_new_explicit,
        status_closed,
        priorities,
        ticket_type,
        subtype,
        item,
    })
}

/// The status called `name` that `key` names. A status named in the
/// settings must be on the board and be open (new) or closed (closed) as
/// its key says.
fn named_status(
    statuses: &[BoardStatus],
    board: &NamedRef,
    name: &str,
    key: &str,
    want_closed: bool,
) -> Result<NamedRef, TemplateError> {
    let s = statuses
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            TemplateError::Settings(format!(
                "the status \"{name}\" is not on board \"{}\" (its statuses: {}); fix {key}",
                board.name,
                names(&statuses.iter().map(status_ref).collect::<Vec<NamedRef>>())
            ))
        })?;
    if s.closed_status != want_closed {
        return Err(TemplateError::Settings(format!(
            "{key} \"{name}\" is {} status on board \"{}\"; choose {}",
            if s.closed_status {
                "a closed"
            } else {
                "not a closed"
            },
            board.name,
            if want_closed {
                "one marked closed"
            } else {
                "an open one"
            }
        )));
    }
    Ok(status_ref(s))
}

/// The status for new tickets when none is set: the board's default open
/// status, else its first open one.
fn default_status_new(
    statuses: &[BoardStatus],
    board: &NamedRef,
) -> Result<NamedRef, TemplateError> {
    statuses
        .iter()
        .find(|s| s.default_flag && !s.closed_status)
        .or_else(|| statuses.iter().find(|s| !s.closed_status))
        .map(status_ref)
        .ok_or_else(|| {
            TemplateError::Settings(format!(
                "board \"{}\" has no open status to give new tickets",
                board.name
            ))
        })
}

/// The status for closing tickets when none is set: the board's first closed one.
fn default_status_closed(
    statuses: &[BoardStatus],
    board: &NamedRef,
) -> Result<NamedRef, TemplateError> {
    statuses
        .iter()
        .find(|s| s.closed_status)
        .map(status_ref)
        .ok_or_else(|| {
            TemplateError::Settings(format!(
                "board \"{}\" has no closed status, so tickets cannot be closed",
                board.name
            ))
        })
}

/// The id of each priority named in the settings; no request when none is.
async fn priority_ids(
    cw: &CwClient,
    wanted: &[String],
) -> Result<BTreeMap<String, i64>, TemplateError> {
    let mut priorities = BTreeMap::new();
    if wanted.is_empty() {
        return Ok(priorities);
    }
    let all: Vec<NamedRef> = cw
        .priorities()
        .await?
        .into_iter()
        .map(|p| NamedRef {
            id: p.id,
            name: p.name,
        })
        .collect();
    for name in wanted {
        let p = find(&all, name).ok_or_else(|| {
            TemplateError::Settings(format!(
                "the priority \"{name}\" does not exist in ConnectWise (priorities: {}); \
                 fix ticket.priority.*",
                names(&all)
            ))
        })?;
        priorities.insert(name.clone(), p.id);
    }
    Ok(priorities)
}

fn pick(
    list: Vec<NamedRef>,
    name: &str,
    what: &str,
    board: &NamedRef,
) -> Result<NamedRef, TemplateError> {
    find(&list, name).cloned().ok_or_else(|| {
        TemplateError::Settings(format!(
            "the {what} \"{name}\" is not on board \"{}\" (its {what}s: {}); fix ticket.{what}",
            board.name,
            names(&list)
        ))
    })
}
