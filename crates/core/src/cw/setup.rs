//! Read-only setup endpoints: system info, companies, agreements, boards and
//! their statuses/types/subtypes/items, priorities.

use super::error::CwError;
use super::http::MAX_URL_CHARS;
use super::request::Request;
use super::types::{
    Agreement, Board, BoardChild, BoardStatus, Company, NamedRef, Priority, SystemInfo,
};
use super::CwClient;
use crate::conditions::quote_string as quote;

impl CwClient {
    /// `GET /system/info`: server version; doubles as "test connection".
    pub async fn system_info(&self) -> Result<SystemInfo, CwError> {
        self.fetch(&Request::get("system/info"), "system information")
            .await
    }

    /// The non-deleted company whose identifier (the "Company ID") is `identifier`.
    pub async fn company_by_identifier(
        &self,
        identifier: &str,
    ) -> Result<Option<Company>, CwError> {
        let identifier = identifier.trim();
        if identifier.is_empty() {
            return Ok(None);
        }
        let req = Request::get("company/companies")
            .query("conditions", format!("identifier={}", quote(identifier)))
            .query("pageSize", "25");
        // Deleted companies are dropped here rather than by a `deletedFlag`
        // condition: servers differ in which fields they let a filter name.
        let mut found: Vec<Company> = self.fetch(&req, "company list").await?;
        found.retain(|c| !c.deleted_flag);
        // ConnectWise matches case-insensitively; prefer the exact spelling if both exist.
        let exact = found.iter().position(|c| c.identifier == identifier);
        Ok(match exact {
            Some(i) => Some(found.swap_remove(i)),
            None => found.into_iter().next(),
        })
    }

    /// Non-deleted companies whose name or identifier contains `name_fragment`
    /// (all of them for an empty fragment), ordered by name.
    pub async fn search_companies(&self, name_fragment: &str) -> Result<Vec<Company>, CwError> {
        let fragment = name_fragment.trim();
        let mut req = Request::get("company/companies").query("orderBy", "name asc");
        if !fragment.is_empty() {
            let q = quote(fragment);
            req = req.query(
                "conditions",
                format!("name contains {q} or identifier contains {q}"),
            );
        }
        let mut found: Vec<Company> = self.fetch_all(req, "company list").await?;
        found.retain(|c| !c.deleted_flag);
        Ok(found)
    }

    /// The company's agreements matching `condition` (`company/id=N and (condition)`;
    /// empty = all of the company's), lowest id first.
    pub async fn agreements(
        &self,
        company_id: i64,
        condition: &str,
    ) -> Result<Vec<Agreement>, CwError> {
        let condition = condition.trim();
        let conditions = if condition.is_empty() {
            format!("company/id={company_id}")
        } else {
            format!("company/id={company_id} and ({condition})")
        };
        let req = Request::get("finance/agreements")
            .query("conditions", conditions)
            .query("orderBy", "id asc");
        if self.url_len(&req) > MAX_URL_CHARS - PAGING_RESERVE {
            return Err(CwError::Validation {
                field: Some("conditions".into()),
                message: format!(
                    "The agreement condition is too long to send to ConnectWise ({} characters) — shorten it.",
                    condition.chars().count()
                ),
            });
        }
        self.fetch_all(req, "agreement list").await
    }

    /// All service boards (inactive ones included, flagged), ordered by name.
    pub async fn boards(&self) -> Result<Vec<Board>, CwError> {
        let mut boards: Vec<Board> = self
            .fetch_all(Request::get("service/boards"), "board list")
            .await?;
        boards.sort_by_key(|b| (b.name.to_lowercase(), b.id));
        Ok(boards)
    }

    /// The statuses of one board, in the board's sort order.
    pub async fn board_statuses(&self, board_id: i64) -> Result<Vec<BoardStatus>, CwError> {
        let req = Request::get(format!("service/boards/{board_id}/statuses"));
        let mut statuses: Vec<BoardStatus> = self.fetch_all(req, "board status list").await?;
        statuses.sort_by_key(|s| (s.sort_order, s.id));
        Ok(statuses)
    }

    /// All ticket priorities, in sort order.
    pub async fn priorities(&self) -> Result<Vec<Priority>, CwError> {
        let mut priorities: Vec<Priority> = self
            .fetch_all(Request::get("service/priorities"), "priority list")
            .await?;
        priorities.sort_by_key(|p| (p.sort_order, p.id));
        Ok(priorities)
    }

    /// The board's active ticket types.
    pub async fn board_types(&self, board_id: i64) -> Result<Vec<NamedRef>, CwError> {
        self.board_children(board_id, "types", "board type list")
            .await
    }

    /// The board's active ticket subtypes.
    pub async fn board_subtypes(&self, board_id: i64) -> Result<Vec<NamedRef>, CwError> {
        self.board_children(board_id, "subtypes", "board subtype list")
            .await
    }

    /// The board's active ticket items.
    pub async fn board_items(&self, board_id: i64) -> Result<Vec<NamedRef>, CwError> {
        self.board_children(board_id, "items", "board item list")
            .await
    }

    async fn board_children(
        &self,
        board_id: i64,
        kind: &str,
        what: &str,
    ) -> Result<Vec<NamedRef>, CwError> {
        let req = Request::get(format!("service/boards/{board_id}/{kind}"));
        let children: Vec<BoardChild> = self.fetch_all(req, what).await?;
        let mut refs: Vec<NamedRef> = children
            .into_iter()
            .filter(|c| !c.inactive_flag)
            .map(|c| NamedRef {
                id: c.id,
                name: c.name,
            })
            .collect();
        refs.sort_by_key(|r| (r.name.to_lowercase(), r.id));
        Ok(refs)
    }
}

/// Characters kept free in a list URL for the `pageSize`/`page` parameters.
pub(crate) const PAGING_RESERVE: usize = 48;
