//! Subscriptions: a client on a plan for a run of periods, and the status rules.

use chrono::NaiveDate;

use super::period::Period;
use crate::domain::validation::FieldErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Active,
    /// Cut off for non-payment (or held by an operator).
    Suspended,
    Expired,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Suspended,
        Status::Expired,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Suspended => "suspended",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether an operator may move a subscription from `self` to `to`. Cancellation is final:
    /// a cancelled client who returns gets a new subscription, so the history stays readable.
    pub fn may_become(self, to: Status) -> bool {
        self != to && self != Status::Cancelled
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub client_id: i64,
    pub plan_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: Status,
}

/// Checks the dates of a new subscription; without an end date it runs one period.
pub fn dates(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    period: Period,
) -> Result<(NaiveDate, NaiveDate), FieldErrors> {
    let Some(start) = start else {
        return Err(FieldErrors::single("start_date", "is required"));
    };
    let end = match end {
        Some(end) => end,
        None => period
            .first_end(start)
            .ok_or_else(|| FieldErrors::single("start_date", "is out of range"))?,
    };
    if end < start {
        return Err(FieldErrors::single(
            "end_date",
            "must not be before start_date",
        ));
    }
    Ok((start, end))
}

/// What happens to a subscription when one of its invoices becomes fully paid: the end date
/// moves to the end of the period that invoice covered (never backwards), and a subscription
/// cut off for non-payment comes back unless something else still holds it.
pub fn on_invoice_paid(
    sub: &Subscription,
    period_end: NaiveDate,
    still_overdue: bool,
) -> (NaiveDate, Status) {
    let end = sub.end_date.max(period_end);
    let status = if sub.status == Status::Suspended && !still_overdue {
        Status::Active
    } else {
        sub.status
    };
    (end, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn sub(status: Status) -> Subscription {
        Subscription {
            id: 1,
            client_id: 1,
            plan_id: 1,
            start_date: d("2024-01-01"),
            end_date: d("2024-12-31"),
            status,
        }
    }

    #[test]
    fn statuses_and_transitions() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("inactive"), None);
        assert!(Status::Active.may_become(Status::Suspended));
        assert!(Status::Suspended.may_become(Status::Active));
        assert!(!Status::Cancelled.may_become(Status::Active));
        assert!(!Status::Active.may_become(Status::Active));
    }

    #[test]
    fn default_end_is_one_period() {
        assert_eq!(
            dates(Some(d("2024-01-01")), None, Period::MONTHLY).unwrap(),
            (d("2024-01-01"), d("2024-01-31"))
        );
        assert_eq!(
            dates(
                Some(d("2024-01-01")),
                Some(d("2024-12-31")),
                Period::MONTHLY
            )
            .unwrap()
            .1,
            d("2024-12-31")
        );
        assert!(
            dates(None, None, Period::MONTHLY)
                .unwrap_err()
                .0
                .contains_key("start_date")
        );
        assert!(
            dates(
                Some(d("2024-02-01")),
                Some(d("2024-01-31")),
                Period::MONTHLY
            )
            .unwrap_err()
            .0
            .contains_key("end_date")
        );
    }

    #[test]
    fn payment_renews_from_the_old_end_date_and_lifts_a_cut_off() {
        let (end, status) = on_invoice_paid(&sub(Status::Suspended), d("2025-01-31"), false);
        assert_eq!((end, status), (d("2025-01-31"), Status::Active));
        let (_, status) = on_invoice_paid(&sub(Status::Suspended), d("2025-01-31"), true);
        assert_eq!(
            status,
            Status::Suspended,
            "another overdue invoice keeps it cut off"
        );
        let (end, _) = on_invoice_paid(&sub(Status::Active), d("2024-06-30"), false);
        assert_eq!(
            end,
            d("2024-12-31"),
            "an old invoice paid late never moves the end back"
        );
        let (_, status) = on_invoice_paid(&sub(Status::Cancelled), d("2025-01-31"), false);
        assert_eq!(status, Status::Cancelled);
    }
}
