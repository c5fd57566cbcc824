//! *Test connection* for the VSPC: reachable, signed in, can list companies,
//! can read alarms; stops at the first failure.

use super::auth::Credentials;
use super::{VspcClient, ALARMS_PATH, COMPANIES_PATH, TEMPLATES_PATH};
use crate::source::platform::{
    CheckStep, PlatformError, CHECK_COMPANIES, CHECK_MONITORING, CHECK_REACHABLE, CHECK_SIGNED_IN,
};

impl VspcClient {
    /// *Test connection*: reachable, signed in (a fresh sign-in), can list
    /// companies, can read alarms (one page: the whole listing is read by
    /// the sync); stops at the first failure.
    pub async fn check(&self) -> Vec<CheckStep> {
        let mut steps = Vec::new();
        let reachable = |steps: &mut Vec<CheckStep>| {
            steps.push(CheckStep::new(
                CHECK_REACHABLE,
                true,
                format!("{} answered", self.inner.endpoint.base),
            ));
        };
        let signed_in = match &self.inner.credentials {
            // An API key is only proven by a call it is accepted for.
            Credentials::ApiKey(_) => self
                .page(COMPANIES_PATH, 0, 1)
                .await
                .map(|_| "the API key was accepted".to_owned()),
            Credentials::Password { username, .. } => self
                .bearer(None, true)
                .await
                .map(|_| format!("signed in as {username}")),
        };
        match signed_in {
            Err(e @ (PlatformError::Network { .. } | PlatformError::Timeout { .. })) => {
                steps.push(CheckStep::new(CHECK_REACHABLE, false, e.to_string()));
                return steps;
            }
            // Refused, or the sign-in could not complete (a server error):
            // either way nothing further can be read.
            Err(e) => {
                reachable(&mut steps);
                steps.push(CheckStep::new(CHECK_SIGNED_IN, false, e.to_string()));
                return steps;
            }
            Ok(detail) => {
                reachable(&mut steps);
                steps.push(CheckStep::new(CHECK_SIGNED_IN, true, detail));
            }
        }
        match self.list_all(COMPANIES_PATH).await {
            Ok(paged) => steps.push(CheckStep::new(
                CHECK_COMPANIES,
                true,
                format!("{} companies", paged.items.len()),
            )),
            Err(e) => {
                steps.push(CheckStep::new(CHECK_COMPANIES, false, e.to_string()));
                return steps;
            }
        }
        let monitoring = async {
            let templates = self.list_all(TEMPLATES_PATH).await?;
            let alarms = self.page(ALARMS_PATH, 0, 1).await?;
            Ok::<_, PlatformError>((templates.items.len(), alarms.total))
        };
        match monitoring.await {
            Ok((templates, alarms)) => steps.push(CheckStep::new(
                CHECK_MONITORING,
                true,
                format!(
                    "{} active alarms, {templates} alarm templates",
                    alarms.map_or_else(|| "the".to_owned(), |n| n.to_string())
                ),
            )),
            Err(e) => steps.push(CheckStep::new(CHECK_MONITORING, false, e.to_string())),
        }
        steps
    }
}
