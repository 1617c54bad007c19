//! Stored answers of creates sent with an `Idempotency-Key` (see `service::idempotency`).

use chrono::{DateTime, Utc};

use crate::params;
use crate::storage::{Exec, StoreError};

/// One key's record: the request it was first used with and what that request answered
/// (`status` 0 while the first request is still running).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub request_hash: String,
    pub status: i64,
    pub body: String,
    pub created_at: DateTime<Utc>,
}
crate::record!(Stored {
    request_hash,
    status,
    body,
    created_at
});

/// Who used the key where: the key is unique per user and route.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub user_id: i64,
    pub route: &'a str,
    pub key: &'a str,
}

pub async fn find(ex: &mut dyn Exec, s: Scope<'_>) -> Result<Option<Stored>, StoreError> {
    ex.first(
        "SELECT request_hash, status, body, created_at FROM idempotency_keys \
         WHERE user_id = ? AND route = ? AND idempotency_key = ?",
        params![s.user_id, s.route, s.key],
    )
    .await
}

/// Claims the key for a request: a concurrent request with the same key waits on the unique
/// index until this transaction ends, then fails (this one committed) or claims it (this one
/// rolled back).
pub async fn claim(
    ex: &mut dyn Exec,
    s: Scope<'_>,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "INSERT INTO idempotency_keys \
         (user_id, route, idempotency_key, request_hash, status, body, created_at) \
         VALUES (?, ?, ?, ?, 0, '', ?)",
        params![s.user_id, s.route, s.key, request_hash, now],
    )
    .await?;
    Ok(())
}

/// Stores the answer of the request that claimed the key.
pub async fn answer(
    ex: &mut dyn Exec,
    s: Scope<'_>,
    status: u16,
    body: &str,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE idempotency_keys SET status = ?, body = ? \
         WHERE user_id = ? AND route = ? AND idempotency_key = ?",
        params![i64::from(status), body, s.user_id, s.route, s.key],
    )
    .await?;
    Ok(())
}

/// Forgets one expired key, so that it can be used again.
pub async fn forget(ex: &mut dyn Exec, s: Scope<'_>) -> Result<(), StoreError> {
    ex.execute(
        "DELETE FROM idempotency_keys WHERE user_id = ? AND route = ? AND idempotency_key = ?",
        params![s.user_id, s.route, s.key],
    )
    .await?;
    Ok(())
}

/// Drops every key used before `before`; returns how many.
pub async fn purge(ex: &mut dyn Exec, before: DateTime<Utc>) -> Result<u64, StoreError> {
    ex.execute(
        "DELETE FROM idempotency_keys WHERE created_at < ?",
        params![before],
    )
    .await
}
