//! ConnectWise requests by kind, read from the simulator's request log: what
//! every scenario's "requests" figures are made of.

use std::collections::BTreeMap;
use std::fmt;

use bridge_sim::RequestRecord;

/// What a ConnectWise request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `GET /login/companyinfo/…` (codebase discovery).
    Discovery,
    /// `GET /service/boards` (template).
    Boards,
    /// `GET /service/boards/{id}/statuses` (template).
    Statuses,
    /// `GET /service/priorities` (template).
    Priorities,
    /// Board types, subtypes, items (template, when configured).
    BoardChildren,
    /// `GET /finance/agreements`.
    Agreements,
    /// `GET /company/companies…`.
    Companies,
    /// `POST /service/tickets`.
    Create,
    /// `PATCH /service/tickets/{id}` (update, close, reopen).
    Patch,
    /// `POST /service/tickets/{id}/notes`.
    Note,
    /// `DELETE /service/tickets/{id}`.
    Delete,
    /// `GET /service/tickets?conditions=id in (…)` (ticket states).
    TicketStates,
    /// `GET /service/tickets?conditions=externalXRef=…`.
    TicketByXref,
    /// `GET /service/tickets/{id}`.
    TicketRead,
    /// `GET /service/tickets/{id}/notes`.
    NotesRead,
    /// Anything else (system info, tokens, counts, searches…).
    Other,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 16] = [
        Kind::Discovery,
        Kind::Boards,
        Kind::Statuses,
        Kind::Priorities,
        Kind::BoardChildren,
        Kind::Agreements,
        Kind::Companies,
        Kind::Create,
        Kind::Patch,
        Kind::Note,
        Kind::Delete,
        Kind::TicketStates,
        Kind::TicketByXref,
        Kind::TicketRead,
        Kind::NotesRead,
        Kind::Other,
    ];

    /// One-off lookups of the ticket template (board, statuses, priorities…).
    pub fn is_template(self) -> bool {
        matches!(
            self,
            Kind::Boards | Kind::Statuses | Kind::Priorities | Kind::BoardChildren
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Discovery => "discovery",
            Kind::Boards => "boards",
            Kind::Statuses => "statuses",
            Kind::Priorities => "priorities",
            Kind::BoardChildren => "board types/items",
            Kind::Agreements => "agreement lookups",
            Kind::Companies => "company lookups",
            Kind::Create => "creates",
            Kind::Patch => "patches",
            Kind::Note => "notes",
            Kind::Delete => "deletes",
            Kind::TicketStates => "ticket-state lookups",
            Kind::TicketByXref => "xref lookups",
            Kind::TicketRead => "ticket reads",
            Kind::NotesRead => "note reads",
            Kind::Other => "other",
        }
    }
}

/// Classifies one logged request.
pub fn classify(r: &RequestRecord) -> Kind {
    if r.path.starts_with("/login/companyinfo") {
        return Kind::Discovery;
    }
    let path = r.api_path().trim_end_matches('/');
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let get = r.method == "GET";
    match (r.method.as_str(), segments.as_slice()) {
        ("GET", ["service", "boards"]) => Kind::Boards,
        ("GET", ["service", "boards", _, "statuses"]) => Kind::Statuses,
        ("GET", ["service", "boards", _, _]) => Kind::BoardChildren,
        ("GET", ["service", "priorities"]) => Kind::Priorities,
        ("GET", ["finance", "agreements", ..]) => Kind::Agreements,
        ("GET", ["company", "companies", ..]) => Kind::Companies,
        ("POST", ["service", "tickets"]) => Kind::Create,
        ("PATCH", ["service", "tickets", _]) => Kind::Patch,
        ("DELETE", ["service", "tickets", _]) => Kind::Delete,
        ("POST", ["service", "tickets", _, "notes"]) => Kind::Note,
        ("GET", ["service", "tickets", _, "notes"]) => Kind::NotesRead,
        ("GET", ["service", "tickets"]) => {
            let conditions = r.query_param("conditions").unwrap_or_default();
            let lower = conditions.to_ascii_lowercase();
            if lower.starts_with("id in") {
                Kind::TicketStates
            } else if lower.starts_with("externalxref") {
                Kind::TicketByXref
            } else {
                Kind::Other
            }
        }
        ("GET", ["service", "tickets", id]) if id.parse::<i64>().is_ok() && get => Kind::TicketRead,
        _ => Kind::Other,
    }
}

/// Requests counted by kind, with the throttled and failed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    by_kind: BTreeMap<Kind, u64>,
    /// Answered 429 (ConnectWise throttling).
    pub throttled: u64,
    /// Answered with another non-2xx status, or not at all.
    pub failed: u64,
}

impl Tally {
    pub fn of(records: &[RequestRecord]) -> Tally {
        let mut t = Tally::default();
        for r in records {
            *t.by_kind.entry(classify(r)).or_default() += 1;
            match r.status {
                200..=299 => {}
                429 => t.throttled += 1,
                _ => t.failed += 1,
            }
        }
        t
    }

    pub fn get(&self, kind: Kind) -> u64 {
        self.by_kind.get(&kind).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.by_kind.values().sum()
    }

    /// Template lookups (boards, statuses, priorities, board children).
    pub fn template(&self) -> u64 {
        Kind::ALL
            .iter()
            .filter(|k| k.is_template())
            .map(|k| self.get(*k))
            .sum()
    }
}

impl fmt::Display for Tally {
    /// `creates 10000, agreement lookups 500, …` (kinds seen only).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Kind::ALL
            .iter()
            .filter(|k| self.get(**k) > 0)
            .map(|k| format!("{} {}", k.label(), self.get(*k)))
            .collect();
        if parts.is_empty() {
            f.write_str("none")?;
        } else {
            f.write_str(&parts.join(", "))?;
        }
        if self.throttled > 0 {
            write!(f, "; {} answered 429", self.throttled)?;
        }
        if self.failed > 0 {
            write!(f, "; {} failed", self.failed)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(method: &str, path: &str, query: Option<&str>, status: u16) -> RequestRecord {
        RequestRecord {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            status,
            injected_delay: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn requests_are_classified_by_method_and_path() {
        let api = "/v2025_1/apis/3.0";
        let cases: Vec<(RequestRecord, Kind)> = vec![
            (
                rec("GET", "/login/companyinfo/bridgedemo", None, 200),
                Kind::Discovery,
            ),
            (
                rec(
                    "GET",
                    &format!("{api}/service/boards"),
                    Some("pageSize=1000&page=1"),
                    200,
                ),
                Kind::Boards,
            ),
            (
                rec(
                    "GET",
                    &format!("{api}/service/boards/1/statuses"),
                    None,
                    200,
                ),
                Kind::Statuses,
            ),
            (
                rec("GET", &format!("{api}/service/boards/1/types"), None, 200),
                Kind::BoardChildren,
            ),
            (
                rec("GET", &format!("{api}/service/priorities"), None, 200),
                Kind::Priorities,
            ),
            (
                rec(
                    "GET",
                    &format!("{api}/finance/agreements"),
                    Some("conditions=company%2Fid%3D1"),
                    200,
                ),
                Kind::Agreements,
            ),
            (
                rec("GET", &format!("{api}/company/companies"), None, 200),
                Kind::Companies,
            ),
            (
                rec("POST", &format!("{api}/service/tickets"), None, 201),
                Kind::Create,
            ),
            (
                rec("PATCH", &format!("{api}/service/tickets/7"), None, 200),
                Kind::Patch,
            ),
            (
                rec("DELETE", &format!("{api}/service/tickets/7"), None, 204),
                Kind::Delete,
            ),
            (
                rec("POST", &format!("{api}/service/tickets/7/notes"), None, 201),
                Kind::Note,
            ),
            (
                rec("GET", &format!("{api}/service/tickets/7/notes"), None, 200),
                Kind::NotesRead,
            ),
            (
                rec("GET", &format!("{api}/service/tickets/7"), None, 200),
                Kind::TicketRead,
            ),
            (
                rec(
                    "GET",
                    &format!("{api}/service/tickets"),
                    Some("conditions=id%20in%20(1%2C2)&orderBy=id%20asc"),
                    200,
                ),
                Kind::TicketStates,
            ),
            (
                rec(
                    "GET",
                    &format!("{api}/service/tickets"),
                    Some("conditions=externalXRef%3D%22bb%3Aev-1%22"),
                    200,
                ),
                Kind::TicketByXref,
            ),
            (
                rec("GET", &format!("{api}/system/info"), None, 200),
                Kind::Other,
            ),
            (
                rec("POST", &format!("{api}/service/tickets/search"), None, 200),
                Kind::Other,
            ),
        ];
        for (record, kind) in cases {
            assert_eq!(classify(&record), kind, "{} {}", record.method, record.path);
        }
    }

    #[test]
    fn a_tally_counts_kinds_throttling_and_failures() {
        let api = "/v2025_1/apis/3.0";
        let records = vec![
            rec("POST", &format!("{api}/service/tickets"), None, 201),
            rec("POST", &format!("{api}/service/tickets"), None, 429),
            rec("POST", &format!("{api}/service/tickets"), None, 0),
            rec("GET", &format!("{api}/service/boards"), None, 200),
            rec("GET", &format!("{api}/service/priorities"), None, 200),
        ];
        let t = Tally::of(&records);
        assert_eq!(t.get(Kind::Create), 3);
        assert_eq!(t.template(), 2);
        assert_eq!(t.total(), 5);
        assert_eq!((t.throttled, t.failed), (1, 1));
        assert_eq!(
            t.to_string(),
            "boards 1, priorities 1, creates 3; 1 answered 429; 1 failed"
        );
        assert_eq!(Tally::default().to_string(), "none");
    }
}
