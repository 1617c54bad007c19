use chrono::{DateTime, Utc};

use crate::domain::ids::UserId;
use crate::domain::user::{Role, User};
use crate::params;
use crate::storage::{Exec, StoreError, Table};

crate::table!(User => "users" as "u" { id, username, role, disabled, created_at });

/// Every user ever created, deleted ones included (the first registration opens only an
/// installation that never had one).
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
        disabled: false,
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

/// The (not deleted) user of that name and their password hash.
pub async fn find_by_username(
    ex: &mut dyn Exec,
    username: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let sql = format!(
        "SELECT {}, u.password_hash FROM {} WHERE u.username = ? AND u.deleted_at IS NULL",
        User::select_list(),
        User::from_clause()
    );
    ex.first(&sql, params![username]).await
}

/// A (not deleted) user and their password hash; `lock` holds the row until the transaction
/// ends.
pub async fn get(
    ex: &mut dyn Exec,
    id: UserId,
    lock: bool,
) -> Result<Option<(User, String)>, StoreError> {
    let sql = format!(
        "SELECT {}, u.password_hash FROM {} WHERE u.id = ? AND u.deleted_at IS NULL{}",
        User::select_list(),
        User::from_clause(),
        if lock { "{for_update}" } else { "" }
    );
    ex.first(&sql, params![id]).await
}

pub async fn list(ex: &mut dyn Exec) -> Result<Vec<User>, StoreError> {
    ex.all(
        &format!(
            "SELECT {} FROM {} WHERE u.deleted_at IS NULL ORDER BY u.id",
            User::select_list(),
            User::from_clause()
        ),
        &[],
    )
    .await
}

/// The administrators who can act (enabled, not deleted), their rows locked until the
/// transaction ends: two requests that each demote a different one of the last two admins
/// queue here, and the second sees the first's change.
pub async fn lock_active_admins(ex: &mut dyn Exec) -> Result<Vec<UserId>, StoreError> {
    ex.all(
        "SELECT id FROM users WHERE role = ? AND disabled = ? AND deleted_at IS NULL \
         ORDER BY id{for_update}",
        params![Role::Admin, false],
    )
    .await
}

pub async fn update(
    ex: &mut dyn Exec,
    user: &User,
    password_hash: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE users SET role = ?, disabled = ?, password_hash = COALESCE(?, password_hash), \
         updated_at = ? WHERE id = ?",
        params![user.role, user.disabled, password_hash, now, user.id],
    )
    .await?;
    Ok(())
}

/// Marks the user deleted: no login, no token; the row stays so that no one else gets the
/// name histories record.
pub async fn delete(ex: &mut dyn Exec, id: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE users SET deleted_at = ?, disabled = ?, updated_at = ? WHERE id = ?",
        params![now, true, now, id],
    )
    .await?;
    Ok(())
}

/// Replaces a user's password hash (an imported hash re-hashed at login).
pub async fn set_password_hash(
    ex: &mut dyn Exec,
    id: UserId,
    hash: &str,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE users SET password_hash = ? WHERE id = ?",
        params![hash, id],
    )
    .await?;
    Ok(())
}

/// The language the user chose for the console (`None`: the provider's default).
pub async fn language(ex: &mut dyn Exec, id: UserId) -> Result<Option<String>, StoreError> {
    let found: Option<Option<String>> = ex
        .first("SELECT language FROM users WHERE id = ?", params![id])
        .await?;
    Ok(found.flatten())
}

pub async fn set_language(ex: &mut dyn Exec, id: UserId, language: &str) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE users SET language = ? WHERE id = ?",
        params![language, id],
    )
    .await?;
    Ok(())
}
