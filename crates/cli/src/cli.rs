//! The command-line grammar (design §6), with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns backup monitoring events (Cloud Backup Dashboard, MSP360, Comet, Veeam Service Provider Console) into ConnectWise PSA tickets.
#[derive(Debug, Parser)]
#[command(name = "backup-bridge", version, about, long_about = None)]
pub struct Cli {
    /// Folder holding the database and logs (default: the app data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON instead of tables (list, show, status, tickets).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read or change settings.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Save a secret in the OS keychain (read from standard input).
    Secret {
        #[command(subcommand)]
        action: SecretAction,
    },
    /// The backup source's companies and their ConnectWise mapping.
    Companies {
        #[command(subcommand)]
        action: CompaniesAction,
    },
    /// Sync the backup source's events into ConnectWise tickets.
    Sync {
        /// Run one cycle and exit (default: keep syncing every sync.interval_secs).
        #[arg(long)]
        once: bool,
        /// Print the planned actions and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Apply the removals the removal guard held back (many tracked events
        /// missing from one listing at once).
        #[arg(long)]
        confirm_removals: bool,
    },
    /// Show the last sync runs and each company's Last Update Status.
    Status,
    /// List tracked events and their tickets.
    Tickets,
    /// Maintenance windows: hold back the tickets and notes of a company,
    /// computer or backup plan until a time.
    Snooze {
        #[command(subcommand)]
        action: SnoozeAction,
    },
    /// ConnectWise calls whose outcome could not be settled.
    Outbox {
        #[command(subcommand)]
        action: OutboxAction,
    },
    /// The local database.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// Run the built-in simulators with demo data and a sync loop, printing what happens.
    Demo {
        /// Stop after this many cycles (default: run until Ctrl-C).
        #[arg(long)]
        cycles: Option<u32>,
        /// Seconds between cycles.
        #[arg(long, default_value_t = 5)]
        interval_secs: u64,
        /// Which backup platform's simulator to read (vspc: Veeam Service Provider Console).
        #[arg(long, value_enum, default_value_t = DemoSource::Dashboard)]
        source: DemoSource,
    },
}

/// The backup platforms the demo can simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoSource {
    Dashboard,
    Msp360,
    Comet,
    Vspc,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Set KEY to VALUE (an empty VALUE restores the default).
    Set {
        key: String,
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
    /// Show every setting with its effective value.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum SecretAction {
    /// Read the secret from standard input and save it in the OS keychain.
    Set { which: SecretWhich },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SecretWhich {
    /// The ConnectWise private key (api_member) or integrator password (integrator).
    Cw,
    /// The Cloud Backup Dashboard token.
    Dashboard,
    /// The backup platform's password (MSP360 API password, Comet admin password, VSPC password or API key).
    Source,
}

#[derive(Debug, Subcommand)]
pub enum CompaniesAction {
    /// Fetch the company list from the backup source (mappings are kept).
    Refresh,
    /// List companies with mapping, effective filters and Last Update Status.
    List,
    /// Map a backup company to a ConnectWise company (by its Company ID).
    Map {
        /// The backup company's id (see `companies list`).
        backup_company_id: String,
        /// ConnectWise Company ID (identifier), e.g. AcmeDental.
        cw_identifier: String,
        /// Comma list of event types, or `default`.
        #[arg(long, value_name = "A,B|default")]
        event_types: Option<String>,
        /// Comma list of backup types, `all`, or `default`.
        #[arg(long, value_name = "A,B|default")]
        backup_types: Option<String>,
        /// Agreement conditions, or `default` (an empty string means no agreement).
        #[arg(long, value_name = "COND|default", allow_hyphen_values = true)]
        agreement: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnoozeAction {
    /// Snooze the events of a company, computer or plan: no new ticket and
    /// no notes until TIME; an open ticket gets one note when the snooze
    /// starts and one when it ends.
    Add {
        /// What VALUE names.
        scope: SnoozeWhat,
        /// The company's id or name as `companies list` shows it, the
        /// computer name, or the plan name (case-insensitive).
        value: String,
        /// When it ends: 2026-12-07T06:00:00Z, a local 2026-12-07 06:00, or 90m, 2h, 1d from now.
        #[arg(long, value_name = "TIME")]
        until: String,
        /// Why, shown in the start note and in `snooze list`.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// The active snoozes, then the ended ones (kept 30 days).
    List,
    /// End a snooze now; its end notes follow on the next sync.
    Remove {
        /// The id `snooze list` shows.
        id: i64,
    },
}

/// What a snooze covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnoozeWhat {
    Company,
    Computer,
    Plan,
}

#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// Drop a stuck call (see `status`); its event is planned afresh, so a
    /// call that did reach ConnectWise may then be made twice.
    Forget {
        /// The id `status` shows.
        intent_id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Move a damaged database aside and start a new one keeping the settings,
    /// the company mapping and the ticket ledger as far as they can be read.
    Recover,
}
