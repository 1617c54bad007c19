//! The outbox of router changes.

use chrono::{DateTime, Utc};

use super::Conditions;
use crate::domain::ids::{ClientId, JobId, RouterId};
use crate::params;
use crate::storage::{Exec, StoreError, Table, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub router_id: RouterId,
    pub client_id: Option<ClientId>,
    /// `secret`, `remove`, `profile`.
    pub kind: String,
    /// JSON; holds no plain password (a secret's is sealed).
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

crate::table!(Job => "router_jobs" as "j" {
    id, router_id, client_id, kind, payload, status, attempts, next_attempt_at, last_error,
    created_at
});

pub async fn enqueue(
    ex: &mut dyn Exec,
    router_id: RouterId,
    client_id: Option<ClientId>,
    kind: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<JobId, StoreError> {
    ex.insert(
        "INSERT INTO router_jobs (router_id, client_id, kind, payload, status, attempts, \
         next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
        params![router_id, client_id, kind, payload, now, now],
    )
    .await
    .map(JobId)
}

/// Leases up to `limit` due jobs for `lease_until`: for each client only its oldest pending
/// job, so a client's changes reach the router in the order they were made. Jobs leased by
/// another worker are skipped, not waited for. Must run inside a write transaction.
pub async fn lease(
    ex: &mut dyn Exec,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Job>, StoreError> {
    let sql = format!(
        "SELECT {} FROM router_jobs j WHERE j.status = 'pending' AND j.next_attempt_at <= ? \
         AND (j.leased_until IS NULL OR j.leased_until < ?) \
         AND (j.client_id IS NULL OR NOT EXISTS (SELECT 1 FROM router_jobs e \
           WHERE e.client_id = j.client_id AND e.status = 'pending' AND e.id < j.id)) \
         ORDER BY j.id LIMIT ?{{skip_locked}}",
        Job::select_list()
    );
    let jobs: Vec<Job> = ex.all(&sql, params![now, now, limit]).await?;
    for chunk in jobs.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<Value> = vec![lease_until.into()];
        args.extend(chunk.iter().map(|j| Value::from(j.id)));
        ex.execute(
            &format!("UPDATE router_jobs SET leased_until = ? WHERE id IN ({marks})"),
            &args,
        )
        .await?;
    }
    Ok(jobs)
}

pub async fn mark_done(
    ex: &mut dyn Exec,
    ids: &[JobId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<Value> = vec![now.into()];
        args.extend(chunk.iter().map(|id| Value::from(*id)));
        ex.execute(
            &format!(
                "UPDATE router_jobs SET status = 'done', done_at = ?, leased_until = NULL, \
                 last_error = NULL WHERE id IN ({marks})"
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// Records a failed attempt: the job waits until `next_attempt_at`, or is marked failed.
pub async fn mark_retry(
    ex: &mut dyn Exec,
    id: JobId,
    error: &str,
    next_attempt_at: DateTime<Utc>,
    give_up: bool,
) -> Result<(), StoreError> {
    let error: String = error.chars().take(1000).collect();
    ex.execute(
        "UPDATE router_jobs SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, \
         leased_until = NULL, status = ? WHERE id = ?",
        params![
            error,
            next_attempt_at,
            if give_up { "failed" } else { "pending" },
            id
        ],
    )
    .await?;
    Ok(())
}

/// Puts failed jobs of a router (all, or one) back in the queue.
pub async fn retry_failed(
    ex: &mut dyn Exec,
    router_id: RouterId,
    job_id: Option<JobId>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    match job_id {
        Some(j) => {
            ex.execute(
                "UPDATE router_jobs SET status = 'pending', attempts = 0, next_attempt_at = ? \
                 WHERE router_id = ? AND id = ? AND status = 'failed'",
                params![now, router_id, j],
            )
            .await
        }
        None => {
            ex.execute(
                "UPDATE router_jobs SET status = 'pending', attempts = 0, next_attempt_at = ? \
                 WHERE router_id = ? AND status = 'failed'",
                params![now, router_id],
            )
            .await
        }
    }
}

pub async fn page(
    ex: &mut dyn Exec,
    router_id: RouterId,
    status: Option<&'static str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Job>, i64), StoreError> {
    let mut conds = Conditions::default();
    conds
        .add("j.router_id = ?", Some(router_id))
        .add("j.status = ?", status);
    super::page(
        ex,
        &Job::from_clause(),
        Job::select_list(),
        "j.id",
        conds,
        (limit, offset),
    )
    .await
}

/// Pending jobs in all: the worker's backlog.
pub async fn pending_count(ex: &mut dyn Exec) -> Result<i64, StoreError> {
    ex.one(
        "SELECT COUNT(*) FROM router_jobs WHERE status = 'pending'",
        &[],
    )
    .await
}

/// A job's status: `pending`, `done` or `failed`.
pub async fn status(ex: &mut dyn Exec, id: JobId) -> Result<Option<String>, StoreError> {
    ex.first("SELECT status FROM router_jobs WHERE id = ?", params![id])
        .await
}

/// Forgets applied jobs finished before `before` (failed and pending ones are kept).
pub async fn purge_done(ex: &mut dyn Exec, before: DateTime<Utc>) -> Result<u64, StoreError> {
    ex.execute(
        "DELETE FROM router_jobs WHERE status = 'done' AND done_at < ?",
        params![before],
    )
    .await
}
