//! Runs the RouterOS simulator for demos and manual testing.

use std::process::ExitCode;

use routeros::sim::{SimConfig, Simulator};

const USAGE: &str = "usage: routeros-sim [--api-port N] [--api-tls-port N] [--rest-port N] [--rest-tls-port N]
                    [--bind IP] [--user NAME] [--password PW] [--version TEXT] [--identity NAME]
                    [--legacy-login] [--empty-replies] [--secret NAME:PASSWORD]... [--active NAME:ADDRESS]...
Ports default to 0 (any free port); the bound addresses are printed at start.";

/// `NAME:VALUE` arguments, in order.
type Pairs = Vec<(String, String)>;

fn parse(args: &[String]) -> Result<(SimConfig, Pairs, Pairs), String> {
    let mut cfg = SimConfig::default();
    let mut secrets = Vec::new();
    let mut active = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let port = |v: String| v.parse::<u16>().map_err(|e| format!("{flag}: {e}"));
        let pair = |v: String| {
            v.split_once(':')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .ok_or_else(|| format!("{flag} takes NAME:VALUE"))
        };
        match flag.as_str() {
            "--api-port" => cfg.api_port = port(value()?)?,
            "--api-tls-port" => cfg.api_tls_port = port(value()?)?,
            "--rest-port" => cfg.rest_port = port(value()?)?,
            "--rest-tls-port" => cfg.rest_tls_port = port(value()?)?,
            "--bind" => cfg.bind = value()?.parse().map_err(|e| format!("--bind: {e}"))?,
            "--user" => cfg.username = value()?,
            "--password" => cfg.password = value()?,
            "--version" => cfg.version = value()?,
            "--identity" => cfg.identity = value()?,
            "--legacy-login" => cfg.legacy_login = true,
            "--empty-replies" => cfg.empty_replies = true,
            "--secret" => secrets.push(pair(value()?)?),
            "--active" => active.push(pair(value()?)?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((cfg, secrets, active))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cfg, secrets, active) = match parse(&args) {
        Ok(x) => x,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let sim = match Simulator::start(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (name, password) in &secrets {
        if let Err(e) = sim.state().add_secret(name, password) {
            eprintln!("secret {name}: {e:?}");
        }
    }
    for (name, address) in &active {
        sim.state()
            .connect_session(name, address, "00:00:00:00:00:00");
    }
    println!("api      {}", sim.api_addr);
    println!("api-ssl  {}", sim.api_tls_addr);
    println!("rest     http://{}/rest", sim.rest_addr);
    println!("rest-ssl https://{}/rest", sim.rest_tls_addr);
    println!("cert sha256 {}", sim.cert_fingerprint);
    println!("user {} (Ctrl-C to stop)", sim.config().username);
    // Ctrl-C's default action ends the process; there is nothing to save.
    std::future::pending::<ExitCode>().await
}
