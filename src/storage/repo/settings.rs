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
