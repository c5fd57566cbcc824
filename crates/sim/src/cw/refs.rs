//! References in a request body (`{"id": 1}` or by name) and their
//! resolution against the model: companies, boards, statuses, priorities and
//! agreements, each refused with the field error the real server gives.

use super::error::FieldError;
use super::model::Model;
use serde_json::{Map, Value};

/// A reference in a request: by id, or by name (identifier for companies).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RefSpec {
    Id(i64),
    Name(String),
}

impl RefSpec {
    fn describe(&self) -> String {
        match self {
            RefSpec::Id(id) => format!("id {id}"),
            RefSpec::Name(n) => format!("{n:?}"),
        }
    }
}

pub(crate) fn ref_spec(
    field: &str,
    v: &Value,
    name_key: Option<&str>,
) -> Result<RefSpec, FieldError> {
    let shape = || {
        FieldError::invalid(
            field,
            format!("{field} must be a reference object such as {{\"id\": 1}}."),
        )
    };
    let obj = v.as_object().ok_or_else(shape)?;
    match obj.get("id") {
        Some(Value::Number(n)) => n.as_i64().map(RefSpec::Id).ok_or_else(shape),
        Some(Value::Null) | None => match name_key.and_then(|k| obj.get(k)) {
            Some(Value::String(s)) => Ok(RefSpec::Name(s.clone())),
            _ => Err(shape()),
        },
        Some(_) => Err(shape()),
    }
}

/// Reference resolution against the model.
impl Model {
    pub(crate) fn resolve_company(&self, spec: &RefSpec) -> Result<i64, FieldError> {
        let found = self.seed.companies.iter().find(|c| match spec {
            RefSpec::Id(id) => c.id == *id,
            RefSpec::Name(ident) => c.identifier.eq_ignore_ascii_case(ident),
        });
        match found {
            Some(c) if !c.deleted_flag => Ok(c.id),
            Some(c) => Err(FieldError::invalid(
                "company",
                format!("Company {} is deleted.", c.identifier),
            )),
            None => Err(FieldError::invalid(
                "company",
                format!("Company {} was not found.", spec.describe()),
            )),
        }
    }

    pub(crate) fn resolve_board(&self, spec: &RefSpec) -> Result<i64, FieldError> {
        self.seed
            .boards
            .iter()
            .find(|b| match spec {
                RefSpec::Id(id) => b.id == *id,
                RefSpec::Name(n) => b.name.eq_ignore_ascii_case(n),
            })
            .map(|b| b.id)
            .ok_or_else(|| {
                FieldError::invalid("board", format!("Board {} was not found.", spec.describe()))
            })
    }

    fn board_name(&self, board_id: i64) -> String {
        self.board(board_id)
            .map(|b| b.name.clone())
            .unwrap_or_default()
    }

    pub(crate) fn resolve_status(&self, spec: &RefSpec, board_id: i64) -> Result<i64, FieldError> {
        let board = self.board(board_id);
        let on_board = board.and_then(|b| {
            b.statuses.iter().find(|s| match spec {
                RefSpec::Id(id) => s.id == *id,
                RefSpec::Name(n) => s.name.eq_ignore_ascii_case(n),
            })
        });
        on_board.map(|s| s.id).ok_or_else(|| {
            FieldError::invalid(
                "status",
                format!(
                    "Status {} is not a status of board {:?}.",
                    spec.describe(),
                    self.board_name(board_id)
                ),
            )
        })
    }

    pub(crate) fn resolve_priority(&self, spec: &RefSpec) -> Result<i64, FieldError> {
        self.seed
            .priorities
            .iter()
            .find(|p| match spec {
                RefSpec::Id(id) => p.id == *id,
                RefSpec::Name(n) => p.name.eq_ignore_ascii_case(n),
            })
            .map(|p| p.id)
            .ok_or_else(|| {
                FieldError::invalid(
                    "priority",
                    format!("Priority {} was not found.", spec.describe()),
                )
            })
    }

    pub(crate) fn check_agreement(&self, id: i64, company_id: i64) -> Result<i64, FieldError> {
        match self.agreement(id) {
            None => Err(FieldError::invalid(
                "agreement",
                format!("Agreement id {id} was not found."),
            )),
            Some(a) if a.company_id != company_id => Err(FieldError::invalid(
                "agreement",
                format!("Agreement {id} does not belong to the ticket's company."),
            )),
            Some(a) => Ok(a.id),
        }
    }

    /// Resolves a board-scoped child (type, subType, item) on `board_id`.
    pub(crate) fn resolve_on_board(
        &self,
        field: &str,
        spec: &RefSpec,
        board_id: i64,
    ) -> Result<i64, FieldError> {
        let Some(b) = self.board(board_id) else {
            return Err(FieldError::invalid(
                field,
                "The ticket's board was not found.",
            ));
        };
        let named: Vec<(i64, &str)> = match field {
            "type" => b.types.iter().map(|t| (t.id, t.name.as_str())).collect(),
            "subType" => b.subtypes.iter().map(|t| (t.id, t.name.as_str())).collect(),
            _ => b.items.iter().map(|t| (t.id, t.name.as_str())).collect(),
        };
        named
            .iter()
            .find(|(id, name)| match spec {
                RefSpec::Id(want) => id == want,
                RefSpec::Name(n) => name.eq_ignore_ascii_case(n),
            })
            .map(|(id, _)| *id)
            .ok_or_else(|| {
                FieldError::invalid(
                    field,
                    format!(
                        "{field} {} is not valid for board {:?}.",
                        spec.describe(),
                        b.name
                    ),
                )
            })
    }

    pub(crate) fn default_status(&self, board_id: i64) -> Option<i64> {
        self.board(board_id)?
            .statuses
            .iter()
            .find(|s| s.default_flag)
            .map(|s| s.id)
    }

    pub(crate) fn default_priority(&self) -> Option<i64> {
        self.seed
            .priorities
            .iter()
            .find(|p| p.default_flag)
            .map(|p| p.id)
    }
}

pub(crate) fn optional_ref(
    obj: &Map<String, Value>,
    field: &str,
    name_key: Option<&str>,
) -> Result<Option<RefSpec>, FieldError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => ref_spec(field, v, name_key).map(Some),
    }
}
