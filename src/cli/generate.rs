//! `mikronet generate-invoices`: the daily billing run from cron or by hand. Any date is
//! accepted (back-filling, tests); the summary names it, and whether it is today.

use std::time::Instant;

use chrono::NaiveDate;

use super::progress::Progress;
use crate::app::App;
use crate::config::Config;
use crate::domain::billing::invoice::number;
use crate::domain::user::Actor;
use crate::service::billing::{self, GenerationSummary};

pub async fn run(config: Config, date: Option<NaiveDate>, dry_run: bool) -> anyhow::Result<()> {
    let start = Instant::now();
    let progress = Progress::new(3);
    progress.step(0, "opening the database");
    let app = App::open(config).await?;
    let today = app.today();
    let date = date.unwrap_or(today);
    progress.step(1, "generating invoices");
    let by = Actor::system("cli");
    let summary = billing::generate(&app, &by, date, dry_run, false).await?;
    let (cut, expired) = if dry_run {
        (0, 0)
    } else {
        progress.step(2, "cutting off unpaid subscriptions");
        let cut = billing::cut_off(&app, &by, date, false).await?.len();
        (cut, billing::expire(&app, date).await?.len())
    };
    progress.step(3, "done");
    drop(progress);
    println!("{}", summary_text(&summary, cut, today));
    if expired > 0 {
        println!(
            "{expired} suspended subscription(s) expired (suspended {} days)",
            app.config.expire_after_days
        );
    }
    println!("took {:.2} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// The run's summary: the date (and whether it is today), the window, what was created (or
/// would be, on a dry run) with the first and last invoice numbers, and the cut-offs.
pub fn summary_text(s: &GenerationSummary, cut: usize, today: NaiveDate) -> String {
    let when = if s.date == today {
        "today".to_owned()
    } else {
        format!("not today: today is {today}")
    };
    let numbers = if s.created > 0 {
        format!(
            ", {} to {}",
            number(s.year, s.first_seq_after + 1),
            number(s.year, s.first_seq_after + s.created)
        )
    } else {
        String::new()
    };
    let invoices = if s.created == 1 {
        "invoice"
    } else {
        "invoices"
    };
    if s.dry_run {
        format!(
            "dry run for {} ({when}), nothing saved: window to {} ({} days); would create {} {invoices}{numbers} totalling {}; {} already exist",
            s.date, s.window_end, s.window_days, s.created, s.total, s.already_existed
        )
    } else {
        format!(
            "generated for {} ({when}): window to {} ({} days); created {} {invoices}{numbers} totalling {}; {} already existed; {cut} subscriptions cut off",
            s.date, s.window_end, s.window_days, s.created, s.total, s.already_existed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Money;

    #[test]
    fn the_summary_names_the_date_and_the_numbers() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let mut s = GenerationSummary {
            date: d(3, 1),
            window_days: 4,
            window_end: d(3, 5),
            created: 42,
            already_existed: 3,
            total: Money::from_minor(420_000_000),
            year: 2026,
            first_seq_after: 100,
            dry_run: true,
        };
        let text = summary_text(&s, 0, d(3, 1));
        assert!(
            text.starts_with("dry run for 2026-03-01 (today), nothing saved"),
            "{text}"
        );
        assert!(
            text.contains("would create 42 invoices, INV-2026-000101 to INV-2026-000142"),
            "{text}"
        );
        s.dry_run = false;
        let text = summary_text(&s, 2, d(12, 1));
        assert!(
            text.starts_with("generated for 2026-03-01 (not today: today is 2026-12-01)"),
            "{text}"
        );
        assert!(text.contains("created 42 invoices, INV-2026-000101 to INV-2026-000142"));
        assert!(text.ends_with("2 subscriptions cut off"), "{text}");
        s.created = 0;
        assert!(!summary_text(&s, 0, d(3, 1)).contains("INV-"));
    }
}
