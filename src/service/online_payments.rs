//! Paying an invoice online: an attempt is created at a gateway (Midtrans, Xendit) and the
//! client pays on the gateway's page; the gateway's notification, verified (Midtrans's
//! signature, confirmed by its status API; Xendit's callback token), applies the payment
//! through the same `payments::record_tx` as a cashier's, so the invoice is paid, the
//! subscription renewed and a suspended client's router change queued in one transaction. A
//! repeated, late or out-of-order notification changes nothing; one for an unknown order, with
//! a forged signature or token, or for another amount or currency is refused and recorded. A
//! poller asks the gateway about attempts still pending (a notification that never came).
//! Every exchange is recorded in `gateway_events`, for disputes.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{AppError, billing, payments, require};
use crate::app::App;
use crate::domain::billing::online::{
    AttemptStatus, Gateway, Reported, midtrans_signature, next_poll, order_id, whole_amount,
    xendit_amount,
};
use crate::domain::ids::{ClientId, InvoiceId};
use crate::domain::user::{Actor, Role};
use crate::domain::validation::FieldErrors;
use crate::gateway::{Exchange, Order, Status};
use crate::security::constant_time_eq;
use crate::storage::repo::online::{self as repo, Attempt, GatewayEvent};
use crate::storage::repo::{clients, invoices};
use crate::storage::{Exec, StoreError};
use crate::tx;

/// What became of a notification or status answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The payment was recorded (or the attempt failed, as the gateway said).
    Applied(String),
    /// Nothing to do: a repeat, a late word on a settled attempt, still pending.
    Ignored(String),
    /// Not believed, or not what was asked: nothing changed.
    Refused(String),
}

impl Verdict {
    pub fn text(&self) -> &str {
        match self {
            Verdict::Applied(t) | Verdict::Ignored(t) | Verdict::Refused(t) => t,
        }
    }
}

/// The most of a request or answer kept: anyone can post to the notification routes, so what
/// is kept of a refused one must stay small.
const KEPT: usize = 4096;

fn kept(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.chars().take(KEPT).collect())
}

fn event(
    attempt: Option<i64>,
    gateway: Gateway,
    kind: &str,
    exchange: &Exchange,
    delivery_id: Option<&str>,
    verdict: &str,
) -> GatewayEvent {
    GatewayEvent {
        online_payment_id: attempt,
        gateway,
        kind: kind.to_owned(),
        delivery_id: delivery_id.map(str::to_owned),
        request: kept(&exchange.request),
        answer: kept(&exchange.answer),
        verdict: verdict.chars().take(255).collect(),
        at: Utc::now(),
    }
}

/// Starts paying `invoice` through `gateway` (admin, operator, cashier; the client's portal
/// later): what is still owed, in whole rupiah. Returns the attempt with the gateway's
/// payment page.
pub async fn start(
    app: &App,
    actor: &Actor,
    invoice: InvoiceId,
    gateway: Gateway,
) -> Result<Attempt, AppError> {
    require(
        actor,
        Role::records_payments,
        "this role may not take payments",
    )?;
    start_as(app, &actor.username, None, invoice, gateway).await
}

/// [`start`] by `by` (a user, or a client in the portal: then `client` is theirs, and an
/// invoice of anyone else's is not found).
pub async fn start_as(
    app: &App,
    by: &str,
    client: Option<ClientId>,
    invoice: InvoiceId,
    gateway: Gateway,
) -> Result<Attempt, AppError> {
    if !app.gateways.available().contains(&gateway) {
        return Err(FieldErrors::single("gateway", "is not configured on this server").into());
    }
    let currency = app.settings().currency.clone();
    let creator: String = by.chars().take(64).collect();
    let return_url = (!app.config.public_url.trim().is_empty())
        .then(|| format!("{}/portal/invoices/{invoice}", app.config.public_base()));
    let begun = tx!(app, write, |ex| async move {
        let inv = invoices::get_for_update(ex, invoice)
            .await?
            .filter(|i| client.is_none_or(|c| c == i.client_id))
            .ok_or_else(|| AppError::NotFound(format!("invoice {invoice}")))?;
        if !inv.status.is_open() {
            return Err(FieldErrors::single("invoice_id", "the invoice is not open").into());
        }
        // One payment page at a time: paying two would pay the invoice twice. One still being
        // created (a second click while the gateway answers the first) counts too, for as
        // long as the gateway may take; one left behind by a crash no longer does.
        let in_flight = chrono::Duration::from_std(crate::gateway::TIMEOUT * 2)
            .unwrap_or(chrono::Duration::MAX);
        let now = Utc::now();
        if let Some(open) = repo::of_invoice(ex, invoice).await?.into_iter().find(|a| {
            a.status == AttemptStatus::Pending
                && (a.pay_url.is_some() || now - a.created_at < in_flight)
        }) {
            return Ok(Err(open));
        }
        // What the client owes, less payments waiting to clear (a bank transfer).
        let reserved = crate::storage::repo::payments::pending_total(ex, invoice).await?;
        let amount = inv
            .outstanding()
            .checked_sub(reserved)
            .unwrap_or(crate::domain::money::Money::ZERO);
        let Some(whole) = whole_amount(amount) else {
            return Err(FieldErrors::single(
                "amount",
                "gateways take whole rupiah, and more than nothing; the amount owed has sen or is \
                 waiting for a payment to clear",
            )
            .into());
        };
        let client = clients::get(ex, inv.client_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("client {}", inv.client_id)))?;
        let mut a = Attempt {
            id: 0,
            invoice_id: invoice,
            client_id: inv.client_id,
            gateway,
            order_id: format!("new-{}", uuid::Uuid::new_v4().simple()),
            amount,
            currency: currency.clone(),
            status: AttemptStatus::Pending,
            gateway_ref: None,
            pay_url: None,
            payment_id: None,
            polls: 0,
            next_poll_at: None,
            created_by: creator,
            created_at: now,
        };
        a.id = repo::insert(ex, &a, now).await?;
        let nonce = &uuid::Uuid::new_v4().simple().to_string()[..6];
        a.order_id = order_id(invoice.0, a.id, nonce);
        repo::set_order(ex, a.id, &a.order_id).await?;
        let order = Order {
            order_id: a.order_id.clone(),
            amount: whole,
            currency,
            description: format!("Invoice {}", inv.number()),
            customer_name: client.name,
            customer_phone: client.phone_number,
            return_url,
        };
        Ok::<_, AppError>(Ok((a, order)))
    })
    .await?;
    let (attempt, order) = match begun {
        Ok(begun) => begun,
        Err(open) => return Ok(open),
    };
    let created = app.gateways.create(gateway, &order).await;
    let id = attempt.id;
    let answer = tx!(app, write, |ex| async move {
        let now = Utc::now();
        match created {
            Ok(c) => {
                let first_poll = now + chrono::Duration::minutes(1);
                repo::set_created(
                    ex,
                    id,
                    c.gateway_ref.as_deref(),
                    c.pay_url.as_deref(),
                    first_poll,
                    now,
                )
                .await?;
                repo::record(
                    ex,
                    &event(Some(id), gateway, "create", &c.exchange, None, "created"),
                )
                .await?;
                Ok::<_, StoreError>(Ok(()))
            }
            Err(f) => {
                repo::settle(ex, id, AttemptStatus::Failed, None, now).await?;
                let verdict = format!("not created: {}", f.error);
                repo::record(
                    ex,
                    &event(Some(id), gateway, "create", &f.exchange, None, &verdict),
                )
                .await?;
                Ok(Err(f.error))
            }
        }
    })
    .await?;
    if let Err(e) = answer {
        return Err(AppError::GatewayUnavailable(format!(
            "{} could not create the payment: {e}",
            gateway.as_str()
        )));
    }
    tracing::info!(%invoice, attempt = id, gateway = gateway.as_str(), by = %by, "online payment started");
    tx!(app, read, |ex| repo::get(ex, id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("online payment {id}")))
}

/// An invoice's attempts, newest first.
pub async fn of_invoice(app: &App, invoice: InvoiceId) -> Result<Vec<Attempt>, AppError> {
    tx!(app, read, |ex| repo::of_invoice(ex, invoice)).await
}

/// An attempt and every exchange with the gateway about it.
pub async fn get(app: &App, id: i64) -> Result<(Attempt, Vec<GatewayEvent>), AppError> {
    tx!(app, read, |ex| async move {
        let a = repo::get(ex, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("online payment {id}")))?;
        let events = repo::events_of(ex, id).await?;
        Ok::<_, AppError>((a, events))
    })
    .await
}

/// Applies what a gateway reports of `order_id`, once: under the attempt's lock, a settled
/// attempt is left as it is; a payment is recorded only for the amount and currency asked.
async fn apply(
    app: &App,
    gateway: Gateway,
    order: String,
    status: Status,
    kind: &'static str,
    delivery_id: Option<String>,
) -> Result<Verdict, AppError> {
    let rule = billing::grace_rule(app);
    let today = app.today();
    let verdict = tx!(app, write, |ex| async move {
        let (verdict, attempt) = apply_tx(ex, gateway, &order, &status, rule, today).await?;
        repo::record(
            ex,
            &event(
                attempt,
                gateway,
                kind,
                &status.exchange,
                delivery_id.as_deref(),
                verdict.text(),
            ),
        )
        .await?;
        Ok::<_, AppError>(verdict)
    })
    .await?;
    if matches!(verdict, Verdict::Applied(_)) {
        app.jobs_ready.notify_one();
        app.messages_ready.notify_one();
    }
    tracing::info!(
        gateway = gateway.as_str(),
        kind,
        verdict = verdict.text(),
        "gateway report"
    );
    Ok(verdict)
}

async fn apply_tx(
    ex: &mut dyn Exec,
    gateway: Gateway,
    order: &str,
    status: &Status,
    rule: crate::domain::billing::collection::GraceRule,
    today: chrono::NaiveDate,
) -> Result<(Verdict, Option<i64>), AppError> {
    let Some(a) = repo::by_order(ex, order, true).await? else {
        return Ok((Verdict::Refused(format!("unknown order {order}")), None));
    };
    let verdict = decide_tx(ex, gateway, order, status, rule, today, &a).await?;
    Ok((verdict, Some(a.id)))
}

/// What a report means for the locked attempt `a`, and its effect.
async fn decide_tx(
    ex: &mut dyn Exec,
    gateway: Gateway,
    order: &str,
    status: &Status,
    rule: crate::domain::billing::collection::GraceRule,
    today: chrono::NaiveDate,
    a: &Attempt,
) -> Result<Verdict, AppError> {
    if a.gateway != gateway {
        return Ok(Verdict::Refused(format!(
            "order {order} belongs to {}",
            a.gateway.as_str()
        )));
    }
    // Paid is final; a failed attempt may still be paid (a card retried after a refusal, a
    // payment after the poller gave up): the payment path refuses paying an invoice twice.
    let settled = match a.status {
        AttemptStatus::Paid => true,
        AttemptStatus::Failed => status.reported != Reported::Paid,
        AttemptStatus::Pending => false,
    };
    if settled {
        return Ok(Verdict::Ignored(format!("already {}", a.status.as_str())));
    }
    let now = Utc::now();
    match status.reported {
        Reported::Pending => Ok(Verdict::Ignored("still pending".into())),
        Reported::Failed => {
            repo::settle(ex, a.id, AttemptStatus::Failed, None, now).await?;
            Ok(Verdict::Applied("failed at the gateway".into()))
        }
        Reported::Paid => {
            if status.amount != Some(a.amount) {
                return Ok(Verdict::Refused(format!(
                    "amount {:?} is not the {} asked",
                    status.amount.map(|m| m.to_string()),
                    a.amount
                )));
            }
            if status.currency.as_deref().is_some_and(|c| c != a.currency) {
                return Ok(Verdict::Refused(format!(
                    "currency {:?} is not the {} asked",
                    status.currency, a.currency
                )));
            }
            let checked = payments::Checked::from_gateway(
                a.amount,
                today,
                gateway.as_str(),
                status
                    .reference
                    .clone()
                    .or_else(|| Some(a.order_id.clone())),
            );
            let actor = format!("gateway:{}", gateway.as_str());
            match payments::record_tx(ex, a.invoice_id, &checked, &actor, rule).await {
                Ok(r) => {
                    repo::settle(ex, a.id, AttemptStatus::Paid, Some(r.payment.id), now).await?;
                    Ok(Verdict::Applied(format!("paid: payment {}", r.payment.id)))
                }
                // Paid at the counter meanwhile (or voided): the money came twice.
                Err(AppError::Validation(e)) => {
                    repo::settle(ex, a.id, AttemptStatus::Paid, None, now).await?;
                    let why = e.0.values().cloned().collect::<Vec<_>>().join("; ");
                    tracing::error!(
                        order, invoice = %a.invoice_id, %why,
                        "money received at the gateway could not be applied: refund or credit it by hand"
                    );
                    Ok(Verdict::Applied(format!(
                        "paid at the gateway, not applied ({why}): refund or credit it by hand"
                    )))
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// The body of a Midtrans HTTP notification, as far as it is read
/// (docs.midtrans.com/docs/https-notification-webhooks).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"order_id": "MN-1-1", "status_code": "200", "gross_amount": "150000.00", "transaction_status": "settlement", "fraud_status": "accept", "transaction_id": "9aed5972-5b6a-401e-894b-a32c91ed1a3a", "payment_type": "qris", "signature_key": "d0875a54…"}))]
pub struct MidtransNotification {
    #[serde(default)]
    pub order_id: String,
    #[serde(default)]
    pub status_code: String,
    /// As sent (`"150000.00"`): the signature covers this text.
    #[serde(default)]
    #[schema(value_type = String)]
    pub gross_amount: serde_json::Value,
    #[serde(default)]
    pub signature_key: String,
    #[serde(default)]
    pub transaction_status: String,
}

/// A notification and the status request that confirmed it, as one exchange.
fn after_notification(notification: &str, confirm: Exchange) -> Exchange {
    Exchange {
        request: format!("notification {notification}; then {}", confirm.request),
        answer: confirm.answer,
    }
}

/// A Midtrans notification: refused unless its `signature_key` is right; then the status is
/// asked of Midtrans itself (the notification is only a hint) and applied.
pub async fn midtrans_notification(app: &App, body: &[u8]) -> Result<Verdict, AppError> {
    let gw = Gateway::Midtrans;
    let Some(m) = app.gateways.midtrans.clone() else {
        return Err(AppError::NotFound("the midtrans gateway".into()));
    };
    let raw = String::from_utf8_lossy(body).into_owned();
    let received = Exchange {
        request: raw.clone(),
        answer: String::new(),
    };
    let n: MidtransNotification = match serde_json::from_slice(body) {
        Ok(n) => n,
        Err(_) => return Ok(refuse(gw, None, "not a notification")),
    };
    let gross = match &n.gross_amount {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let expected = midtrans_signature(&n.order_id, &n.status_code, &gross, &m.server_key);
    if !constant_time_eq(expected.as_bytes(), n.signature_key.as_bytes()) {
        return Ok(refuse(gw, Some(&n.order_id), "bad signature_key"));
    }
    // Midtrans is asked only about orders this server made.
    let order = n.order_id.clone();
    let Some(known) = tx!(app, read, |ex| repo::by_order(ex, &order, false)).await? else {
        return unknown(app, gw, received, &n.order_id).await;
    };
    let status = match app.gateways.status(gw, &n.order_id, None).await {
        Ok(s) => s,
        Err(f) => {
            // Recorded, and answered 502: Midtrans sends the notification again.
            let why = format!("notification believed, status not confirmed: {}", f.error);
            let exchange = after_notification(&raw, f.exchange);
            let e = event(Some(known.id), gw, "notification", &exchange, None, &why);
            tx!(app, write, |ex| repo::record(ex, &e)).await?;
            return Err(AppError::GatewayUnavailable(format!(
                "midtrans status for {}: {}",
                n.order_id, f.error
            )));
        }
    };
    let status = Status {
        exchange: after_notification(&raw, status.exchange.clone()),
        ..status
    };
    apply(app, gw, n.order_id, status, "notification", None).await
}

/// The body of a Xendit invoice callback, as far as it is read
/// (docs.xendit.co/apidocs/invoice-callback).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "579c8d61f23fa4ca35e52da4", "external_id": "MN-1-1", "status": "PAID", "amount": 150000, "paid_amount": 150000, "currency": "IDR", "payment_method": "BANK_TRANSFER"}))]
pub struct XenditCallback {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub external_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub paid_amount: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub amount: serde_json::Value,
    #[serde(default)]
    pub currency: Option<String>,
}

/// A Xendit callback: refused unless `x-callback-token` is the configured token; a delivery
/// (`webhook-id`) seen before is ignored; then applied.
pub async fn xendit_callback(
    app: &App,
    token: Option<&str>,
    webhook_id: Option<&str>,
    body: &[u8],
) -> Result<Verdict, AppError> {
    let gw = Gateway::Xendit;
    let Some(x) = app.gateways.xendit.clone() else {
        return Err(AppError::NotFound("the xendit gateway".into()));
    };
    let received = Exchange {
        request: String::from_utf8_lossy(body).into_owned(),
        answer: String::new(),
    };
    let delivery = webhook_id.map(str::to_owned);
    if !token.is_some_and(|t| constant_time_eq(t.as_bytes(), x.callback_token.as_bytes())) {
        return Ok(refuse(gw, None, "bad x-callback-token"));
    }
    let c: XenditCallback = match serde_json::from_slice(body) {
        Ok(c) => c,
        Err(_) => return Ok(refuse(gw, None, "not a callback")),
    };
    if let Some(d) = &delivery {
        let d2 = d.clone();
        if tx!(app, read, |ex| repo::delivery_seen(ex, gw, &d2)).await? {
            let v = Verdict::Ignored(format!("delivery {d} seen before"));
            let e = event(None, gw, "notification", &received, None, v.text());
            tx!(app, write, |ex| repo::record(ex, &e)).await?;
            return Ok(v);
        }
    }
    let status = Status {
        reported: crate::domain::billing::online::xendit_reported(&c.status),
        amount: xendit_amount(&c.paid_amount, &c.amount),
        currency: c.currency.clone(),
        reference: Some(c.id.clone()).filter(|i| !i.is_empty()),
        exchange: received,
    };
    apply(app, gw, c.external_id, status, "notification", delivery).await
}

/// A report that is not believed (no valid signature or token, not a notification): logged,
/// not stored, since anyone may post one; nothing is locked or written.
fn refuse(gateway: Gateway, order: Option<&str>, why: &str) -> Verdict {
    let verdict = format!("refused: {why}");
    tracing::warn!(gateway = gateway.as_str(), order = order.unwrap_or(""), %verdict, "gateway notification refused");
    Verdict::Refused(verdict)
}

/// Records a believed report for an order this server does not know, and says so.
async fn unknown(
    app: &App,
    gateway: Gateway,
    exchange: Exchange,
    order: &str,
) -> Result<Verdict, AppError> {
    let v = Verdict::Refused(format!("unknown order {order}"));
    let e = event(None, gateway, "notification", &exchange, None, v.text());
    tx!(app, write, |ex| repo::record(ex, &e)).await?;
    Ok(v)
}

/// One round of the poller at `now`: asks the gateway about each pending attempt whose
/// status request is due, and applies the answer. Returns how many were asked.
pub async fn poll_once(app: &App, now: DateTime<Utc>) -> Result<usize, AppError> {
    let due = tx!(app, read, |ex| repo::due_polls(ex, now, 50)).await?;
    let n = due.len();
    for a in due {
        match app
            .gateways
            .status(a.gateway, &a.order_id, a.gateway_ref.as_deref())
            .await
        {
            Ok(status) => {
                let verdict =
                    apply(app, a.gateway, a.order_id.clone(), status, "status", None).await?;
                if matches!(verdict, Verdict::Applied(_)) {
                    continue;
                }
            }
            Err(f) => {
                let e = event(Some(a.id), a.gateway, "status", &f.exchange, None, &f.error);
                if let Err(e) = tx!(app, write, |ex| repo::record(ex, &e)).await {
                    tracing::error!(attempt = a.id, error = %e, "recording a status request failed");
                }
            }
        }
        let next = next_poll(a.polls + 1, now - a.created_at).map(|d| now + d);
        let id = a.id;
        let rescheduled = tx!(app, write, |ex| async move {
            match next {
                Some(_) => repo::polled(ex, id, next, Utc::now()).await,
                None => repo::settle(ex, id, AttemptStatus::Failed, None, Utc::now()).await,
            }
        })
        .await;
        if let Err(e) = rescheduled {
            tracing::error!(attempt = a.id, error = %e, "rescheduling a status request failed");
        }
    }
    Ok(n)
}

/// Runs [`poll_once`] every 30 seconds while the server runs.
pub async fn poller(app: std::sync::Arc<App>) {
    loop {
        if let Err(e) = poll_once(&app, Utc::now()).await {
            tracing::error!(error = %e, "polling the payment gateways failed");
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
}
