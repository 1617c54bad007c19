//! `mikronet import …`: moving a provider in from the original system, phpNuxBill or a live
//! router. Each prints its plan's summary (on a dry run: what would happen) and writes every
//! skipped row with its reason to a CSV file next to the database.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::progress::Progress;
use crate::app::App;
use crate::config::Config;
use crate::domain::import::Plan;
use crate::domain::user::Actor;
use crate::service::import;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// From the original PHP system's MySQL database (`clients`/`Clients`, `plan`,
    /// `subscription`, `invoice`, `payment`, `users`).
    Original {
        /// The original's database, e.g. mysql://user:pass@host/db.
        #[arg(long, value_name = "URL")]
        from: String,
        /// Print the plan; change nothing anywhere.
        #[arg(long)]
        dry_run: bool,
    },
    /// From a phpNuxBill MySQL database (PPPoE customers, plans, recharges, transactions,
    /// routers, staff).
    Phpnuxbill {
        /// phpNuxBill's database, e.g. mysql://user:pass@host/phpnuxbill.
        #[arg(long, value_name = "URL")]
        from: String,
        /// Print the plan; change nothing anywhere.
        #[arg(long)]
        dry_run: bool,
    },
    /// From a router's PPP secrets and profiles (the router must be registered here).
    Router {
        /// The router's id here.
        #[arg(long, value_name = "ID")]
        router: i64,
        /// Print the plan; change nothing anywhere.
        #[arg(long)]
        dry_run: bool,
        /// Only link secrets to existing clients; create no clients.
        #[arg(long)]
        only_link: bool,
        /// Prices of the router's profiles (TOML: profile name → price and period).
        #[arg(long, value_name = "FILE")]
        prices: Option<PathBuf>,
    },
}

/// Runs one import and prints its summary.
pub async fn run(config: Config, command: ImportCommand) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let report_dir = report_dir(&config);
    let app = App::open(config).await?;
    let actor = Actor::system("import");
    let plan = match command {
        ImportCommand::Original { from, dry_run } => {
            import::original::run(&app, &actor, &from, dry_run, &Bar::new())
                .await
                .map_err(explain)?
        }
        ImportCommand::Phpnuxbill { from, dry_run } => {
            let bar = Bar::new();
            let plan = import::phpnuxbill::run(&app, &actor, &from, dry_run, &bar).await;
            bar.print_revealed();
            plan.map_err(explain)?
        }
        ImportCommand::Router {
            router,
            dry_run,
            only_link,
            prices,
        } => {
            let prices = match prices {
                Some(file) => {
                    let text = std::fs::read_to_string(&file)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                    import::router::parse_prices(&text)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?
                }
                None => Default::default(),
            };
            let options = import::router::Options {
                dry_run,
                only_link,
                prices,
            };
            let bar = Bar::new();
            let plan = import::router::run(
                &app,
                &actor,
                crate::domain::ids::RouterId(router),
                options,
                &bar,
            )
            .await;
            drop(bar);
            plan.map_err(explain)?
        }
    };
    finish(&plan, &report_dir, started)
}

/// An import's refusal as a terminal shows it: each field with what is wrong with it.
fn explain(e: crate::service::AppError) -> anyhow::Error {
    use crate::service::AppError;
    match e {
        AppError::Validation(f) | AppError::BadRequest { errors: f, .. } => anyhow::anyhow!(
            "{}",
            f.0.iter()
                .map(|(field, m)| format!("{field}: {m}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        e => anyhow::anyhow!("{e}"),
    }
}

/// Prints the summary and writes the skipped rows' CSV.
fn finish(plan: &Plan, dir: &Path, started: std::time::Instant) -> anyhow::Result<()> {
    print!("{}", plan.summary());
    if plan.skipped().next().is_some() {
        let file = dir.join(format!(
            "import-{}-{}-skipped.csv",
            plan.source,
            chrono::Local::now().format("%Y%m%d-%H%M%S")
        ));
        write_skipped(plan, &file)?;
        println!("skipped rows written to {}", file.display());
    }
    println!("took {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The skipped rows as CSV: entity, source row, reason.
pub fn write_skipped(plan: &Plan, file: &Path) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(file)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    w.write_record(["entity", "source", "reason"])?;
    for s in plan.skipped() {
        w.write_record([
            s.entity.to_string().as_str(),
            s.source.as_str(),
            s.reason.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Next to the SQLite file; the working directory for MariaDB/PostgreSQL.
fn report_dir(config: &Config) -> PathBuf {
    crate::storage::sqlite_path(&config.database_url)
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The terminal's progress display for an import's phases, and the one-time passwords the
/// import gave, printed once it ends (on standard output only: never logged).
struct Bar(Progress, std::sync::Mutex<Vec<(String, String)>>);

impl Bar {
    fn new() -> Bar {
        Bar(Progress::new(1), std::sync::Mutex::default())
    }

    /// Ends the display and prints each one-time password, once.
    fn print_revealed(self) {
        drop(self.0);
        let revealed = self.1.into_inner().unwrap_or_default();
        if revealed.is_empty() {
            return;
        }
        println!(
            "one-time passwords of the imported staff (shown only now: hand each over, and \
             have it changed at the first login):"
        );
        for (username, password) in revealed {
            println!("  {username}: {password}");
        }
    }
}

impl import::Progress for Bar {
    fn step(&self, what: &str, done: u64, total: u64) {
        self.0.rows(what, done, total);
    }

    fn reveal(&self, username: &str, password: &str) {
        if let Ok(mut r) = self.1.lock() {
            r.push((username.to_owned(), password.to_owned()));
        }
    }
}
