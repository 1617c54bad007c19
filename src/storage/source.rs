//! A foreign MySQL/MariaDB database an import reads from (the original system, phpNuxBill).
//!
//! Opened read-only: every connection of its pool starts with `SET SESSION TRANSACTION READ
//! ONLY`, so a mistaken write is refused by the server, and the importers only ever issue the
//! SELECTs below. Tables are found by name case-insensitively (`Clients` and `clients` are the
//! same table; a table that is missing is `None`, not an error). Every column is read as text
//! (`CAST(col AS CHAR)`): a DECIMAL stays the exact digits the source holds (no float), and a
//! date the source could store but that is no date (`0000-00-00`, `2024-02-30`) arrives as its
//! text for the importer to report (`domain::import::parse_source_date`), where a typed read
//! would fail the whole import. Rows are read in pages by an integer key, so a table of
//! millions of rows never sits in memory as text.

use std::collections::HashMap;

use super::{Db, StoreError, Value};

/// One source row: its integer key, then the requested columns as text (`None` for NULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    pub key: i64,
    pub cols: Vec<Option<String>>,
}

impl SourceRow {
    /// Column `i` as text, `None` when NULL (or not requested).
    pub fn text(&self, i: usize) -> Option<&str> {
        self.cols.get(i).and_then(|c| c.as_deref())
    }
}

/// A foreign MySQL/MariaDB database, open read-only.
pub struct SourceDb {
    db: Db,
    /// Lower-cased table name → the name as the source spells it.
    tables: HashMap<String, String>,
}

impl SourceDb {
    /// Opens `mysql://user:pass@host/db` (or `mariadb://…`) read-only and lists its tables.
    pub async fn open(url: &str) -> Result<SourceDb, StoreError> {
        let db = Db::connect_read_only(url, 2).await?;
        let names: Vec<String> = db
            .read(|ex| {
                Box::pin(async move {
                    ex.all::<String>(
                        "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
                         WHERE table_schema = DATABASE()",
                        &[],
                    )
                    .await
                })
            })
            .await?;
        let tables = names.into_iter().map(|n| (n.to_lowercase(), n)).collect();
        Ok(SourceDb { db, tables })
    }

    /// The table named `name` in any letter case, as the source spells it; `None` if missing.
    pub fn table(&self, name: &str) -> Option<&str> {
        self.tables.get(&name.to_lowercase()).map(String::as_str)
    }

    /// The columns of `table` (lower-cased), to tell which optional ones a source has.
    pub async fn columns(&self, table: &str) -> Result<Vec<String>, StoreError> {
        let table = table.to_owned();
        let cols: Vec<String> = self
            .db
            .read(move |ex| {
                Box::pin(async move {
                    ex.all::<String>(
                        "SELECT CAST(column_name AS CHAR) FROM information_schema.columns \
                         WHERE table_schema = DATABASE() AND table_name = ? \
                         ORDER BY ordinal_position",
                        crate::params![table],
                    )
                    .await
                })
            })
            .await?;
        Ok(cols.into_iter().map(|c| c.to_lowercase()).collect())
    }

    /// The number of rows of `table` (for progress).
    pub async fn count(&self, table: &str) -> Result<u64, StoreError> {
        let sql = format!("SELECT COUNT(*) FROM {}", quote(table));
        let n: i64 = self
            .db
            .read(move |ex| Box::pin(async move { ex.one::<i64>(&sql, &[]).await }))
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Up to `limit` rows of `table` whose integer column `key` is above `after`, in key order:
    /// the key, then `cols` as text. Call again with the last key until fewer come back
    /// ([`SourceDb::all_rows`] does).
    pub async fn page(
        &self,
        table: &str,
        key: &str,
        cols: &[&str],
        after: i64,
        limit: usize,
    ) -> Result<Vec<SourceRow>, StoreError> {
        let mut list = format!("CAST({} AS SIGNED)", quote(key));
        for c in cols {
            list.push_str(&format!(", CAST({} AS CHAR)", quote(c)));
        }
        let sql = format!(
            "SELECT {list} FROM {t} WHERE {k} > ? ORDER BY {k} LIMIT {limit}",
            t = quote(table),
            k = quote(key),
        );
        let rows = self
            .db
            .read(move |ex| Box::pin(async move { ex.fetch_all(&sql, &[Value::Int(after)]).await }))
            .await?;
        rows.into_iter()
            .map(|r| {
                let mut values = r.0.into_iter();
                let key = match values.next() {
                    Some(Value::Int(k)) => k,
                    other => {
                        return Err(StoreError::Decode(format!(
                            "{table}.{key}: expected an integer key, got {other:?}"
                        )));
                    }
                };
                let cols = values
                    .map(|v| match v {
                        Value::Text(t) => Some(t),
                        Value::Int(i) => Some(i.to_string()),
                        _ => None,
                    })
                    .collect();
                Ok(SourceRow { key, cols })
            })
            .collect()
    }

    /// Every row of `table` in key order, read [`PAGE`] rows at a time and handed to `each`.
    pub async fn each_page(
        &self,
        table: &str,
        key: &str,
        cols: &[&str],
        mut each: impl FnMut(Vec<SourceRow>),
    ) -> Result<(), StoreError> {
        let mut after = i64::MIN;
        loop {
            let rows = self.page(table, key, cols, after, PAGE).await?;
            let n = rows.len();
            if let Some(last) = rows.last() {
                after = last.key;
            }
            each(rows);
            if n < PAGE {
                return Ok(());
            }
        }
    }

    /// Every row of `table` in key order (small tables).
    pub async fn all_rows(
        &self,
        table: &str,
        key: &str,
        cols: &[&str],
    ) -> Result<Vec<SourceRow>, StoreError> {
        let mut out = Vec::new();
        self.each_page(table, key, cols, |rows| out.extend(rows))
            .await?;
        Ok(out)
    }
}

/// Rows per page read from a source.
pub const PAGE: usize = 20_000;

/// A MySQL identifier in backquotes (a backquote inside doubled).
fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}
