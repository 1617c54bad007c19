//! MariaDB/MySQL and PostgreSQL through sqlx.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx_core::arguments::IntoArguments;
use sqlx_core::column::Column;
use sqlx_core::database::Database;
use sqlx_core::encode::Encode;
use sqlx_core::pool::{Pool, PoolOptions};
use sqlx_core::query::Query;
use sqlx_core::row::Row as _;
use sqlx_core::sql_str::AssertSqlSafe;
use sqlx_core::type_info::TypeInfo;
use sqlx_core::types::Type;
use sqlx_mysql::{MySql, MySqlConnection, MySqlRow};
use sqlx_postgres::{PgConnection, PgRow, Postgres};

use super::sql::translate;
use super::{Backend, Exec, Kind, Row, StoreError, TxMode, Value};

pub enum SqlxPool {
    MySql(Pool<MySql>),
    Postgres(Pool<Postgres>),
}

fn options<DB: Database>(max: u32) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(max.max(1))
        .acquire_timeout(Duration::from_secs(10))
}

impl SqlxPool {
    pub async fn connect(url: &str, max: u32) -> Result<Self, StoreError> {
        if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            let url = url.replacen("mariadb:", "mysql:", 1);
            Ok(SqlxPool::MySql(options(max).connect(&url).await?))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(SqlxPool::Postgres(options(max).connect(url).await?))
        } else {
            Err(StoreError::Database(
                "DATABASE_URL must start with sqlite://, mysql:// or postgres://".into(),
            ))
        }
    }

    /// A MySQL/MariaDB pool whose every connection starts read-only (`SET SESSION
    /// TRANSACTION READ ONLY`): the server refuses any write through it.
    pub async fn connect_read_only(url: &str, max: u32) -> Result<Self, StoreError> {
        if !(url.starts_with("mysql:") || url.starts_with("mariadb:")) {
            return Err(StoreError::Database(
                "the source must be a mysql:// or mariadb:// URL".into(),
            ));
        }
        let url = url.replacen("mariadb:", "mysql:", 1);
        let pool = options::<MySql>(max)
            .after_connect(|c, _| {
                Box::pin(async move {
                    sqlx_core::raw_sql::raw_sql("SET SESSION TRANSACTION READ ONLY")
                        .execute(c)
                        .await
                        .map(|_| ())
                })
            })
            .connect(&url)
            .await?;
        Ok(SqlxPool::MySql(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            SqlxPool::MySql(_) => Backend::MySql,
            SqlxPool::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) async fn transaction<T, E, F>(
        &self,
        mode: TxMode,
        f: F,
        health: &super::health::WriteHealth,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: super::Work<T, E>,
    {
        // Reads need no special start: both servers give a transaction one consistent view.
        let commit = mode != TxMode::Rehearse;
        match self {
            SqlxPool::MySql(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::from)?;
                let mut ex = SqlxExec::MySql(&mut tx);
                let result = f(&mut super::health::Watched {
                    inner: &mut ex,
                    health,
                })
                .await;
                finish(tx, result, commit, health).await
            }
            SqlxPool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::from)?;
                let mut ex = SqlxExec::Postgres(&mut tx);
                let result = f(&mut super::health::Watched {
                    inner: &mut ex,
                    health,
                })
                .await;
                finish(tx, result, commit, health).await
            }
        }
    }
}

async fn finish<DB: Database, T, E: From<StoreError>>(
    tx: sqlx_core::transaction::Transaction<'static, DB>,
    result: Result<T, E>,
    commit: bool,
    health: &super::health::WriteHealth,
) -> Result<T, E> {
    match result {
        Ok(v) if !commit => {
            tx.rollback().await.map_err(StoreError::from)?;
            Ok(v)
        }
        Ok(v) => {
            if let Err(e) = tx.commit().await {
                let e = StoreError::from(e);
                health.note(&e);
                return Err(e.into());
            }
            Ok(v)
        }
        Err(e) => {
            // A failed rollback leaves nothing behind either: the connection is discarded.
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

pub enum SqlxExec<'c> {
    MySql(&'c mut MySqlConnection),
    Postgres(&'c mut PgConnection),
}

fn bind<'q, DB>(
    mut q: Query<'q, DB, <DB as Database>::Arguments>,
    params: &[Value],
) -> Query<'q, DB, <DB as Database>::Arguments>
where
    DB: Database,
    i64: Encode<'q, DB> + Type<DB>,
    String: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
    NaiveDate: Encode<'q, DB> + Type<DB>,
    DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<String>: Encode<'q, DB> + Type<DB>,
    Option<bool>: Encode<'q, DB> + Type<DB>,
    Option<NaiveDate>: Encode<'q, DB> + Type<DB>,
    Option<DateTime<Utc>>: Encode<'q, DB> + Type<DB>,
{
    for p in params {
        q = match p.clone() {
            Value::Int(v) => q.bind(v),
            Value::Text(v) => q.bind(v),
            Value::Bool(v) => q.bind(v),
            Value::Date(v) => q.bind(v),
            Value::Timestamp(v) => q.bind(v),
            Value::Null(Kind::Int) => q.bind(None::<i64>),
            Value::Null(Kind::Text) => q.bind(None::<String>),
            Value::Null(Kind::Bool) => q.bind(None::<bool>),
            Value::Null(Kind::Date) => q.bind(None::<NaiveDate>),
            Value::Null(Kind::Timestamp) => q.bind(None::<DateTime<Utc>>),
        };
    }
    q
}

fn query<'q, DB: Database>(sql: &str, backend: Backend) -> Query<'q, DB, DB::Arguments>
where
    DB::Arguments: IntoArguments<DB>,
{
    sqlx_core::query::query(AssertSqlSafe(translate(sql, backend).into_owned()))
}

fn decode_mysql(row: &MySqlRow) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        let name = row.column(i).type_info().name().to_owned();
        let v = match name.as_str() {
            "BOOLEAN" => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
            n if n.contains("INT") => row.try_get_unchecked::<Option<i64>, _>(i)?.map(Value::Int),
            "DATE" => row.try_get::<Option<NaiveDate>, _>(i)?.map(Value::Date),
            "DATETIME" => row
                .try_get::<Option<NaiveDateTime>, _>(i)?
                .map(|t| Value::Timestamp(t.and_utc())),
            "TIMESTAMP" => row
                .try_get::<Option<DateTime<Utc>>, _>(i)?
                .map(Value::Timestamp),
            "NULL" => None,
            _ => row
                .try_get_unchecked::<Option<String>, _>(i)?
                .map(Value::Text),
        };
        values.push(v.unwrap_or(Value::Null(Kind::Text)));
    }
    Ok(Row(values))
}

fn decode_postgres(row: &PgRow) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        let v = match row.column(i).type_info().name() {
            "INT8" => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
            "INT4" => row
                .try_get::<Option<i32>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "INT2" => row
                .try_get::<Option<i16>, _>(i)?
                .map(|v| Value::Int(v.into())),
            "BOOL" => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
            "DATE" => row.try_get::<Option<NaiveDate>, _>(i)?.map(Value::Date),
            "TIMESTAMPTZ" => row
                .try_get::<Option<DateTime<Utc>>, _>(i)?
                .map(Value::Timestamp),
            "TIMESTAMP" => row
                .try_get::<Option<NaiveDateTime>, _>(i)?
                .map(|t| Value::Timestamp(t.and_utc())),
            _ => row
                .try_get_unchecked::<Option<String>, _>(i)?
                .map(Value::Text),
        };
        values.push(v.unwrap_or(Value::Null(Kind::Text)));
    }
    Ok(Row(values))
}

#[async_trait]
impl Exec for SqlxExec<'_> {
    fn backend(&self) -> Backend {
        match self {
            SqlxExec::MySql(_) => Backend::MySql,
            SqlxExec::Postgres(_) => Backend::Postgres,
        }
    }

    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let backend = self.backend();
        Ok(match self {
            SqlxExec::MySql(c) => bind(query::<MySql>(sql, backend), params)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            SqlxExec::Postgres(c) => bind(query::<Postgres>(sql, backend), params)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }

    async fn insert(&mut self, sql: &str, params: &[Value]) -> Result<i64, StoreError> {
        match self {
            SqlxExec::MySql(c) => {
                let done = bind(query::<MySql>(sql, Backend::MySql), params)
                    .execute(&mut **c)
                    .await?;
                i64::try_from(done.last_insert_id())
                    .map_err(|_| StoreError::Decode("insert id out of range".into()))
            }
            SqlxExec::Postgres(c) => {
                let sql = format!("{sql} RETURNING id");
                let row = bind(query::<Postgres>(&sql, Backend::Postgres), params)
                    .fetch_one(&mut **c)
                    .await?;
                Ok(row.try_get::<i64, _>(0)?)
            }
        }
    }

    async fn fetch_all(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match self {
            SqlxExec::MySql(c) => bind(query::<MySql>(sql, Backend::MySql), params)
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(decode_mysql)
                .collect(),
            SqlxExec::Postgres(c) => bind(query::<Postgres>(sql, Backend::Postgres), params)
                .fetch_all(&mut **c)
                .await?
                .iter()
                .map(decode_postgres)
                .collect(),
        }
    }

    async fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        let backend = self.backend();
        // One statement at a time: MySQL refuses several in one prepared call.
        for stmt in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let stmt = AssertSqlSafe(translate(stmt, backend).into_owned());
            match self {
                SqlxExec::MySql(c) => {
                    sqlx_core::raw_sql::raw_sql(stmt).execute(&mut **c).await?;
                }
                SqlxExec::Postgres(c) => {
                    sqlx_core::raw_sql::raw_sql(stmt).execute(&mut **c).await?;
                }
            }
        }
        Ok(())
    }
}
