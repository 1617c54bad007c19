//! JSON log lines: each a JSON object, request latency and status as numbers, and a failed
//! login's typed user name only as a keyed hash. (Its own test binary: it installs the
//! process's log subscriber.)

mod common;

use common::{Capture, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_with_numbers_and_no_typed_user_names() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .init();
    let app = TestApp::new(mikronet::storage::Backend::Sqlite)
        .await
        .unwrap();
    app.admin().await;
    // A password typed into the user-name field.
    app.login_from("192.0.2.1:1", "Hunter2-typed-as-name", "x-wrong-password")
        .await
        .expect(401);
    let logs = capture.text();
    assert!(!logs.contains("Hunter2-typed-as-name"), "{logs}");
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let failed = lines
        .iter()
        .find(|l| l["fields"]["message"] == "login failed")
        .expect("a login failure line");
    let tag = failed["fields"]["user_tag"].as_str().unwrap();
    assert_eq!(tag, app.app.secrets.log_tag("Hunter2-typed-as-name"));
    let done = lines
        .iter()
        .find(|l| l["fields"]["message"] == "finished processing request")
        .expect("a request line");
    assert!(done["fields"]["latency_us"].is_u64(), "{done}");
    assert!(done["fields"]["status"].is_u64(), "{done}");
}
