//! The customer portal's sign-ins: who a PPP secret name is, and the clients' sessions.

use chrono::{DateTime, Utc};

use crate::domain::ids::ClientId;
use crate::domain::validation::Sealed;
use crate::params;
use crate::storage::{Exec, StoreError};

/// The client behind a PPP secret name, as signing in needs it.
#[derive(Debug, Clone)]
pub struct Account {
    pub client_id: ClientId,
    pub name: String,
    pub ppp_secret_name: String,
    pub password: Sealed,
}
crate::record!(Account {
    client_id,
    name,
    ppp_secret_name,
    password
});

/// The client of a PPP secret name (names are compared exactly, as the router does).
pub async fn account(ex: &mut dyn Exec, secret: &str) -> Result<Option<Account>, StoreError> {
    ex.first(
        "SELECT id, name, ppp_secret_name, ppp_password_enc FROM clients WHERE ppp_secret_name = ?",
        params![secret],
    )
    .await
}

/// A session as the portal's check needs it.
#[derive(Debug, Clone)]
pub struct Session {
    pub client_id: ClientId,
    pub name: String,
    pub ppp_secret_name: String,
    /// The language of the client's messages (`en`, `id`), if they have one.
    pub language: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}
crate::record!(Session {
    client_id,
    name,
    ppp_secret_name,
    language,
    expires_at,
    revoked_at
});

/// Keeps a new session; sessions expired before `now` are dropped on the way.
pub async fn insert(
    ex: &mut dyn Exec,
    token_hash: &str,
    client_id: ClientId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "DELETE FROM portal_sessions WHERE expires_at < ?",
        params![now],
    )
    .await?;
    ex.insert(
        "INSERT INTO portal_sessions (token_hash, client_id, created_at, expires_at) \
         VALUES (?, ?, ?, ?)",
        params![token_hash, client_id, now, expires_at],
    )
    .await?;
    Ok(())
}

pub async fn find(ex: &mut dyn Exec, token_hash: &str) -> Result<Option<Session>, StoreError> {
    ex.first(
        "SELECT c.id, c.name, c.ppp_secret_name, c.language, s.expires_at, s.revoked_at \
         FROM portal_sessions s JOIN clients c ON c.id = s.client_id WHERE s.token_hash = ?",
        params![token_hash],
    )
    .await
}

pub async fn revoke(
    ex: &mut dyn Exec,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE portal_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        params![now, token_hash],
    )
    .await?;
    Ok(())
}

/// Ends every session of a client (their PPP password changed).
pub async fn revoke_client(
    ex: &mut dyn Exec,
    client_id: ClientId,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    ex.execute(
        "UPDATE portal_sessions SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
        params![now, client_id],
    )
    .await
}
