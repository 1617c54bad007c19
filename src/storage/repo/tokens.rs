use chrono::{DateTime, Utc};

use crate::domain::ids::UserId;
use crate::domain::user::Role;
use crate::params;
use crate::storage::{Exec, StoreError};

/// The user behind a token, as the auth check needs it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}
crate::record!(Session {
    user_id,
    username,
    role,
    disabled,
    expires_at,
    revoked_at
});

pub async fn insert(
    ex: &mut dyn Exec,
    token_hash: &str,
    user_id: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        params![token_hash, user_id, now, expires_at],
    )
    .await
}

pub async fn find_session(
    ex: &mut dyn Exec,
    token_hash: &str,
) -> Result<Option<Session>, StoreError> {
    ex.first(
        "SELECT u.id, u.username, u.role, u.disabled, t.expires_at, t.revoked_at \
         FROM auth_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = ? AND u.deleted_at IS NULL",
        params![token_hash],
    )
    .await
}

/// Revokes a live token; returns whether one was revoked.
pub async fn revoke(
    ex: &mut dyn Exec,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE auth_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            params![now, token_hash],
        )
        .await?;
    Ok(n > 0)
}

/// Revokes every live token of a user but the one whose hash is `except`; returns how many.
pub async fn revoke_all(
    ex: &mut dyn Exec,
    user_id: UserId,
    except: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    ex.execute(
        "UPDATE auth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL \
         AND token_hash <> ?",
        params![now, user_id, except.unwrap_or("")],
    )
    .await
}

/// Drops tokens that expired before `before`: they can never authenticate again.
pub async fn purge_expired(ex: &mut dyn Exec, before: DateTime<Utc>) -> Result<u64, StoreError> {
    ex.execute(
        "DELETE FROM auth_tokens WHERE expires_at < ?",
        params![before],
    )
    .await
}
