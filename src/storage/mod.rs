//! Storage: one repository layer over SQLite, MariaDB/MySQL and PostgreSQL.
//!
//! Every statement is written once, in the dialect the three databases share, with `?`
//! placeholders. [`sql::translate`] adapts it per backend (numbered placeholders for
//! PostgreSQL, a few `{tokens}` for types that are spelled differently). SQLite runs on rusqlite
//! (in-process, no channel per row: see `sqlite.rs`), the servers on sqlx. Repository functions
//! take `&mut dyn Exec` and so run unchanged on all three.

mod error;
mod health;
pub mod migrations;
pub mod repo;
pub mod row;
pub mod source;
mod sql;
mod sqlite;
mod sqlx_backend;
pub(crate) mod value;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;

pub use error::StoreError;
pub use health::WriteFailure;
pub use row::{Cursor, Field, Table};
pub use value::{Kind, Row, Value};

/// The file of a `sqlite:` URL; `None` for the servers' URLs.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    sqlite::path_from_url(url)
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A unit of work: what runs inside one transaction, given its executor. Written in services
/// as `move |ex| Box::pin(async move { thing_tx(ex, …).await })` (the `read!`/`write!` macros),
/// where `thing_tx` is an ordinary `async fn(&mut dyn Exec, …)` that another transaction can
/// call too.
pub trait Work<T, E>:
    for<'e> FnOnce(&'e mut dyn Exec) -> BoxFuture<'e, Result<T, E>> + Send + 'static
{
}

impl<T, E, F> Work<T, E> for F where
    F: for<'e> FnOnce(&'e mut dyn Exec) -> BoxFuture<'e, Result<T, E>> + Send + 'static
{
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MySql,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::MySql => "mysql",
            Backend::Postgres => "postgres",
        }
    }
}

/// What a repository function can do with a connection: run a statement and read rows.
///
/// Inside [`Db::read`] and [`Db::write`] a unit of work must await nothing but this executor:
/// on SQLite it is driven to completion on a blocking thread.
#[async_trait]
pub trait Exec: Send {
    fn backend(&self) -> Backend;
    /// Runs a statement; returns the number of rows it changed.
    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs an INSERT into a table whose key column is `id`; returns the new id.
    async fn insert(&mut self, sql: &str, params: &[Value]) -> Result<i64, StoreError>;
    async fn fetch_all(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs a script of statements without parameters (migrations).
    async fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
}

#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
    health: Arc<health::WriteHealth>,
}

enum Inner {
    Sqlite(sqlite::SqlitePool),
    Sqlx(sqlx_backend::SqlxPool),
}

/// How a unit of work starts: a read sees one consistent snapshot, a write holds the lock it
/// needs from its first statement (SQLite `BEGIN IMMEDIATE`) so it never fails half-way on an
/// upgrade from reader to writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxMode {
    Read,
    /// A read of a bounded number of rows (one entity and its children, found by key).
    Lookup,
    Write,
    /// A write transaction that is always rolled back: a dry run.
    Rehearse,
}

impl Db {
    /// Opens `sqlite://path`, `mysql://…` or `postgres://…`; a missing SQLite file is
    /// created (readable by its owner only).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, StoreError> {
        Self::open(url, max_connections, true).await
    }

    /// As [`Db::connect`], but a missing SQLite file is an error, not a new database.
    pub async fn connect_existing(url: &str, max_connections: u32) -> Result<Db, StoreError> {
        Self::open(url, max_connections, false).await
    }

    /// A MySQL/MariaDB database of someone else's (an import's source), each connection of
    /// its pool read-only: the server refuses any write. Nothing is migrated.
    pub async fn connect_read_only(url: &str, max_connections: u32) -> Result<Db, StoreError> {
        Ok(Db {
            inner: Arc::new(Inner::Sqlx(
                sqlx_backend::SqlxPool::connect_read_only(url, max_connections).await?,
            )),
            health: Arc::default(),
        })
    }

    async fn open(url: &str, max_connections: u32, create: bool) -> Result<Db, StoreError> {
        let inner = if let Some(path) = sqlite::path_from_url(url) {
            Inner::Sqlite(sqlite::SqlitePool::open(&path, max_connections, create).await?)
        } else {
            Inner::Sqlx(sqlx_backend::SqlxPool::connect(url, max_connections).await?)
        };
        Ok(Db {
            inner: Arc::new(inner),
            health: Arc::default(),
        })
    }

    /// An existing SQLite file opened read-only (a backup): nothing in it is created or
    /// changed, not even its journal mode.
    pub async fn open_read_only(path: &std::path::Path) -> Result<Db, StoreError> {
        Ok(Db {
            inner: Arc::new(Inner::Sqlite(
                sqlite::SqlitePool::open_read_only(path).await?,
            )),
            health: Arc::default(),
        })
    }

    /// SQLite: writes a consistent copy of the whole database, as of the moment the copy
    /// starts, into the file `dest` (which must not exist or be empty), synced to disk, while
    /// the pool keeps serving. The servers have their own tools (`mariadb-dump`, `pg_dump`).
    pub async fn copy_into(&self, dest: &std::path::Path) -> Result<(), StoreError> {
        match &*self.inner {
            Inner::Sqlite(p) => p.copy_into(dest).await,
            Inner::Sqlx(p) => Err(StoreError::Database(format!(
                "a {} database is copied with its own tools, not by mikronet",
                p.backend().name()
            ))),
        }
    }

    /// The SQLite file; `None` on the servers.
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        match &*self.inner {
            Inner::Sqlite(p) => Some(p.path()),
            Inner::Sqlx(_) => None,
        }
    }

    /// SQLite's `PRAGMA quick_check`: `Ok(())` when the file is sound, the problems found
    /// otherwise (as SQLite words them). Nothing to check on the servers.
    pub async fn quick_check(&self) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        let found: Vec<String> = self
            .read(|ex| Box::pin(async move { ex.all::<String>("PRAGMA quick_check", &[]).await }))
            .await?;
        if found.len() == 1 && found[0] == "ok" {
            return Ok(());
        }
        Err(StoreError::Database(format!(
            "the file is damaged: {}",
            found.join("; ")
        )))
    }

    pub fn backend(&self) -> Backend {
        match &*self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Sqlx(p) => p.backend(),
        }
    }

    /// Runs `f` in a read transaction.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: Work<T, E>,
    {
        self.run(TxMode::Read, f).await
    }

    /// Runs `f` in a read transaction that reads a bounded number of rows by key (one entity
    /// and its children: a client's details, a token's user): never a scan. On SQLite it runs
    /// on the calling thread, because for such a read the hand-over to a blocking thread and
    /// back costs more than the read itself (README, benchmarks); a read in WAL mode never
    /// waits for a lock. Elsewhere it is [`Db::read`].
    pub async fn lookup<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: Work<T, E>,
    {
        self.run(TxMode::Lookup, f).await
    }

    /// Runs `f` in a write transaction: committed if it returns `Ok`, rolled back otherwise.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: Work<T, E>,
    {
        self.run(TxMode::Write, f).await
    }

    /// Runs `f` as [`Db::write`] would, then rolls everything back: its result tells what the
    /// writes would have done.
    pub async fn rehearse<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: Work<T, E>,
    {
        self.run(TxMode::Rehearse, f).await
    }

    async fn run<T, E, F>(&self, mode: TxMode, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: Work<T, E>,
    {
        let health = self.health.clone();
        let result = match &*self.inner {
            Inner::Sqlite(p) => p.transaction(mode, f, health).await,
            Inner::Sqlx(p) => p.transaction(mode, f, &health).await,
        };
        if mode == TxMode::Write && result.is_ok() {
            self.health.succeeded();
        }
        result
    }

    /// Whether the database takes writes: `Err(DiskFull | ReadOnly)` after a write failed
    /// that way and none has succeeded since; otherwise, at most every few seconds, a small
    /// write finds out (other errors of that write are returned as they are).
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        if let Some((f, at)) = self.health.failure()
            && at.elapsed() < health::PROBE_EVERY
        {
            return Err(f.error());
        }
        if !self.health.probe_due() {
            return match self.health.failure() {
                Some((f, _)) => Err(f.error()),
                None => Ok(()),
            };
        }
        let now = chrono::Utc::now().to_rfc3339();
        self.write(move |ex| {
            Box::pin(
                async move { repo::settings::put(ex, repo::settings::HEALTH_PROBE, &now).await },
            )
        })
        .await
    }

    /// A cheap round trip, for `/health`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|ex| {
            Box::pin(async move {
                ex.one::<i64>("SELECT 1", &[]).await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
    }
}
