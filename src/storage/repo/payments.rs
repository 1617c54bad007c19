use chrono::{DateTime, NaiveDate, Utc};

use super::Conditions;
use crate::domain::billing::invoice::PaymentStatus;
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, Row, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: i64,
    pub invoice_id: i64,
    pub amount: Money,
    pub payment_date: NaiveDate,
    pub payment_method: String,
    pub reference: Option<String>,
    pub status: PaymentStatus,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "p.id, p.invoice_id, p.amount_minor, p.payment_date, p.payment_method, \
    p.reference, p.status, p.recorded_by, p.created_at";

fn from_row(r: &Row) -> Result<Payment, StoreError> {
    let status = r.string(6)?;
    Ok(Payment {
        id: r.i64(0)?,
        invoice_id: r.i64(1)?,
        amount: Money::from_minor(r.i64(2)?),
        payment_date: r.date(3)?,
        payment_method: r.string(4)?,
        reference: r.opt_string(5)?,
        status: PaymentStatus::parse(&status)
            .ok_or_else(|| StoreError::Decode(format!("payment status {status}")))?,
        recorded_by: r.string(7)?,
        created_at: r.timestamp(8)?,
    })
}

pub struct NewPayment<'a> {
    pub invoice_id: i64,
    pub amount: Money,
    pub payment_date: NaiveDate,
    pub payment_method: &'a str,
    pub reference: Option<&'a str>,
    pub status: PaymentStatus,
    pub idempotency_key: Option<&'a str>,
    pub request_hash: Option<&'a str>,
    pub recorded_by: &'a str,
}

pub async fn insert(
    ex: &mut dyn Exec,
    p: &NewPayment<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO payments (invoice_id, amount_minor, payment_date, payment_method, reference, \
         status, idempotency_key, request_hash, recorded_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            p.invoice_id,
            p.amount.minor(),
            p.payment_date,
            p.payment_method,
            p.reference,
            p.status.as_str(),
            p.idempotency_key,
            p.request_hash,
            p.recorded_by,
            now
        ],
    )
    .await
}

pub async fn get(ex: &mut dyn Exec, id: i64) -> Result<Option<Payment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM payments p WHERE p.id = ?");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The payment an `Idempotency-Key` recorded, with the hash of the request that made it.
pub async fn by_key(
    ex: &mut dyn Exec,
    key: &str,
) -> Result<Option<(Payment, Option<String>)>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS}, p.request_hash FROM payments p WHERE p.idempotency_key = ?");
    match ex.fetch_optional(&sql, params![key]).await? {
        Some(r) => Ok(Some((from_row(&r)?, r.opt_string(9)?))),
        None => Ok(None),
    }
}

/// Money of pending payments on an invoice: held against what is still owed.
pub async fn pending_total(ex: &mut dyn Exec, invoice_id: i64) -> Result<Money, StoreError> {
    let r = ex
        .fetch_one(
            "SELECT COALESCE(CAST(SUM(amount_minor) AS {bigint}), 0) FROM payments \
             WHERE invoice_id = ? AND status = 'pending'",
            params![invoice_id],
        )
        .await?;
    Ok(Money::from_minor(r.i64(0)?))
}

pub async fn set_status(
    ex: &mut dyn Exec,
    id: i64,
    status: PaymentStatus,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE payments SET status = ? WHERE id = ?",
        params![status.as_str(), id],
    )
    .await?;
    Ok(())
}

pub async fn for_invoice(ex: &mut dyn Exec, invoice_id: i64) -> Result<Vec<Payment>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM payments p WHERE p.invoice_id = ? ORDER BY p.id");
    ex.fetch_all(&sql, params![invoice_id])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// All payments of a client's invoices, through the subscription and invoice indexes.
pub async fn for_client(ex: &mut dyn Exec, client_id: i64) -> Result<Vec<Payment>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM subscriptions s JOIN invoices i ON i.subscription_id = s.id \
         JOIN payments p ON p.invoice_id = i.id WHERE s.client_id = ? ORDER BY p.id"
    );
    ex.fetch_all(&sql, params![client_id])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub invoice_id: Option<i64>,
    pub status: Option<PaymentStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub async fn page(
    ex: &mut dyn Exec,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Payment>, i64), StoreError> {
    let mut conds = Conditions::default();
    conds
        .add("p.invoice_id = ?", f.invoice_id)
        .add("p.status = ?", f.status.map(PaymentStatus::as_str))
        .add("p.payment_date >= ?", f.from)
        .add("p.payment_date <= ?", f.to);
    super::page(
        ex,
        "payments p",
        COLUMNS,
        "p.id",
        conds,
        (limit, offset),
        from_row,
    )
    .await
}
