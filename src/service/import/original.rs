//! `mikronet import original`: the original PHP system's MySQL tables (README, *Moving in*).
//!
//! Phases in dependency order: plans, clients, subscriptions, invoices (with the payment of
//! each paid one), the unfinished `payment` table (linked to those payments), users. Each phase
//! reads its source table in pages, decides every row (the [`Plan`]), and — on a real run —
//! applies its creates [`BATCH`] at a time, each batch one transaction that also records the
//! import map. An original id is kept where ours is free; otherwise the row gets the next free
//! id and its step says so (the import map holds both). A row that matches one of ours by its
//! unique name (a plan's name, a client's PPP secret name, a user name) is linked to it and
//! left as it is.
//!
//! Audit entries: one per plan and per user (as their own creation writes), one per batch and
//! year for the invoices (`invoices_imported`: a range of invoice numbers, as a generation run's)
//! and one per batch for the payments (`payments_imported`: a range of payment ids); `mikronet
//! audit verify` checks both against the books.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::{ApplyBatch, BATCH, Progress, apply_in_batches, apply_part, take_ready};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit, plan_state};
use crate::domain::billing::invoice::{Invoice, InvoiceStatus, Payment, PaymentStatus};
use crate::domain::billing::period::Period;
use crate::domain::billing::plan::{Plan as OurPlan, PlanDraft};
use crate::domain::billing::subscription::Subscription;
use crate::domain::client::{Client, ClientDraft};
use crate::domain::ids::{ClientId, InvoiceId, PaymentId, PlanId, SubscriptionId, UserId};
use crate::domain::import::{
    Entity, Plan, Source, invoices_imported, original_invoice_status, original_role,
    original_subscription_status, parse_source_date, parse_source_timestamp, payments_imported,
};
use crate::domain::money::Money;
use crate::domain::user::{Actor, Role, User, check_username};
use crate::domain::validation::FieldErrors;
use crate::provisioning::outbox;
use crate::service::{AppError, audit, require};
use crate::storage::repo::{billing, imports, plans};
use crate::storage::source::{PAGE, SourceDb, SourceRow};
use crate::storage::{Exec, StoreError, Value};

const SOURCE: Source = Source::Original;

/// Imports the original system's database at `from` (on a dry run: only plans it).
pub async fn run(
    app: &App,
    actor: &Actor,
    from: &str,
    dry_run: bool,
    progress: &dyn Progress,
) -> Result<Plan, AppError> {
    require(
        actor,
        Role::manages_users,
        "only an admin may import a provider's data",
    )?;
    let src = SourceDb::open(from).await.map_err(|e| {
        AppError::bad_request("from", &format!("cannot read the original's database: {e}"))
    })?;
    let tables = Tables::find(&src)?;
    let ours = app.db.read(|ex| Box::pin(Ours::read(ex))).await?;
    let mut run = Run {
        app,
        by: actor.username.clone(),
        src: &src,
        tables,
        ours,
        plan: Plan::new(SOURCE, dry_run),
        progress,
        today: app.today(),
        now: Utc::now(),
        resolved: HashMap::new(),
        present: HashMap::new(),
    };
    run.plans().await?;
    run.clients().await?;
    let subs = run.subscriptions().await?;
    let paid = run.invoices(&subs).await?;
    run.payments(&paid).await?;
    run.users().await?;
    tracing::info!(
        by = %actor.username,
        dry_run,
        changed = run.plan.changed(),
        skipped = run.plan.skipped().count(),
        "import from the original system"
    );
    Ok(run.plan)
}

/// The original's tables, as it spells them.
struct Tables {
    clients: String,
    plan: String,
    subscription: String,
    invoice: String,
    users: String,
    payment: Option<String>,
}

impl Tables {
    fn find(src: &SourceDb) -> Result<Tables, AppError> {
        let need = |name: &str| {
            src.table(name).map(str::to_owned).ok_or_else(|| {
                AppError::bad_request(
                    "from",
                    &format!("the database has no table {name}: is it the original system's?"),
                )
            })
        };
        Ok(Tables {
            clients: need("clients")?,
            plan: need("plan")?,
            subscription: need("subscription")?,
            invoice: need("invoice")?,
            users: need("users")?,
            payment: src.table("payment").map(str::to_owned),
        })
    }
}

/// What is here already: the import map, the ids in use, the unique names.
struct Ours {
    map: HashMap<Entity, HashMap<String, i64>>,
    ids: HashMap<Entity, Ids>,
    /// (entity, unique name) → our id: plans by name, clients by PPP secret name, users by
    /// user name.
    names: HashMap<(Entity, String), i64>,
    periods: HashMap<i64, Period>,
}

impl Ours {
    async fn read(ex: &mut dyn Exec) -> Result<Ours, StoreError> {
        let mut map = HashMap::new();
        let mut ids = HashMap::new();
        for (e, table) in [
            (Entity::Plan, "plans"),
            (Entity::Client, "clients"),
            (Entity::Subscription, "subscriptions"),
            (Entity::Invoice, "invoices"),
            (Entity::User, "users"),
        ] {
            map.insert(e, imports::mapped(ex, SOURCE, e).await?);
            ids.insert(e, Ids::new(imports::ids(ex, table).await?));
        }
        let payments = match map.get(&Entity::Invoice) {
            Some(invoices) if !invoices.is_empty() => payment_map(ex, invoices).await?,
            _ => imports::mapped(ex, SOURCE, Entity::Payment).await?,
        };
        map.insert(Entity::Payment, payments);
        let mut names = HashMap::new();
        for (e, table, column) in [
            (Entity::Plan, "plans", "name"),
            (Entity::Client, "clients", "ppp_secret_name"),
            (Entity::User, "users", "username"),
        ] {
            for (name, id) in imports::by_key(ex, table, column).await? {
                names.insert((e, name), id);
            }
        }
        let periods = plans::list(ex)
            .await?
            .into_iter()
            .map(|p| (p.id.0, p.period))
            .collect();
        Ok(Ours {
            map,
            ids,
            names,
            periods,
        })
    }

    /// Our id of a source row imported before.
    fn mapped(&self, e: Entity, key: i64) -> Option<i64> {
        self.map.get(&e)?.get(&key.to_string()).copied()
    }

    /// The original's id when it is free here, else the next free one, with a note saying so.
    fn take(&mut self, e: Entity, want: i64) -> (i64, Option<String>) {
        self.ids
            .entry(e)
            .or_insert_with(|| Ids::new(HashSet::new()))
            .take(want)
    }
}

/// Ids in use in one of our tables, and the next free one above them all.
struct Ids {
    taken: HashSet<i64>,
    next: i64,
}

impl Ids {
    fn new(taken: HashSet<i64>) -> Ids {
        let next = taken.iter().max().copied().unwrap_or(0) + 1;
        Ids { taken, next }
    }

    fn take(&mut self, want: i64) -> (i64, Option<String>) {
        if want > 0 && self.taken.insert(want) {
            self.next = self.next.max(want + 1);
            return (want, None);
        }
        while self.taken.contains(&self.next) {
            self.next += 1;
        }
        let id = self.next;
        self.taken.insert(id);
        self.next += 1;
        (
            id,
            Some(format!("id {want} is taken here: imported as {id}")),
        )
    }
}

/// One import run's state.
struct Run<'a> {
    app: &'a App,
    by: String,
    src: &'a SourceDb,
    tables: Tables,
    ours: Ours,
    plan: Plan,
    progress: &'a dyn Progress,
    today: NaiveDate,
    now: DateTime<Utc>,
    /// Source key → our id of every row imported now, before, or linked (planned ids on a dry
    /// run), per entity.
    resolved: HashMap<Entity, HashMap<i64, i64>>,
    /// The source keys each source table holds (to tell "skipped" from "missing").
    present: HashMap<Entity, HashSet<i64>>,
}

/// What a subscription's invoices need of it: our ids and its plan's period.
#[derive(Clone, Copy)]
struct SubFacts {
    id: i64,
    client_id: i64,
    period: Period,
}

/// An invoice row as decided: what its invoice (and payment) will be.
struct Decided {
    sub: i64,
    facts: SubFacts,
    invoice_date: NaiveDate,
    due_date: NaiveDate,
    total: Money,
    status: InvoiceStatus,
    /// Paid: the payment's date and method.
    with: Option<(NaiveDate, String)>,
    period_end: NaiveDate,
}

/// A paid invoice's payment as the original recorded it on the invoice.
struct PaidWith {
    date: NaiveDate,
    method: Arc<str>,
}

/// An invoice to create, with its payment when it was paid.
struct NewInvoice {
    key: i64,
    invoice: Invoice,
    paid: Option<PaidWith>,
}

/// Paid invoices by (source subscription, amount, payment date) → the invoice's source key:
/// what the rows of the unfinished `payment` table are matched against.
type PaidIndex = HashMap<(i64, i64, NaiveDate), i64>;

fn field_errors(e: &FieldErrors) -> String {
    e.0.iter()
        .map(|(f, m)| format!("{f} {m}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn text(r: &SourceRow, i: usize) -> &str {
    r.text(i).unwrap_or("")
}

/// A date column, or why it is none.
fn date(r: &SourceRow, i: usize, column: &str) -> Result<NaiveDate, String> {
    match r.text(i) {
        None => Err(format!("{column} is missing")),
        Some(t) => parse_source_date(t).map_err(|e| format!("{column} {e}")),
    }
}

/// An integer column (a foreign key), or why it is none.
fn key(r: &SourceRow, i: usize, column: &str) -> Result<i64, String> {
    let t = text(r, i);
    t.trim()
        .parse()
        .map_err(|_| format!("{column} '{t}' is not an id"))
}

impl Run<'_> {
    fn resolve(&mut self, e: Entity, key: i64, id: i64) {
        self.resolved.entry(e).or_default().insert(key, id);
    }

    fn resolved(&self, e: Entity, key: i64) -> Option<i64> {
        self.resolved.get(&e)?.get(&key).copied()
    }

    /// Why a row's reference to `key` of `e` (in `table`) cannot be followed.
    fn unresolved(&self, e: Entity, table: &str, column: &str, key: i64) -> String {
        let there = self.present.get(&e).is_some_and(|p| p.contains(&key));
        if there {
            format!("{column} {key}: {table}#{key} was skipped")
        } else {
            format!("{column} {key}: {table}#{key} does not exist in the original")
        }
    }

    /// Every row of `table` (key column `key`), noting which keys it holds.
    async fn read(
        &mut self,
        e: Entity,
        table: &str,
        key: &str,
        cols: &[&str],
    ) -> Result<Vec<SourceRow>, AppError> {
        let what = format!("reading {table}");
        self.progress.step(&what, 0, 1);
        let rows = self.src.all_rows(table, key, cols).await?;
        self.progress.step(&what, 1, 1);
        self.present.insert(e, rows.iter().map(|r| r.key).collect());
        Ok(rows)
    }

    /// A row imported before: unchanged. True when it was.
    fn before(&mut self, e: Entity, source: &str, key: i64) -> bool {
        match self.ours.mapped(e, key) {
            Some(id) => {
                self.plan.unchanged(e, source.to_owned(), id);
                self.resolve(e, key, id);
                true
            }
            None => false,
        }
    }

    /// A row whose unique name is one of ours (linked, true), or another row's of this same
    /// import (skipped, true); else the name is claimed for this row (false).
    fn named(
        &mut self,
        e: Entity,
        source: &str,
        key: i64,
        column: &str,
        name: &str,
        links: &mut Vec<(String, i64)>,
    ) -> bool {
        let k = (e, name.to_owned());
        let Some(&id) = self.ours.names.get(&k) else {
            self.ours.names.insert(k, -key);
            return false;
        };
        if id < 0 {
            self.plan.skip(
                e,
                source.to_owned(),
                format!("{column} '{name}' is also #{}'s in the original", -id),
            );
        } else {
            self.plan.link(
                e,
                source.to_owned(),
                id,
                format!("{column} '{name}' is here already: linked, left as it is"),
            );
            links.push((key.to_string(), id));
            self.resolve(e, key, id);
        }
        true
    }

    /// Records linked rows in the import map (nothing on a dry run).
    async fn record_links(&self, e: Entity, links: Vec<(String, i64)>) -> Result<(), AppError> {
        if self.plan.dry_run || links.is_empty() {
            return Ok(());
        }
        let now = self.now;
        self.app
            .db
            .write(move |ex| {
                Box::pin(async move { imports::record_many(ex, SOURCE, e, &links, now).await })
            })
            .await?;
        Ok(())
    }

    /// Applies one phase's creates (nothing on a dry run).
    async fn apply<T: Send + 'static>(
        &self,
        what: &str,
        items: Vec<T>,
        apply: ApplyBatch<T>,
    ) -> Result<(), AppError> {
        if self.plan.dry_run || items.is_empty() {
            return Ok(());
        }
        apply_in_batches(self.app, what, items, BATCH, self.progress, apply).await
    }

    async fn plans(&mut self) -> Result<(), AppError> {
        let table = self.tables.plan.clone();
        let rows = self
            .read(
                Entity::Plan,
                &table,
                "plan_id",
                &["plan_name", "price", "ppp_profile_name"],
            )
            .await?;
        let mut new: Vec<(i64, OurPlan)> = Vec::new();
        let mut links = Vec::new();
        for r in rows {
            let source = format!("{table}#{}", r.key);
            if self.before(Entity::Plan, &source, r.key) {
                continue;
            }
            let price = match Money::parse_decimal(text(&r, 1)) {
                Ok(p) => p,
                Err(why) => {
                    let shown = format!("price '{}' {why}", text(&r, 1));
                    self.plan.skip(Entity::Plan, source, shown);
                    continue;
                }
            };
            let draft = PlanDraft {
                plan_name: r.text(0).map(str::to_owned),
                price: Some(price),
                ppp_profile_name: r.text(2).map(str::to_owned),
                ..PlanDraft::default()
            };
            let mut p = match OurPlan::validate(&draft) {
                Ok(p) => p,
                Err(e) => {
                    self.plan.skip(Entity::Plan, source, field_errors(&e));
                    continue;
                }
            };
            if self.named(
                Entity::Plan,
                &source,
                r.key,
                "plan_name",
                &p.name,
                &mut links,
            ) {
                continue;
            }
            let (id, note) = self.ours.take(Entity::Plan, r.key);
            p.id = PlanId(id);
            self.ours.periods.insert(id, p.period);
            self.create_keyed(Entity::Plan, source, r.key, id, note);
            new.push((r.key, p));
        }
        self.record_links(Entity::Plan, links).await?;
        let (by, now) = (self.by.clone(), self.now);
        self.apply(
            "plans",
            new,
            Arc::new(move |ex, batch| {
                let by = by.clone();
                Box::pin(async move { apply_plans(ex, batch, &by, now).await })
            }),
        )
        .await
    }

    fn create_keyed(&mut self, e: Entity, source: String, key: i64, id: i64, note: Option<String>) {
        let shown = (!self.plan.dry_run).then_some(id);
        match note {
            Some(n) => self.plan.create_noted(e, source, shown, n),
            None => self.plan.create(e, source, shown),
        }
        self.resolve(e, key, id);
    }

    async fn clients(&mut self) -> Result<(), AppError> {
        let table = self.tables.clients.clone();
        let rows = self
            .read(
                Entity::Client,
                &table,
                "client_id",
                &["name", "phone_number", "address", "ppp_secret_name"],
            )
            .await?;
        let mut new: Vec<(i64, Client)> = Vec::new();
        let mut links = Vec::new();
        for r in rows {
            let source = format!("{table}#{}", r.key);
            if self.before(Entity::Client, &source, r.key) {
                continue;
            }
            let draft = ClientDraft {
                name: r.text(0).map(str::to_owned),
                phone_number: r.text(1).map(str::to_owned),
                address: r.text(2).map(str::to_owned),
                ppp_secret_name: r.text(3).map(str::to_owned),
                ..ClientDraft::default()
            };
            let mut c = match Client::validate_imported(&draft) {
                Ok(c) => c,
                Err(e) => {
                    self.plan.skip(Entity::Client, source, field_errors(&e));
                    continue;
                }
            };
            let name = c.ppp_secret_name.clone();
            if self.named(
                Entity::Client,
                &source,
                r.key,
                "ppp_secret_name",
                &name,
                &mut links,
            ) {
                continue;
            }
            let (id, note) = self.ours.take(Entity::Client, r.key);
            c.id = ClientId(id);
            self.create_keyed(Entity::Client, source, r.key, id, note);
            new.push((r.key, c));
        }
        self.record_links(Entity::Client, links).await?;
        let now = self.now;
        self.apply(
            "clients",
            new,
            Arc::new(move |ex, batch| Box::pin(async move { apply_clients(ex, batch, now).await })),
        )
        .await
    }

    /// Returns what the invoices need of each subscription, by its source key.
    async fn subscriptions(&mut self) -> Result<HashMap<i64, SubFacts>, AppError> {
        let table = self.tables.subscription.clone();
        let rows = self
            .read(
                Entity::Subscription,
                &table,
                "subscription_id",
                &["client_id", "plan_id", "start_date", "end_date", "status"],
            )
            .await?;
        let mut facts = HashMap::new();
        let mut new: Vec<(i64, Subscription)> = Vec::new();
        for r in rows {
            let source = format!("{table}#{}", r.key);
            let decided = self.decide_subscription(&r);
            if self.before(Entity::Subscription, &source, r.key) {
                if let (Ok(s), Some(id)) = (&decided, self.resolved(Entity::Subscription, r.key)) {
                    facts.insert(r.key, self.facts(id, s));
                }
                continue;
            }
            let mut s = match decided {
                Ok(s) => s,
                Err(why) => {
                    self.plan.skip(Entity::Subscription, source, why);
                    continue;
                }
            };
            let (id, note) = self.ours.take(Entity::Subscription, r.key);
            s.id = SubscriptionId(id);
            facts.insert(r.key, self.facts(id, &s));
            self.create_keyed(Entity::Subscription, source, r.key, id, note);
            new.push((r.key, s));
        }
        let now = self.now;
        self.apply(
            "subscriptions",
            new,
            Arc::new(move |ex, batch| {
                Box::pin(async move { apply_subscriptions(ex, batch, now).await })
            }),
        )
        .await?;
        Ok(facts)
    }

    /// A subscription row in our terms, or why it cannot be imported.
    fn decide_subscription(&self, r: &SourceRow) -> Result<Subscription, String> {
        let client = key(r, 0, "client_id")?;
        let client = self.resolved(Entity::Client, client).ok_or_else(|| {
            self.unresolved(Entity::Client, &self.tables.clients, "client_id", client)
        })?;
        let plan = key(r, 1, "plan_id")?;
        let plan = self
            .resolved(Entity::Plan, plan)
            .ok_or_else(|| self.unresolved(Entity::Plan, &self.tables.plan, "plan_id", plan))?;
        let start = date(r, 2, "start_date")?;
        let end = date(r, 3, "end_date")?;
        if end < start {
            return Err(format!("end_date {end} is before start_date {start}"));
        }
        let status = original_subscription_status(text(r, 4), end, self.today)?;
        Ok(Subscription {
            id: SubscriptionId(0),
            client_id: ClientId(client),
            plan_id: PlanId(plan),
            start_date: start,
            end_date: end,
            status,
        })
    }

    /// An invoice row in our terms, or why it cannot be imported.
    fn decide_invoice(
        &self,
        r: &SourceRow,
        subs: &HashMap<i64, SubFacts>,
    ) -> Result<Decided, String> {
        let sub = key(r, 0, "subscription_id")?;
        let facts = subs.get(&sub).copied().ok_or_else(|| {
            self.unresolved(
                Entity::Subscription,
                &self.tables.subscription,
                "subscription_id",
                sub,
            )
        })?;
        let invoice_date = date(r, 1, "invoice_date")?;
        let due_date = date(r, 2, "due_date")?;
        if due_date < invoice_date {
            return Err(format!(
                "due_date {due_date} is before invoice_date {invoice_date}"
            ));
        }
        let total = Money::parse_decimal(text(r, 3))
            .map_err(|e| format!("total_amount '{}' {e}", text(r, 3)))?;
        if total < Money::ZERO {
            return Err(format!("total_amount {total} is negative"));
        }
        let status = original_invoice_status(text(r, 4))?;
        let with = if status == InvoiceStatus::Paid {
            let method = text(r, 5).trim();
            if method.is_empty() || method.len() > 32 {
                return Err(
                    "invoice_status is paid but payment_method is missing or longer \
                                 than 32 characters"
                        .into(),
                );
            }
            let date = date(r, 6, "payment_date")
                .map_err(|e| format!("invoice_status is paid but {e}"))?;
            Some((date, method.to_owned()))
        } else {
            None
        };
        let period_end = facts
            .period
            .first_end(invoice_date)
            .ok_or_else(|| format!("invoice_date {invoice_date} is out of range"))?;
        Ok(Decided {
            sub,
            facts,
            invoice_date,
            due_date,
            total,
            status,
            with,
            period_end,
        })
    }

    fn facts(&self, id: i64, s: &Subscription) -> SubFacts {
        SubFacts {
            id,
            client_id: s.client_id.0,
            period: self
                .ours
                .periods
                .get(&s.plan_id.0)
                .copied()
                .unwrap_or(Period::MONTHLY),
        }
    }

    /// Returns the paid invoices, for the `payment` table's rows to be matched with.
    async fn invoices(&mut self, subs: &HashMap<i64, SubFacts>) -> Result<PaidIndex, AppError> {
        let table = self.tables.invoice.clone();
        let cols = [
            "subscription_id",
            "invoice_date",
            "due_date",
            "total_amount",
            "invoice_status",
            "payment_method",
            "payment_date",
        ];
        let total = self.src.count(&table).await?;
        let mut new: Vec<NewInvoice> = Vec::new();
        let mut paid = PaidIndex::new();
        let mut methods: HashMap<String, Arc<str>> = HashMap::new();
        let mut periods: HashMap<(i64, NaiveDate), i64> = HashMap::new();
        let mut existing: Option<HashSet<(i64, NaiveDate)>> = None;
        let mut read = 0u64;
        let mut after = i64::MIN;
        let (by, now) = (self.by.clone(), self.now);
        let apply: ApplyBatch<NewInvoice> = Arc::new(move |ex, batch| {
            let by = by.clone();
            Box::pin(async move { apply_invoices(ex, batch, &by, now).await })
        });
        let (src, app, progress) = (self.src, self.app, self.progress);
        let mut written = 0u64;
        let mut rows = src.page(&table, "invoice_id", &cols, after, PAGE).await?;
        loop {
            let n = rows.len();
            read += n as u64;
            self.progress.step(&format!("reading {table}"), read, total);
            for r in rows {
                after = r.key;
                let source = format!("{table}#{}", r.key);
                let decided = self.decide_invoice(&r, subs);
                if self.before(Entity::Invoice, &source, r.key) {
                    if let Ok(Decided {
                        sub,
                        total,
                        with: Some((date, _)),
                        ..
                    }) = decided
                    {
                        paid.insert((sub, total.minor(), date), r.key);
                    }
                    let payment = self
                        .ours
                        .map
                        .get(&Entity::Payment)
                        .and_then(|m| m.get(&payment_key("invoice", r.key)).copied());
                    if let Some(id) = payment {
                        self.plan.unchanged(Entity::Payment, source, id);
                    }
                    continue;
                }
                let Decided {
                    sub,
                    facts,
                    invoice_date,
                    due_date,
                    total,
                    status,
                    with,
                    period_end,
                } = match decided {
                    Ok(d) => d,
                    Err(why) => {
                        self.plan.skip(Entity::Invoice, source, why);
                        continue;
                    }
                };
                if let Some(&first) = periods.get(&(facts.id, invoice_date)) {
                    self.plan.skip(
                        Entity::Invoice,
                        source,
                        format!(
                            "a second invoice of subscription_id {sub} dated {invoice_date} \
                             ({table}#{first} is the first): one invoice per period here"
                        ),
                    );
                    continue;
                }
                periods.insert((facts.id, invoice_date), r.key);
                if existing.is_none() {
                    existing = Some(
                        self.app
                            .db
                            .read(|ex| Box::pin(imports::invoice_periods(ex)))
                            .await?,
                    );
                }
                if existing
                    .as_ref()
                    .is_some_and(|e| e.contains(&(facts.id, invoice_date)))
                {
                    self.plan.skip(
                        Entity::Invoice,
                        source,
                        format!(
                            "subscription_id {sub} has an invoice here for the period from \
                             {invoice_date} already"
                        ),
                    );
                    continue;
                }
                let (id, note) = self.ours.take(Entity::Invoice, r.key);
                let is_paid = with.is_some();
                let paid_with = with.map(|(date, method)| {
                    paid.insert((sub, total.minor(), date), r.key);
                    let method = methods
                        .entry(method)
                        .or_insert_with_key(|m| Arc::from(m.as_str()))
                        .clone();
                    PaidWith { date, method }
                });
                self.create_keyed(Entity::Invoice, source.clone(), r.key, id, note);
                if is_paid && total > Money::ZERO {
                    // Its id is handed out when the batch is written.
                    self.plan.create(Entity::Payment, source, None);
                }
                new.push(NewInvoice {
                    key: r.key,
                    invoice: Invoice {
                        id: InvoiceId(id),
                        year: 0,
                        seq: 0,
                        client_id: ClientId(facts.client_id),
                        subscription_id: SubscriptionId(facts.id),
                        period_start: invoice_date,
                        period_end,
                        invoice_date,
                        due_date,
                        total,
                        paid: if is_paid { total } else { Money::ZERO },
                        status,
                    },
                    paid: paid_with,
                });
            }
            // The whole batches decided so far are written while the next page is read (both
            // wait mostly on a database: the source's server, our writer); the rest waits
            // for the next page's rows.
            if self.plan.dry_run {
                new.clear();
            }
            let ready = take_ready(&mut new, n < PAGE);
            let part = (&mut written, total);
            if n < PAGE {
                apply_part(app, "invoices", ready, BATCH, part, progress, &apply).await?;
                break;
            }
            let (next, wrote) = tokio::join!(
                src.page(&table, "invoice_id", &cols, after, PAGE),
                apply_part(app, "invoices", ready, BATCH, part, progress, &apply),
            );
            wrote?;
            rows = next?;
        }
        drop(existing);
        if written > 0 {
            progress.step("invoices", written, written);
        }
        Ok(paid)
    }

    /// The unfinished `payment` table: each row is linked to the payment of the paid invoice of
    /// its subscription with its amount and date; any other is skipped (it paid for no invoice
    /// the original kept).
    async fn payments(&mut self, paid: &PaidIndex) -> Result<(), AppError> {
        let Some(table) = self.tables.payment.clone() else {
            return Ok(());
        };
        let invoices = self.tables.invoice.clone();
        let rows = self
            .read(
                Entity::Payment,
                &table,
                "payment_id",
                &[
                    "subscription_id",
                    "payment_date",
                    "amount",
                    "payment_status",
                ],
            )
            .await?;
        let by_invoice = if self.plan.dry_run || rows.is_empty() {
            HashMap::new()
        } else {
            // The invoices imported before and now, as the import map has them.
            let invoices: HashMap<String, i64> = self
                .resolved
                .get(&Entity::Invoice)
                .map(|m| m.iter().map(|(k, id)| (k.to_string(), *id)).collect())
                .unwrap_or_default();
            self.app
                .db
                .read(move |ex| Box::pin(async move { payment_map(ex, &invoices).await }))
                .await?
        };
        let mut links = Vec::new();
        for r in rows {
            let source = format!("{table}#{}", r.key);
            let key_here = payment_key("payment", r.key);
            if let Some(&id) = by_invoice.get(&key_here) {
                self.plan.unchanged(Entity::Payment, source, id);
                continue;
            }
            let decided = match_payment(&r, paid);
            match decided {
                Ok(invoice) => {
                    let found = by_invoice.get(&payment_key("invoice", invoice)).copied();
                    let why = format!("the payment of {invoices}#{invoice}");
                    match found {
                        Some(id) => {
                            self.plan.link(Entity::Payment, source, id, why);
                            links.push((key_here, id));
                        }
                        None => self.plan.push(crate::domain::import::Step {
                            entity: Entity::Payment,
                            source,
                            action: crate::domain::import::Action::Link,
                            id: None,
                            reason: Some(why),
                        }),
                    }
                }
                Err(why) => self.plan.skip(Entity::Payment, source, why),
            }
        }
        self.record_links(Entity::Payment, links).await
    }

    async fn users(&mut self) -> Result<(), AppError> {
        let table = self.tables.users.clone();
        let rows = self
            .read(
                Entity::User,
                &table,
                "user_id",
                &["username", "password_hash", "role", "created_at"],
            )
            .await?;
        let mut new: Vec<(i64, User, String)> = Vec::new();
        let mut links = Vec::new();
        for r in rows {
            let source = format!("{table}#{}", r.key);
            if self.before(Entity::User, &source, r.key) {
                continue;
            }
            let mut e = FieldErrors::default();
            let Some(username) = check_username(&mut e, r.text(0)) else {
                self.plan.skip(Entity::User, source, field_errors(&e));
                continue;
            };
            let hash = text(&r, 1).trim().to_owned();
            if !crate::security::password::is_importable(&hash) {
                self.plan.skip(
                    Entity::User,
                    source,
                    "password_hash is not a PHP password_hash (bcrypt $2y$) value",
                );
                continue;
            }
            if self.named(
                Entity::User,
                &source,
                r.key,
                "username",
                &username,
                &mut links,
            ) {
                continue;
            }
            let (role, role_note) = original_role(text(&r, 2));
            let (created_at, date_note) = match parse_source_timestamp(text(&r, 3)) {
                Ok(t) => (t, None),
                Err(why) => (
                    self.now,
                    Some(format!("created_at {why}: the import's time is kept")),
                ),
            };
            let (id, id_note) = self.ours.take(Entity::User, r.key);
            let notes: Vec<String> = [id_note, role_note, date_note]
                .into_iter()
                .flatten()
                .collect();
            let note = (!notes.is_empty()).then(|| notes.join("; "));
            self.create_keyed(Entity::User, source, r.key, id, note);
            new.push((
                r.key,
                User {
                    id: UserId(id),
                    username,
                    role,
                    disabled: false,
                    created_at,
                },
                hash,
            ));
        }
        self.record_links(Entity::User, links).await?;
        let (by, now) = (self.by.clone(), self.now);
        self.apply(
            "users",
            new,
            Arc::new(move |ex, batch| {
                let by = by.clone();
                Box::pin(async move { apply_users(ex, batch, &by, now).await })
            }),
        )
        .await
    }
}

/// The paid invoice (its source key) a row of the `payment` table paid, or why none.
fn match_payment(r: &SourceRow, paid: &PaidIndex) -> Result<i64, String> {
    let sub = key(r, 0, "subscription_id")?;
    let date = date(r, 1, "payment_date")?;
    let amount =
        Money::parse_decimal(text(r, 2)).map_err(|e| format!("amount '{}' {e}", text(r, 2)))?;
    paid.get(&(sub, amount.minor(), date))
        .copied()
        .ok_or_else(|| {
            format!(
                "no paid invoice of subscription_id {sub} for {amount} paid on {date}: \
                         the original's unfinished payment table; record it by hand if it is real"
            )
        })
}

/// The key of a payment: the invoice it came from (`invoice#12`) or the row of the `payment`
/// table it was linked from (`payment#3`, in the import map).
fn payment_key(table: &str, key: impl std::fmt::Display) -> String {
    format!("{table}#{key}")
}

/// What the payment of an imported paid invoice has as its reference, before the invoice's key.
const PAID_REFERENCE: &str = "original invoice ";

/// Every payment of ours that came from the original, by [`payment_key`]: the rows of the
/// `payment` table linked (import map), and the payment of each imported paid invoice: it
/// has no import-map row of its own (a million fewer rows for a year of invoices) but is the
/// first payment of the invoice that `invoices` (source key → our id) names whose reference
/// is [`PAID_REFERENCE`] and that key, so a payment recorded later by hand is never taken
/// for it. (A database imported before has such rows in the import map too: read as well.)
async fn payment_map(
    ex: &mut dyn Exec,
    invoices: &HashMap<String, i64>,
) -> Result<HashMap<String, i64>, StoreError> {
    let mut map = imports::mapped(ex, SOURCE, Entity::Payment).await?;
    for (key, id, invoice) in imports::payments_by_reference(ex, PAID_REFERENCE).await? {
        if invoices.get(&key) == Some(&invoice) {
            map.entry(payment_key("invoice", key)).or_insert(id);
        }
    }
    Ok(map)
}

/// The import map's rows of one batch: (source key, our id).
fn keys<T>(batch: &[(i64, T)], id: impl Fn(&T) -> i64) -> Vec<(String, i64)> {
    batch.iter().map(|(k, t)| (k.to_string(), id(t))).collect()
}

async fn apply_plans(
    ex: &mut dyn Exec,
    batch: Vec<(i64, OurPlan)>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rows: Vec<&OurPlan> = batch.iter().map(|(_, p)| p).collect();
    imports::insert_with_ids(ex, &rows, &["created_at", "updated_at"], |_, a| {
        a.extend([Value::from(now), Value::from(now)]);
    })
    .await?;
    imports::follow_ids(ex, "plans").await?;
    imports::record_many(ex, SOURCE, Entity::Plan, &keys(&batch, |p| p.id.0), now).await?;
    for (_, p) in &batch {
        outbox::plan_changed(ex, p.id).await?;
    }
    for (_, p) in &batch {
        let entry = NewAudit::new(by, AuditAction::PlanCreated, AuditEntity::Plan, p.id)
            .after(plan_state(p));
        audit::record_tx(ex, entry).await?;
    }
    Ok(())
}

async fn apply_clients(
    ex: &mut dyn Exec,
    batch: Vec<(i64, Client)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rows: Vec<&Client> = batch.iter().map(|(_, c)| c).collect();
    // No PPP password yet: only the router knows it (provisioning pushes no such client).
    imports::insert_with_ids(
        ex,
        &rows,
        &["ppp_password_enc", "created_at", "updated_at"],
        |_, a| a.extend([Value::from(""), Value::from(now), Value::from(now)]),
    )
    .await?;
    imports::follow_ids(ex, "clients").await?;
    imports::record_many(ex, SOURCE, Entity::Client, &keys(&batch, |c| c.id.0), now).await?;
    Ok(())
}

async fn apply_subscriptions(
    ex: &mut dyn Exec,
    batch: Vec<(i64, Subscription)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rows: Vec<&Subscription> = batch.iter().map(|(_, s)| s).collect();
    imports::insert_with_ids(ex, &rows, &["created_at", "updated_at"], |_, a| {
        a.extend([Value::from(now), Value::from(now)]);
    })
    .await?;
    imports::follow_ids(ex, "subscriptions").await?;
    let map = keys(&batch, |s| s.id.0);
    imports::record_many(ex, SOURCE, Entity::Subscription, &map, now).await?;
    Ok(())
}

async fn apply_invoices(
    ex: &mut dyn Exec,
    mut batch: Vec<NewInvoice>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Numbers: each year's next ones, in the original's order.
    let mut years: BTreeMap<i32, (i64, i64, i64)> = BTreeMap::new();
    for n in &batch {
        years.entry(n.invoice.invoice_date.year()).or_default();
    }
    for (year, (after, last, _)) in years.iter_mut() {
        *after = billing::lock_counter(ex, *year).await?;
        *last = *after;
    }
    for n in &mut batch {
        let year = n.invoice.invoice_date.year();
        let (_, last, total) = years.get_mut(&year).expect("every year was counted");
        *last += 1;
        *total += n.invoice.total.minor();
        n.invoice.year = year;
        n.invoice.seq = *last;
    }
    for (year, (_, last, _)) in &years {
        billing::set_counter(ex, *year, *last).await?;
    }
    let rows: Vec<&Invoice> = batch.iter().map(|n| &n.invoice).collect();
    imports::insert_with_ids(ex, &rows, &["created_at"], |_, a| a.push(now.into())).await?;
    imports::follow_ids(ex, "invoices").await?;
    let map: Vec<(String, i64)> = batch
        .iter()
        .map(|n| (n.key.to_string(), n.invoice.id.0))
        .collect();
    imports::record_many(ex, SOURCE, Entity::Invoice, &map, now).await?;

    let first = imports::last_payment_id(ex).await? + 1;
    let mut pays: Vec<Payment> = Vec::new();
    for n in &batch {
        let Some(with) = &n.paid else { continue };
        if n.invoice.total <= Money::ZERO {
            continue;
        }
        let id = first + pays.len() as i64;
        pays.push(Payment {
            id: PaymentId(id),
            invoice_id: n.invoice.id,
            amount: n.invoice.total,
            payment_date: with.date,
            payment_method: with.method.to_string(),
            reference: Some(format!("{PAID_REFERENCE}{}", n.key)),
            status: PaymentStatus::Success,
            recorded_by: by.to_owned(),
            created_at: now,
        });
    }
    let paid_total: i64 = pays.iter().map(|p| p.amount.minor()).sum();
    let pay_rows: Vec<&Payment> = pays.iter().collect();
    imports::insert_with_ids(ex, &pay_rows, &[], |_, _| {}).await?;
    imports::follow_ids(ex, "payments").await?;

    for (year, (after, last, total)) in &years {
        let entry = invoices_imported(by, SOURCE, *year, *after, *last, *total);
        audit::record_tx(ex, entry).await?;
    }
    if !pays.is_empty() {
        let last = first + pays.len() as i64 - 1;
        audit::record_tx(ex, payments_imported(by, SOURCE, first, last, paid_total)).await?;
    }
    Ok(())
}

async fn apply_users(
    ex: &mut dyn Exec,
    batch: Vec<(i64, User, String)>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rows: Vec<&User> = batch.iter().map(|(_, u, _)| u).collect();
    let hashes: HashMap<i64, &str> = batch.iter().map(|(_, u, h)| (u.id.0, h.as_str())).collect();
    imports::insert_with_ids(ex, &rows, &["password_hash", "updated_at"], |u, a| {
        a.extend([
            Value::from(hashes.get(&u.id.0).copied().unwrap_or("")),
            Value::from(now),
        ]);
    })
    .await?;
    imports::follow_ids(ex, "users").await?;
    let map: Vec<(String, i64)> = batch
        .iter()
        .map(|(k, u, _)| (k.to_string(), u.id.0))
        .collect();
    imports::record_many(ex, SOURCE, Entity::User, &map, now).await?;
    for (_, u, _) in &batch {
        let entry = NewAudit::new(by, AuditAction::UserCreated, AuditEntity::User, u.id).after(
            serde_json::json!({
                "username": u.username,
                "role": u.role.as_str(),
                "disabled": false,
                "imported_from": SOURCE.as_str(),
            }),
        );
        audit::record_tx(ex, entry).await?;
    }
    Ok(())
}
