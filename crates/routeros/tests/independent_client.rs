//! The simulator checked by an independent client: PyPI `librouteros`
//! (`pip install librouteros`) runs `tests/librouteros_check.py` against it.
//!
//! Without python3 or librouteros this test prints a loud notice and passes,
//! unless `CI` is set: there a missing peer is a failure, not a skip.

use std::io::Write;
use std::process::Command;

use routeros::sim::{SimConfig, SimHandle, Simulator};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/librouteros_check.py");

/// `Err(reason)` when the Python side is unavailable.
fn python_ready() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import librouteros"])
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "librouteros not importable (pip install librouteros): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

async fn run_check(sim: &SimHandle, extra: &[&str]) {
    let mut args: Vec<String> = vec![
        SCRIPT.into(),
        "127.0.0.1".into(),
        sim.api_addr.port().to_string(),
        sim.config().username.clone(),
        sim.config().password.clone(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    // The simulator runs on the other runtime threads while Python blocks this one.
    let out = tokio::task::spawn_blocking(move || Command::new("python3").args(&args).output())
        .await
        .expect("join")
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "librouteros check failed ({:?}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stdout.contains("0 failed"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn librouteros_agrees_with_the_simulator() {
    if let Err(why) = python_ready() {
        if std::env::var_os("CI").is_some() {
            panic!("independent client check cannot run in CI: {why}");
        }
        // Written to the real stderr: the test harness would swallow eprintln! of a passing test.
        let bar = "!".repeat(70);
        let _ = writeln!(
            std::io::stderr(),
            "\n{bar}\n!!! SKIPPED: independent librouteros check did not run: {why}\n{bar}\n"
        );
        return;
    }

    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    sim.state()
        .connect_session("online-user", "10.9.9.9", "AA:BB:CC:DD:EE:01");
    run_check(&sim, &["--expect-active", "online-user"]).await;
    // The script removes what it adds.
    assert!(sim.state().secrets().is_empty());

    let legacy = Simulator::start(SimConfig {
        legacy_login: true,
        version: "6.40.9 (bugfix)".into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    run_check(&legacy, &["--legacy"]).await;

    // 7.18+ `!empty` replies: librouteros must still see empty results.
    let empty = Simulator::start(SimConfig {
        empty_replies: true,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    run_check(&empty, &[]).await;
}
