//! Every value sealed with the server's key, wherever it is stored: what a key check samples
//! and what a key rotation re-seals. A column holding sealed values is named `…_enc`. The test
//! below fails when a migration adds an `_enc` column that is not listed here. (The router
//! sync keeps no copies: it reads the clients' sealed passwords when it applies a change.)

use crate::domain::validation::Sealed;
use crate::params;
use crate::storage::{Exec, StoreError};

/// (table, column) of sealed text columns; each table's key is `id`.
pub const SEALED_COLUMNS: &[(&str, &str)] =
    &[("clients", "ppp_password_enc"), ("routers", "password_enc")];

/// One sealed value from the database, if it holds any.
pub async fn sample(ex: &mut dyn Exec) -> Result<Option<Sealed>, StoreError> {
    for (table, column) in SEALED_COLUMNS {
        let sql = format!("SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY id LIMIT 1");
        if let Some(s) = ex.first::<Sealed>(&sql, &[]).await? {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

/// Replaces every sealed value by `f` of it, in the caller's transaction; returns how many
/// values were re-sealed. `f` failing (a value the old key cannot open) stops everything.
pub async fn reseal<E: From<StoreError>>(
    ex: &mut dyn Exec,
    f: &mut (dyn FnMut(&Sealed) -> Result<Sealed, E> + Send),
) -> Result<u64, E> {
    let mut n = 0u64;
    for (table, column) in SEALED_COLUMNS {
        let rows: Vec<(i64, Sealed)> = ex
            .all(
                &format!("SELECT id, {column} FROM {table} WHERE {column} <> '' ORDER BY id{{for_update}}"),
                &[],
            )
            .await?;
        let sql = format!("UPDATE {table} SET {column} = ? WHERE id = ?");
        for (id, old) in rows {
            let new = f(&old)?;
            ex.execute(&sql, params![new.0, id]).await?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sealed_column_of_the_schema_is_listed() {
        for m in crate::storage::migrations::MIGRATIONS {
            for line in m.sql().lines() {
                let line = line.trim();
                let Some(col) = line
                    .split_whitespace()
                    .find(|w| w.ends_with("_enc") || w.ends_with("_enc,"))
                else {
                    continue;
                };
                let col = col.trim_end_matches(',');
                assert!(
                    SEALED_COLUMNS.iter().any(|(_, c)| *c == col),
                    "migration {} has the sealed column {col}, missing from SEALED_COLUMNS",
                    m.version
                );
            }
        }
    }
}
