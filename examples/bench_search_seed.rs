//! Seeds a database for the client search benchmark (`bench/search.sh`): CLIENTS clients
//! (default 200,000) named `Client N`, PPP name `cN`, and an 11-digit phone number `08…` spread
//! so that a seven-digit query such as `0810123` matches a few dozen; an admin user. Works on
//! SQLite (a file path) and on an empty MariaDB/MySQL or PostgreSQL database (a URL); the
//! search indexes fill through the same triggers and indexes as any write. Prints a bearer
//! token for that admin.
//!
//! ```sh
//! cargo run --release --example bench_search_seed -- /tmp/search.db [CLIENTS]
//! cargo run --release --example bench_search_seed -- mysql://root@127.0.0.1/bench [CLIENTS]
//! ```

use chrono::Utc;
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::user::Role;
use mikronet::params;
use mikronet::security::{password, secret_box::SecretBox};
use mikronet::service::auth;
use mikronet::storage::repo::users;
use mikronet::storage::{Db, Exec, StoreError, migrations};

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

async fn seed(ex: &mut dyn Exec, n: i64, hash: String, sealed: String) -> Result<(), StoreError> {
    let now = Utc::now();
    users::insert(ex, "bench", &hash, Role::Admin, now).await?;
    ex.batch("CREATE TABLE bench_digits (d INTEGER NOT NULL)")
        .await?;
    ex.batch("INSERT INTO bench_digits (d) VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)")
        .await?;
    // In slices, so that no backend holds one huge statement's undo at once.
    let slice = 50_000;
    let mut from = 0;
    while from < n {
        ex.execute(
            "INSERT INTO clients (name, phone_number, address, ppp_secret_name, \
             ppp_password_enc, created_at, updated_at) SELECT CONCAT('Client ', n), \
             CONCAT('08', 100000000 + (n * 7919 + 12345) % 900000000), 'Jl. Merdeka No.1', \
             CONCAT('c', n), ?, ?, ? FROM (SELECT a.d + 10*b.d + 100*c.d + 1000*e.d + \
             10000*f.d + 100000*g.d AS n FROM bench_digits a, bench_digits b, bench_digits c, \
             bench_digits e, bench_digits f, bench_digits g) nums WHERE n >= ? AND n < ? \
             ORDER BY n",
            params![&sealed, now, now, from, (from + slice).min(n)],
        )
        .await?;
        from += slice;
    }
    ex.batch("DROP TABLE bench_digits").await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let target = args
        .next()
        .expect("usage: bench_search_seed DB_PATH|DB_URL [CLIENTS]");
    let n: i64 = args.next().map_or(Ok(200_000), |s| s.parse())?;
    let url = if target.contains("://") {
        target
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{target}{suffix}"));
        }
        format!("sqlite://{target}")
    };
    let db = Db::connect(&url, 1).await?;
    migrations::run(&db).await?;
    let hash = password::hash("bench-password");
    // One sealed PPP password for every client: the server checks its key against them.
    let sealed = SecretBox::from_base64(KEY)?.seal("bench-ppp-password").0;
    db.write(move |ex| Box::pin(seed(ex, n, hash, sealed)))
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
