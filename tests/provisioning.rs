//! Router provisioning end to end over HTTP, against the RouterOS simulator, on every
//! database backend: the outbox, the worker, a router that is down, reconcile.

mod common;

use axum::http::Method;
use common::TestApp;
use mikronet::provisioning::worker;
use routeros::sim::{SimConfig, SimHandle, Simulator};

const ROUTER_PASSWORD: &str = "Router-Pa55-word";

async fn simulator() -> SimHandle {
    Simulator::start(SimConfig {
        password: ROUTER_PASSWORD.into(),
        identity: "core-1".into(),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// Registers the simulator as the (default) router; returns its id.
async fn add_router(app: &TestApp, admin: &str, sim: &SimHandle, extra: &str) -> i64 {
    let body = format!(
        r#"{{"name":"core-1","host":"127.0.0.1","port":{},"transport":"api","username":"admin","password":"{ROUTER_PASSWORD}"{extra}}}"#,
        sim.api_addr.port()
    );
    let r = app.post("/routers", Some(admin), &body).await.expect(201);
    assert_eq!(r.json["data"]["is_default"], true);
    r.json["data"]["router_id"].as_i64().unwrap()
}

async fn drain(app: &TestApp) -> worker::RoundStats {
    worker::drain(&app.app).await.unwrap()
}

fn field(sim: &SimHandle, name: &str, key: &str) -> Option<String> {
    sim.state().secret(name).and_then(|s| s.get(key).cloned())
}

async fn the_client_lifecycle_reaches_the_router(app: TestApp) {
    let sim = simulator().await;
    let admin = app.admin().await;
    add_router(&app, &admin, &sim, "").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let s = drain(&app).await;
    assert_eq!(
        (s.applied, s.retried, s.failed),
        (2, 0, 0),
        "profile and secret"
    );
    assert_eq!(
        sim.state()
            .profile("Home-profile")
            .unwrap()
            .get("rate-limit")
            .map(String::as_str),
        Some("10M/10M")
    );
    let secret = sim
        .state()
        .secret("abc123")
        .expect("secret added on registration");
    assert_eq!(secret["password"], "securepassword");
    assert_eq!(secret["service"], "pppoe");
    assert_eq!(secret["disabled"], "false");
    assert_eq!(secret["comment"], format!("mikronet:client:{client}"));

    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    drain(&app).await;
    assert_eq!(
        field(&sim, "abc123", "profile").as_deref(),
        Some("Home-profile")
    );

    sim.state()
        .connect_session("abc123", "10.10.0.2", "AA:BB:CC:DD:EE:01");
    assert_eq!(sim.state().active_sessions().len(), 1);
    app.call(
        Method::POST,
        "/billing/run?date=2024-01-27",
        Some(&admin),
        None,
    )
    .await
    .expect(200);
    let r = app
        .call(
            Method::POST,
            "/billing/run?date=2024-02-04",
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        r.json["data"]["suspended_subscription_ids"],
        serde_json::json!([sub])
    );
    drain(&app).await;
    assert_eq!(
        field(&sim, "abc123", "disabled").as_deref(),
        Some("true"),
        "cut off"
    );
    assert!(
        sim.state().active_sessions().is_empty(),
        "live session ended"
    );

    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.pay(
        &admin,
        invoice,
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-02-05"}"#,
    )
    .await
    .expect(201);
    drain(&app).await;
    assert_eq!(
        field(&sim, "abc123", "disabled").as_deref(),
        Some("false"),
        "reconnected"
    );

    app.put(
        &format!("/client/update/{client}"),
        &admin,
        r#"{"ppp_secret_name":"abc124","password":"newpass99"}"#,
    )
    .await
    .expect(200);
    drain(&app).await;
    assert!(
        sim.state().secret("abc123").is_none(),
        "renamed, not duplicated"
    );
    assert_eq!(
        field(&sim, "abc124", "password").as_deref(),
        Some("newpass99")
    );

    let other = app.create_client(&admin, "Jane Roe", "jane").await;
    drain(&app).await;
    assert!(sim.state().secret("jane").is_some());
    sim.state()
        .connect_session("jane", "10.10.0.3", "AA:BB:CC:DD:EE:02");
    app.delete(&format!("/client/delete/{other}"), &admin)
        .await
        .expect(200);
    drain(&app).await;
    assert!(sim.state().secret("jane").is_none(), "deleted");
    assert!(sim.state().active_sessions().is_empty(), "and kicked");
    assert_eq!(sim.state().secrets().len(), 1);
}

async fn a_router_that_is_down_gets_the_latest_state_later(app: TestApp) {
    let sim = simulator().await;
    let admin = app.admin().await;
    let router = add_router(&app, &admin, &sim, "").await;
    sim.set_down(true).await.unwrap();
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    for body in [
        r#"{"password":"second-pw"}"#,
        r#"{"ppp_secret_name":"renamed"}"#,
        r#"{"password":"third-pw"}"#,
    ] {
        app.put(&format!("/client/update/{client}"), &admin, body)
            .await
            .expect(200);
    }
    let s = drain(&app).await;
    assert_eq!(
        (s.applied, s.unreachable, s.failed),
        (0, 1, 0),
        "one object for the client, waiting, counted against nothing"
    );
    assert!(sim.state().secrets().is_empty());
    let r = app
        .get(&format!("/routers/{router}/jobs?status=pending"), &admin)
        .await
        .expect(200);
    let pending = r.json["data"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "coalesced: {pending:?}");
    assert_eq!(pending[0]["version"], 4, "created and changed three times");
    assert_eq!(pending[0]["applied_version"], 0);
    assert_eq!(pending[0]["attempts"], 0, "unreachable is not a refusal");
    let r = app
        .get(&format!("/routers/{router}/status"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["reachable"], false);
    assert!(
        r.json["data"]["error"]
            .as_str()
            .unwrap()
            .starts_with("refused"),
        "{}",
        r.text
    );
    assert_eq!(r.json["data"]["state"]["reachable"], false);
    assert_eq!(r.json["data"]["state"]["queue_depth"], 1);
    let r = app.get("/health/ready", &admin).await.expect(200);
    assert_eq!(r.json["status"], "degraded");
    assert_eq!(r.json["routers"][0]["reachable"], false);

    sim.set_down(false).await.unwrap();
    // Skip the reconnect backoff instead of sleeping through it.
    app.db()
        .write(|ex| {
            Box::pin(async move { ex.execute("UPDATE routers SET retry_at = NULL", &[]).await })
        })
        .await
        .unwrap();
    let s = drain(&app).await;
    assert_eq!((s.applied, s.failed), (1, 0));
    let all = sim.state().secrets();
    assert_eq!(all.len(), 1, "none lost, none duplicated: {all:?}");
    assert_eq!(all[0]["name"], "renamed");
    assert_eq!(
        all[0]["password"], "third-pw",
        "the database's state now is what the router gets"
    );
    let r = app
        .get(&format!("/routers/{router}/jobs?status=done"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"][0]["applied_version"], 4);
    let r = app
        .get(&format!("/routers/{router}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["state"]["reachable"], true);
    assert_eq!(r.json["data"]["state"]["queue_depth"], 0);
    let r = app
        .get(&format!("/routers/{router}/status"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["reachable"], true);
    assert_eq!(r.json["data"]["identity"], "core-1");
    assert!(r.json["data"]["version"].as_str().unwrap().starts_with('7'));
    let r = app.get("/health/ready", &admin).await.expect(200);
    assert_eq!(r.json["status"], "ok");
}

async fn reconcile_finds_and_repairs_drift(app: TestApp) {
    let sim = simulator().await;
    let admin = app.admin().await;
    let router = add_router(&app, &admin, &sim, "").await;
    for (name, ppp) in [
        ("Client One", "one"),
        ("Client Two", "two"),
        ("Client Three", "three"),
    ] {
        app.create_client(&admin, name, ppp).await;
    }
    drain(&app).await;
    let st = sim.state();
    st.run("/ppp/secret/remove", &[("numbers", "one")], &[])
        .unwrap();
    let two = st.secret("two").unwrap()[".id"].clone();
    st.run(
        "/ppp/secret/set",
        &[(".id", &two), ("password", "tampered"), ("disabled", "yes")],
        &[],
    )
    .unwrap();
    st.run(
        "/ppp/secret/add",
        &[
            ("name", "ghost"),
            ("password", "x"),
            ("comment", "mikronet:client:999"),
        ],
        &[],
    )
    .unwrap();
    st.add_secret("office-printer", "hand-made").unwrap();

    let r = app.reconcile(&admin, router).await;
    assert_eq!(r.json["data"]["missing"], serde_json::json!(["one"]));
    assert_eq!(r.json["data"]["extra"], serde_json::json!(["ghost"]));
    assert_eq!(
        r.json["data"]["wrong"],
        serde_json::json!([{"name": "two", "fields": ["password", "disabled"]}])
    );
    assert!(st.secret("one").is_none(), "a report changes nothing");

    app.call(
        Method::POST,
        &format!("/routers/{router}/reconcile?apply=true"),
        Some(&admin),
        None,
    )
    .await
    .expect(200);
    assert_eq!(
        field(&sim, "one", "password").as_deref(),
        Some("securepassword")
    );
    assert_eq!(
        field(&sim, "two", "password").as_deref(),
        Some("securepassword")
    );
    assert_eq!(field(&sim, "two", "disabled").as_deref(), Some("false"));
    assert!(st.secret("ghost").is_none());
    assert_eq!(
        field(&sim, "office-printer", "password").as_deref(),
        Some("hand-made"),
        "not ours: untouched"
    );
    let r = app.reconcile(&admin, router).await;
    assert_eq!(r.json["data"]["missing"], serde_json::json!([]));
    assert_eq!(r.json["data"]["wrong"], serde_json::json!([]));
    assert_eq!(r.json["data"]["extra"], serde_json::json!([]));
}

async fn isolation_mode_and_router_registry(app: TestApp) {
    let sim = simulator().await;
    let admin = app.admin().await;
    let r = app
        .post(
            "/routers",
            Some(&admin),
            r#"{"name":"bad","host":"no host!","transport":"ssh","suspend_mode":"isolate"}"#,
        )
        .await
        .expect(422);
    for f in [
        "host",
        "transport",
        "username",
        "password",
        "isolation_profile",
    ] {
        assert!(r.json["errors"][f].is_string(), "{f}: {}", r.text);
    }
    let router = add_router(
        &app,
        &admin,
        &sim,
        r#","suspend_mode":"isolate","isolation_profile":"isolir""#,
    )
    .await;
    // The walled garden is the operator's own profile on the router.
    sim.state()
        .run(
            "/ppp/profile/add",
            &[("name", "isolir"), ("rate-limit", "64k/64k")],
            &[],
        )
        .unwrap();
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    app.put(
        &format!("/subscriptions/{sub}"),
        &admin,
        r#"{"status":"suspended","reason":"test"}"#,
    )
    .await
    .expect(200);
    drain(&app).await;
    assert_eq!(field(&sim, "abc123", "profile").as_deref(), Some("isolir"));
    assert_eq!(field(&sim, "abc123", "disabled").as_deref(), Some("false"));
    // Router passwords never leave the server.
    for path in [
        "/routers".to_owned(),
        format!("/routers/{router}"),
        format!("/routers/{router}/jobs"),
    ] {
        let r = app.get(&path, &admin).await.expect(200);
        assert!(!r.text.contains(ROUTER_PASSWORD), "{path}");
        assert!(!r.text.contains("securepassword"), "{path}");
    }
    let operator = app.user(Some(&admin), "oper", "operator").await;
    app.get("/routers", &operator).await.expect(403);
    let r = app
        .delete(&format!("/routers/{router}"), &admin)
        .await
        .expect(409);
    assert!(r.json["errors"]["router_id"].is_string());
}

async fn manual_switch_holds_the_client_and_survives_a_router_outage(app: TestApp) {
    let sim = simulator().await;
    let admin = app.admin().await;
    add_router(&app, &admin, &sim, "").await;
    let worker = tokio::spawn(worker::run(app.app.clone()));
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    drain(&app).await;
    sim.state()
        .connect_session("abc123", "10.10.0.2", "AA:BB:CC:DD:EE:01");

    let r = app
        .get(
            &format!("/client/{client}/connection/disable?reason=abuse%20report"),
            &admin,
        )
        .await
        .expect(200);
    assert_eq!(
        r.json["message"],
        "PPP Secret 'abc123' disabled successfully."
    );
    assert_eq!(field(&sim, "abc123", "disabled").as_deref(), Some("true"));
    assert!(
        sim.state().active_sessions().is_empty(),
        "session ended at once"
    );

    // A paid invoice renews the subscription but does not lift the operator's hold.
    app.generate(&admin, "2024-01-27").await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.pay(
        &admin,
        invoice,
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-01-28"}"#,
    )
    .await
    .expect(201);
    drain(&app).await;
    assert_eq!(
        field(&sim, "abc123", "disabled").as_deref(),
        Some("true"),
        "still held"
    );

    let r = app
        .call(
            Method::POST,
            &format!("/client/{client}/connection/enable"),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        r.json["message"],
        "PPP Secret 'abc123' enabled successfully."
    );
    assert_eq!(field(&sim, "abc123", "disabled").as_deref(), Some("false"));

    // The router goes down: the answer is 202, and the change lands once it is back.
    sim.set_refuse_connections(true);
    sim.drop_connections();
    let r = app
        .get(&format!("/client/{client}/connection/disable"), &admin)
        .await
        .expect(202);
    assert_eq!(r.json["status"], "queued");
    assert_eq!(field(&sim, "abc123", "disabled").as_deref(), Some("false"));
    sim.set_refuse_connections(false);
    let mut landed = false;
    for _ in 0..100 {
        if field(&sim, "abc123", "disabled").as_deref() == Some("true") {
            landed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(landed, "the queued disconnect reached the router");
    worker.abort();

    app.get(&format!("/client/{client}/connection/reboot"), &admin)
        .await
        .expect(400);
    app.get("/client/99999/connection/disable", &admin)
        .await
        .expect(404);
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    app.get(&format!("/client/{client}/connection/enable"), &cashier)
        .await
        .expect(403);
    let r = app
        .get(&format!("/client/{client}/history"), &admin)
        .await
        .expect(200);
    let events: Vec<(String, String, Option<String>)> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["actor"].as_str().unwrap().into(),
                e["reason"].as_str().map(Into::into),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            (
                "connection_disabled".into(),
                "admin".into(),
                Some("abuse report".into())
            ),
            ("connection_enabled".into(), "admin".into(), None),
            ("connection_disabled".into(), "admin".into(), None),
        ]
    );
}

async fn the_rest_transport_provisions_too(app: TestApp) {
    let sim = simulator().await;
    let admin = app.admin().await;
    let body = format!(
        r#"{{"name":"core-rest","host":"127.0.0.1","port":{},"transport":"rest-http","username":"admin","password":"{ROUTER_PASSWORD}"}}"#,
        sim.rest_addr.port()
    );
    let router = app
        .post("/routers", Some(&admin), &body)
        .await
        .expect(201)
        .json["data"]["router_id"]
        .as_i64()
        .unwrap();
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    app.put(
        &format!("/client/update/{client}"),
        &admin,
        r#"{"password":"over-rest-1"}"#,
    )
    .await
    .expect(200);
    let s = drain(&app).await;
    assert_eq!(
        (s.applied, s.failed),
        (1, 0),
        "one object, written once with the latest password"
    );
    assert_eq!(
        field(&sim, "abc123", "password").as_deref(),
        Some("over-rest-1")
    );
    assert_eq!(sim.state().secrets().len(), 1);
    let r = app
        .get(&format!("/routers/{router}/status"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["identity"], "core-1");
    app.delete(&format!("/client/delete/{client}"), &admin)
        .await
        .expect(200);
    drain(&app).await;
    assert!(sim.state().secret("abc123").is_none());
}

backend_tests!(
    the_rest_transport_provisions_too,
    manual_switch_holds_the_client_and_survives_a_router_outage,
    the_client_lifecycle_reaches_the_router,
    a_router_that_is_down_gets_the_latest_state_later,
    reconcile_finds_and_repairs_drift,
    isolation_mode_and_router_registry,
);
