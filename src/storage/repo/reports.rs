//! Figures over the books.

use chrono::NaiveDate;

use crate::domain::report::Summary;
use crate::params;
use crate::storage::{Exec, StoreError};

pub async fn summary(
    ex: &mut dyn Exec,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> Result<Summary, StoreError> {
    let (invoiced, collected, outstanding, overdue_invoices, active, suspended) = ex
        .one(
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
    Ok(Summary {
        from,
        to,
        invoiced,
        collected,
        outstanding,
        overdue_invoices,
        active_subscriptions: active,
        suspended_subscriptions: suspended,
    })
}
