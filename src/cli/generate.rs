//! `mikronet generate-invoices`: the daily billing run from cron or by hand.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use chrono::NaiveDate;

use crate::app::App;
use crate::config::Config;
use crate::service::billing;

/// Shows the run's steps on a terminal; silent when piped (cron mails only the summary).
struct Progress {
    on: bool,
    start: Instant,
}

impl Progress {
    fn step(&self, done: usize, of: usize, what: &str) {
        if self.on {
            let bar: String = (0..of).map(|i| if i < done { '#' } else { '-' }).collect();
            eprint!(
                "\r[{bar}] {what:<40} {:>6.1}s",
                self.start.elapsed().as_secs_f64()
            );
            let _ = std::io::stderr().flush();
        }
    }

    fn finish(&self) {
        if self.on {
            eprintln!();
        }
    }
}

pub async fn run(config: Config, date: Option<NaiveDate>, dry_run: bool) -> anyhow::Result<()> {
    let progress = Progress {
        on: std::io::stderr().is_terminal(),
        start: Instant::now(),
    };
    progress.step(0, 3, "opening the database");
    let date = date.unwrap_or_else(|| config.today());
    let app = App::open(config).await?;
    progress.step(1, 3, "generating invoices");
    let by = crate::domain::user::Actor::system("cli");
    let summary = billing::generate(&app, &by, date, dry_run, false).await?;
    let cut = if dry_run {
        Vec::new()
    } else {
        progress.step(2, 3, "cutting off unpaid subscriptions");
        billing::cut_off(&app, &by, date, false).await?
    };
    progress.step(3, 3, "done");
    progress.finish();
    println!(
        "{} {date}: window to {} ({} days); created {} invoices totalling {}, {} already existed{}",
        if dry_run {
            "dry run for"
        } else {
            "generated for"
        },
        summary.window_end,
        summary.window_days,
        summary.created,
        summary.total,
        summary.already_existed,
        if dry_run {
            String::new()
        } else {
            format!("; {} subscriptions cut off", cut.len())
        }
    );
    println!("took {:.2} s", progress.start.elapsed().as_secs_f64());
    Ok(())
}
