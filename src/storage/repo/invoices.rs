use chrono::{DateTime, NaiveDate, Utc};

use super::Conditions;
use crate::domain::billing::invoice::InvoiceStatus;
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, Row, StoreError, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: i64,
    pub year: i32,
    pub seq: i64,
    pub client_id: i64,
    pub subscription_id: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Money,
    pub paid: Money,
    pub status: InvoiceStatus,
}

impl Invoice {
    pub fn number(&self) -> String {
        crate::domain::billing::invoice::number(self.year, self.seq)
    }

    /// Open and past its due date on `today`.
    pub fn overdue_on(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.due_date < today
    }

    pub fn outstanding(&self) -> Money {
        if self.status == InvoiceStatus::Void {
            Money::ZERO
        } else {
            self.total.checked_sub(self.paid).unwrap_or(Money::ZERO)
        }
    }
}

pub(crate) const COLUMNS: &str = "i.id, i.invoice_year, i.invoice_seq, i.client_id, \
    i.subscription_id, i.period_start, i.period_end, i.invoice_date, i.due_date, i.total_minor, \
    i.paid_minor, i.status";

pub(crate) fn from_row(r: &Row) -> Result<Invoice, StoreError> {
    let status = r.string(11)?;
    Ok(Invoice {
        id: r.i64(0)?,
        year: i32::try_from(r.i64(1)?).map_err(|e| StoreError::Decode(e.to_string()))?,
        seq: r.i64(2)?,
        client_id: r.i64(3)?,
        subscription_id: r.i64(4)?,
        period_start: r.date(5)?,
        period_end: r.date(6)?,
        invoice_date: r.date(7)?,
        due_date: r.date(8)?,
        total: Money::from_minor(r.i64(9)?),
        paid: Money::from_minor(r.i64(10)?),
        status: InvoiceStatus::parse(&status)
            .ok_or_else(|| StoreError::Decode(format!("invoice status {status}")))?,
    })
}

pub async fn get(ex: &mut dyn Exec, id: i64) -> Result<Option<Invoice>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM invoices i WHERE i.id = ?");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The invoice, its row locked until the transaction ends (payments serialise on it).
pub async fn get_for_update(ex: &mut dyn Exec, id: i64) -> Result<Option<Invoice>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM invoices i WHERE i.id = ?{{for_update}}");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn set_paid(
    ex: &mut dyn Exec,
    id: i64,
    paid: Money,
    status: InvoiceStatus,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE invoices SET paid_minor = ?, status = ? WHERE id = ?",
        params![paid.minor(), status.as_str(), id],
    )
    .await?;
    Ok(())
}

pub async fn void(
    ex: &mut dyn Exec,
    id: i64,
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

/// Whether the subscription has another open invoice due on or before `cutoff`.
pub async fn other_overdue(
    ex: &mut dyn Exec,
    subscription_id: i64,
    except_invoice: i64,
    cutoff: NaiveDate,
) -> Result<bool, StoreError> {
    Ok(ex
        .fetch_one(
            "SELECT COUNT(*) FROM invoices WHERE subscription_id = ? AND id <> ? \
             AND status IN ('pending', 'partially_paid') AND due_date <= ?",
            params![subscription_id, except_invoice, cutoff],
        )
        .await?
        .i64(0)?
        > 0)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<InvoiceStatus>,
    pub client_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Open invoices due before this date.
    pub due_before: Option<NaiveDate>,
}

fn conditions(f: &Filter) -> Conditions {
    let mut conds = Conditions::default();
    conds
        .add("i.status = ?", f.status.map(InvoiceStatus::as_str))
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
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Invoice>, i64), StoreError> {
    super::page(
        ex,
        "invoices i",
        COLUMNS,
        "i.id",
        conditions(f),
        (limit, offset),
        from_row,
    )
    .await
}

/// An invoice as the original system's routes show it: with its client's name and the method
/// and date of its latest successful payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub invoice: Invoice,
    pub client_name: String,
    pub last_payment: Option<(String, NaiveDate)>,
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
        "{COLUMNS}, c.name, {}, {}",
        latest("payment_method"),
        latest("payment_date")
    )
}

fn view_from_row(r: &Row) -> Result<View, StoreError> {
    let method = r.opt_string(13)?;
    let date = r.opt_date(14)?;
    Ok(View {
        invoice: from_row(r)?,
        client_name: r.string(12)?,
        last_payment: method.zip(date),
    })
}

pub async fn page_views(
    ex: &mut dyn Exec,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<View>, i64), StoreError> {
    super::page(
        ex,
        VIEW_FROM,
        &view_columns(),
        "i.id",
        conditions(f),
        (limit, offset),
        view_from_row,
    )
    .await
}

/// The views of the given invoices, in id order.
pub async fn views_of(ex: &mut dyn Exec, ids: &[i64]) -> Result<Vec<View>, StoreError> {
    let mut views = Vec::with_capacity(ids.len());
    // A generation run may create thousands: stay well under every backend's parameter limit.
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Value> = chunk.iter().map(|&id| id.into()).collect();
        let sql = format!(
            "SELECT {} FROM {VIEW_FROM} WHERE i.id IN ({marks}) ORDER BY i.id",
            view_columns()
        );
        for r in ex.fetch_all(&sql, &args).await? {
            views.push(view_from_row(&r)?);
        }
    }
    Ok(views)
}

/// Inserts one invoice numbered by the caller (who holds the year's counter).
pub async fn insert(ex: &mut dyn Exec, i: &Invoice, now: DateTime<Utc>) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO invoices (invoice_year, invoice_seq, client_id, subscription_id, \
         period_start, period_end, invoice_date, due_date, total_minor, paid_minor, status, \
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            i64::from(i.year),
            i.seq,
            i.client_id,
            i.subscription_id,
            i.period_start,
            i.period_end,
            i.invoice_date,
            i.due_date,
            i.total.minor(),
            i.paid.minor(),
            i.status.as_str(),
            now
        ],
    )
    .await
}

/// All invoices of a client's subscriptions, through the subscription index.
pub async fn for_client(ex: &mut dyn Exec, client_id: i64) -> Result<Vec<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM subscriptions s JOIN invoices i ON i.subscription_id = s.id \
         WHERE s.client_id = ? ORDER BY i.subscription_id, i.period_start"
    );
    ex.fetch_all(&sql, params![client_id])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Invoices numbered after `after_seq` in `year`: those one generation run created.
pub async fn numbered_after(
    ex: &mut dyn Exec,
    year: i32,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<Invoice>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invoices i WHERE i.invoice_year = ? AND i.invoice_seq > ? \
         ORDER BY i.invoice_seq LIMIT ?"
    );
    ex.fetch_all(&sql, params![i64::from(year), after_seq, limit])
        .await?
        .iter()
        .map(from_row)
        .collect()
}
