//! Figures over the books, as reports show them.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use super::money::Money;
use crate::words;

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

/// A sum of amounts the books hold (each far below the limit): saturating, never wrapping.
fn plus(a: Money, b: Money) -> Money {
    Money::from_minor(a.minor().saturating_add(b.minor()))
}

words! {
    /// How far past its due date an open invoice is, on the report's date.
    pub enum AgingBucket {
        /// Not past due: due on the date or later.
        Current = "current",
        Days1To30 = "1-30",
        Days31To60 = "31-60",
        Days61To90 = "61-90",
        Over90 = "over_90",
    }
}

impl AgingBucket {
    /// The earliest due date of each bucket but the last, as of `date`: an invoice due on or
    /// after `bounds[0]` (the date itself) is current, on or after `bounds[1]` (30 days
    /// before) 1–30 days past due, and so on; one due before `bounds[3]` is over 90.
    pub fn bounds(date: NaiveDate) -> [NaiveDate; 4] {
        [0, 30, 60, 90].map(|d| {
            date.checked_sub_days(Days::new(d))
                .unwrap_or(NaiveDate::MIN)
        })
    }

    /// The bucket of an invoice due on `due`, as of `date`.
    pub fn of(due: NaiveDate, date: NaiveDate) -> AgingBucket {
        let b = Self::bounds(date);
        match () {
            _ if due >= b[0] => AgingBucket::Current,
            _ if due >= b[1] => AgingBucket::Days1To30,
            _ if due >= b[2] => AgingBucket::Days31To60,
            _ if due >= b[3] => AgingBucket::Days61To90,
            _ => AgingBucket::Over90,
        }
    }
}

/// Open invoices in one aging bucket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AgingRow {
    pub bucket: AgingBucket,
    pub invoices: i64,
    /// Still owed on them (total less what was paid; pending payments not deducted).
    pub outstanding: Money,
}

/// The aging of the invoices open now; the JSON of `/reports/aging`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Aging {
    /// The date days past due are counted to (today in the provider's zone).
    pub date: NaiveDate,
    /// Every bucket, in order, empty ones included.
    pub buckets: Vec<AgingRow>,
    pub invoices: i64,
    pub outstanding: Money,
}

impl Aging {
    /// The report from per-bucket counts and amounts (buckets missing count zero).
    pub fn new(date: NaiveDate, found: &[(AgingBucket, i64, Money)]) -> Aging {
        let buckets: Vec<AgingRow> = AgingBucket::ALL
            .iter()
            .map(|&bucket| {
                let (invoices, outstanding) = found
                    .iter()
                    .filter(|f| f.0 == bucket)
                    .fold((0, Money::ZERO), |(n, m), f| (n + f.1, plus(m, f.2)));
                AgingRow {
                    bucket,
                    invoices,
                    outstanding,
                }
            })
            .collect();
        Aging {
            date,
            invoices: buckets.iter().map(|b| b.invoices).sum(),
            outstanding: buckets
                .iter()
                .fold(Money::ZERO, |m, b| plus(m, b.outstanding)),
            buckets,
        }
    }
}

words! {
    /// What collections are grouped by.
    pub enum CollectionsBy {
        Day = "day",
        Month = "month",
        Method = "method",
        Cashier = "cashier",
        Router = "router",
    }
}

impl CollectionsBy {
    /// A comma-separated list (`day,method`), each at most once, day and month not both.
    pub fn parse_list(s: &str) -> Result<Vec<CollectionsBy>, String> {
        let mut out = Vec::new();
        for word in s.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let by = CollectionsBy::parse(word).ok_or_else(|| {
                "must be a comma-separated list of day, month, method, cashier, router".to_owned()
            })?;
            if out.contains(&by) {
                return Err("must name each group once".into());
            }
            out.push(by);
        }
        if out.contains(&CollectionsBy::Day) && out.contains(&CollectionsBy::Month) {
            return Err("may group by day or by month, not both".into());
        }
        Ok(out)
    }
}

/// Successful payments of one day, method, cashier and router, as read from the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    pub day: NaiveDate,
    pub method: String,
    pub cashier: String,
    /// The router of the invoice's client (None: the client is on no router).
    pub router: Option<(i64, String)>,
    pub payments: i64,
    pub amount: Money,
}

/// One row of `/reports/collections`: the groups asked for are set, the others absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct CollectionRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<NaiveDate>,
    /// `YYYY-MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    /// Who recorded the payments (a username, or `system:…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
    /// Grouped by router: the router's id (null: clients on no router).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub router_id: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub router_name: Option<Option<String>>,
    pub payments: i64,
    pub amount: Money,
}

/// Rolls `rows` up to the groups `by` names, in their order, sorted by those groups.
pub fn collections(rows: &[Collected], by: &[CollectionsBy]) -> Vec<CollectionRow> {
    use std::collections::BTreeMap;
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Part {
        Day(NaiveDate),
        Text(String),
        Router(Option<i64>),
    }
    let mut groups: BTreeMap<Vec<Part>, CollectionRow> = BTreeMap::new();
    for r in rows {
        let mut key = Vec::with_capacity(by.len());
        let mut row = CollectionRow::default();
        for b in by {
            match b {
                CollectionsBy::Day => {
                    key.push(Part::Day(r.day));
                    row.day = Some(r.day);
                }
                CollectionsBy::Month => {
                    let month = format!("{:04}-{:02}", r.day.year(), r.day.month());
                    key.push(Part::Text(month.clone()));
                    row.month = Some(month);
                }
                CollectionsBy::Method => {
                    key.push(Part::Text(r.method.clone()));
                    row.payment_method = Some(r.method.clone());
                }
                CollectionsBy::Cashier => {
                    key.push(Part::Text(r.cashier.clone()));
                    row.cashier = Some(r.cashier.clone());
                }
                CollectionsBy::Router => {
                    key.push(Part::Router(r.router.as_ref().map(|x| x.0)));
                    row.router_id = Some(r.router.as_ref().map(|x| x.0));
                    row.router_name = Some(r.router.as_ref().map(|x| x.1.clone()));
                }
            }
        }
        let g = groups.entry(key).or_insert(row);
        g.payments += r.payments;
        g.amount = plus(g.amount, r.amount);
    }
    groups.into_values().collect()
}

/// Invoices of one plan dated in a range; a row of `/reports/revenue`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PlanRevenue {
    pub plan_id: i64,
    pub plan_name: String,
    /// Invoices dated in the range, void ones excluded.
    pub invoices: i64,
    /// Their totals.
    pub invoiced: Money,
    /// What has been paid on them so far.
    pub paid: Money,
}

/// One payment a cashier recorded, in their day's report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CashierPayment {
    pub payment_id: i64,
    #[schema(example = "INV-2026-000123")]
    pub invoice_number: String,
    pub client_name: String,
    pub amount: Money,
    pub payment_method: String,
    pub payment_status: String,
    pub reference: Option<String>,
    pub payment_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// Successful payments of one method in a cashier's day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MethodTotal {
    pub payment_method: String,
    pub payments: i64,
    pub amount: Money,
}

/// What a cashier recorded on one day (by when it was recorded, in the provider's zone), for
/// handing in the cash; the JSON of `/reports/cashier-day`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CashierDay {
    pub date: NaiveDate,
    pub cashier: String,
    /// Every payment recorded, whatever its status, oldest first.
    pub payments: Vec<CashierPayment>,
    /// The successful ones by method (what to hand in), methods in name order.
    pub by_method: Vec<MethodTotal>,
    /// The successful ones in all.
    pub total: Money,
}

impl CashierDay {
    pub fn new(date: NaiveDate, cashier: String, payments: Vec<CashierPayment>) -> CashierDay {
        let mut by: std::collections::BTreeMap<&str, (i64, Money)> = Default::default();
        for p in payments.iter().filter(|p| p.payment_status == "success") {
            let e = by.entry(&p.payment_method).or_insert((0, Money::ZERO));
            e.0 += 1;
            e.1 = plus(e.1, p.amount);
        }
        let by_method: Vec<MethodTotal> = by
            .into_iter()
            .map(|(m, (n, a))| MethodTotal {
                payment_method: m.to_owned(),
                payments: n,
                amount: a,
            })
            .collect();
        let total = by_method.iter().fold(Money::ZERO, |t, m| plus(t, m.amount));
        CashierDay {
            date,
            cashier,
            payments,
            by_method,
            total,
        }
    }
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

    #[test]
    fn aging_buckets_count_days_past_due() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 31).unwrap();
        let due = |days: u64| date - Days::new(days);
        assert_eq!(
            AgingBucket::of(date + Days::new(3), date),
            AgingBucket::Current
        );
        assert_eq!(AgingBucket::of(due(0), date), AgingBucket::Current);
        assert_eq!(AgingBucket::of(due(1), date), AgingBucket::Days1To30);
        assert_eq!(AgingBucket::of(due(30), date), AgingBucket::Days1To30);
        assert_eq!(AgingBucket::of(due(31), date), AgingBucket::Days31To60);
        assert_eq!(AgingBucket::of(due(60), date), AgingBucket::Days31To60);
        assert_eq!(AgingBucket::of(due(61), date), AgingBucket::Days61To90);
        assert_eq!(AgingBucket::of(due(90), date), AgingBucket::Days61To90);
        assert_eq!(AgingBucket::of(due(91), date), AgingBucket::Over90);
        let a = Aging::new(
            date,
            &[
                (AgingBucket::Over90, 2, Money::from_minor(5)),
                (AgingBucket::Current, 1, Money::from_minor(7)),
            ],
        );
        assert_eq!(a.buckets.len(), 5);
        assert_eq!((a.invoices, a.outstanding), (3, Money::from_minor(12)));
        assert_eq!(a.buckets[2].invoices, 0);
    }

    #[test]
    fn collections_roll_up_to_the_groups_asked_for() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2024, 2, d).unwrap();
        let row = |d, m: &str, c: &str, r: Option<i64>, minor| Collected {
            day: day(d),
            method: m.into(),
            cashier: c.into(),
            router: r.map(|r| (r, format!("r{r}"))),
            payments: 1,
            amount: Money::from_minor(minor),
        };
        let rows = [
            row(1, "cash", "ani", Some(1), 100),
            row(1, "qris", "ani", None, 50),
            row(29, "cash", "budi", Some(1), 25),
        ];
        let by_method = collections(&rows, &[CollectionsBy::Method]);
        assert_eq!(by_method.len(), 2);
        assert_eq!(by_method[0].payment_method.as_deref(), Some("cash"));
        assert_eq!(
            (by_method[0].payments, by_method[0].amount),
            (2, Money::from_minor(125))
        );
        assert_eq!(by_method[0].day, None);
        let by_month = collections(&rows, &[CollectionsBy::Month]);
        assert_eq!(by_month.len(), 1);
        assert_eq!(by_month[0].month.as_deref(), Some("2024-02"));
        assert_eq!(by_month[0].amount, Money::from_minor(175));
        let by_router = collections(&rows, &[CollectionsBy::Router]);
        assert_eq!(by_router[0].router_id, Some(None));
        assert_eq!(by_router[1].router_name, Some(Some("r1".into())));
        let all = collections(&rows, &[]);
        assert_eq!((all.len(), all[0].payments), (1, 3));
        assert!(CollectionsBy::parse_list("day,month").is_err());
        assert!(CollectionsBy::parse_list("day,day").is_err());
        assert!(CollectionsBy::parse_list("week").is_err());
        assert_eq!(
            CollectionsBy::parse_list("day, method").unwrap(),
            vec![CollectionsBy::Day, CollectionsBy::Method]
        );
    }
}
