//! One-off facts of the installation, by name (`settings` table).

use crate::params;
use crate::storage::{Exec, StoreError};

/// The installation is set up (written with the first user, so two concurrent first
/// registrations cannot both create an administrator).
pub const BOOTSTRAP: &str = "bootstrap";
/// Written by `/health` to find out whether the database takes writes.
pub const HEALTH_PROBE: &str = "health_probe";
/// The date of the last daily billing run.
pub const BILLING_LAST_RUN: &str = "billing_last_run";

pub async fn get(ex: &mut dyn Exec, name: &str) -> Result<Option<String>, StoreError> {
    ex.first("SELECT value FROM settings WHERE name = ?", params![name])
        .await
}

/// Sets `name` to `value`, creating it if needed.
pub async fn put(ex: &mut dyn Exec, name: &str, value: &str) -> Result<(), StoreError> {
    ex.execute(
        "{insert_ignore} INTO settings (name, value) VALUES (?, ?){on_conflict_ignore}",
        params![name, value],
    )
    .await?;
    ex.execute(
        "UPDATE settings SET value = ? WHERE name = ?",
        params![value, name],
    )
    .await?;
    Ok(())
}

/// Creates `name` once; `Err(Unique)` when it already exists (a claim only one can win).
pub async fn claim(ex: &mut dyn Exec, name: &str, value: &str) -> Result<(), StoreError> {
    ex.execute(
        "INSERT INTO settings (name, value) VALUES (?, ?)",
        params![name, value],
    )
    .await?;
    Ok(())
}

/// A settings document of `app_settings` (JSON text), with who saved it last.
pub async fn document(ex: &mut dyn Exec, name: &str) -> Result<Option<String>, StoreError> {
    ex.first(
        "SELECT value FROM app_settings WHERE name = ?",
        params![name],
    )
    .await
}

/// The settings document `name`, its row locked until the transaction ends (created empty,
/// an empty JSON object, if it did not exist): a read-modify-write of it cannot lose a concurrent save.
pub async fn document_for_update(
    ex: &mut dyn Exec,
    name: &str,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, StoreError> {
    ex.execute(
        "{insert_ignore} INTO app_settings (name, value, updated_at, updated_by) \
         VALUES (?, ?, ?, ?){on_conflict_ignore}",
        params![name, "{}", now, by],
    )
    .await?;
    ex.one(
        "SELECT value FROM app_settings WHERE name = ?{for_update}",
        params![name],
    )
    .await
}

/// Saves a settings document (after [`document_for_update`]).
pub async fn save_document(
    ex: &mut dyn Exec,
    name: &str,
    value: &str,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE app_settings SET value = ?, updated_at = ?, updated_by = ? WHERE name = ?",
        params![value, now, by, name],
    )
    .await?;
    Ok(())
}
