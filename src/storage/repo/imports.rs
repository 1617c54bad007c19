//! The import map: which row of ours each imported source row became (migration 0016).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::import::{Entity, Source};
use crate::params;
use crate::storage::row::columns;
use crate::storage::{Backend, Exec, StoreError, Table, Value};

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

/// The payments whose reference starts with `prefix` (as an import writes them: the prefix,
/// then the source row's key), in id order: (the key after the prefix, payment id, invoice id).
/// One scan of the payments; the caller checks each against its import map.
pub async fn payments_by_reference(
    ex: &mut dyn Exec,
    prefix: &str,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let rows: Vec<(i64, i64, Option<String>)> = ex
        .all(
            "SELECT id, invoice_id, reference FROM payments WHERE reference LIKE ? ORDER BY id",
            params![format!("{prefix}%")],
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, invoice, reference)| {
            let key = reference?.strip_prefix(prefix)?.to_owned();
            Some((key, id, invoice))
        })
        .collect())
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

/// Inserts `rows` keeping their own ids (each record's key as given), each followed by the
/// values `extra` writes for the columns `extra_cols`: multi-row INSERTs of up to
/// [`ROWS_PER_INSERT`] rows (fewer for wide rows), so a batch of thousands is a few round trips.
/// On PostgreSQL call [`follow_ids`] afterwards.
pub async fn insert_with_ids<T: Table>(
    ex: &mut dyn Exec,
    rows: &[&T],
    extra_cols: &[&str],
    extra: impl Fn(&T, &mut Vec<Value>),
) -> Result<(), StoreError> {
    let mut cols = columns::<T>();
    cols.extend_from_slice(extra_cols);
    let per = (MAX_PARAMS / cols.len()).clamp(1, ROWS_PER_INSERT);
    let mark = format!("({})", vec!["?"; cols.len()].join(", "));
    for chunk in rows.chunks(per) {
        let mut args: Vec<Value> = Vec::with_capacity(chunk.len() * cols.len());
        for r in chunk {
            r.write(&mut args);
            extra(r, &mut args);
        }
        ex.execute(
            &format!(
                "INSERT INTO {} ({}) VALUES {}",
                T::TABLE,
                cols.join(", "),
                vec![mark.as_str(); chunk.len()].join(", ")
            ),
            &args,
        )
        .await?;
    }
    Ok(())
}

/// Rows per multi-row INSERT of an import.
pub const ROWS_PER_INSERT: usize = 1_000;
/// Parameters per statement: under SQLite's 32,766 and the servers' 65,535.
const MAX_PARAMS: usize = 30_000;

/// The largest id of `table` (0 when empty): an import numbers the rows it creates after it.
pub async fn max_id(ex: &mut dyn Exec, table: &'static str) -> Result<i64, StoreError> {
    ex.one(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"), &[])
        .await
}

/// Every id of `table`.
pub async fn ids(ex: &mut dyn Exec, table: &'static str) -> Result<HashSet<i64>, StoreError> {
    let ids: Vec<i64> = ex.all(&format!("SELECT id FROM {table}"), &[]).await?;
    Ok(ids.into_iter().collect())
}

/// `column` → id for every row of `table` (a unique natural key: a PPP secret name, a plan's
/// or a user's name).
pub async fn by_key(
    ex: &mut dyn Exec,
    table: &'static str,
    column: &'static str,
) -> Result<HashMap<String, i64>, StoreError> {
    let rows: Vec<(String, i64)> = ex
        .all(&format!("SELECT {column}, id FROM {table}"), &[])
        .await?;
    Ok(rows.into_iter().collect())
}

/// The (subscription, period start) of every invoice: generation's unique key.
pub async fn invoice_periods(ex: &mut dyn Exec) -> Result<HashSet<(i64, NaiveDate)>, StoreError> {
    let rows: Vec<(i64, NaiveDate)> = ex
        .all("SELECT subscription_id, period_start FROM invoices", &[])
        .await?;
    Ok(rows.into_iter().collect())
}

/// The largest payment id, its row locked until the transaction ends (an import numbers its
/// payments after it).
pub async fn last_payment_id(ex: &mut dyn Exec) -> Result<i64, StoreError> {
    Ok(ex
        .first::<i64>(
            "SELECT id FROM payments ORDER BY id DESC LIMIT 1{for_update}",
            &[],
        )
        .await?
        .unwrap_or(0))
}
