use chrono::{DateTime, Utc};

use crate::domain::ids::RouterId;
use crate::domain::router::{Router, RouterSettings};
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
