//! One function per command: open what it needs, call core once, print.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bridge_core::engine::Engine;
use bridge_core::model::Override;
use bridge_core::ops::{self, MapRequest};
use bridge_core::scheduler::{Scheduler, SchedulerOptions, Status};
use bridge_core::secrets::{self, EnvOverride, KeyringStore, SecretKey, SecretStatus, SecretStore};
use bridge_core::store::snoozes::SnoozeScope;
use bridge_core::store::{self, settings, Store};
use tokio::sync::watch;

use crate::cli::{
    Cli, Command, CompaniesAction, ConfigAction, DbAction, DemoSource, OutboxAction, SecretAction,
    SecretWhich, SnoozeAction, SnoozeWhat,
};
use crate::{output, Failure};
use bridge_core::source::SourceKind;

/// Runs the parsed command; returns the exit code.
pub async fn run(cli: Cli) -> Result<u8, Failure> {
    if let Command::Demo {
        cycles,
        interval_secs,
        source,
    } = cli.command
    {
        return crate::commands::demo(cli.data_dir, cycles, interval_secs, source).await;
    }
    let recover = matches!(
        cli.command,
        Command::Db {
            action: DbAction::Recover
        }
    );
    if !recover {
        // A service given a broken `BB_*_FILE` stops here, before it touches
        // anything, with exit 2 (its unit does not restart on that).
        secrets::env::check(&secrets::env::process_environment)?;
    }
    let data_dir = cli.data_dir.clone().unwrap_or_else(store::default_data_dir);
    init_logging(&data_dir);
    if recover {
        return db_recover(&data_dir);
    }
    let store = open_store(&data_dir)?;
    let secrets: Arc<dyn SecretStore> = Arc::new(EnvOverride::new(KeyringStore::new()));
    let engine = Engine::new(store.clone(), secrets);
    let json = cli.json;
    match cli.command {
        Command::Config { action } => match action {
            ConfigAction::Set { key, value } => {
                settings::set(&store, &key, &value)?;
                let shown = settings::get(&store, &key)?.unwrap_or_else(|| "(unset)".to_owned());
                println!("{key} = {shown}");
                secret_note(&engine, &key).await;
                Ok(0)
            }
            ConfigAction::Show => {
                output::settings(&settings::all(&store)?, json);
                Ok(0)
            }
        },
        Command::Secret {
            action: SecretAction::Set { which },
        } => secret_set(&engine, which).await,
        Command::Companies { action } => companies(&engine, action, json).await,
        Command::Sync {
            once,
            dry_run,
            confirm_removals,
        } => {
            if confirm_removals {
                engine.confirm_removals();
            }
            sync(engine, once, dry_run).await
        }
        Command::Status => {
            let runs = store::runs::recent_runs(&store, 10)?;
            let companies = ops::list_companies(&engine).await?;
            let attention = ops::attention(&engine).await?;
            output::status(&runs, &companies, &attention, json);
            Ok(0)
        }
        Command::Outbox {
            action: OutboxAction::Forget { intent_id },
        } => {
            let forgotten = ops::forget_intent(&engine, intent_id).await?;
            println!(
                "forgot intent {} ({} for {}); its event is planned afresh next sync",
                forgotten.id, forgotten.what, forgotten.event_id
            );
            Ok(0)
        }
        Command::Snooze { action } => snooze(&engine, action, json).await,
        Command::Tickets => {
            let list = ops::tickets(&engine).await?;
            output::tickets(&list, json);
            Ok(0)
        }
        Command::Demo { .. } | Command::Db { .. } => Ok(0),
    }
}

/// `snooze add | list | remove`.
async fn snooze(engine: &Engine, action: SnoozeAction, json: bool) -> Result<u8, Failure> {
    match action {
        SnoozeAction::Add {
            scope,
            value,
            until,
            reason,
        } => {
            let scope = match scope {
                SnoozeWhat::Company => SnoozeScope::Company,
                SnoozeWhat::Computer => SnoozeScope::Computer,
                SnoozeWhat::Plan => SnoozeScope::Plan,
            };
            let reason = reason.unwrap_or_default();
            let added = ops::add_snooze(engine, scope, &value, &until, &reason).await?;
            println!(
                "snooze {} added: {} \"{}\" until {}",
                added.id,
                scope.as_str(),
                added.value,
                output::local_time(&added.until)
            );
        }
        SnoozeAction::List => {
            let (list, now) = ops::list_snoozes(engine).await?;
            output::snoozes(&list, &now, json);
        }
        SnoozeAction::Remove { id } => {
            let removed = ops::remove_snooze(engine, id).await?;
            println!(
                "snooze {} ended ({} \"{}\"); its end notes follow on the next sync",
                removed.id,
                removed.scope.as_str(),
                removed.value
            );
        }
    }
    Ok(0)
}

/// `db recover`: the damaged database moves aside, a new one keeps what can
/// be read. Under the writer lock (rule 12): never while another process syncs.
fn db_recover(data_dir: &Path) -> Result<u8, Failure> {
    let report = ops::recover_database(data_dir)?;
    tracing::warn!(
        damaged_copy = %report.damaged_copy.display(),
        "recovered a damaged database"
    );
    for line in report.lines() {
        println!("{line}");
    }
    Ok(0)
}

fn open_store(data_dir: &Path) -> Result<Store, Failure> {
    Store::open(&store::db_path(data_dir)).map_err(Failure::from)
}

/// Logs go to the daily-rotated file in `<data dir>/logs` that the desktop app
/// also writes (`bridge_core::logs`; never a secret in them), errors also to
/// stderr. Writes are synchronous, like the app's: the CLI logs a few lines per
/// cycle, nothing is lost on exit, and no writer thread or line buffer stays
/// in memory. Without a usable log folder, errors still reach stderr.
fn init_logging(data_dir: &Path) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{fmt, EnvFilter, Layer};
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_filter(
            EnvFilter::try_from_env(bridge_core::logs::LOG_FILTER_ENV)
                .unwrap_or_else(|_| EnvFilter::new("error")),
        );
    match bridge_core::logs::file_appender(data_dir).ok() {
        Some(writer) => {
            let file_layer = fmt::layer()
                .with_writer(std::sync::Mutex::new(writer))
                .with_ansi(false)
                .with_filter(EnvFilter::new("info"));
            let _ = tracing_subscriber::registry()
                .with(stderr)
                .with(file_layer)
                .try_init();
        }
        None => {
            let _ = tracing_subscriber::registry().with(stderr).try_init();
        }
    }
}

/// After `config set cw.site|dashboard.url|source.url`: says when the saved secret is
/// bound to another host and which `secret set` to run.
async fn secret_note(engine: &Engine, setting: &str) {
    let Some(key) = SecretKey::ALL
        .into_iter()
        .find(|k| k.host_setting() == setting)
    else {
        return;
    };
    let Ok(settings) = engine.settings().await else {
        return;
    };
    let host = bridge_core::engine::secret_host(&settings, key)
        .ok()
        .flatten()
        .map(|h| h.host);
    let status =
        bridge_core::secrets::bound::status(engine.secrets().as_ref(), key, host.as_deref());
    if let SecretStatus::OtherHost { saved_for } = status {
        eprintln!(
            "note: the saved {key} is for {saved_for}; enter it again with \
             `backup-bridge secret set {}` before the next sync",
            key.cli_name()
        );
    }
}

/// `secret set`: the secret from stdin into the keychain, bound to the host
/// the settings name now (`cw.site` or `dashboard.url`).
async fn secret_set(engine: &Engine, which: SecretWhich) -> Result<u8, Failure> {
    let mut value = String::new();
    std::io::stdin()
        .read_to_string(&mut value)
        .map_err(|e| Failure::failed(format!("cannot read the secret from standard input: {e}")))?;
    let value = value.trim_end_matches(['\r', '\n']);
    if value.trim().is_empty() {
        return Err(Failure::usage(
            "no secret was given on standard input; pipe it in, e.g. `printf %s \"$KEY\" | backup-bridge secret set cw`",
        ));
    }
    let key = match which {
        SecretWhich::Cw => SecretKey::CwSecret,
        SecretWhich::Dashboard => SecretKey::DashboardToken,
        SecretWhich::Source => SecretKey::SourceSecret,
    };
    let host = ops::save_secret(engine, key, value).await?;
    println!("saved in the OS keychain for {host}");
    Ok(0)
}

async fn companies(engine: &Engine, action: CompaniesAction, json: bool) -> Result<u8, Failure> {
    match action {
        CompaniesAction::Refresh => {
            let refreshed = ops::refresh_companies(engine).await?;
            for r in &refreshed.rejected {
                eprintln!("warning: {r}");
            }
            let summary = refreshed.summary;
            let total = ops::list_companies(engine).await?.len();
            println!(
                "{total} companies ({} new, {} renamed, {} no longer listed, {} back)",
                summary.added, summary.renamed, summary.gone, summary.returned
            );
            Ok(0)
        }
        CompaniesAction::List => {
            output::companies(&ops::list_companies(engine).await?, json);
            Ok(0)
        }
        CompaniesAction::Map {
            backup_company_id,
            cw_identifier,
            event_types,
            backup_types,
            agreement,
        } => {
            let req = MapRequest {
                backup_company_id,
                cw_identifier,
                event_types: event_types.as_deref().map(Override::parse_types),
                backup_types: backup_types.as_deref().map(Override::parse_types),
                agreement_condition: agreement.as_deref().map(Override::parse_condition),
            };
            let row = ops::map_company(engine, req).await?;
            println!(
                "{} ({}) -> {} ({}, ConnectWise id {})",
                row.name,
                row.id,
                row.cw_identifier.as_deref().unwrap_or_default(),
                row.cw_company_name.as_deref().unwrap_or_default(),
                row.cw_company_id.unwrap_or_default()
            );
            Ok(0)
        }
    }
}

async fn sync(engine: Engine, once: bool, dry_run: bool) -> Result<u8, Failure> {
    let engine = Arc::new(engine);
    if once || dry_run {
        // A panic in the cycle comes back as a failed run (exit 1), not an abort.
        let report = engine.run_cycle_guarded(dry_run, None).await?;
        output::report(&report);
        return Ok(if report.has_errors() { 1 } else { 0 });
    }
    let scheduler = Scheduler::spawn(engine, printing_actions(SchedulerOptions::default()));
    let followed = follow(scheduler.subscribe(), None).await;
    scheduler.stop().await;
    followed.map(|_| 0)
}

/// The loop's options with each action printed as it is done (the cycle's
/// summary follows from its report).
fn printing_actions(options: SchedulerOptions) -> SchedulerOptions {
    SchedulerOptions {
        on_action: Some(Arc::new(|line| output::action(&line))),
        ..options
    }
}

/// Prints each cycle's report until Ctrl-C or SIGTERM (or `cycles` cycles); returns
/// whether any cycle had errors. The loop ending by itself, without being
/// asked, is a failure (exit 1) with a sentence.
async fn follow(mut status: watch::Receiver<Status>, cycles: Option<u32>) -> Result<bool, Failure> {
    let stop = crate::stop::requested();
    tokio::pin!(stop);
    let mut seen = 0u64;
    let mut had_errors = false;
    loop {
        tokio::select! {
            changed = status.changed() => {
                if changed.is_err() {
                    return Err(Failure::failed(
                        "the sync loop stopped unexpectedly; see the log in the data folder's \
                         logs and start `backup-bridge sync` again",
                    ));
                }
                let now = status.borrow_and_update().clone();
                if now.cycles > seen {
                    seen = now.cycles;
                    match (&now.last_report, &now.state) {
                        (_, bridge_core::scheduler::SyncState::Error { reason, retryable: false }) => {
                            eprintln!("backup-bridge: {reason}");
                            had_errors = true;
                        }
                        (Some(report), _) => {
                            output::report(report);
                            had_errors |= report.has_errors();
                        }
                        (None, bridge_core::scheduler::SyncState::Error { reason, .. }) => {
                            eprintln!("backup-bridge: {reason} (retrying)");
                            had_errors = true;
                        }
                        _ => {}
                    }
                    if cycles.is_some_and(|c| seen >= u64::from(c)) {
                        return Ok(had_errors);
                    }
                }
            }
            () = &mut stop => {
                eprintln!("stopping…");
                return Ok(had_errors);
            }
        }
    }
}

/// `backup-bridge demo`: simulators + a sync loop.
pub async fn demo(
    data_dir: Option<PathBuf>,
    cycles: Option<u32>,
    interval_secs: u64,
    source: DemoSource,
) -> Result<u8, Failure> {
    let temp;
    let dir = match data_dir {
        Some(d) => d,
        None => {
            temp = tempfile_dir()?;
            temp.clone()
        }
    };
    init_logging(&dir);
    let store = open_store(&dir)?;
    let kind = match source {
        DemoSource::Dashboard => SourceKind::Dashboard,
        DemoSource::Msp360 => SourceKind::Msp360,
        DemoSource::Comet => SourceKind::Comet,
        DemoSource::Vspc => SourceKind::Vspc,
    };
    let demo = bridge_sim::demo::Demo::start_source(kind)
        .await
        .map_err(|e| Failure::failed(format!("cannot start the simulators: {e}")))?;
    println!("ConnectWise simulator:  {}", demo.cw_url());
    println!(
        "{:<24}{}",
        format!("{} simulator:", demo.source_name()),
        demo.source_url()
    );
    println!("Data folder:            {}", dir.display());
    let engine = demo.engine(store).await?;
    let scheduler = Scheduler::spawn(
        Arc::new(engine),
        printing_actions(SchedulerOptions {
            interval_override: Some(std::time::Duration::from_secs(interval_secs.max(1))),
            ..SchedulerOptions::default()
        }),
    );
    println!(
        "Syncing every {interval_secs} s; the simulated backups move one step per cycle. Ctrl-C stops."
    );
    // The demo data includes deliberate problems (a company whose agreement
    // condition matches nothing): they are shown, not a failure of the demo.
    let followed = follow(scheduler.subscribe(), cycles).await;
    scheduler.stop().await;
    println!("\nTickets in the ConnectWise simulator:");
    output::sim_tickets(&demo.tickets());
    demo.shutdown().await;
    followed.map(|_| 0)
}

fn tempfile_dir() -> Result<PathBuf, Failure> {
    let dir = std::env::temp_dir().join(format!("backup-bridge-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

#[cfg(test)]
#[path = "commands_tests.rs"]
mod tests;
