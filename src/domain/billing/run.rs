//! Billing runs: who started one, for which date, and the window of dates a run over HTTP
//! may take.

use chrono::{DateTime, NaiveDate, Utc};

use crate::words;

words! {
    /// What a run did: generation of invoices, or cut-offs of unpaid subscriptions.
    pub enum RunKind {
        Generation = "generation",
        CutOff = "cut_off",
    }
}

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingRun {
    pub id: i64,
    pub kind: RunKind,
    pub run_date: NaiveDate,
    /// A user name, `system:scheduler` (the daily run) or `system:cli` (the command).
    pub actor: String,
    /// Run for a date outside the window, by an admin's `force=true`.
    pub forced: bool,
    pub created: i64,
    pub suspended: i64,
    pub started_at: DateTime<Utc>,
}

/// Whether `date` is within `window_days` of `today`; the message says the window when not.
pub fn within_window(date: NaiveDate, today: NaiveDate, window_days: u32) -> Result<(), String> {
    let days = (date - today).num_days().abs();
    if days <= i64::from(window_days) {
        return Ok(());
    }
    let w = chrono::Days::new(u64::from(window_days));
    let (from, to) = (
        today.checked_sub_days(w).unwrap_or(today),
        today.checked_add_days(w).unwrap_or(today),
    );
    Err(format!(
        "must be within {window_days} days of today ({from} to {to}); an admin may add \
         force=true to run for another date"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_inclusive_on_both_sides() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(within_window(d(2026, 4, 1), today, 31).is_ok());
        assert!(within_window(d(2026, 1, 29), today, 31).is_ok());
        let e = within_window(d(2026, 4, 2), today, 31).unwrap_err();
        assert!(e.contains("2026-01-29 to 2026-04-01"), "{e}");
        assert!(within_window(d(2099, 2, 1), today, 31).is_err());
    }
}
