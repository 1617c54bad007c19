//! Routers always in step: the situations that broke the queue of snapshots, replayed against
//! the RouterOS simulator on every database backend. A router that goes down with changes
//! queued and comes back empty converges with no operator step; a retry never replays stale
//! state; a router dropping mid-burst loses nothing; a dead worker's leases are taken over
//! within seconds; reconcile rebuilds a reset router and tells the truth about each repair.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::Method;
use common::TestApp;
use mikronet::domain::secret::SyncKind;
use mikronet::provisioning::worker;
use mikronet::storage::Backend;
use routeros::sim::SimHandle;
use serde_json::Value;

/// A test app whose manual switches do not wait for the router (they are queued while it is
/// down; waiting three seconds each would only slow the test).
async fn app(backend: Backend) -> Option<TestApp> {
    TestApp::with_config(backend, |c| c.switch_wait_ms = 0).await
}

/// What the database says every client's secret should be: name → (password, disabled).
async fn expected(app: &TestApp, admin: &str, clients: &[i64]) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    for id in clients {
        let c = app.get(&format!("/client/{id}"), admin).await.expect(200);
        let history = app
            .get(&format!("/client/{id}/history"), admin)
            .await
            .expect(200);
        let held = history.json["data"]
            .as_array()
            .unwrap()
            .last()
            .is_some_and(|e| e["kind"] == "connection_disabled");
        out.insert(
            c.json["data"]["ppp_secret_name"]
                .as_str()
                .unwrap()
                .to_owned(),
            held,
        );
    }
    out
}

/// Asserts the simulator holds exactly the expected secrets with the expected state, and that
/// reconcile agrees there is no drift.
async fn assert_in_step(
    app: &TestApp,
    admin: &str,
    sim: &SimHandle,
    router: i64,
    want: &HashMap<String, bool>,
    passwords: &HashMap<String, String>,
) {
    let secrets = sim.state().secrets();
    let ours: Vec<_> = secrets
        .iter()
        .filter(|s| s.get("comment").is_some_and(|c| c.starts_with("mikronet:")))
        .collect();
    assert_eq!(
        ours.len(),
        want.len(),
        "one secret per client, no old names"
    );
    for s in &ours {
        let name = &s["name"];
        let disabled = want
            .get(name)
            .unwrap_or_else(|| panic!("{name} should not exist"));
        assert_eq!(s["disabled"] == "true", *disabled, "{name}: disabled");
        assert_eq!(
            s["password"],
            passwords.get(name).map_or("securepassword", String::as_str),
            "{name}: password"
        );
        assert_eq!(s["profile"], "Home-profile", "{name}: profile");
    }
    let r = app.reconcile(admin, router).await;
    assert_eq!(r.json["data"]["drift_remains"], false, "{}", r.text);
}

async fn switch(app: &TestApp, admin: &str, client: i64, enable: bool) -> Value {
    let action = if enable { "enable" } else { "disable" };
    let r = app
        .get(&format!("/client/{client}/connection/{action}"), admin)
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    r.json
}

/// The first situation of the issue: the router goes down, switches, password changes and
/// renames are queued, the router comes back after a reset with an empty configuration, and
/// the plan is not saved again.
async fn a_reset_router_with_queued_changes_converges_and_retry_replays_nothing(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let router = app.add_router(&admin, &sim).await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let mut clients = Vec::new();
    for i in 0..300 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, "2026-11-01", "2026-12-31")
            .await;
        clients.push(c);
    }
    app.settle().await;
    assert_eq!(sim.state().secrets().len(), 300);

    sim.set_down(true).await.unwrap();
    for &c in &clients[..200] {
        let r = switch(&app, &admin, c, false).await;
        assert_eq!(r["status"], "queued");
    }
    let mut passwords = HashMap::new();
    for (i, &c) in clients[200..220].iter().enumerate() {
        let pw = format!("new-password-{i}");
        app.put(
            &format!("/client/update/{c}"),
            &admin,
            &format!(r#"{{"password":"{pw}"}}"#),
        )
        .await
        .expect(200);
        passwords.insert(format!("c{}", 200 + i), pw);
    }
    for (i, &c) in clients[220..230].iter().enumerate() {
        app.put(
            &format!("/client/update/{c}"),
            &admin,
            &format!(r#"{{"ppp_secret_name":"renamed-{i}"}}"#),
        )
        .await
        .expect(200);
    }
    let s = worker::drain(&app.app).await.unwrap();
    assert_eq!(s.failed, 0, "waiting out an outage is not a refusal");
    sim.reset_configuration();
    assert!(sim.state().profile("Home-profile").is_none());
    sim.set_down(false).await.unwrap();

    let s = app.settle().await;
    assert_eq!(s.failed, 0, "{s:?}");
    assert!(
        sim.state().profile("Home-profile").is_some(),
        "the plan's profile is re-created before the secrets that need it"
    );
    let want = expected(&app, &admin, &clients).await;
    assert_in_step(&app, &admin, &sim, router, &want, &passwords).await;

    // Thirty clients switched to the opposite state, then every failed object retried: the
    // retry applies what the database says now, so nothing flips back.
    for &c in &clients[..30] {
        let r = switch(&app, &admin, c, true).await;
        assert!(r["status"] == "queued" || r["status"] == "applied");
    }
    app.settle().await;
    app.call(
        Method::POST,
        &format!("/routers/{router}/jobs/retry"),
        Some(&admin),
        None,
    )
    .await
    .expect(200);
    app.settle().await;
    let want = expected(&app, &admin, &clients).await;
    assert!(!want["c0"], "switched back on and stays on");
    for i in 0..10 {
        assert!(
            sim.state().secret(&format!("c{}", 220 + i)).is_none(),
            "the old name of a renamed client is gone"
        );
    }
    assert_in_step(&app, &admin, &sim, router, &want, &passwords).await;
}

/// 2,000 changes, and the router drops every connection half-way through them.
async fn a_router_dropping_mid_burst_loses_nothing(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let router = app.add_router(&admin, &sim).await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let mut clients = Vec::new();
    for i in 0..100 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, "2026-11-01", "2026-12-31")
            .await;
        clients.push(c);
    }
    app.settle().await;
    sim.drop_after_commands(150);
    let mut passwords = HashMap::new();
    // Twenty changes per client: alternating holds and password changes, interleaved with
    // worker rounds so that some reach the router before the drop and some after.
    for round in 0..10 {
        for &c in &clients {
            switch(&app, &admin, c, round % 2 == 1).await;
            let pw = format!("pw-{round}-{c}");
            app.put(
                &format!("/client/update/{c}"),
                &admin,
                &format!(r#"{{"password":"{pw}"}}"#),
            )
            .await
            .expect(200);
            passwords.insert(format!("c{}", c - clients[0]), pw);
        }
        worker::run_once(&app.app).await.unwrap();
    }
    let s = app.settle().await;
    assert_eq!(s.failed, 0, "{s:?}");
    let want = expected(&app, &admin, &clients).await;
    assert!(
        want.values().all(|held| !held),
        "the last switch enabled everyone"
    );
    assert_in_step(&app, &admin, &sim, router, &want, &passwords).await;
}

/// A worker that dies holding leases: another worker serves those clients within seconds.
async fn a_dead_workers_leases_are_taken_over(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    app.add_router(&admin, &sim).await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    app.settle().await;
    switch(&app, &admin, client, false).await;
    // A worker in another process leases the change and is killed before applying it.
    let leased = app
        .db()
        .write(|ex| {
            Box::pin(async move {
                let now = chrono::Utc::now();
                mikronet::storage::repo::sync::lease(
                    ex,
                    "crashed-worker",
                    now,
                    now + chrono::Duration::seconds(5),
                    100,
                )
                .await
            })
        })
        .await
        .unwrap();
    assert_eq!(leased.len(), 1);
    assert_eq!(leased[0].kind, SyncKind::Secret);
    let start = Instant::now();
    let first = worker::run_once(&app.app).await.unwrap();
    assert_eq!(first.leased, 0, "a live lease is respected");
    while sim
        .state()
        .secret("abc123")
        .is_some_and(|s| s["disabled"] == "false")
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the crashed worker's client was not served within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        worker::run_once(&app.app).await.unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_secs(4),
        "not before the lease ran out"
    );
}

/// Reconcile with apply on a router reset to an empty configuration.
async fn reconcile_rebuilds_a_reset_router_and_reports_each_repair(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let router = app.add_router(&admin, &sim).await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let mut clients = Vec::new();
    for i in 0..20 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, "2026-11-01", "2026-12-31")
            .await;
        clients.push(c);
    }
    app.settle().await;
    sim.reset_configuration();
    sim.state()
        .add_secret("office-printer", "hand-made")
        .unwrap();
    let r = app
        .call(
            Method::POST,
            &format!("/routers/{router}/reconcile?apply=true"),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    let d = &r.json["data"];
    assert_eq!(d["missing"].as_array().unwrap().len(), 20, "{}", r.text);
    assert_eq!(d["missing_profiles"], serde_json::json!(["Home-profile"]));
    assert_eq!(d["left_alone"], serde_json::json!(["office-printer"]));
    let repairs = d["repairs"].as_array().unwrap();
    assert_eq!(repairs.len(), 21);
    assert!(
        repairs.iter().all(|r| r["outcome"] == "repaired"),
        "{repairs:?}"
    );
    assert_eq!(d["drift_remains"], false);
    let want = expected(&app, &admin, &clients).await;
    assert_in_step(&app, &admin, &sim, router, &want, &HashMap::new()).await;
    assert_eq!(
        sim.state().secret("office-printer").unwrap()["password"],
        "hand-made",
        "not ours: untouched"
    );
}

/// A router whose profile RouterOS refuses is reported with RouterOS's words, not another
/// server's body; a host change needs the password again.
async fn errors_are_classified_and_credentials_never_move(app: TestApp) {
    let admin = app.admin().await;
    // An HTTP server that is not RouterOS, with a body that must never be shown.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let body = "<html>secret-body of another server</html>";
                let _ = s
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    let body = format!(
        r#"{{"name":"not-a-router","host":"127.0.0.1","port":{port},"transport":"rest-http","username":"admin","password":"x"}}"#
    );
    let router = app.post("/routers", Some(&admin), &body).await.expect(201);
    let id = router.json["data"]["router_id"].as_i64().unwrap();
    assert_eq!(router.json["data"]["plaintext"], true);
    let r = app
        .get(&format!("/routers/{id}/status"), &admin)
        .await
        .expect(200);
    let error = r.json["data"]["error"].as_str().unwrap();
    assert!(error.starts_with("not_routeros"), "{error}");
    assert!(error.contains(&format!("127.0.0.1:{port}")), "{error}");
    assert!(!r.text.contains("secret-body"), "{}", r.text);
    let r = app
        .put(&format!("/routers/{id}"), &admin, r#"{"host":"10.9.9.9"}"#)
        .await
        .expect(422);
    assert!(r.json["errors"]["password"].is_string(), "{}", r.text);
    app.put(
        &format!("/routers/{id}"),
        &admin,
        r#"{"host":"10.9.9.9","password":"new-one"}"#,
    )
    .await
    .expect(200);
    app.put(&format!("/routers/{id}"), &admin, r#"{"name":"renamed"}"#)
        .await
        .expect(200);
}

macro_rules! sync_tests {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(a) = app(Backend::Sqlite).await { super::$name(a).await }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                if let Some(a) = app(Backend::MySql).await { super::$name(a).await }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(a) = app(Backend::Postgres).await { super::$name(a).await }
            }
        })*
    };
}

sync_tests!(
    a_reset_router_with_queued_changes_converges_and_retry_replays_nothing,
    a_router_dropping_mid_burst_loses_nothing,
    a_dead_workers_leases_are_taken_over,
    reconcile_rebuilds_a_reset_router_and_reports_each_repair,
    errors_are_classified_and_credentials_never_move,
);
