//! The router sync table: one row per router object, bumped by every change, leased and
//! settled by the workers. Every function runs inside the caller's transaction.

use chrono::{DateTime, Utc};

use super::Conditions;
use crate::domain::ids::{ClientId, JobId, PlanId, RouterId};
use crate::domain::secret::{SyncKind, SyncObject, SyncStatus};
use crate::params;
use crate::storage::{Backend, Exec, StoreError, Table, Value};

crate::table!(SyncObject => "router_sync" as "o" {
    id,
    router_id,
    kind,
    object_id,
    version,
    applied_version,
    status,
    refusals,
    next_attempt_at,
    last_error,
    changed_at,
    applied_at,
});

/// The columns of a new row, then what a conflicting row becomes: pending again at a new
/// version, its refusals forgotten (a change always gets a fresh chance).
fn upsert(backend: Backend, select: &str) -> String {
    let insert = "INSERT INTO router_sync (router_id, kind, object_id, version, \
        applied_version, status, refusals, next_attempt_at, changed_at) ";
    let set = "version = router_sync.version + 1, status = 'pending', refusals = 0, \
        next_attempt_at = ?, changed_at = ?, last_error = NULL";
    match backend {
        // SQLite needs the WHERE to tell the SELECT from the upsert clause.
        Backend::Sqlite | Backend::Postgres => {
            format!("{insert}{select} ON CONFLICT (router_id, kind, object_id) DO UPDATE SET {set}")
        }
        Backend::MySql => format!(
            "{insert}{select} ON DUPLICATE KEY UPDATE {}",
            set.replace("router_sync.version", "version")
        ),
    }
}

/// Marks one object to be made as the database says, on `router`.
pub async fn bump(
    ex: &mut dyn Exec,
    router: RouterId,
    kind: SyncKind,
    object_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = upsert(
        ex.backend(),
        "SELECT ?, ?, ?, 1, 0, 'pending', 0, ?, ? FROM routers WHERE id = ?",
    );
    ex.execute(
        &sql,
        params![router, kind, object_id, now, now, router, now, now],
    )
    .await?;
    Ok(())
}

/// Marks the secrets of these clients on the routers they are on now (a set-based bump for
/// runs that change many clients at once).
pub async fn bump_clients(
    ex: &mut dyn Exec,
    clients: &[ClientId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in clients.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = upsert(
            ex.backend(),
            &format!(
                "SELECT c.router_id, 'secret', c.id, 1, 0, 'pending', 0, ?, ? FROM clients c \
                 WHERE c.router_id IS NOT NULL AND c.id IN ({marks})"
            ),
        );
        let mut args: Vec<Value> = vec![now.into(), now.into()];
        args.extend(chunk.iter().map(|c| Value::from(*c)));
        args.extend([now.into(), now.into()]);
        ex.execute(&sql, &args).await?;
    }
    Ok(())
}

/// Marks a plan's profile on every router.
pub async fn bump_plan(
    ex: &mut dyn Exec,
    plan: PlanId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = upsert(
        ex.backend(),
        "SELECT r.id, 'profile', ?, 1, 0, 'pending', 0, ?, ? FROM routers r WHERE r.id > 0",
    );
    ex.execute(&sql, params![plan, now, now, now, now]).await?;
    Ok(())
}

/// Marks every plan's profile on one router (a new router gets them all).
pub async fn bump_all_plans(
    ex: &mut dyn Exec,
    router: RouterId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = upsert(
        ex.backend(),
        "SELECT ?, 'profile', p.id, 1, 0, 'pending', 0, ?, ? FROM plans p WHERE p.id > 0",
    );
    ex.execute(&sql, params![router, now, now, now, now])
        .await?;
    Ok(())
}

/// An object's version now (after a bump in the same transaction).
pub async fn version_of(
    ex: &mut dyn Exec,
    router: RouterId,
    kind: SyncKind,
    object_id: i64,
) -> Result<Option<(JobId, i64)>, StoreError> {
    ex.first(
        "SELECT id, version FROM router_sync WHERE router_id = ? AND kind = ? AND object_id = ?",
        params![router, kind, object_id],
    )
    .await
}

/// An object leased for one round: the version whose state the worker will apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leased {
    pub id: JobId,
    pub router_id: RouterId,
    pub kind: SyncKind,
    pub object_id: i64,
    pub version: i64,
    pub refusals: u32,
}
crate::record!(Leased {
    id,
    router_id,
    kind,
    object_id,
    version,
    refusals
});

/// Leases up to `limit` due objects for `worker` until `until`; objects of routers waiting out
/// an outage are left. Rows another worker holds are skipped, not waited for. Must run inside
/// a write transaction.
pub async fn lease(
    ex: &mut dyn Exec,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Leased>, StoreError> {
    let rows: Vec<Leased> = ex
        .all(
            "SELECT o.id, o.router_id, o.kind, o.object_id, o.version, o.refusals \
             FROM router_sync o JOIN routers r ON r.id = o.router_id \
             WHERE o.status = 'pending' AND o.next_attempt_at <= ? \
             AND (o.leased_until IS NULL OR o.leased_until < ?) \
             AND (r.retry_at IS NULL OR r.retry_at <= ?) \
             ORDER BY o.kind DESC, o.id LIMIT ?{skip_locked}",
            params![now, now, now, limit],
        )
        .await?;
    for chunk in rows.chunks(500) {
        // One statement for the lot: each row remembers the version it was leased at.
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<Value> = vec![worker.into(), until.into()];
        args.extend(chunk.iter().map(|o| Value::from(o.id)));
        ex.execute(
            &format!(
                "UPDATE router_sync SET leased_by = ?, leased_until = ?, leased_version = version \
                 WHERE id IN ({marks})"
            ),
            &args,
        )
        .await?;
    }
    Ok(rows)
}

/// Extends every lease `worker` holds: a live worker keeps its objects, a dead one loses them
/// within one lease.
pub async fn renew(
    ex: &mut dyn Exec,
    worker: &str,
    until: DateTime<Utc>,
) -> Result<u64, StoreError> {
    ex.execute(
        "UPDATE router_sync SET leased_until = ? WHERE leased_by = ?",
        params![until, worker],
    )
    .await
}

fn id_list(ids: &[JobId]) -> (String, Vec<Value>) {
    (
        vec!["?"; ids.len()].join(", "),
        ids.iter().map(|i| Value::from(*i)).collect(),
    )
}

/// The router took these objects at their leased versions: done, unless they changed again
/// meanwhile (then they stay pending for the next round).
pub async fn applied(
    ex: &mut dyn Exec,
    worker: &str,
    ids: &[JobId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        let (marks, ids) = id_list(chunk);
        let mut args: Vec<Value> = vec![now.into()];
        args.extend(ids);
        args.push(worker.into());
        ex.execute(
            &format!(
                "UPDATE router_sync SET applied_version = leased_version, \
                 status = CASE WHEN version = leased_version THEN 'done' ELSE 'pending' END, \
                 refusals = 0, last_error = NULL, applied_at = ?, leased_by = NULL, \
                 leased_until = NULL WHERE id IN ({marks}) AND leased_by = ?"
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// Gives leases back untouched (the router could not be reached: that is not the object's
/// fault and counts for nothing).
pub async fn release(ex: &mut dyn Exec, worker: &str, ids: &[JobId]) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        let (marks, mut args) = id_list(chunk);
        args.push(worker.into());
        ex.execute(
            &format!(
                "UPDATE router_sync SET leased_by = NULL, leased_until = NULL \
                 WHERE id IN ({marks}) AND leased_by = ?"
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// The router refused an object: counted, retried at `next`, or failed once `give_up` — unless
/// it changed meanwhile, which gives it a fresh start.
pub async fn refused(
    ex: &mut dyn Exec,
    worker: &str,
    id: JobId,
    error: &str,
    next: DateTime<Utc>,
    give_up: bool,
) -> Result<(), StoreError> {
    let error: String = error.chars().take(1000).collect();
    ex.execute(
        "UPDATE router_sync SET \
         refusals = CASE WHEN version = leased_version THEN refusals + 1 ELSE 0 END, \
         status = CASE WHEN version = leased_version AND ? THEN 'failed' ELSE 'pending' END, \
         next_attempt_at = CASE WHEN version = leased_version THEN ? ELSE next_attempt_at END, \
         last_error = ?, leased_by = NULL, leased_until = NULL WHERE id = ? AND leased_by = ?",
        params![give_up, next, error, id, worker],
    )
    .await?;
    Ok(())
}

/// Puts failed objects of a router (all, or one) back in the queue: the next round applies
/// what the database says then.
pub async fn retry_failed(
    ex: &mut dyn Exec,
    router: RouterId,
    id: Option<JobId>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut conds = Conditions::default();
    conds
        .add("router_id = ?", Some(router))
        .add("id = ?", id)
        .add("status = ?", Some(SyncStatus::Failed));
    let clause = conds.clause();
    let mut args = vec![now.into()];
    args.extend(conds.args);
    ex.execute(
        &format!(
            "UPDATE router_sync SET status = 'pending', refusals = 0, next_attempt_at = ?, \
             version = version + 1{clause}"
        ),
        &args,
    )
    .await
}

pub async fn page(
    ex: &mut dyn Exec,
    router: RouterId,
    status: Option<SyncStatus>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<SyncObject>, i64), StoreError> {
    let mut conds = Conditions::default();
    conds
        .add("o.router_id = ?", Some(router))
        .add("o.status = ?", status);
    super::page(
        ex,
        &SyncObject::from_clause(),
        SyncObject::select_list(),
        "o.id",
        conds,
        (limit, offset),
    )
    .await
}

/// Whether an object's router holds at least `version`: `Some(true)` applied, `Some(false)`
/// failed at that version, `None` still pending.
pub async fn outcome(
    ex: &mut dyn Exec,
    id: JobId,
    version: i64,
) -> Result<Option<bool>, StoreError> {
    let row: Option<(i64, SyncStatus)> = ex
        .first(
            "SELECT applied_version, status FROM router_sync WHERE id = ?",
            params![id],
        )
        .await?;
    Ok(match row {
        None => Some(false),
        Some((applied, _)) if applied >= version => Some(true),
        Some((_, SyncStatus::Failed)) => Some(false),
        Some(_) => None,
    })
}

/// A router's queue at a glance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueStats {
    pub pending: i64,
    pub failed: i64,
    pub oldest_pending: Option<DateTime<Utc>>,
}

pub async fn stats(ex: &mut dyn Exec, router: RouterId) -> Result<QueueStats, StoreError> {
    let (pending, failed, oldest): (i64, i64, Option<DateTime<Utc>>) = ex
        .one(
            "SELECT \
             (SELECT COUNT(*) FROM router_sync WHERE router_id = ? AND status = 'pending'), \
             (SELECT COUNT(*) FROM router_sync WHERE router_id = ? AND status = 'failed'), \
             (SELECT MIN(changed_at) FROM router_sync WHERE router_id = ? AND status = 'pending')",
            params![router, router, router],
        )
        .await?;
    Ok(QueueStats {
        pending,
        failed,
        oldest_pending: oldest,
    })
}

/// One router's queue and whether its last contact succeeded, for the metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterQueue {
    pub router_id: RouterId,
    pub name: String,
    /// `None` until a worker has contacted it.
    pub reachable: Option<bool>,
    pub pending: i64,
    pub failed: i64,
    pub oldest_pending: Option<DateTime<Utc>>,
}
crate::record!(RouterQueue {
    router_id,
    name,
    reachable,
    pending,
    failed,
    oldest_pending
});

/// Every router's queue (as [`stats`] for one) and reachability, in one statement.
pub async fn queues(ex: &mut dyn Exec) -> Result<Vec<RouterQueue>, StoreError> {
    ex.all(
        "SELECT r.id, r.name, r.reachable, \
         (SELECT COUNT(*) FROM router_sync o WHERE o.router_id = r.id AND o.status = 'pending'), \
         (SELECT COUNT(*) FROM router_sync o WHERE o.router_id = r.id AND o.status = 'failed'), \
         (SELECT MIN(o.changed_at) FROM router_sync o \
          WHERE o.router_id = r.id AND o.status = 'pending') \
         FROM routers r ORDER BY r.id",
        &[],
    )
    .await
}

/// Pending objects in all: the workers' backlog.
pub async fn pending_count(ex: &mut dyn Exec) -> Result<i64, StoreError> {
    ex.one(
        "SELECT COUNT(*) FROM router_sync WHERE status = 'pending'",
        &[],
    )
    .await
}

/// Forgets the sync rows of clients that no longer exist once their secrets are gone (rows
/// of kind secret whose client is deleted and that are done).
pub async fn purge_settled(ex: &mut dyn Exec) -> Result<u64, StoreError> {
    ex.execute(
        "DELETE FROM router_sync WHERE kind = 'secret' AND status = 'done' \
         AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = router_sync.object_id)",
        &[],
    )
    .await
}
