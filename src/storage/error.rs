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
