//! Summary figures for a date range (admin).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use parking_lot::Mutex;

use super::{AppError, require};
use crate::app::App;
use crate::domain::billing::run::BillingRun;
use crate::domain::report::{
    Figures, MonthTotals, SubscriberPoint, Summary, subscribers_over_time,
};
use crate::domain::user::{Actor, Role};
use crate::storage::StoreError;
use crate::storage::repo::{billing, reports};
use crate::tx;

pub async fn summary(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Summary, AppError> {
    require(actor, Role::reads_reports, "only an admin may read reports")?;
    if to < from {
        return Err(AppError::bad_request("to", "must not be before from"));
    }
    let today = app.today();
    tx!(app, read, |ex| reports::summary(ex, from, to, today)).await
}

/// What the console's dashboard shows (every role sees it).
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub figures: Figures,
    /// Routers the workers last reached, could not reach, and have not tried yet.
    pub routers_up: usize,
    pub routers_down: usize,
    pub routers_unknown: usize,
    pub last_run: Option<BillingRun>,
    /// The last 12 months, oldest first, the current month last.
    pub months: Vec<MonthTotals>,
    /// Subscribers at the end of each of the 11 months before this one, and today.
    pub subscribers: Vec<SubscriberPoint>,
}

/// The charts' figures cover a year of invoices and payments (1.2 million rows for 100,000
/// clients); they are computed at most once a minute per server and date, and shared.
const CHARTS_FOR: Duration = Duration::from_secs(60);

type Charts = (Vec<MonthTotals>, Vec<SubscriberPoint>);

/// Computed charts: the app's worker id, today, when, what.
type Cached = (String, NaiveDate, Instant, Arc<Charts>);

static CHARTS: Mutex<Vec<Cached>> = Mutex::new(Vec::new());

/// The dashboard for `today` (the provider's date, `app.today()`).
///
/// The figures are read now, in one snapshot. The charts may be up to a minute old (see
/// [`CHARTS_FOR`]). The subscribers chart is derived from the subscriptions' status history:
/// the counts of active and suspended subscriptions now, walked back through every recorded
/// status change (creations, status changes, suspensions, reactivations) to the end of each
/// month in the provider's time zone ([`subscribers_over_time`]). A subscription counts from
/// when it was recorded; one deleted since is in no point (its history went with it).
pub async fn dashboard(app: &App, _actor: &Actor, today: NaiveDate) -> Result<Dashboard, AppError> {
    let week_end = today + Days::new(6);
    let month_start = today.with_day(1).unwrap_or(today);
    let (figures, last_run) = tx!(app, read, |ex| async move {
        let f = reports::figures(ex, today, week_end, month_start).await?;
        let run = billing::runs(ex, 1).await?.into_iter().next();
        Ok::<_, StoreError>((f, run))
    })
    .await?;
    let routers = super::routers::views(app).await?;
    let count = |want: Option<bool>| {
        routers
            .iter()
            .filter(|v| v.health.reachable == want)
            .count()
    };
    let (months, subscribers) = (*charts(app, today).await?).clone();
    Ok(Dashboard {
        today,
        figures,
        routers_up: count(Some(true)),
        routers_down: count(Some(false)),
        routers_unknown: count(None),
        last_run,
        months,
        subscribers,
    })
}

async fn charts(app: &App, today: NaiveDate) -> Result<Arc<Charts>, AppError> {
    let fresh =
        |(w, d, at, _): &Cached| *w == app.worker_id && *d == today && at.elapsed() < CHARTS_FOR;
    if let Some(hit) = CHARTS.lock().iter().find(|e| fresh(e)) {
        return Ok(hit.3.clone());
    }
    let month_start = today.with_day(1).unwrap_or(today);
    let months: Vec<NaiveDate> = (0..12u32)
        .rev()
        .filter_map(|k| month_start.checked_sub_months(Months::new(k)))
        .collect();
    let end = month_start
        .checked_add_months(Months::new(1))
        .unwrap_or(today);
    // Points: the last day of each earlier month, then today; a month's point is the instant
    // its last day ends in the provider's zone.
    let mut dates: Vec<NaiveDate> = months[1..].iter().filter_map(|m| m.pred_opt()).collect();
    dates.push(today);
    let tz = app.settings().tz();
    let bounds: Vec<DateTime<Utc>> = dates[..dates.len() - 1]
        .iter()
        .filter_map(|d| {
            let next = d.succ_opt()?.and_hms_opt(0, 0, 0)?;
            Some(
                tz.from_local_datetime(&next)
                    .earliest()?
                    .with_timezone(&Utc),
            )
        })
        .collect();
    let (totals, (active, suspended), changes) = tx!(app, read, |ex| async move {
        let totals = reports::monthly_totals(ex, &months, end).await?;
        let counts = reports::subscription_counts(ex).await?;
        let changes = reports::status_changes(ex, &bounds).await?;
        Ok::<_, StoreError>((totals, counts, changes))
    })
    .await?;
    let points = subscribers_over_time(&dates, active, suspended, &changes);
    let charts = Arc::new((totals, points));
    let mut cache = CHARTS.lock();
    cache.retain(|e| fresh(e) || e.0 != app.worker_id);
    cache.retain(|e| e.2.elapsed() < CHARTS_FOR);
    cache.push((app.worker_id.clone(), today, Instant::now(), charts.clone()));
    Ok(charts)
}
