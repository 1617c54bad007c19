//! Benchmark (not a test): what the audit trail costs a payment.
//!
//! ```sh
//! cargo run --release --example bench_audit -- [DATABASE_URL] [PAYMENTS]
//! ```
//! With no URL, a fresh SQLite file in the temp directory (for MariaDB or PostgreSQL pass a
//! server URL whose database may be emptied; it is not dropped, so give a fresh one). Seeds
//! PAYMENTS (default 2,000) subscriptions with one invoice each, then times, one after the
//! other, PAYMENTS payments through `service::payments::record` (each its own transaction, with
//! its audit entry), PAYMENTS transactions that append one such entry and nothing else, and
//! PAYMENTS transactions inserting one small row; the difference of the last two is what an
//! entry costs beyond any row written in the payment's transaction.

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::audit::{AuditAction, AuditEntity, NewAudit};
use mikronet::domain::ids::InvoiceId;
use mikronet::domain::money::Money;
use mikronet::domain::user::Actor;
use mikronet::params;
use mikronet::security::secret_box::SecretBox;
use mikronet::service::billing;
use mikronet::service::idempotency::Once;
use mikronet::service::payments::{self, PaymentInput};
use mikronet::storage::repo::audit;
use mikronet::storage::{Db, Exec, migrations};

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| {
        let path = std::env::temp_dir().join("mikronet-bench-audit.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        format!("sqlite://{}", path.display())
    });
    let n: i64 = args.next().map_or(Ok(2_000), |s| s.parse())?;
    let db = Db::connect(&url, 4).await?;
    migrations::run(&db).await?;
    let now = Utc::now();
    db.write(move |ex: &mut dyn Exec| {
        Box::pin(async move {
            ex.execute(
                "INSERT INTO plans (name, price_minor, period_unit, period_count, ppp_profile, \
                 rate_limit, active, created_at, updated_at) \
                 VALUES ('Home', 15000050, 'month', 1, 'home', NULL, ?, ?, ?)",
                params![true, now, now],
            )
            .await?;
            for i in 0..n {
                let id = ex
                    .insert(
                        "INSERT INTO clients (name, phone_number, address, ppp_secret_name, \
                         ppp_password_enc, created_at, updated_at) VALUES (?, '0812', 'Jl. 1', ?, 'x', ?, ?)",
                        params![format!("Client {i}"), format!("c{i}"), now, now],
                    )
                    .await?;
                ex.execute(
                    "INSERT INTO subscriptions (client_id, plan_id, start_date, end_date, status, \
                     created_at, updated_at) VALUES (?, 1, '2026-11-01', '2026-11-30', 'active', ?, ?)",
                    params![id, now, now],
                )
                .await?;
            }
            Ok::<_, mikronet::storage::StoreError>(())
        })
    })
    .await?;
    let config = Config {
        database_url: url.clone(),
        secret_key: KEY.into(),
        ..Config::default()
    };
    let app = App::new(config, db, SecretBox::from_base64(KEY)?);
    let by = Actor::system("bench");
    let date = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let g = billing::generate(&app, &by, date, false, true).await?;
    println!("seeded {n} invoices");
    assert_eq!(g.created, n);
    let admin = Actor {
        id: None,
        username: "bench".into(),
        role: mikronet::domain::user::Role::Admin,
    };
    let t = Instant::now();
    for id in 1..=n {
        let input = PaymentInput {
            amount: Some(Money::from_minor(15_000_050)),
            payment_date: Some(date),
            payment_method: Some("cash".into()),
            reference: None,
            status: None,
        };
        payments::record(&app, &admin, InvoiceId(id), input, Once::unkeyed()).await?;
    }
    let pay = t.elapsed().as_secs_f64() / n as f64;
    let t = Instant::now();
    for id in 1..=n {
        app.db
            .write(move |ex: &mut dyn Exec| {
                Box::pin(async move {
                    let e = NewAudit::new(
                        "bench",
                        AuditAction::PaymentRecorded,
                        AuditEntity::Payment,
                        id,
                    )
                    .after(
                        serde_json::json!({"invoice_id": id, "amount_minor": 15_000_050,
                        "payment_date": "2026-11-27", "payment_method": "cash",
                        "reference": null, "status": "success"}),
                    );
                    audit::append(ex, vec![e], Utc::now()).await
                })
            })
            .await?;
    }
    let append = t.elapsed().as_secs_f64() / n as f64;
    // The same number of write transactions that insert one small row: what committing a write
    // costs (on MariaDB and PostgreSQL mostly the log flush, which the payment pays anyway).
    app.db
        .write(|ex: &mut dyn Exec| {
            Box::pin(async move {
                ex.batch("CREATE TABLE bench_scratch (x BIGINT NOT NULL)")
                    .await
            })
        })
        .await?;
    let t = Instant::now();
    for i in 0..n {
        app.db
            .write(move |ex: &mut dyn Exec| {
                Box::pin(async move {
                    ex.execute("INSERT INTO bench_scratch (x) VALUES (?)", params![i])
                        .await
                })
            })
            .await?;
    }
    let empty = t.elapsed().as_secs_f64() / n as f64;
    let own = (append - empty).max(0.0);
    println!(
        "a payment (its transaction with renewal and audit entry): {:.3} ms; a transaction \
         appending one audit entry: {:.3} ms; one inserting a small row: {:.3} ms; so the \
         entry costs {:.3} ms more than a plain row, {:.0} % of a payment",
        pay * 1e3,
        append * 1e3,
        empty * 1e3,
        own * 1e3,
        own / pay * 100.0
    );
    Ok(())
}
