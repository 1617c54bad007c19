//! Billing periods and calendar arithmetic.
//!
//! A subscription's `end_date` is the last day of service, inclusive. The period that follows
//! starts the day after the old end date (not the payment date) and ends the day before that
//! start plus the period, so a subscription ending 31 Jan renews to 28 Feb (29 in a leap year),
//! one ending 29 Feb renews to 31 Mar, and one started on the 1st always ends on a month's last
//! day. When the start day does not exist in the month the period reaches (a period starting
//! on the 29th to 31st), the period runs to that month's last day: started 31 Jan, it ends
//! 29 Feb, and the next periods run 1–31 Mar, 1–30 Apr. The original day of the month is not
//! restored after such a clamp.

use chrono::{Datelike, Days, Months, NaiveDate};

crate::words! {
    /// The unit of a plan's billing period.
    pub enum PeriodUnit {
        Day = "day",
        Month = "month",
    }
}

/// A plan's billing period: `count` days or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub unit: PeriodUnit,
    pub count: u32,
}

impl Period {
    pub const MONTHLY: Period = Period {
        unit: PeriodUnit::Month,
        count: 1,
    };

    /// `date` moved forward by this period (clamped to the month's end for months).
    pub fn add_to(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            PeriodUnit::Day => date.checked_add_days(Days::new(u64::from(self.count))),
            PeriodUnit::Month => date.checked_add_months(Months::new(self.count)),
        }
    }

    /// The period of service that follows a subscription ending on `end_date`.
    pub fn next_after(self, end_date: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let start = end_date.succ_opt()?;
        Some((start, self.first_end(start)?))
    }

    /// The inclusive end of a period starting on `start`.
    pub fn first_end(self, start: NaiveDate) -> Option<NaiveDate> {
        let next = self.add_to(start)?;
        if self.unit == PeriodUnit::Month && next.day() < start.day() {
            // The start day does not exist in the target month: run to its last day.
            Some(next)
        } else {
            next.pred_opt()
        }
    }
}

/// Whether `date` is the last day of its month.
pub fn is_month_end(date: NaiveDate) -> bool {
    date.succ_opt().is_some_and(|d| d.month() != date.month())
}

/// The first instant of the calendar day `date` in `tz`. Where a DST jump skips midnight, the
/// day starts at the first instant after it.
pub fn day_start(date: NaiveDate, tz: chrono_tz::Tz) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let midnight = date.and_hms_opt(0, 0, 0)?;
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_seed_subscription_renews_into_january() {
        let (start, end) = Period::MONTHLY.next_after(d("2024-12-31")).unwrap();
        assert_eq!((start, end), (d("2025-01-01"), d("2025-01-31")));
    }

    fn renewals(period: Period, mut end: NaiveDate, n: usize) -> Vec<NaiveDate> {
        (0..n)
            .map(|_| {
                end = period.next_after(end).unwrap().1;
                end
            })
            .collect()
    }

    #[test]
    fn month_ends_clamp_in_leap_and_common_years() {
        let m = Period::MONTHLY;
        assert_eq!(m.next_after(d("2024-01-31")).unwrap().1, d("2024-02-29"));
        assert_eq!(m.next_after(d("2025-01-31")).unwrap().1, d("2025-02-28"));
        assert_eq!(
            renewals(m, d("2024-01-31"), 4),
            [
                d("2024-02-29"),
                d("2024-03-31"),
                d("2024-04-30"),
                d("2024-05-31")
            ],
            "month-end subscriptions stay on month ends"
        );
        assert_eq!(
            renewals(m, d("2024-01-30"), 3),
            [d("2024-02-29"), d("2024-03-31"), d("2024-04-30")],
            "started on the 31st: to February's end, then whole months (documented)"
        );
        assert_eq!(m.first_end(d("2025-01-31")), Some(d("2025-02-28")));
        assert_eq!(m.first_end(d("2024-03-31")), Some(d("2024-04-30")));
        assert_eq!(m.first_end(d("2024-03-15")), Some(d("2024-04-14")));
        let yearly = Period {
            unit: PeriodUnit::Month,
            count: 12,
        };
        assert_eq!(
            renewals(yearly, d("2024-02-28"), 2),
            [d("2025-02-28"), d("2026-02-28")]
        );
        assert_eq!(renewals(yearly, d("2024-02-29"), 1), [d("2025-02-28")]);
    }

    #[test]
    fn first_periods_from_the_first_of_a_month_end_on_month_ends() {
        let m = Period::MONTHLY;
        let mut start = d("2024-01-01");
        let mut ends = Vec::new();
        for _ in 0..3 {
            let end = m.first_end(start).unwrap();
            ends.push(end);
            start = end.succ_opt().unwrap();
        }
        assert_eq!(ends, [d("2024-01-31"), d("2024-02-29"), d("2024-03-31")]);
        assert!(ends.iter().all(|e| is_month_end(*e)));
    }

    #[test]
    fn day_periods() {
        let week = Period {
            unit: PeriodUnit::Day,
            count: 7,
        };
        assert_eq!(
            week.next_after(d("2024-02-26")),
            Some((d("2024-02-27"), d("2024-03-04")))
        );
        assert_eq!(
            renewals(week, d("2024-02-26"), 2),
            [d("2024-03-04"), d("2024-03-11")]
        );
        assert_eq!(week.first_end(d("2024-02-26")), Some(d("2024-03-03")));
        assert_eq!(PeriodUnit::parse("month"), Some(PeriodUnit::Month));
        assert_eq!(PeriodUnit::parse("year"), None);
    }
}
