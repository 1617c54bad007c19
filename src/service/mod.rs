//! Application services: each use case once, called by every route that offers it (the API,
//! the original system's routes, the console). A use case is an outer function (the role
//! check, validation, sealing secrets, logging, waking the router worker after commit) and,
//! where it writes, an inner `…_tx(ex: &mut dyn Exec, …)` that does the transaction's work and
//! can be called from another transaction (renewal inside a payment, import batches).

pub mod audit;
pub mod auth;
pub mod backup;
pub mod billing;
pub mod clients;
pub mod collection;
pub mod documents;
mod error;
pub mod idempotency;
pub mod import;
pub mod invoices;
pub mod keys;
pub mod metrics;
pub mod notice;
pub mod notifications;
pub mod online_payments;
pub mod payments;
pub mod plans;
pub mod portal;
pub mod reports;
pub mod routers;
pub mod settings;
pub mod subscriptions;

pub use error::AppError;

use crate::domain::user::{Actor, Role};

/// A page of a listing, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub(crate) fn limit_offset(self) -> (i64, i64) {
        let per = i64::from(self.per_page);
        (per, (i64::from(self.page) - 1) * per)
    }
}

/// How long a daily task waits from `now` (in the provider's time zone) until the next `at`
/// local time: today's if it is still ahead, else tomorrow's. At most an hour, so that a
/// changed clock or time zone is noticed; a minute when the local time does not exist.
pub(crate) fn until_next(
    now: chrono::DateTime<chrono_tz::Tz>,
    at: chrono::NaiveTime,
) -> std::time::Duration {
    use std::time::Duration;
    let today = now.date_naive();
    let day = if now.time() >= at {
        today.succ_opt().unwrap_or(today)
    } else {
        today
    };
    day.and_time(at)
        .and_local_timezone(now.timezone())
        .earliest()
        .and_then(|t| {
            (t.with_timezone(&chrono::Utc) - now.with_timezone(&chrono::Utc))
                .to_std()
                .ok()
        })
        .unwrap_or(Duration::from_secs(60))
        .min(Duration::from_secs(3600))
}

/// Refuses the caller unless `allowed` says their role may act.
pub(crate) fn require(
    actor: &Actor,
    allowed: fn(Role) -> bool,
    refusal: &'static str,
) -> Result<(), AppError> {
    if allowed(actor.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden(refusal))
    }
}

/// Runs `attempt` again, after a short pause, when the database chose its transaction as a
/// deadlock victim or was busy ([`StoreError::Busy`](crate::storage::StoreError::Busy): the
/// whole transaction was rolled back, so it is safe to repeat), at most five more times. For
/// short writes that contend on the same rows from several server processes.
pub(crate) async fn retry_busy<T, F, Fut>(mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(AppError::Store(crate::storage::StoreError::Busy)) if tries < 5 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(10 << tries)).await;
            }
            other => return other,
        }
    }
}

/// Maps a foreign key's refusal of a delete (something still refers to the row) to a 409
/// naming what; other errors pass through.
pub(crate) fn in_use(
    field: &'static str,
    message: &'static str,
) -> impl Fn(crate::storage::StoreError) -> AppError {
    move |e| match e {
        crate::storage::StoreError::ForeignKey(_) => AppError::Conflict {
            field,
            message: message.into(),
        },
        e => e.into(),
    }
}

/// Runs `body` (an expression awaiting on the executor `ex`, typically a repository call or a
/// service's `…_tx` function) in one transaction of `app.db`: `tx!(app, read, |ex| …)` sees one
/// consistent snapshot (`tx!(app, lookup, |ex| …)` for one by a key that reads a bounded
/// number of rows, see `Db::lookup`), `tx!(app, write, |ex| …)` commits when `body` succeeds and rolls back
/// otherwise, `tx!(app, rehearse, |ex| …)` always rolls back (a dry run). The body's error, a
/// `StoreError` or an `AppError`, becomes an `AppError`.
#[macro_export]
macro_rules! tx {
    ($app:expr, $mode:ident, |$ex:ident| $body:expr) => {
        $app.db.$mode(move |$ex| {
            Box::pin(async move {
                // The body's error may already be an AppError: converting is then a no-op.
                #[allow(clippy::needless_question_mark)]
                let r = Ok::<_, $crate::service::AppError>($body.await?);
                r
            })
        })
    };
}

#[cfg(test)]
mod until_next_tests {
    use super::until_next;
    use chrono::{NaiveTime, TimeZone};
    use std::time::Duration;

    #[test]
    fn the_next_local_time_is_today_or_tomorrow_and_at_most_an_hour_away() {
        let tz = chrono_tz::Asia::Jakarta;
        let at = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let before = tz.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        assert_eq!(until_next(before, at), Duration::from_secs(1800));
        let after = tz.with_ymd_and_hms(2026, 12, 1, 2, 30, 0).unwrap();
        assert_eq!(until_next(after, at), Duration::from_secs(3600));
        let evening = tz.with_ymd_and_hms(2026, 12, 1, 23, 59, 0).unwrap();
        assert_eq!(until_next(evening, at), Duration::from_secs(3600));
        let close = tz.with_ymd_and_hms(2026, 12, 1, 2, 29, 0).unwrap();
        assert_eq!(until_next(close, at), Duration::from_secs(60));
    }
}
