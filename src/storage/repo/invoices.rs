use chrono::{DateTime, NaiveDate, Utc};

use super::Conditions;
use crate::domain::billing::invoice::{Invoice, InvoiceFilter, InvoiceStatus, InvoiceView};
use crate::domain::ids::{ClientId, InvoiceId, SubscriptionId};
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, StoreError, Table, Value};

crate::table!(Invoice => "invoices" as "i" {
    id,
    year = "invoice_year",
    seq = "invoice_seq",
    client_id,
    subscription_id,
    period_start,
    period_end,
    invoice_date,
    due_date,
    total = "total_minor",
    paid = "paid_minor",
    status,
});

fn select(tail: &str) -> String {
    format!(
        "SELECT {} FROM {} {tail}",
        Invoice::select_list(),
        Invoice::from_clause()
    )
}

pub async fn get(ex: &mut dyn Exec, id: InvoiceId) -> Result<Option<Invoice>, StoreError> {
    ex.first(&select("WHERE i.id = ?"), params![id]).await
}

/// The invoice, its row locked until the transaction ends (payments serialise on it).
pub async fn get_for_update(
    ex: &mut dyn Exec,
    id: InvoiceId,
) -> Result<Option<Invoice>, StoreError> {
    ex.first(&select("WHERE i.id = ?{for_update}"), params![id])
        .await
}

pub async fn set_paid(
    ex: &mut dyn Exec,
    id: InvoiceId,
    paid: Money,
    status: InvoiceStatus,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE invoices SET paid_minor = ?, status = ? WHERE id = ?",
        params![paid, status, id],
    )
    .await?;
    Ok(())
}

pub async fn void(
    ex: &mut dyn Exec,
    id: InvoiceId,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE invoices SET status = 'void', voided_at = ?, voided_by = ? WHERE id = ?",
        params![now, by, id],
    )
    .await?;
    Ok(())
}

/// The condition (SQL) that an invoice `i` of the subscription `sub`, not void, shares a day
/// with the period from `start` to `end` (each an SQL expression): an invoice is issued only
/// when none does, so invoiced periods of one subscription never overlap.
pub fn overlaps(sub: &str, start: &str, end: &str) -> String {
    format!(
        "i.subscription_id = {sub} AND i.status <> 'void' \
         AND i.period_start <= {end} AND i.period_end >= {start}"
    )
}

/// The earliest invoice of the subscription, not void, that shares a day with the period.
pub async fn overlapping(
    ex: &mut dyn Exec,
    subscription_id: SubscriptionId,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Option<Invoice>, StoreError> {
    let tail = format!(
        "WHERE {} ORDER BY i.period_start LIMIT 1",
        overlaps("?", "?", "?")
    );
    ex.first(&select(&tail), params![subscription_id, end, start])
        .await
}

/// The subscription's invoices that are not void, by period: what it has been billed.
pub async fn billed(
    ex: &mut dyn Exec,
    subscription_id: SubscriptionId,
) -> Result<Vec<Invoice>, StoreError> {
    ex.all(
        &select("WHERE i.subscription_id = ? AND i.status <> 'void' ORDER BY i.period_start"),
        params![subscription_id],
    )
    .await
}

/// Whether the subscription has another open invoice due on or before `cutoff`.
pub async fn other_overdue(
    ex: &mut dyn Exec,
    subscription_id: SubscriptionId,
    except_invoice: InvoiceId,
    cutoff: NaiveDate,
) -> Result<bool, StoreError> {
    let n: i64 = ex
        .one(
            "SELECT COUNT(*) FROM invoices WHERE subscription_id = ? AND id <> ? \
             AND status IN ('pending', 'partially_paid') AND due_date <= ?",
            params![subscription_id, except_invoice, cutoff],
        )
        .await?;
    Ok(n > 0)
}

fn conditions(f: &InvoiceFilter) -> Conditions {
    let mut conds = Conditions::default();
    conds
        .add("i.status = ?", f.status)
        .add("i.client_id = ?", f.client_id)
        .add("i.subscription_id = ?", f.subscription_id)
        .add("i.invoice_date >= ?", f.from)
        .add("i.invoice_date <= ?", f.to)
        .add(
            "i.status IN ('pending', 'partially_paid') AND i.due_date < ?",
            f.due_before,
        );
    conds
}

pub async fn page(
    ex: &mut dyn Exec,
    f: &InvoiceFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Invoice>, i64), StoreError> {
    super::page(
        ex,
        &Invoice::from_clause(),
        Invoice::select_list(),
        "i.id",
        conditions(f),
        (limit, offset),
    )
    .await
}

crate::record!(InvoiceView {
    invoice,
    client_name,
    last_payment
});

/// The latest successful payment's method and date, read as one optional pair.
impl crate::storage::Field for Option<(String, NaiveDate)> {
    fn read(c: &mut crate::storage::Cursor) -> Result<Self, StoreError> {
        let method: Option<String> = c.read()?;
        let date: Option<NaiveDate> = c.read()?;
        Ok(method.zip(date))
    }
    fn write(&self, out: &mut Vec<Value>) {
        let (m, d) = self.clone().unzip();
        crate::storage::Field::write(&m, out);
        crate::storage::Field::write(&d, out);
    }
}

const VIEW_FROM: &str = "invoices i JOIN clients c ON c.id = i.client_id";

fn view_columns() -> String {
    let latest = |column: &str| {
        format!(
            "(SELECT p.{column} FROM payments p WHERE p.invoice_id = i.id AND p.status = 'success' \
             ORDER BY p.payment_date DESC, p.id DESC LIMIT 1)"
        )
    };
    format!(
        "{}, c.name, {}, {}",
        Invoice::select_list(),
        latest("payment_method"),
        latest("payment_date")
    )
}

pub async fn page_views(
    ex: &mut dyn Exec,
    f: &InvoiceFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<InvoiceView>, i64), StoreError> {
    super::page(
        ex,
        VIEW_FROM,
        &view_columns(),
        "i.id",
        conditions(f),
        (limit, offset),
    )
    .await
}

/// As [`page_views`], a chunk of ids above `after` (see [`super::chunk`]).
pub async fn views_after(
    ex: &mut dyn Exec,
    f: &InvoiceFilter,
    after: Option<InvoiceId>,
    limit: i64,
) -> Result<Vec<InvoiceView>, StoreError> {
    super::chunk(
        ex,
        VIEW_FROM,
        &view_columns(),
        ("i.id", "i.id > ?"),
        conditions(f),
        after.map(|a| a.0),
        limit,
    )
    .await
}

/// The views of the given invoices, in id order.
pub async fn views_of(
    ex: &mut dyn Exec,
    ids: &[InvoiceId],
) -> Result<Vec<InvoiceView>, StoreError> {
    let mut views = Vec::with_capacity(ids.len());
    // A generation run may create thousands: stay well under every backend's parameter limit.
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Value> = chunk.iter().map(|&id| id.into()).collect();
        let sql = format!(
            "SELECT {} FROM {VIEW_FROM} WHERE i.id IN ({marks}) ORDER BY i.id",
            view_columns()
        );
        views.extend(ex.all::<InvoiceView>(&sql, &args).await?);
    }
    Ok(views)
}

/// Inserts one invoice numbered by the caller (who holds the year's counter).
pub async fn insert(
    ex: &mut dyn Exec,
    i: &Invoice,
    now: DateTime<Utc>,
) -> Result<InvoiceId, StoreError> {
    ex.insert_row(i, &[("created_at", now.into())])
        .await
        .map(InvoiceId)
}

/// All invoices of a client's subscriptions, through the subscription index, by subscription
/// and period (then id). Sorted here rather than by `ORDER BY`: for a client's few dozen rows
/// SQLite's sorter (a temporary b-tree, each row written and read back) cost more than the
/// reads themselves.
pub async fn for_client(
    ex: &mut dyn Exec,
    client_id: ClientId,
) -> Result<Vec<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {} FROM subscriptions s JOIN invoices i ON i.subscription_id = s.id \
         WHERE s.client_id = ?",
        Invoice::select_list()
    );
    let mut all: Vec<Invoice> = ex.all(&sql, params![client_id]).await?;
    all.sort_unstable_by_key(|i| (i.subscription_id, i.period_start, i.id));
    Ok(all)
}

/// Invoices numbered after `after_seq` in `year`: those one generation run created.
pub async fn numbered_after(
    ex: &mut dyn Exec,
    year: i32,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<Invoice>, StoreError> {
    ex.all(
        &select("WHERE i.invoice_year = ? AND i.invoice_seq > ? ORDER BY i.invoice_seq LIMIT ?"),
        params![i64::from(year), after_seq, limit],
    )
    .await
}

/// A client's open invoices (unpaid or partly paid), the oldest due first, through the
/// subscription index: what a cashier collects.
pub async fn open_for_client(
    ex: &mut dyn Exec,
    client_id: ClientId,
) -> Result<Vec<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {} FROM subscriptions s JOIN invoices i ON i.subscription_id = s.id \
         WHERE s.client_id = ? AND i.status IN ('pending', 'partially_paid') \
         ORDER BY i.due_date, i.id",
        Invoice::select_list()
    );
    ex.all(&sql, params![client_id]).await
}

/// Up to `limit` invoices with an id above `after`, in id order (a whole-table read in
/// chunks, for verification).
pub async fn after(
    ex: &mut dyn Exec,
    after: InvoiceId,
    limit: i64,
) -> Result<Vec<Invoice>, StoreError> {
    ex.all(
        &select("WHERE i.id > ? ORDER BY i.id LIMIT ?"),
        params![after, limit],
    )
    .await
}

/// A subscription's oldest open invoice (the one a cut-off is for), if any.
pub async fn oldest_open(
    ex: &mut dyn Exec,
    subscription: SubscriptionId,
) -> Result<Option<Invoice>, StoreError> {
    ex.first(
        &select(
            "WHERE i.subscription_id = ? AND i.status IN ('pending', 'partially_paid') \
             ORDER BY i.due_date, i.id LIMIT 1",
        ),
        params![subscription],
    )
    .await
}
