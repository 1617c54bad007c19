//! Whether the database takes writes: the last write that failed because the disk is full or
//! the database is read-only, remembered until a write succeeds, so `/health` can say so
//! instead of "ok" while every change fails.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use parking_lot::Mutex;

use super::{Backend, Exec, Row, StoreError, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFailure {
    /// No space left (SQLITE_FULL, PostgreSQL 53100, MySQL 1021/1114).
    Full,
    /// The database refuses writes.
    ReadOnly,
}

impl WriteFailure {
    pub fn of(e: &StoreError) -> Option<WriteFailure> {
        match e {
            StoreError::DiskFull => Some(WriteFailure::Full),
            StoreError::ReadOnly => Some(WriteFailure::ReadOnly),
            _ => None,
        }
    }

    pub fn error(self) -> StoreError {
        match self {
            WriteFailure::Full => StoreError::DiskFull,
            WriteFailure::ReadOnly => StoreError::ReadOnly,
        }
    }
}

#[derive(Default)]
pub(crate) struct WriteHealth {
    failure: Mutex<Option<(WriteFailure, Instant)>>,
    probed: Mutex<Option<Instant>>,
}

/// How often `/health` may write to find out whether writes work.
pub(crate) const PROBE_EVERY: Duration = Duration::from_secs(5);

impl WriteHealth {
    pub fn note(&self, e: &StoreError) {
        if let Some(f) = WriteFailure::of(e) {
            *self.failure.lock() = Some((f, Instant::now()));
        }
    }

    pub fn succeeded(&self) {
        *self.failure.lock() = None;
    }

    pub fn failure(&self) -> Option<(WriteFailure, Instant)> {
        *self.failure.lock()
    }

    /// Whether a probe is due (and, if so, marks it as done now).
    pub fn probe_due(&self) -> bool {
        let mut p = self.probed.lock();
        if p.is_some_and(|t| t.elapsed() < PROBE_EVERY) {
            return false;
        }
        *p = Some(Instant::now());
        true
    }
}

/// An executor that reports disk-full and read-only errors to the health record.
pub(crate) struct Watched<'a> {
    pub inner: &'a mut dyn Exec,
    pub health: &'a WriteHealth,
}

impl Watched<'_> {
    fn seen<T>(&self, r: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(e) = &r {
            self.health.note(e);
        }
        r
    }
}

#[async_trait]
impl Exec for Watched<'_> {
    fn backend(&self) -> Backend {
        self.inner.backend()
    }
    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let r = self.inner.execute(sql, params).await;
        self.seen(r)
    }
    async fn insert(&mut self, sql: &str, params: &[Value]) -> Result<i64, StoreError> {
        let r = self.inner.insert(sql, params).await;
        self.seen(r)
    }
    async fn fetch_all(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let r = self.inner.fetch_all(sql, params).await;
        self.seen(r)
    }
    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        let r = self.inner.batch(sql).await;
        self.seen(r)
    }
}
