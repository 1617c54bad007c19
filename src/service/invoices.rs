//! Reading, issuing by hand and voiding invoices. Generation issues most of them.

use chrono::{Datelike, NaiveDate, Utc};

use super::idempotency::{Once, Outcome};
use super::{AppError, Page, audit, require};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit, invoice_state};
use crate::domain::billing::collection::GraceRule;
use crate::domain::billing::invoice::{
    Invoice, InvoiceFilter, InvoiceStatus, InvoiceView, Payment,
};
use crate::domain::billing::subscription::{Status, Subscription};
use crate::domain::client::Client;
use crate::domain::ids::{ClientId, InvoiceId, SubscriptionId};
use crate::domain::money::Money;
use crate::domain::user::{Actor, Role};
use crate::domain::validation::FieldErrors;
use crate::storage::Exec;
use crate::storage::repo::invoices as repo;
use crate::storage::repo::{billing, clients, payments, plans, subscriptions};
use crate::{tx, tx_once};

fn not_found(id: InvoiceId) -> AppError {
    AppError::NotFound(format!("invoice {id}"))
}

pub async fn get(app: &App, id: InvoiceId) -> Result<(Invoice, Vec<Payment>), AppError> {
    tx!(app, lookup, |ex| get_tx(ex, id)).await
}

async fn get_tx(ex: &mut dyn Exec, id: InvoiceId) -> Result<(Invoice, Vec<Payment>), AppError> {
    let invoice = repo::get(ex, id).await?.ok_or_else(|| not_found(id))?;
    let payments = payments::for_invoice(ex, id).await?;
    Ok((invoice, payments))
}

/// An invoice as its printable page shows it: with its payments, its client (name, address,
/// phone) and the name of the plan it bills.
#[derive(Debug, Clone)]
pub struct InvoiceDocument {
    pub invoice: Invoice,
    pub payments: Vec<Payment>,
    pub client: Client,
    pub plan_name: String,
}

/// The invoice with everything its printed page needs, read at one moment.
pub async fn document(app: &App, id: InvoiceId) -> Result<InvoiceDocument, AppError> {
    tx!(app, lookup, |ex| document_tx(ex, id)).await
}

async fn document_tx(ex: &mut dyn Exec, id: InvoiceId) -> Result<InvoiceDocument, AppError> {
    let (invoice, payments) = get_tx(ex, id).await?;
    let client = clients::get(ex, invoice.client_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("client {}", invoice.client_id)))?;
    let plan_name = subscriptions::get_named(ex, invoice.subscription_id)
        .await?
        .map(|s| s.plan_name)
        .unwrap_or_default();
    Ok(InvoiceDocument {
        invoice,
        payments,
        client,
        plan_name,
    })
}

/// What a client owes: the open invoices, the oldest due first, and what remains on them
/// together.
#[derive(Debug, Clone)]
pub struct Owed {
    pub client: Client,
    pub invoices: Vec<Invoice>,
    pub total: Money,
}

/// What a client owes now (the cashier's view of a client).
pub async fn owed(app: &App, client_id: ClientId) -> Result<Owed, AppError> {
    tx!(app, lookup, |ex| async move {
        let client = clients::get(ex, client_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("client {client_id}")))?;
        let invoices = repo::open_for_client(ex, client_id).await?;
        let total = invoices
            .iter()
            .try_fold(Money::ZERO, |sum, i| sum.checked_add(i.outstanding()))
            .ok_or_else(|| AppError::Internal("the amount owed overflows".into()))?;
        Ok::<_, AppError>(Owed {
            client,
            invoices,
            total,
        })
    })
    .await
}

pub async fn list(
    app: &App,
    filter: InvoiceFilter,
    page: Page,
) -> Result<(Vec<Invoice>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| repo::page(ex, &filter, limit, offset)).await
}

/// Voids an invoice that no money has settled (admin). Its number stays used; its period is
/// billable again: the next generation run (or `POST /invoice`) issues a replacement.
pub async fn void(app: &App, actor: &Actor, id: InvoiceId) -> Result<Invoice, AppError> {
    require(
        actor,
        Role::voids_invoices,
        "only an admin may void invoices",
    )?;
    let by = actor.username.clone();
    let rule = super::billing::grace_rule(app);
    let inv = tx!(app, write, |ex| void_tx(ex, id, &by, rule)).await?;
    app.jobs_ready.notify_one();
    Ok(inv)
}

/// Voids the invoice; a subscription cut off for it alone comes back (see
/// [`super::billing::settled_tx`]). `rule` decides what counts as past due.
pub async fn void_tx(
    ex: &mut dyn Exec,
    id: InvoiceId,
    by: &str,
    rule: GraceRule,
) -> Result<Invoice, AppError> {
    let mut inv = repo::get_for_update(ex, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let refuse = |m: &str| Err(FieldErrors::single("invoice_status", m).into());
    if inv.status == InvoiceStatus::Void {
        return refuse("the invoice is already void");
    }
    if inv.paid > Money::ZERO {
        return refuse("payments were recorded on this invoice; it cannot be voided");
    }
    if payments::pending_total(ex, id).await? > Money::ZERO {
        return refuse("a pending payment is recorded on this invoice; settle or fail it first");
    }
    // A period the subscription already runs (its first, invoiced when it was created) would
    // not be billed again: generation bills the period after the end date.
    if let Some(sub) = subscriptions::get_for_update(ex, inv.subscription_id).await?
        && sub.status != Status::Cancelled
        && inv.period_end <= sub.end_date
    {
        return refuse(
            "the subscription runs this invoice's period (its first); record its payment, or \
             cancel the subscription and then void the invoice",
        );
    }
    repo::void(ex, id, by, Utc::now()).await?;
    let before = invoice_state(&inv);
    inv.status = InvoiceStatus::Void;
    let entry = NewAudit::new(by, AuditAction::InvoiceVoided, AuditEntity::Invoice, id)
        .before(before)
        .after(invoice_state(&inv));
    audit::record_tx(ex, entry).await?;
    super::billing::settled_tx(ex, &inv, super::billing::Settled::Voided, by, rule).await?;
    Ok(inv)
}

/// As [`list`], each with its client's name and latest successful payment.
pub async fn list_views(
    app: &App,
    filter: InvoiceFilter,
    page: Page,
) -> Result<(Vec<InvoiceView>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| repo::page_views(ex, &filter, limit, offset)).await
}

/// As [`list_views`], a chunk of up to `limit` with ids above `after`: one chunk of a listing
/// that streams every invoice.
pub async fn list_views_after(
    app: &App,
    filter: InvoiceFilter,
    after: Option<InvoiceId>,
    limit: i64,
) -> Result<Vec<InvoiceView>, AppError> {
    tx!(app, read, |ex| repo::views_after(ex, &filter, after, limit)).await
}

/// The views of the given invoices (those that exist), in id order.
pub async fn views_of(app: &App, ids: Vec<InvoiceId>) -> Result<Vec<InvoiceView>, AppError> {
    tx!(app, read, |ex| repo::views_of(ex, &ids)).await
}

pub async fn get_view(app: &App, id: InvoiceId) -> Result<InvoiceView, AppError> {
    views_of(app, vec![id])
        .await?
        .pop()
        .ok_or_else(|| not_found(id))
}

/// An invoice to issue by hand; what is not given follows the generation rules.
#[derive(Debug, Clone, Default)]
pub struct NewInvoice {
    pub subscription_id: Option<SubscriptionId>,
    /// Default: today.
    pub invoice_date: Option<NaiveDate>,
    /// Default: the invoice date plus the configured `invoice_due_days`.
    pub due_date: Option<NaiveDate>,
    /// Default: the plan's price.
    pub total: Option<Money>,
}

/// An invoice issued by hand, its dates settled.
#[derive(Debug, Clone, Copy)]
pub struct Issue {
    pub subscription_id: SubscriptionId,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Option<Money>,
}

fn check_new(app: &App, input: &NewInvoice) -> Result<Issue, AppError> {
    let subscription_id = input
        .subscription_id
        .ok_or_else(|| FieldErrors::single("subscription_id", "is required"))?;
    let invoice_date = input.invoice_date.unwrap_or_else(|| app.today());
    let due_date = match input.due_date {
        Some(d) => d,
        None => super::billing::due_date(app, invoice_date)?,
    };
    if due_date < invoice_date {
        return Err(FieldErrors::single("due_date", "must not be before invoice_date").into());
    }
    if input.total.is_some_and(|t| t < Money::ZERO) {
        return Err(FieldErrors::single("total_amount", "must not be negative").into());
    }
    Ok(Issue {
        subscription_id,
        invoice_date,
        due_date,
        total: input.total,
    })
}

/// Issues now, by hand, the invoice generation would issue next for one subscription: its next
/// period, numbered in the same yearly sequence (a conflict when an invoice that is not void
/// shares a day with it). Generation later skips that period. Answers
/// the invoice as the original routes show it (with the client's name); once per
/// `Idempotency-Key`.
pub async fn create(
    app: &App,
    actor: &Actor,
    input: NewInvoice,
    once: Once<InvoiceView>,
) -> Result<Outcome<InvoiceView>, AppError> {
    require(
        actor,
        Role::manages_billing,
        "only an admin or operator may issue invoices",
    )?;
    let issue = check_new(app, &input)?;
    let by = actor.username.clone();
    let out = tx_once!(app, actor.id, once, |ex| async move {
        let invoice = create_tx(ex, issue, &by).await?;
        repo::views_of(ex, &[invoice.id])
            .await?
            .pop()
            .ok_or_else(|| not_found(invoice.id))
    })
    .await?;
    if let Some(v) = out.created() {
        tracing::info!(invoice = %v.invoice.number(), by = %actor.username, "invoice issued by hand");
    }
    Ok(out)
}

pub async fn create_tx(ex: &mut dyn Exec, issue: Issue, by: &str) -> Result<Invoice, AppError> {
    let no_such = || FieldErrors::single("subscription_id", "no such subscription");
    let sub = subscriptions::get_for_update(ex, issue.subscription_id)
        .await?
        .ok_or_else(no_such)?;
    if sub.status == Status::Cancelled {
        return Err(FieldErrors::single("subscription_id", "the subscription is cancelled").into());
    }
    let plan = plans::get(ex, sub.plan_id).await?.ok_or_else(no_such)?;
    let period = plan
        .period
        .next_after(sub.end_date)
        .ok_or_else(|| FieldErrors::single("subscription_id", "has no next period"))?;
    let total = issue.total.unwrap_or(plan.price);
    issue_period_tx(
        ex,
        &sub,
        period,
        issue.invoice_date,
        issue.due_date,
        total,
        by,
    )
    .await
}

/// Issues one period of a subscription (whose row the caller holds locked or has just
/// written): numbered next in the invoice date's year, refused with a conflict when an
/// invoice of the subscription that is not void shares a day with it, audited as issued by
/// `by`. The one place an invoice is issued singly: by hand and for a first period.
pub(crate) async fn issue_period_tx(
    ex: &mut dyn Exec,
    sub: &Subscription,
    (period_start, period_end): (NaiveDate, NaiveDate),
    invoice_date: NaiveDate,
    due_date: NaiveDate,
    total: Money,
    by: &str,
) -> Result<Invoice, AppError> {
    let year = invoice_date.year();
    let seq = billing::lock_counter(ex, year).await? + 1;
    // Under the subscription's row lock and the counter's, as generation checks it.
    if let Some(other) = repo::overlapping(ex, sub.id, period_start, period_end).await? {
        return Err(AppError::Conflict {
            field: "subscription_id",
            message: format!(
                "the subscription's period {period_start} to {period_end} overlaps \
                 invoice {} ({} to {}, {}); void that invoice to issue this one",
                other.number(),
                other.period_start,
                other.period_end,
                other.status.as_str()
            ),
        });
    }
    let mut inv = Invoice {
        id: InvoiceId(0),
        year,
        seq,
        client_id: sub.client_id,
        subscription_id: sub.id,
        period_start,
        period_end,
        invoice_date,
        due_date,
        total,
        paid: Money::ZERO,
        status: InvoiceStatus::Pending,
    };
    inv.id = repo::insert(ex, &inv, Utc::now()).await.map_err(|e| {
        if e.is_unique_on("period") {
            AppError::Conflict {
                field: "subscription_id",
                message: format!(
                    "the subscription's period from {period_start} is already invoiced"
                ),
            }
        } else {
            e.into()
        }
    })?;
    billing::set_counter(ex, year, seq).await?;
    let entry = NewAudit::new(by, AuditAction::InvoiceIssued, AuditEntity::Invoice, inv.id)
        .after(invoice_state(&inv));
    audit::record_tx(ex, entry).await?;
    Ok(inv)
}
