//! The import map: which row of ours each imported source row became (migration 0016).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::import::{Entity, Source};
use crate::params;
use crate::storage::{Backend, Exec, StoreError, Value};

/// Every source key of `entity` imported from `source`, with our id.
pub async fn mapped(
    ex: &mut dyn Exec,
    source: Source,
    entity: Entity,
) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<(String, i64)> = ex
        .all(
            "SELECT source_key, our_id FROM import_map WHERE source = ? AND entity = ?",
            params![source, entity],
        )
        .await?;
    Ok(rows.into_iter().collect())
}

/// Records that `key` of `source` became our `id`.
pub async fn record(
    ex: &mut dyn Exec,
    source: Source,
    entity: Entity,
    key: &str,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    record_many(ex, source, entity, &[(key.to_owned(), id)], now).await
}

/// Records many keys at once: multi-row INSERTs of up to 500 rows.
pub async fn record_many(
    ex: &mut dyn Exec,
    source: Source,
    entity: Entity,
    rows: &[(String, i64)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(500) {
        let marks = vec!["(?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * 5);
        for (key, id) in chunk {
            args.extend([
                source.into(),
                entity.into(),
                key.as_str().into(),
                (*id).into(),
                now.into(),
            ]);
        }
        ex.execute(
            &format!(
                "INSERT INTO import_map (source, entity, source_key, our_id, imported_at) \
                 VALUES {marks}"
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// After rows were inserted with explicit ids (an import keeping the source's ids), moves
/// `table`'s id sequence past the largest id so that the next ordinary insert does not collide.
/// SQLite and MariaDB do this themselves; PostgreSQL's sequence does not move.
pub async fn follow_ids(ex: &mut dyn Exec, table: &'static str) -> Result<(), StoreError> {
    if ex.backend() == Backend::Postgres {
        ex.fetch_all(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1), \
                 (SELECT COUNT(*) > 0 FROM {table}))"
            ),
            &[],
        )
        .await?;
    }
    Ok(())
}

/// The largest id of `table` (0 when empty): an import numbers the rows it creates after it.
pub async fn max_id(ex: &mut dyn Exec, table: &'static str) -> Result<i64, StoreError> {
    ex.one(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"), &[])
        .await
}

/// Every value of the unique text column `column` of `table` with its row's id (clients by
/// PPP secret name, plans by name …): what an import links to instead of creating twice.
pub async fn ids_by(
    ex: &mut dyn Exec,
    table: &'static str,
    column: &'static str,
) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<(String, i64)> = ex
        .all(&format!("SELECT {column}, id FROM {table}"), &[])
        .await?;
    Ok(rows.into_iter().collect())
}
