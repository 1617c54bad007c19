//! SQLite on rusqlite: a small pool of connections used from `spawn_blocking`.
//!
//! Measured on this project's hardware (see README, design): sqlx's SQLite driver sends every
//! row through a channel to a worker thread and stops at a third of the target request rate;
//! direct rusqlite calls, one blocking hop per unit of work, reach it. A semaphore in front of
//! the hop keeps waiting requests from each holding a blocking thread. A bounded read by key
//! (`TxMode::Lookup`) skips the hop and runs on the calling thread: it is shorter than the
//! hand-over, and a read in WAL mode never waits for a lock.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use parking_lot::Mutex;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{Backend, Exec, Row, StoreError, TxMode, Value};

/// `sqlite://path`, `sqlite:path` or `sqlite::memory:`-free forms; `None` for other URLs.
pub fn path_from_url(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(rest))
}

#[derive(Clone)]
pub struct SqlitePool {
    shared: Arc<Shared>,
}

struct Shared {
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    /// The file, for the connection a copy opens beside the pool's.
    path: PathBuf,
    /// Opened with `SQLITE_OPEN_READONLY` (a backup being read).
    read_only: bool,
}

/// A connection out of the pool, with the permit that reserved it. It travels into the blocking
/// task, so a request cancelled mid-way still gives both back only when the work is over; a
/// unit of work that panicked leaves no transaction open behind it.
struct Lease {
    conn: Option<Connection>,
    shared: Arc<Shared>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            self.shared.idle.lock().push(conn);
        }
    }
}

/// Creates an empty database file readable by its owner only; SQLite gives its `-wal` and
/// `-shm` files the same mode. An existing file is left as it is.
fn create_private(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Database(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

fn open_connection(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let access = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    let conn = Connection::open_with_flags(path, access | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
                StoreError::Database(format!("cannot open the file {}", path.display()))
            }
            e => e.into(),
        })?;
    conn.busy_timeout(Duration::from_secs(10))?;
    // Without the query planner stability guarantee SQLite re-prepares every cached statement
    // whose plan depends on a bound value, which doubles the cost of the hot read path.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    if read_only {
        // A file read as it is (a backup): its journal mode is left alone.
        conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
        return Ok(conn);
    }
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(conn)
}

impl SqlitePool {
    pub async fn open(path: &Path, size: u32, create: bool) -> Result<Self, StoreError> {
        Self::open_with(path, size, create, false).await
    }

    /// An existing file opened read-only, one connection: nothing is created or changed, not
    /// even the journal mode (a backup being checked or restored).
    pub async fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Database(format!(
                "there is no file {}",
                path.display()
            )));
        }
        Self::open_with(path, 1, false, true).await
    }

    async fn open_with(
        path: &Path,
        size: u32,
        create: bool,
        read_only: bool,
    ) -> Result<Self, StoreError> {
        let size = size.clamp(1, 64) as usize;
        let path = path.to_owned();
        let (conns, path) = tokio::task::spawn_blocking(move || {
            if create {
                create_private(&path)?;
            }
            let conns = (0..size)
                .map(|_| open_connection(&path, read_only))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, StoreError>((conns, path))
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))??;
        Ok(SqlitePool {
            shared: Arc::new(Shared {
                idle: Mutex::new(conns),
                permits: Arc::new(Semaphore::new(size)),
                path,
                read_only,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Writes a consistent copy of the whole database into `dest` (which must not exist or be
    /// empty) with `VACUUM INTO`, then syncs it to disk. It runs on a connection of its own,
    /// not one of the pool's, in one read transaction: in WAL mode the pool's readers and
    /// writers carry on meanwhile, and the copy is the database as of the moment it began.
    pub async fn copy_into(&self, dest: &Path) -> Result<(), StoreError> {
        let source = self.shared.path.clone();
        let read_only = self.shared.read_only;
        let dest = dest.to_owned();
        tokio::task::spawn_blocking(move || {
            let target = dest.to_str().ok_or_else(|| {
                StoreError::Database(format!("{} is not a UTF-8 path", dest.display()))
            })?;
            let conn = open_connection(&source, read_only)?;
            conn.execute("VACUUM INTO ?1", [target])?;
            drop(conn);
            std::fs::File::open(&dest)
                .and_then(|f| f.sync_all())
                .map_err(|e| StoreError::Database(format!("cannot sync {}: {e}", dest.display())))
        })
        .await
        .map_err(|e| StoreError::Database(format!("the copy failed: {e}")))?
    }

    pub(crate) async fn transaction<T, E, F>(
        &self,
        mode: TxMode,
        f: F,
        health: Arc<super::health::WriteHealth>,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: super::Work<T, E>,
    {
        let permit = self
            .shared
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Database("pool closed".into()))?;
        let mut lease = Lease {
            conn: self.shared.idle.lock().pop(),
            shared: self.shared.clone(),
            _permit: permit,
        };
        if mode == TxMode::Lookup {
            return unit_of_work(&mut lease, mode, f, &health);
        }
        tokio::task::spawn_blocking(move || unit_of_work(&mut lease, mode, f, &health))
            .await
            .map_err(|e| StoreError::Database(format!("unit of work failed: {e}")))?
    }
}

/// Runs `f` in one transaction on the leased connection, on the calling thread.
fn unit_of_work<T, E, F>(
    lease: &mut Lease,
    mode: TxMode,
    f: F,
    health: &super::health::WriteHealth,
) -> Result<T, E>
where
    E: From<StoreError>,
    F: super::Work<T, E>,
{
    let conn = lease
        .conn
        .as_mut()
        .ok_or_else(|| StoreError::Database("no idle connection".into()))?;
    control(
        conn,
        match mode {
            TxMode::Read | TxMode::Lookup => "BEGIN DEFERRED",
            TxMode::Write | TxMode::Rehearse => "BEGIN IMMEDIATE",
        },
    )
    .inspect_err(|e| health.note(e))?;
    let result = {
        let mut ex = SqliteExec { conn: &mut *conn };
        let mut ex = super::health::Watched {
            inner: &mut ex,
            health,
        };
        // The executor never pends, so the future completes in one poll.
        futures_executor::block_on(f(&mut ex))
    };
    match result {
        Ok(v) if mode == TxMode::Rehearse => {
            control(conn, "ROLLBACK")?;
            Ok(v)
        }
        Ok(v) => match control(conn, "COMMIT") {
            Ok(()) => Ok(v),
            Err(e) => {
                health.note(&e);
                let _ = control(conn, "ROLLBACK");
                Err(e.into())
            }
        },
        Err(e) => {
            let _ = control(conn, "ROLLBACK");
            Err(e)
        }
    }
}

/// Runs a transaction-control statement from the statement cache: on the hot read path a
/// fresh parse of BEGIN and COMMIT costs as much as a small query.
fn control(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

pub struct SqliteExec<'c> {
    conn: &'c mut Connection,
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null(_) => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Date(d) => ToSqlOutput::from(date_text(*d)),
            Value::Timestamp(t) => ToSqlOutput::from(timestamp_text(*t)),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
        })
    }
}

fn date_text(d: NaiveDate) -> String {
    super::value::format_date(d)
}

fn timestamp_text(t: DateTime<Utc>) -> String {
    super::value::format_timestamp(t)
}

fn read_row(row: &rusqlite::Row<'_>, columns: usize) -> rusqlite::Result<Row> {
    let mut values = Vec::with_capacity(columns);
    for i in 0..columns {
        values.push(match row.get_ref(i)? {
            ValueRef::Null => Value::Null(super::Kind::Text),
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Real(v) => Value::Text(v.to_string()),
            // Valid UTF-8 (every text this program writes) is copied once; only a foreign
            // file's bad bytes take the lossy path.
            ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(match std::str::from_utf8(t) {
                Ok(s) => s.to_owned(),
                Err(_) => String::from_utf8_lossy(t).into_owned(),
            }),
        });
    }
    Ok(Row(values))
}

#[async_trait]
impl Exec for SqliteExec<'_> {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let sql = super::sql::translate(sql, Backend::Sqlite);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        Ok(stmt.execute(rusqlite::params_from_iter(params))? as u64)
    }

    async fn insert(&mut self, sql: &str, params: &[Value]) -> Result<i64, StoreError> {
        self.execute(sql, params).await?;
        Ok(self.conn.last_insert_rowid())
    }

    async fn fetch_all(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let sql = super::sql::translate(sql, Backend::Sqlite);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read_row(row, columns)?);
        }
        Ok(out)
    }

    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        let sql = super::sql::translate(sql, Backend::Sqlite);
        Ok(self.conn.execute_batch(&sql)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_forms() {
        assert_eq!(
            path_from_url("sqlite://mikronet.db"),
            Some("mikronet.db".into())
        );
        assert_eq!(
            path_from_url("sqlite:///var/lib/m.db"),
            Some("/var/lib/m.db".into())
        );
        assert_eq!(path_from_url("sqlite:m.db?mode=rwc"), Some("m.db".into()));
        assert_eq!(path_from_url("mysql://root@localhost/test"), None);
    }
}
