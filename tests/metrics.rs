//! `GET /metrics`: off unless configured, behind its token, in the Prometheus text format as an
//! independent parser reads it (Python's `prometheus_client`), and its numbers move by exactly
//! what the test does: requests, logins, a billing run, router changes and an outage.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use axum::http::Method;
use common::TestApp;
use mikronet::provisioning::worker;
use mikronet::storage::Backend;

const TOKEN: &str = "metrics-token-0123456789abcdef";

async fn app(backend: Backend) -> Option<TestApp> {
    TestApp::with_config(backend, |c| {
        c.metrics_token = TOKEN.into();
        // Manual switches are queued, not waited for.
        c.switch_wait_ms = 0;
    })
    .await
}

/// Every sample of a scrape as Python's `prometheus_client` parses it: `name{k="v",…}` (labels
/// sorted) → value, and each family's type by family name.
struct Scrape {
    samples: HashMap<String, f64>,
    types: HashMap<String, String>,
}

const PARSER: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        print(json.dumps([family.name, family.type, s.name, s.labels, s.value]))
"#;

fn parse(text: &str) -> Scrape {
    let mut child = Command::new("python3")
        .args(["-c", PARSER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (with prometheus_client from PyPI) runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client refused the text: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut samples = HashMap::new();
    let mut types = HashMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let (family, kind, name, labels, value): (
            String,
            String,
            String,
            std::collections::BTreeMap<String, String>,
            f64,
        ) = serde_json::from_str(line).unwrap();
        types.insert(family, kind);
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        let key = if labels.is_empty() {
            name
        } else {
            format!("{name}{{{}}}", labels.join(","))
        };
        assert!(samples.insert(key.clone(), value).is_none(), "{key} twice");
    }
    Scrape { samples, types }
}

impl Scrape {
    /// A sample's value; 0 when absent (a counter not yet created).
    fn get(&self, key: &str) -> f64 {
        self.samples.get(key).copied().unwrap_or(0.0)
    }

    fn has(&self, key: &str) -> bool {
        self.samples.contains_key(key)
    }
}

async fn scrape(app: &TestApp) -> Scrape {
    let r = app.call(Method::GET, "/metrics", Some(TOKEN), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.header("content-type"),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    parse(&r.text)
}

/// Asserts `key` moved by exactly `by` between two scrapes.
#[track_caller]
fn moved(before: &Scrape, after: &Scrape, key: &str, by: f64) {
    let d = after.get(key) - before.get(key);
    assert!(
        (d - by).abs() < 1e-9,
        "{key}: moved by {d}, expected {by} (now {})",
        after.get(key)
    );
}

async fn off_unless_configured_and_behind_the_token(app: TestApp) {
    for auth in [None, Some("wrong-token-0123456789abcdef"), Some("")] {
        let r = app
            .call(Method::GET, "/metrics", auth, None)
            .await
            .expect(401);
        assert_eq!(r.header("www-authenticate"), "Bearer realm=\"metrics\"");
        assert!(!r.text.contains(TOKEN));
    }
    // The 401s were counted like any answer.
    let s = scrape(&app).await;
    assert_eq!(
        s.get(r#"mikronet_http_requests_total{method="GET",route="/metrics",status="401"}"#),
        3.0
    );
    assert_eq!(s.types["mikronet_http_requests"], "counter");
    assert_eq!(
        s.types["mikronet_http_request_duration_seconds"],
        "histogram"
    );
    assert_eq!(s.get("mikronet_metrics_database_up"), 1.0);

    // Without a token the main listener has no such route.
    let plain = TestApp::new(app.backend).await.unwrap();
    plain
        .call(Method::GET, "/metrics", Some(TOKEN), None)
        .await
        .expect(404);
    // The separate listener's router serves /metrics without a token when none is set …
    let only = mikronet::http::metrics::listener_router(plain.app.clone());
    let r = tower::ServiceExt::oneshot(
        only.clone(),
        common::request(Method::GET, "/metrics", None, None, &[]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    // … and nothing else.
    let r = tower::ServiceExt::oneshot(
        only,
        common::request(Method::GET, "/health", None, None, &[]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
}

async fn counters_move_with_requests_logins_billing_and_routers(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let router = app.add_router(&admin, &sim).await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    app.subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    let r = format!(r#"router_id="{router}""#);
    let m0 = scrape(&app).await;
    // Queued for the new router: every plan's profile and the client's secret.
    let pending = m0.get(&format!("mikronet_router_sync_pending{{{r}}}"));
    assert_eq!(pending, 2.0);
    assert!(m0.has(&format!(
        "mikronet_router_sync_oldest_pending_age_seconds{{{r}}}"
    )));
    assert_eq!(
        m0.get(&format!(r#"mikronet_router_info{{router="core-1",{r}}}"#)),
        1.0
    );
    assert!(
        !m0.has(&format!("mikronet_router_reachable{{{r}}}")),
        "not contacted yet"
    );

    // Requests: by route template and status, never by path.
    for _ in 0..3 {
        app.get(&format!("/client/{client}/details"), &admin)
            .await
            .expect(200);
    }
    app.get("/client/999999/details", &admin).await.expect(404);
    app.get("/no/such/thing", &admin).await.expect(404);
    // Logins: one failed, one good.
    app.user(Some(&admin), "alice", "operator").await;
    app.login_from("10.0.0.9:5000", "alice", "not-her-password")
        .await
        .expect(401);
    app.login_from("10.0.0.9:5000", "alice", &common::password_of("alice"))
        .await
        .expect(200);
    let m1 = scrape(&app).await;
    let details = r#"method="GET",route="/client/{id}/details""#;
    moved(
        &m0,
        &m1,
        &format!(r#"mikronet_http_requests_total{{{details},status="200"}}"#),
        3.0,
    );
    moved(
        &m0,
        &m1,
        &format!(r#"mikronet_http_requests_total{{{details},status="404"}}"#),
        1.0,
    );
    moved(
        &m0,
        &m1,
        &format!("mikronet_http_request_duration_seconds_count{{{details}}}"),
        4.0,
    );
    moved(
        &m0,
        &m1,
        &format!(r#"mikronet_http_request_duration_seconds_bucket{{le="+Inf",{details}}}"#),
        4.0,
    );
    moved(
        &m0,
        &m1,
        r#"mikronet_http_requests_total{method="GET",route="unmatched",status="404"}"#,
        1.0,
    );
    assert!(
        !m1.samples
            .keys()
            .any(|k| k.contains("999999") || k.contains("/no/such")),
        "a path never becomes a label"
    );
    moved(&m0, &m1, r#"mikronet_logins_total{outcome="failed"}"#, 1.0);
    moved(&m0, &m1, r#"mikronet_logins_total{outcome="success"}"#, 1.0);
    moved(
        &m0,
        &m1,
        r#"mikronet_logins_total{outcome="throttled"}"#,
        0.0,
    );
    // The previous scrape was a request too.
    moved(
        &m0,
        &m1,
        r#"mikronet_http_requests_total{method="GET",route="/metrics",status="200"}"#,
        1.0,
    );

    // Generation creates one invoice (due 2024-02-03); the run of 2024-02-10 creates none and
    // cuts the unpaid subscription off.
    app.generate(&admin, "2024-01-28").await;
    app.call(
        Method::POST,
        "/billing/run?date=2024-02-10",
        Some(&admin),
        None,
    )
    .await
    .expect(200);
    let m2 = scrape(&app).await;
    moved(&m1, &m2, "mikronet_billing_invoices_created_total", 1.0);
    moved(&m1, &m2, "mikronet_billing_suspensions_total", 1.0);
    moved(
        &m1,
        &m2,
        r#"mikronet_billing_runs_total{kind="generation",outcome="ok"}"#,
        2.0,
    );
    moved(
        &m1,
        &m2,
        r#"mikronet_billing_runs_total{kind="cut_off",outcome="ok"}"#,
        1.0,
    );
    moved(
        &m1,
        &m2,
        r#"mikronet_billing_run_duration_seconds_count{kind="generation"}"#,
        2.0,
    );
    let last = m2.get(r#"mikronet_billing_last_run_timestamp_seconds{kind="cut_off"}"#);
    let now = chrono::Utc::now().timestamp() as f64;
    assert!(
        (now - last).abs() < 60.0,
        "last cut-off run at {last}, now {now}"
    );
    // The cut-off queued the client's secret again (still the same object: 2 pending).
    assert_eq!(m2.get(&format!("mikronet_router_sync_pending{{{r}}}")), 2.0);

    // The oldest pending change's age, read at scrape time.
    let hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    app.db()
        .write(move |ex| {
            Box::pin(async move {
                ex.execute(
                    "UPDATE router_sync SET changed_at = ? WHERE status = 'pending'",
                    mikronet::params![hour_ago],
                )
                .await
            })
        })
        .await
        .unwrap();
    let m3 = scrape(&app).await;
    let age = m3.get(&format!(
        "mikronet_router_sync_oldest_pending_age_seconds{{{r}}}"
    ));
    assert!((3600.0..3700.0).contains(&age), "oldest pending age {age}");

    // The worker applies both; the router was reached.
    let s = worker::drain(&app.app).await.unwrap();
    assert_eq!((s.applied, s.failed), (2, 0), "{s:?}");
    let m4 = scrape(&app).await;
    moved(
        &m3,
        &m4,
        &format!("mikronet_router_sync_applied_total{{{r}}}"),
        2.0,
    );
    moved(
        &m3,
        &m4,
        &format!("mikronet_router_sync_failed_total{{{r}}}"),
        0.0,
    );
    assert_eq!(m4.get(&format!("mikronet_router_sync_pending{{{r}}}")), 0.0);
    assert_eq!(
        m4.get(&format!(
            "mikronet_router_sync_oldest_pending_age_seconds{{{r}}}"
        )),
        0.0
    );
    assert_eq!(m4.get(&format!("mikronet_router_reachable{{{r}}}")), 1.0);
    assert_eq!(
        sim.state().secret("abc123").unwrap()["disabled"],
        "true",
        "the cut-off reached the router"
    );

    // The router goes down; a change waits for it and the outage shows.
    sim.set_down(true).await.unwrap();
    app.put(
        &format!("/client/update/{client}"),
        &admin,
        r#"{"password":"another-password"}"#,
    )
    .await
    .expect(200);
    let s = worker::run_once(&app.app).await.unwrap();
    assert_eq!((s.unreachable, s.applied), (1, 0), "{s:?}");
    let m5 = scrape(&app).await;
    assert_eq!(m5.get(&format!("mikronet_router_reachable{{{r}}}")), 0.0);
    assert_eq!(m5.get(&format!("mikronet_router_sync_pending{{{r}}}")), 1.0);
    moved(
        &m4,
        &m5,
        &format!("mikronet_router_sync_applied_total{{{r}}}"),
        0.0,
    );
}

/// One test per backend for each `async fn name(app: TestApp)`, on an app with the metrics
/// token configured (as `backend_tests!` does with the default configuration).
macro_rules! metrics_tests {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = super::app(mikronet::storage::Backend::Sqlite).await {
                    super::$name(app).await
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                if let Some(app) = super::app(mikronet::storage::Backend::MySql).await {
                    super::$name(app).await
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = super::app(mikronet::storage::Backend::Postgres).await {
                    super::$name(app).await
                }
            }
        })*
    };
}

metrics_tests!(
    off_unless_configured_and_behind_the_token,
    counters_move_with_requests_logins_billing_and_routers,
);
