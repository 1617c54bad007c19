//! Forward-only, versioned schema migrations shared by the three backends.

use super::{Backend, Db, Exec, StoreError};
use crate::params;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sql: &'static str,
}

/// Append only: an applied migration is never edited, a change is a new version.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "users_tokens_clients",
        sql: include_str!("migrations/0001_users_tokens_clients.sql"),
    },
    Migration {
        version: 2,
        name: "billing",
        sql: include_str!("migrations/0002_billing.sql"),
    },
];

/// Removes `--` comment lines, which may hold the `;` that separates statements.
fn strip_comments(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Applies every migration the database lacks; returns the versions applied now.
///
/// Several servers starting at once are safe: each holds a database-wide lock (SQLite's write
/// lock, MySQL `GET_LOCK`, a PostgreSQL advisory lock) while it reads and applies versions.
pub async fn run(db: &Db) -> Result<Vec<i64>, StoreError> {
    db.write(|ex| Box::pin(apply(ex))).await
}

async fn apply(ex: &mut dyn Exec) -> Result<Vec<i64>, StoreError> {
    match ex.backend() {
        Backend::Sqlite => {}
        Backend::MySql => {
            ex.execute("SELECT GET_LOCK('mikronet_migrate', 120)", &[])
                .await?;
        }
        Backend::Postgres => {
            ex.execute("SELECT pg_advisory_xact_lock(7263001)", &[])
                .await?;
        }
    }
    ex.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT NOT NULL PRIMARY KEY,
            name VARCHAR(200) NOT NULL,
            applied_at {timestamp} NOT NULL
        ){table_options}",
    )
    .await?;
    let applied: Vec<i64> = ex
        .fetch_all(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.i64(0))
        .collect::<Result<_, _>>()?;
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if let Some(newer) = applied.iter().find(|v| **v > known) {
        return Err(StoreError::Database(format!(
            "the database has schema version {newer}, newer than this program knows ({known}); \
             run a newer mikronet"
        )));
    }
    let mut done = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        ex.batch(&strip_comments(m.sql)).await?;
        ex.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            params![m.version, m.name, chrono::Utc::now()],
        )
        .await?;
        done.push(m.version);
    }
    if ex.backend() == Backend::MySql {
        ex.execute("SELECT RELEASE_LOCK('mikronet_migrate')", &[])
            .await?;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_strictly_increase() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
    }

    #[test]
    fn comments_with_semicolons_are_dropped() {
        assert_eq!(strip_comments("-- a; b\nCREATE x;"), "CREATE x;");
    }
}
