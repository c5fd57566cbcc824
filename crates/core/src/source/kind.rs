//! Which backup platform the events come from (`source.kind`, design §8).

use serde::{Deserialize, Serialize};

/// The backup platform BackupBridge reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The Cloud Backup Dashboard contract (`reference/dashboard-api.md`).
    Dashboard,
    /// MSP360 Managed Backup (MBS API).
    Msp360,
    /// Comet Backup (Comet Server admin API).
    Comet,
    /// Veeam Service Provider Console (REST v3), whose alarms are incidents.
    Vspc,
}

/// The SaaS address of the MSP360 API, used when `source.url` is empty.
pub const MSP360_DEFAULT_URL: &str = "https://api.mspbackups.com";

impl SourceKind {
    /// Every kind, in the order the Connection screen offers them.
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Dashboard,
        SourceKind::Msp360,
        SourceKind::Comet,
        SourceKind::Vspc,
    ];

    /// The settings word (`source.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Dashboard => "dashboard",
            SourceKind::Msp360 => "msp360",
            SourceKind::Comet => "comet",
            SourceKind::Vspc => "vspc",
        }
    }

    /// The product's name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Dashboard => "the Cloud Backup Dashboard",
            SourceKind::Msp360 => "MSP360",
            SourceKind::Comet => "the Comet Server",
            SourceKind::Vspc => "the Veeam Service Provider Console",
        }
    }

    /// The settings word, case-insensitively; `None` for anything else.
    pub fn parse(text: &str) -> Option<SourceKind> {
        let text = text.trim();
        SourceKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text))
    }

    /// The address used when `source.url` is empty (only MSP360 has one).
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            SourceKind::Msp360 => Some(MSP360_DEFAULT_URL),
            SourceKind::Dashboard | SourceKind::Comet | SourceKind::Vspc => None,
        }
    }

    /// True for the platforms that report the latest state of each plan, whose
    /// incidents BackupBridge derives (design §8). The Dashboard and VSPC
    /// (alarms) report incidents themselves.
    pub fn derives_incidents(self) -> bool {
        matches!(self, SourceKind::Msp360 | SourceKind::Comet)
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in SourceKind::ALL {
            assert_eq!(SourceKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SourceKind::parse(" MSP360 "), Some(SourceKind::Msp360));
        assert_eq!(SourceKind::parse("veeam"), None);
        assert_eq!(SourceKind::Msp360.default_url(), Some(MSP360_DEFAULT_URL));
        assert!(!SourceKind::Dashboard.derives_incidents());
        assert!(SourceKind::Comet.derives_incidents());
        assert!(!SourceKind::Vspc.derives_incidents());
        assert_eq!(SourceKind::parse("VSPC"), Some(SourceKind::Vspc));
    }
}
