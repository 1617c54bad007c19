//! The REST client against the simulator's REST front end (HTTP and HTTPS).

use std::time::Duration;

use hyper::Method;
use routeros::sim::{SimConfig, SimHandle, Simulator, is_disabled};
use routeros::{
    ErrorKind, ProfileSpec, RestClient, RestConfig, RouterApi, Secret, SecretUpdate, TlsOptions,
};

async fn sim() -> SimHandle {
    Simulator::start(SimConfig::default())
        .await
        .expect("simulator starts")
}

fn http(sim: &SimHandle) -> RestClient {
    let cfg = RestConfig::new("127.0.0.1", "admin", "secret")
        .plain_http()
        .port(sim.rest_addr.port())
        .request_timeout(Duration::from_secs(5));
    RestClient::new(cfg).unwrap()
}

#[tokio::test]
async fn secret_round_trip_over_http() {
    let sim = sim().await;
    let rest = http(&sim);
    assert_eq!(rest.version().await.unwrap(), "7.16.2 (stable)");
    assert_eq!(rest.identity().await.unwrap(), "MikroTik");

    let mut new = Secret::new("alice", "pw1");
    new.remote_address = Some("10.0.0.2".into());
    let id = rest.add_secret(&new).await.unwrap();
    assert_eq!(id, "*1");
    let found = rest.find_secret("alice").await.unwrap().expect("found");
    assert_eq!(found.id.as_deref(), Some("*1"));
    assert_eq!(found.profile.as_deref(), Some("default"));
    assert!(!found.disabled);
    assert_eq!(rest.find_secret("nobody").await.unwrap(), None);

    rest.set_secret(
        &id,
        &SecretUpdate {
            password: Some("pw2".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(sim.state().secret("alice").unwrap()["password"], "pw2");

    rest.set_secret_disabled(&id, true).await.unwrap();
    assert!(is_disabled(&sim.state().secret("alice").unwrap()));
    // REST prints every value as a string.
    let obj = rest
        .request(Method::GET, "/rest/ppp/secret/*1", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(obj["disabled"], serde_json::json!("true"));
    assert_eq!(obj["limit-bytes-in"], serde_json::json!("0"));
    rest.set_secret_disabled(&id, false).await.unwrap();
    assert!(!rest.find_secret("alice").await.unwrap().unwrap().disabled);

    rest.remove_secret(&id).await.unwrap();
    assert!(sim.state().secret("alice").is_none());
    let again = rest.remove_secret(&id).await.expect_err("gone");
    assert!(again.is_no_such_item(), "{again:?}");
    assert_eq!(again.trap_message(), Some("Not Found"));
}

#[tokio::test]
async fn rest_errors_carry_the_detail() {
    let sim = sim().await;
    let rest = http(&sim);
    rest.add_secret(&Secret::new("alice", "x")).await.unwrap();
    let dup = rest
        .add_secret(&Secret::new("alice", "y"))
        .await
        .expect_err("duplicate");
    assert_eq!(
        dup.trap_message(),
        Some("failure: secret with the same name already exists")
    );
    let mut bad = Secret::new("bob", "x");
    bad.profile = Some("gold".into());
    assert_eq!(
        rest.add_secret(&bad).await.unwrap_err().trap_message(),
        Some("input does not match any value of profile")
    );
    let err = rest
        .command("/ppp/secret", "frobnicate", &[])
        .await
        .unwrap_err();
    assert_eq!(
        err.trap_message(),
        Some("no such command or directory (frobnicate)")
    );

    let wrong = RestClient::new(
        RestConfig::new("127.0.0.1", "admin", "nope")
            .plain_http()
            .port(sim.rest_addr.port()),
    )
    .unwrap();
    let err = wrong.identity().await.unwrap_err();
    assert!(err.is_auth_failure(), "{err:?}");
}

#[tokio::test]
async fn sessions_profiles_and_post_commands() {
    let sim = sim().await;
    let rest = http(&sim);
    let pid = rest
        .upsert_profile(&ProfileSpec::new("20M").rate_limit("20M/20M"))
        .await
        .unwrap();
    assert_eq!(
        rest.upsert_profile(&ProfileSpec::new("20M").rate_limit("25M/25M"))
            .await
            .unwrap(),
        pid
    );
    assert_eq!(sim.state().profile("20M").unwrap()["rate-limit"], "25M/25M");

    let session = sim
        .state()
        .connect_session("carol", "10.0.0.5", "AA:00:00:00:00:05");
    let list = rest.active_sessions(Some("carol")).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, session);
    rest.remove_active(&session).await.unwrap();
    assert!(rest.active_sessions(None).await.unwrap().is_empty());

    // POST print with .query and .proplist, as the REST docs describe.
    sim.state().add_secret("a", "x").unwrap();
    sim.state().add_secret("b", "x").unwrap();
    let body =
        serde_json::json!({".proplist": [".id", "name"], ".query": ["name=a", "name=b", "#|"]});
    let rows = rest
        .request(Method::POST, "/rest/ppp/secret/print", Some(&body))
        .await
        .unwrap();
    assert_eq!(
        rows,
        Some(serde_json::json!([{".id": "*1", "name": "a"}, {".id": "*2", "name": "b"}]))
    );
}

#[tokio::test]
async fn https_with_pinned_certificate() {
    let sim = sim().await;
    let cfg = RestConfig::new("127.0.0.1", "admin", "secret")
        .tls(TlsOptions::pinned(&sim.cert_fingerprint))
        .port(sim.rest_tls_addr.port());
    let rest = RestClient::new(cfg).unwrap();
    let id = rest.add_secret(&Secret::new("tls", "x")).await.unwrap();
    assert_eq!(sim.state().secret("tls").unwrap()[".id"], id);

    let wrong = RestConfig::new("127.0.0.1", "admin", "secret")
        .tls(TlsOptions::pinned("11".repeat(32)))
        .port(sim.rest_tls_addr.port());
    let err = RestClient::new(wrong)
        .unwrap()
        .identity()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err:?}");
}

#[tokio::test]
async fn rest_faults() {
    let sim = sim().await;
    let rest = RestClient::new(
        RestConfig::new("127.0.0.1", "admin", "secret")
            .plain_http()
            .port(sim.rest_addr.port())
            .request_timeout(Duration::from_millis(300)),
    )
    .unwrap();
    sim.set_reply_delay(Duration::from_millis(800));
    assert_eq!(
        rest.identity().await.unwrap_err().kind(),
        ErrorKind::Timeout
    );
    sim.set_reply_delay(Duration::ZERO);
    sim.set_drop_mid_reply(true);
    assert!(rest.identity().await.is_err());
    sim.set_drop_mid_reply(false);
    sim.set_refuse_connections(true);
    sim.drop_connections();
    assert!(rest.identity().await.is_err());
    sim.set_refuse_connections(false);
    assert_eq!(rest.identity().await.unwrap(), "MikroTik");
}
