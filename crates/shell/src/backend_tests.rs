//! The backend against the real simulators: demo mode syncs at once, each
//! distinct failure is notified once and the recovery once, real mode waits
//! for a complete configuration, and a damaged database is reported.

use std::sync::Arc;
use std::time::Duration;

use bridge_core::ops;
use bridge_core::scheduler::{Status, SyncState};
use bridge_core::store::ticket_list::TicketQuery;
use bridge_core::store::{self, settings, Store};
use bridge_sim::demo::Demo;
use tokio::sync::watch;

use super::*;
use crate::events::tests::recording;
use crate::events::Phase;

/// No cycle runs by itself during a test: only at start and on `sync_now`.
const NO_TICKS: Duration = Duration::from_secs(3600);

/// Waits until the loop has finished `cycles` cycles.
async fn wait_cycles(rx: &mut watch::Receiver<Status>, cycles: u64) -> Status {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            {
                let s = rx.borrow_and_update();
                if s.cycles >= cycles && s.state != SyncState::Syncing {
                    return s.clone();
                }
            }
            rx.changed().await.unwrap();
        }
    })
    .await
    .expect("the scheduler did not finish the cycle in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_notifies_each_failure_once_and_the_recovery_once() {
    let dir = tempfile::tempdir().unwrap();
    let (outputs, sink, notifier) = recording();
    let backend = Backend::start_demo(dir.path(), NO_TICKS, SourceKind::Dashboard, outputs)
        .await
        .unwrap();
    assert!(backend.is_demo());
    let scheduler = backend.scheduler().expect("the demo syncs at once");
    let mut status = scheduler.subscribe();

    // First cycle at start: the demo's tickets appear within one poll.
    let s = wait_cycles(&mut status, 1).await;
    assert_eq!(s.state, SyncState::Idle, "{s:?}");
    let tickets = ops::ticket_page(&backend.engine(), TicketQuery::default())
        .await
        .unwrap()
        .rows;
    assert!(tickets.len() >= 3, "{tickets:?}");
    // Under the default summary template, each row tells its computer and
    // plan (the Activity screen's "Snooze this computer / plan").
    let acme = tickets
        .iter()
        .find(|t| t.entry.summary.starts_with("Error: ACME-DC01 - "))
        .expect("the demo's Acme error");
    assert_eq!(acme.computer.as_deref(), Some("ACME-DC01"), "{acme:?}");
    assert_eq!(acme.plan.as_deref(), Some("Nightly files"), "{acme:?}");

    // ConnectWise answers 503 to everything: one failure notification...
    let demo = backend.demo().unwrap();
    demo.cw.faults().fail_next(1000, 503);
    scheduler.sync_now().await;
    let s = wait_cycles(&mut status, 2).await;
    assert!(matches!(s.state, SyncState::Error { .. }), "{s:?}");
    // The UI is sent the latest status: let it see this one before the next
    // cycle replaces it (a user's next sync comes an interval later).
    tokio::time::timeout(Duration::from_secs(10), async {
        while !sink.statuses.lock().unwrap().iter().any(|snapshot| {
            matches!(&snapshot.phase, Phase::Running(s) if matches!(s.state, SyncState::Error { .. }))
        }) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the UI was never shown the failure");
    // ...and none for the same failure in the next cycle.
    scheduler.sync_now().await;
    wait_cycles(&mut status, 3).await;
    // ConnectWise back: one recovery.
    demo.cw.faults().reset();
    scheduler.sync_now().await;
    let s = wait_cycles(&mut status, 4).await;
    assert_eq!(s.state, SyncState::Idle, "{s:?}");

    // Stopping waits for the forwarders to deliver everything published.
    backend.stop().await;
    let shown = notifier.shown.lock().unwrap().clone();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(shown[0].0, "BackupBridge cannot sync");
    assert_eq!(shown[1].0, "BackupBridge recovered");
    let sent: Vec<bool> = sink
        .notifications
        .lock()
        .unwrap()
        .iter()
        .map(|n| n.is_failure)
        .collect();
    assert_eq!(
        sent,
        [true, false],
        "the UI gets the same two notifications"
    );

    // The tray and the UI saw the loop sync, fail and recover.
    let states: Vec<SyncState> = sink
        .statuses
        .lock()
        .unwrap()
        .iter()
        .filter_map(|snapshot| match &snapshot.phase {
            Phase::Running(status) => {
                assert!(snapshot.demo);
                Some(status.state.clone())
            }
            _ => None,
        })
        .collect();
    assert!(states.contains(&SyncState::Syncing), "{states:?}");
    assert!(
        states.iter().any(|s| matches!(s, SyncState::Error { .. })),
        "{states:?}"
    );
    assert_eq!(states.last(), Some(&SyncState::Idle), "{states:?}");
}

/// `--demo-source=vspc`: the demo reads the VSPC simulator, and its
/// malware alarm is an anomaly ticket on the Activity screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_can_read_vspc_and_shows_an_anomaly() {
    let dir = tempfile::tempdir().unwrap();
    let (outputs, _sink, _notifier) = recording();
    let backend = Backend::start_demo(dir.path(), NO_TICKS, SourceKind::Vspc, outputs)
        .await
        .unwrap();
    let scheduler = backend.scheduler().expect("the demo syncs at once");
    let mut status = scheduler.subscribe();
    let s = wait_cycles(&mut status, 1).await;
    assert_eq!(s.state, SyncState::Idle, "{s:?}");
    let tickets = ops::ticket_page(&backend.engine(), TicketQuery::default())
        .await
        .unwrap()
        .rows;
    assert_eq!(tickets.len(), 3, "{tickets:?}");
    assert!(tickets
        .iter()
        .all(|t| t.entry.event_id.starts_with("vspc:")));
    let anomalies: Vec<_> = tickets.iter().filter(|t| t.entry.anomaly).collect();
    assert_eq!(anomalies.len(), 1, "{tickets:?}");
    assert_eq!(anomalies[0].entry.event_type, "BackupAnomaly");
    backend.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_starts_from_a_fresh_database_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    // Left over from an earlier demo (or damaged): replaced, not reused.
    std::fs::write(demo_db_path(dir.path()), b"not a database").unwrap();
    let (outputs, _sink, _notifier) = recording();
    let backend = Backend::start_demo(dir.path(), NO_TICKS, SourceKind::Dashboard, outputs)
        .await
        .unwrap();
    assert!(backend.missing().await.unwrap().is_empty());
    assert_eq!(
        backend.engine().store().path(),
        Some(demo_db_path(dir.path()).as_path())
    );
    backend.stop().await;
    // The user's own database was never created.
    assert!(!store::db_path(dir.path()).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_mode_starts_syncing_once_configured() {
    let dir = tempfile::tempdir().unwrap();
    let (outputs, sink, _notifier) = recording();
    // The demo's secrets stand in for the keychain.
    let secrets: Arc<dyn SecretStore> = Arc::new(Demo::secrets());
    let mut backend = Backend::start_real(dir.path(), secrets, outputs)
        .await
        .unwrap();
    assert!(!backend.is_demo());
    assert!(backend.scheduler().is_none(), "nothing to sync yet");
    assert!(backend
        .missing()
        .await
        .unwrap()
        .contains(&"cw.site".to_owned()));
    assert!(matches!(
        sink.statuses.lock().unwrap().last().map(|s| &s.phase),
        Some(Phase::NotConfigured)
    ));

    // The user completes the connection (here: pointing at the simulators).
    let demo = Demo::start().await.unwrap();
    demo.configure(backend.engine().store()).unwrap();
    assert!(backend.ensure_running().await.unwrap());
    let mut status = backend.scheduler().unwrap().subscribe();
    let s = wait_cycles(&mut status, 1).await;
    // No company is mapped yet, so the cycle is clean and creates nothing.
    assert_eq!(s.state, SyncState::Idle, "{s:?}");
    assert_eq!(s.last_report.unwrap().counts.created, 0);
    // Asking again changes nothing: one scheduler.
    assert!(backend.ensure_running().await.unwrap());
    backend.stop().await;
    demo.shutdown().await;
}

#[tokio::test]
async fn a_damaged_database_is_reported_with_the_repair_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(store::db_path(dir.path()), vec![0x5a_u8; 8192]).unwrap();
    let (outputs, _sink, _notifier) = recording();
    let secrets: Arc<dyn SecretStore> = Arc::new(Demo::secrets());
    let error = match Backend::start_real(dir.path(), secrets, outputs).await {
        Ok(_) => panic!("a damaged database must not open"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), "damaged");
    let message = start_failure(&error);
    assert!(message.contains("damaged"), "{message}");
    assert!(message.contains("backup-bridge db recover"), "{message}");
    assert_eq!(message.matches("backup-bridge db recover").count(), 1);
}

#[test]
fn nothing_configured_means_no_site_and_no_dashboard() {
    let cases: [(&[(&str, &str)], bool); 4] = [
        (&[], true),
        (&[("ticket.board", "Service Desk")], true),
        (&[("cw.site", "na.myconnectwise.net")], false),
        (&[("dashboard.url", "https://dashboard.example.com")], false),
    ];
    for (values, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&store::db_path(dir.path())).unwrap();
        for (key, value) in values {
            settings::set(&store, key, value).unwrap();
        }
        drop(store);
        assert_eq!(
            nothing_configured(dir.path()).unwrap(),
            expected,
            "{values:?}"
        );
    }
    // No database at all: unconfigured, and none is created by asking.
    let dir = tempfile::tempdir().unwrap();
    assert!(nothing_configured(dir.path()).unwrap());
    assert!(!store::db_path(dir.path()).exists());
}
