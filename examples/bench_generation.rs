//! Benchmark (not a test): invoice generation over many subscriptions.
//!
//! ```sh
//! cargo run --release --example bench_generation -- [DATABASE_URL] [SUBSCRIPTIONS]
//! ```
//! With no URL, a fresh SQLite file in the temp directory. For MariaDB or PostgreSQL pass a
//! server URL whose database may be emptied (e.g. `mysql://root@127.0.0.1:3306/mikronet_bench`,
//! `postgres://postgres@127.0.0.1:5432/mikronet_bench`); the database is dropped and created.
//! Seeds SUBSCRIPTIONS (default 1,000,000) active monthly subscriptions on their own clients,
//! then times two cases of `mikronet generate-invoices`' work:
//! 1. a thirtieth of them due (end dates spread over 30 days), then the same run again;
//! 2. all of them due the same day (fixed-day billing), then the same run again.

use std::time::Instant;

use chrono::{Days, NaiveDate, Utc};
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::params;
use mikronet::security::secret_box::SecretBox;
use mikronet::service::billing;
use mikronet::storage::{Db, Exec, StoreError, migrations};

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

async fn fresh_database(url: &str) -> anyhow::Result<()> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return Ok(());
    }
    let name = url.rsplit_once('/').expect("URL with a database name").1;
    let pg = url.starts_with("postgres");
    let sql_drop = if pg {
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    } else {
        format!("DROP DATABASE IF EXISTS {name}")
    };
    for sql in [sql_drop, format!("CREATE DATABASE {name}")] {
        let status = if pg {
            std::process::Command::new("psql")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-qc",
                    &sql,
                ])
                .status()?
        } else {
            std::process::Command::new("mysql")
                .args(["-h", "127.0.0.1", "-u", "root", "-e", &sql])
                .status()?
        };
        anyhow::ensure!(status.success(), "{sql} failed");
    }
    Ok(())
}

/// `n` clients and subscriptions, set-based: numbers come from a cross join of digits.
async fn seed(
    ex: &mut dyn Exec,
    n: i64,
    run_date: NaiveDate,
    spread: bool,
) -> Result<(), StoreError> {
    ex.batch("CREATE TABLE bench_digits (d INTEGER NOT NULL)")
        .await?;
    ex.batch("INSERT INTO bench_digits (d) VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
        .await?;
    let now = Utc::now();
    let numbers = "SELECT a.d + 10*b.d + 100*c.d + 1000*e.d + 10000*f.d + 100000*g.d + 1000000*h.d AS n \
                   FROM bench_digits a, bench_digits b, bench_digits c, bench_digits e, bench_digits f, \
                   bench_digits g, bench_digits h";
    ex.execute(
        &format!(
            "INSERT INTO clients (id, name, phone_number, address, ppp_secret_name, ppp_password_enc, \
             created_at, updated_at) SELECT n + 1, CONCAT('Client ', n), '08123456789', 'Jl. Merdeka No.1', \
             CONCAT('c', n), 'x', ?, ? FROM ({numbers}) nums WHERE n < ?"
        ),
        params![now, now, n],
    )
    .await?;
    ex.execute(
        "INSERT INTO plans (name, price_minor, period_unit, period_count, ppp_profile, rate_limit, \
         active, created_at, updated_at) VALUES ('Home', 10000000, 'month', 1, 'home', '10M/10M', ?, ?, ?)",
        params![true, now, now],
    )
    .await?;
    // The window reaches 4 days past the run date; spread end dates over 30 days from there.
    let days = if spread { 30 } else { 1 };
    for k in 0..days {
        let end = run_date + Days::new(4 + k);
        ex.execute(
            "INSERT INTO subscriptions (client_id, plan_id, start_date, end_date, status, created_at, \
             updated_at) SELECT id, 1, ?, ?, 'active', ?, ? FROM clients WHERE id % ? = ?",
            params![
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                end,
                now,
                now,
                days as i64,
                k as i64
            ],
        )
        .await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| {
        format!(
            "sqlite://{}",
            std::env::temp_dir().join("mikronet-bench.db").display()
        )
    });
    let n: i64 = args.next().map_or(Ok(1_000_000), |s| s.parse())?;
    let run_date = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
    for (case, spread) in [("a thirtieth due", true), ("all due the same day", false)] {
        fresh_database(&url).await?;
        let db = Db::connect(&url, 4).await?;
        migrations::run(&db).await?;
        let t = Instant::now();
        db.write(move |ex| Box::pin(seed(ex, n, run_date, spread)))
            .await?;
        println!(
            "{case}: seeded {n} subscriptions in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let config = Config {
            database_url: url.clone(),
            secret_key: KEY.into(),
            ..Config::default()
        };
        let app = App::new(config, db, SecretBox::from_base64(KEY)?);
        for attempt in ["first run", "second run"] {
            let t = Instant::now();
            let by = mikronet::domain::user::Actor::system("bench");
            let s = billing::generate(&app, &by, run_date, false, false).await?;
            println!(
                "  {attempt}: {:.3} s, created {}, already existed {}, total {}",
                t.elapsed().as_secs_f64(),
                s.created,
                s.already_existed,
                s.total
            );
        }
    }
    Ok(())
}
