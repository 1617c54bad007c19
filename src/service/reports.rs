//! Summary figures for a date range (admin).

use chrono::NaiveDate;

use super::{AppError, require};
use crate::app::App;
use crate::domain::money::Money;
use crate::domain::user::Role;
use crate::params;
use crate::security::token_cache::AuthUser;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Invoices dated in the range, void ones excluded.
    pub invoiced: Money,
    /// Successful payments dated in the range.
    pub collected: Money,
    /// Still owed on open invoices, now.
    pub outstanding: Money,
    /// Open invoices past their due date, now.
    pub overdue_invoices: i64,
    pub active_subscriptions: i64,
    pub suspended_subscriptions: i64,
}

pub async fn summary(
    app: &App,
    actor: &AuthUser,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Summary, AppError> {
    require(actor, Role::reads_reports, "only an admin may read reports")?;
    if to < from {
        return Err(AppError::bad_request("to", "must not be before from"));
    }
    let today = app.config.today();
    app.db
        .read(move |ex| {
            Box::pin(async move {
                let r = ex
                    .fetch_one(
                        "SELECT \
                         (SELECT COALESCE(CAST(SUM(total_minor) AS {bigint}), 0) FROM invoices \
                            WHERE invoice_date >= ? AND invoice_date <= ? AND status <> 'void'), \
                         (SELECT COALESCE(CAST(SUM(amount_minor) AS {bigint}), 0) FROM payments \
                            WHERE payment_date >= ? AND payment_date <= ? AND status = 'success'), \
                         (SELECT COALESCE(CAST(SUM(total_minor - paid_minor) AS {bigint}), 0) \
                            FROM invoices WHERE status IN ('pending', 'partially_paid')), \
                         (SELECT COUNT(*) FROM invoices \
                            WHERE status IN ('pending', 'partially_paid') AND due_date < ?), \
                         (SELECT COUNT(*) FROM subscriptions WHERE status = 'active'), \
                         (SELECT COUNT(*) FROM subscriptions WHERE status = 'suspended')",
                        params![from, to, from, to, today],
                    )
                    .await?;
                Ok::<_, AppError>(Summary {
                    from,
                    to,
                    invoiced: Money::from_minor(r.i64(0)?),
                    collected: Money::from_minor(r.i64(1)?),
                    outstanding: Money::from_minor(r.i64(2)?),
                    overdue_invoices: r.i64(3)?,
                    active_subscriptions: r.i64(4)?,
                    suspended_subscriptions: r.i64(5)?,
                })
            })
        })
        .await
}
