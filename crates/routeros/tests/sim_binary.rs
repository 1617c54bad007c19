//! `routeros-sim` as a process of its own: one line of JSON at start, then
//! serving until killed or until its stdin closes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use routeros::{ApiClient, ApiConfig, RestClient, RestConfig, RouterApi, TlsOptions};

struct Sim {
    child: Child,
    info: serde_json::Value,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("routeros-sim starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    Sim { child, info }
}

fn port(sim: &Sim, key: &str) -> u16 {
    let addr: std::net::SocketAddr = sim.info[key].as_str().unwrap().parse().unwrap();
    addr.port()
}

#[tokio::test]
async fn runs_as_a_process_and_prints_where_it_listens() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let api_port = free.local_addr().unwrap().port();
    drop(free);
    let sim = spawn(&[
        "--api-port",
        &api_port.to_string(),
        "--password",
        "pw-1",
        "--identity",
        "core-7",
        "--secret",
        "alice:x",
    ]);
    assert_eq!(port(&sim, "api"), api_port, "{}", sim.info);
    assert_eq!(sim.info["user"], "admin");
    assert_eq!(sim.info["identity"], "core-7");
    let fingerprint = sim.info["cert_sha256"].as_str().unwrap();
    assert_eq!(fingerprint.len(), 64);

    let api = ApiClient::connect(ApiConfig::new("127.0.0.1", "admin", "pw-1").port(api_port))
        .await
        .unwrap();
    assert_eq!(api.identity().await.unwrap(), "core-7");
    assert!(api.find_secret("alice").await.unwrap().is_some());
    let tls = ApiClient::connect(
        ApiConfig::new("127.0.0.1", "admin", "pw-1")
            .tls(TlsOptions::pinned(fingerprint))
            .port(port(&sim, "api_tls")),
    )
    .await
    .unwrap();
    assert_eq!(tls.identity().await.unwrap(), "core-7");
    let rest = RestClient::new(
        RestConfig::new("127.0.0.1", "admin", "pw-1")
            .plain_http()
            .port(port(&sim, "rest")),
    )
    .unwrap();
    assert_eq!(rest.identity().await.unwrap(), "core-7");
}

#[tokio::test]
async fn rest_port_flag_and_exit_on_stdin_eof() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let rest_port = free.local_addr().unwrap().port();
    drop(free);
    let mut sim = spawn(&["--rest-port", &rest_port.to_string(), "--exit-on-stdin-eof"]);
    assert_eq!(port(&sim, "rest"), rest_port);
    drop(sim.child.stdin.take());
    let mut waited = Duration::ZERO;
    while sim.child.try_wait().unwrap().is_none() {
        assert!(waited < Duration::from_secs(10), "still running");
        std::thread::sleep(Duration::from_millis(20));
        waited += Duration::from_millis(20);
    }
    assert!(sim.child.try_wait().unwrap().unwrap().success());
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .args(["--api-port", "not-a-port"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing on stdout but the JSON line");
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"));
}
