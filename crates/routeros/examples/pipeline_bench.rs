//! `set` commands per second over ONE pipelined API connection to the simulator.
//!
//! cargo run --release --example pipeline_bench -- [COMMANDS] [IN_FLIGHT]
//!
//! Measures this crate's client plus the simulator on one machine; a real
//! router's rate is its own and must be measured on the hardware.

use std::sync::Arc;
use std::time::Instant;

use routeros::sim::{SimConfig, Simulator};
use routeros::{ApiClient, ApiConfig, RouterApi};
use tokio::sync::Semaphore;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let commands: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(10_000);
    let in_flight: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(256);

    let sim = Simulator::start(SimConfig::default()).await?;
    let id = sim
        .state()
        .add_secret("bench", "x")
        .map_err(|t| format!("{t:?}"))?;
    let cfg = ApiConfig::new("127.0.0.1", "admin", "secret").port(sim.api_addr.port());
    let api = ApiClient::connect(cfg).await?;

    // Window of commands in flight, so the connection stays full without unbounded queues.
    let window = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..commands {
        let permit = window.clone().acquire_owned().await?;
        let api = api.clone();
        let id = id.clone();
        tasks.spawn(async move {
            let _permit = permit;
            api.set_secret_disabled(&id, n % 2 == 0).await
        });
    }
    let mut failed = 0usize;
    while let Some(res) = tasks.join_next().await {
        if !matches!(res, Ok(Ok(()))) {
            failed += 1;
        }
    }
    let elapsed = started.elapsed();
    let rate = commands as f64 / elapsed.as_secs_f64();
    println!(
        "{commands} disable/enable commands, {in_flight} in flight, one connection: {:.3} s, {rate:.0} commands/s, {failed} failed",
        elapsed.as_secs_f64()
    );
    // Commands complete out of order, so only presence is checked, not the last value.
    if sim.state().secret("bench").is_none() || failed > 0 {
        return Err("commands did not all land".into());
    }
    Ok(())
}
