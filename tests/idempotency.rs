//! `Idempotency-Key` on every route that creates (issue 10, item 11), on every backend: a
//! retried create answers the first answer byte for byte with `Idempotent-Replayed: true` and
//! creates nothing; the key with another body is 422; concurrent duplicates create once; a
//! failed create stores nothing, so its retry succeeds.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::{Resp, TestApp};

fn keyed(method: Method, path: &str, token: Option<&str>, key: &str, body: &str) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .header("idempotency-key", key);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.body(Body::from(body.to_owned())).unwrap()
}

async fn post_keyed(app: &TestApp, path: &str, token: &str, key: &str, body: &str) -> Resp {
    app.send(keyed(Method::POST, path, Some(token), key, body))
        .await
}

/// Sends `body` twice with one key, then a different body with the same key: the first
/// creates (201), the second replays it exactly, the third is refused naming the header.
async fn replays(app: &TestApp, token: &str, path: &str, body: &str, other: &str) -> Resp {
    let key = format!("k-{path}");
    let first = post_keyed(app, path, token, &key, body).await.expect(201);
    assert_eq!(first.header("idempotent-replayed"), "", "{path}");
    let again = post_keyed(app, path, token, &key, body).await.expect(201);
    assert_eq!(again.header("idempotent-replayed"), "true", "{path}");
    assert_eq!(
        again.text, first.text,
        "{path}: the replay is byte for byte"
    );
    assert_eq!(
        again.header("content-type"),
        first.header("content-type"),
        "{path}"
    );
    let r = post_keyed(app, path, token, &key, other).await.expect(422);
    assert!(
        r.json["errors"]["Idempotency-Key"].is_string(),
        "{path}: {}",
        r.text
    );
    first
}

fn total(r: &Resp) -> usize {
    r.json["data"].as_array().map_or(0, Vec::len)
}

async fn every_create_replays_its_first_answer(app: TestApp) {
    let admin = app.admin().await;
    // Users.
    let u = |name: &str| {
        format!(r#"{{"username":"{name}","password":"pw-{name}-long","role":"operator"}}"#)
    };
    replays(&app, &admin, "/auth/register", &u("opa"), &u("opb")).await;
    // Clients, both paths.
    let c = |name: &str, ppp: &str| {
        format!(
            r#"{{"name":"{name}","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"{ppp}","password":"securepassword"}}"#
        )
    };
    let first = replays(
        &app,
        &admin,
        "/client/register",
        &c("John Doe", "jd1"),
        &c("John Roe", "jd2"),
    )
    .await;
    let client = first.json["data"]["client_id"].as_i64().unwrap();
    replays(
        &app,
        &admin,
        "/client",
        &c("Jane Doe", "jd3"),
        &c("Jane Roe", "jd4"),
    )
    .await;
    // Plans, both paths.
    let p = |name: &str| {
        format!(r#"{{"plan_name":"{name}","price":100000,"ppp_profile_name":"{name}-p"}}"#)
    };
    let first = replays(&app, &admin, "/plans", &p("Home"), &p("Office")).await;
    let plan = first.json["data"]["plan_id"].as_i64().unwrap();
    replays(&app, &admin, "/plan", &p("Shop"), &p("Cafe")).await;
    // Subscriptions, three paths.
    let s = |start: &str| {
        format!(
            r#"{{"client_id":{client},"plan_id":{plan},"start_date":"{start}","end_date":"2024-01-31"}}"#
        )
    };
    let first = replays(
        &app,
        &admin,
        "/subscriptions",
        &s("2024-01-01"),
        &s("2024-01-02"),
    )
    .await;
    let sub = first.json["data"]["subscription_id"].as_i64().unwrap();
    replays(
        &app,
        &admin,
        "/subscription",
        &s("2024-01-03"),
        &s("2024-01-04"),
    )
    .await;
    let cs = |start: &str| {
        format!(r#"{{"plan_id":{plan},"start_date":"{start}","end_date":"2024-01-31"}}"#)
    };
    replays(
        &app,
        &admin,
        &format!("/client/{client}/subscriptions"),
        &cs("2024-01-05"),
        &cs("2024-01-06"),
    )
    .await;
    // Routers.
    let r = |name: &str| {
        format!(
            r#"{{"name":"{name}","host":"127.0.0.1","port":1,"username":"admin","password":"Router-Pa55"}}"#
        )
    };
    replays(&app, &admin, "/routers", &r("core"), &r("edge")).await;
    // An invoice by hand (original), then its payments by both paths.
    let i = |total: &str| {
        format!(r#"{{"subscription_id":{sub},"invoice_date":"2024-01-25","total_amount":{total}}}"#)
    };
    let first = replays(&app, &admin, "/invoice", &i("100000"), &i("90000")).await;
    let invoice = first.json["data"]["invoice_id"].as_i64().unwrap();
    let pay = |amount: &str| {
        format!(r#"{{"amount":{amount},"payment_method":"cash","payment_date":"2024-01-26"}}"#)
    };
    replays(
        &app,
        &admin,
        &format!("/invoices/{invoice}/payments"),
        &pay("10000"),
        &pay("10001"),
    )
    .await;
    let pay2 = |amount: &str| {
        format!(
            r#"{{"invoice_id":{invoice},"amount":{amount},"payment_method":"cash","payment_date":"2024-01-26"}}"#
        )
    };
    replays(&app, &admin, "/payments", &pay2("20000"), &pay2("20001")).await;

    // Nothing was created twice.
    assert_eq!(total(&app.get("/users", &admin).await.expect(200)), 2);
    assert_eq!(total(&app.get("/client", &admin).await.expect(200)), 2);
    assert_eq!(total(&app.get("/plans", &admin).await.expect(200)), 2);
    assert_eq!(
        total(&app.get("/subscriptions", &admin).await.expect(200)),
        3
    );
    assert_eq!(total(&app.get("/routers", &admin).await.expect(200)), 1);
    let r = app
        .get(&format!("/invoices/{invoice}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["payments"].as_array().unwrap().len(), 2);
    assert_eq!(r.json["data"]["paid_amount"].to_string(), "30000.00");
}

async fn keys_belong_to_a_user_and_a_route(app: TestApp) {
    let admin = app.admin().await;
    let other = app.user(Some(&admin), "oper", "operator").await;
    let c = |ppp: &str| {
        format!(
            r#"{{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"{ppp}","password":"securepassword"}}"#
        )
    };
    post_keyed(&app, "/client/register", &admin, "same", &c("a1"))
        .await
        .expect(201);
    // Another user's key of the same name is theirs.
    let r = post_keyed(&app, "/client/register", &other, "same", &c("a2"))
        .await
        .expect(201);
    assert_eq!(r.header("idempotent-replayed"), "");
    // The same key on another route is another key.
    let r = post_keyed(&app, "/client", &admin, "same", &c("a3"))
        .await
        .expect(201);
    assert_eq!(r.header("idempotent-replayed"), "");
    assert_eq!(total(&app.get("/client", &admin).await.expect(200)), 3);
    // A key that is not 1 to 128 printable ASCII characters is refused, naming the header.
    for bad in ["with space", &"x".repeat(129)] {
        let r = post_keyed(&app, "/client/register", &admin, bad, &c("a4"))
            .await
            .expect(400);
        assert!(
            r.json["errors"]["Idempotency-Key"].is_string(),
            "{}",
            r.text
        );
    }
    // Without a key nothing is kept: the same body twice is a conflict on the name.
    app.post("/client/register", Some(&admin), &c("a5"))
        .await
        .expect(201);
    app.post("/client/register", Some(&admin), &c("a5"))
        .await
        .expect(409);
}

async fn concurrent_duplicates_create_once(app: TestApp) {
    let admin = app.admin().await;
    let body = r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"race1","password":"securepassword"}"#;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let req = keyed(
            Method::POST,
            "/client/register",
            Some(&admin),
            "race-key",
            body,
        );
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let res = router.oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let replayed = res.headers().contains_key("idempotent-replayed");
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            (status, replayed, String::from_utf8(bytes.to_vec()).unwrap())
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert!(answers.iter().all(|(s, _, _)| *s == 201), "{answers:?}");
    assert_eq!(
        answers.iter().filter(|(_, r, _)| !r).count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|(_, _, t)| *t == answers[0].2),
        "{answers:?}"
    );
    assert_eq!(total(&app.get("/client", &admin).await.expect(200)), 1);

    // Payments too: one payment, however many retries at once.
    let client = app.create_client(&admin, "Jane Doe", "race2").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    app.generate(&admin, "2024-01-28").await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    let path = format!("/invoices/{invoice}/payments");
    let pay = r#"{"amount":40000,"payment_method":"cash","payment_date":"2024-01-29"}"#;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let req = keyed(Method::POST, &path, Some(&admin), "pay-race", pay);
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            router.oneshot(req).await.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let r = app
        .get(&format!("/invoices/{invoice}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["payments"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["data"]["paid_amount"].to_string(), "40000.00");
}

async fn a_failed_create_stores_nothing_and_its_retry_succeeds(app: TestApp) {
    let admin = app.admin().await;
    let blocker = app.create_client(&admin, "Old Client", "taken1").await;
    let body = r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"taken1","password":"securepassword"}"#;
    // Fails inside the transaction (the name is taken): the key's claim is rolled back.
    post_keyed(&app, "/client/register", &admin, "retry-1", body)
        .await
        .expect(409);
    post_keyed(&app, "/client/register", &admin, "retry-1", body)
        .await
        .expect(409);
    // Fails validation, before the transaction.
    post_keyed(
        &app,
        "/client/register",
        &admin,
        "retry-1",
        r#"{"name":"x"}"#,
    )
    .await
    .expect(422);
    app.delete(&format!("/client/delete/{blocker}"), &admin)
        .await
        .expect(200);
    let r = post_keyed(&app, "/client/register", &admin, "retry-1", body)
        .await
        .expect(201);
    assert_eq!(r.header("idempotent-replayed"), "");
    let again = post_keyed(&app, "/client/register", &admin, "retry-1", body)
        .await
        .expect(201);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.text, r.text);
    assert_eq!(total(&app.get("/client", &admin).await.expect(200)), 1);
}

async fn keys_expire_after_a_day(app: TestApp) {
    let admin = app.admin().await;
    let c = |ppp: &str| {
        format!(
            r#"{{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"{ppp}","password":"securepassword"}}"#
        )
    };
    post_keyed(&app, "/client/register", &admin, "old", &c("e1"))
        .await
        .expect(201);
    post_keyed(&app, "/client/register", &admin, "gone", &c("e2"))
        .await
        .expect(201);
    let old = chrono::Utc::now() - chrono::Duration::hours(25);
    app.execute(
        "UPDATE idempotency_keys SET created_at = ?",
        mikronet::params![old].to_vec(),
    )
    .await;
    // An expired key is a new key: another body creates.
    let r = post_keyed(&app, "/client/register", &admin, "old", &c("e3"))
        .await
        .expect(201);
    assert_eq!(r.header("idempotent-replayed"), "");
    // The scheduler's purge forgets the other.
    let purged = mikronet::service::idempotency::purge(&app.app)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let left: i64 = app
        .db()
        .read(|ex| {
            Box::pin(async move { ex.one("SELECT COUNT(*) FROM idempotency_keys", &[]).await })
        })
        .await
        .unwrap();
    assert_eq!(left, 1);
}

async fn the_first_registration_replays_without_a_token(app: TestApp) {
    let body = r#"{"username":"admin","password":"pw-admin-long"}"#;
    let first = app
        .send(keyed(Method::POST, "/auth/register", None, "boot", body))
        .await
        .expect(201);
    let again = app
        .send(keyed(Method::POST, "/auth/register", None, "boot", body))
        .await
        .expect(201);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(again.text, first.text);
    // Registration is closed for anything else.
    app.send(keyed(Method::POST, "/auth/register", None, "boot2", body))
        .await
        .expect(401);
}

async fn the_spec_documents_the_header_on_every_create(app: TestApp) {
    let r = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .expect(200);
    let creates = [
        "/auth/register",
        "/client/register",
        "/client",
        "/client/{id}/subscriptions",
        "/plans",
        "/plan",
        "/subscriptions",
        "/subscription",
        "/routers",
        "/invoice",
        "/invoices/{id}/payments",
        "/payments",
    ];
    for path in creates {
        let op = &r.json["paths"][path]["post"];
        let params = op["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}"));
        assert!(
            params
                .iter()
                .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
            "{path}: {params:?}"
        );
        assert!(
            op["responses"]["201"]["headers"]["Idempotent-Replayed"].is_object(),
            "{path}"
        );
        assert!(op["responses"]["422"].is_object(), "{path}");
    }
}

backend_tests!(
    every_create_replays_its_first_answer,
    keys_belong_to_a_user_and_a_route,
    concurrent_duplicates_create_once,
    a_failed_create_stores_nothing_and_its_retry_succeeds,
    keys_expire_after_a_day,
    the_first_registration_replays_without_a_token,
    the_spec_documents_the_header_on_every_create,
);
