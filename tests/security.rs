//! Login abuse, client addresses behind proxies, user management and the headers every
//! answer carries, over every database backend.

mod common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::TestApp;
use mikronet::config::Config;
use mikronet::storage::Backend;

/// Fires `n` logins at once from `peer`; returns how many got each status.
async fn burst(app: &Arc<TestApp>, n: usize, peer: &str, user: &str, pw: &str) -> Vec<u16> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (app, peer, user, pw) = (app.clone(), peer.to_owned(), user.to_owned(), pw.to_owned());
        tasks.push(tokio::spawn(async move {
            app.login_from(&peer, &user, &pw).await.status.as_u16()
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn count(statuses: &[u16], s: u16) -> usize {
    statuses.iter().filter(|x| **x == s).count()
}

async fn concurrent_failed_logins_are_counted_before_verifying(app: TestApp) {
    app.admin().await;
    let app = Arc::new(app);
    let got = burst(&app, 100, "203.0.113.5:4000", "admin", "wrong-password").await;
    // Five free attempts for (admin, this address): at most five passwords were checked. The
    // rest wait (429), or find every password-check slot taken (503) when a loaded machine
    // stretches the burst past the first delay; none is checked.
    assert!(count(&got, 401) <= 5, "{got:?}");
    assert!(count(&got, 429) + count(&got, 503) >= 95, "{got:?}");
    assert_eq!(count(&got, 401) + count(&got, 429) + count(&got, 503), 100);
}

async fn a_guesser_elsewhere_cannot_lock_the_admin_out(app: TestApp) {
    app.admin().await;
    let guesser = "198.51.100.7:5000";
    for _ in 0..5 {
        app.login_from(guesser, "admin", "wrong-password")
            .await
            .expect(401);
    }
    app.login_from(guesser, "admin", "pw-admin-long")
        .await
        .expect(429);
    // The right password from another address works at once.
    let r = app
        .login_from("192.0.2.10:6000", "admin", "pw-admin-long")
        .await
        .expect(200);
    assert!(r.json["token"].is_string());
    // User names are case-sensitive: "Admin" is another (unknown) user, not throttled yet.
    let r = app
        .login_from(guesser, "Admin", "wrong-password")
        .await
        .expect(401);
    assert_eq!(r.json["message"], "invalid username or password");
    // IPv6: one /64 is one address.
    for i in 0..5 {
        app.login_from(
            &format!("[2001:db8:7:7::{i}]:80"),
            "admin",
            "nope-nope-nope",
        )
        .await
        .expect(401);
    }
    app.login_from("[2001:db8:7:7::ff]:80", "admin", "pw-admin-long")
        .await
        .expect(429);
}

async fn an_address_guessing_many_names_is_slowed(app: TestApp) {
    app.admin().await;
    let peer = "198.51.100.8:5000";
    for i in 0..30 {
        app.login_from(peer, &format!("user{i}"), "wrong-password")
            .await
            .expect(401);
    }
    app.login_from(peer, "user-new", "wrong-password")
        .await
        .expect(429);
    // Another address is not affected.
    app.login_from("198.51.100.9:5000", "admin", "pw-admin-long")
        .await
        .expect(200);
}

async fn forwarded_for_takes_the_right_most_untrusted_entry(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c: &mut Config| {
        c.trust_forwarded_for = true;
        c.trusted_proxies = vec!["10.0.0.0/8".into()];
    })
    .await
    else {
        return;
    };
    app.admin().await;
    let login = |peer: &'static str, xff: String, pw: &'static str| {
        let app = &app;
        async move {
            let body = format!(r#"{{"username":"admin","password":"{pw}"}}"#);
            let headers = [("x-forwarded-for", xff.as_str())];
            app.call_from(
                peer,
                Method::POST,
                "/auth/login",
                None,
                Some(&body),
                &headers,
            )
            .await
        }
    };
    let proxy = "10.0.0.2:3000";
    // The client forges a different first entry each time; the proxy appends what it saw.
    for i in 0..5 {
        login(proxy, format!("6.6.6.{i}, 203.0.113.9"), "wrong-password")
            .await
            .expect(401);
    }
    login(proxy, "7.7.7.7, 203.0.113.9".into(), "wrong-password")
        .await
        .expect(429);
    // Another client behind the same proxy logs in.
    login(proxy, "203.0.113.10".into(), "pw-admin-long")
        .await
        .expect(200);
    // A peer that is no trusted proxy is the client, whatever its header says.
    login("198.51.100.20:3000", "203.0.113.9".into(), "pw-admin-long")
        .await
        .expect(200);
}

async fn users_are_managed_and_changes_take_effect_at_once(app: TestApp) {
    let admin = app.admin().await;
    let op = app.user(Some(&admin), "op1", "operator").await;
    app.get("/client", &op).await.expect(200); // cached now
    let r = app.get("/users/2", &admin).await.expect(200);
    assert_eq!(r.json["data"]["role"], "operator");
    assert_eq!(r.json["data"]["disabled"], false);
    app.get("/users/1", &op).await.expect(403);
    app.get("/users/99", &admin).await.expect(404);

    // A role change applies to the cached token at once.
    let r = app
        .put("/users/2", &admin, r#"{"role":"cashier"}"#)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["role"], "cashier");
    let client = r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"abc123","password":"securepassword"}"#;
    app.post("/client/register", Some(&op), client)
        .await
        .expect(403);

    // Disabled: the token stops working and no login succeeds.
    app.put("/users/2", &admin, r#"{"disabled":true}"#)
        .await
        .expect(200);
    app.get("/client", &op).await.expect(401);
    let r = app
        .login_from("192.0.2.1:1", "op1", "pw-op1-long")
        .await
        .expect(401);
    assert_eq!(r.json["message"], "this user is disabled");

    // Enabled again with a new password: the old one no longer works.
    app.put(
        "/users/2",
        &admin,
        r#"{"disabled":false,"password":"a-new-password-1"}"#,
    )
    .await
    .expect(200);
    app.login_from("192.0.2.1:1", "op1", "pw-op1-long")
        .await
        .expect(401);
    let r = app
        .login_from("192.0.2.1:1", "op1", "a-new-password-1")
        .await
        .expect(200);
    let op = r.json["token"].as_str().unwrap().to_owned();
    app.get("/client", &op).await.expect(200);
    let r = app
        .post("/users/2/revoke-tokens", Some(&admin), "{}")
        .await
        .expect(200);
    assert_eq!(r.json["data"]["revoked"], 1);
    let r = app.get("/client", &op).await.expect(401);
    assert_eq!(r.json["message"], "this token has been revoked");

    // The name cannot change; nor can a field be unknown.
    let r = app
        .put("/users/2", &admin, r#"{"username":"op2"}"#)
        .await
        .expect(422);
    assert!(r.json["errors"]["username"].is_string());

    // Deleted: gone from the listings, the name stays taken.
    app.delete("/users/2", &admin).await.expect(200);
    app.get("/users/2", &admin).await.expect(404);
    let r = app.get("/users", &admin).await.expect(200);
    assert_eq!(r.json["data"].as_array().unwrap().len(), 1);
    app.post(
        "/auth/register",
        Some(&admin),
        r#"{"username":"op1","password":"pw-op1-long-2"}"#,
    )
    .await
    .expect(409);
    app.login_from("192.0.2.1:1", "op1", "a-new-password-1")
        .await
        .expect(401);
}

async fn the_last_admin_stays(app: TestApp) {
    let admin = app.admin().await;
    for body in [r#"{"role":"operator"}"#, r#"{"disabled":true}"#] {
        let r = app.put("/users/1", &admin, body).await.expect(409);
        assert!(r.json["message"].as_str().unwrap().contains("last admin"));
    }
    app.delete("/users/1", &admin).await.expect(409);
    let second = app.user(Some(&admin), "boss2", "admin").await;
    let app = Arc::new(app);
    // Two admins demoting each other at once, several times: exactly one succeeds each time.
    for _ in 0..5 {
        let (a, b) = (app.clone(), app.clone());
        let (t1, t2) = (admin.clone(), second.clone());
        let x = tokio::spawn(async move { a.put("/users/2", &t1, r#"{"role":"operator"}"#).await });
        let y = tokio::spawn(async move { b.put("/users/1", &t2, r#"{"role":"operator"}"#).await });
        let (x, y) = (x.await.unwrap(), y.await.unwrap());
        let mut got = [x.status.as_u16(), y.status.as_u16()];
        got.sort();
        // The loser is refused as the last admin (409) or, when it acted after being demoted
        // itself, as no longer an admin (403); never a deadlock (503).
        assert!(
            got == [200, 409] || got == [200, 403],
            "{got:?}: {} / {}",
            x.text,
            y.text
        );
        let (winner, loser) = if x.status == StatusCode::OK {
            (&admin, 2)
        } else {
            (&second, 1)
        };
        let r = app.get("/users", winner).await.expect(200);
        let admins = r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["role"] == "admin")
            .count();
        assert_eq!(admins, 1);
        app.put(&format!("/users/{loser}"), winner, r#"{"role":"admin"}"#)
            .await
            .expect(200);
    }
}

async fn own_password_change_revokes_the_other_tokens(app: TestApp) {
    let admin = app.admin().await;
    let other = app.login("admin").await;
    let r = app
        .post(
            "/auth/password",
            Some(&admin),
            r#"{"current_password":"not-it-at-all","new_password":"a-brand-new-one"}"#,
        )
        .await
        .expect(422);
    assert!(r.json["errors"]["current_password"].is_string());
    app.post(
        "/auth/password",
        Some(&admin),
        r#"{"current_password":"pw-admin-long","new_password":"short"}"#,
    )
    .await
    .expect(422);
    app.post(
        "/auth/password",
        Some(&admin),
        r#"{"current_password":"pw-admin-long","new_password":"a-brand-new-one"}"#,
    )
    .await
    .expect(200);
    app.get("/users", &admin).await.expect(200);
    app.get("/users", &other).await.expect(401);
    app.login_from("192.0.2.2:1", "admin", "a-brand-new-one")
        .await
        .expect(200);
    app.login_from("192.0.2.3:1", "admin", "pw-admin-long")
        .await
        .expect(401);
}

/// Another server on the same database honours a change within `token_cache_seconds`.
async fn other_servers_honour_changes_within_the_cache_time(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c: &mut Config| c.token_cache_seconds = 1).await
    else {
        return;
    };
    let admin = app.admin().await;
    let op = app.user(Some(&admin), "op1", "operator").await;
    let db = mikronet::storage::Db::connect(&app.app.config.database_url, 2)
        .await
        .unwrap();
    let secrets = mikronet::security::secret_box::SecretBox::from_base64(common::KEY).unwrap();
    let other = Arc::new(mikronet::app::App::new(app.app.config.clone(), db, secrets));
    let other_router = mikronet::http::router(other);
    let get = |token: String| {
        let r = other_router.clone();
        async move {
            use tower::ServiceExt;
            let req = axum::http::Request::builder()
                .uri("/client")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
            r.oneshot(req).await.unwrap().status()
        }
    };
    assert_eq!(get(op.clone()).await, StatusCode::OK);
    app.put("/users/2", &admin, r#"{"disabled":true}"#)
        .await
        .expect(200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(get(op).await, StatusCode::UNAUTHORIZED);
}

async fn answers_carry_security_headers(app: TestApp) {
    let r = app
        .call(Method::GET, "/health", None, None)
        .await
        .expect(200);
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert!(r.json.get("version").is_none(), "version shown: {}", r.text);
    assert!(
        r.header("content-security-policy")
            .starts_with("default-src 'none'")
    );
    let r = app
        .post(
            "/auth/register",
            None,
            r#"{"username":"admin","password":"pw-admin-long"}"#,
        )
        .await
        .expect(201);
    assert_eq!(r.header("cache-control"), "no-store");
    let r = app
        .login_from("192.0.2.9:1", "admin", "pw-admin-long")
        .await
        .expect(200);
    assert_eq!(r.header("cache-control"), "no-store");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    let token = r.json["token"].as_str().unwrap().to_owned();
    let r = app.get("/client", &token).await.expect(200);
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    let r = app.get("/nowhere", &token).await.expect(404);
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    let r = app.call(Method::GET, "/docs", None, None).await.expect(200);
    let csp = r.header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("'unsafe-inline'; style-src"),
        "no inline scripts: {csp}"
    );
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(!csp.contains("http"), "no remote origin: {csp}");
}

async fn health_shows_the_version_when_configured(backend: Backend) {
    let Some(app) =
        TestApp::with_config(backend, |c: &mut Config| c.health_shows_version = true).await
    else {
        return;
    };
    let r = app
        .call(Method::GET, "/health", None, None)
        .await
        .expect(200);
    assert_eq!(r.json["version"], env!("CARGO_PKG_VERSION"));
}

async fn billing_runs_over_http_take_dates_near_today(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c: &mut Config| {
        c.billing_date_window_days = 31;
        c.billing_scheduler = false;
    })
    .await
    else {
        return;
    };
    let admin = app.admin().await;
    let op = app.user(Some(&admin), "op1", "operator").await;
    let post = |path: String, token: String| {
        let app = &app;
        async move { app.call(Method::POST, &path, Some(&token), None).await }
    };
    for path in [
        "/billing/run?date=2099-02-01",
        "/invoices/generate?date=2099-02-01",
        "/invoice/auto?date=2099-02-01",
    ] {
        let r = post(path.into(), op.clone()).await.expect(400);
        let msg = r.json["errors"]["date"].as_str().unwrap();
        assert!(msg.starts_with("must be within 31 days of today"), "{msg}");
        post(format!("{path}&force=true"), op.clone())
            .await
            .expect(403);
    }
    // A dry run saves nothing and may look anywhere.
    post(
        "/invoices/generate?date=2099-02-01&dry_run=true".into(),
        op.clone(),
    )
    .await
    .expect(200);
    // Today, by the operator; far away, by the admin with force.
    post("/billing/run".into(), op.clone()).await.expect(200);
    post(
        "/billing/run?date=2099-02-01&force=true".into(),
        admin.clone(),
    )
    .await
    .expect(200);
    let r = app.get("/billing/runs", &op).await.expect(200);
    let runs: Vec<_> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["started_by"].as_str().unwrap().to_owned(),
                r["date"].as_str().unwrap().to_owned(),
                r["forced"].as_bool().unwrap(),
            )
        })
        .collect();
    let today = app.app.today().to_string();
    let own = |k: &str, by: &str, d: &str, f| (k.to_owned(), by.to_owned(), d.to_owned(), f);
    assert_eq!(
        runs,
        [
            own("cut_off", "admin", "2099-02-01", true),
            own("generation", "admin", "2099-02-01", true),
            own("cut_off", "op1", &today, false),
            own("generation", "op1", &today, false),
        ]
    );
    let cashier = app.user(Some(&admin), "cash1", "cashier").await;
    app.get("/billing/runs", &cashier).await.expect(403);
}

/// The daily run in `serve` is recorded as `system:scheduler`.
async fn the_scheduler_records_itself(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c: &mut Config| {
        c.billing_time = "00:00".into();
    })
    .await
    else {
        return;
    };
    let admin = app.admin().await;
    let task = tokio::spawn(mikronet::service::billing::scheduler(app.app.clone()));
    let mut runs = serde_json::Value::Null;
    for _ in 0..100 {
        runs = app.get("/billing/runs", &admin).await.expect(200).json["data"].clone();
        if runs.as_array().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    task.abort();
    let by: Vec<_> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["started_by"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(by, ["system:scheduler", "system:scheduler"]);
}

/// A database that refuses writes: the change is a 503 saying so, and `/health` reports it.
async fn a_read_only_database_is_reported(backend: Backend) {
    let Some(app) =
        TestApp::with_config(backend, |c: &mut Config| c.database_max_connections = 1).await
    else {
        return;
    };
    let admin = app.admin().await;
    app.call(Method::GET, "/health", None, None)
        .await
        .expect(200);
    // The pool's one connection becomes read-only.
    let sql = match backend {
        Backend::Sqlite => "PRAGMA query_only = ON",
        Backend::MySql => "SET SESSION TRANSACTION READ ONLY",
        Backend::Postgres => "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    };
    app.db()
        .write(move |ex| Box::pin(async move { ex.batch(sql).await }))
        .await
        .unwrap();
    let client = r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"abc123","password":"securepassword"}"#;
    let r = app
        .post("/client/register", Some(&admin), client)
        .await
        .expect(503);
    assert_eq!(r.json["error"], "database_read_only");
    let r = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json["database"], "read_only", "{}", r.text);
    // Reads still work.
    app.get("/client", &admin).await.expect(200);
}

/// No space left: the change is a 507 saying so, and `/health` reports it. SQLite's page
/// limit stands in for a full disk (the same SQLITE_FULL error).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_database_is_reported() {
    let app = TestApp::with_config(Backend::Sqlite, |c: &mut Config| {
        c.database_max_connections = 1;
    })
    .await
    .unwrap();
    let admin = app.admin().await;
    let pages: i64 = app
        .db()
        .read(|ex| Box::pin(async move { ex.one::<i64>("PRAGMA page_count", &[]).await }))
        .await
        .unwrap();
    app.db()
        .write(move |ex| {
            Box::pin(async move { ex.batch(&format!("PRAGMA max_page_count = {pages}")).await })
        })
        .await
        .unwrap();
    let mut full = None;
    for i in 0..500 {
        let body = format!(
            r#"{{"name":"Client {i}","phone_number":"08123456789","address":"Jl. Merdeka No.{i}","ppp_secret_name":"ppp{i}","password":"securepassword"}}"#
        );
        let r = app.post("/client/register", Some(&admin), &body).await;
        if r.status != StatusCode::CREATED {
            full = Some(r);
            break;
        }
    }
    let r = full.expect("the database never filled up").expect(507);
    assert_eq!(r.json["error"], "insufficient_storage");
    let r = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json["database"], "full", "{}", r.text);
    assert_eq!(r.json["status"], "unavailable");
}

backend_tests!(
    concurrent_failed_logins_are_counted_before_verifying,
    a_guesser_elsewhere_cannot_lock_the_admin_out,
    an_address_guessing_many_names_is_slowed,
    users_are_managed_and_changes_take_effect_at_once,
    the_last_admin_stays,
    own_password_change_revokes_the_other_tokens,
    answers_carry_security_headers,
);

per_backend!(
    forwarded_for_takes_the_right_most_untrusted_entry,
    other_servers_honour_changes_within_the_cache_time,
    health_shows_the_version_when_configured,
    billing_runs_over_http_take_dates_near_today,
    the_scheduler_records_itself,
    a_read_only_database_is_reported,
);
