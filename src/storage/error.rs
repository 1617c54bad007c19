use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("row not found")]
    NotFound,
    /// A unique index refused the row; the text names the index or column.
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("foreign key constraint violated: {0}")]
    ForeignKey(String),
    /// Lock contention: busy beyond the timeout, or chosen as a deadlock victim. The whole
    /// transaction may be retried.
    #[error("database is busy")]
    Busy,
    /// The database (or its disk) has no room for the change.
    #[error("the database has no space left")]
    DiskFull,
    /// The database refuses writes (a read-only file, a standby, a read-only mode).
    #[error("the database is read-only")]
    ReadOnly,
    #[error("cannot decode row: {0}")]
    Decode(String),
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    /// Whether a unique index on (or named after) `column` refused the row.
    pub fn is_unique_on(&self, column: &str) -> bool {
        matches!(self, StoreError::Unique(what) if what.contains(column))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, msg) => {
                let text = msg.clone().unwrap_or_else(|| e.to_string());
                match (f.code, f.extended_code) {
                    (ErrorCode::ConstraintViolation, 2067 | 1555) => StoreError::Unique(text),
                    (ErrorCode::ConstraintViolation, 787) => StoreError::ForeignKey(text),
                    (ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked, _) => StoreError::Busy,
                    (ErrorCode::DiskFull, _) => StoreError::DiskFull,
                    (ErrorCode::ReadOnly, _) => StoreError::ReadOnly,
                    _ => StoreError::Database(text),
                }
            }
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            _ => StoreError::Database(e.to_string()),
        }
    }
}

impl From<sqlx_core::Error> for StoreError {
    fn from(e: sqlx_core::Error) -> Self {
        use sqlx_core::error::ErrorKind;
        match &e {
            sqlx_core::Error::RowNotFound => StoreError::NotFound,
            // SQLSTATE 40001 (serialization failure, MySQL deadlock) and 40P01 (PostgreSQL
            // deadlock): the server rolled the transaction back so that another could proceed.
            sqlx_core::Error::Database(db)
                if matches!(db.code().as_deref(), Some("40001" | "40P01")) =>
            {
                StoreError::Busy
            }
            sqlx_core::Error::Database(db)
                if let Some(e) = server_condition(
                    db.code().as_deref(),
                    db.try_downcast_ref::<sqlx_mysql::MySqlDatabaseError>()
                        .map(|m| m.number()),
                ) =>
            {
                e
            }
            sqlx_core::Error::Database(db) => {
                let text = match db.constraint() {
                    Some(c) => format!("{c}: {}", db.message()),
                    None => db.message().to_owned(),
                };
                match db.kind() {
                    ErrorKind::UniqueViolation => StoreError::Unique(text),
                    ErrorKind::ForeignKeyViolation => StoreError::ForeignKey(text),
                    _ => StoreError::Database(text),
                }
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

/// Disk-full, read-only and lock-contention conditions of the servers, by PostgreSQL SQLSTATE
/// and MySQL error number.
fn server_condition(sqlstate: Option<&str>, mysql_number: Option<u16>) -> Option<StoreError> {
    match (sqlstate, mysql_number) {
        // disk_full; ER_DISK_FULL, ER_RECORD_FILE_FULL (table full), ER_DISK_FULL_NOWAIT
        (Some("53100"), None) | (_, Some(1021 | 1114 | 3001)) => Some(StoreError::DiskFull),
        // read_only_sql_transaction; --read-only, read-only transaction, read-only mode
        (Some("25006"), None) | (_, Some(1290 | 1792 | 1836)) => Some(StoreError::ReadOnly),
        // ER_LOCK_WAIT_TIMEOUT; ER_AUTOINC_READ_FAILED, which is how MariaDB reports a deadlock
        // (or lock wait timeout) on a table's AUTO-INC lock, taken by `INSERT … SELECT` while
        // other row locks are held: the transaction may be retried like any deadlock victim.
        (_, Some(1205 | 1467)) => Some(StoreError::Busy),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_full_and_read_only_are_recognised() {
        assert!(matches!(
            server_condition(Some("53100"), None),
            Some(StoreError::DiskFull)
        ));
        assert!(matches!(
            server_condition(Some("HY000"), Some(1114)),
            Some(StoreError::DiskFull)
        ));
        assert!(matches!(
            server_condition(Some("25006"), None),
            Some(StoreError::ReadOnly)
        ));
        assert!(matches!(
            server_condition(Some("HY000"), Some(1290)),
            Some(StoreError::ReadOnly)
        ));
        assert!(matches!(
            server_condition(Some("HY000"), Some(1467)),
            Some(StoreError::Busy)
        ));
        assert!(server_condition(Some("23505"), None).is_none());
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        assert!(matches!(StoreError::from(full), StoreError::DiskFull));
    }
}
