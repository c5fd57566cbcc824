//! The managed state: starting in each mode, switching demo on and off,
//! commands on a failed start, and the one-time hints.

use std::sync::Arc;
use std::time::Duration;

use bridge_core::secrets::SecretStore;
use bridge_core::store::{self, settings, Store};
use bridge_sim::demo::Demo;

use super::*;
use crate::backend::RECOVER_COMMAND;
use crate::events::tests::recording;

fn state(data_dir: &std::path::Path) -> AppState {
    let (outputs, _sink, _notifier) = recording();
    AppState::with_secrets(
        AppPaths::new(data_dir.to_path_buf()),
        outputs,
        Box::new(|| Arc::new(Demo::secrets()) as Arc<dyn SecretStore>),
        Duration::from_secs(3600),
    )
}

async fn started(data_dir: &std::path::Path, mode: StartMode) -> AppState {
    let state = state(data_dir);
    let slot = state.lock_for_start().unwrap();
    state.start_with(slot, mode).await;
    state
}

#[test]
fn log_dir_is_inside_data_dir() {
    let paths = AppPaths::new(PathBuf::from("/home/u/.local/share/BackupBridge"));
    assert_eq!(
        paths.log_dir,
        PathBuf::from("/home/u/.local/share/BackupBridge/logs")
    );
}

#[test]
fn hints_are_given_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    assert!(state.take_tray_hint());
    assert!(!state.take_tray_hint());
    assert!(state.begin_quit());
    assert!(!state.begin_quit());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_mode_switches_to_demo_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let state = started(dir.path(), StartMode::Real).await;
    let info = state.info().await.unwrap();
    assert!(!info.demo);
    assert!(info.error.is_none());
    assert!(info.missing.contains(&"cw.site".to_owned()), "{info:?}");
    // Nothing configured: no scheduler to drive, a status all the same.
    assert_eq!(state.sync_now().await.unwrap_err().kind(), "config");
    assert_eq!(state.set_paused(true).await.unwrap_err().kind(), "config");
    assert_eq!(state.status().await.unwrap().cycles, 0);
    state.refuse_in_demo("saving").await.unwrap();

    state.switch(true).await.unwrap();
    let info = state.info().await.unwrap();
    assert!(info.demo);
    assert!(info.missing.is_empty(), "{info:?}");
    assert_eq!(
        state
            .refuse_in_demo("saving a connection")
            .await
            .unwrap_err()
            .kind(),
        "invalid"
    );
    state.set_paused(true).await.unwrap();
    state.sync_now().await.unwrap();
    let engine = state.engine().await.unwrap();
    assert_eq!(
        engine.store().path(),
        Some(crate::backend::demo_db_path(dir.path()).as_path())
    );

    state.switch(false).await.unwrap();
    let info = state.info().await.unwrap();
    assert!(!info.demo);
    // The demo never wrote into the user's database.
    let real = Store::open(&store::db_path(dir.path())).unwrap();
    assert_eq!(settings::get(&real, "cw.site").unwrap(), None);
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_if_unconfigured_follows_the_real_database() {
    // A fresh machine: demo.
    let fresh = tempfile::tempdir().unwrap();
    let state = started(fresh.path(), StartMode::DemoIfUnconfigured).await;
    assert!(state.info().await.unwrap().demo);
    state.shutdown().await;

    // A connection set up: the user's own database.
    let set_up = tempfile::tempdir().unwrap();
    let real = Store::open(&store::db_path(set_up.path())).unwrap();
    settings::set(&real, "cw.site", "na.myconnectwise.net").unwrap();
    drop(real);
    let state = started(set_up.path(), StartMode::DemoIfUnconfigured).await;
    assert!(!state.info().await.unwrap().demo);
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_fails_every_command_with_the_same_sentence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(store::db_path(dir.path()), vec![0x5a_u8; 8192]).unwrap();
    // Damaged is not "unconfigured": the app must say so, not hide it behind the demo.
    let state = started(dir.path(), StartMode::DemoIfUnconfigured).await;
    let info = state.info().await.unwrap();
    let (kind, message) = info.error.clone().expect("the start error");
    assert_eq!(kind, "damaged");
    assert!(message.contains(RECOVER_COMMAND), "{message}");
    assert!(!info.demo);
    for error in [
        state.engine().await.err().unwrap(),
        state.sync_now().await.unwrap_err(),
        state.set_paused(false).await.unwrap_err(),
    ] {
        assert_eq!(error.kind(), "damaged");
        assert_eq!(error.to_string(), message);
    }
    // The status describes rather than fails: an error naming the cause.
    assert_eq!(
        state.status().await.unwrap().state,
        bridge_core::scheduler::SyncState::Error {
            reason: message.clone(),
            retryable: false
        }
    );
    assert!(matches!(
        state.outputs().last().phase,
        Phase::Failed(ref m) if *m == message
    ));
    // The demo still works: it has a database of its own.
    state.switch(true).await.unwrap();
    assert!(state.info().await.unwrap().demo);
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recover_moves_a_damaged_database_aside_and_starts_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = store::db_path(dir.path());
    std::fs::write(&db, vec![0x5a_u8; 8192]).unwrap();
    let state = started(dir.path(), StartMode::Real).await;
    assert!(state.info().await.unwrap().error.is_some());

    let kept = state.recover_database().await.unwrap();
    assert!(
        kept.iter().any(|l| l.contains("damaged")),
        "the report says where the damaged file went: {kept:?}"
    );
    let info = state.info().await.unwrap();
    assert!(info.error.is_none(), "{:?}", info.error);
    assert!(!info.demo);
    // The damaged file is kept beside the new database.
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().contains(".damaged-"));
    assert!(aside);
    // A healthy database has nothing to recover: a clear error, nothing moved.
    let again = state.recover_database().await.unwrap_err();
    assert!(again.to_string().contains("nothing to recover"), "{again}");
    state.shutdown().await;
}
