use chrono::{DateTime, Utc};

use crate::domain::ids::RouterId;
use crate::domain::router::{Router, RouterHealth, RouterSettings};
use crate::domain::validation::Sealed;
use crate::params;
use crate::storage::{Exec, Field, StoreError, Table, Value};

crate::record!(RouterSettings {
    name,
    host,
    port,
    transport,
    username,
    tls_fingerprint,
    suspend_mode,
    isolation_profile,
    is_default,
});
crate::table!(Router => "routers" as "r" { id, settings, password = "password_enc" });

impl Field for Sealed {
    fn read(c: &mut crate::storage::Cursor) -> Result<Self, StoreError> {
        String::read(c).map(Sealed)
    }
    fn write(&self, out: &mut Vec<Value>) {
        out.push(Value::Text(self.0.clone()));
    }
}

impl From<&Sealed> for Value {
    fn from(s: &Sealed) -> Value {
        Value::Text(s.0.clone())
    }
}

fn select(tail: &str) -> String {
    format!(
        "SELECT {} FROM {} {tail}",
        Router::select_list(),
        Router::from_clause()
    )
}

pub async fn insert(
    ex: &mut dyn Exec,
    r: &Router,
    now: DateTime<Utc>,
) -> Result<RouterId, StoreError> {
    ex.insert_row(r, &[("created_at", now.into()), ("updated_at", now.into())])
        .await
        .map(RouterId)
}

pub async fn update(ex: &mut dyn Exec, r: &Router, now: DateTime<Utc>) -> Result<bool, StoreError> {
    ex.update_row(r, &[("updated_at = ?", now.into())]).await
}

/// Makes `id` the only default router.
pub async fn set_default(ex: &mut dyn Exec, id: RouterId) -> Result<(), StoreError> {
    ex.execute("UPDATE routers SET is_default = (id = ?)", params![id])
        .await?;
    Ok(())
}

pub async fn get(ex: &mut dyn Exec, id: RouterId) -> Result<Option<Router>, StoreError> {
    ex.first(&select("WHERE r.id = ?"), params![id]).await
}

pub async fn default_id(ex: &mut dyn Exec) -> Result<Option<RouterId>, StoreError> {
    ex.first(
        "SELECT id FROM routers WHERE is_default = ? ORDER BY id LIMIT 1",
        params![true],
    )
    .await
}

pub async fn list(ex: &mut dyn Exec) -> Result<Vec<Router>, StoreError> {
    ex.all(&select("ORDER BY r.id"), &[]).await
}

pub async fn delete(ex: &mut dyn Exec, id: RouterId) -> Result<bool, StoreError> {
    Ok(ex
        .execute("DELETE FROM routers WHERE id = ?", params![id])
        .await?
        > 0)
}

crate::record!(RouterHealth {
    reachable,
    since = "state_since",
    last_error,
    retry_at,
    outages,
    last_contact_at,
    uptime_seconds,
    last_reconcile_at,
});

pub async fn health(ex: &mut dyn Exec, id: RouterId) -> Result<Option<RouterHealth>, StoreError> {
    let cols = crate::storage::row::columns::<RouterHealth>().join(", ");
    ex.first(
        &format!("SELECT {cols} FROM routers WHERE id = ?"),
        params![id],
    )
    .await
}

/// Records a successful contact; returns whether the router was not known reachable before
/// (it came back, or this is the first contact) or restarted since the last contact (its
/// uptime went down): either way it may have lost its configuration.
pub async fn contact_ok(
    ex: &mut dyn Exec,
    id: RouterId,
    now: DateTime<Utc>,
    uptime: Option<i64>,
) -> Result<bool, StoreError> {
    let Some(h) = health(ex, id).await? else {
        return Ok(false);
    };
    let back = h.reachable != Some(true);
    let restarted =
        matches!((h.uptime_seconds, uptime), (Some(before), Some(after)) if after < before);
    ex.execute(
        "UPDATE routers SET reachable = ?, state_since = CASE WHEN reachable = ? THEN state_since \
         ELSE ? END, last_error = NULL, retry_at = NULL, outages = 0, last_contact_at = ?, \
         uptime_seconds = COALESCE(?, uptime_seconds) WHERE id = ?",
        params![true, true, now, now, uptime, id],
    )
    .await?;
    Ok(back || restarted)
}

/// Records a failed contact: unreachable until `retry_at`, with the error's classification.
/// Returns whether the router was not already known unreachable (the outage starts now).
pub async fn contact_failed(
    ex: &mut dyn Exec,
    id: RouterId,
    now: DateTime<Utc>,
    error: &str,
    backoff: impl Fn(u32) -> std::time::Duration,
) -> Result<bool, StoreError> {
    let Some(h) = health(ex, id).await? else {
        return Ok(false);
    };
    let outages = h.outages.saturating_add(1);
    let retry = now + chrono::Duration::from_std(backoff(outages)).unwrap_or_default();
    let since = if h.reachable == Some(false) {
        h.since.unwrap_or(now)
    } else {
        now
    };
    let error: String = error.chars().take(1000).collect();
    ex.execute(
        "UPDATE routers SET reachable = ?, state_since = ?, last_error = ?, retry_at = ?, \
         outages = ? WHERE id = ?",
        params![false, since, error, retry, i64::from(outages), id],
    )
    .await?;
    Ok(h.reachable != Some(false))
}

/// Claims the router's periodic comparison with the database: true for the one worker that
/// gets it when the last one is older than `before`.
pub async fn claim_reconcile(
    ex: &mut dyn Exec,
    id: RouterId,
    now: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE routers SET last_reconcile_at = ? WHERE id = ? \
             AND (last_reconcile_at IS NULL OR last_reconcile_at < ?)",
            params![now, id, before],
        )
        .await?;
    Ok(n > 0)
}
