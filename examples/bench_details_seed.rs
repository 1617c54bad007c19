//! Seeds a SQLite database for the `/client/{id}/details` benchmark (`bench/details.sh`):
//! CLIENTS clients (default 10,000), each with one subscription and a year of monthly
//! invoices, each paid, except December's of every UNPAID_EVERY-th client (default none:
//! 0), left open and so overdue; an admin user. Prints a bearer token for that admin (also a
//! console session: `Cookie: mikronet_session=TOKEN`).
//!
//! ```sh
//! cargo run --release --example bench_details_seed -- /tmp/bench.db [CLIENTS] [UNPAID_EVERY]
//! ```

use chrono::{Datelike, NaiveDate, Utc};
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::user::Role;
use mikronet::params;
use mikronet::security::{password, secret_box::SecretBox};
use mikronet::service::auth;
use mikronet::storage::repo::users;
use mikronet::storage::{Db, Exec, StoreError, migrations};

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

async fn seed(
    ex: &mut dyn Exec,
    n: i64,
    unpaid_every: i64,
    hash: String,
    sealed: String,
) -> Result<(), StoreError> {
    let now = Utc::now();
    users::insert(ex, "bench", &hash, Role::Admin, now).await?;
    ex.batch("CREATE TABLE bench_digits (d INTEGER NOT NULL)")
        .await?;
    ex.batch("INSERT INTO bench_digits (d) VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
        .await?;
    ex.execute(
        "INSERT INTO clients (id, name, phone_number, address, ppp_secret_name, ppp_password_enc, \
         created_at, updated_at) SELECT n + 1, CONCAT('Client ', n), '08123456789', \
         'Jl. Merdeka No.1', CONCAT('c', n), ?, ?, ? FROM (SELECT a.d + 10*b.d + 100*c.d + \
         1000*e.d + 10000*f.d + 100000*g.d AS n FROM bench_digits a, bench_digits b, \
         bench_digits c, bench_digits e, bench_digits f, bench_digits g) nums WHERE n < ?",
        params![&sealed, now, now, n],
    )
    .await?;
    ex.execute(
        "INSERT INTO plans (name, price_minor, period_unit, period_count, ppp_profile, active, \
         created_at, updated_at) VALUES ('Home', 10000000, 'month', 1, 'home', ?, ?, ?)",
        params![true, now, now],
    )
    .await?;
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    ex.execute(
        "INSERT INTO subscriptions (id, client_id, plan_id, start_date, end_date, status, \
         created_at, updated_at) SELECT id, id, 1, ?, ?, 'active', ?, ? FROM clients",
        params![d(2025, 1, 1), d(2025, 12, 31), now, now],
    )
    .await?;
    for month in 1..=12u32 {
        let start = d(2025, month, 1);
        let end = if month == 12 {
            d(2025, 12, 31)
        } else {
            d(2025, month + 1, 1).pred_opt().unwrap()
        };
        let invoice_date = start - chrono::Days::new(4);
        let due = invoice_date + chrono::Days::new(7);
        ex.execute(
            "INSERT INTO invoices (invoice_year, invoice_seq, client_id, subscription_id, \
             period_start, period_end, invoice_date, due_date, total_minor, paid_minor, status, \
             created_at) SELECT ?, ? + id, client_id, id, ?, ?, ?, ?, 10000000, 10000000, 'paid', ? \
             FROM subscriptions",
            params![
                i64::from(invoice_date.year()),
                i64::from(month) * 1_000_000,
                start,
                end,
                invoice_date,
                due,
                now
            ],
        )
        .await?;
        ex.execute(
            "INSERT INTO payments (invoice_id, amount_minor, payment_date, payment_method, status, \
             recorded_by, created_at) SELECT id, total_minor, ?, 'bank_transfer', 'success', \
             'bench', ? FROM invoices WHERE period_start = ?",
            params![invoice_date + chrono::Days::new(2), now, start],
        )
        .await?;
    }
    if unpaid_every > 0 {
        let december = d(2025, 12, 1);
        ex.execute(
            "DELETE FROM payments WHERE invoice_id IN (SELECT id FROM invoices WHERE \
             period_start = ? AND client_id % ? = 0)",
            params![december, unpaid_every],
        )
        .await?;
        ex.execute(
            "UPDATE invoices SET paid_minor = 0, status = 'pending' WHERE period_start = ? \
             AND client_id % ? = 0",
            params![december, unpaid_every],
        )
        .await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: bench_details_seed DB_PATH [CLIENTS] [UNPAID_EVERY]");
    let n: i64 = args.next().map_or(Ok(10_000), |s| s.parse())?;
    let unpaid_every: i64 = args.next().map_or(Ok(0), |s| s.parse())?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let url = format!("sqlite://{path}");
    let db = Db::connect(&url, 1).await?;
    migrations::run(&db).await?;
    let hash = password::hash("bench-password");
    // A real sealed password: the server checks its key against one at start.
    let sealed = SecretBox::from_base64(KEY)?.seal("client-pw").0;
    db.write(move |ex| Box::pin(seed(ex, n, unpaid_every, hash, sealed)))
        .await?;
    let config = Config {
        database_url: url,
        secret_key: KEY.into(),
        ..Config::default()
    };
    let app = App::new(config, db, SecretBox::from_base64(KEY)?);
    let login = auth::login(&app, "bench", "bench-password", None).await?;
    println!("{}", login.token);
    Ok(())
}
