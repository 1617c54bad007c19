//! A test server per backend: the real router over a fresh, empty database.
//!
//! SQLite always runs. MariaDB and PostgreSQL run against `MIKRONET_TEST_MYSQL_URL` and
//! `MIKRONET_TEST_POSTGRES_URL` (defaults: the local servers, `…/test`); each test gets its own
//! database, dropped afterwards. Set a URL to `off` to skip that backend. A server that cannot
//! be reached is skipped with a notice, except under CI (`CI` set), where it fails the test.

#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::security::secret_box::SecretBox;
use mikronet::storage::{Backend, Db, migrations};
use serde_json::Value;
use sqlx_core::connection::Connection;
use sqlx_core::executor::Executor;
use sqlx_core::sql_str::AssertSqlSafe;
use tower::ServiceExt;

pub const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

pub struct TestApp {
    pub router: Router,
    pub app: Arc<App>,
    pub backend: Backend,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    File(std::path::PathBuf),
    Server { admin_url: String, database: String },
}

fn server_url(backend: Backend) -> Option<String> {
    let (var, default) = match backend {
        Backend::MySql => (
            "MIKRONET_TEST_MYSQL_URL",
            "mysql://root@127.0.0.1:3306/test",
        ),
        Backend::Postgres => (
            "MIKRONET_TEST_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/test",
        ),
        Backend::Sqlite => return None,
    };
    let url = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    (!url.is_empty() && url != "off").then_some(url)
}

/// `url` with its database name replaced.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base.rfind('/').unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn admin_statement(backend: Backend, url: &str, sql: String) -> Result<(), String> {
    let sql = AssertSqlSafe(sql);
    match backend {
        Backend::MySql => {
            let mut c = sqlx_mysql::MySqlConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            c.execute(sql).await.map_err(|e| e.to_string())?;
        }
        Backend::Postgres => {
            let mut c = sqlx_postgres::PgConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            c.execute(sql).await.map_err(|e| e.to_string())?;
        }
        Backend::Sqlite => {}
    }
    Ok(())
}

pub fn test_config(url: &str) -> Config {
    Config {
        database_url: url.to_owned(),
        secret_key: KEY.to_owned(),
        // Tests run billing for fixed past dates; the window has its own tests.
        billing_date_window_days: 36_500,
        ..Config::default()
    }
}

impl TestApp {
    /// A fresh app on `backend`, or `None` when that backend is not available here.
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::with_config(backend, |_| {}).await
    }

    pub async fn with_config(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let name = format!("mikronet_t_{}", uuid::Uuid::new_v4().simple());
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (format!("sqlite://{}", path.display()), Cleanup::File(path))
            }
            _ => {
                let admin_url = server_url(backend)?;
                if let Err(e) =
                    admin_statement(backend, &admin_url, format!("CREATE DATABASE {name}")).await
                {
                    if std::env::var_os("CI").is_some() {
                        panic!(
                            "{} is configured but unreachable under CI: {e}",
                            backend.name()
                        );
                    }
                    eprintln!("SKIPPED on {}: server unreachable ({e})", backend.name());
                    return None;
                }
                (
                    with_database(&admin_url, &name),
                    Cleanup::Server {
                        admin_url,
                        database: name,
                    },
                )
            }
        };
        let mut config = test_config(&url);
        tweak(&mut config);
        let db = Db::connect(&url, config.pool_size())
            .await
            .expect("connect");
        migrations::run(&db).await.expect("migrate");
        let secrets = SecretBox::from_base64(KEY).unwrap();
        let app = Arc::new(App::new(config, db, secrets));
        Some(TestApp {
            router: mikronet::http::router(app.clone()),
            app,
            backend,
            cleanup: Some(cleanup),
        })
    }

    pub fn db(&self) -> &Db {
        &self.app.db
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Resp {
        self.send(request(method, path, token, body, &[])).await
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &str) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &str) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Registers a user (the first one opens the installation) and logs it in.
    pub async fn user(&self, admin: Option<&str>, username: &str, role: &str) -> String {
        let body = format!(
            r#"{{"username":"{username}","password":"pw-{username}-long","role":"{role}"}}"#
        );
        let r = self.post("/auth/register", admin, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        self.login(username).await
    }

    pub async fn login(&self, username: &str) -> String {
        let r = self
            .post(
                "/auth/login",
                None,
                &format!(r#"{{"username":"{username}","password":"pw-{username}-long"}}"#),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["token"].as_str().unwrap().to_owned()
    }

    /// The first user, an admin, logged in.
    pub async fn admin(&self) -> String {
        self.user(None, "admin", "admin").await
    }

    pub async fn create_client(&self, token: &str, name: &str, ppp: &str) -> i64 {
        let r = self
            .post(
                "/client/register",
                Some(token),
                &format!(
                    r#"{{"name":"{name}","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"{ppp}","password":"securepassword"}}"#
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["data"]["client_id"].as_i64().unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match self.cleanup.take() {
            Some(Cleanup::File(path)) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Some(Cleanup::Server {
                admin_url,
                database,
            }) => {
                let backend = self.backend;
                // Drop may run inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    let drop_sql = match backend {
                        Backend::Postgres => {
                            format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")
                        }
                        _ => format!("DROP DATABASE IF EXISTS {database}"),
                    };
                    let _ = rt.block_on(admin_statement(backend, &admin_url, drop_sql));
                })
                .join();
            }
            None => {}
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    /// Asserts the status and, for errors, the shared error shape; returns self.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        if status >= 400 {
            assert_eq!(self.json["status"], status, "error shape: {}", self.text);
            assert!(self.json["error"].is_string(), "error shape: {}", self.text);
            assert!(
                self.json["message"].is_string(),
                "error shape: {}",
                self.text
            );
        }
        self
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Generates one test per backend for each `async fn name(app: TestApp)` listed.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::new(mikronet::storage::Backend::Sqlite).await {
                    super::$name(app).await
                }
            })*
        }
        mod mysql {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::new(mikronet::storage::Backend::MySql).await {
                    super::$name(app).await
                }
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::new(mikronet::storage::Backend::Postgres).await {
                    super::$name(app).await
                }
            })*
        }
    };
}

impl TestApp {
    pub async fn create_plan(&self, token: &str, name: &str, price: &str) -> i64 {
        let body = format!(
            r#"{{"plan_name":"{name}","price":{price},"ppp_profile_name":"{name}-profile","rate_limit":"10M/10M"}}"#
        );
        let r = self.post("/plans", Some(token), &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["data"]["plan_id"].as_i64().unwrap()
    }

    pub async fn subscribe(
        &self,
        token: &str,
        client: i64,
        plan: i64,
        start: &str,
        end: &str,
    ) -> i64 {
        let body = format!(
            r#"{{"client_id":{client},"plan_id":{plan},"start_date":"{start}","end_date":"{end}"}}"#
        );
        let r = self.post("/subscriptions", Some(token), &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["data"]["subscription_id"].as_i64().unwrap()
    }

    /// Runs generation for `date`; returns the summary's `data`.
    pub async fn generate(&self, token: &str, date: &str) -> Value {
        let r = self
            .call(
                Method::POST,
                &format!("/invoices/generate?date={date}"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["data"].clone()
    }

    pub async fn pay(&self, token: &str, invoice: i64, body: &str) -> Resp {
        self.post(&format!("/invoices/{invoice}/payments"), Some(token), body)
            .await
    }

    /// The ids of a subscription's invoices, oldest first.
    pub async fn invoices_of(&self, token: &str, subscription: i64) -> Vec<Value> {
        let r = self
            .get(&format!("/invoices?subscription_id={subscription}"), token)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["data"].as_array().unwrap().clone()
    }
}

impl TestApp {
    /// A request as the listener would hand it over from the peer `peer` (`ip:port`), with
    /// extra headers.
    pub async fn call_from(
        &self,
        peer: &str,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = request(method, path, token, body, headers);
        let peer: std::net::SocketAddr = peer.parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.send(req).await
    }

    /// A login of `username` with `password` from `peer`.
    pub async fn login_from(&self, peer: &str, username: &str, password: &str) -> Resp {
        let body = serde_json::json!({"username": username, "password": password}).to_string();
        self.call_from(peer, Method::POST, "/auth/login", None, Some(&body), &[])
            .await
    }
}

/// A request with an optional bearer token, JSON body and extra headers.
pub fn request(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
        .unwrap()
}

/// Log output kept in memory, for tests that read what was logged.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}
