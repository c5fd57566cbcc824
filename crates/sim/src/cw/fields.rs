//! Which fields each resource can be filtered and ordered by. The real server
//! answers 400 for an unknown field in `conditions`/`orderBy`; knowing the
//! field list lets the simulator do the same instead of silently matching
//! nothing.

/// A filterable field: its name and, for references, the allowed sub-fields
/// (empty = a scalar that cannot be walked into).
pub(crate) type Field = (&'static str, &'static [&'static str]);

const REF: &[&str] = &["id", "name"];
const COMPANY_REF: &[&str] = &["id", "identifier", "name"];
const AUDIT: [Field; 2] = [("lastUpdated", &[]), ("updatedBy", &[])];

/// The field list of one resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resource {
    pub(crate) fields: &'static [Field],
}

impl Resource {
    /// Checks a field path (segments as written): the first segment must be a
    /// field of the resource (case-insensitive), and a second one an allowed
    /// sub-field of a reference. Returns the error sentence otherwise.
    pub(crate) fn check_path(&self, path: &[String]) -> Result<(), String> {
        let shown = path.join("/");
        let Some((head, rest)) = path.split_first() else {
            return Err("an empty field path".to_owned());
        };
        let Some((_, subs)) = self
            .fields
            .iter()
            .chain(AUDIT.iter())
            .find(|(name, _)| name.eq_ignore_ascii_case(head))
        else {
            return Err(format!("Unknown field \"{shown}\"."));
        };
        match rest {
            [] => Ok(()),
            [sub] if subs.iter().any(|s| s.eq_ignore_ascii_case(sub)) => Ok(()),
            _ => Err(format!("Unknown field \"{shown}\".")),
        }
    }
}

pub(crate) const TICKET: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("summary", &[]),
        ("recordType", &[]),
        ("severity", &[]),
        ("impact", &[]),
        ("closedFlag", &[]),
        ("closedDate", &[]),
        ("closedBy", &[]),
        ("externalXRef", &[]),
        ("dateEntered", &[]),
        ("enteredBy", &[]),
        ("board", REF),
        ("status", &["id", "name", "sort"]),
        ("company", COMPANY_REF),
        ("priority", &["id", "name", "sort"]),
        ("agreement", &["id", "name", "type"]),
        ("type", REF),
        ("subType", REF),
        ("item", REF),
    ],
};

pub(crate) const COMPANY: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("identifier", &[]),
        ("name", &[]),
        ("deletedFlag", &[]),
        ("status", REF),
    ],
};

pub(crate) const AGREEMENT: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("name", &[]),
        ("agreementStatus", &[]),
        ("cancelledFlag", &[]),
        ("noEndingDateFlag", &[]),
        ("startDate", &[]),
        ("endDate", &[]),
        ("parentAgreementId", &[]),
        ("type", REF),
        ("company", COMPANY_REF),
        ("parentAgreement", REF),
    ],
};

pub(crate) const BOARD: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("name", &[]),
        ("inactiveFlag", &[]),
        ("projectFlag", &[]),
        ("autoCloseStatus", REF),
    ],
};

pub(crate) const STATUS: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("name", &[]),
        ("sortOrder", &[]),
        ("displayOnBoard", &[]),
        ("inactive", &[]),
        ("closedStatus", &[]),
        ("defaultFlag", &[]),
        ("timeEntryNotAllowed", &[]),
        ("escalationStatus", &[]),
        ("customerPortalFlag", &[]),
        ("board", REF),
    ],
};

pub(crate) const PRIORITY: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("name", &[]),
        ("sortOrder", &[]),
        ("defaultFlag", &[]),
        ("color", &[]),
    ],
};

pub(crate) const BOARD_TYPE: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("name", &[]),
        ("category", &[]),
        ("defaultFlag", &[]),
        ("inactiveFlag", &[]),
        ("board", REF),
    ],
};

pub(crate) const BOARD_SUBTYPE: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("name", &[]),
        ("inactiveFlag", &[]),
        ("typeAssociationIds", &[]),
        ("board", REF),
    ],
};

pub(crate) const BOARD_ITEM: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("name", &[]),
        ("inactiveFlag", &[]),
        ("board", REF),
    ],
};

pub(crate) const NOTE: Resource = Resource {
    fields: &[
        ("id", &[]),
        ("ticketId", &[]),
        ("text", &[]),
        ("detailDescriptionFlag", &[]),
        ("internalAnalysisFlag", &[]),
        ("resolutionFlag", &[]),
        ("issueFlag", &[]),
        ("dateCreated", &[]),
        ("createdBy", &[]),
        ("internalFlag", &[]),
        ("externalFlag", &[]),
        ("member", COMPANY_REF),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_case_insensitively() {
        let ok: &[&[&str]] = &[
            &["id"],
            &["EXTERNALXREF"],
            &["company", "Identifier"],
            &["status", "name"],
            &["lastUpdated"],
        ];
        for path in ok {
            let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(TICKET.check_path(&path), Ok(()), "{path:?}");
        }
        let bad: &[&[&str]] = &[&["colour"], &["summary", "x"], &["company", "city"], &[]];
        for path in bad {
            let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
            assert!(TICKET.check_path(&path).is_err(), "{path:?}");
        }
    }
}
