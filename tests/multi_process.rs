//! Several `mikronet serve` processes on one database and one router: concurrent connection
//! switches for the same clients sent to different processes leave the router with each
//! client's latest state and no duplicate secret. Runs on PostgreSQL and MariaDB (SQLite is
//! one process by design).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{KEY, TestApp};
use mikronet::domain::ids::ClientId;
use mikronet::storage::Backend;
use routeros::sim::{SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROUTER_PASSWORD: &str = "Router-Pa55-word";

/// One HTTP/1.1 request on a fresh connection; the status and the body.
async fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return (0, String::new());
    };
    let req = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

async fn three_servers_keep_one_router_in_step(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let sim = Simulator::start(SimConfig {
        password: ROUTER_PASSWORD.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let admin = app.admin().await;
    let body = format!(
        r#"{{"name":"core-1","host":"127.0.0.1","port":{},"transport":"api","username":"admin","password":"{ROUTER_PASSWORD}"}}"#,
        sim.api_addr.port()
    );
    app.post("/routers", Some(&admin), &body).await.expect(201);
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let mut clients = Vec::new();
    for i in 0..30 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, "2026-11-01", "2026-12-31")
            .await;
        clients.push(c);
    }
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let servers = Servers(
        ports
            .iter()
            .map(|port| {
                Command::new(env!("CARGO_BIN_EXE_mikronet"))
                    .arg("serve")
                    .env("MIKRONET_DATABASE_URL", &app.app.config.database_url)
                    .env("MIKRONET_SECRET_KEY", KEY)
                    .env("MIKRONET_LISTEN", format!("127.0.0.1:{port}"))
                    .env("MIKRONET_LOG", "warn")
                    .env("MIKRONET_SWITCH_WAIT_MS", "0")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("start mikronet serve")
            })
            .collect(),
    );
    let start = Instant::now();
    for &port in &ports {
        while http(port, "GET", "/health", "", "").await.0 != 200 {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // Every client switched eight times, each switch to another process, all at once.
    let mut tasks = Vec::new();
    for (i, &c) in clients.iter().enumerate() {
        for n in 0..8usize {
            let port = ports[(i + n) % 3];
            let token = admin.clone();
            let action = if (i + n) % 2 == 0 {
                "disable"
            } else {
                "enable"
            };
            tasks.push(tokio::spawn(async move {
                let (status, body) = http(
                    port,
                    "POST",
                    &format!("/client/{c}/connection/{action}"),
                    &token,
                    "",
                )
                .await;
                assert!(status == 200 || status == 202, "{status} {body}");
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    let held: Vec<(ClientId, bool)> = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                ex.all("SELECT id, held FROM clients ORDER BY id", &[])
                    .await
            })
        })
        .await
        .unwrap();
    let start = Instant::now();
    loop {
        let secrets = sim.state().secrets();
        let in_step = secrets.len() == clients.len()
            && held.iter().all(|(id, held)| {
                let name = format!("c{}", id.0 - clients[0]);
                secrets
                    .iter()
                    .any(|s| s["name"] == name && (s["disabled"] == "true") == *held)
            });
        if in_step {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the router did not reach every client's latest state: {} secrets",
            secrets.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let comments: std::collections::HashSet<_> = sim
        .state()
        .secrets()
        .iter()
        .map(|s| s["comment"].clone())
        .collect();
    assert_eq!(comments.len(), clients.len(), "no duplicate secrets");
    drop(servers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    three_servers_keep_one_router_in_step(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql() {
    three_servers_keep_one_router_in_step(Backend::MySql).await;
}
