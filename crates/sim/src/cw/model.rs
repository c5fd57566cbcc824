//! In-memory state of the ConnectWise simulator (seed entities, tickets,
//! notes, minted tokens) and how each entity renders as the JSON the real API
//! returns (camelCase, nulls omitted, references with `_info` hrefs).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::seed::{
    CwSeed, SeedAgreement, SeedBoard, SeedBoardType, SeedCompany, SeedItem, SeedPriority,
    SeedStatus, SeedSubType,
};

/// Default lifetime of a minted member token.
pub(crate) const DEFAULT_TOKEN_LIFETIME_SECS: i64 = 3600;

/// ConnectWise's date format: UTC, no fractional seconds.
pub(crate) fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A stored ticket; references are ids, rendered with current names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TicketRec {
    pub id: i64,
    pub summary: String,
    pub record_type: String,
    pub board_id: i64,
    pub status_id: i64,
    pub company_id: i64,
    pub priority_id: i64,
    pub agreement_id: Option<i64>,
    pub type_id: Option<i64>,
    pub sub_type_id: Option<i64>,
    pub item_id: Option<i64>,
    pub external_x_ref: Option<String>,
    pub severity: String,
    pub impact: String,
    pub closed_date: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub date_entered: DateTime<Utc>,
    pub entered_by: String,
    pub last_updated: DateTime<Utc>,
    pub updated_by: String,
}

/// A stored ticket note.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NoteRec {
    pub id: i64,
    pub ticket_id: i64,
    pub text: String,
    pub detail_description_flag: bool,
    pub internal_analysis_flag: bool,
    pub resolution_flag: bool,
    pub member: String,
    pub date_created: DateTime<Utc>,
}

/// A member token minted by `POST /system/members/{m}/tokens`.
#[derive(Debug, Clone)]
pub(crate) struct MintedToken {
    pub private_key: String,
    pub member: String,
    pub expires: DateTime<Utc>,
}

/// Everything the simulator knows; lives behind one std mutex.
#[derive(Debug)]
pub(crate) struct Model {
    pub seed: CwSeed,
    /// `http://127.0.0.1:PORT`, for `_info` hrefs and `Link` headers.
    pub base_url: String,
    pub tickets: BTreeMap<i64, TicketRec>,
    pub notes: BTreeMap<i64, NoteRec>,
    pub next_ticket_id: i64,
    pub next_note_id: i64,
    pub tokens: HashMap<String, MintedToken>,
    pub token_lifetime: chrono::Duration,
    /// How far the clock that dates and checks member tokens is ahead of the
    /// wall clock (negative: behind); tests move it instead of waiting.
    pub token_clock_offset: chrono::Duration,
}

impl Model {
    pub(crate) fn new(seed: CwSeed, base_url: String) -> Model {
        Model {
            seed,
            base_url,
            tickets: BTreeMap::new(),
            notes: BTreeMap::new(),
            next_ticket_id: 1001,
            next_note_id: 5001,
            tokens: HashMap::new(),
            token_lifetime: chrono::Duration::seconds(DEFAULT_TOKEN_LIFETIME_SECS),
            token_clock_offset: chrono::Duration::zero(),
        }
    }

    /// "Now" for member tokens: the wall clock moved by the test's offset.
    pub(crate) fn token_now(&self) -> DateTime<Utc> {
        Utc::now() + self.token_clock_offset
    }

    // ---- lookups -------------------------------------------------------

    pub(crate) fn company(&self, id: i64) -> Option<&SeedCompany> {
        self.seed.companies.iter().find(|c| c.id == id)
    }

    pub(crate) fn agreement(&self, id: i64) -> Option<&SeedAgreement> {
        self.seed.agreements.iter().find(|a| a.id == id)
    }

    pub(crate) fn board(&self, id: i64) -> Option<&SeedBoard> {
        self.seed.boards.iter().find(|b| b.id == id)
    }

    /// A status by id, with the board it belongs to.
    pub(crate) fn status(&self, id: i64) -> Option<(&SeedBoard, &SeedStatus)> {
        self.seed
            .boards
            .iter()
            .find_map(|b| b.statuses.iter().find(|s| s.id == id).map(|s| (b, s)))
    }

    pub(crate) fn priority(&self, id: i64) -> Option<&SeedPriority> {
        self.seed.priorities.iter().find(|p| p.id == id)
    }

    pub(crate) fn board_type(&self, id: i64) -> Option<(&SeedBoard, &SeedBoardType)> {
        self.seed
            .boards
            .iter()
            .find_map(|b| b.types.iter().find(|t| t.id == id).map(|t| (b, t)))
    }

    pub(crate) fn sub_type(&self, id: i64) -> Option<(&SeedBoard, &SeedSubType)> {
        self.seed
            .boards
            .iter()
            .find_map(|b| b.subtypes.iter().find(|t| t.id == id).map(|t| (b, t)))
    }

    pub(crate) fn item(&self, id: i64) -> Option<(&SeedBoard, &SeedItem)> {
        self.seed
            .boards
            .iter()
            .find_map(|b| b.items.iter().find(|t| t.id == id).map(|t| (b, t)))
    }

    /// True when the ticket's status is a closed status of its board.
    pub(crate) fn is_closed_status(&self, status_id: i64) -> bool {
        self.status(status_id).is_some_and(|(_, s)| s.closed_status)
    }

    /// Applies a status change with ConnectWise's derived fields: entering a
    /// closed status sets `closedDate`/`closedBy`, leaving one clears them.
    pub(crate) fn apply_status(
        t: &mut TicketRec,
        status_id: i64,
        closed: bool,
        who: &str,
        now: DateTime<Utc>,
    ) {
        t.status_id = status_id;
        match (closed, t.closed_date.is_some()) {
            (true, false) => {
                t.closed_date = Some(now);
                t.closed_by = Some(who.to_owned());
            }
            (false, true) => {
                t.closed_date = None;
                t.closed_by = None;
            }
            _ => {}
        }
    }

    pub(crate) fn add_note(
        &mut self,
        ticket_id: i64,
        text: String,
        flags: (bool, bool, bool),
        member: &str,
        now: DateTime<Utc>,
    ) -> i64 {
        let id = self.next_note_id;
        self.next_note_id += 1;
        self.notes.insert(
            id,
            NoteRec {
                id,
                ticket_id,
                text,
                detail_description_flag: flags.0,
                internal_analysis_flag: flags.1,
                resolution_flag: flags.2,
                member: member.to_owned(),
                date_created: now,
            },
        );
        id
    }

    // ---- rendering -----------------------------------------------------

    fn href(&self, path: &str) -> String {
        // The real server's hrefs contain "apis/3.0//" — keep the quirk.
        format!("{}/{}apis/3.0/{}", self.base_url, self.seed.codebase, path)
    }

    fn info(&self, key: &str, path: &str) -> Value {
        json!({ key: self.href(path) })
    }

    pub(crate) fn company_ref(&self, c: &SeedCompany) -> Value {
        json!({"id": c.id, "identifier": c.identifier, "name": c.name,
               "_info": self.info("company_href", &format!("/company/companies/{}", c.id))})
    }

    pub(crate) fn company_json(&self, c: &SeedCompany) -> Value {
        json!({"id": c.id, "identifier": c.identifier, "name": c.name,
               "status": {"id": 1, "name": c.status}, "deletedFlag": c.deleted_flag,
               "_info": {"lastUpdated": "2025-01-01T00:00:00Z", "updatedBy": "seed"}})
    }

    pub(crate) fn agreement_json(&self, a: &SeedAgreement) -> Value {
        let mut v = json!({
            "id": a.id, "name": a.name,
            "type": {"id": a.type_.id, "name": a.type_.name},
            "agreementStatus": a.agreement_status, "cancelledFlag": a.cancelled_flag,
            "noEndingDateFlag": a.no_ending_date_flag,
            "_info": {"lastUpdated": "2025-01-01T00:00:00Z", "updatedBy": "seed"},
        });
        if let Some(c) = self.company(a.company_id) {
            v["company"] = self.company_ref(c);
        }
        set_opt(&mut v, "startDate", a.start_date.clone().map(Value::from));
        set_opt(&mut v, "endDate", a.end_date.clone().map(Value::from));
        if let Some(parent) = a.parent_agreement_id.and_then(|id| self.agreement(id)) {
            v["parentAgreement"] = json!({"id": parent.id, "name": parent.name});
        }
        v
    }

    fn agreement_ref(&self, a: &SeedAgreement) -> Value {
        json!({"id": a.id, "name": a.name, "type": a.type_.name,
               "_info": self.info("agreement_href", &format!("/finance/agreements/{}", a.id))})
    }

    pub(crate) fn board_ref(&self, b: &SeedBoard) -> Value {
        json!({"id": b.id, "name": b.name,
               "_info": self.info("board_href", &format!("/service/boards/{}", b.id))})
    }

    pub(crate) fn board_json(&self, b: &SeedBoard) -> Value {
        let mut v = json!({"id": b.id, "name": b.name, "inactiveFlag": b.inactive_flag,
                           "projectFlag": b.project_flag});
        if let Some(s) = b.statuses.iter().find(|s| s.closed_status && !s.inactive) {
            v["autoCloseStatus"] = json!({"id": s.id, "name": s.name});
        }
        v
    }

    pub(crate) fn status_json(&self, b: &SeedBoard, s: &SeedStatus) -> Value {
        json!({"id": s.id, "name": s.name, "board": self.board_ref(b), "sortOrder": s.sort_order,
               "displayOnBoard": true, "inactive": s.inactive, "closedStatus": s.closed_status,
               "defaultFlag": s.default_flag, "timeEntryNotAllowed": false,
               "escalationStatus": "NotResponded", "customerPortalFlag": false})
    }

    pub(crate) fn priority_json(&self, p: &SeedPriority) -> Value {
        let mut v = json!({"id": p.id, "name": p.name, "sortOrder": p.sort_order,
                           "defaultFlag": p.default_flag});
        set_opt(&mut v, "color", p.color.clone().map(Value::from));
        v
    }

    pub(crate) fn type_json(&self, b: &SeedBoard, t: &SeedBoardType) -> Value {
        json!({"id": t.id, "name": t.name, "board": self.board_ref(b), "category": t.category,
               "defaultFlag": t.default_flag, "inactiveFlag": t.inactive_flag})
    }

    pub(crate) fn subtype_json(&self, b: &SeedBoard, t: &SeedSubType) -> Value {
        json!({"id": t.id, "name": t.name, "board": self.board_ref(b),
               "inactiveFlag": t.inactive_flag, "typeAssociationIds": t.type_association_ids})
    }

    pub(crate) fn item_json(&self, b: &SeedBoard, t: &SeedItem) -> Value {
        json!({"id": t.id, "name": t.name, "board": self.board_ref(b), "inactiveFlag": t.inactive_flag})
    }

    /// The full ticket as `GET /service/tickets/{id}` returns it.
    pub(crate) fn ticket_json(&self, t: &TicketRec) -> Value {
        let mut v = json!({
            "id": t.id, "summary": t.summary, "recordType": t.record_type,
            "severity": t.severity, "impact": t.impact,
            "closedFlag": self.is_closed_status(t.status_id),
        });
        if let Some(b) = self.board(t.board_id) {
            v["board"] = self.board_ref(b);
        }
        if let Some((_, s)) = self.status(t.status_id) {
            v["status"] = json!({"id": s.id, "name": s.name, "sort": s.sort_order,
                "_info": self.info("status_href", &format!("/service/boards/{}/statuses/{}", t.board_id, s.id))});
        }
        if let Some(c) = self.company(t.company_id) {
            v["company"] = self.company_ref(c);
        }
        if let Some(p) = self.priority(t.priority_id) {
            v["priority"] = json!({"id": p.id, "name": p.name, "sort": p.sort_order,
                "_info": self.info("priority_href", &format!("/service/priorities/{}", p.id))});
        }
        if let Some(a) = t.agreement_id.and_then(|id| self.agreement(id)) {
            v["agreement"] = self.agreement_ref(a);
        }
        if let Some((_, ty)) = t.type_id.and_then(|id| self.board_type(id)) {
            v["type"] = json!({"id": ty.id, "name": ty.name});
        }
        if let Some((_, st)) = t.sub_type_id.and_then(|id| self.sub_type(id)) {
            v["subType"] = json!({"id": st.id, "name": st.name});
        }
        if let Some((_, it)) = t.item_id.and_then(|id| self.item(id)) {
            v["item"] = json!({"id": it.id, "name": it.name});
        }
        set_opt(
            &mut v,
            "externalXRef",
            t.external_x_ref.clone().map(Value::from),
        );
        set_opt(
            &mut v,
            "closedDate",
            t.closed_date.map(|d| Value::from(fmt_time(d))),
        );
        set_opt(&mut v, "closedBy", t.closed_by.clone().map(Value::from));
        v["_info"] = json!({
            "lastUpdated": fmt_time(t.last_updated), "updatedBy": t.updated_by,
            "dateEntered": fmt_time(t.date_entered), "enteredBy": t.entered_by,
            "notes_href": self.href(&format!("/service/tickets/{}/notes", t.id)),
        });
        v
    }

    /// A note as `GET /service/tickets/{id}/notes` returns it.
    pub(crate) fn note_json(&self, n: &NoteRec) -> Value {
        let member = self
            .seed
            .members
            .iter()
            .find(|m| m.identifier.eq_ignore_ascii_case(&n.member));
        let member_json = match member {
            Some(m) => json!({"id": m.id, "identifier": m.identifier, "name": m.name}),
            None => json!({"id": 0, "identifier": n.member, "name": n.member}),
        };
        json!({
            "id": n.id, "ticketId": n.ticket_id, "text": n.text,
            "detailDescriptionFlag": n.detail_description_flag,
            "internalAnalysisFlag": n.internal_analysis_flag,
            "resolutionFlag": n.resolution_flag, "issueFlag": false,
            "member": member_json, "dateCreated": fmt_time(n.date_created), "createdBy": n.member,
            "internalFlag": n.internal_analysis_flag, "externalFlag": false,
            "_info": {"lastUpdated": fmt_time(n.date_created), "updatedBy": n.member},
        })
    }

    /// Every note of a ticket, in id order.
    pub(crate) fn notes_of(&self, ticket_id: i64) -> Vec<Value> {
        self.notes
            .values()
            .filter(|n| n.ticket_id == ticket_id)
            .map(|n| self.note_json(n))
            .collect()
    }
}

/// Sets `key` only when there is a value: ConnectWise omits nulls.
fn set_opt(v: &mut Value, key: &str, value: Option<Value>) {
    if let (Some(value), Some(obj)) = (value, v.as_object_mut()) {
        obj.insert(key.to_owned(), value);
    }
}
