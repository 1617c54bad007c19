//! Set-based billing runs: invoice generation and cut-offs over every due subscription in a
//! few statements, whatever their number.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::{invoices, plans};
use crate::domain::billing::collection::{Collection, Terms};
use crate::domain::billing::invoice::overdue_cutoff;
use crate::domain::billing::period::Period;
use crate::domain::billing::run::{BillingRun, RunKind};
use crate::domain::billing::subscription::{EventKind, Status};
use crate::domain::ids::{ClientId, PlanId, SubscriptionId};
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, StoreError, Table, Value};

crate::table!(BillingRun => "billing_runs" as "br" {
    id, kind, run_date, actor, forced, created, suspended, started_at
});

/// Records a run (in the run's own transaction: a run rolled back leaves no record).
pub async fn record_run(ex: &mut dyn Exec, run: &BillingRun) -> Result<i64, StoreError> {
    ex.insert_row(run, &[]).await
}

/// The latest runs, newest first.
pub async fn runs(ex: &mut dyn Exec, limit: i64) -> Result<Vec<BillingRun>, StoreError> {
    ex.all(
        &format!(
            "SELECT {} FROM {} ORDER BY br.id DESC LIMIT ?",
            BillingRun::select_list(),
            BillingRun::from_clause()
        ),
        params![limit],
    )
    .await
}

/// Who holds the claim on a scheduled job's date (`scheduled_runs`), until when, and when it
/// was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledRun {
    pub holder: String,
    pub claimed_at: DateTime<Utc>,
    pub lease_until: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

crate::record!(ScheduledRun {
    holder,
    claimed_at,
    lease_until,
    done_at
});

/// The claim on `job` for `date`, if anyone made one.
pub async fn scheduled_run(
    ex: &mut dyn Exec,
    job: &str,
    date: NaiveDate,
) -> Result<Option<ScheduledRun>, StoreError> {
    ex.first(
        "SELECT holder, claimed_at, lease_until, done_at FROM scheduled_runs \
         WHERE job = ? AND run_date = ?",
        params![job, date],
    )
    .await
}

/// Claims `job` for `date` for `holder` until `lease_until` if nobody has: true when this
/// insert made the row. The primary key decides between concurrent claims on every backend
/// (a second insert waits for the first and then inserts nothing). Its own transaction.
pub async fn claim_scheduled(
    ex: &mut dyn Exec,
    job: &str,
    date: NaiveDate,
    holder: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "{insert_ignore} INTO scheduled_runs \
             (job, run_date, holder, claimed_at, lease_until, done_at) \
             VALUES (?, ?, ?, ?, ?, NULL){on_conflict_ignore}",
            params![job, date, holder, now, lease_until],
        )
        .await?;
    Ok(n == 1)
}

/// Takes over a claim whose lease ran out before `now` and which is not done: true when
/// `holder` now has it. One conditional update, so of concurrent takers one wins (the others
/// re-read the row after it and find the lease fresh). Its own transaction.
pub async fn take_over_scheduled(
    ex: &mut dyn Exec,
    job: &str,
    date: NaiveDate,
    holder: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE scheduled_runs SET holder = ?, claimed_at = ?, lease_until = ? \
             WHERE job = ? AND run_date = ? AND done_at IS NULL AND lease_until < ?",
            params![holder, now, lease_until, job, date, now],
        )
        .await?;
    Ok(n == 1)
}

/// Extends `holder`'s claim to `lease_until`: false when it is no longer the holder.
pub async fn renew_scheduled(
    ex: &mut dyn Exec,
    job: &str,
    date: NaiveDate,
    holder: &str,
    lease_until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE scheduled_runs SET lease_until = ? \
             WHERE job = ? AND run_date = ? AND holder = ? AND done_at IS NULL",
            params![lease_until, job, date, holder],
        )
        .await?;
    Ok(n == 1)
}

/// Marks `holder`'s claim done at `now`: false when it is no longer the holder.
pub async fn finish_scheduled(
    ex: &mut dyn Exec,
    job: &str,
    date: NaiveDate,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE scheduled_runs SET done_at = ?, lease_until = ? \
             WHERE job = ? AND run_date = ? AND holder = ? AND done_at IS NULL",
            params![now, now, job, date, holder],
        )
        .await?;
    Ok(n == 1)
}

/// Gives `holder`'s unfinished claim back (its run failed), so the next attempt, by any
/// process, claims the date afresh.
pub async fn release_scheduled(
    ex: &mut dyn Exec,
    job: &str,
    date: NaiveDate,
    holder: &str,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "DELETE FROM scheduled_runs \
             WHERE job = ? AND run_date = ? AND holder = ? AND done_at IS NULL",
            params![job, date, holder],
        )
        .await?;
    Ok(n == 1)
}

/// When the latest recorded run of each kind started (by any server).
pub async fn last_started(ex: &mut dyn Exec) -> Result<Vec<(RunKind, DateTime<Utc>)>, StoreError> {
    ex.all(
        "SELECT kind, MAX(started_at) FROM billing_runs GROUP BY kind ORDER BY kind",
        &[],
    )
    .await
}

/// One generation run's inputs, all computed by the caller from the configured rules.
#[derive(Debug, Clone)]
pub struct GenerateParams {
    /// Subscriptions whose end date is on or before this are due.
    pub window_end: NaiveDate,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOutcome {
    pub year: i32,
    /// Invoice numbers after this one were handed out by this run.
    pub first_seq_after: i64,
    pub created: i64,
    pub already_existed: i64,
    pub total: Money,
}

/// Active subscriptions ending by the window's end, on plans with a price (an imported plan
/// waits `unpriced` until an operator prices it).
const DUE: &str = "s.status = 'active' AND s.end_date <= ? \
                   AND s.plan_id NOT IN (SELECT up.id FROM plans up WHERE up.unpriced = TRUE)";

/// Computes, with the domain's calendar rules, the next period for every (end date, billing
/// period) pair among due subscriptions, into `billing_periods`; returns how many
/// subscriptions are due.
///
/// One scan of the covering index on (status, end_date, plan_id), grouped: the planner has no
/// join to get wrong, and the pairs are few (dates in the window times plans).
async fn fill_periods(ex: &mut dyn Exec, window_end: NaiveDate) -> Result<i64, StoreError> {
    let groups: Vec<(NaiveDate, PlanId, i64)> = ex
        .all(
            &format!(
                "SELECT s.end_date, s.plan_id, COUNT(*) FROM subscriptions s WHERE {DUE} \
                 GROUP BY s.end_date, s.plan_id"
            ),
            params![window_end],
        )
        .await?;
    if groups.is_empty() {
        return Ok(0);
    }
    let plans: HashMap<PlanId, Period> = plans::list(ex)
        .await?
        .into_iter()
        .map(|p| (p.id, p.period))
        .collect();
    let mut due = 0;
    let mut pairs = HashSet::new();
    for &(end, plan_id, count) in &groups {
        due += count;
        let period = plans
            .get(&plan_id)
            .copied()
            .ok_or_else(|| StoreError::Decode(format!("plan {plan_id} of a subscription")))?;
        pairs.insert((end, period));
    }
    for (end, period) in pairs {
        let (start, next_end) = period
            .next_after(end)
            .ok_or_else(|| StoreError::Decode(format!("no period after {end}")))?;
        ex.execute(
            "{insert_ignore} INTO billing_periods \
             (end_date, period_unit, period_count, period_start, period_end) \
             VALUES (?, ?, ?, ?, ?){on_conflict_ignore}",
            params![
                end,
                period.unit.as_str(),
                i64::from(period.count),
                start,
                next_end
            ],
        )
        .await?;
    }
    Ok(due)
}

/// Locks the invoice counter row of `year` (creating it at 0 if needed) and returns the last
/// sequence number used. Numbers are handed out under this lock until the transaction ends,
/// so they are sequential and never reused. Must run inside a write transaction.
pub async fn lock_counter(ex: &mut dyn Exec, year: i32) -> Result<i64, StoreError> {
    const LOCK: &str = "SELECT last_seq FROM invoice_counters WHERE year = ?{for_update}";
    // The row exists but in a year's first run: locked at once. Inserting first would take
    // a shared lock on the existing row and then ask to upgrade it, which two concurrent
    // runs on MariaDB turn into a deadlock.
    if let Some(seq) = ex.first(LOCK, params![i64::from(year)]).await? {
        return Ok(seq);
    }
    ex.execute(
        "{insert_ignore} INTO invoice_counters (year, last_seq) VALUES (?, 0){on_conflict_ignore}",
        params![i64::from(year)],
    )
    .await?;
    ex.one(LOCK, params![i64::from(year)]).await
}

/// Records `last_seq` as the last number used in `year` (under [`lock_counter`]'s lock).
pub async fn set_counter(ex: &mut dyn Exec, year: i32, last_seq: i64) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE invoice_counters SET last_seq = ? WHERE year = ?",
        params![last_seq, i64::from(year)],
    )
    .await?;
    Ok(())
}

/// Creates the next period's invoice for every active subscription ending on or before
/// `window_end` that does not have it yet, numbered in sequence for the invoice date's year.
///
/// A period is skipped when an invoice of the subscription that is not void shares a day with
/// it ([`invoices::overlaps`]): a voided period is invoiced again, an overlapping one never.
/// The year's counter row is locked first, so concurrent runs queue there and each sees the
/// invoices the previous one committed; the unique key on (subscription, period start) of the
/// invoices that are not void is the last guard. Must run inside a write transaction.
pub async fn generate(
    ex: &mut dyn Exec,
    p: &GenerateParams,
) -> Result<GenerateOutcome, StoreError> {
    use chrono::Datelike;
    let year = p.invoice_date.year();
    let base = lock_counter(ex, year).await?;
    let due = fill_periods(ex, p.window_end).await?;
    let created = ex
        .execute(
            &format!(
                "INSERT INTO invoices (invoice_year, invoice_seq, client_id, subscription_id, \
                   period_start, period_end, invoice_date, due_date, total_minor, paid_minor, \
                   status, created_at) \
                 SELECT ?, ? + ROW_NUMBER() OVER (ORDER BY s.id), s.client_id, s.id, \
                   bp.period_start, bp.period_end, ?, ?, p.price_minor, 0, 'pending', ? \
                 FROM subscriptions s \
                 JOIN plans p ON p.id = s.plan_id \
                 JOIN billing_periods bp ON bp.end_date = s.end_date \
                   AND bp.period_unit = p.period_unit AND bp.period_count = p.period_count \
                 WHERE {DUE} AND NOT EXISTS (SELECT 1 FROM invoices i WHERE {})",
                invoices::overlaps("s.id", "bp.period_start", "bp.period_end")
            ),
            params![
                i64::from(year),
                base,
                p.invoice_date,
                p.due_date,
                p.now,
                p.window_end
            ],
        )
        .await? as i64;
    let mut total = Money::ZERO;
    if created > 0 {
        set_counter(ex, year, base + created).await?;
        total = ex
            .one(
                "SELECT COALESCE(CAST(SUM(total_minor) AS {bigint}), 0) FROM invoices \
                 WHERE invoice_year = ? AND invoice_seq > ?",
                params![i64::from(year), base],
            )
            .await?;
    }
    Ok(GenerateOutcome {
        year,
        first_seq_after: base,
        created,
        already_existed: due - created,
        total,
    })
}

/// A subscription cut off by [`suspend_overdue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutOff {
    pub subscription_id: SubscriptionId,
    pub client_id: ClientId,
}

/// Suspends every active subscription whose oldest open invoice is past its grace on `today`
/// (the client's grace, else the plan's, else `global_grace`), unless the client is exempt or
/// holds a promise to pay through `today`; records each as a `suspended` event by `actor`
/// (who started the run). Must run inside a write transaction.
pub async fn suspend_overdue(
    ex: &mut dyn Exec,
    today: NaiveDate,
    global_grace: u32,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<Vec<CutOff>, StoreError> {
    // Every grace is at least 0 days: what is due before today is a candidate, and each
    // candidate's own terms decide.
    let Some(latest) = overdue_cutoff(today, 0) else {
        return Ok(Vec::new());
    };
    let candidates: Vec<(SubscriptionId, ClientId, NaiveDate)> = ex
        .all(
            "SELECT s.id, s.client_id, s.end_date FROM subscriptions s \
             WHERE s.status = 'active' AND EXISTS (SELECT 1 FROM invoices i \
               WHERE i.subscription_id = s.id AND i.status IN ('pending', 'partially_paid') \
               AND i.due_date <= ?) ORDER BY s.id{for_update}",
            params![latest],
        )
        .await?;
    let ids: Vec<_> = candidates.iter().map(|c| c.0).collect();
    let terms = collections(ex, &ids).await?;
    let rows: Vec<_> = candidates
        .into_iter()
        .filter(|(id, ..)| {
            terms.get(id).is_some_and(|(c, oldest)| {
                oldest.is_some_and(|d| c.cuts_off(d, today, global_grace))
            })
        })
        .collect();
    move_status(
        ex,
        &rows,
        (Status::Active, Status::Suspended, EventKind::Suspended),
        actor,
        "unpaid invoice past due",
        now,
    )
    .await
}

/// What decides each subscription's cut-off (its client's terms over its plan's, the
/// client's exemption and promise), with the due date of its oldest open invoice. Plain reads:
/// the subscriptions are locked by the caller where it matters.
pub async fn collections(
    ex: &mut dyn Exec,
    ids: &[SubscriptionId],
) -> Result<HashMap<SubscriptionId, (Collection, Option<NaiveDate>)>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Value> = chunk.iter().map(|&id| id.into()).collect();
        let rows: Vec<(SubscriptionId, Collection, Terms, Option<NaiveDate>)> = ex
            .all(
                &format!(
                    "SELECT s.id, c.grace_days, c.overdue_action, c.cutoff_exempt, \
                     c.promised_until, p.grace_days, p.overdue_action, \
                     (SELECT MIN(i.due_date) FROM invoices i WHERE i.subscription_id = s.id \
                       AND i.status IN ('pending', 'partially_paid')) \
                     FROM subscriptions s JOIN clients c ON c.id = s.client_id \
                     JOIN plans p ON p.id = s.plan_id WHERE s.id IN ({marks})"
                ),
                &args,
            )
            .await?;
        for (id, mut c, plan, oldest) in rows {
            c.terms = c.terms.over(plan);
            out.insert(id, (c, oldest));
        }
    }
    Ok(out)
}

/// Moves each of `rows` (id, client, end date) from one status to another and records each as
/// an event of `kind` by `actor` with `reason`, 500 at a time. The caller has locked the rows
/// and checked they are in `from`.
pub async fn move_status(
    ex: &mut dyn Exec,
    rows: &[(SubscriptionId, ClientId, NaiveDate)],
    (from, to, kind): (Status, Status, EventKind),
    actor: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<CutOff>, StoreError> {
    let mut moved = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(500) {
        let mut ids: Vec<Value> = vec![to.as_str().into(), now.into()];
        let mut events: Vec<Value> = Vec::new();
        for &(id, client_id, end) in chunk {
            ids.push(id.into());
            events.extend(
                params![
                    id,
                    client_id,
                    kind.as_str(),
                    from.as_str(),
                    to.as_str(),
                    end,
                    end,
                    actor,
                    reason,
                    now
                ]
                .iter()
                .cloned(),
            );
            moved.push(CutOff {
                subscription_id: id,
                client_id,
            });
        }
        let marks = vec!["?"; chunk.len()].join(", ");
        ex.execute(
            &format!("UPDATE subscriptions SET status = ?, updated_at = ? WHERE id IN ({marks})"),
            &ids,
        )
        .await?;
        let rows_sql = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        ex.execute(
            &format!(
                "INSERT INTO subscription_events (subscription_id, client_id, kind, from_status, \
                 to_status, old_end_date, new_end_date, actor, reason, created_at) VALUES {rows_sql}"
            ),
            &events,
        )
        .await?;
    }
    Ok(moved)
}

/// Marks expired every suspended subscription whose latest suspension (its last event into
/// `suspended`, or its last change when it has none, as an imported one) happened before
/// `suspended_before`, and records each as a `status_changed` event by `actor` with `reason`.
/// Must run inside a write transaction.
pub async fn expire_suspended(
    ex: &mut dyn Exec,
    suspended_before: DateTime<Utc>,
    now: DateTime<Utc>,
    actor: &str,
    reason: &str,
) -> Result<Vec<CutOff>, StoreError> {
    let rows: Vec<(SubscriptionId, ClientId, NaiveDate)> = ex
        .all(
            "SELECT s.id, s.client_id, s.end_date FROM subscriptions s \
             WHERE s.status = 'suspended' AND COALESCE((SELECT MAX(e.created_at) \
               FROM subscription_events e WHERE e.subscription_id = s.id \
               AND e.to_status = 'suspended'), s.updated_at) < ? ORDER BY s.id{for_update}",
            params![suspended_before],
        )
        .await?;
    move_status(
        ex,
        &rows,
        (Status::Suspended, Status::Expired, EventKind::StatusChanged),
        actor,
        reason,
        now,
    )
    .await
}
