//! Simulated outages: the router switched off, reset to an empty configuration,
//! or dropping every connection in the middle of a burst.

use std::time::Duration;

use routeros::sim::{SimConfig, SimHandle, Simulator};
use routeros::{
    ApiClient, ApiConfig, ErrorKind, ProfileSpec, RestClient, RestConfig, RouterApi, Secret,
    SecretUpdate,
};

async fn sim() -> SimHandle {
    Simulator::start(SimConfig::default()).await.unwrap()
}

fn api_cfg(sim: &SimHandle) -> ApiConfig {
    ApiConfig::new("127.0.0.1", "admin", "secret")
        .port(sim.api_addr.port())
        .connect_timeout(Duration::from_secs(2))
        .reply_timeout(Duration::from_secs(2))
}

async fn connect(sim: &SimHandle) -> ApiClient {
    ApiClient::connect(api_cfg(sim)).await.expect("login")
}

fn rest(sim: &SimHandle) -> RestClient {
    RestClient::new(
        RestConfig::new("127.0.0.1", "admin", "secret")
            .plain_http()
            .port(sim.rest_addr.port())
            .request_timeout(Duration::from_secs(2)),
    )
    .unwrap()
}

async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("operation hung")
}

#[tokio::test]
async fn a_router_that_is_off_refuses_connections_and_comes_back_on_the_same_ports() {
    let sim = sim().await;
    let api = connect(&sim).await;
    let rest = rest(&sim);
    api.add_secret(&Secret::new("alice", "x")).await.unwrap();
    assert_eq!(rest.identity().await.unwrap(), "MikroTik");
    let ports = [
        sim.api_addr,
        sim.api_tls_addr,
        sim.rest_addr,
        sim.rest_tls_addr,
    ];

    sim.set_down(true).await.unwrap();
    assert!(sim.faults().is_down());
    // Open sessions are gone...
    let e = bounded(api.identity()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionLost, "{e:?}");
    // ...and every port refuses at the TCP level.
    for addr in ports {
        let e = tokio::net::TcpStream::connect(addr).await.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{addr}");
    }
    let e = bounded(ApiClient::connect(api_cfg(&sim)))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Refused, "{e:?}");
    assert!(e.summary().contains("refused"), "{}", e.summary());
    let e = bounded(rest.identity()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Refused, "{e:?}");
    // Switching off twice is harmless.
    sim.set_down(true).await.unwrap();

    sim.set_down(false).await.unwrap();
    assert!(!sim.faults().is_down());
    assert_eq!(
        [
            sim.api_addr,
            sim.api_tls_addr,
            sim.rest_addr,
            sim.rest_tls_addr
        ],
        ports
    );
    let api = connect(&sim).await;
    // The configuration survived, as over a reboot.
    assert!(api.find_secret("alice").await.unwrap().is_some());
    // The REST client reconnects by itself.
    assert_eq!(bounded(rest.identity()).await.unwrap(), "MikroTik");

    // Off and on again with connections in TIME_WAIT: SO_REUSEADDR lets the bind succeed.
    sim.set_down(true).await.unwrap();
    sim.set_down(false).await.unwrap();
    assert_eq!(connect(&sim).await.identity().await.unwrap(), "MikroTik");
}

#[tokio::test]
async fn reset_configuration_leaves_an_empty_router() {
    let sim = sim().await;
    let api = connect(&sim).await;
    let spec = ProfileSpec::new("10M").rate_limit("10M/10M");
    api.upsert_profile(&spec).await.unwrap();
    let mut s = Secret::new("alice", "x");
    s.profile = Some("10M".into());
    let first = api.add_secret(&s).await.unwrap();
    sim.state()
        .connect_session("alice", "10.0.0.2", "AA:BB:CC:DD:EE:01");

    sim.reset_configuration();
    let e = bounded(api.identity()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionLost, "{e:?}");

    let st = sim.state();
    assert!(st.secrets().is_empty());
    assert!(st.active_sessions().is_empty());
    let names: Vec<String> = st.profiles().iter().map(|p| p["name"].clone()).collect();
    assert_eq!(names, ["default", "default-encryption"]);
    // The login still works and new ids do not repeat old ones.
    let api = connect(&sim).await;
    let again = api.add_secret(&Secret::new("alice", "x")).await.unwrap();
    assert_ne!(again, first);
    assert_eq!(again, "*2");
}

#[tokio::test]
async fn drop_in_the_middle_of_a_burst_keeps_what_was_applied() {
    let sim = sim().await;
    let api = connect(&sim).await;
    sim.drop_after_commands(50);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..200 {
        let api = api.clone();
        tasks.spawn(async move { api.add_secret(&Secret::new(format!("u{n}"), "x")).await });
    }
    let (mut ok, mut lost) = (0, 0);
    while let Some(r) = bounded(tasks.join_next()).await {
        match r.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::ConnectionLost, "{e:?}");
                lost += 1;
            }
        }
    }
    // Exactly 50 were applied; the 50th never got its reply back.
    assert_eq!(sim.state().secrets().len(), 50);
    assert!(ok <= 49, "{ok} acknowledged");
    assert_eq!(ok + lost, 200);

    // Once only: a new connection works for as long as it likes.
    let api = connect(&sim).await;
    let id = api.find_secret("u0").await.unwrap().unwrap().id.unwrap();
    for n in 0..100 {
        let change = SecretUpdate {
            comment: Some(format!("c{n}")),
            ..Default::default()
        };
        api.set_secret(&id, &change).await.unwrap();
    }
}

#[tokio::test]
async fn drop_after_commands_counts_across_connections_and_transports() {
    let sim = sim().await;
    let a = connect(&sim).await;
    let b = connect(&sim).await;
    let r = rest(&sim);
    sim.drop_after_commands(3);
    a.add_secret(&Secret::new("one", "x")).await.unwrap();
    r.add_secret(&Secret::new("two", "x")).await.unwrap();
    let e = bounded(b.add_secret(&Secret::new("three", "x")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionLost, "{e:?}");
    // Every connection went, not only the one that sent the third command.
    let e = bounded(a.identity()).await.unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
    let names: Vec<String> = sim
        .state()
        .secrets()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(names, ["one", "two", "three"]);
    // The REST client opens a new connection and carries on.
    assert_eq!(bounded(r.identity()).await.unwrap(), "MikroTik");
}

#[tokio::test]
async fn drop_after_a_rest_command() {
    let sim = sim().await;
    let r = rest(&sim);
    sim.drop_after_commands(1);
    let e = bounded(r.add_secret(&Secret::new("x", "y")))
        .await
        .unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
    assert!(
        sim.state().secret("x").is_some(),
        "applied though unanswered"
    );
    assert_eq!(bounded(r.identity()).await.unwrap(), "MikroTik");
}
