use chrono::{DateTime, Utc};

use crate::domain::ids::UserId;
use crate::domain::user::{Role, User};
use crate::params;
use crate::storage::{Exec, StoreError, Table};

crate::table!(User => "users" as "u" { id, username, role, created_at });

pub async fn count(ex: &mut dyn Exec) -> Result<i64, StoreError> {
    ex.one("SELECT COUNT(*) FROM users", &[]).await
}

pub async fn insert(
    ex: &mut dyn Exec,
    username: &str,
    password_hash: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<UserId, StoreError> {
    let user = User {
        id: UserId(0),
        username: username.to_owned(),
        role,
        created_at: now,
    };
    ex.insert_row(
        &user,
        &[
            ("password_hash", password_hash.into()),
            ("updated_at", now.into()),
        ],
    )
    .await
    .map(UserId)
}

/// The user of that name and their password hash.
pub async fn find_by_username(
    ex: &mut dyn Exec,
    username: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let sql = format!(
        "SELECT {}, u.password_hash FROM {} WHERE u.username = ?",
        User::select_list(),
        User::from_clause()
    );
    ex.first(&sql, params![username]).await
}

pub async fn list(ex: &mut dyn Exec) -> Result<Vec<User>, StoreError> {
    ex.all(
        &format!(
            "SELECT {} FROM {} ORDER BY u.id",
            User::select_list(),
            User::from_clause()
        ),
        &[],
    )
    .await
}
