//! Summary figures for a date range (admin).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use parking_lot::Mutex;

use super::{AppError, require};
use crate::app::App;
use crate::domain::billing::invoice::{InvoiceFilter, InvoiceView, Payment};
use crate::domain::billing::period::day_start;
use crate::domain::billing::run::BillingRun;
use crate::domain::client::Client;
use crate::domain::ids::{ClientId, InvoiceId, PaymentId};
use crate::domain::report::{
    self, Aging, CashierDay, CollectionRow, CollectionsBy, Figures, MonthTotals, PlanRevenue,
    SubscriberPoint, Summary, subscribers_over_time,
};
use crate::domain::user::{Actor, Role};
use crate::storage::StoreError;
use crate::storage::repo::{billing, payments, reports};
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

/// The longest range a report covers, in days (about ten years).
const LONGEST_RANGE: i64 = 3660;

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    if to < from {
        return Err(AppError::bad_request("to", "must not be before from"));
    }
    if (to - from).num_days() >= LONGEST_RANGE {
        return Err(AppError::bad_request(
            "from",
            "must be less than 3660 days before to",
        ));
    }
    Ok(())
}

const ADMIN_ONLY: &str = "only an admin may read reports";

/// Open invoices now by days past their due date, counted to today (admin).
pub async fn aging(app: &App, actor: &Actor) -> Result<Aging, AppError> {
    require(actor, Role::reads_reports, ADMIN_ONLY)?;
    let today = app.today();
    let found = tx!(app, read, |ex| reports::aging(ex, today)).await?;
    Ok(Aging::new(today, &found))
}

/// Whose collections a caller may read: an admin everyone's (or one cashier's), a cashier
/// only their own; an operator none.
fn collections_of<'a>(
    actor: &'a Actor,
    cashier: Option<&'a str>,
) -> Result<Option<&'a str>, AppError> {
    match actor.role {
        Role::Admin => Ok(cashier),
        Role::Cashier if cashier.is_none_or(|c| c == actor.username) => {
            Ok(Some(actor.username.as_str()))
        }
        Role::Cashier => Err(AppError::Forbidden(
            "a cashier may read only their own collections",
        )),
        Role::Operator => Err(AppError::Forbidden(
            "only an admin or a cashier may read collections",
        )),
    }
}

/// Successful payments dated `from`..=`to`, grouped by `by` (admin: everyone's or
/// `cashier`'s; a cashier: their own).
pub async fn collections(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    by: &[CollectionsBy],
    cashier: Option<&str>,
) -> Result<Vec<CollectionRow>, AppError> {
    let only = collections_of(actor, cashier)?.map(str::to_owned);
    check_range(from, to)?;
    let rows = tx!(app, read, |ex| reports::collected(
        ex,
        from,
        to,
        only.as_deref()
    ))
    .await?;
    Ok(report::collections(&rows, by))
}

/// Invoiced and paid per plan over invoices dated `from`..=`to` (admin).
pub async fn revenue(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PlanRevenue>, AppError> {
    require(actor, Role::reads_reports, ADMIN_ONLY)?;
    check_range(from, to)?;
    tx!(app, read, |ex| reports::revenue(ex, from, to)).await
}

/// What `cashier` (default: the caller) recorded on `date`, a calendar day in the provider's
/// zone, counted by when each payment was recorded (anyone their own day; another's: admin).
pub async fn cashier_day(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
    cashier: Option<&str>,
) -> Result<CashierDay, AppError> {
    // Everyone who takes payments (every role may) reads their own day; another's is the
    // admin's, or refused as collections are.
    let who = match cashier {
        Some(c) if c != actor.username => collections_of(actor, cashier)?.unwrap_or(c).to_owned(),
        _ => actor.username.clone(),
    };
    let tz = app.settings().tz();
    let bounds = date
        .succ_opt()
        .and_then(|next| Some((day_start(date, tz)?, day_start(next, tz)?)));
    let Some((start, end)) = bounds else {
        return Err(AppError::bad_request("date", "is out of range"));
    };
    let name = who.clone();
    let payments = tx!(app, read, |ex| reports::recorded_by(ex, &name, start, end)).await?;
    Ok(CashierDay::new(date, who, payments))
}

/// Up to `limit` clients with ids above `after`: a chunk of the clients' export (admin).
pub async fn export_clients(
    app: &App,
    actor: &Actor,
    after: Option<ClientId>,
    limit: i64,
) -> Result<Vec<Client>, AppError> {
    require(actor, Role::reads_reports, ADMIN_ONLY)?;
    super::clients::list_after(app, None, after, limit).await
}

/// Up to `limit` invoices (void ones included) with ids above `after`, with their clients'
/// names: a chunk of the invoices' export (admin).
pub async fn export_invoices(
    app: &App,
    actor: &Actor,
    after: Option<InvoiceId>,
    limit: i64,
) -> Result<Vec<InvoiceView>, AppError> {
    require(actor, Role::reads_reports, ADMIN_ONLY)?;
    super::invoices::list_views_after(app, InvoiceFilter::default(), after, limit).await
}

/// Up to `limit` payments, any status, with ids above `after`: a chunk of the payments'
/// export (admin).
pub async fn export_payments(
    app: &App,
    actor: &Actor,
    after: Option<PaymentId>,
    limit: i64,
) -> Result<Vec<Payment>, AppError> {
    require(actor, Role::reads_reports, ADMIN_ONLY)?;
    let after = after.unwrap_or(PaymentId(0));
    tx!(app, read, |ex| payments::after(ex, after, limit)).await
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
/// clients: some 400 ms on SQLite); they are computed once per server and date, and brought up
/// to date in the background when older than this: a page never waits for them, except the
/// first of the day on each server.
const CHARTS_FOR: Duration = Duration::from_secs(60);

type Charts = (Vec<MonthTotals>, Vec<SubscriberPoint>);

/// Computed charts, per app (its worker id) and date.
struct Cached {
    worker: String,
    today: NaiveDate,
    at: Instant,
    charts: Arc<Charts>,
    refreshing: bool,
}

static CHARTS: Mutex<Vec<Cached>> = Mutex::new(Vec::new());

/// The dashboard for `today` (the provider's date, `app.today()`).
///
/// The figures, the current month's totals and today's subscriber counts are read now, in one
/// snapshot; the earlier months of the charts may be up to a minute old (see [`CHARTS_FOR`]). The subscribers chart is derived from the subscriptions' status history:
/// the counts of active and suspended subscriptions now, walked back through every recorded
/// status change (creations, status changes, suspensions, reactivations) to the end of each
/// month in the provider's time zone ([`subscribers_over_time`]). A subscription counts from
/// when it was recorded; one deleted since is in no point (its history went with it).
pub async fn dashboard(
    app: &Arc<App>,
    _actor: &Actor,
    today: NaiveDate,
) -> Result<Dashboard, AppError> {
    let week_end = today + Days::new(6);
    let month_start = today.with_day(1).unwrap_or(today);
    let month_end = month_start
        .checked_add_months(Months::new(1))
        .unwrap_or(today);
    let (figures, last_run, this_month, (active, suspended)) = tx!(app, read, |ex| async move {
        let f = reports::figures(ex, today, week_end, month_start).await?;
        let run = billing::runs(ex, 1).await?.into_iter().next();
        let this_month = reports::monthly_totals(ex, &[month_start], month_end).await?;
        let counts = reports::subscription_counts(ex).await?;
        Ok::<_, StoreError>((f, run, this_month, counts))
    })
    .await?;
    let routers = super::routers::views(app).await?;
    let count = |want: Option<bool>| {
        routers
            .iter()
            .filter(|v| v.health.reachable == want)
            .count()
    };
    let (mut months, mut subscribers) = (*charts(app, today).await?).clone();
    // The current month and today are read now, with the figures: only the earlier months
    // come from the cache, and they change only when something is entered back-dated.
    if let (Some(last), Some(now)) = (months.last_mut(), this_month.into_iter().next()) {
        *last = now;
    }
    if let Some(last) = subscribers.last_mut() {
        last.active = active;
        last.suspended = suspended;
    }
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

/// The charts from the cache; stale ones are answered while a task brings them up to date.
async fn charts(app: &Arc<App>, today: NaiveDate) -> Result<Arc<Charts>, AppError> {
    let stale = {
        let mut cache = CHARTS.lock();
        match cache
            .iter_mut()
            .find(|e| e.worker == app.worker_id && e.today == today)
        {
            Some(e) if e.at.elapsed() < CHARTS_FOR => return Ok(e.charts.clone()),
            Some(e) => {
                if !e.refreshing {
                    e.refreshing = true;
                    let app = app.clone();
                    tokio::spawn(async move {
                        if let Err(err) = refresh(&app, today).await {
                            tracing::warn!(error = %err, "the dashboard's charts were not brought up to date");
                            let mut cache = CHARTS.lock();
                            for e in cache.iter_mut().filter(|e| e.worker == app.worker_id) {
                                e.refreshing = false;
                            }
                        }
                    });
                }
                Some(e.charts.clone())
            }
            None => None,
        }
    };
    match stale {
        Some(c) => Ok(c),
        None => refresh(app, today).await,
    }
}

/// Computes the charts and keeps them (forgetting this app's older ones, and any an hour old:
/// apps that are gone).
async fn refresh(app: &App, today: NaiveDate) -> Result<Arc<Charts>, AppError> {
    let charts = Arc::new(compute(app, today).await?);
    let mut cache = CHARTS.lock();
    cache.retain(|e| e.worker != app.worker_id && e.at.elapsed() < Duration::from_secs(3600));
    cache.push(Cached {
        worker: app.worker_id.clone(),
        today,
        at: Instant::now(),
        charts: charts.clone(),
        refreshing: false,
    });
    Ok(charts)
}

async fn compute(app: &App, today: NaiveDate) -> Result<Charts, AppError> {
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
    let mut dates: Vec<NaiveDate> = months
        .get(1..)
        .unwrap_or(&[])
        .iter()
        .filter_map(|m| m.pred_opt())
        .collect();
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
    Ok((totals, points))
}
