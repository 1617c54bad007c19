//! Figures over the books.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::money::Money;
use crate::domain::report::{
    AgingBucket, CashierPayment, Collected, Figures, MonthTotals, PlanRevenue, StatusChanges,
    Summary, Tally,
};
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

const OPEN: &str = "status IN ('pending', 'partially_paid')";

/// The dashboard's figures: invoices due today, from `today` to `week_end`, and overdue;
/// money collected today and since `month_start`; suspended clients; failed router objects.
/// Each subquery reads one index range (see migration 0012).
pub async fn figures(
    ex: &mut dyn Exec,
    today: NaiveDate,
    week_end: NaiveDate,
    month_start: NaiveDate,
) -> Result<Figures, StoreError> {
    let owed = "COALESCE(CAST(SUM(total_minor - paid_minor) AS {bigint}), 0)";
    let paid = "COALESCE(CAST(SUM(amount_minor) AS {bigint}), 0)";
    let sql = format!(
        "SELECT \
         (SELECT COUNT(*) FROM invoices WHERE {OPEN} AND due_date = ?), \
         (SELECT {owed} FROM invoices WHERE {OPEN} AND due_date = ?), \
         (SELECT COUNT(*) FROM invoices WHERE {OPEN} AND due_date >= ? AND due_date <= ?), \
         (SELECT {owed} FROM invoices WHERE {OPEN} AND due_date >= ? AND due_date <= ?), \
         (SELECT COUNT(*) FROM invoices WHERE {OPEN} AND due_date < ?), \
         (SELECT {owed} FROM invoices WHERE {OPEN} AND due_date < ?), \
         (SELECT {paid} FROM payments WHERE payment_date = ? AND status = 'success'), \
         (SELECT {paid} FROM payments WHERE payment_date >= ? AND payment_date <= ? \
            AND status = 'success'), \
         (SELECT COUNT(DISTINCT client_id) FROM subscriptions WHERE status = 'suspended'), \
         (SELECT COUNT(*) FROM router_sync WHERE status = 'failed')"
    );
    #[allow(clippy::type_complexity)]
    let ((dt_n, dt_m, dw_n, dw_m, od_n, od_m), (c_today, c_month, suspended, failed)): (
        (i64, Money, i64, Money, i64, Money),
        (Money, Money, i64, i64),
    ) = ex
        .one(
            &sql,
            params![
                today,
                today,
                today,
                week_end,
                today,
                week_end,
                today,
                today,
                today,
                month_start,
                today
            ],
        )
        .await?;
    Ok(Figures {
        due_today: Tally {
            count: dt_n,
            amount: dt_m,
        },
        due_week: Tally {
            count: dw_n,
            amount: dw_m,
        },
        overdue: Tally {
            count: od_n,
            amount: od_m,
        },
        collected_today: c_today,
        collected_month: c_month,
        suspended_clients: suspended,
        failed_objects: failed,
    })
}

/// `CASE WHEN col >= ? THEN n-1 … WHEN col >= ? THEN 1 ELSE 0 END` over `n` ascending
/// boundaries (the first is the range's start, so it needs no branch): the index of the last
/// boundary at or before `col`.
fn bucket(col: &str, n: usize) -> String {
    let mut s = String::from("CAST(CASE");
    for k in (1..n).rev() {
        s.push_str(&format!(" WHEN {col} >= ? THEN {k}"));
    }
    s.push_str(" ELSE 0 END AS {bigint})");
    s
}

fn bucket_params<T: Into<crate::storage::Value> + Copy>(
    bounds: &[T],
) -> Vec<crate::storage::Value> {
    bounds.iter().skip(1).rev().map(|b| (*b).into()).collect()
}

/// Invoiced (void excluded) and collected (successful payments) per month. `months` are the
/// months' first days, ascending, and `end` the day after the last month; one total per month,
/// zero where nothing happened. One statement per month, each summing one range of the
/// covering indexes of migration 0012 (measured faster than one grouped scan of the year).
pub async fn monthly_totals(
    ex: &mut dyn Exec,
    months: &[NaiveDate],
    end: NaiveDate,
) -> Result<Vec<MonthTotals>, StoreError> {
    let sql = "SELECT \
         (SELECT COALESCE(CAST(SUM(total_minor) AS {bigint}), 0) FROM invoices \
            WHERE invoice_date >= ? AND invoice_date < ? AND status <> 'void'), \
         (SELECT COALESCE(CAST(SUM(amount_minor) AS {bigint}), 0) FROM payments \
            WHERE payment_date >= ? AND payment_date < ? AND status = 'success')";
    let mut out = Vec::with_capacity(months.len());
    for (k, &month) in months.iter().enumerate() {
        let next = months.get(k + 1).copied().unwrap_or(end);
        let (invoiced, collected): (Money, Money) =
            ex.one(sql, params![month, next, month, next]).await?;
        out.push(MonthTotals {
            month,
            invoiced,
            collected,
        });
    }
    Ok(out)
}

/// Subscriptions active and suspended now.
pub async fn subscription_counts(ex: &mut dyn Exec) -> Result<(i64, i64), StoreError> {
    ex.one(
        "SELECT (SELECT COUNT(*) FROM subscriptions WHERE status = 'active'), \
         (SELECT COUNT(*) FROM subscriptions WHERE status = 'suspended')",
        &[],
    )
    .await
}

/// The status changes of subscriptions (creations included) since `bounds[0]`, counted per
/// (bucket, from, to): bucket `k` holds those at or after `bounds[k]` and before
/// `bounds[k + 1]`. Renewals are left out: a renewal that reactivates is also recorded as
/// its own `reactivated` event.
pub async fn status_changes(
    ex: &mut dyn Exec,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<StatusChanges>, StoreError> {
    let Some(&first) = bounds.first() else {
        return Ok(Vec::new());
    };
    let mut p = bucket_params(bounds);
    p.extend_from_slice(params![first]);
    let rows: Vec<(i64, Option<String>, Option<String>, i64)> = ex
        .all(
            &format!(
                "SELECT {b}, from_status, to_status, COUNT(*) FROM subscription_events \
                 WHERE kind IN ('created', 'status_changed', 'suspended', 'reactivated') \
                 AND created_at >= ? GROUP BY 1, from_status, to_status",
                b = bucket("created_at", bounds.len())
            ),
            &p,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(b, from, to, count)| StatusChanges {
            bucket: usize::try_from(b).unwrap_or(0),
            from,
            to,
            count,
        })
        .collect())
}

/// Open invoices now, counted and summed per aging bucket as of `date`
/// ([`AgingBucket::bounds`]).
pub async fn aging(
    ex: &mut dyn Exec,
    date: NaiveDate,
) -> Result<Vec<(AgingBucket, i64, Money)>, StoreError> {
    // Ascending boundaries for `bucket`: below the first real one (90 days) is over 90.
    let [current, d30, d60, d90] = AgingBucket::bounds(date);
    let bounds = [NaiveDate::MIN, d90, d60, d30, current];
    let order = [
        AgingBucket::Over90,
        AgingBucket::Days61To90,
        AgingBucket::Days31To60,
        AgingBucket::Days1To30,
        AgingBucket::Current,
    ];
    let rows: Vec<(i64, i64, Money)> = ex
        .all(
            &format!(
                "SELECT {b}, COUNT(*), CAST(SUM(total_minor - paid_minor) AS {{bigint}}) \
                 FROM invoices WHERE {OPEN} GROUP BY 1",
                b = bucket("due_date", bounds.len())
            ),
            &bucket_params(&bounds),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(b, n, owed)| Some((*order.get(usize::try_from(b).ok()?)?, n, owed)))
        .collect())
}

/// Successful payments dated `from`..=`to`, per day, method, who recorded them and the router
/// of the invoice's client; only `cashier`'s when given.
pub async fn collected(
    ex: &mut dyn Exec,
    from: NaiveDate,
    to: NaiveDate,
    cashier: Option<&str>,
) -> Result<Vec<Collected>, StoreError> {
    let mut p = params![from, to].to_vec();
    let only = match cashier {
        Some(c) => {
            p.push(c.into());
            " AND p.recorded_by = ?"
        }
        None => "",
    };
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        (NaiveDate, String, String),
        (Option<i64>, Option<String>, i64, Money),
    )> = ex
        .all(
            &format!(
                "SELECT p.payment_date, p.payment_method, p.recorded_by, c.router_id, r.name, \
                 COUNT(*), CAST(SUM(p.amount_minor) AS {{bigint}}) \
                 FROM payments p JOIN invoices i ON i.id = p.invoice_id \
                 JOIN clients c ON c.id = i.client_id LEFT JOIN routers r ON r.id = c.router_id \
                 WHERE p.status = 'success' AND p.payment_date >= ? AND p.payment_date <= ?{only} \
                 GROUP BY p.payment_date, p.payment_method, p.recorded_by, c.router_id, r.name"
            ),
            &p,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |((day, method, cashier), (router, name, payments, amount))| Collected {
                day,
                method,
                cashier,
                router: router.map(|id| (id, name.unwrap_or_default())),
                payments,
                amount,
            },
        )
        .collect())
}

/// Invoices dated `from`..=`to` (void excluded) per plan of their subscription, by plan name.
pub async fn revenue(
    ex: &mut dyn Exec,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PlanRevenue>, StoreError> {
    let rows: Vec<(i64, String, i64, Money, Money)> = ex
        .all(
            "SELECT pl.id, pl.name, COUNT(*), CAST(SUM(i.total_minor) AS {bigint}), \
             CAST(SUM(i.paid_minor) AS {bigint}) \
             FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id \
             JOIN plans pl ON pl.id = s.plan_id \
             WHERE i.invoice_date >= ? AND i.invoice_date <= ? AND i.status <> 'void' \
             GROUP BY pl.id, pl.name ORDER BY pl.name, pl.id",
            params![from, to],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(plan_id, plan_name, invoices, invoiced, paid)| PlanRevenue {
                plan_id,
                plan_name,
                invoices,
                invoiced,
                paid,
            },
        )
        .collect())
}

/// The payments `cashier` recorded from `start` to before `end`, oldest first.
pub async fn recorded_by(
    ex: &mut dyn Exec,
    cashier: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<CashierPayment>, StoreError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        (i64, i32, i64, String, Money),
        (String, String, Option<String>, NaiveDate, DateTime<Utc>),
    )> = ex
        .all(
            "SELECT p.id, i.invoice_year, i.invoice_seq, c.name, p.amount_minor, \
             p.payment_method, p.status, p.reference, p.payment_date, p.created_at \
             FROM payments p JOIN invoices i ON i.id = p.invoice_id \
             JOIN clients c ON c.id = i.client_id \
             WHERE p.recorded_by = ? AND p.created_at >= ? AND p.created_at < ? \
             ORDER BY p.created_at, p.id",
            params![cashier, start, end],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |((id, year, seq, client_name, amount), (method, status, reference, date, at))| {
                CashierPayment {
                    payment_id: id,
                    invoice_number: crate::domain::billing::invoice::number(year, seq),
                    client_name,
                    amount,
                    payment_method: method,
                    payment_status: status,
                    reference,
                    payment_date: date,
                    recorded_at: at,
                }
            },
        )
        .collect())
}
