//! The tray–window link over a real loopback connection, with a fake service.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::sync::mpsc;

use super::*;

#[derive(Default)]
struct FakeService {
    opens: AtomicUsize,
    windows: Mutex<Vec<WindowChange>>,
    quitting: AtomicBool,
}

impl TrayService for FakeService {
    fn call(&self, command: String, args: Value) -> CallFuture<'_> {
        Box::pin(async move {
            match command.as_str() {
                "echo" => Ok(args),
                "slow" => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Ok(json!("slow"))
                }
                _ => Err(error_value(&Error::Invalid(format!(
                    "no command {command}"
                )))),
            }
        })
    }
    fn open(&self) {
        self.opens.fetch_add(1, Ordering::SeqCst);
    }
    fn window_changed(&self, change: WindowChange) {
        self.windows.lock().unwrap().push(change);
    }
    fn accepting(&self) -> bool {
        !self.quitting.load(Ordering::SeqCst)
    }
}

struct Tray {
    address: TrayAddress,
    service: Arc<FakeService>,
    link: Arc<WindowLink>,
}

async fn tray() -> Tray {
    let (listener, address) = listen().await.unwrap();
    let service = Arc::new(FakeService::default());
    let link = Arc::new(WindowLink::default());
    tokio::spawn(serve(
        listener,
        address.token.clone(),
        service.clone(),
        link.clone(),
    ));
    Tray {
        address,
        service,
        link,
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<FromTray>) -> FromTray {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("nothing arrived from the tray")
        .expect("the channel closed")
}

/// Connections (and calls) the tray process still serves: each holds the
/// service until it has ended, and a connection reports a lost window before
/// it ends; the test and `serve` hold the other two.
fn connections(tray: &Tray) -> usize {
    Arc::strong_count(&tray.service) - 2
}

async fn until<F: Fn() -> bool>(what: &str, done: F) {
    for _ in 0..1000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn calls_are_answered_in_any_order_with_results_or_errors() {
    let tray = tray().await;
    let (client, _events) = TrayClient::connect(&tray.address).await.unwrap();
    until("the window to be attached", || tray.link.is_open()).await;
    let (slow, echo, fail) = tokio::join!(
        client.call("slow", json!({})),
        client.call("echo", json!({"backupCompanyId": "c-1"})),
        client.call("nope", Value::Null),
    );
    assert_eq!(slow, Ok(json!("slow")));
    assert_eq!(echo, Ok(json!({"backupCompanyId": "c-1"})));
    assert_eq!(
        fail,
        Err(json!({"kind": "invalid", "message": "no command nope"}))
    );
    assert_eq!(
        *tray.service.windows.lock().unwrap(),
        vec![WindowChange::Opened]
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused() {
    let tray = tray().await;
    let mut wrong = tray.address.clone();
    wrong.token = "0".repeat(32);
    let error = TrayClient::connect(&wrong).await.err().unwrap();
    assert!(error.to_string().contains("token"), "{error}");
    assert!(ask_to_open(&wrong).await.is_err());
    assert_eq!(tray.service.opens.load(Ordering::SeqCst), 0);
    assert!(!tray.link.is_open());
}

#[tokio::test]
async fn a_second_launch_asks_for_the_window() {
    let tray = tray().await;
    ask_to_open(&tray.address).await.unwrap();
    assert_eq!(tray.service.opens.load(Ordering::SeqCst), 1);
    // It was not a window.
    assert!(!tray.link.is_open());
    assert!(tray.service.windows.lock().unwrap().is_empty());
}

#[tokio::test]
async fn events_focus_and_close_reach_the_window_and_a_newer_window_takes_over() {
    let tray = tray().await;
    assert!(!tray.link.send(ToWindow::Focus), "no window yet");
    let (_first, mut first_events) = TrayClient::connect(&tray.address).await.unwrap();
    until("the first window", || tray.link.is_open()).await;
    tray.link.event("status", &json!({"cycles": 3}));
    assert_eq!(
        next(&mut first_events).await,
        FromTray::Event {
            name: "status".into(),
            payload: json!({"cycles": 3})
        }
    );
    assert!(tray.link.send(ToWindow::Focus));
    assert_eq!(next(&mut first_events).await, FromTray::Focus);

    let (_second, mut second_events) = TrayClient::connect(&tray.address).await.unwrap();
    assert_eq!(next(&mut first_events).await, FromTray::Close);
    tray.link.event("notification", &json!({"title": "t"}));
    assert!(matches!(
        next(&mut second_events).await,
        FromTray::Event { name, .. } if name == "notification"
    ));
}

#[tokio::test]
async fn a_window_that_goes_without_closing_is_lost() {
    let tray = tray().await;
    let (client, events) = TrayClient::connect(&tray.address).await.unwrap();
    until("the window", || tray.link.is_open()).await;
    drop(client);
    drop(events);
    until("the window to go", || !tray.link.is_open()).await;
    until("the report", || {
        tray.service.windows.lock().unwrap().len() == 2
    })
    .await;
    assert_eq!(
        *tray.service.windows.lock().unwrap(),
        vec![WindowChange::Opened, WindowChange::Lost]
    );
}

#[tokio::test]
async fn a_closed_window_is_gone_at_once_and_reported_once() {
    let tray = tray().await;
    let (client, events) = TrayClient::connect(&tray.address).await.unwrap();
    until("the window", || tray.link.is_open()).await;
    client.closing();
    // What a window process awaits before it exits: its last word written.
    tokio::time::timeout(Duration::from_secs(5), client.flushed())
        .await
        .expect("the closing message is written");
    // Detached before the process ends: an Open now starts a new window.
    until("the window to go", || !tray.link.is_open()).await;
    assert_eq!(connections(&tray), 1);
    drop(client);
    drop(events);
    // Once the connection has ended, whatever it had to report is reported.
    until("the connection to end", || connections(&tray) == 0).await;
    assert_eq!(
        *tray.service.windows.lock().unwrap(),
        vec![WindowChange::Opened, WindowChange::Closed]
    );
}

#[tokio::test]
async fn flushed_returns_at_once_when_nothing_is_queued() {
    let tray = tray().await;
    let (client, _events) = TrayClient::connect(&tray.address).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), client.flushed())
        .await
        .expect("nothing to wait for");
}

#[tokio::test]
async fn a_quitting_tray_process_turns_launches_and_windows_away() {
    let tray = tray().await;
    tray.service.quitting.store(true, Ordering::SeqCst);
    let error = ask_to_open(&tray.address).await.unwrap_err();
    assert!(error.to_string().contains("quitting"), "{error}");
    let error = TrayClient::connect(&tray.address).await.err().unwrap();
    assert!(error.to_string().contains("quitting"), "{error}");
    assert_eq!(tray.service.opens.load(Ordering::SeqCst), 0);
    assert!(!tray.link.is_open());
}

#[tokio::test]
async fn a_first_message_past_the_limit_is_not_read_to_its_end() {
    let tray = tray().await;
    let mut stream = TcpStream::connect(("127.0.0.1", tray.address.port))
        .await
        .unwrap();
    // A "token" far beyond the limit, never ended by a newline.
    let junk = vec![b'a'; 2 * MAX_HELLO_BYTES as usize];
    let _ = stream.write_all(br#"{"type":"hello","token":""#).await;
    let _ = stream.write_all(&junk).await;
    // The tray process closes the connection instead of waiting for more.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection stayed open");
    assert!(!tray.link.is_open());
    // A proper window still gets in.
    TrayClient::connect(&tray.address).await.unwrap();
}

#[tokio::test]
async fn when_the_tray_process_goes_away_calls_fail_with_a_sentence() {
    // A tray process that welcomes the window, then dies.
    let (listener, address) = listen().await.unwrap();
    let token = address.token.clone();
    let dying = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (read, mut write) = stream.into_split();
        let hello: Option<ToTray> = receive(&mut BufReader::new(read)).await.unwrap();
        let Some(ToTray::Hello { nonce, .. }) = hello else {
            panic!("{hello:?}");
        };
        let proof = Some(auth::proof(&token, auth::TRAY, &nonce));
        send(&mut write, &ToWindow::Welcome { proof })
            .await
            .unwrap();
    });
    let (client, mut events) = TrayClient::connect(&address).await.unwrap();
    dying.await.unwrap();
    assert_eq!(next(&mut events).await, FromTray::Lost);
    let error = client.call("echo", json!({})).await.unwrap_err();
    assert_eq!(error["kind"], "runtime");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("start BackupBridge again"),
        "{error}"
    );
}

/// A program on the port `tray.json` names that is not the tray process:
/// it reads the first message and answers `welcome` its own way.
async fn impostor(answer: fn(&str) -> ToWindow) -> (TrayAddress, tokio::task::JoinHandle<String>) {
    let (listener, address) = listen().await.unwrap();
    let served = tokio::spawn(async move {
        let mut seen = String::new();
        for _ in 0..2 {
            let (stream, _) = listener.accept().await.unwrap();
            let (read, mut write) = stream.into_split();
            let mut line = String::new();
            BufReader::new(read).read_line(&mut line).await.unwrap();
            let first: ToTray = serde_json::from_str(&line).unwrap();
            let (ToTray::Hello { nonce, .. } | ToTray::Open { nonce, .. }) = first else {
                panic!("{line}");
            };
            send(&mut write, &answer(&nonce)).await.unwrap();
            seen.push_str(&line);
        }
        seen
    });
    (address, served)
}

/// REGRESSION (review L4): the window accepted any Welcome, so a program
/// squatting the port of a stale `tray.json` received every call, secrets
/// included. It is refused, and it never saw the token.
#[tokio::test]
async fn a_tray_that_cannot_prove_the_token_is_refused() {
    let answers: [fn(&str) -> ToWindow; 3] = [
        |_| ToWindow::Welcome { proof: None },
        |_| ToWindow::Welcome {
            proof: Some("0".repeat(64)),
        },
        // A proof for another token, or the window's own kind of proof.
        |nonce| ToWindow::Welcome {
            proof: Some(auth::proof("another-token", auth::TRAY, nonce)),
        },
    ];
    for answer in answers {
        let (address, served) = impostor(answer).await;
        let error = TrayClient::connect(&address).await.err().unwrap();
        let message = error.to_string();
        assert!(
            message.contains("did not prove that it is the BackupBridge tray process")
                && message.contains("nothing was sent to it"),
            "{message}"
        );
        assert!(ask_to_open(&address).await.is_err());
        let seen = served.await.unwrap();
        assert!(
            !seen.contains(&address.token),
            "the token travelled: {seen}"
        );
    }
}

#[tokio::test]
async fn a_window_that_cannot_prove_the_token_gets_no_proof_back() {
    let tray = tray().await;
    let mut stream = TcpStream::connect(("127.0.0.1", tray.address.port))
        .await
        .unwrap();
    let (read, mut write) = stream.split();
    let forged = ToTray::Hello {
        nonce: "n".into(),
        proof: auth::proof("guess", auth::WINDOW, "n"),
    };
    send(&mut write, &forged).await.unwrap();
    let answer: Option<ToWindow> = receive(&mut BufReader::new(read)).await.unwrap();
    assert!(
        matches!(answer, Some(ToWindow::Refused { .. })),
        "{answer:?}"
    );
    assert!(!tray.link.is_open());
}

#[tokio::test]
async fn a_message_cut_off_is_an_error_not_a_message() {
    let mut reader = BufReader::new(&b"{\"type\":\"focus\"}\n{\"type\":\"fo"[..]);
    let first: Option<ToWindow> = receive(&mut reader).await.unwrap();
    assert_eq!(first, Some(ToWindow::Focus));
    assert!(receive::<_, ToWindow>(&mut reader).await.is_err());
    let mut empty = BufReader::new(&b""[..]);
    assert_eq!(receive::<_, ToWindow>(&mut empty).await.unwrap(), None);
}
