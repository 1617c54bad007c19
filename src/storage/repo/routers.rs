use chrono::{DateTime, Utc};

use crate::domain::provisioning::{RouterSettings, SuspendMode, Transport};
use crate::params;
use crate::storage::{Exec, Row, StoreError};

/// A router as stored: its settings and the sealed password (never shown, never logged).
#[derive(Clone, PartialEq, Eq)]
pub struct RouterRecord {
    pub id: i64,
    pub settings: RouterSettings,
    pub password_enc: String,
}

impl std::fmt::Debug for RouterRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterRecord")
            .field("id", &self.id)
            .field("settings", &self.settings)
            .field("password_enc", &"<sealed>")
            .finish()
    }
}

const COLUMNS: &str = "id, name, host, port, transport, username, password_enc, tls_fingerprint, \
    suspend_mode, isolation_profile, is_default";

fn from_row(r: &Row) -> Result<RouterRecord, StoreError> {
    let bad = |what: &str| StoreError::Decode(what.to_owned());
    Ok(RouterRecord {
        id: r.i64(0)?,
        settings: RouterSettings {
            name: r.string(1)?,
            host: r.string(2)?,
            port: u16::try_from(r.i64(3)?).map_err(|_| bad("router port"))?,
            transport: Transport::parse(&r.string(4)?).ok_or_else(|| bad("router transport"))?,
            username: r.string(5)?,
            tls_fingerprint: r.opt_string(7)?,
            suspend_mode: SuspendMode::parse(&r.string(8)?).ok_or_else(|| bad("suspend mode"))?,
            isolation_profile: r.opt_string(9)?,
            is_default: r.bool(10)?,
        },
        password_enc: r.string(6)?,
    })
}

pub async fn insert(
    ex: &mut dyn Exec,
    s: &RouterSettings,
    password_enc: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO routers (name, host, port, transport, username, password_enc, \
         tls_fingerprint, suspend_mode, isolation_profile, is_default, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            &s.name,
            &s.host,
            i64::from(s.port),
            s.transport.as_str(),
            &s.username,
            password_enc,
            s.tls_fingerprint.clone(),
            s.suspend_mode.as_str(),
            s.isolation_profile.clone(),
            s.is_default,
            now,
            now
        ],
    )
    .await
}

pub async fn update(
    ex: &mut dyn Exec,
    r: &RouterRecord,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let s = &r.settings;
    ex.execute(
        "UPDATE routers SET name = ?, host = ?, port = ?, transport = ?, username = ?, \
         password_enc = ?, tls_fingerprint = ?, suspend_mode = ?, isolation_profile = ?, \
         is_default = ?, updated_at = ? WHERE id = ?",
        params![
            &s.name,
            &s.host,
            i64::from(s.port),
            s.transport.as_str(),
            &s.username,
            &r.password_enc,
            s.tls_fingerprint.clone(),
            s.suspend_mode.as_str(),
            s.isolation_profile.clone(),
            s.is_default,
            now,
            r.id
        ],
    )
    .await?;
    Ok(())
}

/// Makes `id` the only default router.
pub async fn set_default(ex: &mut dyn Exec, id: i64) -> Result<(), StoreError> {
    ex.execute("UPDATE routers SET is_default = (id = ?)", params![id])
        .await?;
    Ok(())
}

pub async fn get(ex: &mut dyn Exec, id: i64) -> Result<Option<RouterRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM routers WHERE id = ?");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn default_id(ex: &mut dyn Exec) -> Result<Option<i64>, StoreError> {
    ex.fetch_optional(
        "SELECT id FROM routers WHERE is_default = ? ORDER BY id LIMIT 1",
        params![true],
    )
    .await?
    .map(|r| r.i64(0))
    .transpose()
}

pub async fn list(ex: &mut dyn Exec) -> Result<Vec<RouterRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM routers ORDER BY id");
    ex.fetch_all(&sql, &[])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn delete(ex: &mut dyn Exec, id: i64) -> Result<bool, StoreError> {
    Ok(ex
        .execute("DELETE FROM routers WHERE id = ?", params![id])
        .await?
        > 0)
}
