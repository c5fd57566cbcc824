//! *Test connection* for Comet Server: reachable and signed in, can list
//! companies, can read monitoring; stops at the first step that fails.

use super::decode::Version;
use super::CometClient;
use crate::source::error::excerpt;
use crate::source::platform::{
    CheckStep, PlatformError, CHECK_COMPANIES, CHECK_MONITORING, CHECK_REACHABLE, CHECK_SIGNED_IN,
};

impl CometClient {
    /// *Test connection*: reachable and signed in (`meta/version`), can
    /// list companies, can read monitoring (the last hour's jobs); stops at
    /// the first step that fails.
    pub async fn check(&self) -> Vec<CheckStep> {
        let mut steps = Vec::new();
        match self.call::<Version>("meta/version", &[]).await {
            Err(e) => {
                let reached = !matches!(
                    e,
                    PlatformError::Network { .. } | PlatformError::Timeout { .. }
                );
                if reached {
                    steps.push(CheckStep::new(
                        CHECK_REACHABLE,
                        true,
                        format!("{} answered", self.inner.base),
                    ));
                    steps.push(CheckStep::new(CHECK_SIGNED_IN, false, e.to_string()));
                } else {
                    steps.push(CheckStep::new(CHECK_REACHABLE, false, e.to_string()));
                }
                return steps;
            }
            Ok(v) => {
                steps.push(CheckStep::new(
                    CHECK_REACHABLE,
                    true,
                    format!("{} answered", self.inner.base),
                ));
                let version = if v.version.is_empty() {
                    "an unknown version".to_owned()
                } else {
                    format!("version {}", excerpt(&v.version))
                };
                steps.push(CheckStep::new(
                    CHECK_SIGNED_IN,
                    true,
                    format!(
                        "signed in as {} (Comet Server {version})",
                        self.inner.username
                    ),
                ));
            }
        }
        match self.refresh_joins().await {
            Err(e) => {
                steps.push(CheckStep::new(CHECK_COMPANIES, false, e.to_string()));
                return steps;
            }
            Ok(joins) => {
                let n = joins.companies().len();
                let what = if joins.tenants.is_empty() {
                    format!("{n} user accounts (the server has no tenants)")
                } else {
                    format!("{n} companies ({} tenants)", joins.tenants.len())
                };
                steps.push(CheckStep::new(CHECK_COMPANIES, true, what));
            }
        }
        let now = chrono::Utc::now().timestamp();
        let mut rejected = Vec::new();
        match self.jobs(now - 3600, now, &mut rejected).await {
            Ok(jobs) => steps.push(CheckStep::new(
                CHECK_MONITORING,
                true,
                format!("{} jobs in the last hour", jobs.len() + rejected.len()),
            )),
            Err(e) => steps.push(CheckStep::new(CHECK_MONITORING, false, e.to_string())),
        }
        steps
    }
}
