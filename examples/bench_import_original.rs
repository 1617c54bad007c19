//! Benchmark (not a test): `mikronet import original` of a large original-system database.
//!
//! ```sh
//! cargo run --release --example bench_import_original -- [TARGET_URL] [CLIENTS]
//! ```
//! Fills the MariaDB database `mikronet_bench_original` (on `MIKRONET_BENCH_SOURCE`, default
//! `mysql://root@127.0.0.1:3306`) in the original's shape (tests/import/original.sql) with
//! CLIENTS (default 100,000) clients, each with a subscription and a year of monthly invoices
//! (eleven paid, the twelfth pending: 1,200,000 invoices, 1,100,000 payments), set-based from
//! MariaDB's sequence tables; then imports it into TARGET_URL (default: a fresh SQLite file in
//! the temp directory; a server URL's database is dropped and created) and times the real run
//! and a second run (which must change nothing).

use std::time::Instant;

use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::import::{Action, Entity};
use mikronet::domain::user::Actor;
use mikronet::security::secret_box::SecretBox;
use mikronet::service::import::{Progress, original};
use mikronet::storage::{Db, migrations};
use sqlx_core::connection::Connection;
use sqlx_core::executor::Executor;
use sqlx_core::sql_str::AssertSqlSafe;
use sqlx_mysql::MySqlConnection;

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const SOURCE_DB: &str = "mikronet_bench_original";
const SCHEMA: &str = include_str!("../tests/import/original.sql");

async fn exec(c: &mut MySqlConnection, sql: &str) -> anyhow::Result<()> {
    c.execute(AssertSqlSafe(sql.to_owned()))
        .await
        .map_err(|e| anyhow::anyhow!("{sql}: {e}"))?;
    Ok(())
}

/// The source, filled set-based: `seq_1_to_N` are MariaDB's built-in sequence tables.
async fn fill_source(server: &str, clients: i64) -> anyhow::Result<String> {
    let mut c = MySqlConnection::connect(&format!("{server}/mysql")).await?;
    exec(&mut c, &format!("DROP DATABASE IF EXISTS {SOURCE_DB}")).await?;
    exec(
        &mut c,
        &format!("CREATE DATABASE {SOURCE_DB} CHARACTER SET utf8mb4"),
    )
    .await?;
    let url = format!("{server}/{SOURCE_DB}");
    let mut c = MySqlConnection::connect(&url).await?;
    for stmt in SCHEMA.split(';') {
        let stmt: String = stmt
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        if !stmt.trim().is_empty() {
            exec(&mut c, &stmt).await?;
        }
    }
    let hash =
        bcrypt::hash_with_result("bench-password", 4)?.format_for_version(bcrypt::Version::TwoY);
    for sql in [
        "INSERT INTO plan VALUES (1, 'Home 10M', 150000.50, 'home-10m'), \
         (2, 'Home 20M', 200000.00, 'home-20m'), (3, 'Home 50M', 350000.25, 'home-50m'), \
         (4, 'Biz 100M', 900000.00, 'biz-100m'), (5, 'Biz 200M', 1500000.00, 'biz-200m')"
            .to_owned(),
        format!(
            "INSERT INTO Clients SELECT seq, CONCAT('Client ', seq), \
             CONCAT('0812', LPAD(seq, 8, '0')), CONCAT('Jl. Bench No. ', seq), \
             CONCAT('ppp', seq) FROM seq_1_to_{clients}"
        ),
        format!(
            "INSERT INTO subscription SELECT seq, seq, 1 + seq MOD 5, '2025-01-01', \
             '2025-12-31', 'active' FROM seq_1_to_{clients}"
        ),
        format!(
            "INSERT INTO invoice SELECT (c.seq - 1) * 12 + m.seq, c.seq, \
             '2025-01-01' + INTERVAL (m.seq - 1) MONTH, \
             '2025-01-08' + INTERVAL (m.seq - 1) MONTH, p.price, \
             IF(m.seq < 12, 'paid', 'pending'), IF(m.seq < 12, 'cash', NULL), \
             IF(m.seq < 12, '2025-01-05' + INTERVAL (m.seq - 1) MONTH, NULL) \
             FROM seq_1_to_{clients} c CROSS JOIN seq_1_to_12 m \
             JOIN plan p ON p.plan_id = 1 + c.seq MOD 5"
        ),
        format!(
            "INSERT INTO users VALUES (1, 'boss', '{hash}', 'admin', '2024-01-01 00:00:00', NULL), \
             (2, 'kasir', '{hash}', 'cashier', '2024-01-01 00:00:00', NULL)"
        ),
    ] {
        exec(&mut c, &sql).await?;
    }
    Ok(url)
}

async fn fresh_target(url: &str) -> anyhow::Result<()> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return Ok(());
    }
    let (server, name) = url.rsplit_once('/').expect("URL with a database name");
    if url.starts_with("postgres") {
        let mut c = sqlx_postgres::PgConnection::connect(&format!("{server}/postgres")).await?;
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            c.execute(AssertSqlSafe(sql)).await?;
        }
    } else {
        let mut c = MySqlConnection::connect(&format!("{server}/mysql")).await?;
        exec(&mut c, &format!("DROP DATABASE IF EXISTS {name}")).await?;
        exec(&mut c, &format!("CREATE DATABASE {name}")).await?;
    }
    Ok(())
}

/// Prints each phase once it is done, with the time since the run started.
struct Phases(Instant);

impl Progress for Phases {
    fn step(&self, what: &str, done: u64, total: u64) {
        if done == total && total > 0 {
            println!(
                "  {:>6.2} s  {what}: {total}",
                self.0.elapsed().as_secs_f64()
            );
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let target = args.next().filter(|t| !t.is_empty()).unwrap_or_else(|| {
        format!(
            "sqlite://{}",
            std::env::temp_dir()
                .join("mikronet-bench-import.db")
                .display()
        )
    });
    let clients: i64 = args.next().map_or(Ok(100_000), |n| n.parse())?;
    let server = std::env::var("MIKRONET_BENCH_SOURCE")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());

    let t = Instant::now();
    let source = fill_source(&server, clients).await?;
    println!(
        "source: {clients} clients, {} invoices filled in {:.1} s",
        clients * 12,
        t.elapsed().as_secs_f64()
    );

    fresh_target(&target).await?;
    let db = Db::connect(&target, 4).await?;
    migrations::run(&db).await?;
    let config = Config {
        database_url: target.clone(),
        secret_key: KEY.into(),
        ..Config::default()
    };
    let app = App::new(config, db, SecretBox::from_base64(KEY)?);
    let actor = Actor::system("bench");
    for attempt in ["import", "second run"] {
        println!(
            "{attempt} into {}:",
            mikronet::app::describe_database(&target)
        );
        let t = Instant::now();
        let plan = original::run(&app, &actor, &source, false, &Phases(t)).await?;
        let took = t.elapsed().as_secs_f64();
        println!(
            "{attempt}: {took:.1} s; invoices created {}, unchanged {}; payments created {}; \
             skipped {}",
            plan.rows(Entity::Invoice, Action::Create),
            plan.rows(Entity::Invoice, Action::Unchanged),
            plan.rows(Entity::Payment, Action::Create),
            plan.skipped().count()
        );
    }
    let v = mikronet::service::audit::verify(&app.db).await?;
    println!(
        "audit verify: {} ({} entries)",
        if v.ok() { "ok" } else { "MISMATCH" },
        v.entries
    );
    Ok(())
}
