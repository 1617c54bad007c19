//! Property test: whatever bytes or JSON a client sends, the answer is a JSON 2xx or 4xx,
//! never a 5xx or a panic, and a refused request leaves the data as it was.

mod common;

use axum::http::Method;
use common::TestApp;
use proptest::prelude::*;
use serde_json::{Map, Value};

const FIELDS: &[&str] = &[
    "name",
    "phone_number",
    "address",
    "ppp_secret_name",
    "password",
    "username",
    "role",
    "query",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,80}".prop_map(Value::String),
        Just(Value::String("'; DROP TABLE clients; --".into())),
        Just(Value::String("08123456789".into())),
        Just(Value::String("x".repeat(300))),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(FIELDS).prop_map(str::to_owned),
                        "[a-z_]{1,12}"
                    ],
                    inner
                ),
                0..7
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
        json_value().prop_map(|v| {
            let mut s = v.to_string().into_bytes();
            s.truncate(s.len() / 2);
            s
        }),
    ]
}

fn route() -> impl Strategy<Value = (Method, &'static str)> {
    prop::sample::select(vec![
        (Method::POST, "/client/register"),
        (Method::PUT, "/client/update/1"),
        (Method::POST, "/auth/register"),
        (Method::POST, "/auth/login"),
    ])
}

#[test]
fn no_body_ever_gets_a_5xx() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, token) = rt.block_on(async {
        // A high throttle limit: this test sends many failed logins on purpose.
        let app = TestApp::with_config(mikronet::storage::Backend::Sqlite, |c| {
            c.login_free_attempts = 1_000_000;
            c.login_address_free_attempts = 1_000_000;
        })
        .await
        .unwrap();
        let token = app.admin().await;
        app.create_client(&token, "John Doe", "abc123").await;
        (app, token)
    });
    let config = ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |((method, path) in route(), bytes in body())| {
        // What the seed client was before: an update that succeeded earlier may have changed it.
        let before = rt.block_on(app.get("/client/1", &token)).json["data"].clone();
        let status = rt.block_on(async {
            let req = axum::http::Request::builder()
                .method(method)
                .uri(path)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(bytes.clone()))
                .unwrap();
            let r = app.send(req).await;
            prop_assert!(r.status.as_u16() < 500, "{} {} -> {}", path, String::from_utf8_lossy(&bytes), r.text);
            prop_assert!(!r.json.is_null(), "not JSON: {}", r.text);
            if r.status.as_u16() >= 400 {
                prop_assert_eq!(r.json["status"].as_u64(), Some(u64::from(r.status.as_u16())));
            }
            Ok(r.status.as_u16())
        })?;
        // A refused request leaves the seed client untouched.
        if status >= 400 {
            let r = rt.block_on(app.get("/client/1", &token));
            prop_assert_eq!(&r.json["data"], &before);
        }
    });
}
