use super::Conditions;
use crate::domain::billing::invoice::{Payment, PaymentFilter, PaymentStatus};
use crate::domain::ids::{ClientId, InvoiceId, PaymentId};
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, StoreError, Table};

crate::table!(Payment => "payments" as "p" {
    id,
    invoice_id,
    amount = "amount_minor",
    payment_date,
    payment_method,
    reference,
    status,
    recorded_by,
    created_at,
});

fn select(tail: &str) -> String {
    format!(
        "SELECT {} FROM {} {tail}",
        Payment::select_list(),
        Payment::from_clause()
    )
}

/// Records a payment. (Its `idempotency_key` and `request_hash` columns are no longer
/// written: retries are answered from `idempotency_keys`, as for every other create.)
pub async fn insert(ex: &mut dyn Exec, p: &Payment) -> Result<PaymentId, StoreError> {
    ex.insert_row(p, &[]).await.map(PaymentId)
}

pub async fn get(ex: &mut dyn Exec, id: PaymentId) -> Result<Option<Payment>, StoreError> {
    ex.first(&select("WHERE p.id = ?"), params![id]).await
}

/// Money of pending payments on an invoice: held against what is still owed.
pub async fn pending_total(ex: &mut dyn Exec, invoice_id: InvoiceId) -> Result<Money, StoreError> {
    ex.one(
        "SELECT COALESCE(CAST(SUM(amount_minor) AS {bigint}), 0) FROM payments \
         WHERE invoice_id = ? AND status = 'pending'",
        params![invoice_id],
    )
    .await
}

pub async fn set_status(
    ex: &mut dyn Exec,
    id: PaymentId,
    status: PaymentStatus,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE payments SET status = ? WHERE id = ?",
        params![status, id],
    )
    .await?;
    Ok(())
}

pub async fn for_invoice(
    ex: &mut dyn Exec,
    invoice_id: InvoiceId,
) -> Result<Vec<Payment>, StoreError> {
    ex.all(
        &select("WHERE p.invoice_id = ? ORDER BY p.id"),
        params![invoice_id],
    )
    .await
}

/// All payments of a client's invoices, through the subscription and invoice indexes, oldest
/// (lowest id) first; sorted here, not by SQLite's sorter (see [`super::invoices::for_client`]).
pub async fn for_client(
    ex: &mut dyn Exec,
    client_id: ClientId,
) -> Result<Vec<Payment>, StoreError> {
    let sql = format!(
        "SELECT {} FROM subscriptions s JOIN invoices i ON i.subscription_id = s.id \
         JOIN payments p ON p.invoice_id = i.id WHERE s.client_id = ?",
        Payment::select_list()
    );
    let mut all: Vec<Payment> = ex.all(&sql, params![client_id]).await?;
    all.sort_unstable_by_key(|p| p.id);
    Ok(all)
}

pub async fn page(
    ex: &mut dyn Exec,
    f: &PaymentFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Payment>, i64), StoreError> {
    let mut conds = Conditions::default();
    conds
        .add("p.invoice_id = ?", f.invoice_id)
        .add("p.status = ?", f.status)
        .add("p.payment_date >= ?", f.from)
        .add("p.payment_date <= ?", f.to);
    super::page(
        ex,
        &Payment::from_clause(),
        Payment::select_list(),
        "p.id",
        conds,
        (limit, offset),
    )
    .await
}

/// Up to `limit` payments with an id above `after`, in id order (a whole-table read in
/// chunks, for verification).
pub async fn after(
    ex: &mut dyn Exec,
    after: PaymentId,
    limit: i64,
) -> Result<Vec<Payment>, StoreError> {
    ex.all(
        &select("WHERE p.id > ? ORDER BY p.id LIMIT ?"),
        params![after, limit],
    )
    .await
}
