//! The `mikronet` command.

mod audit;
mod backup;
mod check_config;
mod create_admin;
mod generate;
pub mod import;
mod keys;
mod progress;
mod provision;
mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "mikronet",
    version,
    about = "Billing and provisioning server for MikroTik ISPs"
)]
struct Cli {
    /// Configuration file (TOML); environment variables MIKRONET_* override it.
    #[arg(long, global = true, env = "MIKRONET_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve {
        /// Also run an in-memory RouterOS simulator and register it as the router
        /// `simulator`: a demo needs no MikroTik.
        #[arg(long)]
        simulate: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Check the configuration as `serve` would load it, and the files it names, without
    /// starting or connecting; prints OK or every problem, naming its key (exit code 2).
    CheckConfig,
    /// Create an admin user; the password is read from standard input or a prompt.
    CreateAdmin {
        #[arg(long)]
        username: String,
    },
    /// Apply the queued router changes that are due, then exit.
    Provision {
        /// One pass over the queue (the only mode; `serve` runs the worker continuously).
        #[arg(long)]
        once: bool,
    },
    /// Compare routers' PPP secrets with the database and report drift (exit code 3 when
    /// drift is found and not repaired).
    Reconcile {
        /// Only this router (default: all).
        #[arg(long)]
        router: Option<i64>,
        /// Repair our secrets (secrets we did not create are left alone).
        #[arg(long)]
        apply: bool,
    },
    /// Print the RouterOS script that sends a router's cut-off clients to the notice page
    /// (isolation profile, address lists, NAT redirect, walled garden); reconcile then checks
    /// it is in place.
    RouterSetup {
        /// The router (its id in GET /routers).
        #[arg(long)]
        router: i64,
    },
    /// Generate the invoices due (the original system's cron job), then cut off subscriptions
    /// unpaid past their due date and grace. Safe to run any number of times.
    GenerateInvoices {
        /// The run's date (default: today in the configured time zone); any date.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<chrono::NaiveDate>,
        /// Report what would be created, and save nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Make a new secret key and re-seal every stored password under it, in one transaction.
    /// Stop every server first; give each the new key before starting it again.
    RotateKey {
        /// Where to write the new key (default: secret_key_file; required when the key is
        /// set by secret_key).
        #[arg(long, value_name = "FILE")]
        new_key_file: Option<PathBuf>,
    },
    /// SQLite: write a consistent copy of the database to FILE while servers keep running
    /// (MariaDB/PostgreSQL: names their own tools and exits 2).
    Backup {
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// SQLite: restore a backup into the configured database, which must be empty; the backup
    /// must have been made with the configured secret key.
    Restore { file: PathBuf },
    /// Move a provider in: import from the original system, phpNuxBill or a router
    /// (`--dry-run` prints the plan and changes nothing).
    Import {
        #[command(subcommand)]
        from: import::ImportCommand,
    },
    /// The audit trail of changes to money, users, settings and routers.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Re-compute the trail's hash chain, naming the first entry that does not hold, and
    /// compare every invoice and payment with it (exit code 3 when anything does not hold).
    Verify,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("must be a date as YYYY-MM-DD, e.g. 2026-01-31 (got '{s}')"))
}

/// Exit codes: 0 done, 1 failed, 2 bad configuration or usage, 3 drift found (reconcile) or
/// the audit trail does not hold (audit verify).
const DRIFT: u8 = 3;

/// The command line's definition, for the man page and shell completions (tests/packaging.rs).
pub fn command() -> clap::Command {
    Cli::command()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the configuration is loaded: it reports every problem itself.
    if let Some(Command::CheckConfig) = cli.command {
        return check_config::run(cli.config.as_deref());
    }
    let config_file = cli.config.clone();
    let config = match Config::load(cli.config.as_deref(), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mikronet: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mikronet: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let done = |r: anyhow::Result<()>| r.map(|()| ExitCode::SUCCESS);
        match cli.command.unwrap_or(Command::Serve { simulate: false }) {
            Command::Serve { simulate } => done(serve::run(config, simulate).await),
            Command::Migrate => done(migrate(config).await),
            Command::CheckConfig => Ok(check_config::run(config_file.as_deref())),
            Command::CreateAdmin { username } => done(create_admin::run(config, &username).await),
            Command::Provision { once: _ } => done(provision::once(config).await),
            Command::Reconcile { router, apply } => provision::reconcile(config, router, apply)
                .await
                .map(|drift| {
                    if drift {
                        ExitCode::from(DRIFT)
                    } else {
                        ExitCode::SUCCESS
                    }
                }),
            Command::RouterSetup { router } => done(provision::setup_script(config, router).await),
            Command::GenerateInvoices { date, dry_run } => {
                done(generate::run(config, date, dry_run).await)
            }
            Command::RotateKey { new_key_file } => done(keys::rotate(config, new_key_file).await),
            Command::Backup { file, force } => backup::backup(config, &file, force).await,
            Command::Restore { file } => backup::restore(config, &file).await,
            Command::Import { from } => done(import::run(config, from).await),
            Command::Audit {
                action: AuditCommand::Verify,
            } => audit::verify(config).await.map(|ok| {
                if ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(DRIFT)
                }
            }),
        }
    });
    match result {
        Ok(code) => code,
        // Once, on standard error (not also as a log line).
        Err(e) => {
            eprintln!("mikronet: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    // Checked by Config::load: a filter that does not parse never gets here.
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only for a person at a terminal, and not when NO_COLOR is set.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(progress::LogWriter);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let db = crate::app::connect(&config, true).await?;
    let applied = crate::storage::migrations::run(&db).await?;
    println!(
        "{}",
        if applied.is_empty() {
            "database schema is up to date".to_owned()
        } else {
            format!("applied migrations {applied:?}")
        }
    );
    Ok(())
}
