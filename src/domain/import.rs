//! Moving in: what an import of a provider's data does (or, on a dry run, would do), row by row.
//!
//! Every importer (the original system, phpNuxBill, a live router) reads its source, decides for
//! each source row whether it becomes a new row of ours ([`Action::Create`]), is linked to one
//! that exists ([`Action::Link`]), was imported by an earlier run ([`Action::Unchanged`]) or
//! cannot be imported ([`Action::Skip`], with the reason an operator needs), and records that
//! decision in one [`Plan`]. The plan is what a dry run prints and the endpoint returns, what a
//! real run's summary counts, and what the skipped-rows CSV is written from.

pub mod phpnuxbill;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::domain::billing::invoice::InvoiceStatus;
use crate::domain::billing::subscription::Status as SubscriptionStatus;
use crate::domain::user::Role;
use utoipa::ToSchema;

crate::words! {
    /// Where an import reads from.
    pub enum Source {
        Original = "original",
        Phpnuxbill = "phpnuxbill",
        Router = "router",
    }
}

crate::words! {
    /// What kind of row of ours a source row becomes.
    pub enum Entity {
        Client = "client",
        Plan = "plan",
        Subscription = "subscription",
        Invoice = "invoice",
        Payment = "payment",
        User = "user",
        Router = "router",
        Credit = "credit",
    }
}

crate::words! {
    /// What an import does with one source row.
    pub enum Action {
        Create = "create",
        Link = "link",
        Unchanged = "unchanged",
        Skip = "skip",
    }
}

/// One decision about one source row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Step {
    pub entity: Entity,
    /// The source row: its table and key as the source names them, e.g. `clients#12`,
    /// `tbl_customers#7`, `/ppp/secret alice`.
    pub source: String,
    pub action: Action,
    /// Our row it became or is linked to; none when skipped, or when a dry run would create it.
    pub id: Option<i64>,
    /// Why: for a skip, what is wrong with the row (what an operator must fix); for a link,
    /// what matched; for a create, anything worth knowing (e.g. "id 12 was taken: now 40").
    pub reason: Option<String>,
}

/// How many source rows of one entity got one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Count {
    pub entity: Entity,
    pub action: Action,
    pub rows: u64,
}

/// Steps kept per (entity, action) for creates and unchanged rows; links and skips are all
/// kept. Counts are always exact.
pub const KEPT_STEPS: u64 = 10_000;

/// Everything one import did or would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Plan {
    pub source: Source,
    /// True: nothing was changed anywhere; the plan says what a real run would do.
    pub dry_run: bool,
    /// Rows per entity and action, in a fixed order (entity, then action).
    pub counts: Vec<Count>,
    /// The decisions: every link and skip, and up to [`KEPT_STEPS`] creates and unchanged
    /// rows per entity (the counts hold the rest).
    pub steps: Vec<Step>,
    /// Creates and unchanged rows counted but not listed.
    pub steps_left_out: u64,
}

impl Plan {
    pub fn new(source: Source, dry_run: bool) -> Plan {
        Plan {
            source,
            dry_run,
            counts: Vec::new(),
            steps: Vec::new(),
            steps_left_out: 0,
        }
    }

    pub fn create(&mut self, entity: Entity, source: impl Into<String>, id: Option<i64>) {
        self.push(Step {
            entity,
            source: source.into(),
            action: Action::Create,
            id,
            reason: None,
        });
    }

    /// A create with a note (e.g. the original id was taken).
    pub fn create_noted(
        &mut self,
        entity: Entity,
        source: impl Into<String>,
        id: Option<i64>,
        note: impl Into<String>,
    ) {
        self.push(Step {
            entity,
            source: source.into(),
            action: Action::Create,
            id,
            reason: Some(note.into()),
        });
    }

    pub fn link(
        &mut self,
        entity: Entity,
        source: impl Into<String>,
        id: i64,
        why: impl Into<String>,
    ) {
        self.push(Step {
            entity,
            source: source.into(),
            action: Action::Link,
            id: Some(id),
            reason: Some(why.into()),
        });
    }

    pub fn unchanged(&mut self, entity: Entity, source: impl Into<String>, id: i64) {
        self.push(Step {
            entity,
            source: source.into(),
            action: Action::Unchanged,
            id: Some(id),
            reason: None,
        });
    }

    pub fn skip(&mut self, entity: Entity, source: impl Into<String>, why: impl Into<String>) {
        self.push(Step {
            entity,
            source: source.into(),
            action: Action::Skip,
            id: None,
            reason: Some(why.into()),
        });
    }

    /// Records one step: counted always, listed as [`Plan::steps`] documents.
    pub fn push(&mut self, step: Step) {
        let n = self.bump(step.entity, step.action, 1);
        let listed = matches!(step.action, Action::Link | Action::Skip) || n <= KEPT_STEPS;
        if listed {
            self.steps.push(step);
        } else {
            self.steps_left_out += 1;
        }
    }

    /// Counts `rows` rows without listing them (a set-based insert of many rows at once).
    pub fn count(&mut self, entity: Entity, action: Action, rows: u64) {
        self.bump(entity, action, rows);
        self.steps_left_out += rows;
    }

    fn bump(&mut self, entity: Entity, action: Action, rows: u64) -> u64 {
        let key = (order(entity), order(action));
        let at = self
            .counts
            .binary_search_by_key(&key, |c| (order(c.entity), order(c.action)));
        let i = match at {
            Ok(i) => i,
            Err(i) => {
                self.counts.insert(
                    i,
                    Count {
                        entity,
                        action,
                        rows: 0,
                    },
                );
                i
            }
        };
        self.counts[i].rows += rows;
        self.counts[i].rows
    }

    /// The rows of `entity` that got `action`.
    pub fn rows(&self, entity: Entity, action: Action) -> u64 {
        self.counts
            .iter()
            .find(|c| c.entity == entity && c.action == action)
            .map_or(0, |c| c.rows)
    }

    /// Rows a run created or linked: zero on a second run of the same import.
    pub fn changed(&self) -> u64 {
        self.counts
            .iter()
            .filter(|c| matches!(c.action, Action::Create | Action::Link))
            .map(|c| c.rows)
            .sum()
    }

    pub fn skipped(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.action == Action::Skip)
    }

    /// Adds another part's steps and counts (one batch's plan into the run's).
    pub fn merge(&mut self, part: Plan) {
        for c in &part.counts {
            let listed = part
                .steps
                .iter()
                .filter(|s| s.entity == c.entity && s.action == c.action)
                .count() as u64;
            // The part's rows it counted without listing; its listed ones are pushed below.
            self.bump(c.entity, c.action, c.rows - listed);
        }
        self.steps_left_out += part.steps_left_out;
        for s in part.steps {
            self.push(s);
        }
    }

    /// The summary a terminal shows: one line per entity with its counts, then every skipped
    /// row with its reason.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let head = if self.dry_run {
            format!(
                "import from {} (dry run: nothing was changed)\n",
                self.source
            )
        } else {
            format!("import from {}\n", self.source)
        };
        out.push_str(&head);
        let mut entities: Vec<Entity> = self.counts.iter().map(|c| c.entity).collect();
        entities.dedup();
        for e in entities {
            let parts: Vec<String> = Action::ALL
                .iter()
                .map(|a| (a, self.rows(e, *a)))
                .filter(|(_, n)| *n > 0)
                .map(|(a, n)| format!("{n} {}", verb(*a, self.dry_run)))
                .collect();
            out.push_str(&format!("  {:<13} {}\n", e.as_str(), parts.join(", ")));
        }
        if self.changed() == 0 && !self.dry_run {
            out.push_str("  nothing new: every row was imported before or is skipped\n");
        }
        let skipped: Vec<&Step> = self.skipped().collect();
        if !skipped.is_empty() {
            out.push_str(&format!("skipped ({}):\n", skipped.len()));
            for s in skipped {
                out.push_str(&format!(
                    "  {} {}: {}\n",
                    s.entity,
                    s.source,
                    s.reason.as_deref().unwrap_or("")
                ));
            }
        }
        out
    }
}

/// A source's date text (`YYYY-MM-DD`, with or without a time after it) as a calendar date,
/// or why it is none: MySQL stores `0000-00-00` and, without strict mode, `2024-02-30`; an
/// import reports such a row instead of inventing a date.
pub fn parse_source_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let day = t.get(..10).unwrap_or(t);
    let rest = t.get(10..).unwrap_or("");
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
        return Err(format!("'{t}' is not a date (YYYY-MM-DD)"));
    }
    if day.starts_with("0000-") || day.ends_with("-00") || day.get(4..8) == Some("-00-") {
        return Err(format!("'{day}' is not a date (a zero date)"));
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .filter(|_| day.len() == 10)
        .ok_or_else(|| format!("'{day}' is not a date"))
}

/// A source's DATETIME/TIMESTAMP text (`YYYY-MM-DD HH:MM:SS[.ffffff]`, taken as UTC) as an
/// instant, or why it is none (as [`parse_source_date`]).
pub fn parse_source_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let day = parse_source_date(t)?;
    let time = t.get(11..).unwrap_or("");
    if time.is_empty() {
        return Ok(day.and_time(NaiveTime::MIN).and_utc());
    }
    NaiveTime::parse_from_str(time, "%H:%M:%S%.f")
        .map(|tm| day.and_time(tm).and_utc())
        .map_err(|_| format!("'{t}' is not a time of day"))
}

/// The original system's subscription status in our words: `active` stays active;
/// `inactive` is `expired` once its end date has passed, else `suspended` (a hold, as the
/// original routes take an incoming `inactive`).
pub fn original_subscription_status(
    status: &str,
    end: NaiveDate,
    today: NaiveDate,
) -> Result<SubscriptionStatus, String> {
    match status.trim().to_ascii_lowercase().as_str() {
        "active" => Ok(SubscriptionStatus::Active),
        "inactive" if end < today => Ok(SubscriptionStatus::Expired),
        "inactive" => Ok(SubscriptionStatus::Suspended),
        other => Err(format!("status '{other}' is neither active nor inactive")),
    }
}

/// The original system's invoice status in our words: `pending` and `overdue` are open
/// (`pending`: overdue is derived from the due date here), `paid` is paid.
pub fn original_invoice_status(status: &str) -> Result<InvoiceStatus, String> {
    match status.trim().to_ascii_lowercase().as_str() {
        "pending" | "overdue" => Ok(InvoiceStatus::Pending),
        "paid" => Ok(InvoiceStatus::Paid),
        other => Err(format!(
            "invoice_status '{other}' is none of pending, paid, overdue"
        )),
    }
}

/// The original system's user role here: our three words keep theirs; any other (the
/// original checked none) becomes `cashier`, the role with the fewest rights, with a note.
pub fn original_role(role: &str) -> (Role, Option<String>) {
    match Role::parse(&role.trim().to_ascii_lowercase()) {
        Some(r) => (r, None),
        None => (
            Role::Cashier,
            Some(format!(
                "role '{}' has no meaning here: imported as cashier (fewest rights)",
                role.trim()
            )),
        ),
    }
}

/// The audit entry of one year's invoices an import batch numbered `after + 1 ..= last`, with
/// their total: shaped as a generation run's, so `audit verify` checks both the same way.
pub fn invoices_imported(
    by: &str,
    source: Source,
    year: i32,
    after: i64,
    last: i64,
    total_minor: i64,
) -> crate::domain::audit::NewAudit {
    use crate::domain::audit::{AuditAction, AuditEntity, NewAudit};
    NewAudit::new(
        by,
        AuditAction::InvoicesImported,
        AuditEntity::BillingRun,
        format!("import:{source}"),
    )
    .after(serde_json::json!({
        "source": source.as_str(),
        "year": year,
        "after_seq": after,
        "last_seq": last,
        "created": last - after,
        "total_minor": total_minor,
    }))
}

/// The audit entry of the payments an import batch created with the consecutive ids
/// `first ..= last`, with their total.
pub fn payments_imported(
    by: &str,
    source: Source,
    first: i64,
    last: i64,
    total_minor: i64,
) -> crate::domain::audit::NewAudit {
    use crate::domain::audit::{AuditAction, AuditEntity, NewAudit};
    NewAudit::new(
        by,
        AuditAction::PaymentsImported,
        AuditEntity::Payment,
        format!("{first}..{last}"),
    )
    .after(serde_json::json!({
        "source": source.as_str(),
        "after_seq": first - 1,
        "last_seq": last,
        "created": last - first + 1,
        "total_minor": total_minor,
    }))
}

fn verb(a: Action, dry_run: bool) -> &'static str {
    match (a, dry_run) {
        (Action::Create, false) => "created",
        (Action::Create, true) => "to create",
        (Action::Link, false) => "linked",
        (Action::Link, true) => "to link",
        (Action::Unchanged, _) => "already imported",
        (Action::Skip, _) => "skipped",
    }
}

fn order<W: crate::domain::words::Word>(w: W) -> usize {
    W::ALL.iter().position(|x| *x == w).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_words_map_to_ours() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let sub = |s, end| original_subscription_status(s, day(end), day(15));
        assert_eq!(sub("active", 1), Ok(SubscriptionStatus::Active));
        assert_eq!(sub("inactive", 14), Ok(SubscriptionStatus::Expired));
        assert_eq!(sub("Inactive", 15), Ok(SubscriptionStatus::Suspended));
        assert!(sub("paused", 15).is_err());
        assert_eq!(
            original_invoice_status("overdue"),
            Ok(InvoiceStatus::Pending)
        );
        assert_eq!(original_invoice_status("paid"), Ok(InvoiceStatus::Paid));
        assert!(original_invoice_status("void").is_err());
        assert_eq!(original_role("Admin"), (Role::Admin, None));
        assert_eq!(original_role("staff").0, Role::Cashier);
    }

    #[test]
    fn impossible_source_dates_are_reported_not_invented() {
        let d = |s| parse_source_date(s);
        assert_eq!(
            d("2024-02-29"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        assert_eq!(d("2024-02-29 13:00:00").unwrap().to_string(), "2024-02-29");
        for bad in [
            "0000-00-00",
            "2024-00-10",
            "2024-03-00",
            "2023-02-29",
            "2024-02-30",
            "x",
            "",
        ] {
            assert!(d(bad).is_err(), "{bad}");
        }
        assert!(d("0000-00-00").unwrap_err().contains("zero date"));
        assert_eq!(
            parse_source_timestamp("2025-01-02 03:04:05")
                .unwrap()
                .to_rfc3339(),
            "2025-01-02T03:04:05+00:00"
        );
        assert!(parse_source_timestamp("0000-00-00 00:00:00").is_err());
        assert!(parse_source_timestamp("2025-01-02 25:00:00").is_err());
    }

    #[test]
    fn counts_are_exact_and_ordered_while_steps_are_capped() {
        let mut p = Plan::new(Source::Original, true);
        p.skip(
            Entity::Invoice,
            "invoice#9",
            "its subscription 4 does not exist",
        );
        for i in 0..(KEPT_STEPS + 5) {
            p.create(Entity::Client, format!("clients#{i}"), None);
        }
        p.link(Entity::Client, "clients#x", 3, "same ppp_secret_name");
        assert_eq!(p.rows(Entity::Client, Action::Create), KEPT_STEPS + 5);
        assert_eq!(p.steps_left_out, 5);
        assert_eq!(p.changed(), KEPT_STEPS + 6);
        let order: Vec<(Entity, Action)> = p.counts.iter().map(|c| (c.entity, c.action)).collect();
        assert_eq!(
            order,
            vec![
                (Entity::Client, Action::Create),
                (Entity::Client, Action::Link),
                (Entity::Invoice, Action::Skip)
            ]
        );
        assert_eq!(p.skipped().count(), 1);
        let text = p.summary();
        assert!(text.contains("dry run"), "{text}");
        assert!(text.contains("10005 to create, 1 to link"), "{text}");
        assert!(
            text.contains("invoice invoice#9: its subscription 4 does not exist"),
            "{text}"
        );
    }

    #[test]
    fn merging_parts_adds_their_counts() {
        let mut run = Plan::new(Source::Router, false);
        let mut a = Plan::new(Source::Router, false);
        a.create(Entity::Client, "/ppp/secret a", Some(1));
        a.count(Entity::Invoice, Action::Create, 12);
        let mut b = Plan::new(Source::Router, false);
        b.unchanged(Entity::Client, "/ppp/secret b", 2);
        run.merge(a);
        run.merge(b);
        assert_eq!(run.rows(Entity::Client, Action::Create), 1);
        assert_eq!(run.rows(Entity::Client, Action::Unchanged), 1);
        assert_eq!(run.rows(Entity::Invoice, Action::Create), 12);
        assert_eq!(run.steps.len(), 2);
        assert_eq!(run.steps_left_out, 12);
    }
}
