//! Invoices, their numbers, and how payments settle them.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::domain::ids::{ClientId, InvoiceId, PaymentId, SubscriptionId};
use crate::domain::money::Money;
use crate::words;

words! {
    pub enum InvoiceStatus {
        Pending = "pending",
        PartiallyPaid = "partially_paid",
        Paid = "paid",
        Void = "void",
    }
}

impl InvoiceStatus {
    pub fn is_open(self) -> bool {
        matches!(self, InvoiceStatus::Pending | InvoiceStatus::PartiallyPaid)
    }
}

/// An invoice: one period of one subscription, numbered `INV-{year}-{seq}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: InvoiceId,
    pub year: i32,
    pub seq: i64,
    pub client_id: ClientId,
    pub subscription_id: SubscriptionId,
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
        number(self.year, self.seq)
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

/// An invoice as the original system's routes show it: with its client's name and the method
/// and date of its latest successful payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceView {
    pub invoice: Invoice,
    pub client_name: String,
    pub last_payment: Option<(String, NaiveDate)>,
}

/// What a listing of invoices asks for.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub status: Option<InvoiceStatus>,
    pub client_id: Option<ClientId>,
    pub subscription_id: Option<SubscriptionId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Open invoices due before this date.
    pub due_before: Option<NaiveDate>,
}

/// What a listing of payments asks for.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    pub invoice_id: Option<InvoiceId>,
    pub status: Option<PaymentStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Money received against an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub invoice_id: InvoiceId,
    pub amount: Money,
    pub payment_date: NaiveDate,
    pub payment_method: String,
    pub reference: Option<String>,
    pub status: PaymentStatus,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

/// `INV-2026-000123`: sequential per year, six digits (more past 999,999), never reused.
pub fn number(year: i32, seq: i64) -> String {
    format!("INV-{year}-{seq:06}")
}

/// The status an invoice has once `paid` of its `total` is settled.
pub fn status_for(total: Money, paid: Money) -> InvoiceStatus {
    if paid >= total {
        InvoiceStatus::Paid
    } else if paid > Money::ZERO {
        InvoiceStatus::PartiallyPaid
    } else {
        InvoiceStatus::Pending
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentRefused {
    NotPositive,
    InvoiceVoid,
    AlreadyPaid,
    /// The amount exceeds what is still owed (which is given).
    Overpayment {
        outstanding: Money,
    },
}

impl PaymentRefused {
    pub fn message(&self) -> String {
        match self {
            PaymentRefused::NotPositive => "must be greater than zero".into(),
            PaymentRefused::InvoiceVoid => "the invoice is void".into(),
            PaymentRefused::AlreadyPaid => "the invoice is already paid".into(),
            PaymentRefused::Overpayment { outstanding } => {
                format!("exceeds the amount outstanding ({outstanding})")
            }
        }
    }
}

/// Checks a payment of `amount` against an invoice; returns the new paid total.
/// `reserved` is money of pending payments, which a confirmation may still add.
pub fn accept_payment(
    status: InvoiceStatus,
    total: Money,
    paid: Money,
    reserved: Money,
    amount: Money,
) -> Result<Money, PaymentRefused> {
    if amount <= Money::ZERO {
        return Err(PaymentRefused::NotPositive);
    }
    match status {
        InvoiceStatus::Void => return Err(PaymentRefused::InvoiceVoid),
        InvoiceStatus::Paid => return Err(PaymentRefused::AlreadyPaid),
        _ => {}
    }
    let outstanding = total
        .checked_sub(paid)
        .and_then(|o| o.checked_sub(reserved))
        .unwrap_or(Money::ZERO);
    if amount > outstanding {
        return Err(PaymentRefused::Overpayment { outstanding });
    }
    paid.checked_add(amount)
        .ok_or(PaymentRefused::Overpayment { outstanding })
}

/// Whether an open invoice due on `due_date` is past its grace on `today`: the last day to
/// pay is `due_date + grace_days`; the day after, the subscription is cut off.
pub fn past_grace(due_date: NaiveDate, grace_days: u32, today: NaiveDate) -> bool {
    due_date
        .checked_add_days(Days::new(u64::from(grace_days)))
        .is_some_and(|last| today > last)
}

/// The latest due date that is past its grace on `today` (for set-based cut-off queries).
pub fn overdue_cutoff(today: NaiveDate, grace_days: u32) -> Option<NaiveDate> {
    today.checked_sub_days(Days::new(u64::from(grace_days) + 1))
}

words! {
    pub enum PaymentStatus {
        Success = "success",
        /// Counted once confirmed; holds its share of what is owed meanwhile.
        Pending = "pending",
        Failed = "failed",
    }
}

/// The payment methods a provider accepts until an admin saves its own list (setting
/// `payment_methods`): the original system's four and the two most Indonesian payers use.
/// A payment with a method not in the list in effect is refused, so reports stay clean.
pub const DEFAULT_PAYMENT_METHODS: &[&str] = &[
    "cash",
    "bank_transfer",
    "credit_card",
    "e_wallet",
    "qris",
    "virtual_account",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(number(2026, 123), "INV-2026-000123");
        assert_eq!(number(2026, 1_234_567), "INV-2026-1234567");
    }

    #[test]
    fn partial_payments_add_up_and_overpayment_is_refused() {
        let total = m("100000.00");
        let paid = accept_payment(
            InvoiceStatus::Pending,
            total,
            Money::ZERO,
            Money::ZERO,
            m("40000"),
        )
        .unwrap();
        assert_eq!(status_for(total, paid), InvoiceStatus::PartiallyPaid);
        let err = accept_payment(
            InvoiceStatus::PartiallyPaid,
            total,
            paid,
            Money::ZERO,
            m("60000.01"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            PaymentRefused::Overpayment {
                outstanding: m("60000")
            }
        );
        assert_eq!(err.message(), "exceeds the amount outstanding (60000.00)");
        let paid = accept_payment(
            InvoiceStatus::PartiallyPaid,
            total,
            paid,
            Money::ZERO,
            m("60000"),
        )
        .unwrap();
        assert_eq!(status_for(total, paid), InvoiceStatus::Paid);
        assert_eq!(
            accept_payment(InvoiceStatus::Paid, total, paid, Money::ZERO, m("1")),
            Err(PaymentRefused::AlreadyPaid)
        );
        assert_eq!(
            accept_payment(InvoiceStatus::Void, total, Money::ZERO, Money::ZERO, m("1")),
            Err(PaymentRefused::InvoiceVoid)
        );
        assert_eq!(
            accept_payment(
                InvoiceStatus::Pending,
                total,
                Money::ZERO,
                Money::ZERO,
                m("0")
            ),
            Err(PaymentRefused::NotPositive)
        );
        // Pending payments hold their share of what is owed.
        assert!(
            accept_payment(
                InvoiceStatus::Pending,
                total,
                Money::ZERO,
                m("90000"),
                m("20000")
            )
            .is_err()
        );
    }

    #[test]
    fn grace_periods() {
        assert!(
            !past_grace(d("2025-01-03"), 0, d("2025-01-03")),
            "the due date itself is fine"
        );
        assert!(past_grace(d("2025-01-03"), 0, d("2025-01-04")));
        assert!(!past_grace(d("2025-01-03"), 2, d("2025-01-05")));
        assert!(past_grace(d("2025-01-03"), 2, d("2025-01-06")));
        assert_eq!(overdue_cutoff(d("2025-01-04"), 0), Some(d("2025-01-03")));
        assert_eq!(overdue_cutoff(d("2025-01-06"), 2), Some(d("2025-01-03")));
    }
}
