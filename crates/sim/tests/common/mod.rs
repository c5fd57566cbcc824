//! Helpers shared by the simulator's integration tests: a raw reqwest client
//! that speaks to the ConnectWise simulator with chosen credentials.

#![allow(dead_code)]

use base64::Engine;
use bridge_sim::cw::{self, CwSeed, CwSim};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

/// Basic credentials `company+user:secret`.
pub fn basic(company: &str, user: &str, secret: &str) -> String {
    let raw = format!("{company}+{user}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// A simulator with the demo seed and a client using the demo API member.
pub struct Cw {
    pub sim: CwSim,
    pub http: reqwest::Client,
    pub auth: String,
}

impl Cw {
    pub async fn demo() -> Cw {
        Cw::with_seed(CwSeed::demo()).await
    }

    pub async fn with_seed(seed: CwSeed) -> Cw {
        let sim = CwSim::start(seed).await.expect("simulator starts");
        Cw {
            sim,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .expect("client"),
            auth: basic(cw::DEMO_COMPANY, cw::DEMO_PUBLIC_KEY, cw::DEMO_PRIVATE_KEY),
        }
    }

    /// `…/apis/3.0{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sim.api_url(), path)
    }

    /// A request with clientId and the current auth.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("clientId", cw::DEMO_CLIENT_ID)
            .header("Authorization", &self.auth)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.req(Method::GET, path).send().await.expect("response")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.req(Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("response")
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.req(Method::PATCH, path)
            .json(body)
            .send()
            .await
            .expect("response")
    }

    /// Creates a minimal valid ticket on Service Desk for Acme; returns it.
    pub async fn create_ticket(&self, summary: &str) -> Value {
        let r = self
            .post("/service/tickets", &minimal_ticket(summary))
            .await;
        assert_eq!(r.status(), 201, "create failed");
        r.json().await.expect("json")
    }
}

/// A valid create body.
pub fn minimal_ticket(summary: &str) -> Value {
    serde_json::json!({
        "summary": summary,
        "recordType": "ServiceTicket",
        "board": {"id": cw::DEMO_SERVICE_BOARD_ID},
        "company": {"id": cw::DEMO_ACME_ID},
        "externalXRef": format!("bkp:{summary}"),
        "initialDescription": "details",
        "processNotifications": false,
    })
}

/// Status and parsed body.
pub async fn status_json(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    };
    (status, body)
}

impl Cw {
    /// Creates a ticket from `body`; asserts 201 and returns it.
    pub async fn create_ticket_with(&self, body: &Value) -> Value {
        let r = self.post("/service/tickets", body).await;
        let (status, ticket) = status_json(r).await;
        assert_eq!(status, 201, "create failed: {ticket}");
        ticket
    }
}
