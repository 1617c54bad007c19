//! Forward-only, versioned schema migrations shared by the three backends.

use super::{Backend, Db, Exec, StoreError};
use crate::params;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sql: &'static str,
}

impl Migration {
    pub fn sql(&self) -> &'static str {
        self.sql
    }
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
    Migration {
        version: 3,
        name: "routers_outbox",
        sql: include_str!("migrations/0003_routers_outbox.sql"),
    },
    Migration {
        version: 4,
        name: "client_events",
        sql: include_str!("migrations/0004_client_events.sql"),
    },
    Migration {
        version: 5,
        name: "router_sync",
        sql: include_str!("migrations/0005_router_sync.sql"),
    },
    Migration {
        version: 6,
        name: "users_manage_billing_runs",
        sql: include_str!("migrations/0006_users_manage_billing_runs.sql"),
    },
    Migration {
        version: 8,
        name: "app_settings",
        sql: include_str!("migrations/0008_app_settings.sql"),
    },
    Migration {
        version: 9,
        name: "client_search",
        sql: include_str!("migrations/0009_client_search.sql"),
    },
    Migration {
        version: 10,
        name: "idempotency_keys",
        sql: include_str!("migrations/0010_idempotency_keys.sql"),
    },
    Migration {
        version: 11,
        name: "user_language",
        sql: include_str!("migrations/0011_user_language.sql"),
    },
    Migration {
        version: 12,
        name: "overdue_index",
        sql: include_str!("migrations/0012_overdue_index.sql"),
    },
    Migration {
        version: 13,
        name: "dashboard_indexes",
        sql: include_str!("migrations/0013_dashboard_indexes.sql"),
    },
    Migration {
        version: 14,
        name: "audit",
        sql: include_str!("migrations/0014_audit.sql"),
    },
    Migration {
        version: 15,
        name: "scheduled_runs",
        sql: include_str!("migrations/0015_scheduled_runs.sql"),
    },
    Migration {
        version: 16,
        name: "import_map",
        sql: include_str!("migrations/0016_import_map.sql"),
    },
    Migration {
        version: 17,
        name: "unpriced_plans",
        sql: include_str!("migrations/0017_unpriced_plans.sql"),
    },
    Migration {
        version: 18,
        name: "open_periods",
        sql: include_str!("migrations/0018_open_periods.sql"),
    },
    Migration {
        version: 19,
        name: "collection_terms",
        sql: include_str!("migrations/0019_collection_terms.sql"),
    },
    Migration {
        version: 20,
        name: "notifications",
        sql: include_str!("migrations/0020_notifications.sql"),
    },
    Migration {
        version: 21,
        name: "online_payments",
        sql: include_str!("migrations/0021_online_payments.sql"),
    },
    Migration {
        version: 22,
        name: "portal_sessions",
        sql: include_str!("migrations/0022_portal_sessions.sql"),
    },
];

/// Removes `--` comment lines, which may hold the `;` that separates statements.
fn strip_comments(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The statements of a migration that apply to `backend`: all, except that one starting with
/// `@servers ` runs on MySQL and PostgreSQL only, one starting with `@sqlite `, `@mysql ` or
/// `@postgres ` on that backend only (SQLite alters existing tables in fewer ways; search
/// indexes differ per backend). A `CREATE TRIGGER … BEGIN …; END` stays one statement.
fn statements(sql: &str, backend: Backend) -> Vec<String> {
    let mut whole: Vec<String> = Vec::new();
    let mut open = false;
    for part in strip_comments(sql).split(';') {
        match whole.last_mut() {
            Some(last) if open => {
                last.push(';');
                last.push_str(part);
            }
            _ => whole.push(part.to_owned()),
        }
        let last = whole.last().map(|s| s.trim().to_ascii_uppercase());
        open = last.is_some_and(|s| {
            s.contains("CREATE TRIGGER")
                && s.split_whitespace().any(|w| w == "BEGIN")
                && !s.ends_with("END")
        });
    }
    let only = |s: &str| -> Option<bool> {
        for (prefix, on) in [
            ("@servers ", backend != Backend::Sqlite),
            ("@sqlite ", backend == Backend::Sqlite),
            ("@mysql ", backend == Backend::MySql),
            ("@postgres ", backend == Backend::Postgres),
        ] {
            if s.starts_with(prefix) {
                return Some(on);
            }
        }
        None
    };
    whole
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .filter_map(|s| match only(s) {
            Some(true) => s.split_once(' ').map(|(_, rest)| rest.trim().to_owned()),
            Some(false) => None,
            None => Some(s.to_owned()),
        })
        .collect()
}

/// Applies every migration the database lacks; returns the versions applied now.
///
/// Several servers starting at once are safe: each holds a database-wide lock (SQLite's write
/// lock, MySQL `GET_LOCK`, a PostgreSQL advisory lock) while it reads and applies versions.
pub async fn run(db: &Db) -> Result<Vec<i64>, StoreError> {
    db.write(|ex| Box::pin(apply(ex))).await
}

/// The versions this program knows that the database lacks (all of them for an empty
/// database), read without changing anything. A database newer than the program is an error.
pub async fn pending(db: &Db) -> Result<Vec<i64>, StoreError> {
    db.read(|ex| {
        Box::pin(async move {
            let applied = applied(ex).await?;
            check_not_newer(&applied)?;
            Ok(MIGRATIONS
                .iter()
                .map(|m| m.version)
                .filter(|v| !applied.contains(v))
                .collect())
        })
    })
    .await
}

/// The applied versions; none when the bookkeeping table does not exist yet.
async fn applied(ex: &mut dyn Exec) -> Result<Vec<i64>, StoreError> {
    if !table_exists(ex, "schema_migrations").await? {
        return Ok(Vec::new());
    }
    ex.all(
        "SELECT version FROM schema_migrations ORDER BY version",
        &[],
    )
    .await
}

/// Whether the database has a table of that name (in the connection's schema).
pub async fn table_exists(ex: &mut dyn Exec, name: &str) -> Result<bool, StoreError> {
    let sql = match ex.backend() {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
        _ => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ? \
             AND table_schema = {current_schema}"
        }
    };
    Ok(ex.one::<i64>(sql, params![name]).await? > 0)
}

fn check_not_newer(applied: &[i64]) -> Result<(), StoreError> {
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    match applied
        .iter()
        .find(|v| !MIGRATIONS.iter().any(|m| m.version == **v))
    {
        Some(newer) if *newer > known => Err(StoreError::Database(format!(
            "the database has schema version {newer}, newer than this program knows ({known}); \
             run a newer mikronet"
        ))),
        _ => Ok(()),
    }
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
    let applied = applied(ex).await?;
    check_not_newer(&applied)?;
    let mut done = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        for stmt in statements(m.sql, ex.backend()) {
            ex.batch(&stmt).await?;
        }
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
    fn server_only_statements() {
        let sql = "CREATE TABLE a (x INT);\n@servers ALTER TABLE a ADD y INT;\n@sqlite SELECT 1;";
        assert_eq!(
            statements(sql, Backend::Sqlite),
            ["CREATE TABLE a (x INT)", "SELECT 1"]
        );
        assert_eq!(
            statements(sql, Backend::Postgres),
            ["CREATE TABLE a (x INT)", "ALTER TABLE a ADD y INT"]
        );
    }

    #[test]
    fn per_backend_statements_and_trigger_bodies() {
        let sql = "@mysql CREATE INDEX m ON a (x);\n@postgres CREATE INDEX p ON a (x);\n\
                   @sqlite CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n  \
                   INSERT INTO b VALUES (2);\nEND;\nCREATE TABLE c (x INT);";
        assert_eq!(
            statements(sql, Backend::Sqlite),
            [
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n  \
                 INSERT INTO b VALUES (2);\nEND",
                "CREATE TABLE c (x INT)"
            ]
        );
        assert_eq!(
            statements(sql, Backend::MySql),
            ["CREATE INDEX m ON a (x)", "CREATE TABLE c (x INT)"]
        );
        assert_eq!(
            statements(sql, Backend::Postgres),
            ["CREATE INDEX p ON a (x)", "CREATE TABLE c (x INT)"]
        );
    }

    #[test]
    fn comments_with_semicolons_are_dropped() {
        assert_eq!(strip_comments("-- a; b\nCREATE x;"), "CREATE x;");
    }
}
