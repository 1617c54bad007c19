//! Billing runs: invoice generation, cut-offs, renewal, and the daily schedule.

use std::time::Duration;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use super::{AppError, audit, require};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit};
use crate::domain::billing::collection::GraceRule;
use crate::domain::billing::invoice::{Invoice, number};
use crate::domain::billing::run::{BillingRun, RunKind, within_window};
use crate::domain::billing::subscription::{
    Event, EventKind, Status, expiry_cutoff, on_invoice_paid, on_invoice_voided,
};
use crate::domain::money::Money;
use crate::domain::notify::Event as NoticeEvent;
use crate::domain::user::{Actor, Role};
use crate::notify;
use crate::provisioning::outbox;
use crate::storage::repo::billing::{
    self as repo, CutOff, GenerateOutcome, GenerateParams, ScheduledRun,
};
use crate::storage::repo::notifications::{NewNotice, occasion_of};
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
                let run_id = repo::record_run(ex, &run).await?;
                audit::record_tx(ex, generation_entry(&run, run_id, &o)).await?;
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

/// The one audit entry of a generation run: the numbers it handed out (after `after_seq`, up
/// to `last_seq`, in `year`) and what they total, so that a verification can add them up.
fn generation_entry(run: &BillingRun, run_id: i64, o: &GenerateOutcome) -> NewAudit {
    NewAudit::new(
        &run.actor,
        AuditAction::InvoicesGenerated,
        AuditEntity::BillingRun,
        run_id,
    )
    .after(serde_json::json!({
        "run_date": run.run_date,
        "forced": run.forced,
        "year": o.year,
        "after_seq": o.first_seq_after,
        "last_seq": o.first_seq_after + o.created,
        "created": o.created,
        "total_minor": o.total.minor(),
    }))
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

/// The daily run by a user (admin or operator): generation, cut-offs, then expiry.
pub async fn run_as(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
    forced: bool,
) -> Result<DailyRun, AppError> {
    require(
        actor,
        Role::manages_billing,
        "only an admin or operator may run billing",
    )?;
    steps(app, actor, date, forced).await
}

/// The daily run started by a user for `date` (default today): the date checked against the
/// window as [`run_date`] does (`force`: an admin's date outside it), then [`run_as`]. What
/// `POST /billing/run` and the console's billing run form do.
pub async fn run_by_hand(
    app: &App,
    actor: &Actor,
    date: Option<NaiveDate>,
    force: bool,
) -> Result<DailyRun, AppError> {
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
    let rule = GraceRule {
        today: date,
        global_days: app.settings().grace_days,
    };
    let by = actor.username.clone();
    let started = std::time::Instant::now();
    let cut = tx!(app, write, |ex| async move {
        let now = Utc::now();
        let cut = cut_off_tx(ex, rule, &by).await?;
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
        let run_id = repo::record_run(ex, &run).await?;
        let entry = NewAudit::new(
            &run.actor,
            AuditAction::CutOffRun,
            AuditEntity::BillingRun,
            run_id,
        )
        .after(serde_json::json!({
            "run_date": date,
            "grace_days": rule.global_days,
            "suspended": run.suspended,
            "forced": forced,
        }));
        audit::record_tx(ex, entry).await?;
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
        app.messages_ready.notify_one();
        tracing::info!(%date, suspended = cut.len(), by = %actor.username, "cut-offs for non-payment");
    }
    Ok(cut)
}

/// Suspends what is past its grace under `rule` and queues each client's cut-off on its
/// router.
pub async fn cut_off_tx(
    ex: &mut dyn Exec,
    rule: GraceRule,
    actor: &str,
) -> Result<Vec<CutOff>, StoreError> {
    let cut = repo::suspend_overdue(ex, rule.today, rule.global_days, Utc::now(), actor).await?;
    let clients: Vec<_> = cut.iter().map(|c| c.client_id).collect();
    outbox::clients_changed(ex, &clients).await?;
    let day = occasion_of(rule.today);
    let notices: Vec<_> = cut
        .iter()
        .map(|c| {
            NewNotice::new(
                c.client_id,
                NoticeEvent::Suspended,
                c.subscription_id.0,
                day,
            )
        })
        .collect();
    notify::queue(ex, &notices).await?;
    Ok(cut)
}

/// The daily run: generation, cut-offs, then expiry, by `actor` (`system:scheduler` in
/// `serve`).
pub async fn daily(app: &App, actor: &Actor, date: NaiveDate) -> Result<DailyRun, AppError> {
    let run = steps(app, actor, date, false).await?;
    let day = date.to_string();
    tx!(app, write, |ex| settings::put(
        ex,
        settings::BILLING_LAST_RUN,
        &day
    ))
    .await?;
    Ok(run)
}

/// What a daily run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyRun {
    pub generation: GenerationSummary,
    /// Subscriptions suspended for invoices unpaid past due date and grace.
    pub cut: Vec<CutOff>,
    /// Subscriptions suspended `expire_after_days` that became expired.
    pub expired: Vec<CutOff>,
    /// Messages the reminder run queued.
    pub reminders: u64,
}

impl DailyRun {
    /// The subscriptions of `cut` or `expired`, by id.
    pub fn ids(subs: &[CutOff]) -> Vec<crate::domain::ids::SubscriptionId> {
        subs.iter().map(|c| c.subscription_id).collect()
    }
}

/// The daily run's steps, each in its own transaction: generation, cut-offs, expiry.
async fn steps(
    app: &App,
    actor: &Actor,
    date: NaiveDate,
    forced: bool,
) -> Result<DailyRun, AppError> {
    let generation = generate(app, actor, date, false, forced).await?;
    let cut = cut_off(app, actor, date, forced).await?;
    let expired = expire(app, date).await?;
    let reminders = super::notifications::remind(app, date).await?;
    Ok(DailyRun {
        generation,
        cut,
        expired,
        reminders,
    })
}

/// Who expiry is recorded as: the rule, whoever started the run.
pub const EXPIRY_ACTOR: &str = "system";

/// Marks expired what has been suspended `expire_after_days` on `date` (nothing when 0), and
/// queues each client's secret: kept disabled, or removed with `expired_secret = "remove"`.
pub async fn expire(app: &App, date: NaiveDate) -> Result<Vec<CutOff>, AppError> {
    let days = app.config.expire_after_days;
    let Some(before) = expiry_cutoff(date, days, app.settings().tz()) else {
        return Ok(Vec::new());
    };
    let reason = format!("suspended for {days} days");
    let expired = tx!(app, write, |ex| expire_tx(ex, before, &reason)).await?;
    if !expired.is_empty() {
        app.jobs_ready.notify_one();
        tracing::info!(%date, expired = expired.len(), "suspended subscriptions expired");
    }
    Ok(expired)
}

/// Expires what was suspended before `before`, queues each client's secret, and records the
/// step in the audit log.
pub async fn expire_tx(
    ex: &mut dyn Exec,
    before: DateTime<Utc>,
    reason: &str,
) -> Result<Vec<CutOff>, StoreError> {
    let now = Utc::now();
    let expired = repo::expire_suspended(ex, before, now, EXPIRY_ACTOR, reason).await?;
    if expired.is_empty() {
        return Ok(expired);
    }
    let clients: Vec<_> = expired.iter().map(|c| c.client_id).collect();
    outbox::clients_changed(ex, &clients).await?;
    let ids: Vec<_> = expired.iter().map(|c| c.subscription_id).collect();
    let entry = NewAudit::new(
        EXPIRY_ACTOR,
        AuditAction::SubscriptionsExpired,
        AuditEntity::Subscription,
        ids[0].0,
    )
    .after(serde_json::json!({ "reason": reason, "subscription_ids": ids }));
    audit::record_tx(ex, entry).await?;
    Ok(expired)
}

/// The daily run's name in `scheduled_runs`.
const DAILY_JOB: &str = "daily_billing";

/// How long a claim on a date's daily run holds unless renewed; the holder renews it every
/// third of this while it works, so only a process that died (or stalled this long) loses it.
pub const DAILY_LEASE: Duration = Duration::from_secs(60);

/// Who runs a date's daily run, when several server processes share the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DailyClaim {
    /// This process claimed the date first: it runs it.
    Claimed,
    /// Another process claimed it and its lease ran out before it finished (it died): this
    /// process has the date now and runs it.
    TookOver { from: String },
    /// Another process holds the date, until `until` unless it renews.
    Held { by: String, until: DateTime<Utc> },
    /// The date's run has been done.
    Done,
}

impl DailyClaim {
    /// Whether this process is to run the date.
    pub fn won(&self) -> bool {
        matches!(self, DailyClaim::Claimed | DailyClaim::TookOver { .. })
    }
}

fn lease_end(now: DateTime<Utc>) -> DateTime<Utc> {
    now + chrono::Duration::from_std(DAILY_LEASE).unwrap_or(chrono::Duration::MAX)
}

/// Claims the daily run of `date` for `holder` (a process's [`App::worker_id`]) at `now`.
/// Atomic on every backend: the first insert of the date's row wins (its primary key decides),
/// a claim whose lease ran out unfinished is taken over by one conditional update, and each
/// step is its own short transaction, so no lock is ever upgraded while another waits.
pub async fn claim_daily(
    app: &App,
    date: NaiveDate,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<DailyClaim, AppError> {
    let until = lease_end(now);
    let mut busy = 0;
    for _ in 0..5 {
        let attempt = async {
            let h = holder.to_owned();
            if tx!(app, write, |ex| repo::claim_scheduled(
                ex, DAILY_JOB, date, &h, now, until
            ))
            .await?
            {
                return Ok(Some(DailyClaim::Claimed));
            }
            let Some(row) = tx!(app, read, |ex| repo::scheduled_run(ex, DAILY_JOB, date)).await?
            else {
                // Released between the two steps: claim afresh.
                return Ok(None);
            };
            let ScheduledRun {
                holder: by,
                lease_until,
                done_at,
                ..
            } = row;
            if done_at.is_some() {
                return Ok(Some(DailyClaim::Done));
            }
            if by == holder {
                return Ok(Some(DailyClaim::Claimed));
            }
            if lease_until >= now {
                return Ok(Some(DailyClaim::Held {
                    by,
                    until: lease_until,
                }));
            }
            let h = holder.to_owned();
            let taken = tx!(app, write, |ex| repo::take_over_scheduled(
                ex, DAILY_JOB, date, &h, now, until
            ))
            .await?;
            // Not taken: another process took it over first, or it finished; look again.
            Ok::<_, AppError>(taken.then_some(DailyClaim::TookOver { from: by }))
        };
        match attempt.await {
            Ok(Some(claim)) => return Ok(claim),
            Ok(None) => {}
            Err(AppError::Store(StoreError::Busy)) if busy < 5 => {
                busy += 1;
                tokio::time::sleep(Duration::from_millis(20 << busy)).await;
            }
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Store(StoreError::Busy))
}

/// Extends `holder`'s claim on `date` every third of [`DAILY_LEASE`], for as long as it is
/// polled (beside the run it keeps alive).
async fn keep_daily_claim(app: &App, date: NaiveDate, holder: &str) -> std::convert::Infallible {
    loop {
        tokio::time::sleep(DAILY_LEASE / 3).await;
        let until = lease_end(Utc::now());
        let h = holder.to_owned();
        match tx!(app, write, |ex| repo::renew_scheduled(
            ex, DAILY_JOB, date, &h, until
        ))
        .await
        {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                %date, "the daily billing run's claim was taken over by another server; \
                        finishing anyway (the run is idempotent)"
            ),
            Err(e) => {
                tracing::warn!(%date, error = %e, "renewing the daily billing run's claim failed")
            }
        }
    }
}

/// What [`daily_once`] did about a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheduled {
    /// This process ran it.
    Ran(DailyRun),
    /// Another process holds it or has done it.
    Skipped(DailyClaim),
}

/// The daily run of `date` by the scheduler of the process `holder`, once across every
/// process on the database: claimed first ([`claim_daily`]); the claim is renewed while the
/// run works, marked done after it, and given back if the run fails so that the next attempt
/// (of any process) can claim it.
pub async fn daily_once(app: &App, holder: &str, date: NaiveDate) -> Result<Scheduled, AppError> {
    let claim = claim_daily(app, date, holder, Utc::now()).await?;
    match &claim {
        DailyClaim::Claimed => {}
        DailyClaim::TookOver { from } => tracing::warn!(
            %date, from = %from,
            "taking over the daily billing run of a server whose claim ran out unfinished"
        ),
        DailyClaim::Held { by, until } => {
            tracing::debug!(%date, by = %by, %until, "daily billing run skipped: another server is running it");
            return Ok(Scheduled::Skipped(claim));
        }
        DailyClaim::Done => {
            tracing::debug!(%date, "daily billing run skipped: another server has done it");
            return Ok(Scheduled::Skipped(claim));
        }
    }
    let actor = Actor::system("scheduler");
    let result = tokio::select! {
        r = daily(app, &actor, date) => r,
        never = keep_daily_claim(app, date, holder) => match never {},
    };
    let h = holder.to_owned();
    match result {
        Ok(run) => {
            let now = Utc::now();
            let finished = tx!(app, write, |ex| repo::finish_scheduled(
                ex, DAILY_JOB, date, &h, now
            ))
            .await?;
            if !finished {
                tracing::warn!(%date, "the daily billing run finished after another server took it over");
            }
            Ok(Scheduled::Ran(run))
        }
        Err(e) => {
            if let Err(release) = tx!(app, write, |ex| repo::release_scheduled(
                ex, DAILY_JOB, date, &h
            ))
            .await
            {
                tracing::warn!(%date, error = %release, "giving back the failed daily billing run's claim failed; it runs out on its own");
            }
            Err(e)
        }
    }
}

/// The claim on `date`'s daily run, if any process made one.
pub async fn daily_claim(app: &App, date: NaiveDate) -> Result<Option<ScheduledRun>, AppError> {
    tx!(app, read, |ex| repo::scheduled_run(ex, DAILY_JOB, date)).await
}

/// Why an invoice stopped being owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settled {
    Paid,
    Voided,
}

/// After an invoice is fully paid: its subscription runs to the end of the invoiced period,
/// and comes back from a cut-off unless another invoice is still past due. After an invoice
/// past due is voided: a subscription it kept cut off comes back unless another invoice is
/// still past due (its end date stays; generation then issues the period anew). Part of the
/// payment's or the void's transaction.
pub(crate) async fn settled_tx(
    ex: &mut dyn Exec,
    invoice: &Invoice,
    how: Settled,
    actor: &str,
    rule: GraceRule,
) -> Result<(), StoreError> {
    let Some(sub) = subscriptions::get_for_update(ex, invoice.subscription_id).await? else {
        return Ok(());
    };
    // The subscription's own grace; an exemption or a promise means nothing else is overdue.
    let cutoff = repo::collections(ex, &[sub.id])
        .await?
        .get(&sub.id)
        .and_then(|(c, _)| rule.cutoff(c));
    let still_overdue = match cutoff {
        Some(c) => invoices::other_overdue(ex, sub.id, invoice.id, c).await?,
        None => false,
    };
    let (end, status) = match how {
        Settled::Paid => on_invoice_paid(&sub, invoice.period_end, still_overdue),
        Settled::Voided => on_invoice_voided(&sub, invoice.due_date, cutoff, still_overdue),
    };
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
        reason: Some(format!(
            "invoice {} {}",
            invoice.number(),
            match how {
                Settled::Paid => "paid",
                Settled::Voided => "voided",
            }
        )),
        at: now,
    };
    if end != sub.end_date {
        subscriptions::record(ex, &event(EventKind::Renewed)).await?;
    }
    if status != sub.status && status == Status::Active {
        subscriptions::record(ex, &event(EventKind::Reactivated)).await?;
        outbox::client_changed(ex, sub.client_id).await?;
        if matches!(how, Settled::Paid) {
            let back = NewNotice::new(
                sub.client_id,
                NoticeEvent::Reconnected,
                sub.id.0,
                occasion_of(rule.today),
            );
            notify::queue(ex, &[back]).await?;
        }
    }
    Ok(())
}

/// Today and the global grace, for renewal decisions.
pub(crate) fn grace_rule(app: &App) -> GraceRule {
    GraceRule {
        today: app.today(),
        global_days: app.settings().grace_days,
    }
}

/// Runs [`daily`] every day at `billing_time` in the provider's time zone, and once at start
/// when today's run has not happened yet; with several processes on one database, one of them
/// ([`daily_once`]): the others skip, and look again while the holder's lease lasts in case it
/// dies. At least hourly it also forgets expired `Idempotency-Key`s.
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
            match daily_once(&app, &app.worker_id, today).await {
                Ok(Scheduled::Ran(..) | Scheduled::Skipped(DailyClaim::Done)) => {}
                Ok(Scheduled::Skipped(claim)) => {
                    // The holder finishes, or its lease runs out and the date is taken over.
                    let until = match claim {
                        DailyClaim::Held { until, .. } => until,
                        _ => Utc::now(),
                    };
                    let wait = (until - Utc::now())
                        .to_std()
                        .unwrap_or_default()
                        .clamp(Duration::from_secs(1), Duration::from_secs(30));
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "daily billing run failed; retrying in 5 minutes");
                    tokio::time::sleep(Duration::from_secs(300)).await;
                    continue;
                }
            }
        }
        tokio::time::sleep(super::until_next(now, at)).await;
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
