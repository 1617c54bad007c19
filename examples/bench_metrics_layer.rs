//! Benchmark (not a test): what counting a request into the metrics costs, in instructions,
//! beside what a `GET /client/{id}/details` costs in all. Meant for callgrind, where the
//! instruction counts do not depend on the machine's load:
//!
//! ```sh
//! cargo build --example bench_metrics_layer
//! for mode in bare counted details; do for n in 1000 2000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$mode.$n \
//!     target/debug/examples/bench_metrics_layer $mode $n 2>&1 | grep 'refs'
//! done; done
//! ```
//! Per request = (refs at 2000 − refs at 1000) / 1000, so the setup cancels out. `bare`: an
//! axum router with the details route template and a handler that answers at once; `counted`:
//! the same with the counting layer; `details`: the whole application (SQLite, a client with
//! its details, the token cache warm), layer included.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::metrics::Metrics;
use mikronet::security::secret_box::SecretBox;
use mikronet::storage::{Db, migrations};
use tower::ServiceExt;

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

fn get_req(path: &str, token: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().uri(path);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Body::empty()).unwrap()
}

async fn post(router: &Router, path: &str, token: Option<&str>, body: &str) -> serde_json::Value {
    let mut b = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let res = router
        .clone()
        .oneshot(b.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap_or_default()
}

async fn run(router: &Router, path: &str, token: Option<&str>, n: usize) {
    for _ in 0..n {
        let res = router.clone().oneshot(get_req(path, token)).await.unwrap();
        let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await;
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "counted".into());
    let n: usize = args.next().map_or(Ok(1000), |a| a.parse())?;
    let trivial = || Router::new().route("/client/{id}/details", get(|| async { "ok" }));
    match mode.as_str() {
        "bare" => run(&trivial(), "/client/1/details", None, n).await,
        "counted" => {
            let layer = mikronet::http::metrics::CountLayer(Arc::new(Metrics::new()));
            run(&trivial().layer(layer), "/client/1/details", None, n).await;
        }
        "details" => {
            let path =
                std::env::temp_dir().join(format!("bench-metrics-{}.db", std::process::id()));
            let url = format!("sqlite://{}", path.display());
            let config = Config {
                database_url: url.clone(),
                secret_key: KEY.into(),
                ..Config::default()
            };
            let db = Db::connect(&url, config.pool_size()).await?;
            migrations::run(&db).await?;
            let app = Arc::new(App::new(config, db, SecretBox::from_base64(KEY)?));
            let router = mikronet::http::router(app);
            let creds = r#"{"username":"admin","password":"bench-password-1"}"#;
            post(&router, "/auth/register", None, creds).await;
            let token = post(&router, "/auth/login", None, creds).await["token"]
                .as_str()
                .unwrap()
                .to_owned();
            let client = post(
                &router,
                "/client/register",
                Some(&token),
                r#"{"name":"Bench","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"bench1","password":"securepassword"}"#,
            )
            .await["data"]["client_id"]
                .as_i64()
                .unwrap();
            let details = format!("/client/{client}/details");
            run(&router, &details, Some(&token), n).await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        other => anyhow::bail!("mode is bare, counted or details, not {other}"),
    }
    Ok(())
}
