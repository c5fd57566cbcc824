//! `check_permissions`: probes each right the app needs and lists the missing ones.
//!
//! Read rights are probed with a one-row GET. Write rights are probed with
//! requests that cannot change anything, relying on ConnectWise checking the
//! security role before the content:
//! * create tickets: `POST /service/tickets` with `{}` (no summary, board or
//!   company) — 400 means "allowed, but invalid"; 403 means missing;
//! * update/close tickets: `PATCH /service/tickets/0` with `[]` — ticket 0 never
//!   exists, so 404/400 mean allowed;
//! * add notes: `POST /service/tickets/0/notes` with `{}` — same reasoning.
//!
//! Should a server ever accept the empty ticket, the probe deletes it at once.
//! Delete rights are not probed: no request is safe enough (they are only needed
//! for the `delete` removed-event policy).

use reqwest::Method;
use serde::Deserialize;

use super::error::CwError;
use super::request::Request;
use super::types::{MissingRight, PermissionReport};
use super::CwClient;

/// Id used by write probes; ConnectWise ids start at 1.
const NO_SUCH_TICKET: i64 = 0;

/// How a probe's error is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ProbeKind {
    /// Success = allowed.
    Read,
    /// Success, 400-family or 404 = allowed (the role check passed).
    Write,
}

#[derive(Deserialize)]
struct IdOnly {
    id: i64,
}

impl CwClient {
    /// Probes every right the app needs; `Err` only when the probes themselves fail
    /// (bad credentials, network), never for a missing right.
    pub async fn check_permissions(&self) -> Result<PermissionReport, CwError> {
        let mut report = PermissionReport::default();
        self.probe_reads(&mut report).await?;
        self.probe_writes(&mut report).await?;
        Ok(report)
    }

    /// Probes the read rights with one-row GETs.
    async fn probe_reads(&self, report: &mut PermissionReport) -> Result<(), CwError> {
        let one = |path: &str| Request::get(path).query("pageSize", "1");
        self.probe(
            report,
            "read companies",
            one("company/companies"),
            ProbeKind::Read,
        )
        .await?;
        self.probe(
            report,
            "read agreements",
            one("finance/agreements"),
            ProbeKind::Read,
        )
        .await?;
        let first_board = self
            .probe(
                report,
                "read service boards",
                one("service/boards"),
                ProbeKind::Read,
            )
            .await?;
        if let Some(board) = first_board.and_then(|body| first_id(&body)) {
            let statuses = one(&format!("service/boards/{board}/statuses"));
            self.probe(report, "read board statuses", statuses, ProbeKind::Read)
                .await?;
        }
        self.probe(
            report,
            "read priorities",
            one("service/priorities"),
            ProbeKind::Read,
        )
        .await?;
        self.probe(
            report,
            "read tickets",
            one("service/tickets"),
            ProbeKind::Read,
        )
        .await?;
        Ok(())
    }

    /// Probes the write rights with requests that cannot change anything.
    async fn probe_writes(&self, report: &mut PermissionReport) -> Result<(), CwError> {
        let create = Request::new(Method::POST, "service/tickets").json(&serde_json::json!({}))?;
        if let Some(body) = self
            .probe(report, "create tickets", create, ProbeKind::Write)
            .await?
        {
            self.delete_probe_ticket(&body).await;
        }
        let patch = Request::new(Method::PATCH, format!("service/tickets/{NO_SUCH_TICKET}"))
            .json(&serde_json::json!([]))?;
        self.probe(report, "update and close tickets", patch, ProbeKind::Write)
            .await?;
        let note = Request::new(
            Method::POST,
            format!("service/tickets/{NO_SUCH_TICKET}/notes"),
        )
        .json(&serde_json::json!({}))?;
        self.probe(report, "add notes to tickets", note, ProbeKind::Write)
            .await?;
        Ok(())
    }

    /// The server accepted an empty ticket: remove it again.
    async fn delete_probe_ticket(&self, body: &[u8]) {
        if let Ok(created) = serde_json::from_slice::<IdOnly>(body) {
            tracing::warn!(
                id = created.id,
                "permission probe created a ticket; deleting it"
            );
            if let Err(err) = self.delete_ticket(created.id).await {
                tracing::warn!(error = %err, "could not delete the probe ticket");
            }
        }
    }

    /// Runs one probe; returns the success body (if any) and records a 403 as missing.
    async fn probe(
        &self,
        report: &mut PermissionReport,
        right: &str,
        req: Request,
        kind: ProbeKind,
    ) -> Result<Option<Vec<u8>>, CwError> {
        match self.execute(&req).await {
            Ok(resp) => Ok(Some(resp.body)),
            Err(CwError::Forbidden { permission, .. }) => {
                report.missing.push(MissingRight {
                    right: right.to_string(),
                    hint: self.grant_hint(&permission),
                });
                Ok(None)
            }
            Err(CwError::Validation { .. } | CwError::NotFound { .. })
                if kind == ProbeKind::Write =>
            {
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }

    fn grant_hint(&self, permission: &str) -> String {
        let role = match self.impersonated_member() {
            Some(member) => format!("the security role of member \"{member}\""),
            None => "the API member's security role".to_string(),
        };
        format!("System › Security Roles › {role} › {permission}")
    }
}

/// The id of the first record in a JSON array body.
fn first_id(body: &[u8]) -> Option<i64> {
    serde_json::from_slice::<Vec<IdOnly>>(body)
        .ok()?
        .first()
        .map(|r| r.id)
}
