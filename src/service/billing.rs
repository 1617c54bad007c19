//! Billing runs: invoice generation, cut-offs, renewal, and the daily schedule.

use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate, Utc};

use super::{AppError, require};
use crate::app::App;
use crate::domain::billing::invoice::{Invoice, number, overdue_cutoff};
use crate::domain::billing::run::{BillingRun, RunKind, within_window};
use crate::domain::billing::subscription::{Event, EventKind, Status, on_invoice_paid};
use crate::domain::money::Money;
use crate::domain::user::{Actor, Role};
use crate::provisioning::outbox;
use crate::storage::repo::billing::{self as repo, CutOff, GenerateParams};
use crate::storage::repo::{invoices, settings, subscriptions};
use crate::storage::{Exec, StoreError};
use crate::tx;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationSummary {
    pub date: NaiveDate,
    pub window_days: u32,
    /// Subscriptions ending on or before this date were due.
    pub window_end: NaiveDate,
    pub created: i64,
    pub already_existed: i64,
    pub total: Money,
    pub year: i32,
    /// Numbers `INV-{year}-…` after this sequence number were issued by this run.
    pub first_seq_after: i64,
    pub dry_run: bool,
}

impl GenerationSummary {
    /// The number of the first invoice this run issued, if it issued any.
    pub fn first_number(&self) -> Option<String> {
        (self.created > 0).then(|| number(self.year, self.first_seq_after + 1))
    }

    /// The number of the last invoice this run issued, if it issued any.
    pub fn last_number(&self) -> Option<String> {
        (self.created > 0).then(|| number(self.year, self.first_seq_after + self.created))
    }
}

fn day_offset(date: NaiveDate, days: u32) -> Result<NaiveDate, AppError> {
    date.checked_add_days(Days::new(u64::from(days)))
        .ok_or_else(|| AppError::bad_request("date", "is out of range"))
}

/// An invoice issued on `invoice_date` is due the configured number of days later.
pub(crate) fn due_date(app: &App, invoice_date: NaiveDate) -> Result<NaiveDate, AppError> {
    day_offset(invoice_date, app.settings().invoice_due_days)
}

/// The date of a run asked for over HTTP (default today): within `billing_date_window_days`
/// of today, or, for an admin with `force`, any date. A dry run saves nothing and may take
/// any date. Returns the date and whether it was forced.
pub fn run_date(
    app: &App,
    actor: &Actor,
    date: Option<NaiveDate>,
    force: bool,
    dry_run: bool,
) -> Result<(NaiveDate, bool), AppError> {
    let today = app.today();
    let date = date.unwrap_or(today);
    if date.year() < 2000 || date.year() > 9000 {
        return Err(AppError::bad_request("date", "is out of range"));
    }
    if dry_run {
        return Ok((date, false));
    }
    match within_window(date, today, app.config.billing_date_window_days) {
        Ok(()) => Ok((date, false)),
        Err(_) if force && actor.role == Role::Admin => Ok((date, true)),
        Err(_) if force => Err(AppError::Forbidden(
            "only an admin may run billing for a date outside the window",
        )),
        Err(msg) => Err(AppError::bad_request("date", &msg)),
    }
}

/// Invoices the next period of every active subscription ending within the configured
/// window of `date`; idempotent: a second run creates nothing. `dry_run` rolls back. A run
/// that saves is recorded in `billing_runs` with `actor`.
pub async fn generate(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
    dry_run: bool,
    forced: bool,
) -> Result<GenerationSummary, AppError> {
    let window_days = app.settings().invoice_days_before;
    let params = GenerateParams {
        window_end: day_offset(date, window_days)?,
        invoice_date: date,
        due_date: due_date(app, date)?,
        now: Utc::now(),
    };
    let window_end = params.window_end;
    let started = std::time::Instant::now();
    let outcome = generate_retrying(app, actor, &params, dry_run, forced).await;
    if !dry_run {
        let created = outcome.as_ref().ok().map(|o| o.created.max(0) as u64);
        app.metrics
            .billing_run(RunKind::Generation, started.elapsed(), created);
    }
    let outcome = outcome?;
    let summary = GenerationSummary {
        date,
        window_days,
        window_end,
        created: outcome.created,
        already_existed: outcome.already_existed,
        total: outcome.total,
        year: outcome.year,
        first_seq_after: outcome.first_seq_after,
        dry_run,
    };
    tracing::info!(
        %date, created = summary.created, already_existed = summary.already_existed,
        total = %summary.total, dry_run, by = %actor.username, forced, "invoice generation"
    );
    Ok(summary)
}

/// Generation's transaction, retried when a concurrent run collided with it.
async fn generate_retrying(
    app: &App,
    actor: &Actor,
    params: &GenerateParams,
    dry_run: bool,
    forced: bool,
) -> Result<repo::GenerateOutcome, AppError> {
    // A concurrent run can still collide on the unique key in the rare case the databases
    // let both read before either locked; the loser retries and then finds the work done.
    let mut attempt = 0;
    loop {
        let p = params.clone();
        let result = if dry_run {
            tx!(app, rehearse, |ex| repo::generate(ex, &p)).await
        } else {
            let by = actor.username.clone();
            tx!(app, write, |ex| async move {
                let o = repo::generate(ex, &p).await?;
                let run = BillingRun {
                    id: 0,
                    kind: RunKind::Generation,
                    run_date: p.invoice_date,
                    actor: by,
                    forced,
                    created: o.created,
                    suspended: 0,
                    started_at: p.now,
                };
                repo::record_run(ex, &run).await?;
                Ok::<_, StoreError>(o)
            })
            .await
        };
        match result {
            Err(AppError::Store(StoreError::Unique(_) | StoreError::Busy)) if attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(20 << attempt)).await;
            }
            other => return other,
        }
    }
}

/// Generation by a user (admin or operator).
pub async fn generate_as(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
    dry_run: bool,
    forced: bool,
) -> Result<GenerationSummary, AppError> {
    require(
        actor,
        Role::manages_billing,
        "only an admin or operator may generate invoices",
    )?;
    generate(app, actor, date, dry_run, forced).await
}

/// The daily run by a user (admin or operator): generation, then cut-offs.
pub async fn run_as(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
    forced: bool,
) -> Result<(GenerationSummary, Vec<CutOff>), AppError> {
    require(
        actor,
        Role::manages_billing,
        "only an admin or operator may run billing",
    )?;
    let summary = generate(app, actor, date, false, forced).await?;
    let cut = cut_off(app, actor, date, forced).await?;
    Ok((summary, cut))
}

/// The daily run started by a user for `date` (default today): the date checked against the
/// window as [`run_date`] does (`force`: an admin's date outside it), then [`run_as`]. What
/// `POST /billing/run` and the console's billing run form do.
pub async fn run_by_hand(
    app: &App,
    actor: &Actor,
    date: Option<NaiveDate>,
    force: bool,
) -> Result<(GenerationSummary, Vec<CutOff>), AppError> {
    let (date, forced) = run_date(app, actor, date, force, false)?;
    run_as(app, actor, date, forced).await
}

/// The latest recorded runs (admin, operator).
pub async fn runs(app: &App, actor: &Actor, limit: i64) -> Result<Vec<BillingRun>, AppError> {
    require(
        actor,
        Role::manages_billing,
        "only an admin or operator may see billing runs",
    )?;
    tx!(app, read, |ex| repo::runs(ex, limit)).await
}

/// The invoices a run created (at most `limit`).
pub async fn created_by(
    app: &App,
    s: &GenerationSummary,
    limit: i64,
) -> Result<Vec<Invoice>, AppError> {
    let (year, after) = (s.year, s.first_seq_after);
    tx!(app, read, |ex| invoices::numbered_after(
        ex, year, after, limit
    ))
    .await
}

/// Suspends subscriptions whose open invoices are past due plus grace on `date`; the
/// suspensions and the run are recorded as done by `actor`.
pub async fn cut_off(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
    forced: bool,
) -> Result<Vec<CutOff>, AppError> {
    let Some(cutoff) = overdue_cutoff(date, app.settings().grace_days) else {
        return Ok(Vec::new());
    };
    let by = actor.username.clone();
    let started = std::time::Instant::now();
    let cut = tx!(app, write, |ex| async move {
        let now = Utc::now();
        let cut = cut_off_tx(ex, cutoff, &by).await?;
        let run = BillingRun {
            id: 0,
            kind: RunKind::CutOff,
            run_date: date,
            actor: by,
            forced,
            created: 0,
            suspended: cut.len() as i64,
            started_at: now,
        };
        repo::record_run(ex, &run).await?;
        Ok::<_, StoreError>(cut)
    })
    .await;
    app.metrics.billing_run(
        RunKind::CutOff,
        started.elapsed(),
        cut.as_ref().ok().map(|c| c.len() as u64),
    );
    let cut = cut?;
    if !cut.is_empty() {
        app.jobs_ready.notify_one();
        tracing::info!(%date, suspended = cut.len(), by = %actor.username, "cut-offs for non-payment");
    }
    Ok(cut)
}

/// Suspends what is past `cutoff` and queues each client's cut-off on its router.
pub async fn cut_off_tx(
    ex: &mut dyn Exec,
    cutoff: NaiveDate,
    actor: &str,
) -> Result<Vec<CutOff>, StoreError> {
    let cut = repo::suspend_overdue(ex, cutoff, Utc::now(), actor).await?;
    let clients: Vec<_> = cut.iter().map(|c| c.client_id).collect();
    outbox::clients_changed(ex, &clients).await?;
    Ok(cut)
}

/// The daily run: generation, then cut-offs, by `actor` (`system:scheduler` in `serve`).
pub async fn daily(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
) -> Result<(GenerationSummary, Vec<CutOff>), AppError> {
    let summary = generate(app, actor, date, false, false).await?;
    let cut = cut_off(app, actor, date, false).await?;
    let day = date.to_string();
    tx!(app, write, |ex| settings::put(
        ex,
        settings::BILLING_LAST_RUN,
        &day
    ))
    .await?;
    Ok((summary, cut))
}

/// After an invoice is fully paid: its subscription runs to the end of the invoiced period,
/// and comes back from a cut-off unless another invoice is still past due. Part of the
/// payment's transaction.
pub(crate) async fn renew_tx(
    ex: &mut dyn Exec,
    invoice: &Invoice,
    actor: &str,
    cutoff: Option<NaiveDate>,
) -> Result<(), StoreError> {
    let Some(sub) = subscriptions::get_for_update(ex, invoice.subscription_id).await? else {
        return Ok(());
    };
    let still_overdue = match cutoff {
        Some(c) => invoices::other_overdue(ex, sub.id, invoice.id, c).await?,
        None => false,
    };
    let (end, status) = on_invoice_paid(&sub, invoice.period_end, still_overdue);
    if (end, status) == (sub.end_date, sub.status) {
        return Ok(());
    }
    let mut renewed = sub.clone();
    renewed.end_date = end;
    renewed.status = status;
    let now = Utc::now();
    subscriptions::update(ex, &renewed, now).await?;
    let event = |kind: EventKind| Event {
        subscription_id: sub.id,
        client_id: sub.client_id,
        kind,
        from_status: Some(sub.status),
        to_status: Some(status),
        old_end_date: Some(sub.end_date),
        new_end_date: Some(end),
        actor: actor.into(),
        reason: Some(format!("invoice {} paid", invoice.number())),
        at: now,
    };
    if end != sub.end_date {
        subscriptions::record(ex, &event(EventKind::Renewed)).await?;
    }
    if status != sub.status && status == Status::Active {
        subscriptions::record(ex, &event(EventKind::Reactivated)).await?;
        outbox::client_changed(ex, sub.client_id).await?;
    }
    Ok(())
}

/// The date that counts as "past due plus grace" today, for renewal decisions.
pub(crate) fn cutoff_today(app: &App) -> Option<NaiveDate> {
    overdue_cutoff(app.today(), app.settings().grace_days)
}

/// Runs [`daily`] every day at `billing_time` in the provider's time zone, and once at start
/// when today's run has not happened yet. At least hourly it also forgets expired
/// `Idempotency-Key`s.
pub async fn scheduler(app: std::sync::Arc<App>) {
    let Some(at) = app.config.billing_run_time() else {
        return;
    };
    loop {
        match super::idempotency::purge(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "expired idempotency keys forgotten"),
            Err(e) => tracing::warn!(error = %e, "purging expired idempotency keys failed"),
        }
        let tz = app.settings().tz();
        let now = Utc::now().with_timezone(&tz);
        let today = now.date_naive();
        let last = last_run(&app).await;
        if last < Some(today) && now.time() >= at {
            if let Err(e) = daily(&app, &Actor::system("scheduler"), today).await {
                tracing::error!(error = %e, "daily billing run failed; retrying in 5 minutes");
                tokio::time::sleep(Duration::from_secs(300)).await;
                continue;
            }
            continue;
        }
        let next_day = if now.time() >= at {
            today.succ_opt().unwrap_or(today)
        } else {
            today
        };
        let next = next_day
            .and_time(at)
            .and_local_timezone(tz)
            .earliest()
            .map(|t| t.with_timezone(&Utc));
        let wait = next
            .and_then(|t| (t - Utc::now()).to_std().ok())
            .unwrap_or(Duration::from_secs(60))
            .min(Duration::from_secs(3600));
        tokio::time::sleep(wait).await;
    }
}

async fn last_run(app: &App) -> Option<NaiveDate> {
    tx!(app, read, |ex| settings::get(
        ex,
        settings::BILLING_LAST_RUN
    ))
    .await
    .ok()
    .flatten()?
    .parse()
    .ok()
}
