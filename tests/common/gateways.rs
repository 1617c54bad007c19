//! Stand-ins for the payment gateways, written from their published formats, for the tests of
//! online payment and of the customer portal:
//!
//! - Midtrans Snap `POST /snap/v1/transactions` (docs.midtrans.com/reference/backend-integration),
//!   HTTP notifications signed with `signature_key` = SHA-512 of order_id + status_code +
//!   gross_amount + server key (docs.midtrans.com/reference/handle-notifications), and
//!   `GET /v2/{order_id}/status` (docs.midtrans.com/reference/get-transaction-status);
//! - Xendit `POST /v2/invoices` and `GET /v2/invoices/{id}` (docs.xendit.co/apidocs/create-invoice),
//!   callbacks with the static `x-callback-token` and a `webhook-id` per delivery
//!   (docs.xendit.co/webhook/delivery-attempts-and-retries).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::{get, post};
use mikronet::storage::Backend;
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use super::{Resp, TestApp};

pub const SERVER_KEY: &str = "SB-Mid-server-test-key";
pub const XENDIT_KEY: &str = "xnd_development_test_key";
pub const CALLBACK_TOKEN: &str = "callback-token-0123456789abcdef";

/// A Xendit invoice as the stand-in keeps it: (external_id, status, paid_amount).
pub type XenditInvoice = (String, String, i64);

/// What the stand-ins were asked, and what their status APIs answer.
#[derive(Clone, Default)]
pub struct Gateways {
    /// Bodies of payments created, in order.
    pub created: Arc<Mutex<Vec<Value>>>,
    /// Midtrans: order id → (transaction_status, gross_amount).
    pub midtrans: Arc<Mutex<HashMap<String, (String, String)>>>,
    /// Xendit: invoice id → (external_id, status, paid_amount).
    pub xendit: Arc<Mutex<HashMap<String, XenditInvoice>>>,
    /// How long Snap takes to create a payment (a slow gateway).
    pub snap_delay: Arc<Mutex<std::time::Duration>>,
}

pub fn basic_ok(headers: &HeaderMap, key: &str) -> bool {
    use base64::Engine;
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    );
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(want.as_str())
}

impl Gateways {
    pub async fn start(&self) -> String {
        let app = axum::Router::new()
            .route("/snap/v1/transactions", post(snap_create))
            .route("/v2/{order}/status", get(midtrans_status))
            .route("/v2/invoices", post(xendit_create))
            .route("/v2/invoices/{id}", get(xendit_get))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    pub fn set_midtrans(&self, order: &str, status: &str, gross: &str) {
        self.midtrans
            .lock()
            .unwrap()
            .insert(order.into(), (status.into(), gross.into()));
    }
}

pub async fn snap_create(
    State(g): State<Gateways>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    if !basic_ok(&headers, SERVER_KEY) {
        return (
            StatusCode::UNAUTHORIZED,
            json!({"error_messages": ["Access denied"]}).to_string(),
        );
    }
    let delay = *g.snap_delay.lock().unwrap();
    tokio::time::sleep(delay).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let order = v["transaction_details"]["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let gross = format!("{}.00", v["transaction_details"]["gross_amount"]);
    g.set_midtrans(&order, "pending", &gross);
    g.created.lock().unwrap().push(v);
    let token = format!("tok-{order}");
    (
        StatusCode::CREATED,
        json!({"token": token, "redirect_url": format!("https://app.sandbox.midtrans.com/snap/v4/redirection/{token}")})
            .to_string(),
    )
}

pub async fn midtrans_status(
    State(g): State<Gateways>,
    Path(order): Path<String>,
    headers: HeaderMap,
) -> (StatusCode, String) {
    if !basic_ok(&headers, SERVER_KEY) {
        return (StatusCode::UNAUTHORIZED, "{}".into());
    }
    match g.midtrans.lock().unwrap().get(&order) {
        Some((status, gross)) => (
            StatusCode::OK,
            json!({"status_code": "200", "order_id": order, "transaction_status": status,
                   "fraud_status": "accept", "gross_amount": gross, "currency": "IDR",
                   "transaction_id": format!("trx-{order}"), "payment_type": "qris"})
            .to_string(),
        ),
        None => (
            StatusCode::NOT_FOUND,
            json!({"status_code": "404", "status_message": "Transaction doesn't exist."})
                .to_string(),
        ),
    }
}

pub async fn xendit_create(
    State(g): State<Gateways>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    if !basic_ok(&headers, XENDIT_KEY) {
        return (StatusCode::UNAUTHORIZED, "{}".into());
    }
    let v: Value = serde_json::from_str(&body).unwrap();
    let external = v["external_id"].as_str().unwrap().to_owned();
    let id = format!("inv-{external}");
    g.xendit
        .lock()
        .unwrap()
        .insert(id.clone(), (external.clone(), "PENDING".into(), 0));
    g.created.lock().unwrap().push(v.clone());
    (
        StatusCode::OK,
        json!({"id": id, "external_id": external, "status": "PENDING", "amount": v["amount"],
               "currency": "IDR", "invoice_url": format!("https://checkout-staging.xendit.co/web/{id}")})
        .to_string(),
    )
}

pub async fn xendit_get(
    State(g): State<Gateways>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> (StatusCode, String) {
    if !basic_ok(&headers, XENDIT_KEY) {
        return (StatusCode::UNAUTHORIZED, "{}".into());
    }
    match g.xendit.lock().unwrap().get(&id) {
        Some((external, status, paid)) => (
            StatusCode::OK,
            json!({"id": id, "external_id": external, "status": status, "paid_amount": paid, "currency": "IDR"})
                .to_string(),
        ),
        None => (StatusCode::NOT_FOUND, "{}".into()),
    }
}

pub async fn app_with(backend: Backend, gateways: &Gateways) -> Option<TestApp> {
    app_with_config(backend, gateways, |_| {}).await
}

/// [`app_with`], with more of the configuration changed by `tweak`.
pub async fn app_with_config(
    backend: Backend,
    gateways: &Gateways,
    tweak: impl FnOnce(&mut mikronet::config::Config),
) -> Option<TestApp> {
    let base = gateways.start().await;
    TestApp::with_config(backend, move |c| {
        tweak(c);
        c.midtrans_server_key = SERVER_KEY.into();
        c.midtrans_snap_url = base.clone();
        c.midtrans_api_url = base.clone();
        c.xendit_secret_key = XENDIT_KEY.into();
        c.xendit_callback_token = CALLBACK_TOKEN.into();
        c.xendit_api_url = base;
        // Where the gateways send clients back (never the listen address).
        c.public_url = "https://billing.example.net".into();
    })
    .await
}

/// A Midtrans notification signed as Midtrans signs it, with `key`.
pub fn notification(order: &str, status: &str, gross: &str, key: &str) -> String {
    let signature = hex::encode(Sha512::digest(format!("{order}200{gross}{key}").as_bytes()));
    json!({"order_id": order, "status_code": "200", "gross_amount": gross,
           "transaction_status": status, "fraud_status": "accept", "payment_type": "qris",
           "transaction_id": format!("trx-{order}"), "signature_key": signature})
    .to_string()
}

pub async fn notify_midtrans(app: &TestApp, body: &str) -> Resp {
    app.post("/payments/notify/midtrans", None, body).await
}

pub async fn notify_xendit(app: &TestApp, token: &str, delivery: &str, body: Value) -> Resp {
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/payments/notify/xendit")
        .header("content-type", "application/json")
        .header("x-callback-token", token)
        .header("webhook-id", delivery)
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}
