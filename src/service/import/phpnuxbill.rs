//! Moving in from phpNuxBill (see the README's *From phpNuxBill*): its PPPoE customers,
//! plans, current recharges, transactions, routers and staff, read from its MySQL database
//! (`storage::source`, read-only) and written as our clients, plans, subscriptions, paid
//! invoices with their payments, routers and users.
//!
//! The plan is made first, from the source and from what is already here: every row we create
//! gets its id then (after the table's largest), so a dry run can show what links to what and
//! a real run writes rows that refer to each other in set-based, multi-row INSERTs. Hotspot
//! customers and plans, vouchers and 'Balance' plans have no counterpart here and are skipped;
//! a customer's balance is reported (there is no account credit yet).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::{
    ApplyBatch, BATCH, Entity, Plan, Progress, Source, apply_in_batches, apply_part, take_ready,
};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit, plan_state};
use crate::domain::billing::invoice::{Invoice, InvoiceStatus, Payment, PaymentStatus};
use crate::domain::billing::plan::Plan as OurPlan;
use crate::domain::billing::subscription::{Status, Subscription};
use crate::domain::client::Client;
use crate::domain::ids::{ClientId, InvoiceId, PaymentId, PlanId, RouterId, SubscriptionId};
use crate::domain::import::{
    invoices_imported, parse_source_date, payments_imported, phpnuxbill as rules,
};
use crate::domain::money::Money;
use crate::domain::router::{Router, RouterSettings, SuspendMode, Transport};
use crate::domain::user::{Actor, Role, User};
use crate::domain::validation::Sealed;
use crate::service::{AppError, auth, require};
use crate::storage::repo::{audit as audit_repo, billing, imports, users};
use crate::storage::source::{PAGE, SourceDb, SourceRow};
use crate::storage::{Exec, StoreError, Value};

const SRC: Source = Source::Phpnuxbill;

/// Who is written as having recorded the imported payments.
const RECORDED_BY: &str = "import:phpnuxbill";

/// Imports a phpNuxBill database (admin only). `dry_run`: reads and plans, changes nothing
/// anywhere. Each imported staff member's one-time password goes to `progress.reveal`, once,
/// after its batch committed: it is in no plan, log or response.
pub async fn run(
    app: &App,
    actor: &Actor,
    from_url: &str,
    dry_run: bool,
    progress: &dyn Progress,
) -> Result<Plan, AppError> {
    require(
        actor,
        Role::manages_users,
        "only an admin may import a provider's data",
    )?;
    let source = SourceDb::open(from_url)
        .await
        .map_err(|e| AppError::Unavailable(format!("cannot read the phpNuxBill database: {e}")))?;
    let read = read_source(&source, progress).await?;
    let ours = app
        .db
        .read(|ex| Box::pin(async move { Ours::load(ex).await }))
        .await?;
    let mut plan = Plan::new(SRC, dry_run);
    let (work, mut billed) = decide(app, &read, ours, &mut plan, dry_run);
    let now = Utc::now();
    if !dry_run {
        apply(app, &actor.username, work, &mut plan, progress, now).await?;
    }
    transactions(
        app,
        &source,
        &mut billed,
        &mut plan,
        &actor.username,
        progress,
        now,
    )
    .await?;
    for v in &read.vouchers {
        plan.skip(
            Entity::Client,
            key("tbl_voucher", *v),
            "a hotspot voucher: hotspot service has no counterpart here",
        );
    }
    if dry_run {
        return Ok(plan);
    }
    tracing::info!(
        changed = plan.changed(),
        skipped = plan.skipped().count(),
        "phpnuxbill import finished"
    );
    Ok(plan)
}

// ---------------------------------------------------------------------------------------------
// Reading the source

/// Where each wanted column of a source table is; a column the source lacks reads as empty.
struct Cols(HashMap<&'static str, usize>);

impl Cols {
    /// Takes the column's text out of the row (no copy: there may be millions of rows).
    fn take(&self, r: &mut SourceRow, col: &str) -> String {
        self.0
            .get(col)
            .and_then(|i| r.cols.get_mut(*i))
            .and_then(Option::take)
            .unwrap_or_default()
    }
}

/// Every row of `table` (any letter case) with the `wanted` columns it has, handed to `each`
/// page by page; `false` when the source has no such table.
async fn each_row(
    source: &SourceDb,
    table: &str,
    wanted: &[&'static str],
    mut each: impl FnMut(&Cols, SourceRow),
) -> Result<bool, AppError> {
    let Some(t) = SourceTable::find(source, table, wanted).await? else {
        return Ok(false);
    };
    source
        .each_page(&t.name, "id", &t.have, |rows| {
            for r in rows {
                each(&t.cols, r);
            }
        })
        .await?;
    Ok(true)
}

/// A source table as the source spells it, with the wanted columns it has.
struct SourceTable {
    name: String,
    have: Vec<&'static str>,
    cols: Cols,
}

impl SourceTable {
    /// `None` when the source has no such table (any letter case).
    async fn find(
        source: &SourceDb,
        table: &str,
        wanted: &[&'static str],
    ) -> Result<Option<SourceTable>, AppError> {
        let Some(name) = source.table(table).map(str::to_owned) else {
            return Ok(None);
        };
        let present = source.columns(&name).await?;
        let have: Vec<&'static str> = wanted
            .iter()
            .copied()
            .filter(|w| present.iter().any(|p| p == w))
            .collect();
        let cols = Cols(have.iter().enumerate().map(|(i, c)| (*c, i)).collect());
        Ok(Some(SourceTable { name, have, cols }))
    }
}

/// A source table read whole (the small ones), as (id, column → text).
type Rows = Vec<(i64, HashMap<&'static str, String>)>;

async fn table(
    source: &SourceDb,
    name: &str,
    wanted: &[&'static str],
    required: bool,
) -> Result<Rows, AppError> {
    let mut out = Vec::new();
    let found = each_row(source, name, wanted, |cols, mut r| {
        let m = wanted.iter().map(|w| (*w, cols.take(&mut r, w))).collect();
        out.push((r.key, m));
    })
    .await?;
    if !found && required {
        return Err(AppError::BadRequest {
            message: format!("the source has no table {name}: is it a phpNuxBill database?"),
            errors: Default::default(),
        });
    }
    Ok(out)
}

/// One `tbl_transactions` row, kept compact (there may be millions).
struct Txn {
    id: i64,
    invoice: String,
    username: String,
    price: String,
    recharged_on: String,
    expiration: String,
    method: String,
    kind: String,
}

/// The columns of `tbl_transactions` read.
const TXN_COLUMNS: [&str; 7] = [
    "invoice",
    "username",
    "price",
    "recharged_on",
    "expiration",
    "method",
    "type",
];

impl Txn {
    fn from_row(c: &Cols, mut r: SourceRow) -> Txn {
        Txn {
            id: r.key,
            invoice: c.take(&mut r, "invoice"),
            username: c.take(&mut r, "username"),
            price: c.take(&mut r, "price"),
            recharged_on: c.take(&mut r, "recharged_on"),
            expiration: c.take(&mut r, "expiration"),
            method: c.take(&mut r, "method"),
            kind: c.take(&mut r, "type"),
        }
    }
}

/// What the source holds but its transactions (read and applied page by page).
struct Read {
    routers: Rows,
    bandwidth: Rows,
    plans: Rows,
    customers: Rows,
    recharges: Rows,
    users: Rows,
    vouchers: Vec<i64>,
}

async fn read_source(source: &SourceDb, progress: &dyn Progress) -> Result<Read, AppError> {
    progress.step("reading phpNuxBill", 0, 8);
    let routers = table(
        source,
        "tbl_routers",
        &["name", "ip_address", "username", "password", "enabled"],
        false,
    )
    .await?;
    let bandwidth = table(
        source,
        "tbl_bandwidth",
        &[
            "rate_down",
            "rate_down_unit",
            "rate_up",
            "rate_up_unit",
            "burst",
        ],
        false,
    )
    .await?;
    let plans = table(
        source,
        "tbl_plans",
        &[
            "name_plan",
            "id_bw",
            "price",
            "type",
            "validity",
            "validity_unit",
            "routers",
            "enabled",
        ],
        true,
    )
    .await?;
    progress.step("reading phpNuxBill", 3, 8);
    let customers = table(
        source,
        "tbl_customers",
        &[
            "username",
            "password",
            "pppoe_password",
            "fullname",
            "address",
            "phonenumber",
            "balance",
            "service_type",
            "status",
        ],
        true,
    )
    .await?;
    progress.step("reading phpNuxBill", 4, 8);
    let recharges = table(
        source,
        "tbl_user_recharges",
        &[
            "customer_id",
            "username",
            "plan_id",
            "recharged_on",
            "expiration",
            "status",
            "routers",
            "type",
        ],
        false,
    )
    .await?;
    progress.step("reading phpNuxBill", 5, 8);
    let users = table(
        source,
        "tbl_users",
        &["username", "user_type", "status"],
        false,
    )
    .await?;
    let mut vouchers = Vec::new();
    each_row(source, "tbl_voucher", &[], |_, r| vouchers.push(r.key)).await?;
    progress.step("reading phpNuxBill", 8, 8);
    Ok(Read {
        routers,
        bandwidth,
        plans,
        customers,
        recharges,
        users,
        vouchers,
    })
}

// ---------------------------------------------------------------------------------------------
// What is here already

/// Our side: what earlier imports made (the import map), what exists by name, and where the
/// ids of new rows start.
struct Ours {
    mapped: HashMap<Entity, HashMap<String, i64>>,
    routers: HashMap<String, i64>,
    plans: HashMap<String, i64>,
    clients: HashMap<String, i64>,
    users: HashMap<String, i64>,
    next: HashMap<&'static str, i64>,
}

const TABLES: [&str; 6] = [
    "routers",
    "plans",
    "clients",
    "subscriptions",
    "invoices",
    "payments",
];

impl Ours {
    async fn load(ex: &mut dyn Exec) -> Result<Ours, StoreError> {
        let mut mapped = HashMap::new();
        for e in [
            Entity::Router,
            Entity::Plan,
            Entity::Client,
            Entity::Subscription,
            Entity::Invoice,
            Entity::User,
        ] {
            mapped.insert(e, imports::mapped(ex, SRC, e).await?);
        }
        let mut next = HashMap::new();
        for t in TABLES {
            next.insert(t, imports::max_id(ex, t).await? + 1);
        }
        Ok(Ours {
            mapped,
            routers: imports::by_key(ex, "routers", "name").await?,
            plans: imports::by_key(ex, "plans", "name").await?,
            clients: imports::by_key(ex, "clients", "ppp_secret_name").await?,
            users: imports::by_key(ex, "users", "username").await?,
            next,
        })
    }

    fn mapped(&self, e: Entity, key: &str) -> Option<i64> {
        self.mapped.get(&e).and_then(|m| m.get(key)).copied()
    }

    /// The id the next created row of `table` gets.
    fn take(&mut self, table: &'static str) -> i64 {
        let n = self.next.entry(table).or_insert(1);
        *n += 1;
        *n - 1
    }
}

// ---------------------------------------------------------------------------------------------
// Deciding, row by row

/// A staff member to create, with the one-time password printed after the commit.
struct NewStaff {
    key: String,
    username: String,
    role: Role,
    disabled: bool,
    note: String,
}

struct NewClient {
    key: String,
    client: Client,
    password: Sealed,
    held: bool,
}

struct NewInvoice {
    key: String,
    invoice: Invoice,
    payment: Option<Payment>,
}

/// The rows a real run writes, in the order they depend on each other.
#[derive(Default)]
struct Work {
    /// Source rows linked to rows that were here: recorded in the import map, so that the
    /// next run finds them imported.
    links: Vec<(Entity, String, i64)>,
    routers: Vec<(String, Router)>,
    plans: Vec<(String, OurPlan)>,
    users: Vec<NewStaff>,
    clients: Vec<NewClient>,
    subscriptions: Vec<(String, Subscription)>,
}

fn key(table: &str, id: i64) -> String {
    format!("{table}#{id}")
}

/// `Create` with its id on a real run, without on a dry run (as [`Plan`] documents); with the
/// note when there is one.
fn created(plan: &mut Plan, e: Entity, source: String, id: i64, dry: bool, note: Option<String>) {
    let id = (!dry).then_some(id);
    match note {
        Some(n) => plan.create_noted(e, source, id, n),
        None => plan.create(e, source, id),
    }
}

/// Decides every row but the transactions; returns the work and what the transactions are
/// then decided against.
fn decide(app: &App, read: &Read, mut ours: Ours, plan: &mut Plan, dry: bool) -> (Work, Billed) {
    let mut work = Work::default();
    let routers = decide_routers(app, read, &mut ours, plan, dry, &mut work);
    let plans = decide_plans(read, &mut ours, plan, dry, &mut work);
    decide_users(read, &ours, plan, dry, &mut work);
    let clients = decide_clients(app, read, &routers, &mut ours, plan, dry, &mut work);
    let subs = decide_subscriptions(read, &clients, &plans, &mut ours, plan, dry, &mut work);
    let billed = Billed {
        clients,
        subs,
        ours,
        periods: HashSet::new(),
        dry,
    };
    (work, billed)
}

/// What the transactions are decided against: the customers imported (or linked) and their
/// subscriptions, our ids, and the (subscription, period start) pairs seen so far.
struct Billed {
    clients: HashMap<String, Imported>,
    subs: Subs,
    ours: Ours,
    periods: HashSet<(i64, NaiveDate)>,
    dry: bool,
}

/// `tbl_transactions`, page by page: each page is decided, and on a real run the whole batches
/// decided so far are written while the next page is read (both wait mostly on a database:
/// the source's server, our writer), so the largest table never sits in memory whole.
async fn transactions(
    app: &App,
    source: &SourceDb,
    billed: &mut Billed,
    plan: &mut Plan,
    by: &str,
    progress: &dyn Progress,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(t) = SourceTable::find(source, "tbl_transactions", &TXN_COLUMNS).await? else {
        return Ok(());
    };
    let what = format!("reading {}", t.name);
    let total = source.count(&t.name).await?;
    let apply = invoices_batch(by.to_owned(), now);
    let (mut read, mut written) = (0u64, 0u64);
    let mut new: Vec<NewInvoice> = Vec::new();
    let mut rows = source.page(&t.name, "id", &t.have, i64::MIN, PAGE).await?;
    loop {
        let n = rows.len();
        read += n as u64;
        progress.step(&what, read, total);
        let after = rows.last().map_or(i64::MAX, |r| r.key);
        for r in rows {
            decide_invoice(&Txn::from_row(&t.cols, r), billed, plan, now, &mut new);
        }
        if billed.dry {
            new.clear();
        }
        let ready = take_ready(&mut new, n < PAGE);
        let part = (&mut written, total);
        if n < PAGE {
            apply_part(app, "invoices", ready, BATCH, part, progress, &apply).await?;
            break;
        }
        let (next, wrote) = tokio::join!(
            source.page(&t.name, "id", &t.have, after, PAGE),
            apply_part(app, "invoices", ready, BATCH, part, progress, &apply),
        );
        wrote?;
        rows = next?;
    }
    if written > 0 {
        progress.step("invoices", written, written);
    }
    Ok(())
}

/// Source router name → our router id.
fn decide_routers(
    app: &App,
    read: &Read,
    ours: &mut Ours,
    plan: &mut Plan,
    dry: bool,
    work: &mut Work,
) -> HashMap<String, i64> {
    let mut ids = HashMap::new();
    for (id, r) in &read.routers {
        let k = key("tbl_routers", *id);
        let name = rules::fit(&r["name"], 100).0;
        if let Some(our) = ours.mapped(Entity::Router, &k) {
            plan.unchanged(Entity::Router, k, our);
            ids.insert(r["name"].clone(), our);
            continue;
        }
        if let Some(our) = ours.routers.get(&name).copied() {
            work.links.push((Entity::Router, k.clone(), our));
            plan.link(
                Entity::Router,
                k,
                our,
                format!("a router named '{name}' is here"),
            );
            ids.insert(r["name"].clone(), our);
            continue;
        }
        let (host, port) = match rules::host_port(&r["ip_address"]) {
            Ok(hp) => hp,
            Err(why) => {
                plan.skip(Entity::Router, k, why);
                continue;
            }
        };
        let our = ours.take("routers");
        let note = (r["enabled"] == "0").then(|| {
            "disabled in phpNuxBill: imported, check it before clients are provisioned".to_owned()
        });
        let password = if dry {
            Sealed(String::new())
        } else {
            app.secrets.seal(&r["password"])
        };
        work.routers.push((
            k.clone(),
            Router {
                id: RouterId(our),
                settings: RouterSettings {
                    name,
                    host,
                    port,
                    transport: if port == Transport::ApiSsl.default_port() {
                        Transport::ApiSsl
                    } else {
                        Transport::Api
                    },
                    username: rules::fit(&r["username"], 100).0,
                    tls_fingerprint: None,
                    suspend_mode: SuspendMode::Disable,
                    isolation_profile: None,
                    is_default: false,
                },
                password,
            },
        ));
        ids.insert(r["name"].clone(), our);
        created(plan, Entity::Router, k, our, dry, note);
    }
    ids
}

/// A source plan: our id, or why it was not imported.
type PlanIds = HashMap<i64, Result<i64, String>>;

fn decide_plans(
    read: &Read,
    ours: &mut Ours,
    plan: &mut Plan,
    dry: bool,
    work: &mut Work,
) -> PlanIds {
    let bandwidth: HashMap<String, &HashMap<&'static str, String>> = read
        .bandwidth
        .iter()
        .map(|(id, b)| (id.to_string(), b))
        .collect();
    let mut ids = PlanIds::new();
    for (id, p) in &read.plans {
        let k = key("tbl_plans", *id);
        let name = rules::fit(&p["name_plan"], 100).0;
        let outcome = match p["type"].trim() {
            "PPPOE" | "PPPoE" => plan_row(p, &bandwidth),
            "Hotspot" => Err("a hotspot plan: hotspot service has no counterpart here".into()),
            "Balance" => Err("a 'Balance' (top-up) plan: there is no account credit here".into()),
            other => Err(format!("plan type '{other}' is not known")),
        };
        let (mut row, notes) = match outcome {
            Ok(x) => x,
            Err(why) => {
                plan.skip(Entity::Plan, k, why.clone());
                ids.insert(*id, Err(why));
                continue;
            }
        };
        if let Some(our) = ours.mapped(Entity::Plan, &k) {
            plan.unchanged(Entity::Plan, k, our);
            ids.insert(*id, Ok(our));
            continue;
        }
        if let Some(our) = ours.plans.get(&name).copied() {
            work.links.push((Entity::Plan, k.clone(), our));
            plan.link(
                Entity::Plan,
                k,
                our,
                format!("a plan named '{name}' is here"),
            );
            ids.insert(*id, Ok(our));
            continue;
        }
        let our = ours.take("plans");
        row.id = PlanId(our);
        row.name = name;
        work.plans.push((k.clone(), row));
        ids.insert(*id, Ok(our));
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        created(plan, Entity::Plan, k, our, dry, note);
    }
    ids
}

/// A PPPoE plan's fields (its id and name are set by the caller) and the notes worth knowing.
fn plan_row(
    p: &HashMap<&'static str, String>,
    bandwidth: &HashMap<String, &HashMap<&'static str, String>>,
) -> Result<(OurPlan, Vec<String>), String> {
    let mut notes = Vec::new();
    let price = rules::price(&p["price"])?;
    let (period, note) = rules::period(&p["validity"], &p["validity_unit"])?;
    notes.extend(note);
    let rate_limit = match bandwidth.get(p["id_bw"].trim()) {
        Some(b) => {
            let (limit, note) = rules::rate_limit(
                &b["rate_up"],
                &b["rate_up_unit"],
                &b["rate_down"],
                &b["rate_down_unit"],
                &b["burst"],
            )?;
            notes.extend(note);
            Some(limit)
        }
        None => {
            notes.push(format!(
                "its bandwidth #{} is missing: no rate limit",
                p["id_bw"]
            ));
            None
        }
    };
    let (profile, note) = rules::profile_name(&p["name_plan"]);
    notes.extend(note);
    let active = p["enabled"].trim() != "0";
    if !active {
        notes.push("disabled in phpNuxBill: imported inactive".into());
    }
    Ok((
        OurPlan {
            id: PlanId(0),
            name: String::new(),
            price,
            period,
            ppp_profile: profile,
            rate_limit,
            active,
            terms: Default::default(),
            throttle_profile: None,
            reminders: None,
        },
        notes,
    ))
}

fn decide_users(read: &Read, ours: &Ours, plan: &mut Plan, dry: bool, work: &mut Work) {
    for (id, u) in &read.users {
        let k = key("tbl_users", *id);
        let username = u["username"].trim().to_owned();
        if let Some(our) = ours.mapped(Entity::User, &k) {
            plan.unchanged(Entity::User, k, our);
            continue;
        }
        if let Some(our) = ours.users.get(&username).copied() {
            work.links.push((Entity::User, k.clone(), our));
            plan.link(
                Entity::User,
                k,
                our,
                format!("a user named '{username}' is here: kept as it is, password unchanged"),
            );
            continue;
        }
        if username.is_empty() || username.chars().count() > 64 {
            plan.skip(Entity::User, k, "username is empty or longer than 64");
            continue;
        }
        let (role, note) = match rules::role(&u["user_type"]) {
            Ok(r) => r,
            Err(why) => {
                plan.skip(Entity::User, k, why);
                continue;
            }
        };
        let disabled = u["status"].trim() == "Inactive";
        let mut notes: Vec<String> = note.into_iter().collect();
        notes.push("SHA-1 password not kept: a one-time password is printed once".into());
        if disabled {
            notes.push("inactive in phpNuxBill: imported disabled".into());
        }
        let note = notes.join("; ");
        if dry {
            plan.create_noted(Entity::User, k, None, note);
        } else {
            // The step is pushed once the user's id is known (after its batch).
            work.users.push(NewStaff {
                key: k,
                username,
                role,
                disabled,
                note,
            });
        }
    }
}

/// A customer imported as (or linked to) a client: the source's id and ours.
#[derive(Clone, Copy)]
struct Imported {
    source_id: i64,
    id: i64,
}

/// Each customer's current recharge: the latest one that is `on`, else the latest.
fn current_recharges(read: &Read) -> HashMap<String, usize> {
    let mut best: HashMap<String, usize> = HashMap::new();
    for (i, (_, r)) in read.recharges.iter().enumerate() {
        let customer = r["customer_id"].trim().to_owned();
        let better = match best.get(&customer) {
            None => true,
            Some(j) => {
                let (jid, old) = &read.recharges[*j];
                let on = |x: &HashMap<&str, String>| x["status"].trim() == "on";
                (on(r), read.recharges[i].0) > (on(old), *jid)
            }
        };
        if better {
            best.insert(customer, i);
        }
    }
    best
}

fn decide_clients(
    app: &App,
    read: &Read,
    routers: &HashMap<String, i64>,
    ours: &mut Ours,
    plan: &mut Plan,
    dry: bool,
    work: &mut Work,
) -> HashMap<String, Imported> {
    let current = current_recharges(read);
    let plan_router: HashMap<i64, &str> = read
        .plans
        .iter()
        .map(|(id, p)| (*id, p["routers"].as_str()))
        .collect();
    let mut out = HashMap::new();
    for (id, c) in &read.customers {
        let k = key("tbl_customers", *id);
        let recharge = current.get(&id.to_string()).map(|i| &read.recharges[*i].1);
        let kind = match c["service_type"].trim() {
            "" | "Others" => recharge.map_or("PPPOE", |r| r["type"].trim()),
            t => t,
        };
        if kind.eq_ignore_ascii_case("hotspot") {
            plan.skip(
                Entity::Client,
                k,
                "a hotspot customer: hotspot service has no counterpart here",
            );
            continue;
        }
        // Reported on every run: the balance is never carried over (no account credit yet).
        match rules::price(&c["balance"]) {
            Ok(b) if b > Money::ZERO => plan.skip(
                Entity::Credit,
                k.clone(),
                format!("balance {b} not carried over: there is no account credit yet"),
            ),
            Ok(_) => {}
            Err(why) => plan.skip(Entity::Credit, k.clone(), format!("balance: {why}")),
        }
        let username = c["username"].trim();
        if let Some(our) = ours.mapped(Entity::Client, &k) {
            plan.unchanged(Entity::Client, k, our);
            out.insert(
                username.to_owned(),
                Imported {
                    source_id: *id,
                    id: our,
                },
            );
            continue;
        }
        if let Some(our) = ours.clients.get(username).copied() {
            work.links.push((Entity::Client, k.clone(), our));
            plan.link(
                Entity::Client,
                k,
                our,
                format!("a client with PPP secret '{username}' is here: kept as it is"),
            );
            out.insert(
                username.to_owned(),
                Imported {
                    source_id: *id,
                    id: our,
                },
            );
            continue;
        }
        let ppp = match checked_secret_name(username) {
            Ok(p) => p,
            Err(why) => {
                plan.skip(Entity::Client, k, why);
                continue;
            }
        };
        let held = match rules::held(&c["status"]) {
            Ok(h) => h,
            Err(why) => {
                plan.skip(Entity::Client, k, why);
                continue;
            }
        };
        let pppoe = c["pppoe_password"].as_str();
        let password = if pppoe.is_empty() {
            c["password"].as_str()
        } else {
            pppoe
        };
        if password.is_empty() {
            plan.skip(
                Entity::Client,
                k,
                "no PPPoE password (nor a portal password)",
            );
            continue;
        }
        let mut notes = Vec::new();
        if held {
            notes.push(format!(
                "{} in phpNuxBill: imported held (cut off until released)",
                c["status"].trim()
            ));
        }
        let fullname = c["fullname"].trim();
        let (name, cut) = rules::fit(if fullname.is_empty() { &ppp } else { fullname }, 100);
        if cut {
            notes.push("name cut to 100 characters".into());
        }
        let (phone, cut) = rules::fit(&c["phonenumber"], 20);
        if cut {
            notes.push("phone number cut to 20 characters".into());
        }
        let (address, cut) = rules::fit(&c["address"], 255);
        if cut {
            notes.push("address cut to 255 characters".into());
        }
        if phone.is_empty() || phone == "0" || address.is_empty() {
            notes.push("phone or address missing: to fill".into());
        }
        let router_name = recharge
            .map(|r| r["routers"].trim())
            .filter(|n| !n.is_empty())
            .or_else(|| {
                let plan_id = recharge?["plan_id"].trim().parse::<i64>().ok()?;
                plan_router.get(&plan_id).copied()
            });
        let router_id = router_name.and_then(|n| routers.get(n)).copied();
        if router_name.is_some() && router_id.is_none() {
            notes.push(format!(
                "its router '{}' was not imported: no router",
                router_name.unwrap_or_default()
            ));
        }
        let our = ours.take("clients");
        work.clients.push(NewClient {
            key: k.clone(),
            client: Client {
                id: ClientId(our),
                name,
                phone_number: phone,
                address,
                ppp_secret_name: ppp,
                router_id: router_id.map(RouterId),
            },
            password: if dry {
                Sealed(String::new())
            } else {
                app.secrets.seal(password)
            },
            held,
        });
        out.insert(
            username.to_owned(),
            Imported {
                source_id: *id,
                id: our,
            },
        );
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        created(plan, Entity::Client, k, our, dry, note);
    }
    out
}

/// A PPP secret name as our clients hold it: 1 to 64 printable characters without blanks.
fn checked_secret_name(username: &str) -> Result<String, String> {
    if username.is_empty() || username.chars().count() > 64 {
        return Err(format!("username '{username}' is empty or longer than 64"));
    }
    if username
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "username '{username}' has blanks: not a PPP secret name"
        ));
    }
    Ok(username.to_owned())
}

/// Username → (our subscription id, start dates of the invoices it has or gets).
type Subs = HashMap<String, i64>;

fn decide_subscriptions(
    read: &Read,
    clients: &HashMap<String, Imported>,
    plans: &PlanIds,
    ours: &mut Ours,
    plan: &mut Plan,
    dry: bool,
    work: &mut Work,
) -> Subs {
    let current = current_recharges(read);
    let by_source: HashMap<i64, Imported> = clients.values().map(|c| (c.source_id, *c)).collect();
    let mut subs = Subs::new();
    for (i, (id, r)) in read.recharges.iter().enumerate() {
        let k = key("tbl_user_recharges", *id);
        let username = r["username"].trim();
        let customer_id: i64 = r["customer_id"].trim().parse().unwrap_or(0);
        let Some(client) = by_source
            .get(&customer_id)
            .or_else(|| clients.get(username))
            .copied()
        else {
            plan.skip(
                Entity::Subscription,
                k,
                format!("its customer #{customer_id} was not imported"),
            );
            continue;
        };
        if current.get(&customer_id.to_string()) != Some(&i) {
            plan.skip(
                Entity::Subscription,
                k,
                "an earlier recharge: the customer's current one is imported",
            );
            continue;
        }
        // Keyed by the customer: a later run after a new recharge finds the subscription.
        let map_key = key("tbl_customers", client.source_id);
        if let Some(our) = ours.mapped(Entity::Subscription, &map_key) {
            plan.unchanged(Entity::Subscription, k, our);
            subs.insert(username.to_owned(), our);
            continue;
        }
        match subscription_row(r, client, plans) {
            Ok((mut s, note)) => {
                let our = ours.take("subscriptions");
                s.id = SubscriptionId(our);
                work.subscriptions.push((map_key, s));
                subs.insert(username.to_owned(), our);
                created(plan, Entity::Subscription, k, our, dry, note);
            }
            Err(why) => plan.skip(Entity::Subscription, k, why),
        }
    }
    subs
}

fn subscription_row(
    r: &HashMap<&'static str, String>,
    client: Imported,
    plans: &PlanIds,
) -> Result<(Subscription, Option<String>), String> {
    let plan_id = r["plan_id"].trim();
    let plan = match plan_id.parse::<i64>().ok().and_then(|p| plans.get(&p)) {
        Some(Ok(p)) => *p,
        Some(Err(why)) => return Err(format!("its plan #{plan_id} was skipped ({why})")),
        None => return Err(format!("its plan #{plan_id} does not exist")),
    };
    let start = parse_source_date(&r["recharged_on"]).map_err(|e| format!("recharged_on {e}"))?;
    let end = parse_source_date(&r["expiration"]).map_err(|e| format!("expiration {e}"))?;
    if end < start {
        return Err(format!("expiration {end} is before recharged_on {start}"));
    }
    let status = rules::subscription_status(&r["status"])?;
    let note = (status == Status::Expired).then(|| format!("off: expired on {end}"));
    Ok((
        Subscription {
            id: SubscriptionId(0),
            client_id: ClientId(client.id),
            plan_id: PlanId(plan),
            start_date: start,
            end_date: end,
            status,
        },
        note,
    ))
}

fn decide_invoice(
    t: &Txn,
    billed: &mut Billed,
    plan: &mut Plan,
    now: DateTime<Utc>,
    out: &mut Vec<NewInvoice>,
) {
    let Billed {
        clients,
        subs,
        ours,
        periods,
        dry,
    } = billed;
    let dry = *dry;
    {
        let k = key("tbl_transactions", t.id);
        if let Some(our) = ours.mapped(Entity::Invoice, &k) {
            plan.unchanged(Entity::Invoice, k, our);
            return;
        }
        match invoice_row(t, clients, subs, periods) {
            Ok((mut invoice, paid)) => {
                let our = ours.take("invoices");
                invoice.id = InvoiceId(our);
                let payment = (paid > Money::ZERO).then(|| Payment {
                    id: PaymentId(ours.take("payments")),
                    invoice_id: InvoiceId(our),
                    amount: paid,
                    payment_date: invoice.invoice_date,
                    payment_method: rules::payment_method(&t.method).to_owned(),
                    reference: Some(rules::fit(&t.invoice, 100).0).filter(|r| !r.is_empty()),
                    status: PaymentStatus::Success,
                    recorded_by: RECORDED_BY.to_owned(),
                    created_at: now,
                });
                if let Some(p) = &payment {
                    created(plan, Entity::Payment, k.clone(), p.id.0, dry, None);
                }
                let note = payment.is_none().then(|| "price 0: no payment".to_owned());
                created(plan, Entity::Invoice, k.clone(), our, dry, note);
                out.push(NewInvoice {
                    key: k,
                    invoice,
                    payment,
                });
            }
            Err(why) => plan.skip(Entity::Invoice, k, why),
        }
    }
}

fn invoice_row(
    t: &Txn,
    clients: &HashMap<String, Imported>,
    subs: &Subs,
    periods: &mut HashSet<(i64, NaiveDate)>,
) -> Result<(Invoice, Money), String> {
    match t.kind.trim() {
        "Hotspot" => return Err("a hotspot recharge: hotspot service has no counterpart".into()),
        "Balance" => return Err("a balance top-up: there is no account credit here".into()),
        _ => {}
    }
    let username = t.username.trim();
    let client = clients
        .get(username)
        .ok_or_else(|| format!("its customer '{username}' was not imported"))?;
    let sub = *subs.get(username).ok_or_else(|| {
        format!("its customer '{username}' has no imported subscription to bill it to")
    })?;
    let price = rules::price(&t.price)?;
    let start = parse_source_date(&t.recharged_on).map_err(|e| format!("recharged_on {e}"))?;
    let end = parse_source_date(&t.expiration).map_err(|e| format!("expiration {e}"))?;
    if end < start {
        return Err(format!("expiration {end} is before recharged_on {start}"));
    }
    if !periods.insert((sub, start)) {
        return Err(format!(
            "a second transaction of '{username}' for the period starting {start}"
        ));
    }
    Ok((
        Invoice {
            id: InvoiceId(0),
            year: start.year(),
            seq: 0,
            client_id: ClientId(client.id),
            subscription_id: SubscriptionId(sub),
            period_start: start,
            period_end: end,
            invoice_date: start,
            due_date: start,
            total: price,
            paid: price,
            status: InvoiceStatus::Paid,
        },
        price,
    ))
}

// ---------------------------------------------------------------------------------------------
// Applying

async fn apply(
    app: &App,
    by: &str,
    work: Work,
    plan: &mut Plan,
    progress: &dyn Progress,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Work {
        links,
        routers,
        plans,
        users,
        clients,
        subscriptions,
    } = work;
    apply_in_batches(app, "links", links, BATCH, progress, links_batch(now)).await?;
    apply_in_batches(app, "routers", routers, BATCH, progress, routers_batch(now)).await?;
    let by_plans = by.to_owned();
    apply_in_batches(
        app,
        "plans",
        plans,
        BATCH,
        progress,
        plans_batch(by_plans, now),
    )
    .await?;
    apply_users(app, by, users, plan, progress, now).await?;
    apply_in_batches(app, "clients", clients, BATCH, progress, clients_batch(now)).await?;
    apply_in_batches(
        app,
        "subscriptions",
        subscriptions,
        BATCH,
        progress,
        subscriptions_batch(now),
    )
    .await?;
    Ok(())
}

/// Records the batch's rows in the import map and, on PostgreSQL, moves `table`'s sequence
/// past the ids the batch gave.
async fn finish_batch(
    ex: &mut dyn Exec,
    entity: Entity,
    table: &'static str,
    keys: &[(String, i64)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    imports::record_many(ex, SRC, entity, keys, now).await?;
    imports::follow_ids(ex, table).await
}

const STAMPS: &[&str] = &["created_at", "updated_at"];

/// The creation and update times of a new row.
fn stamps<T>(now: DateTime<Utc>) -> impl Fn(&T, &mut Vec<Value>) {
    move |_, out| out.extend([now.into(), now.into()])
}

fn links_batch(now: DateTime<Utc>) -> ApplyBatch<(Entity, String, i64)> {
    Arc::new(move |ex, rows| {
        Box::pin(async move {
            let mut by_entity: BTreeMap<usize, (Entity, Vec<(String, i64)>)> = BTreeMap::new();
            for (e, k, id) in rows {
                let at = Entity::ALL.iter().position(|x| *x == e).unwrap_or(0);
                by_entity
                    .entry(at)
                    .or_insert((e, Vec::new()))
                    .1
                    .push((k, id));
            }
            for (e, keys) in by_entity.into_values() {
                imports::record_many(ex, SRC, e, &keys, now).await?;
            }
            Ok(())
        })
    })
}

fn routers_batch(now: DateTime<Utc>) -> ApplyBatch<(String, Router)> {
    Arc::new(move |ex, rows| {
        Box::pin(async move {
            let keys: Vec<(String, i64)> = rows.iter().map(|(k, r)| (k.clone(), r.id.0)).collect();
            let rows: Vec<&Router> = rows.iter().map(|(_, r)| r).collect();
            imports::insert_with_ids(ex, &rows, STAMPS, stamps(now)).await?;
            finish_batch(ex, Entity::Router, "routers", &keys, now).await?;
            Ok(())
        })
    })
}

fn plans_batch(by: String, now: DateTime<Utc>) -> ApplyBatch<(String, OurPlan)> {
    Arc::new(move |ex, rows| {
        let by = by.clone();
        Box::pin(async move {
            let keys: Vec<(String, i64)> = rows.iter().map(|(k, p)| (k.clone(), p.id.0)).collect();
            let entries: Vec<NewAudit> = rows
                .iter()
                .map(|(_, p)| {
                    NewAudit::new(&by, AuditAction::PlanCreated, AuditEntity::Plan, p.id)
                        .after(plan_state(p))
                })
                .collect();
            let rows: Vec<&OurPlan> = rows.iter().map(|(_, p)| p).collect();
            imports::insert_with_ids(ex, &rows, STAMPS, stamps(now)).await?;
            finish_batch(ex, Entity::Plan, "plans", &keys, now).await?;
            audit_repo::append(ex, entries, now).await?;
            Ok(())
        })
    })
}

/// Staff are few: one transaction, ids from the database. Each gets a random one-time
/// password (its phpNuxBill SHA-1 hash is not kept), shown through `progress` once the batch
/// committed, and nowhere else.
async fn apply_users(
    app: &App,
    by: &str,
    users: Vec<NewStaff>,
    plan: &mut Plan,
    progress: &dyn Progress,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if users.is_empty() {
        return Ok(());
    }
    progress.step("users", 0, users.len() as u64);
    let mut passwords = Vec::with_capacity(users.len());
    let mut rows = Vec::with_capacity(users.len());
    for u in &users {
        let password = crate::security::token::generate();
        let hash = app.hasher.hash(password.clone()).await;
        passwords.push(password);
        rows.push((u.key.clone(), u.username.clone(), u.role, u.disabled, hash));
    }
    let by = by.to_owned();
    let ids: Vec<i64> = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let mut keys = Vec::new();
                for (k, username, role, disabled, hash) in rows {
                    let id = auth::register_tx(ex, &by, &username, &hash, role, false, now).await?;
                    if disabled {
                        let before = User {
                            id,
                            username,
                            role,
                            disabled: false,
                            created_at: now,
                        };
                        let after = User {
                            disabled: true,
                            ..before.clone()
                        };
                        users::update(ex, &after, None, now).await?;
                        let entry =
                            NewAudit::new(&by, AuditAction::UserUpdated, AuditEntity::User, id)
                                .before(auth::user_state(&before))
                                .after(auth::user_state(&after));
                        audit_repo::append(ex, vec![entry], now).await?;
                    }
                    keys.push((k, id.0));
                }
                imports::record_many(ex, SRC, Entity::User, &keys, now).await?;
                Ok::<_, AppError>(keys.into_iter().map(|(_, id)| id).collect())
            })
        })
        .await?;
    progress.step("users", ids.len() as u64, ids.len() as u64);
    for ((u, id), password) in users.into_iter().zip(ids).zip(passwords) {
        plan.create_noted(Entity::User, u.key, Some(id), u.note);
        progress.reveal(&u.username, &password);
    }
    Ok(())
}

fn clients_batch(now: DateTime<Utc>) -> ApplyBatch<NewClient> {
    Arc::new(move |ex, rows| {
        Box::pin(async move {
            let keys: Vec<(String, i64)> = rows
                .iter()
                .map(|c| (c.key.clone(), c.client.id.0))
                .collect();
            let extra: HashMap<i64, (&Sealed, bool)> = rows
                .iter()
                .map(|c| (c.client.id.0, (&c.password, c.held)))
                .collect();
            let clients: Vec<&Client> = rows.iter().map(|c| &c.client).collect();
            imports::insert_with_ids(
                ex,
                &clients,
                &["ppp_password_enc", "held", "created_at", "updated_at"],
                |c, out| {
                    let (password, held) = extra[&c.id.0];
                    out.extend([password.into(), held.into(), now.into(), now.into()]);
                },
            )
            .await?;
            finish_batch(ex, Entity::Client, "clients", &keys, now).await?;
            Ok(())
        })
    })
}

fn subscriptions_batch(now: DateTime<Utc>) -> ApplyBatch<(String, Subscription)> {
    Arc::new(move |ex, rows| {
        Box::pin(async move {
            let keys: Vec<(String, i64)> = rows.iter().map(|(k, s)| (k.clone(), s.id.0)).collect();
            let rows: Vec<&Subscription> = rows.iter().map(|(_, s)| s).collect();
            imports::insert_with_ids(ex, &rows, STAMPS, stamps(now)).await?;
            finish_batch(ex, Entity::Subscription, "subscriptions", &keys, now).await?;
            Ok(())
        })
    })
}

/// Invoices are numbered in our series, in the year of their date, under that year's counter
/// (the phpNuxBill `INV-…` string stays as the payment's reference). The audit trail gets, per
/// batch, one entry per year for the invoices (the numbers it handed out and their total, as a
/// generation run's) and one for the payments (their id range and total); `audit verify`
/// checks both.
fn invoices_batch(by: String, now: DateTime<Utc>) -> ApplyBatch<NewInvoice> {
    Arc::new(move |ex, rows| {
        let by = by.clone();
        Box::pin(async move {
            let mut rows = rows;
            let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
            for (i, r) in rows.iter().enumerate() {
                years.entry(r.invoice.year).or_default().push(i);
            }
            let mut entries = Vec::new();
            for (year, at) in &years {
                let after = billing::lock_counter(ex, *year).await?;
                let mut total = Money::ZERO;
                for (n, i) in at.iter().enumerate() {
                    rows[*i].invoice.seq = after + 1 + n as i64;
                    total = total
                        .checked_add(rows[*i].invoice.total)
                        .ok_or(StoreError::Decode("invoice totals overflow".into()))?;
                }
                let last = after + at.len() as i64;
                billing::set_counter(ex, *year, last).await?;
                entries.push(invoices_imported(
                    &by,
                    SRC,
                    *year,
                    after,
                    last,
                    total.minor(),
                ));
            }
            let keys: Vec<(String, i64)> = rows
                .iter()
                .map(|r| (r.key.clone(), r.invoice.id.0))
                .collect();
            let invoices: Vec<&Invoice> = rows.iter().map(|r| &r.invoice).collect();
            let payments: Vec<&Payment> = rows.iter().filter_map(|r| r.payment.as_ref()).collect();
            imports::insert_with_ids(ex, &invoices, &["created_at"], |_, out| {
                out.push(now.into())
            })
            .await?;
            imports::insert_with_ids(ex, &payments, &[], |_, _| {}).await?;
            // The batch's payments have consecutive ids (numbered in the plan in this order).
            if let (Some(first), Some(last)) = (payments.first(), payments.last()) {
                let total: i64 = payments.iter().map(|p| p.amount.minor()).sum();
                entries.push(payments_imported(&by, SRC, first.id.0, last.id.0, total));
            }
            finish_batch(ex, Entity::Invoice, "invoices", &keys, now).await?;
            imports::follow_ids(ex, "payments").await?;
            audit_repo::append(ex, entries, now).await?;
            Ok(())
        })
    })
}
