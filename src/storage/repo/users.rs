use chrono::{DateTime, Utc};

use crate::domain::user::Role;
use crate::params;
use crate::storage::{Exec, Row, StoreError};

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, username, password_hash, role, created_at";

fn from_row(r: &Row) -> Result<UserRecord, StoreError> {
    let role = r.string(3)?;
    Ok(UserRecord {
        id: r.i64(0)?,
        username: r.string(1)?,
        password_hash: r.string(2)?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Decode(format!("role {role}")))?,
        created_at: r.timestamp(4)?,
    })
}

pub async fn count(ex: &mut dyn Exec) -> Result<i64, StoreError> {
    ex.fetch_one("SELECT COUNT(*) FROM users", &[])
        .await?
        .i64(0)
}

pub async fn insert(
    ex: &mut dyn Exec,
    username: &str,
    password_hash: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO users (username, password_hash, role, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?)",
        params![username, password_hash, role.as_str(), now, now],
    )
    .await
}

pub async fn find_by_username(
    ex: &mut dyn Exec,
    username: &str,
) -> Result<Option<UserRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = ?");
    ex.fetch_optional(&sql, params![username])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn list(ex: &mut dyn Exec) -> Result<Vec<UserRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY id");
    ex.fetch_all(&sql, &[])
        .await?
        .iter()
        .map(from_row)
        .collect()
}
