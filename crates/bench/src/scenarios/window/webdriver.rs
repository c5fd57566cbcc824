//! A minimal W3C WebDriver (classic) client: enough to start the real app
//! through tauri-driver, run scripts in its page, size its window and take
//! screenshots. The Rust twin of tests/e2e/webdriver.ts.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use base64::Engine as _;
use serde_json::{json, Value};

/// One WebDriver session (one running app).
pub(crate) struct Session {
    http: reqwest::Client,
    base: String,
    id: String,
}

/// Sends one command; the reply's `value`, or the driver's error.
async fn request(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let mut req = http.request(method.clone(), url);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let response = req
        .send()
        .await
        .with_context(|| format!("{method} {url}"))?;
    let status = response.status();
    let text = response.text().await?;
    let reply: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{method} {url}: HTTP {status}, not JSON: {}",
            text.chars().take(300).collect::<String>()
        )
    })?;
    let value = reply.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() {
        anyhow::bail!(
            "{method} {url}: HTTP {status}: {}: {}",
            value["error"].as_str().unwrap_or("?"),
            value["message"].as_str().unwrap_or(&text)
        );
    }
    Ok(value)
}

/// A client for a driver at `driver_url`; no request takes longer than
/// `timeout` (scripts are bounded by the session's script timeout first).
fn client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().timeout(timeout).build()?)
}

/// Waits until the driver at `driver_url` answers `GET /status`.
pub(crate) async fn wait_ready(driver_url: &str, timeout: Duration) -> anyhow::Result<()> {
    let http = client(Duration::from_secs(5))?;
    let deadline = Instant::now() + timeout;
    let url = format!("{driver_url}/status");
    loop {
        match request(&http, reqwest::Method::GET, &url, None).await {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() > deadline => {
                return Err(e.context(format!("the driver did not answer in {timeout:?}")))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

impl Session {
    /// Creates a session with `capabilities`; for tauri-driver this launches
    /// the application and returns once its page has loaded.
    pub async fn start(driver_url: &str, capabilities: Value) -> anyhow::Result<Session> {
        let http = client(Duration::from_secs(180))?;
        let value = request(
            &http,
            reqwest::Method::POST,
            &format!("{driver_url}/session"),
            Some(json!({ "capabilities": { "alwaysMatch": capabilities } })),
        )
        .await
        .context("creating the WebDriver session")?;
        let id = value["sessionId"]
            .as_str()
            .with_context(|| format!("unexpected new-session reply: {value}"))?
            .to_owned();
        Ok(Session {
            http,
            base: driver_url.to_owned(),
            id,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.id)
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        request(
            &self.http,
            reqwest::Method::POST,
            &self.url(path),
            Some(body),
        )
        .await
    }

    /// Sets how long an asynchronous script may run before the driver gives up.
    pub async fn set_script_timeout(&self, timeout: Duration) -> anyhow::Result<()> {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.post("/timeouts", json!({ "script": ms })).await?;
        Ok(())
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub async fn execute(&self, script: &str, args: Value) -> anyhow::Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Runs `script` and waits for it to call its last argument with the result.
    pub async fn execute_async(&self, script: &str, args: Value) -> anyhow::Result<Value> {
        self.post("/execute/async", json!({ "script": script, "args": args }))
            .await
    }

    /// Moves the window to the top left corner and sizes it (CSS pixels).
    pub async fn set_window_rect(&self, width: u32, height: u32) -> anyhow::Result<Value> {
        self.post(
            "/window/rect",
            json!({ "x": 0, "y": 0, "width": width, "height": height }),
        )
        .await
    }

    /// PNG screenshot of the web view.
    pub async fn screenshot(&self) -> anyhow::Result<Vec<u8>> {
        let value = request(
            &self.http,
            reqwest::Method::GET,
            &self.url("/screenshot"),
            None,
        )
        .await?;
        let data = value
            .as_str()
            .context("the screenshot reply is not base64 text")?;
        Ok(base64::engine::general_purpose::STANDARD.decode(data)?)
    }

    /// Ends the session, which closes the application's window.
    pub async fn close(self) -> anyhow::Result<()> {
        request(&self.http, reqwest::Method::DELETE, &self.url(""), None).await?;
        Ok(())
    }
}
