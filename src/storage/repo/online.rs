//! Online payment attempts and the record of every exchange with a gateway. Every function
//! runs inside the caller's transaction.

use chrono::{DateTime, Utc};

use crate::domain::billing::online::{AttemptStatus, Gateway};
use crate::domain::ids::{ClientId, InvoiceId, PaymentId};
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, StoreError, Table};

/// One attempt to pay an invoice online.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Attempt {
    pub id: i64,
    pub invoice_id: InvoiceId,
    pub client_id: ClientId,
    pub gateway: Gateway,
    /// What the gateway knows the attempt by.
    pub order_id: String,
    pub amount: Money,
    #[schema(example = "IDR")]
    pub currency: String,
    pub status: AttemptStatus,
    /// The gateway's own id of the transaction or invoice.
    pub gateway_ref: Option<String>,
    /// Where the client pays.
    pub pay_url: Option<String>,
    /// The payment recorded when it was paid.
    pub payment_id: Option<PaymentId>,
    pub polls: u32,
    pub next_poll_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}
crate::table!(Attempt => "online_payments" as "op" {
    id,
    invoice_id,
    client_id,
    gateway,
    order_id,
    amount = "amount_minor",
    currency,
    status,
    gateway_ref,
    pay_url,
    payment_id,
    polls,
    next_poll_at,
    created_by,
    created_at,
});

fn select(tail: &str) -> String {
    format!(
        "SELECT {} FROM {} {tail}",
        Attempt::select_list(),
        Attempt::from_clause()
    )
}

/// Stores a new attempt; returns its id. Its order id is set by [`set_order`] once the id is
/// known.
pub async fn insert(ex: &mut dyn Exec, a: &Attempt, now: DateTime<Utc>) -> Result<i64, StoreError> {
    ex.insert_row(a, &[("updated_at", now.into())]).await
}

pub async fn set_order(ex: &mut dyn Exec, id: i64, order_id: &str) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE online_payments SET order_id = ? WHERE id = ?",
        params![order_id, id],
    )
    .await
    .map(drop)
}

/// What the gateway answered a creation with.
pub async fn set_created(
    ex: &mut dyn Exec,
    id: i64,
    gateway_ref: Option<&str>,
    pay_url: Option<&str>,
    next_poll_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE online_payments SET gateway_ref = ?, pay_url = ?, next_poll_at = ?, \
         updated_at = ? WHERE id = ?",
        params![gateway_ref, pay_url, next_poll_at, now, id],
    )
    .await
    .map(drop)
}

pub async fn get(ex: &mut dyn Exec, id: i64) -> Result<Option<Attempt>, StoreError> {
    ex.first(&select("WHERE op.id = ?"), params![id]).await
}

/// The attempt of an order id; with `lock`, its row locked (a notification and the poller
/// serialise on it; write transactions only).
pub async fn by_order(
    ex: &mut dyn Exec,
    order_id: &str,
    lock: bool,
) -> Result<Option<Attempt>, StoreError> {
    let lock = if lock { "{for_update}" } else { "" };
    ex.first(
        &select(&format!("WHERE op.order_id = ?{lock}")),
        params![order_id],
    )
    .await
}

/// An invoice's attempts, newest first.
pub async fn of_invoice(ex: &mut dyn Exec, invoice: InvoiceId) -> Result<Vec<Attempt>, StoreError> {
    ex.all(
        &select("WHERE op.invoice_id = ? ORDER BY op.id DESC"),
        params![invoice],
    )
    .await
}

/// Settles an attempt: paid with its payment, or failed; no more polls. A paid attempt is
/// never changed.
pub async fn settle(
    ex: &mut dyn Exec,
    id: i64,
    status: AttemptStatus,
    payment: Option<PaymentId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE online_payments SET status = ?, payment_id = ?, next_poll_at = NULL, \
         updated_at = ? WHERE id = ? AND status <> 'paid'",
        params![status, payment, now, id],
    )
    .await
    .map(drop)
}

/// After a status request that found it still pending: the next one at `next` (`None`: no
/// more).
pub async fn polled(
    ex: &mut dyn Exec,
    id: i64,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE online_payments SET polls = polls + 1, next_poll_at = ?, updated_at = ? \
         WHERE id = ? AND status = 'pending'",
        params![next, now, id],
    )
    .await
    .map(drop)
}

/// Pending attempts due a status request at `now`, oldest first.
pub async fn due_polls(
    ex: &mut dyn Exec,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Attempt>, StoreError> {
    ex.all(
        &select(
            "WHERE op.status = 'pending' AND op.next_poll_at IS NOT NULL \
             AND op.next_poll_at <= ? ORDER BY op.next_poll_at, op.id LIMIT ?",
        ),
        params![now, limit],
    )
    .await
}

/// One exchange with a gateway.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct GatewayEvent {
    pub online_payment_id: Option<i64>,
    pub gateway: Gateway,
    /// `create`, `notification` or `status`.
    pub kind: String,
    pub delivery_id: Option<String>,
    pub request: Option<String>,
    pub answer: Option<String>,
    pub verdict: String,
    pub at: DateTime<Utc>,
}
crate::record!(GatewayEvent {
    online_payment_id,
    gateway,
    kind,
    delivery_id,
    request,
    answer,
    verdict,
    at
});

pub async fn record(ex: &mut dyn Exec, e: &GatewayEvent) -> Result<i64, StoreError> {
    ex.insert_record("gateway_events", e).await
}

/// Whether a notification delivery was seen and believed before (a refused one may come
/// again, once what refused it is fixed).
pub async fn delivery_seen(
    ex: &mut dyn Exec,
    gateway: Gateway,
    delivery_id: &str,
) -> Result<bool, StoreError> {
    let n: Option<i64> = ex
        .first(
            "SELECT COUNT(*) FROM gateway_events WHERE gateway = ? AND delivery_id = ? \
             AND verdict NOT LIKE 'refused%'",
            params![gateway, delivery_id],
        )
        .await?;
    Ok(n.unwrap_or(0) > 0)
}

/// An attempt's exchanges, oldest first.
pub async fn events_of(ex: &mut dyn Exec, attempt: i64) -> Result<Vec<GatewayEvent>, StoreError> {
    let cols = crate::storage::row::columns::<GatewayEvent>().join(", ");
    ex.all(
        &format!("SELECT {cols} FROM gateway_events WHERE online_payment_id = ? ORDER BY id"),
        params![attempt],
    )
    .await
}
