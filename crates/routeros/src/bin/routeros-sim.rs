//! Runs the RouterOS simulator as a process of its own, for demos, manual
//! testing and multi-process tests.
//!
//! At start it prints exactly one line of JSON on stdout and then runs until
//! killed (or, with `--exit-on-stdin-eof`, until its stdin closes, so it
//! cannot outlive a test that spawned it):
//!
//! ```text
//! {"api":"127.0.0.1:8728","api_tls":"127.0.0.1:40001","rest":"127.0.0.1:40002",
//!  "rest_tls":"127.0.0.1:40003","cert_sha256":"ab12…","user":"admin","identity":"MikroTik"}
//! ```

use std::io::Write;
use std::process::ExitCode;

use routeros::sim::{SimConfig, Simulator};

const USAGE: &str = "usage: routeros-sim [--api-port N] [--api-tls-port N] [--rest-port N] [--rest-tls-port N]
                    [--bind IP] [--user NAME] [--password PW] [--version TEXT] [--identity NAME]
                    [--legacy-login] [--empty-replies] [--secret NAME:PASSWORD]... [--active NAME:ADDRESS]...
                    [--exit-on-stdin-eof]
Ports default to 0 (any free port). At start one line of JSON on stdout gives the bound
addresses (api, api_tls, rest, rest_tls), cert_sha256, user and identity.";

/// What the command line asked for besides the simulator's configuration.
#[derive(Default)]
struct Extra {
    secrets: Pairs,
    active: Pairs,
    exit_on_stdin_eof: bool,
}

/// `NAME:VALUE` arguments, in order.
type Pairs = Vec<(String, String)>;

fn parse(args: &[String]) -> Result<(SimConfig, Extra), String> {
    let mut cfg = SimConfig::default();
    let mut extra = Extra::default();
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
            "--secret" => extra.secrets.push(pair(value()?)?),
            "--active" => extra.active.push(pair(value()?)?),
            "--exit-on-stdin-eof" => extra.exit_on_stdin_eof = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((cfg, extra))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cfg, extra) = match parse(&args) {
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
    for (name, password) in &extra.secrets {
        if let Err(e) = sim.state().add_secret(name, password) {
            eprintln!("secret {name}: {e:?}");
            return ExitCode::FAILURE;
        }
    }
    for (name, address) in &extra.active {
        sim.state()
            .connect_session(name, address, "00:00:00:00:00:00");
    }
    let started = serde_json::json!({
        "api": sim.api_addr.to_string(),
        "api_tls": sim.api_tls_addr.to_string(),
        "rest": sim.rest_addr.to_string(),
        "rest_tls": sim.rest_tls_addr.to_string(),
        "cert_sha256": sim.cert_fingerprint,
        "user": sim.config().username,
        "identity": sim.config().identity,
    });
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{started}")
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
    eprintln!(
        "routeros-sim: api {} rest http://{}/rest, user {} (Ctrl-C to stop)",
        sim.api_addr,
        sim.rest_addr,
        sim.config().username
    );
    if extra.exit_on_stdin_eof {
        // Whatever arrives is ignored; the end of stdin ends the simulator.
        let _ = tokio::task::spawn_blocking(|| {
            std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink())
        })
        .await;
        return ExitCode::SUCCESS;
    }
    // Ctrl-C's or SIGTERM's default action ends the process; there is nothing to save.
    std::future::pending::<ExitCode>().await
}
