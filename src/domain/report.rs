//! Figures over the books, as reports show them.

use chrono::NaiveDate;

use super::money::Money;

/// Totals for a date range, and the state of the books now; the JSON of `/reports/summary`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
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
