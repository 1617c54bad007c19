//! Payments against invoices. Partial payments add up; overpayment is refused; a retried
//! request with the same `Idempotency-Key` returns the first result instead of paying twice.

use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};

use super::{AppError, Page, billing, require};
use crate::app::App;
use crate::domain::billing::invoice::{
    Invoice, InvoiceStatus, PAYMENT_METHODS, Payment, PaymentFilter, PaymentStatus, accept_payment,
    status_for,
};
use crate::domain::ids::{InvoiceId, PaymentId};
use crate::domain::money::Money;
use crate::domain::user::{Actor, Role};
use crate::domain::validation::FieldErrors;
use crate::storage::repo::invoices;
use crate::storage::repo::payments as repo;
use crate::storage::{Exec, StoreError};
use crate::tx;

#[derive(Debug, Clone, Default)]
pub struct PaymentInput {
    pub amount: Option<Money>,
    pub payment_date: Option<NaiveDate>,
    pub payment_method: Option<String>,
    pub reference: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub payment: Payment,
    pub invoice: Invoice,
    /// The same request was made before with this Idempotency-Key: nothing new was recorded.
    pub replayed: bool,
}

#[derive(Debug, Clone)]
pub struct Checked {
    amount: Money,
    date: NaiveDate,
    method: String,
    reference: Option<String>,
    status: PaymentStatus,
}

fn check(input: PaymentInput, today: NaiveDate) -> Result<Checked, FieldErrors> {
    let mut e = FieldErrors::default();
    let amount = input.amount;
    if amount.is_none() {
        e.add("amount", "is required");
    }
    let method = match input.payment_method.as_deref() {
        None => {
            e.add("payment_method", "is required");
            None
        }
        Some(m) if PAYMENT_METHODS.contains(&m) => Some(m.to_owned()),
        Some(_) => {
            e.add(
                "payment_method",
                format!("must be one of {}", PAYMENT_METHODS.join(", ")),
            );
            None
        }
    };
    let status = match input.status.as_deref() {
        None => Some(PaymentStatus::Success),
        Some(s) => {
            let st = PaymentStatus::parse(s);
            if st.is_none() {
                e.add("payment_status", "must be one of success, pending, failed");
            }
            st
        }
    };
    let reference = input.reference.filter(|r| !r.trim().is_empty());
    if reference
        .as_ref()
        .is_some_and(|r| r.chars().count() > 100 || r.chars().any(char::is_control))
    {
        e.add(
            "reference",
            "must be at most 100 characters, without control characters",
        );
    }
    let date = input.payment_date.unwrap_or(today);
    if date > today {
        e.add("payment_date", "must not be in the future");
    }
    match (amount, method, status) {
        (Some(amount), Some(method), Some(status)) if e.is_empty() => Ok(Checked {
            amount,
            date,
            method,
            reference,
            status,
        }),
        _ => Err(e),
    }
}

fn request_hash(invoice_id: InvoiceId, c: &Checked) -> String {
    let text = format!(
        "{invoice_id}|{}|{}|{}|{}|{}",
        c.amount.minor(),
        c.date,
        c.method,
        c.reference.as_deref().unwrap_or(""),
        c.status.as_str()
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn check_key(key: Option<String>) -> Result<Option<String>, AppError> {
    match key {
        Some(k) if k.is_empty() || k.len() > 128 || !k.bytes().all(|b| b.is_ascii_graphic()) => {
            Err(AppError::bad_request(
                "Idempotency-Key",
                "must be 1 to 128 printable ASCII characters",
            ))
        }
        k => Ok(k),
    }
}

fn invoice_not_found(id: InvoiceId) -> AppError {
    AppError::NotFound(format!("invoice {id}"))
}

fn refused(r: crate::domain::billing::invoice::PaymentRefused) -> AppError {
    FieldErrors::single("amount", r.message()).into()
}

/// Records a payment of an invoice. A successful payment that settles the invoice renews its
/// subscription in the same transaction.
pub async fn record(
    app: &App,
    actor: &Actor,
    invoice_id: InvoiceId,
    input: PaymentInput,
    idempotency_key: Option<String>,
) -> Result<Recorded, AppError> {
    require(
        actor,
        Role::records_payments,
        "this role may not record payments",
    )?;
    let key = check_key(idempotency_key)?;
    let c = check(input, app.today())?;
    let by = actor.username.clone();
    let cutoff = billing::cutoff_today(app);
    let recorded = tx!(app, write, |ex| record_tx(
        ex,
        invoice_id,
        &c,
        key.as_deref(),
        &by,
        cutoff
    ))
    .await?;
    app.jobs_ready.notify_one();
    Ok(recorded)
}

/// The payment's transaction: the invoice is locked first, so a concurrent retry with the same
/// key waits, then finds the first request's payment.
pub async fn record_tx(
    ex: &mut dyn Exec,
    invoice_id: InvoiceId,
    c: &Checked,
    key: Option<&str>,
    actor: &str,
    cutoff: Option<NaiveDate>,
) -> Result<Recorded, AppError> {
    let hash = request_hash(invoice_id, c);
    let mut invoice = invoices::get_for_update(ex, invoice_id)
        .await?
        .ok_or_else(|| invoice_not_found(invoice_id))?;
    if let Some(k) = key
        && let Some((payment, first_hash)) = repo::by_key(ex, k).await?
    {
        if first_hash.as_deref() != Some(hash.as_str()) {
            return Err(AppError::bad_request(
                "Idempotency-Key",
                "was already used for a different payment request",
            ));
        }
        let invoice = invoices::get(ex, payment.invoice_id)
            .await?
            .ok_or_else(|| invoice_not_found(payment.invoice_id))?;
        return Ok(Recorded {
            payment,
            invoice,
            replayed: true,
        });
    }
    if c.status != PaymentStatus::Failed {
        let reserved = repo::pending_total(ex, invoice_id).await?;
        let paid = accept_payment(
            invoice.status,
            invoice.total,
            invoice.paid,
            reserved,
            c.amount,
        )
        .map_err(refused)?;
        if c.status == PaymentStatus::Success {
            settle(ex, &mut invoice, paid, actor, cutoff).await?;
        }
    } else if c.amount <= Money::ZERO {
        return Err(FieldErrors::single("amount", "must be greater than zero").into());
    }
    let new = Payment {
        id: PaymentId(0),
        invoice_id,
        amount: c.amount,
        payment_date: c.date,
        payment_method: c.method.clone(),
        reference: c.reference.clone(),
        status: c.status,
        recorded_by: actor.to_owned(),
        created_at: Utc::now(),
    };
    let id = repo::insert(ex, &new, key.map(|k| (k, hash.as_str())))
        .await
        .map_err(|e| match e {
            e if e.is_unique_on("idempotency_key") => AppError::Conflict {
                field: "Idempotency-Key",
                message: "a request with this Idempotency-Key is in progress; retry".into(),
            },
            e => e.into(),
        })?;
    // Read back as stored, so that a replay answers the same bytes.
    let payment = repo::get(ex, id).await?.ok_or(StoreError::NotFound)?;
    Ok(Recorded {
        payment,
        invoice,
        replayed: false,
    })
}

/// Pays everything still owed on an invoice, once: the original system's "mark as paid". An
/// invoice already paid (by this or any other way) is returned unchanged; the fixed
/// Idempotency-Key makes two concurrent requests record one payment.
pub async fn settle_in_full(
    app: &App,
    actor: &Actor,
    invoice_id: InvoiceId,
    payment_method: Option<String>,
    payment_date: Option<NaiveDate>,
) -> Result<Invoice, AppError> {
    require(
        actor,
        Role::records_payments,
        "this role may not record payments",
    )?;
    let invoice = tx!(app, read, |ex| invoices::get(ex, invoice_id))
        .await?
        .ok_or_else(|| invoice_not_found(invoice_id))?;
    if invoice.status == InvoiceStatus::Paid {
        return Ok(invoice);
    }
    let input = PaymentInput {
        // Not `outstanding()`, which is zero on a void invoice: the payment rules refuse that
        // one with their own reason.
        amount: invoice.total.checked_sub(invoice.paid),
        payment_date,
        payment_method: Some(payment_method.unwrap_or_else(|| "cash".to_owned())),
        reference: None,
        status: None,
    };
    let key = format!("original-settle-{invoice_id}");
    Ok(record(app, actor, invoice_id, input, Some(key))
        .await?
        .invoice)
}

/// Adds money to an invoice (already checked) and renews the subscription when it is settled.
async fn settle(
    ex: &mut dyn Exec,
    invoice: &mut Invoice,
    paid: Money,
    actor: &str,
    cutoff: Option<NaiveDate>,
) -> Result<(), StoreError> {
    invoice.paid = paid;
    invoice.status = status_for(invoice.total, paid);
    invoices::set_paid(ex, invoice.id, paid, invoice.status).await?;
    if invoice.status == InvoiceStatus::Paid {
        billing::renew_tx(ex, invoice, actor, cutoff).await?;
    }
    Ok(())
}

/// Confirms (`success`) or rejects (`failed`) a pending payment, e.g. when a bank transfer
/// clears.
pub async fn set_status(
    app: &App,
    actor: &Actor,
    id: PaymentId,
    status: &str,
) -> Result<Recorded, AppError> {
    require(
        actor,
        Role::records_payments,
        "this role may not change payments",
    )?;
    let to = match PaymentStatus::parse(status) {
        Some(s @ (PaymentStatus::Success | PaymentStatus::Failed)) => s,
        _ => return Err(FieldErrors::single("payment_status", "must be success or failed").into()),
    };
    let by = actor.username.clone();
    let cutoff = billing::cutoff_today(app);
    let recorded = tx!(app, write, |ex| set_status_tx(ex, id, to, &by, cutoff)).await?;
    app.jobs_ready.notify_one();
    Ok(recorded)
}

pub async fn set_status_tx(
    ex: &mut dyn Exec,
    id: PaymentId,
    to: PaymentStatus,
    actor: &str,
    cutoff: Option<NaiveDate>,
) -> Result<Recorded, AppError> {
    let payment = repo::get(ex, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("payment {id}")))?;
    let mut invoice = invoices::get_for_update(ex, payment.invoice_id)
        .await?
        .ok_or_else(|| invoice_not_found(payment.invoice_id))?;
    if payment.status != PaymentStatus::Pending {
        return Err(FieldErrors::single(
            "payment_status",
            format!(
                "only a pending payment can change; this one is {}",
                payment.status.as_str()
            ),
        )
        .into());
    }
    if to == PaymentStatus::Success {
        let reserved = repo::pending_total(ex, invoice.id)
            .await?
            .checked_sub(payment.amount)
            .unwrap_or(Money::ZERO);
        let paid = accept_payment(
            invoice.status,
            invoice.total,
            invoice.paid,
            reserved,
            payment.amount,
        )
        .map_err(refused)?;
        settle(ex, &mut invoice, paid, actor, cutoff).await?;
    }
    repo::set_status(ex, id, to).await?;
    let payment = repo::get(ex, id).await?.ok_or(StoreError::NotFound)?;
    Ok(Recorded {
        payment,
        invoice,
        replayed: false,
    })
}

pub async fn get(app: &App, id: PaymentId) -> Result<Payment, AppError> {
    tx!(app, lookup, |ex| repo::get(ex, id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("payment {id}")))
}

pub async fn list(
    app: &App,
    filter: PaymentFilter,
    page: Page,
) -> Result<(Vec<Payment>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| repo::page(ex, &filter, limit, offset)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn input_rules() {
        let e = check(PaymentInput::default(), d("2025-01-05")).unwrap_err();
        assert!(e.0.contains_key("amount") && e.0.contains_key("payment_method"));
        let e = check(
            PaymentInput {
                amount: Some(Money::from_minor(100)),
                payment_method: Some("barter".into()),
                payment_date: Some(d("2025-01-06")),
                status: Some("maybe".into()),
                ..Default::default()
            },
            d("2025-01-05"),
        )
        .unwrap_err();
        assert_eq!(e.0.len(), 3, "{e:?}");
        let c = check(
            PaymentInput {
                amount: Some(Money::from_minor(100)),
                payment_method: Some("cash".into()),
                ..Default::default()
            },
            d("2025-01-05"),
        )
        .unwrap();
        assert_eq!(
            (c.date, c.status),
            (d("2025-01-05"), PaymentStatus::Success)
        );
    }

    #[test]
    fn the_request_hash_covers_every_field() {
        let c = |amount| Checked {
            amount: Money::from_minor(amount),
            date: d("2025-01-05"),
            method: "cash".into(),
            reference: None,
            status: PaymentStatus::Success,
        };
        let (one, two) = (InvoiceId(1), InvoiceId(2));
        assert_eq!(request_hash(one, &c(100)), request_hash(one, &c(100)));
        assert_ne!(request_hash(one, &c(100)), request_hash(one, &c(101)));
        assert_ne!(request_hash(one, &c(100)), request_hash(two, &c(100)));
    }
}
