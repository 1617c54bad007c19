//! Benchmark (not a test): `mikronet import phpnuxbill` of a large phpNuxBill database.
//!
//! ```sh
//! cargo run --release --example bench_import_phpnuxbill -- [CUSTOMERS]
//! ```
//! Fills the MariaDB database `mikronet_bench_phpnuxbill` (on `MIKRONET_BENCH_SOURCE`, default
//! `mysql://root@127.0.0.1:3306`) in phpNuxBill's shape (tests/import/phpnuxbill.sql) with
//! CUSTOMERS (default 100,000) PPPoE customers, each with a current recharge and a year of
//! monthly transactions (1,200,000), set-based from MariaDB's sequence tables; then imports it
//! into a fresh SQLite file in the temp directory and times the real run and a second run
//! (which must change nothing), and verifies the audit trail.

use std::time::Instant;

use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::import::{Action, Entity};
use mikronet::domain::user::Actor;
use mikronet::security::secret_box::SecretBox;
use mikronet::service::import::{Progress, phpnuxbill};
use mikronet::storage::{Db, migrations};
use sqlx_core::connection::Connection;
use sqlx_core::executor::Executor;
use sqlx_core::sql_str::AssertSqlSafe;
use sqlx_mysql::MySqlConnection;

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const SOURCE_DB: &str = "mikronet_bench_phpnuxbill";
const SCHEMA: &str = include_str!("../tests/import/phpnuxbill.sql");

/// Runs each statement of `sql` (statements separated by `;`, comment lines left out).
async fn run_all(c: &mut MySqlConnection, sql: &str) -> anyhow::Result<()> {
    for stmt in sql.split(';') {
        let stmt: String = stmt
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        if !stmt.trim().is_empty() {
            c.execute(AssertSqlSafe(stmt.clone()))
                .await
                .map_err(|e| anyhow::anyhow!("{stmt}: {e}"))?;
        }
    }
    Ok(())
}

async fn fill_source(server: &str, n: i64) -> anyhow::Result<String> {
    let mut c = MySqlConnection::connect(&format!("{server}/mysql")).await?;
    run_all(
        &mut c,
        &format!(
            "DROP DATABASE IF EXISTS {SOURCE_DB}; \
             CREATE DATABASE {SOURCE_DB} CHARACTER SET utf8mb4"
        ),
    )
    .await?;
    let url = format!("{server}/{SOURCE_DB}");
    let mut c = MySqlConnection::connect(&url).await?;
    run_all(&mut c, SCHEMA).await?;
    run_all(
        &mut c,
        &format!(
            "INSERT INTO tbl_routers (id, name, ip_address, username, password, enabled) VALUES \
               (1, 'Main', '10.0.0.1:8728', 'api', 'secret', 1);
             INSERT INTO tbl_bandwidth (id, name_bw, rate_down, rate_down_unit, rate_up, \
               rate_up_unit) VALUES (1, '10M', 10, 'Mbps', 2, 'Mbps'), \
               (2, '20M', 20, 'Mbps', 5, 'Mbps');
             INSERT INTO tbl_plans (id, name_plan, id_bw, price, type, validity, validity_unit, \
               routers) VALUES (1, 'Home 10M', 1, '150000.50', 'PPPOE', 1, 'Months', 'Main'), \
               (2, 'Home 20M', 2, '200000', 'PPPOE', 1, 'Months', 'Main'), \
               (3, 'Desa 20th', 1, '99000', 'PPPOE', 1, 'Period', 'Main'), \
               (4, 'Hotspot 1h', 1, '5000', 'Hotspot', 1, 'Hrs', 'Main'), \
               (5, 'Top-up', 1, '50000', 'Balance', 1, 'Months', '');
             INSERT INTO tbl_customers (id, username, password, pppoe_password, fullname, \
               address, phonenumber, balance, service_type, status) \
               SELECT seq, CONCAT('ppp', seq), CONCAT('portal', seq), \
               IF(seq MOD 2 = 0, CONCAT('pw', seq), ''), CONCAT('Customer ', seq), \
               CONCAT('Jl. Bench No. ', seq), CONCAT('0812', LPAD(seq, 8, '0')), \
               IF(seq MOD 100 = 0, 10000.50, 0), 'PPPoE', 'Active' FROM seq_1_to_{n};
             INSERT INTO tbl_user_recharges (id, customer_id, username, plan_id, namebp, \
               recharged_on, expiration, time, status, routers, type) \
               SELECT seq, seq, CONCAT('ppp', seq), 1 + seq MOD 3, 'plan', '2025-12-01', \
               '2026-01-01', '00:00:00', IF(seq MOD 10 = 0, 'off', 'on'), 'Main', 'PPPOE' \
               FROM seq_1_to_{n};
             INSERT INTO tbl_transactions (id, invoice, username, plan_name, price, \
               recharged_on, expiration, time, method, routers, type) \
               SELECT (c.seq - 1) * 12 + m.seq, CONCAT('INV-', (c.seq - 1) * 12 + m.seq), \
               CONCAT('ppp', c.seq), 'plan', IF(c.seq MOD 3 = 0, '200000', '150000.50'), \
               '2025-01-01' + INTERVAL (m.seq - 1) MONTH, \
               '2025-02-01' + INTERVAL (m.seq - 1) MONTH, '00:00:00', \
               IF(m.seq MOD 2 = 0, 'Admin - admin', 'xendit - QRIS'), 'Main', 'PPPOE' \
               FROM seq_1_to_{n} c CROSS JOIN seq_1_to_12 m;
             INSERT INTO tbl_users (id, username, fullname, password, user_type, creationdate) \
               VALUES (1, 'boss', 'Boss', 'x', 'SuperAdmin', NOW()), \
               (2, 'kasir', 'Kasir', 'x', 'Sales', NOW())"
        ),
    )
    .await?;
    Ok(url)
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
    let n: i64 = std::env::args().nth(1).map_or(Ok(100_000), |a| a.parse())?;
    let server = std::env::var("MIKRONET_BENCH_SOURCE")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
    let t = Instant::now();
    let source = fill_source(&server, n).await?;
    println!(
        "source: {n} customers, {} transactions filled in {:.1} s",
        n * 12,
        t.elapsed().as_secs_f64()
    );

    let path = std::env::temp_dir().join("mikronet-bench-import-phpnuxbill.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let target = format!("sqlite://{}", path.display());
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
        println!("{attempt} into {target}:");
        let t = Instant::now();
        let plan = phpnuxbill::run(&app, &actor, &source, false, &Phases(t)).await?;
        println!(
            "{attempt}: {:.1} s; clients created {}, invoices created {}, unchanged {}; \
             payments created {}; skipped {}; changed {}",
            t.elapsed().as_secs_f64(),
            plan.rows(Entity::Client, Action::Create),
            plan.rows(Entity::Invoice, Action::Create),
            plan.rows(Entity::Invoice, Action::Unchanged),
            plan.rows(Entity::Payment, Action::Create),
            plan.skipped().count(),
            plan.changed()
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
