//! One page of the company list, searched, filtered and sorted in SQL, so a
//! screen never holds more companies than it shows.
//!
//! The search text is the Companies screen's: free words, each matching
//! (case-insensitively, as a substring) the company's name or id, its
//! ConnectWise identifier, name or numeric id, its own agreement condition
//! or its Last Update Status message; `is:` words keep only the companies in
//! a state ([`CompanyFlag`]); `"quoted words"` keep their spaces. Pages are
//! in name order (case-insensitive, then id), and the next page starts after
//! a [`CompanyCursor`] (keyset paging: a row is never skipped or repeated
//! when rows before it change between pages).

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use super::{RawRow, COLUMNS};
use crate::store::companies::CompanyRow;
use crate::store::{Store, StoreError};

/// The most companies one page holds.
pub const PAGE_LIMIT_MAX: u32 = 500;

/// A company state the search's `is:` words select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyFlag {
    /// Mapped to a ConnectWise company.
    Mapped,
    /// Not mapped: produces no tickets.
    Unmapped,
    /// The last sync for it failed.
    Error,
    /// The last sync for it succeeded.
    Ok,
    /// At least one of its filters or its agreement condition overrides the default.
    Override,
    /// No longer listed by the backup source.
    Gone,
}

impl CompanyFlag {
    /// The flag an `is:` word names (`is:errors` = `is:error`), if any.
    pub fn from_word(word: &str) -> Option<CompanyFlag> {
        Some(match word {
            "mapped" => CompanyFlag::Mapped,
            "unmapped" => CompanyFlag::Unmapped,
            "error" | "errors" | "failing" => CompanyFlag::Error,
            "ok" => CompanyFlag::Ok,
            "override" | "overrides" | "custom" => CompanyFlag::Override,
            "gone" => CompanyFlag::Gone,
            _ => return None,
        })
    }

    /// The SQL condition on a `companies` row.
    fn condition(self) -> &'static str {
        match self {
            CompanyFlag::Mapped => "cw_company_id IS NOT NULL",
            CompanyFlag::Unmapped => "cw_company_id IS NULL",
            // A status exists when both its outcome and its time do.
            CompanyFlag::Error => "(last_ok = 0 AND last_at IS NOT NULL)",
            CompanyFlag::Ok => "(last_ok = 1 AND last_at IS NOT NULL)",
            CompanyFlag::Override => {
                "(event_types IS NOT NULL OR backup_types IS NOT NULL \
                 OR agreement_condition IS NOT NULL)"
            }
            CompanyFlag::Gone => "present = 0",
        }
    }
}

/// A parsed search: every word and every flag must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanySearch {
    /// Lower-case words (a quoted phrase is one word).
    pub words: Vec<String>,
    pub flags: Vec<CompanyFlag>,
    /// `is:` words that name no flag, as typed, to tell the user.
    pub unknown: Vec<String>,
}

impl CompanySearch {
    /// Splits `text` into words and `is:` flags; `"quotes"` keep spaces
    /// (an unclosed quote runs to the end).
    pub fn parse(text: &str) -> CompanySearch {
        let mut search = CompanySearch::default();
        for (token, quoted) in tokens(text) {
            let lower = token.trim().to_lowercase();
            if lower.is_empty() {
                continue;
            }
            if let Some(word) = lower.strip_prefix("is:").filter(|_| !quoted) {
                match CompanyFlag::from_word(word) {
                    Some(flag) if !search.flags.contains(&flag) => search.flags.push(flag),
                    Some(_) => {}
                    None => search.unknown.push(token.to_owned()),
                }
                continue;
            }
            search.words.push(lower);
        }
        search
    }
}

/// The tokens of a search text, each with whether it was quoted (quotes removed).
fn tokens(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('"') {
            let end = inner.find('"').unwrap_or(inner.len());
            out.push((&inner[..end], true));
            rest = inner.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push((&rest[..end], false));
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    out
}

/// Where a page ends: the last row's name and id. The next page starts after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompanyCursor {
    pub name: String,
    pub id: String,
}

/// One page of companies and the counts around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<CompanyRow>,
    /// Where the next page starts; `None` when this page is the last.
    pub next: Option<CompanyCursor>,
    /// Companies that match the search, on every page.
    pub matched: u64,
    /// Every company, matching or not.
    pub total: u64,
}

/// The columns a search word is looked for in (NULL columns never match).
const SEARCHED: &[&str] = &[
    "name",
    "id",
    "cw_identifier",
    "cw_company_name",
    "CAST(cw_company_id AS TEXT)",
    "agreement_condition",
    "last_message",
];

/// `word` as a LIKE pattern matching it anywhere, `%`, `_` and `\` taken literally.
pub fn like_pattern(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The WHERE condition of `search` (`1` when it has none) and its parameters.
fn condition(search: &CompanySearch) -> (String, Vec<Value>) {
    let mut parts: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    for word in &search.words {
        params.push(Value::Text(like_pattern(word)));
        let n = params.len();
        let any: Vec<String> = SEARCHED
            .iter()
            .map(|col| format!("{col} LIKE ?{n} ESCAPE '\\'"))
            .collect();
        parts.push(format!("({})", any.join(" OR ")));
    }
    parts.extend(search.flags.iter().map(|f| f.condition().to_owned()));
    if parts.is_empty() {
        ("1".to_owned(), params)
    } else {
        (parts.join(" AND "), params)
    }
}

/// The page of companies matching `search` that follows `after` (the first
/// page when `None`), at most `limit` rows (clamped to 1..=[`PAGE_LIMIT_MAX`]).
pub fn page(
    store: &Store,
    search: &CompanySearch,
    after: Option<&CompanyCursor>,
    limit: u32,
) -> Result<Page, StoreError> {
    let limit = limit.clamp(1, PAGE_LIMIT_MAX);
    let (filter, params) = condition(search);
    let mut sql = format!("SELECT {COLUMNS} FROM companies WHERE ({filter})");
    let mut page_params = params.clone();
    if let Some(cursor) = after {
        page_params.push(Value::Text(cursor.name.clone()));
        page_params.push(Value::Text(cursor.id.clone()));
        let (n, i) = (page_params.len() - 1, page_params.len());
        sql.push_str(&format!(
            " AND (name > ?{n} COLLATE NOCASE OR (name = ?{n} COLLATE NOCASE AND id > ?{i}))"
        ));
    }
    // One more than the page, to know whether another follows.
    page_params.push(Value::Integer(i64::from(limit) + 1));
    sql.push_str(&format!(
        " ORDER BY name COLLATE NOCASE, id LIMIT ?{}",
        page_params.len()
    ));
    let (raw, matched, total) = store.with_conn(|c| {
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(page_params.iter()), RawRow::read)?;
        let raw = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let matched: i64 = c.query_row(
            &format!("SELECT COUNT(*) FROM companies WHERE {filter}"),
            rusqlite::params_from_iter(params.iter()),
            |r| r.get(0),
        )?;
        let total: i64 = c.query_row("SELECT COUNT(*) FROM companies", [], |r| r.get(0))?;
        Ok((raw, matched, total))
    })?;
    let mut rows = raw
        .into_iter()
        .map(RawRow::into_row)
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|last| CompanyCursor {
        name: last.name.clone(),
        id: last.id.clone(),
    });
    Ok(Page {
        rows,
        next,
        matched: u64::try_from(matched).unwrap_or(0),
        total: u64::try_from(total).unwrap_or(0),
    })
}

#[cfg(test)]
#[path = "companies_page_tests.rs"]
mod tests;
