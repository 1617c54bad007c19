//! No password or token reaches a log line, at any level, through a whole provisioning flow
//! including failures. (Its own test binary: it installs the process's log subscriber.)

mod common;

use common::{Capture, TestApp};
use mikronet::provisioning::worker;
use routeros::sim::{SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();
    let router_pw = "Router-Pa55-word-9f";
    let sim = Simulator::start(SimConfig {
        password: router_pw.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let app = TestApp::new(mikronet::storage::Backend::Sqlite)
        .await
        .unwrap();
    // Through the routes, not the seeding shortcut: registering and logging in are logged too.
    let admin = app.user_over_http(None, "admin", "admin").await;
    let body = format!(
        r#"{{"name":"core","host":"127.0.0.1","port":{},"username":"admin","password":"{router_pw}"}}"#,
        sim.api_addr.port()
    );
    let r = app.post("/routers", Some(&admin), &body).await.expect(201);
    let router = r.json["data"]["router_id"].as_i64().unwrap();
    app.create_client(&admin, "John Doe", "abc123").await;
    worker::drain(&app.app).await.unwrap();
    assert!(sim.state().secret("abc123").is_some());
    // A wrong router password: the failure is logged, the password is not.
    app.put(
        &format!("/routers/{router}"),
        &admin,
        r#"{"password":"Wrong-Pa55-word-3c"}"#,
    )
    .await
    .expect(200);
    app.put(
        "/client/update/1",
        &admin,
        r#"{"password":"another-secret-77"}"#,
    )
    .await
    .expect(200);
    let s = worker::drain(&app.app).await.unwrap();
    assert_eq!(s.applied, 0);
    app.get(&format!("/routers/{router}/status"), &admin)
        .await
        .expect(200);
    app.post(
        "/auth/login",
        None,
        r#"{"username":"admin","password":"guess-Pa55-61"}"#,
    )
    .await
    .expect(401);
    let logs = capture.text();
    assert!(
        logs.contains("router could not be reached"),
        "the failure is logged:\n{logs}"
    );
    for secret in [
        router_pw,
        "Wrong-Pa55-word-3c",
        "securepassword",
        "another-secret-77",
        "pw-admin-long",
        "guess-Pa55-61",
        admin.as_str(),
    ] {
        assert!(!logs.contains(secret), "{secret} appears in the logs");
    }
}
