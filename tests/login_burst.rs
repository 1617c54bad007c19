//! A burst of 200 concurrent failed logins, each from its own address and for its own name
//! (so that the throttle lets every one through), must not take the process past 200 MiB: the
//! Argon2 work (19 MiB each) is bounded, and what is beyond the bound is answered 503 with
//! `Retry-After`. Its own test binary: it reads the process's peak memory.

mod common;

use std::sync::Arc;

use common::TestApp;

/// A line of /proc/self/status in KiB (`VmHWM`: the peak resident set; `VmRSS`: now).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_burst_stays_under_200_mib() {
    let app = TestApp::new(mikronet::storage::Backend::Sqlite)
        .await
        .unwrap();
    app.admin().await;
    let before = status_kib("VmRSS");
    let app = Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..200u32 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let peer = format!("10.{}.{}.1:4000", i / 250, i % 250);
            let r = app
                .login_from(&peer, &format!("guess{i}"), "wrong-password")
                .await;
            (r.status.as_u16(), r.header("retry-after").to_owned())
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    let peak_mib = status_kib("VmHWM") / 1024;
    let after_mib = status_kib("VmRSS") / 1024;
    let refused = got.iter().filter(|(s, _)| *s == 503).count();
    let checked = got.iter().filter(|(s, _)| *s == 401).count();
    eprintln!(
        "login burst: {checked} checked (401), {refused} refused (503); RSS {} MiB before, \
         peak {peak_mib} MiB, {after_mib} MiB after",
        before / 1024
    );
    assert_eq!(checked + refused, 200, "{got:?}");
    assert!(checked >= 1);
    assert!(
        got.iter().all(|(s, r)| *s != 503 || r == "1"),
        "503 carries Retry-After"
    );
    assert!(peak_mib < 200, "peak RSS {peak_mib} MiB");
}
