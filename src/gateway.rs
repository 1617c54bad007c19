//! The payment gateways' HTTP APIs: creating a payment for an attempt, and asking for its
//! status (to confirm a notification, and for the attempts whose notification never came).
//! Base URLs are configured (sandbox, production, or a stand-in in tests); keys travel in
//! `Authorization` only and are never logged or recorded.
//!
//! - Midtrans Snap: `POST {snap}/snap/v1/transactions` with the server key as HTTP Basic user
//!   (<https://docs.midtrans.com/reference/backend-integration>), answered 201 with `token` and
//!   `redirect_url`; `GET {api}/v2/{order_id}/status`
//!   (<https://docs.midtrans.com/reference/get-transaction-status>).
//! - Xendit invoices: `POST {api}/v2/invoices` with the secret key as HTTP Basic user
//!   (<https://docs.xendit.co/apidocs/create-invoice>), answered with `id`, `invoice_url` and
//!   `status`; `GET {api}/v2/invoices/{id}` (<https://docs.xendit.co/apidocs/get-invoice>).

use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::domain::billing::online::{
    Gateway, Reported, gateway_amount, midtrans_reported, xendit_amount, xendit_reported,
};
use crate::domain::money::Money;

/// How long one gateway request may take.
/// How long a request to a gateway may take.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// Midtrans's keys and hosts.
#[derive(Debug, Clone)]
pub struct Midtrans {
    pub server_key: String,
    /// `https://app.sandbox.midtrans.com` or `https://app.midtrans.com`.
    pub snap_url: String,
    /// `https://api.sandbox.midtrans.com` or `https://api.midtrans.com`.
    pub api_url: String,
}

/// Xendit's keys and host.
#[derive(Debug, Clone)]
pub struct Xendit {
    pub secret_key: String,
    /// The static token Xendit sends in `x-callback-token`.
    pub callback_token: String,
    /// `https://api.xendit.co`.
    pub api_url: String,
}

/// The gateways configured.
pub struct Gateways {
    pub midtrans: Option<Midtrans>,
    pub xendit: Option<Xendit>,
    http: reqwest::Client,
}

/// What a payment at a gateway is for.
#[derive(Debug, Clone)]
pub struct Order {
    pub order_id: String,
    /// Whole units (rupiah): the gateways take no sen.
    pub amount: i64,
    pub currency: String,
    pub description: String,
    pub customer_name: String,
    pub customer_phone: String,
    /// Where the gateway's page sends the client back when they are done (the portal's page of
    /// the invoice): Snap's `callbacks.finish`, Xendit's `success_redirect_url` and
    /// `failure_redirect_url`. `None` without `public_url` (the server's own listen address is
    /// no place to send a client's phone): the gateway's own finish page then.
    pub return_url: Option<String>,
}

/// A gateway's answer, with what was sent (no key in it) for the record.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: String,
    pub answer: String,
}

/// A payment created at the gateway.
#[derive(Debug, Clone)]
pub struct Created {
    pub gateway_ref: Option<String>,
    pub pay_url: Option<String>,
    pub exchange: Exchange,
}

/// A payment's status as the gateway reports it.
#[derive(Debug, Clone)]
pub struct Status {
    pub reported: Reported,
    pub amount: Option<Money>,
    pub currency: Option<String>,
    /// The gateway's transaction id, kept as the payment's reference.
    pub reference: Option<String>,
    pub exchange: Exchange,
}

/// A request that failed: why, and what was exchanged.
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: String,
    pub exchange: Exchange,
}

impl Failure {
    /// A request that could not even be made here (nothing was exchanged).
    fn here(error: impl Into<String>) -> Failure {
        Failure {
            error: error.into(),
            exchange: Exchange {
                request: String::new(),
                answer: String::new(),
            },
        }
    }
}

/// The HTTP client of every call out of this process to a gateway (payments, WhatsApp):
/// rustls with the built-in roots, `timeout` per request, the program's name as user agent.
pub fn http_client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("mikronet/", env!("CARGO_PKG_VERSION")))
        .build()
}

fn basic(key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    )
}

impl Gateways {
    pub fn new(midtrans: Option<Midtrans>, xendit: Option<Xendit>) -> anyhow::Result<Gateways> {
        let http = http_client(TIMEOUT)?;
        Ok(Gateways {
            midtrans,
            xendit,
            http,
        })
    }

    /// The gateways a client can pay through.
    pub fn available(&self) -> Vec<Gateway> {
        let mut out = Vec::new();
        if self.midtrans.is_some() {
            out.push(Gateway::Midtrans);
        }
        if self.xendit.is_some() {
            out.push(Gateway::Xendit);
        }
        out
    }

    /// One JSON request: the answer's status and body, or why there was none.
    async fn call(
        &self,
        method: reqwest::Method,
        url: &str,
        key: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value, Exchange), Failure> {
        let request = format!(
            "{method} {url}{}",
            body.map(|b| format!(" {b}")).unwrap_or_default()
        );
        let mut req = self
            .http
            .request(method, url)
            .header(reqwest::header::AUTHORIZATION, basic(key))
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_string());
        }
        let failed = |error: String, answer: String| Failure {
            error,
            exchange: Exchange {
                request: request.clone(),
                answer,
            },
        };
        let res = req.send().await.map_err(|e| {
            failed(
                format!("cannot reach the gateway: {}", e.without_url()),
                String::new(),
            )
        })?;
        let status = res.status().as_u16();
        let text = res.text().await.map_err(|e| {
            failed(
                format!("HTTP {status}, answer cut off: {}", e.without_url()),
                String::new(),
            )
        })?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|_| failed(format!("HTTP {status}, not JSON"), text.clone()))?;
        if !(200..300).contains(&status) {
            return Err(failed(format!("HTTP {status}"), text));
        }
        Ok((
            status,
            value,
            Exchange {
                request: request.clone(),
                answer: text,
            },
        ))
    }

    /// Creates the payment at `gateway`.
    pub async fn create(&self, gateway: Gateway, o: &Order) -> Result<Created, Failure> {
        let missing = || Failure::here(format!("{} is not configured", gateway.as_str()));
        match gateway {
            Gateway::Midtrans => {
                let m = self.midtrans.as_ref().ok_or_else(missing)?;
                let mut body = json!({
                    "transaction_details": {"order_id": o.order_id, "gross_amount": o.amount},
                    "customer_details": {"first_name": o.customer_name, "phone": o.customer_phone},
                    "item_details": [{"id": o.order_id, "price": o.amount, "quantity": 1,
                                      "name": o.description.chars().take(50).collect::<String>()}],
                });
                if let Some(url) = &o.return_url {
                    body["callbacks"] = json!({ "finish": url });
                }
                let url = format!("{}/snap/v1/transactions", m.snap_url);
                let (_, v, exchange) = self
                    .call(reqwest::Method::POST, &url, &m.server_key, Some(&body))
                    .await?;
                Ok(Created {
                    gateway_ref: v["token"].as_str().map(str::to_owned),
                    pay_url: v["redirect_url"].as_str().map(str::to_owned),
                    exchange,
                })
            }
            Gateway::Xendit => {
                let x = self.xendit.as_ref().ok_or_else(missing)?;
                let mut body = json!({
                    "external_id": o.order_id,
                    "amount": o.amount,
                    "currency": o.currency,
                    "description": o.description,
                    "customer": {"given_names": o.customer_name, "mobile_number": o.customer_phone},
                });
                if let Some(url) = &o.return_url {
                    body["success_redirect_url"] = json!(url);
                    body["failure_redirect_url"] = json!(url);
                }
                let url = format!("{}/v2/invoices", x.api_url);
                let (_, v, exchange) = self
                    .call(reqwest::Method::POST, &url, &x.secret_key, Some(&body))
                    .await?;
                Ok(Created {
                    gateway_ref: v["id"].as_str().map(str::to_owned),
                    pay_url: v["invoice_url"].as_str().map(str::to_owned),
                    exchange,
                })
            }
        }
    }

    /// Asks `gateway` where the payment stands: by order id (Midtrans) or by the gateway's
    /// invoice id (Xendit).
    pub async fn status(
        &self,
        gateway: Gateway,
        order_id: &str,
        gateway_ref: Option<&str>,
    ) -> Result<Status, Failure> {
        let missing = Failure::here;
        match gateway {
            Gateway::Midtrans => {
                let m = self
                    .midtrans
                    .as_ref()
                    .ok_or_else(|| missing("midtrans is not configured"))?;
                let url = format!("{}/v2/{order_id}/status", m.api_url);
                let (_, v, exchange) = self
                    .call(reqwest::Method::GET, &url, &m.server_key, None)
                    .await?;
                Ok(Status {
                    reported: midtrans_reported(
                        v["transaction_status"].as_str().unwrap_or(""),
                        v["fraud_status"].as_str(),
                    ),
                    amount: gateway_amount(&v["gross_amount"]),
                    currency: v["currency"].as_str().map(str::to_owned),
                    reference: v["transaction_id"].as_str().map(str::to_owned),
                    exchange,
                })
            }
            Gateway::Xendit => {
                let x = self
                    .xendit
                    .as_ref()
                    .ok_or_else(|| missing("xendit is not configured"))?;
                let id = gateway_ref.ok_or_else(|| missing("the Xendit invoice id is unknown"))?;
                let url = format!("{}/v2/invoices/{id}", x.api_url);
                let (_, v, exchange) = self
                    .call(reqwest::Method::GET, &url, &x.secret_key, None)
                    .await?;
                Ok(Status {
                    reported: xendit_reported(v["status"].as_str().unwrap_or("")),
                    amount: xendit_amount(&v["paid_amount"], &v["amount"]),
                    currency: v["currency"].as_str().map(str::to_owned),
                    reference: v["id"].as_str().map(str::to_owned),
                    exchange,
                })
            }
        }
    }
}
