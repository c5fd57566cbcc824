//! ConnectWise records as the app reads and writes them.
//!
//! Response types are tolerant: unknown fields are ignored and anything that
//! may be missing is `Option` or defaulted (an explicit `null` included), so
//! a newer server model or one odd record never breaks a sync. Request types
//! serialise exactly the wire shape ConnectWise expects.

use serde::{Deserialize, Deserializer, Serialize};

/// Reads an explicit `null` as the field's default, like a missing field
/// (`#[serde(default)]` alone refuses `null`): one odd record must not fail
/// a whole list.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A reference to a named record (`{id, name}`), e.g. board, status, type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NamedRef {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
}

/// A reference to a company (`{id, identifier, name}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CompanyRef {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub identifier: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
}

/// A ConnectWise company (customer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Company {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub identifier: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Deleted companies are filtered out client-side (absent = not deleted).
    #[serde(default, deserialize_with = "null_as_default", skip_serializing)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub deleted_flag: bool,
}

/// A company's agreement (contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(rename = "type", default)]
    pub type_: Option<NamedRef>,
    #[serde(default)]
    pub company: Option<CompanyRef>,
    #[serde(default)]
    pub agreement_status: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub cancelled_flag: bool,
}

/// A service board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inactive_flag: bool,
}

/// A status of one board (statuses are per board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BoardStatus {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub closed_status: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub default_flag: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inactive: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sort_order: i64,
}

/// A ticket priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Priority {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub default_flag: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sort_order: i64,
}

/// A service ticket as ConnectWise returns it (the fields the app uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub summary: String,
    #[serde(default)]
    pub board: Option<NamedRef>,
    #[serde(default)]
    pub status: Option<NamedRef>,
    #[serde(default)]
    pub company: Option<CompanyRef>,
    #[serde(default)]
    pub priority: Option<NamedRef>,
    #[serde(default)]
    pub agreement: Option<NamedRef>,
    #[serde(default)]
    pub external_x_ref: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub closed_flag: bool,
    #[serde(default)]
    pub closed_date: Option<String>,
}

/// A request-side reference `{"id": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRef {
    pub id: i64,
}

impl From<i64> for IdRef {
    fn from(id: i64) -> Self {
        IdRef { id }
    }
}

/// A ticket to create. Serialised with `recordType: "ServiceTicket"` and
/// `processNotifications: false` (automated tickets must not e-mail contacts);
/// the client cleans `summary` and `externalXRef` to ConnectWise's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub summary: String,
    pub board: IdRef,
    pub company: IdRef,
    pub status: Option<IdRef>,
    pub priority: Option<IdRef>,
    pub agreement: Option<IdRef>,
    pub type_: Option<IdRef>,
    pub sub_type: Option<IdRef>,
    pub item: Option<IdRef>,
    pub external_x_ref: String,
    /// Becomes the ticket's first Discussion note; ConnectWise takes it only on create.
    pub initial_description: String,
}

/// The exact JSON body of `POST /service/tickets`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewTicketWire<'a> {
    summary: String,
    record_type: &'static str,
    board: IdRef,
    company: IdRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreement: Option<IdRef>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    type_: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_type: Option<IdRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<IdRef>,
    external_x_ref: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    initial_description: &'a str,
    process_notifications: bool,
}

impl<'a> NewTicketWire<'a> {
    pub(crate) fn from_ticket(t: &'a NewTicket) -> Self {
        NewTicketWire {
            summary: super::text::truncate_summary(&t.summary),
            record_type: "ServiceTicket",
            board: t.board,
            company: t.company,
            status: t.status,
            priority: t.priority,
            agreement: t.agreement,
            type_: t.type_,
            sub_type: t.sub_type,
            item: t.item,
            external_x_ref: super::text::clamp_external_xref(&t.external_x_ref),
            initial_description: &t.initial_description,
            process_notifications: false,
        }
    }
}

/// One operation of a ticket PATCH; `path` is a top-level field name (case-sensitive),
/// `value` a scalar or a whole reference object (never patch inside an object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOp {
    /// `"replace"`, `"add"` or `"remove"`.
    pub op: String,
    pub path: String,
    pub value: serde_json::Value,
}

impl PatchOp {
    /// `{"op":"replace","path":path,"value":value}`.
    pub fn replace(path: &str, value: serde_json::Value) -> Self {
        PatchOp {
            op: "replace".into(),
            path: path.into(),
            value,
        }
    }
}

/// A note to add to a ticket; the flags choose the tab (Discussion / Internal / Resolution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewNote {
    pub text: String,
    pub detail_description_flag: bool,
    pub internal_analysis_flag: bool,
    pub resolution_flag: bool,
}

impl NewNote {
    /// A note on the Discussion tab.
    pub fn discussion(text: impl Into<String>) -> Self {
        NewNote {
            text: text.into(),
            detail_description_flag: true,
            internal_analysis_flag: false,
            resolution_flag: false,
        }
    }

    /// A note on the Resolution tab.
    pub fn resolution(text: impl Into<String>) -> Self {
        NewNote {
            text: text.into(),
            detail_description_flag: false,
            internal_analysis_flag: false,
            resolution_flag: true,
        }
    }

    /// A note on the Internal tab (not visible to the customer).
    pub fn internal(text: impl Into<String>) -> Self {
        NewNote {
            text: text.into(),
            detail_description_flag: false,
            internal_analysis_flag: true,
            resolution_flag: false,
        }
    }
}

/// The exact JSON body of `POST /service/tickets/{id}/notes`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewNoteWire<'a> {
    #[serde(flatten)]
    note: &'a NewNote,
    customer_updated_flag: bool,
    process_notifications: bool,
}

impl<'a> NewNoteWire<'a> {
    pub(crate) fn from_note(note: &'a NewNote) -> Self {
        NewNoteWire {
            note,
            customer_updated_flag: false,
            process_notifications: false,
        }
    }
}

/// A ticket note as returned by ConnectWise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ticket_id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub text: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub detail_description_flag: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub internal_analysis_flag: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub resolution_flag: bool,
}

/// `GET /system/info`: the server's version and whether it is cloud-hosted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemInfo {
    #[serde(default, deserialize_with = "null_as_default")]
    pub version: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_cloud: bool,
}

/// The outcome of [`super::CwClient::check_permissions`]: empty `missing` = all rights present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionReport {
    pub missing: Vec<MissingRight>,
}

impl PermissionReport {
    /// True when every probed right is granted.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// One right the security role lacks, in plain words, with where to grant it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MissingRight {
    /// What the app cannot do, e.g. "create tickets".
    pub right: String,
    /// Where to grant it, e.g. "System › Security Roles › (role) › Service Desk › Service Tickets: Add".
    pub hint: String,
}

/// `GET /service/tickets/count`.
#[derive(Debug, Deserialize)]
pub(crate) struct Count {
    pub count: u64,
}

/// Board types, subtypes and items: a name plus an inactive flag to filter on.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BoardChild {
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub inactive_flag: bool,
}

/// `GET /login/companyinfo/{company}` (PascalCase; `IsCloud` is a string).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CompanyInfo {
    pub codebase: String,
}

#[cfg(test)]
#[path = "types_tests.rs"]
mod tests;
