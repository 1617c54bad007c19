//! Benchmark (not a test): PPP secret changes per second from the outbox to the RouterOS
//! simulator over one pipelined API connection.
//!
//! ```sh
//! cargo run --release --example bench_outbox -- [CLIENTS]
//! ```
//! Seeds CLIENTS (default 10,000) clients whose secrets exist on the simulated router, each
//! with a live session; queues a cut-off (disable and end the session) and then a reconnect
//! (enable) for every client, and times the worker applying all of them. The final state
//! shows whether each client's two changes arrived in order.

use std::time::Instant;

use chrono::Utc;
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::ids::ClientId;
use mikronet::domain::secret::comment_for;
use mikronet::params;
use mikronet::provisioning::{outbox, worker};
use mikronet::security::secret_box::SecretBox;
use mikronet::storage::{Db, StoreError, migrations};
use routeros::sim::{SimConfig, Simulator};

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: i64 = std::env::args().nth(1).map_or(Ok(10_000), |s| s.parse())?;
    let sim = Simulator::start(SimConfig::default()).await?;
    let path = std::env::temp_dir().join("mikronet-bench-outbox.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect(&url, 4).await?;
    migrations::run(&db).await?;
    let secrets = SecretBox::from_base64(KEY)?;
    let sealed_router = secrets.seal("secret");
    let sealed_client = secrets.seal("client-pw");
    let port = i64::from(sim.api_addr.port());
    let st = sim.state();
    for i in 0..n {
        let name = format!("c{i}");
        st.run(
            "/ppp/secret/add",
            &[
                ("name", &name),
                ("password", "client-pw"),
                ("service", "pppoe"),
                ("comment", &comment_for(ClientId(i + 1))),
            ],
            &[],
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        st.connect_session(&name, "10.0.0.1", "AA:BB:CC:00:00:01");
    }
    db.write(move |ex| {
        Box::pin(async move {
            let now = Utc::now();
            ex.execute(
                "INSERT INTO routers (name, host, port, transport, username, password_enc, \
                 suspend_mode, is_default, created_at, updated_at) \
                 VALUES ('sim', '127.0.0.1', ?, 'api', 'admin', ?, 'disable', ?, ?, ?)",
                params![port, &sealed_router, true, now, now],
            )
            .await?;
            for i in 0..n {
                ex.execute(
                    "INSERT INTO clients (id, name, phone_number, address, ppp_secret_name, \
                     ppp_password_enc, router_id, held, created_at, updated_at) \
                     VALUES (?, ?, '08123456789', 'Jl. Merdeka No.1', ?, ?, 1, ?, ?, ?)",
                    params![
                        i + 1,
                        format!("Client {i}"),
                        format!("c{i}"),
                        &sealed_client,
                        true,
                        now,
                        now
                    ],
                )
                .await?;
            }
            Ok::<_, StoreError>(())
        })
    })
    .await?;
    let t = Instant::now();
    db.write(move |ex| {
        Box::pin(async move {
            // Held (cut off), then released: two jobs per client, in this order.
            for i in 1..=n {
                outbox::sync_client(ex, ClientId(i), true, None).await?;
            }
            ex.execute("UPDATE clients SET held = ?", params![false])
                .await?;
            for i in 1..=n {
                outbox::sync_client(ex, ClientId(i), false, None).await?;
            }
            Ok::<_, StoreError>(())
        })
    })
    .await?;
    println!(
        "queued {} jobs in {:.2} s",
        2 * n,
        t.elapsed().as_secs_f64()
    );
    let config = Config {
        database_url: url,
        secret_key: KEY.into(),
        ..Config::default()
    };
    let app = App::new(config, db, secrets);
    let t = Instant::now();
    // Rounds until every client's first job (its cut-off) is applied.
    let mut cut_applied = 0;
    while cut_applied < n as usize {
        let s = worker::run_once(&app).await?;
        anyhow::ensure!(s.applied > 0, "no progress: {s:?}");
        cut_applied += s.applied;
    }
    let cut = t.elapsed().as_secs_f64();
    let disabled = st
        .secrets()
        .iter()
        .filter(|s| s["disabled"] == "true")
        .count();
    let sessions = st.active_sessions().len();
    let rest = worker::drain(&app).await?;
    let all = t.elapsed().as_secs_f64();
    let enabled = st
        .secrets()
        .iter()
        .filter(|s| s["disabled"] == "false")
        .count();
    println!(
        "cut-offs: {cut_applied} applied in {cut:.2} s ({:.0} changes/s); {disabled} secrets disabled, {sessions} sessions left",
        cut_applied as f64 / cut
    );
    let total = cut_applied + rest.applied;
    println!(
        "all: {total} applied in {all:.2} s ({:.0} changes/s); {} failed; {enabled} of {n} secrets enabled at the end (in order)",
        total as f64 / all,
        rest.failed
    );
    Ok(())
}
