//! The HTTP API over every database backend: the original README's contract, auth, roles,
//! validation and errors.

mod common;

use axum::http::Method;
use common::{Resp, TestApp};
use mikronet::storage::repo::tokens;
use serde_json::json;

const SEED_CLIENT: &str = r#"{
  "name": "John Doe",
  "phone_number": "08123456789",
  "address": "Jl. Merdeka No.1",
  "ppp_secret_name": "abc123",
  "password": "securepassword"
}"#;

async fn the_readme_walkthrough(app: TestApp) {
    let r = app
        .post(
            "/auth/register",
            None,
            r#"{"username":"admin","password":"a long passphrase"}"#,
        )
        .await
        .expect(201);
    snapshot!("readme_registered", r.text, "created_at" => "*");
    let r = app
        .post(
            "/auth/login",
            None,
            r#"{"username":"admin","password":"a long passphrase"}"#,
        )
        .await
        .expect(200);
    snapshot!("readme_logged_in", r.text, "token" => "*", "expires_at" => "*");
    let token = r.json["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);

    let r = app
        .post("/client/register", Some(&token), SEED_CLIENT)
        .await
        .expect(201);
    snapshot!("readme_client_created", r.text);
    let r = app.get("/client/1", &token).await.expect(200);
    snapshot!("readme_client_retrieved", r.text);
    // The README's search response, with the id as a number (the README shows "1").
    let r = app
        .get("/client/search?query=john", &token)
        .await
        .expect(200);
    snapshot!("readme_client_search", r.text);
    let r = app
        .put(
            "/client/update/1",
            &token,
            r#"{"address":"Jl. Sudirman No.2","phone_number":"+628111111111"}"#,
        )
        .await
        .expect(200);
    snapshot!("readme_client_updated", r.text);
    let r = app.get("/client/1/details", &token).await.expect(200);
    snapshot!("readme_client_details", r.text);
    let r = app.delete("/client/delete/1", &token).await.expect(200);
    assert_eq!(
        r.text,
        r#"{"message":"Client with ID 1 deleted successfully"}"#
    );
    let r = app.get("/client/1", &token).await.expect(404);
    assert_eq!(r.json["error"], "not_found");
    app.delete("/client/delete/1", &token).await.expect(404);
    app.get("/client/1/details", &token).await.expect(404);
}

async fn every_client_route_needs_a_valid_token(app: TestApp) {
    let admin = app.admin().await;
    app.create_client(&admin, "John Doe", "abc123").await;
    let routes = [
        (Method::GET, "/client", None),
        (Method::GET, "/client/1", None),
        (Method::GET, "/client/search?query=john", None),
        (Method::GET, "/client/1/details", None),
        (Method::POST, "/client/register", Some(SEED_CLIENT)),
        (
            Method::PUT,
            "/client/update/1",
            Some(r#"{"name":"Jane Doe"}"#),
        ),
        (Method::DELETE, "/client/delete/1", None),
        (Method::POST, "/auth/logout", None),
        (Method::GET, "/users", None),
    ];
    let forged = "A".repeat(43);
    for (method, path, body) in &routes {
        let r = app
            .call(method.clone(), path, None, *body)
            .await
            .expect(401);
        assert_eq!(r.json["message"], "missing bearer token", "{path}");
        assert_eq!(r.header("www-authenticate"), "Bearer");
        let r = app
            .call(method.clone(), path, Some("not-a-token"), *body)
            .await
            .expect(401);
        assert_eq!(r.json["message"], "malformed bearer token", "{path}");
        let r = app
            .call(method.clone(), path, Some(&forged), *body)
            .await
            .expect(401);
        assert_eq!(r.json["message"], "unknown bearer token", "{path}");
    }
    // Basic auth is not a bearer token.
    let req = axum::http::Request::builder()
        .uri("/client")
        .header("authorization", "Basic YWRtaW46YWRtaW4=")
        .body(axum::body::Body::empty())
        .unwrap();
    app.send(req).await.expect(401);
    // Nothing changed on the way.
    let r = app.get("/client/1", &admin).await.expect(200);
    assert_eq!(r.json["data"]["name"], "John Doe");
}

async fn logout_revokes_at_once_and_expired_tokens_fail(app: TestApp) {
    let admin = app.admin().await;
    let second = app.login("admin").await;
    app.get("/client", &admin).await.expect(200);
    app.post("/auth/logout", Some(&admin), "{}")
        .await
        .expect(200);
    let r = app.get("/client", &admin).await.expect(401);
    assert_eq!(r.json["message"], "this token has been revoked");
    app.get("/client", &second).await.expect(200);

    let token = mikronet::security::token::generate();
    let digest = mikronet::security::token::digest(&token);
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    app.db()
        .write(move |ex| {
            Box::pin(async move {
                tokens::insert(
                    ex,
                    &digest,
                    mikronet::domain::ids::UserId(1),
                    past - chrono::Duration::hours(12),
                    past,
                )
                .await
            })
        })
        .await
        .unwrap();
    let r = app.get("/client", &token).await.expect(401);
    assert_eq!(r.json["message"], "this token has expired");
}

async fn registration_is_open_once_then_admin_only(app: TestApp) {
    // The first user is an admin even when asking for less.
    let r = app
        .post(
            "/auth/register",
            None,
            r#"{"username":"boss","password":"pw-boss-long","role":"cashier"}"#,
        )
        .await
        .expect(201);
    assert_eq!(r.json["data"]["role"], "admin");
    let admin = app.login("boss").await;
    let r = app
        .post(
            "/auth/register",
            None,
            r#"{"username":"mallory","password":"pw-mallory-long","role":"admin"}"#,
        )
        .await
        .expect(401);
    assert_eq!(
        r.json["message"],
        "registration is closed: an admin must create further users"
    );
    // Creating users is what this test is about: through the route, not the seeding shortcut.
    let operator = app.user_over_http(Some(&admin), "oper", "operator").await;
    let cashier = app.user_over_http(Some(&admin), "cash", "cashier").await;
    let r = app
        .post(
            "/auth/register",
            Some(&operator),
            r#"{"username":"x1","password":"pw-x1-long-enough"}"#,
        )
        .await
        .expect(403);
    assert_eq!(r.json["error"], "forbidden");
    app.get("/users", &operator).await.expect(403);
    let r = app.get("/users", &admin).await.expect(200);
    let names: Vec<_> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["username"].as_str().unwrap().to_owned(),
                u["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("boss".into(), "admin".into()),
            ("oper".into(), "operator".into()),
            ("cash".into(), "cashier".into())
        ]
    );
    // Operators manage clients; cashiers only read them.
    let id = app.create_client(&operator, "Jane Roe", "jane").await;
    app.post("/client/register", Some(&cashier), SEED_CLIENT)
        .await
        .expect(403);
    app.put(
        &format!("/client/update/{id}"),
        &cashier,
        r#"{"name":"Nope Nope"}"#,
    )
    .await
    .expect(403);
    app.delete(&format!("/client/delete/{id}"), &cashier)
        .await
        .expect(403);
    let r = app
        .get(&format!("/client/{id}"), &cashier)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["name"], "Jane Roe");
    // Duplicate user names are a conflict.
    let r = app
        .post(
            "/auth/register",
            Some(&admin),
            r#"{"username":"oper","password":"pw-op-long-again"}"#,
        )
        .await
        .expect(409);
    assert!(r.json["errors"]["username"].is_string());
    let r = app.get("/auth/me", &cashier).await.expect(200);
    assert_eq!(r.json["data"]["role"], "cashier");
}

async fn concurrent_first_registrations_make_one_admin(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..6 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let body = format!(r#"{{"username":"first{i}","password":"pw-first-long"}}"#);
            app.post("/auth/register", None, &body)
                .await
                .status
                .as_u16()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort_unstable();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 201 || *c == 401), "{codes:?}");
}

async fn duplicate_ppp_secret_name_is_a_conflict_and_changes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let a = app.create_client(&admin, "John Doe", "abc123").await;
    let b = app.create_client(&admin, "Jane Roe", "jane").await;
    let r = app
        .post("/client/register", Some(&admin), SEED_CLIENT)
        .await
        .expect(409);
    assert_eq!(r.json["error"], "conflict");
    assert_eq!(
        r.json["errors"]["ppp_secret_name"],
        "ppp_secret_name 'abc123' is already taken"
    );
    let r = app
        .put(
            &format!("/client/update/{b}"),
            &admin,
            r#"{"name":"Jane Changed","ppp_secret_name":"abc123"}"#,
        )
        .await
        .expect(409);
    assert!(r.json["errors"]["ppp_secret_name"].is_string());
    let r = app.get(&format!("/client/{b}"), &admin).await.expect(200);
    assert_eq!(
        r.json["data"]["name"], "Jane Roe",
        "a failed update changes nothing"
    );
    assert_eq!(r.json["data"]["ppp_secret_name"], "jane");
    // Names are case-sensitive, as on RouterOS.
    app.create_client(&admin, "Other Person", "ABC123").await;
    let r = app.get("/client", &admin).await.expect(200);
    assert_eq!(r.json["data"].as_array().unwrap().len(), 3);
    assert_eq!(r.json["data"][0]["client_id"], a);
}

async fn bad_input_gets_a_4xx_naming_the_field(app: TestApp) {
    let admin = app.admin().await;
    let r = app
        .post("/client/register", Some(&admin), "{}")
        .await
        .expect(422);
    assert_eq!(r.json["error"], "validation_failed");
    let fields: Vec<_> = r.json["errors"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        fields,
        [
            "address",
            "name",
            "password",
            "phone_number",
            "ppp_secret_name"
        ]
    );
    for (body, field) in [
        (r#"{"name":5}"#, "name"),
        (r#"{"name":"John Doe","phone":"0812"}"#, "phone"),
        (
            r#"{"name":"John Doe","phone_number":"0812-ABC","address":"Jl. Merdeka No.1","ppp_secret_name":"abc","password":"securepassword"}"#,
            "phone_number",
        ),
        (
            r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"two words","password":"securepassword"}"#,
            "ppp_secret_name",
        ),
        (
            r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl.","ppp_secret_name":"abc","password":"securepassword"}"#,
            "address",
        ),
        (
            r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"abc","password":"123"}"#,
            "password",
        ),
        (r#"{"name":["John"]}"#, "name"),
        (r#"[1,2,3]"#, "body"),
        (r#""just a string""#, "body"),
    ] {
        let r = app
            .post("/client/register", Some(&admin), body)
            .await
            .expect(422);
        assert!(r.json["errors"][field].is_string(), "{body} -> {}", r.text);
    }
    for body in [r#"{"name": "John"#, "not json", r#"{"name":"x"}{}"#, ""] {
        let r = app
            .post("/client/register", Some(&admin), body)
            .await
            .expect(400);
        assert_eq!(r.json["error"], "malformed_json", "{body}");
    }
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/client/register")
        .header("authorization", format!("Bearer {admin}"))
        .header("content-type", "text/plain")
        .body(axum::body::Body::from(SEED_CLIENT))
        .unwrap();
    app.send(req).await.expect(415);
    let huge = format!(r#"{{"name":"{}"}}"#, "x".repeat(200_000));
    let r = app
        .post("/client/register", Some(&admin), &huge)
        .await
        .expect(413);
    assert_eq!(r.json["error"], "payload_too_large");
    app.get("/client/abc", &admin).await.expect(400);
    app.get("/client/0", &admin).await.expect(400);
    app.get("/client/99999999999999999999", &admin)
        .await
        .expect(400);
    app.get("/nowhere", &admin).await.expect(404);
    app.call(Method::PATCH, "/client/1", Some(&admin), None)
        .await
        .expect(405);
    // Nothing was created by any of it.
    let r = app.get("/client", &admin).await.expect(200);
    assert_eq!(r.json["data"], json!([]));
}

async fn sql_looking_input_is_just_text(app: TestApp) {
    let admin = app.admin().await;
    let name = "Robert'); DROP TABLE clients;--";
    let body = json!({
        "name": name, "phone_number": "08123456789", "address": "1' OR '1'='1",
        "ppp_secret_name": "bobby%_!", "password": "x'--;DROP"
    });
    let r = app
        .post("/client/register", Some(&admin), &body.to_string())
        .await
        .expect(201);
    let id = r.json["data"]["client_id"].as_i64().unwrap();
    app.create_client(&admin, "Plain Person", "plain").await;
    let r = app.get(&format!("/client/{id}"), &admin).await.expect(200);
    assert_eq!(r.json["data"]["name"], name);
    assert_eq!(r.json["data"]["address"], "1' OR '1'='1");
    // LIKE wildcards in a search match themselves only.
    let r = app
        .get("/client/search?query=%25_", &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["data"][0]["client_id"], id);
    let r = app
        .get("/client/search?query=%27%20OR%20%271%27%3D%271", &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"], json!([]));
}

async fn search_and_pagination(app: TestApp) {
    let admin = app.admin().await;
    app.create_client(&admin, "John Doe", "abc123").await;
    app.create_client(&admin, "Johnny Walker", "walker").await;
    app.create_client(&admin, "Siti Aminah", "siti.JOHN").await;
    app.create_client(&admin, "Budi Santoso", "budi").await;
    app.create_client(&admin, "Agus Salim", "agus").await;
    let ids = |r: &Resp| -> Vec<i64> {
        r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["client_id"].as_i64().unwrap())
            .collect()
    };
    let r = app
        .get("/client/search?query=JOHN", &admin)
        .await
        .expect(200);
    assert_eq!(ids(&r), [1, 2, 3], "name and PPP name, any case");
    let r = app
        .get("/client/search?query=0812345", &admin)
        .await
        .expect(200);
    assert_eq!(ids(&r).len(), 5, "phone number");
    let r = app
        .get("/client/search?query=nobody", &admin)
        .await
        .expect(200);
    assert_eq!(
        r.json["message"],
        "No clients found matching your search criteria"
    );
    assert_eq!(r.json["data"], json!([]));
    for path in [
        "/client/search",
        "/client/search?query=",
        "/client/search?query=%20",
    ] {
        let r = app.get(path, &admin).await.expect(400);
        assert_eq!(r.json["errors"]["query"], "is required");
    }
    let r = app
        .get("/client?per_page=2&page=2", &admin)
        .await
        .expect(200);
    assert_eq!(ids(&r), [3, 4]);
    assert_eq!(r.header("x-total-count"), "5");
    assert_eq!(r.header("x-per-page"), "2");
    let r = app
        .get("/client?per_page=2&page=3", &admin)
        .await
        .expect(200);
    assert_eq!(ids(&r), [5]);
    let r = app
        .get("/client?per_page=2&page=9", &admin)
        .await
        .expect(200);
    assert_eq!(ids(&r), Vec::<i64>::new());
    let r = app
        .get("/client/search?query=john&per_page=1&page=2", &admin)
        .await
        .expect(200);
    assert_eq!(ids(&r), [2]);
    assert_eq!(r.header("x-total-count"), "3");
    for (q, field) in [
        ("per_page=0", "per_page"),
        ("per_page=1001", "per_page"),
        ("page=-1", "page"),
        ("page=two", "page"),
    ] {
        let r = app.get(&format!("/client?{q}"), &admin).await.expect(400);
        assert!(r.json["errors"][field].is_string(), "{q}");
    }
}

async fn failed_logins_are_throttled(app: TestApp) {
    app.admin().await;
    for _ in 0..5 {
        let r = app
            .post(
                "/auth/login",
                None,
                r#"{"username":"admin","password":"wrong-password"}"#,
            )
            .await
            .expect(401);
        assert_eq!(r.json["message"], "invalid username or password");
    }
    // Throttled now from this address, even with the right password (another address still
    // gets in: tests/security.rs).
    let r = app
        .post(
            "/auth/login",
            None,
            r#"{"username":"admin","password":"pw-admin-long"}"#,
        )
        .await
        .expect(429);
    let retry: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // An unknown user is refused like a wrong password.
    let r = app
        .post(
            "/auth/login",
            None,
            r#"{"username":"ghost","password":"whatever-long"}"#,
        )
        .await
        .expect(401);
    assert_eq!(r.json["message"], "invalid username or password");
    app.post("/auth/login", None, r#"{"username":"admin"}"#)
        .await
        .expect(422);
}

async fn passwords_never_leave_and_are_sealed_at_rest(app: TestApp) {
    let admin = app.admin().await;
    let r = app
        .post("/client/register", Some(&admin), SEED_CLIENT)
        .await
        .expect(201);
    assert!(!r.text.contains("securepassword"));
    app.put("/client/update/1", &admin, r#"{"password":"newsecret1"}"#)
        .await
        .expect(200);
    for path in [
        "/client",
        "/client/1",
        "/client/1/details",
        "/client/search?query=abc",
        "/users",
    ] {
        let r = app.get(path, &admin).await.expect(200);
        for secret in [
            "securepassword",
            "newsecret1",
            "password",
            "pw-admin-long",
            "argon2",
        ] {
            assert!(!r.text.contains(secret), "{path} shows {secret}");
        }
    }
    let sealed = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                ex.one::<mikronet::domain::validation::Sealed>(
                    "SELECT ppp_password_enc FROM clients WHERE id = ?",
                    mikronet::params![1i64],
                )
                .await
            })
        })
        .await
        .unwrap();
    assert!(!sealed.0.contains("newsecret1"));
    assert_eq!(app.app.secrets.open(&sealed).unwrap(), "newsecret1");
}

async fn health_docs_and_request_ids(app: TestApp) {
    let r = app
        .call(Method::GET, "/health", None, None)
        .await
        .expect(200);
    assert_eq!(r.json["status"], "ok");
    assert_eq!(r.json["backend"], app.backend.name());
    assert_eq!(
        r.header("x-request-id").len(),
        21,
        "{}",
        r.header("x-request-id")
    );
    let again = app.call(Method::GET, "/health", None, None).await;
    assert_ne!(r.header("x-request-id"), again.header("x-request-id"));
    let r = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .expect(200);
    for path in [
        "/auth/login",
        "/client/{id}/details",
        "/client/search",
        "/health",
    ] {
        assert!(
            r.json["paths"][path].is_object(),
            "{path} missing from the spec"
        );
    }
    assert!(r.json["components"]["securitySchemes"]["bearer"].is_object());
    let r = app.call(Method::GET, "/docs", None, None).await.expect(200);
    assert!(r.text.contains("/openapi.json"));
}

async fn migrations_are_idempotent(app: TestApp) {
    let again = mikronet::storage::migrations::run(app.db()).await.unwrap();
    assert_eq!(again, Vec::<i64>::new());
}

backend_tests!(
    the_readme_walkthrough,
    every_client_route_needs_a_valid_token,
    logout_revokes_at_once_and_expired_tokens_fail,
    registration_is_open_once_then_admin_only,
    concurrent_first_registrations_make_one_admin,
    duplicate_ppp_secret_name_is_a_conflict_and_changes_nothing,
    bad_input_gets_a_4xx_naming_the_field,
    sql_looking_input_is_just_text,
    search_and_pagination,
    failed_logins_are_throttled,
    passwords_never_leave_and_are_sealed_at_rest,
    health_docs_and_request_ids,
    migrations_are_idempotent,
);
