//! Every value sealed with the server's key, wherever it is stored: what a key check samples
//! and what a key rotation re-seals. A column holding sealed values is named `…_enc`; a JSON
//! column holds them under keys named `…_enc` (router job payloads). The test below fails when
//! a migration adds an `_enc` column that is not listed here.

use serde_json::Value as Json;

use crate::domain::validation::Sealed;
use crate::params;
use crate::storage::migrations::table_exists;
use crate::storage::{Exec, StoreError};

/// (table, column) of sealed text columns; each table's key is `id`.
pub const SEALED_COLUMNS: &[(&str, &str)] =
    &[("clients", "ppp_password_enc"), ("routers", "password_enc")];

/// (table, column) of JSON columns that may hold sealed values under `…_enc` keys; a table
/// that does not exist (dropped by a later migration) is skipped.
pub const SEALED_JSON: &[(&str, &str)] = &[("router_jobs", "payload")];

/// A name under which a JSON document holds a sealed value.
fn is_sealed_key(k: &str) -> bool {
    k.ends_with("_enc")
}

/// Applies `f` to every sealed string in `doc`; returns how many there were.
fn walk<E>(
    doc: &mut Json,
    f: &mut (dyn FnMut(&Sealed) -> Result<Sealed, E> + Send),
) -> Result<usize, E> {
    let mut n = 0;
    match doc {
        Json::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Json::String(s) if is_sealed_key(k) && !s.is_empty() => {
                        *s = f(&Sealed(std::mem::take(s)))?.0;
                        n += 1;
                    }
                    other => n += walk(other, f)?,
                }
            }
        }
        Json::Array(items) => {
            for v in items {
                n += walk(v, f)?;
            }
        }
        _ => {}
    }
    Ok(n)
}

/// One sealed value from the database, if it holds any.
pub async fn sample(ex: &mut dyn Exec) -> Result<Option<Sealed>, StoreError> {
    for (table, column) in SEALED_COLUMNS {
        let sql = format!("SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY id LIMIT 1");
        if let Some(s) = ex.first::<Sealed>(&sql, &[]).await? {
            return Ok(Some(s));
        }
    }
    for (table, column) in SEALED_JSON {
        if !table_exists(ex, table).await? {
            continue;
        }
        let sql = format!("SELECT {column} FROM {table} WHERE {column} LIKE '%_enc%' ORDER BY id");
        for text in ex.all::<String>(&sql, &[]).await? {
            let Ok(mut doc) = serde_json::from_str::<Json>(&text) else {
                continue;
            };
            let mut found = None;
            let _ = walk(&mut doc, &mut |s: &Sealed| {
                found.get_or_insert_with(|| s.clone());
                Ok::<_, ()>(s.clone())
            });
            if found.is_some() {
                return Ok(found);
            }
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
    for (table, column) in SEALED_JSON {
        if !table_exists(ex, table).await? {
            continue;
        }
        let rows: Vec<(i64, String)> = ex
            .all(
                &format!("SELECT id, {column} FROM {table} WHERE {column} LIKE '%_enc%' ORDER BY id{{for_update}}"),
                &[],
            )
            .await?;
        let sql = format!("UPDATE {table} SET {column} = ? WHERE id = ?");
        for (id, text) in rows {
            let Ok(mut doc) = serde_json::from_str::<Json>(&text) else {
                continue;
            };
            let count = walk(&mut doc, f)?;
            if count > 0 {
                let text =
                    serde_json::to_string(&doc).map_err(|e| StoreError::Decode(e.to_string()))?;
                ex.execute(&sql, params![text, id]).await?;
                n += count as u64;
            }
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

    #[test]
    fn json_documents_are_walked_for_sealed_keys() {
        let mut doc: Json = serde_json::from_str(
            r#"{"kind":"secret","password_enc":"v1:a","name":"x","nested":[{"other_enc":"v1:b"}],"empty_enc":""}"#,
        )
        .unwrap();
        let n = walk(&mut doc, &mut |s: &Sealed| {
            Ok::<_, ()>(Sealed(format!("{}!", s.0)))
        })
        .unwrap();
        assert_eq!(n, 2);
        assert_eq!(doc["password_enc"], "v1:a!");
        assert_eq!(doc["nested"][0]["other_enc"], "v1:b!");
        assert_eq!(doc["name"], "x");
    }
}
