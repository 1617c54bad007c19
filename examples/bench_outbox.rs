//! Benchmark (not a test): PPP secret changes per second from the outbox to the RouterOS
//! simulator over one pipelined API connection.
//!
//! ```sh
//! cargo run --release --example bench_outbox -- [CLIENTS]
//! ```
//! Seeds CLIENTS (default 10,000) clients whose secrets exist on the simulated router, each
//! with a live session; cuts every client off (an operator's hold: the secret disabled and
//! the session ended) and times the worker making the router match; then reconnects every
//! client and times that. Each change is level-triggered: the worker reads the client's state
//! when it applies it (a lookup by our comment, the write, and for a cut-off the session check
//! and removal).

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
                 suspend_mode, is_default, created_at, updated_at, reachable, last_contact_at) \
                 VALUES ('sim', '127.0.0.1', ?, 'api', 'admin', ?, 'disable', ?, ?, ?, ?, ?)",
                params![port, &sealed_router, true, now, now, true, now],
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
                        false,
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
    let config = Config {
        database_url: url,
        secret_key: KEY.into(),
        ..Config::default()
    };
    let app = App::new(config, db.clone(), secrets);
    let ids: Vec<ClientId> = (1..=n).map(ClientId).collect();
    let mut results = Vec::new();
    for (what, held) in [("cut-offs", true), ("reconnects", false)] {
        let marked = ids.clone();
        let t = Instant::now();
        db.write(move |ex| {
            Box::pin(async move {
                ex.execute("UPDATE clients SET held = ?", params![held])
                    .await?;
                outbox::clients_changed(ex, &marked).await
            })
        })
        .await?;
        let queued = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let s = worker::drain(&app).await?;
        let took = t.elapsed().as_secs_f64();
        anyhow::ensure!(
            s.applied == n as usize && s.failed == 0,
            "{what}: not all applied: {s:?}"
        );
        let disabled = st
            .secrets()
            .iter()
            .filter(|s| s["disabled"] == "true")
            .count();
        let sessions = st.active_sessions().len();
        println!(
            "{what}: marked {n} in {queued:.2} s; applied in {took:.2} s ({:.0} changes/s); \
             {disabled} secrets disabled, {sessions} sessions left",
            n as f64 / took
        );
        results.push(n as f64 / took);
    }
    // Coalescing: a cut-off and its reconnect marked before any round are one change, and the
    // router gets only the latest state.
    let marked = ids.clone();
    db.write(move |ex| {
        Box::pin(async move {
            ex.execute("UPDATE clients SET held = ?", params![true])
                .await?;
            outbox::clients_changed(ex, &marked).await?;
            ex.execute("UPDATE clients SET held = ?", params![false])
                .await?;
            outbox::clients_changed(ex, &marked).await
        })
    })
    .await?;
    let before = sim.commands_executed();
    let s = worker::drain(&app).await?;
    let enabled = st
        .secrets()
        .iter()
        .filter(|s| s["disabled"] == "false")
        .count();
    println!(
        "coalesced: {} objects applied with {} router commands; {enabled} of {n} secrets enabled",
        s.applied,
        sim.commands_executed() - before
    );
    Ok(())
}
