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

/// How many invoices, and what is still owed on them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    pub amount: Money,
}

/// The dashboard's figures for today (every figure is "now", dates in the provider's zone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Open invoices due today, and still owed on them.
    pub due_today: Tally,
    /// Open invoices due from today to six days on.
    pub due_week: Tally,
    /// Open invoices past their due date.
    pub overdue: Tally,
    /// Successful payments dated today.
    pub collected_today: Money,
    /// Successful payments dated from the first of this month to today.
    pub collected_month: Money,
    /// Clients with at least one suspended subscription.
    pub suspended_clients: i64,
    /// Router objects the workers gave up on (`failed`), on every router.
    pub failed_objects: i64,
}

/// One month of the invoiced-versus-collected chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthTotals {
    /// The month's first day.
    pub month: NaiveDate,
    /// Invoices dated in the month, void ones excluded.
    pub invoiced: Money,
    /// Successful payments dated in the month.
    pub collected: Money,
}

/// Subscribers at one point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriberPoint {
    pub date: NaiveDate,
    pub active: i64,
    pub suspended: i64,
}

/// Status changes of subscriptions in one period: `count` changes from `from` (`None`: the
/// subscription was created) to `to`. `bucket` is the index of the last point in time the
/// changes happened at or after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChanges {
    pub bucket: usize,
    pub from: Option<String>,
    pub to: Option<String>,
    pub count: i64,
}

/// Active and suspended subscribers at each of `dates` (oldest first; the last is now), from
/// the counts now and the status changes since the first date.
///
/// Walks back from now: a change after a point in time is undone for that point (a change to
/// `active` after it means one active fewer then, a change from `active` one more; the same
/// for `suspended`; a creation counts as a change from nothing). A change in bucket `b`
/// happened at or after point `b`, so it is undone for points `0..=b`.
pub fn subscribers_over_time(
    dates: &[NaiveDate],
    active_now: i64,
    suspended_now: i64,
    changes: &[StatusChanges],
) -> Vec<SubscriberPoint> {
    let n = dates.len();
    // undo[b]: what changes in bucket b added to (active, suspended).
    let mut added = vec![(0i64, 0i64); n];
    for c in changes {
        let Some(slot) = added.get_mut(c.bucket) else {
            continue;
        };
        let of = |s: &Option<String>, word: &str| i64::from(s.as_deref() == Some(word));
        slot.0 += c.count * (of(&c.to, "active") - of(&c.from, "active"));
        slot.1 += c.count * (of(&c.to, "suspended") - of(&c.from, "suspended"));
    }
    let mut out = vec![
        SubscriberPoint {
            date: NaiveDate::MIN,
            active: 0,
            suspended: 0,
        };
        n
    ];
    let (mut active, mut suspended) = (active_now, suspended_now);
    for k in (0..n).rev() {
        // Point k (not the last, which is now) is before the changes of buckets k.. .
        if k + 1 < n {
            active -= added[k].0;
            suspended -= added[k].1;
        }
        out[k] = SubscriberPoint {
            date: dates[k],
            active: active.max(0),
            suspended: suspended.max(0),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, 28).unwrap()
    }

    fn ch(bucket: usize, from: Option<&str>, to: &str, count: i64) -> StatusChanges {
        StatusChanges {
            bucket,
            from: from.map(str::to_owned),
            to: Some(to.to_owned()),
            count,
        }
    }

    #[test]
    fn changes_are_undone_for_the_points_before_them() {
        let dates = [d(1), d(2), d(3)];
        // Two created after point 0, one suspended after point 1.
        let changes = [
            ch(0, None, "active", 2),
            ch(1, Some("active"), "suspended", 1),
        ];
        let p = subscribers_over_time(&dates, 1, 1, &changes);
        assert_eq!(
            p.iter()
                .map(|p| (p.active, p.suspended))
                .collect::<Vec<_>>(),
            vec![(0, 0), (2, 0), (1, 1)]
        );
        assert_eq!(p[2].date, d(3));
    }

    #[test]
    fn no_changes_is_flat_and_no_dates_is_empty() {
        let p = subscribers_over_time(&[d(1), d(2)], 5, 2, &[]);
        assert!(p.iter().all(|p| p.active == 5 && p.suspended == 2));
        assert!(subscribers_over_time(&[], 5, 2, &[]).is_empty());
    }
}
