//! The provisioning worker: leases due jobs, applies them to their routers, records the
//! outcome. Safe with several server processes: a lease holds a job for one worker, and
//! MariaDB/PostgreSQL skip rows another worker has locked.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use routeros::{Secret, SecretUpdate};

use super::Context;
use super::connections::{ConnectError, Router};
use super::outbox::Payload;
use crate::domain::router::Router as RouterRecord;
use crate::domain::secret::{MAX_REFUSALS, backoff};
use crate::security::secret_box::SecretBox;
use crate::storage::StoreError;
use crate::storage::repo::jobs::{self, Job};
use crate::storage::repo::routers;

/// Jobs leased per round.
const BATCH: i64 = 2000;
/// Jobs in flight per router connection.
const IN_FLIGHT: usize = 256;
/// How long a lease lasts; a worker that dies mid-round frees its jobs after this.
const LEASE: Duration = Duration::from_secs(120);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundStats {
    pub leased: usize,
    pub applied: usize,
    pub retried: usize,
    pub failed: usize,
}

/// What went wrong with one job.
#[derive(Debug)]
enum JobError {
    /// The router could not be reached: it will be, later. Retried without limit.
    Unreachable(String),
    /// The router answered with an error: retried a few times, then left for an operator.
    Refused(String),
}

impl From<routeros::Error> for JobError {
    fn from(e: routeros::Error) -> Self {
        if e.is_unreachable() {
            JobError::Unreachable(e.to_string())
        } else {
            JobError::Refused(e.to_string())
        }
    }
}

impl From<ConnectError> for JobError {
    fn from(e: ConnectError) -> Self {
        match e {
            ConnectError::Router(e) if e.is_auth_failure() => JobError::Refused(e.to_string()),
            ConnectError::Router(e) => e.into(),
            e @ ConnectError::Sealed => JobError::Refused(e.to_string()),
        }
    }
}

/// Ends every live session of `name`; one that ended meanwhile is fine.
async fn kick(api: &Router, name: &str) -> Result<(), JobError> {
    for s in api.active_sessions(Some(name)).await? {
        if let Err(e) = api.remove_active(&s.id).await
            && !e.is_no_such_item()
        {
            return Err(e.into());
        }
    }
    Ok(())
}

async fn apply(api: &Router, p: &Payload, secrets: &SecretBox) -> Result<(), JobError> {
    match p {
        Payload::Secret {
            name,
            old_name,
            password_enc,
            profile,
            disabled,
            comment,
            kick: end_session,
        } => {
            let password = secrets
                .open(&crate::domain::validation::Sealed(password_enc.clone()))
                .map_err(|e| JobError::Refused(e.to_string()))?;
            let mut found = match old_name {
                Some(old) => api.find_secret(old).await?,
                None => None,
            };
            if found.is_none() {
                found = api.find_secret(name).await?;
            }
            match found.and_then(|s| s.id) {
                Some(id) => {
                    let update = SecretUpdate {
                        name: Some(name.clone()),
                        password: Some(password),
                        service: Some("pppoe".into()),
                        profile: Some(profile.clone()),
                        disabled: Some(*disabled),
                        comment: Some(comment.clone()),
                        ..Default::default()
                    };
                    api.set_secret(&id, &update).await?;
                }
                None => {
                    let secret = Secret {
                        service: Some("pppoe".into()),
                        profile: Some(profile.clone()),
                        disabled: *disabled,
                        comment: Some(comment.clone()),
                        ..Secret::new(name.clone(), password)
                    };
                    api.add_secret(&secret).await?;
                }
            }
            if *end_session {
                kick(api, name).await?;
            }
        }
        Payload::Remove { name } => {
            if let Some(id) = api.find_secret(name).await?.and_then(|s| s.id)
                && let Err(e) = api.remove_secret(&id).await
                && !e.is_no_such_item()
            {
                return Err(e.into());
            }
            kick(api, name).await?;
        }
        Payload::Profile { name, rate_limit } => {
            let spec = routeros::ProfileSpec::new(name.clone())
                .rate_limit(rate_limit.clone().unwrap_or_default());
            api.upsert_profile(&spec).await?;
        }
    }
    Ok(())
}

async fn apply_all(
    app: &impl Context,
    router: Option<RouterRecord>,
    jobs: Vec<Job>,
) -> Vec<(Job, Result<(), JobError>)> {
    let Some(router) = router else {
        return jobs
            .into_iter()
            .map(|j| {
                (
                    j,
                    Err(JobError::Refused("the router no longer exists".into())),
                )
            })
            .collect();
    };
    let api = match app.connections().get(&router, app.secrets()).await {
        Ok(api) => api,
        Err(e) => {
            let e = JobError::from(e);
            let text = match &e {
                JobError::Unreachable(t) | JobError::Refused(t) => t.clone(),
            };
            let unreachable = matches!(e, JobError::Unreachable(_));
            return jobs
                .into_iter()
                .map(|j| {
                    let err = if unreachable {
                        JobError::Unreachable(text.clone())
                    } else {
                        JobError::Refused(text.clone())
                    };
                    (j, Err(err))
                })
                .collect();
        }
    };
    let results: Vec<_> = futures_util::stream::iter(jobs)
        .map(|job| {
            let api = api.clone();
            async move {
                let result = match serde_json::from_str::<Payload>(&job.payload) {
                    Ok(p) => apply(&api, &p, app.secrets()).await,
                    Err(e) => Err(JobError::Refused(format!("unreadable job: {e}"))),
                };
                (job, result)
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    if results
        .iter()
        .any(|(_, r)| matches!(r, Err(JobError::Unreachable(_))))
    {
        app.connections().drop_router(router.id);
    }
    results
}

/// One round: lease the due jobs, apply them, record what happened.
pub async fn run_once(app: &impl Context) -> Result<RoundStats, StoreError> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let leased = app
        .db()
        .write(move |ex| Box::pin(async move { jobs::lease(ex, now, until, BATCH).await }))
        .await?;
    let mut stats = RoundStats {
        leased: leased.len(),
        ..Default::default()
    };
    if leased.is_empty() {
        return Ok(stats);
    }
    let mut by_router: HashMap<crate::domain::ids::RouterId, Vec<Job>> = HashMap::new();
    for j in leased {
        by_router.entry(j.router_id).or_default().push(j);
    }
    let mut outcomes = Vec::new();
    for (router_id, jobs) in by_router {
        let router = app
            .db()
            .read(move |ex| Box::pin(async move { routers::get(ex, router_id).await }))
            .await?;
        outcomes.extend(apply_all(app, router, jobs).await);
    }
    let now = Utc::now();
    let mut done = Vec::new();
    let mut retries = Vec::new();
    for (job, result) in outcomes {
        match result {
            Ok(()) => done.push(job.id),
            Err(e) => {
                let attempts = u32::try_from(job.attempts + 1).unwrap_or(u32::MAX);
                let (text, give_up) = match e {
                    JobError::Unreachable(t) => (t, false),
                    JobError::Refused(t) => (t, attempts >= MAX_REFUSALS),
                };
                tracing::warn!(job = %job.id, router = %job.router_id, attempts, give_up, error = %text, "router job not applied");
                let next = now + chrono::Duration::from_std(backoff(attempts)).unwrap_or_default();
                retries.push((job.id, text, next, give_up));
            }
        }
    }
    stats.applied = done.len();
    stats.failed = retries.iter().filter(|r| r.3).count();
    stats.retried = retries.len() - stats.failed;
    app.db()
        .write(move |ex| {
            Box::pin(async move {
                jobs::mark_done(ex, &done, now).await?;
                for (id, text, next, give_up) in &retries {
                    jobs::mark_retry(ex, *id, text, *next, *give_up).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await?;
    Ok(stats)
}

/// Runs rounds until the queue has nothing due (for `mikronet provision --once` and tests).
pub async fn drain(app: &impl Context) -> Result<RoundStats, StoreError> {
    let mut total = RoundStats::default();
    loop {
        let s = run_once(app).await?;
        total.leased += s.leased;
        total.applied += s.applied;
        total.retried += s.retried;
        total.failed += s.failed;
        if s.leased == 0 || s.applied == 0 {
            return Ok(total);
        }
    }
}

/// How long applied jobs stay visible under `/routers/{id}/jobs?status=done`.
const KEEP_DONE: chrono::Duration = chrono::Duration::days(30);

/// The worker inside `serve`: a round whenever jobs are queued, and every second for retries;
/// hourly, it forgets applied jobs older than [`KEEP_DONE`] so the queue does not grow forever.
pub async fn run<C: Context + 'static>(app: Arc<C>) {
    let mut last_purge = tokio::time::Instant::now();
    loop {
        if last_purge.elapsed() >= Duration::from_secs(3600) {
            last_purge = tokio::time::Instant::now();
            let before = Utc::now() - KEEP_DONE;
            if let Err(e) = app
                .db()
                .write(move |ex| Box::pin(async move { jobs::purge_done(ex, before).await }))
                .await
            {
                tracing::error!(error = %e, "purging applied router jobs failed");
            }
        }
        match run_once(&app).await {
            Ok(s) if s.leased > 0 && s.applied > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "provisioning round failed"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), app.jobs_ready().notified()).await;
    }
}
