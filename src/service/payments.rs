//! Payments against invoices. Partial payments add up; overpayment is refused; a retried
//! request with the same `Idempotency-Key` returns the first answer instead of paying twice
//! (see [`super::idempotency`]).

use chrono::{NaiveDate, Utc};

use super::idempotency::{Once, Outcome};
use super::{AppError, Page, audit, billing, require};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit, payment_state};
use crate::domain::billing::collection::GraceRule;
use crate::domain::billing::invoice::{
    Invoice, InvoiceStatus, Payment, PaymentFilter, PaymentStatus, accept_payment, status_for,
};
use crate::domain::ids::{InvoiceId, PaymentId};
use crate::domain::money::Money;
use crate::domain::notify::Event as NoticeEvent;
use crate::domain::user::{Actor, Role};
use crate::domain::validation::FieldErrors;
use crate::storage::repo::invoices;
use crate::storage::repo::notifications::NewNotice;
use crate::storage::repo::payments as repo;
use crate::storage::{Exec, StoreError};
use crate::{tx, tx_once};

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
}

#[derive(Debug, Clone)]
pub struct Checked {
    amount: Money,
    date: NaiveDate,
    method: String,
    reference: Option<String>,
    status: PaymentStatus,
}

impl Checked {
    /// A payment a gateway confirmed: its method is the gateway's name, whatever the
    /// provider's list of methods for the counter holds.
    pub fn from_gateway(
        amount: Money,
        date: NaiveDate,
        gateway: &str,
        reference: Option<String>,
    ) -> Checked {
        Checked {
            amount,
            date,
            method: gateway.to_owned(),
            reference: reference.map(|r| r.chars().take(100).collect()),
            status: PaymentStatus::Success,
        }
    }
}

/// `input` checked against today and the payment methods in effect (setting `payment_methods`).
fn check(
    input: PaymentInput,
    today: NaiveDate,
    methods: &[String],
) -> Result<Checked, FieldErrors> {
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
        Some(m) if methods.iter().any(|known| known == m) => Some(m.to_owned()),
        Some(_) => {
            e.add(
                "payment_method",
                format!("must be one of {}", methods.join(", ")),
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

fn invoice_not_found(id: InvoiceId) -> AppError {
    AppError::NotFound(format!("invoice {id}"))
}

fn refused(r: crate::domain::billing::invoice::PaymentRefused) -> AppError {
    FieldErrors::single("amount", r.message()).into()
}

/// Records a payment of an invoice. A successful payment that settles the invoice renews its
/// subscription in the same transaction. Once per `Idempotency-Key`.
pub async fn record(
    app: &App,
    actor: &Actor,
    invoice_id: InvoiceId,
    input: PaymentInput,
    once: Once<Recorded>,
) -> Result<Outcome<Recorded>, AppError> {
    require(
        actor,
        Role::records_payments,
        "this role may not record payments",
    )?;
    let c = check(input, app.today(), &app.settings().payment_methods)?;
    let by = actor.username.clone();
    let rule = billing::grace_rule(app);
    let out = tx_once!(app, actor.id, once, |ex| record_tx(
        ex, invoice_id, &c, &by, rule
    ))
    .await?;
    if out.created().is_some() {
        app.jobs_ready.notify_one();
        app.messages_ready.notify_one();
    }
    Ok(out)
}

/// The payment's transaction: the invoice is locked first, so concurrent payments of one
/// invoice are checked against each other's amounts.
pub async fn record_tx(
    ex: &mut dyn Exec,
    invoice_id: InvoiceId,
    c: &Checked,
    actor: &str,
    rule: GraceRule,
) -> Result<Recorded, AppError> {
    let mut invoice = invoices::get_for_update(ex, invoice_id)
        .await?
        .ok_or_else(|| invoice_not_found(invoice_id))?;
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
            settle(ex, &mut invoice, paid, actor, rule).await?;
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
    let id = repo::insert(ex, &new).await?;
    // Read back as stored (timestamps at the database's precision), as later reads show it.
    let payment = repo::get(ex, id).await?.ok_or(StoreError::NotFound)?;
    let entry = NewAudit::new(
        actor,
        AuditAction::PaymentRecorded,
        AuditEntity::Payment,
        id,
    )
    .after(payment_state(&payment));
    audit::record_tx(ex, entry).await?;
    received_tx(ex, &payment, &invoice).await?;
    Ok(Recorded { payment, invoice })
}

/// Thanks the client for a payment that counts (with its receipt), in its transaction.
async fn received_tx(
    ex: &mut dyn Exec,
    payment: &Payment,
    invoice: &Invoice,
) -> Result<(), StoreError> {
    if payment.status != PaymentStatus::Success {
        return Ok(());
    }
    let thanks = NewNotice::new(
        invoice.client_id,
        NoticeEvent::PaymentReceived,
        payment.id.0,
        0,
    )
    .invoice(invoice.id)
    .payment(payment.id);
    crate::notify::queue(ex, &[thanks]).await
}

/// Pays everything still owed on an invoice, once: the original system's "mark as paid". An
/// invoice already paid (by this or any other way) is returned unchanged; the invoice is
/// locked first, so two concurrent requests record one payment.
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
    let today = app.today();
    let methods = app.settings().payment_methods.clone();
    let by = actor.username.clone();
    let rule = billing::grace_rule(app);
    let invoice = tx!(app, write, |ex| async move {
        let invoice = invoices::get_for_update(ex, invoice_id)
            .await?
            .ok_or_else(|| invoice_not_found(invoice_id))?;
        if invoice.status == InvoiceStatus::Paid {
            return Ok(invoice);
        }
        let input = PaymentInput {
            // Not `outstanding()`, which is zero on a void invoice: the payment rules refuse
            // that one with their own reason.
            amount: invoice.total.checked_sub(invoice.paid),
            payment_date,
            payment_method: Some(payment_method.unwrap_or_else(|| "cash".to_owned())),
            reference: None,
            status: None,
        };
        let c = check(input, today, &methods)?;
        Ok::<_, AppError>(record_tx(ex, invoice_id, &c, &by, rule).await?.invoice)
    })
    .await?;
    app.jobs_ready.notify_one();
    app.messages_ready.notify_one();
    Ok(invoice)
}

/// Adds money to an invoice (already checked) and renews the subscription when it is settled.
async fn settle(
    ex: &mut dyn Exec,
    invoice: &mut Invoice,
    paid: Money,
    actor: &str,
    rule: GraceRule,
) -> Result<(), StoreError> {
    invoice.paid = paid;
    invoice.status = status_for(invoice.total, paid);
    invoices::set_paid(ex, invoice.id, paid, invoice.status).await?;
    if invoice.status == InvoiceStatus::Paid {
        billing::settled_tx(ex, invoice, billing::Settled::Paid, actor, rule).await?;
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
    let rule = billing::grace_rule(app);
    let recorded = tx!(app, write, |ex| set_status_tx(ex, id, to, &by, rule)).await?;
    app.jobs_ready.notify_one();
    app.messages_ready.notify_one();
    Ok(recorded)
}

pub async fn set_status_tx(
    ex: &mut dyn Exec,
    id: PaymentId,
    to: PaymentStatus,
    actor: &str,
    rule: GraceRule,
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
        settle(ex, &mut invoice, paid, actor, rule).await?;
    }
    repo::set_status(ex, id, to).await?;
    let before = payment_state(&payment);
    let payment = repo::get(ex, id).await?.ok_or(StoreError::NotFound)?;
    let entry = NewAudit::new(
        actor,
        AuditAction::PaymentStatusChanged,
        AuditEntity::Payment,
        id,
    )
    .before(before)
    .after(payment_state(&payment));
    audit::record_tx(ex, entry).await?;
    received_tx(ex, &payment, &invoice).await?;
    Ok(Recorded { payment, invoice })
}

/// A payment as its receipt shows it: the invoice and client it was for, and where the
/// invoice stood once this payment was counted (a reprinted receipt says what it said then).
#[derive(Debug, Clone)]
pub struct Receipt {
    pub payment: Payment,
    pub invoice: Invoice,
    pub client: crate::domain::client::Client,
    /// Successful payments of the invoice up to and including this one.
    pub paid_through: Money,
    /// What was still owed after this payment.
    pub remaining: Money,
    /// The invoice's status after this payment.
    pub status: InvoiceStatus,
}

pub async fn receipt(app: &App, id: PaymentId) -> Result<Receipt, AppError> {
    tx!(app, lookup, |ex| async move {
        let payment = repo::get(ex, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("payment {id}")))?;
        let invoice = invoices::get(ex, payment.invoice_id)
            .await?
            .ok_or_else(|| invoice_not_found(payment.invoice_id))?;
        let client = crate::storage::repo::clients::get(ex, invoice.client_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("client {}", invoice.client_id)))?;
        let paid_through = repo::for_invoice(ex, invoice.id)
            .await?
            .iter()
            .filter(|p| p.status == PaymentStatus::Success && p.id <= payment.id)
            .try_fold(Money::ZERO, |sum, p| sum.checked_add(p.amount))
            .ok_or_else(|| AppError::Internal("the payments overflow".into()))?;
        let status = if invoice.status == InvoiceStatus::Void {
            InvoiceStatus::Void
        } else {
            status_for(invoice.total, paid_through)
        };
        let remaining = match status {
            InvoiceStatus::Void => Money::ZERO,
            _ => invoice
                .total
                .checked_sub(paid_through)
                .filter(|m| *m > Money::ZERO)
                .unwrap_or(Money::ZERO),
        };
        Ok::<_, AppError>(Receipt {
            payment,
            invoice,
            client,
            paid_through,
            remaining,
            status,
        })
    })
    .await
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
        let methods = ["cash".to_owned(), "gopay".into()];
        let e = check(PaymentInput::default(), d("2025-01-05"), &methods).unwrap_err();
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
            &methods,
        )
        .unwrap_err();
        assert_eq!(e.0.len(), 3, "{e:?}");
        assert_eq!(e.0["payment_method"], "must be one of cash, gopay");
        let c = check(
            PaymentInput {
                amount: Some(Money::from_minor(100)),
                payment_method: Some("gopay".into()),
                ..Default::default()
            },
            d("2025-01-05"),
            &methods,
        )
        .unwrap();
        assert_eq!(
            (c.date, c.status),
            (d("2025-01-05"), PaymentStatus::Success)
        );
    }
}
