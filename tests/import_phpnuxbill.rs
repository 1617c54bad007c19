//! `import phpnuxbill` on every backend: a phpNuxBill database made on the machine's MariaDB
//! from the schema kept with the tests (tests/import/phpnuxbill.sql) and awkward data
//! (tests/import/phpnuxbill-data.sql: VARCHAR prices, one that does not parse, a hotspot
//! customer, an `off` recharge, a 'Period' plan, transactions over two years, a balance, routers,
//! staff of each type, vouchers) is imported into SQLite, MariaDB and PostgreSQL. The dry run
//! changes nothing; the real run writes every field as the README's *From phpNuxBill* says and
//! reports every skipped row with its reason (also as the CSV); a second run changes nothing.

mod common;

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use common::TestApp;
use mikronet::domain::billing::invoice::{InvoiceStatus, PaymentStatus};
use mikronet::domain::billing::period::PeriodUnit;
use mikronet::domain::billing::subscription::Status;
use mikronet::domain::ids::ClientId;
use mikronet::domain::import::{Action, Entity, Plan};
use mikronet::domain::router::Transport;
use mikronet::domain::user::{Actor, Role};
use mikronet::service::import::{Progress, phpnuxbill};
use mikronet::storage::Exec;
use mikronet::storage::repo::{clients, invoices, payments, plans, routers, subscriptions, users};
use sqlx_core::connection::Connection;
use sqlx_core::executor::Executor;
use sqlx_core::sql_str::AssertSqlSafe;

const SCHEMA: &str = include_str!("import/phpnuxbill.sql");
const DATA: &str = include_str!("import/phpnuxbill-data.sql");

fn mysql_admin_url() -> String {
    std::env::var("MIKRONET_TEST_MYSQL_URL")
        .ok()
        .filter(|u| !u.is_empty() && u != "off")
        .unwrap_or_else(|| "mysql://root@127.0.0.1:3306/test".to_owned())
}

fn with_db(url: &str, db: &str) -> String {
    let cut = url.rfind('/').unwrap();
    format!("{}/{db}", &url[..cut])
}

/// Runs each statement of an SQL file (statements end with `;` at a line's end).
async fn run_sql(c: &mut sqlx_mysql::MySqlConnection, text: &str) {
    let mut stmt = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("--") || line.trim().is_empty() {
            continue;
        }
        stmt.push_str(line);
        stmt.push('\n');
        if line.trim_end().ends_with(';') {
            c.execute(AssertSqlSafe(stmt.clone())).await.unwrap();
            stmt.clear();
        }
    }
}

/// A phpNuxBill database on the machine's MariaDB, dropped when this goes away.
struct Source {
    admin: String,
    name: String,
    url: String,
}

impl Source {
    async fn create(extra: &str) -> Source {
        let admin = mysql_admin_url();
        let name = format!("phpnuxbill_t_{}", uuid::Uuid::new_v4().simple());
        let mut c = sqlx_mysql::MySqlConnection::connect(&admin).await.unwrap();
        c.execute(AssertSqlSafe(format!(
            "CREATE DATABASE {name} CHARACTER SET utf8mb4"
        )))
        .await
        .unwrap();
        let url = with_db(&admin, &name);
        let mut s = sqlx_mysql::MySqlConnection::connect(&url).await.unwrap();
        run_sql(&mut s, SCHEMA).await;
        run_sql(&mut s, DATA).await;
        run_sql(&mut s, extra).await;
        Source { admin, name, url }
    }

    async fn drop(self) {
        let mut c = sqlx_mysql::MySqlConnection::connect(&self.admin)
            .await
            .unwrap();
        c.execute(AssertSqlSafe(format!("DROP DATABASE {}", self.name)))
            .await
            .unwrap();
    }
}

/// Collects the one-time passwords an import reveals.
#[derive(Default)]
struct Seen(Mutex<Vec<(String, String)>>, Mutex<Vec<String>>);

impl Progress for Seen {
    fn step(&self, what: &str, _: u64, _: u64) {
        self.1.lock().unwrap().push(what.to_owned());
    }
    fn reveal(&self, username: &str, password: &str) {
        self.0
            .lock()
            .unwrap()
            .push((username.to_owned(), password.to_owned()));
    }
}

/// Rows per table, the audit chain's head and the import map: what "changes nothing" compares.
async fn state(app: &TestApp) -> Vec<(String, i64)> {
    app.db()
        .read(|ex: &mut dyn Exec| {
            Box::pin(async move {
                let mut out = Vec::new();
                for t in [
                    "users",
                    "clients",
                    "plans",
                    "subscriptions",
                    "invoices",
                    "payments",
                    "routers",
                    "import_map",
                    "audit_log",
                    "invoice_counters",
                    "router_sync",
                ] {
                    let n: i64 = ex.one(&format!("SELECT COUNT(*) FROM {t}"), &[]).await?;
                    out.push((t.to_owned(), n));
                }
                let head: i64 = ex
                    .one("SELECT last_seq FROM audit_head WHERE id = 1", &[])
                    .await?;
                out.push(("audit_head".into(), head));
                Ok::<_, mikronet::storage::StoreError>(out)
            })
        })
        .await
        .unwrap()
}

fn reasons(plan: &Plan) -> HashMap<String, String> {
    plan.skipped()
        .map(|s| {
            (
                format!("{} {}", s.entity, s.source),
                s.reason.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// `mikronet import phpnuxbill --dry-run` against the test's database, run in a directory of
/// its own (where MariaDB and PostgreSQL get the CSV): exit code and output.
fn cli_dry_run(app: &TestApp, from: &str) -> (i32, String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("import-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mikronet"))
        .args(["import", "phpnuxbill", "--from", from, "--dry-run"])
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MIKRONET_DATABASE_URL", &app.app.config.database_url)
        .env("MIKRONET_SECRET_KEY", common::KEY)
        .env("MIKRONET_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text, dir)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn imports_every_field_reports_skips_and_runs_once(app: TestApp) {
    // The 'admin' of phpNuxBill meets ours: linked, not created.
    app.admin().await;
    let source = Source::create("").await;
    let actor = Actor::system("test");
    let before = state(&app).await;

    // The command's dry run: the same plan, printed, with the CSV of the skipped rows.
    let (code, out, dir) = cli_dry_run(&app, &source.url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("dry run: nothing was changed"), "{out}");
    assert!(
        out.contains("client        5 to create, 3 skipped"),
        "{out}"
    );
    assert!(!out.contains("one-time"), "{out}");
    let csv = out
        .lines()
        .find_map(|l| l.strip_prefix("skipped rows written to "))
        .unwrap_or_else(|| panic!("{out}"));
    let csv = dir.join(csv);
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::remove_file(&csv).unwrap();
    let _ = std::fs::remove_dir(&dir);
    assert_eq!(text.lines().count(), 17, "{text}");
    assert!(text.starts_with("entity,source,reason\n"), "{text}");
    assert!(
        text.contains("plan,tbl_plans#3,price 'Rp 75.000' is not a number"),
        "{text}"
    );
    assert!(
        text.contains("credit,tbl_customers#2,balance 25000.50"),
        "{text}"
    );
    assert_eq!(
        state(&app).await,
        before,
        "the command's dry run changes nothing"
    );

    // Dry run: the whole plan, nothing changed.
    let seen = Seen::default();
    let dry = phpnuxbill::run(&app.app, &actor, &source.url, true, &seen)
        .await
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(state(&app).await, before, "a dry run changes nothing");
    assert!(
        seen.0.lock().unwrap().is_empty(),
        "no password on a dry run"
    );
    assert!(
        dry.steps
            .iter()
            .all(|s| s.id.is_none() || s.action != Action::Create)
    );

    // The real run.
    let seen = Seen::default();
    let plan = phpnuxbill::run(&app.app, &actor, &source.url, false, &seen)
        .await
        .unwrap();
    let counts = |p: &Plan| {
        p.counts
            .iter()
            .map(|c| (c.entity, c.action, c.rows))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counts(&plan),
        counts(&dry),
        "the dry run planned what was done"
    );
    use Action::*;
    use Entity as E;
    assert_eq!(
        counts(&plan),
        vec![
            (E::Client, Create, 5),
            (E::Client, Skip, 3),
            (E::Plan, Create, 3),
            (E::Plan, Skip, 3),
            (E::Subscription, Create, 3),
            (E::Subscription, Skip, 3),
            (E::Invoice, Create, 4),
            (E::Invoice, Skip, 5),
            (E::Payment, Create, 4),
            (E::User, Create, 4),
            (E::User, Link, 1),
            (E::Router, Create, 2),
            (E::Router, Skip, 1),
            (E::Credit, Skip, 1),
        ]
    );
    let why = reasons(&plan);
    let expect = [
        ("client tbl_customers#3", "a hotspot customer"),
        ("client tbl_voucher#1", "a hotspot voucher"),
        ("client tbl_voucher#2", "a hotspot voucher"),
        ("plan tbl_plans#3", "price 'Rp 75.000' is not a number"),
        ("plan tbl_plans#4", "a hotspot plan"),
        ("plan tbl_plans#5", "a 'Balance' (top-up) plan"),
        ("subscription tbl_user_recharges#1", "an earlier recharge"),
        (
            "subscription tbl_user_recharges#4",
            "its customer #3 was not imported",
        ),
        (
            "subscription tbl_user_recharges#6",
            "its plan #3 was skipped",
        ),
        ("invoice tbl_transactions#4", "a hotspot recharge"),
        ("invoice tbl_transactions#6", "price 'abc' is not a number"),
        (
            "invoice tbl_transactions#7",
            "'eko' has no imported subscription",
        ),
        ("invoice tbl_transactions#8", "'0000-00-00' is not a date"),
        ("invoice tbl_transactions#9", "a balance top-up"),
        ("router tbl_routers#3", "port 'notaport'"),
        (
            "credit tbl_customers#2",
            "balance 25000.50 not carried over",
        ),
    ];
    for (k, want) in expect {
        let got = why
            .get(k)
            .unwrap_or_else(|| panic!("{k} not skipped: {why:#?}"));
        assert!(got.contains(want), "{k}: {got}");
    }
    assert_eq!(why.len(), expect.len(), "{why:#?}");

    // One-time passwords: printed once, for the four staff created, nowhere in the plan.
    let revealed = seen.0.lock().unwrap().clone();
    let names: Vec<&str> = revealed.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(names, ["ani", "rudi", "agus", "sari"]);
    let json = serde_json::to_string(&plan).unwrap();
    for (_, p) in &revealed {
        assert!(p.len() >= 20);
        assert!(!json.contains(p.as_str()));
        assert!(!plan.summary().contains(p.as_str()));
    }
    assert!(!json.contains("d033e22ae348aeb5660fc2140aec35850c4da997"));
    let ani = &revealed[0].1;
    let r = app.login_from("192.0.2.10:5000", "ani", ani).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let r = app.login_from("192.0.2.10:5000", "ani", "admin").await;
    assert_eq!(r.status.as_u16(), 401, "the SHA-1 password does not log in");
    assert!(seen.1.lock().unwrap().iter().any(|w| w == "invoices"));

    let ids: HashMap<String, i64> = plan
        .steps
        .iter()
        .filter(|s| s.action == Create)
        .map(|s| (format!("{} {}", s.entity, s.source), s.id.unwrap()))
        .collect();
    let id = |k: &str| *ids.get(k).unwrap_or_else(|| panic!("{k}: {ids:#?}"));
    let secrets = app.app.secrets.clone();

    let (rs, ps, us) = app
        .db()
        .read(|ex: &mut dyn Exec| {
            Box::pin(async move {
                Ok::<_, mikronet::storage::StoreError>((
                    routers::list(ex).await?,
                    plans::list(ex).await?,
                    users::list(ex).await?,
                ))
            })
        })
        .await
        .unwrap();

    // Routers: host:port parsed, passwords sealed.
    let main = rs.iter().find(|r| r.settings.name == "Main").unwrap();
    assert_eq!(main.id.0, id("router tbl_routers#1"));
    assert_eq!(
        (main.settings.host.as_str(), main.settings.port),
        ("10.0.0.1", 8729)
    );
    assert_eq!(main.settings.transport, Transport::ApiSsl);
    assert_eq!(main.settings.username, "api");
    assert!(!main.password.0.contains("r0uter"));
    assert_eq!(secrets.open(&main.password).unwrap(), "r0uter's pass");
    let tower = rs.iter().find(|r| r.settings.name == "Tower").unwrap();
    assert_eq!(
        (
            tower.settings.host.as_str(),
            tower.settings.port,
            tower.settings.transport
        ),
        ("192.168.88.1", 8728, Transport::Api)
    );
    assert_eq!(secrets.open(&tower.password).unwrap(), "tower-pass");
    assert_eq!(rs.len(), 2);

    // Plans: exact prices, periods, RouterOS rate limits (up/down), profiles.
    assert_eq!(ps.len(), 3);
    let plan_named = |n: &str| ps.iter().find(|p| p.name == n).unwrap().clone();
    let home = plan_named("Home 10M");
    assert_eq!(home.id.0, id("plan tbl_plans#1"));
    assert_eq!(home.price.minor(), 15_000_000);
    assert_eq!(
        (home.period.unit, home.period.count),
        (PeriodUnit::Month, 1)
    );
    assert_eq!(home.ppp_profile, "Home-10M");
    assert_eq!(home.rate_limit.as_deref(), Some("2M/10M"));
    assert!(home.active);
    let period = plan_named("Monthly 20th");
    assert_eq!(period.price.minor(), 9_900_050);
    assert_eq!(
        (period.period.unit, period.period.count),
        (PeriodUnit::Month, 1)
    );
    assert_eq!(
        period.rate_limit.as_deref(),
        Some("512k/2M 1M/4M 512k/2M 8/8")
    );
    assert_eq!(period.ppp_profile, "Monthly-20th");
    let weekly = plan_named("Weekly");
    assert_eq!(
        (weekly.period.unit, weekly.period.count, weekly.active),
        (PeriodUnit::Day, 7, false)
    );
    assert_eq!(weekly.price.minor(), 4_000_000);

    // Users: roles mapped, the inactive one disabled, our admin left alone.
    let user = |n: &str| us.iter().find(|u| u.username == n).unwrap().clone();
    assert_eq!(user("ani").role, Role::Admin);
    assert_eq!(user("rudi").role, Role::Cashier);
    assert_eq!(user("agus").role, Role::Cashier);
    assert_eq!(
        (user("sari").role, user("sari").disabled),
        (Role::Cashier, true)
    );
    assert_eq!(user("admin").role, Role::Admin);
    assert_eq!(us.len(), 5);
    assert_eq!(user("ani").id.0, id("user tbl_users#2"));

    // Clients, their subscriptions, invoices and payments.
    let main_id = main.id;
    let fetch = |cid: i64| {
        app.db().read(move |ex: &mut dyn Exec| {
            Box::pin(async move {
                let c = clients::get(ex, ClientId(cid)).await?.unwrap();
                let pw: String = ex
                    .one(
                        "SELECT ppp_password_enc FROM clients WHERE id = ?",
                        &[cid.into()],
                    )
                    .await?;
                let held: bool = ex
                    .one("SELECT held FROM clients WHERE id = ?", &[cid.into()])
                    .await?;
                let subs = subscriptions::for_client(ex, ClientId(cid)).await?;
                let invs = invoices::for_client(ex, ClientId(cid)).await?;
                let mut pays = Vec::new();
                for i in &invs {
                    pays.extend(payments::for_invoice(ex, i.id).await?);
                }
                Ok::<_, mikronet::storage::StoreError>((c, pw, held, subs, invs, pays))
            })
        })
    };
    let open = |pw: String| {
        secrets
            .open(&mikronet::domain::validation::Sealed(pw))
            .unwrap()
    };

    let (alice, pw, held, subs, mut invs, pays) =
        fetch(id("client tbl_customers#1")).await.unwrap();
    assert_eq!(alice.name, "Alice O'Brien");
    assert_eq!(
        (alice.phone_number.as_str(), alice.address.as_str()),
        ("08123456789", "Jl. Merdeka 1")
    );
    assert_eq!(alice.ppp_secret_name, "alice");
    assert_eq!(alice.router_id, Some(main_id));
    assert_eq!(open(pw), "portal-alice", "'' pppoe_password: the portal's");
    assert!(!held);
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].id.0, id("subscription tbl_user_recharges#2"));
    assert_eq!(subs[0].plan_id, home.id);
    assert_eq!(
        (subs[0].start_date, subs[0].end_date, subs[0].status),
        (d("2026-11-01"), d("2026-12-01"), Status::Active)
    );
    invs.sort_by_key(|i| i.id.0);
    assert_eq!(invs.len(), 2, "two years of transactions");
    assert_eq!(invs[0].number(), "INV-2025-000001");
    assert_eq!(invs[1].number(), "INV-2026-000001");
    assert_eq!(invs[0].id.0, id("invoice tbl_transactions#1"));
    for (i, (start, end)) in invs
        .iter()
        .zip([("2025-11-01", "2025-12-01"), ("2026-11-01", "2026-12-01")])
    {
        assert_eq!(
            (i.period_start, i.period_end, i.invoice_date, i.due_date),
            (d(start), d(end), d(start), d(start))
        );
        assert_eq!((i.total.minor(), i.paid.minor()), (15_000_000, 15_000_000));
        assert_eq!(i.status, InvoiceStatus::Paid);
        assert_eq!(i.subscription_id, subs[0].id);
    }
    assert_eq!(pays.len(), 2);
    assert_eq!(
        (
            pays[0].invoice_id,
            pays[0].amount.minor(),
            pays[0].payment_date,
            pays[0].payment_method.as_str(),
            pays[0].reference.as_deref(),
            pays[0].status,
            pays[0].recorded_by.as_str()
        ),
        (
            invs[0].id,
            15_000_000,
            d("2025-11-01"),
            "cash",
            Some("INV-1001"),
            PaymentStatus::Success,
            "import:phpnuxbill"
        )
    );
    assert_eq!(pays[1].payment_method, "e_wallet");
    assert_eq!(pays[1].reference.as_deref(), Some("INV-1002"));

    let (budi, pw, held, subs, invs, pays) = fetch(id("client tbl_customers#2")).await.unwrap();
    assert_eq!(
        (budi.name.as_str(), budi.address.as_str()),
        ("Budi Śantoso", "Gang Ñandu 2")
    );
    assert_eq!(open(pw), "ppp-budi");
    assert!(!held);
    assert_eq!(subs[0].plan_id, period.id);
    assert_eq!(
        (subs[0].start_date, subs[0].end_date, subs[0].status),
        (d("2026-11-20"), d("2026-12-20"), Status::Active)
    );
    assert_eq!(invs.len(), 1);
    assert_eq!(invs[0].number(), "INV-2026-000002");
    assert_eq!(invs[0].total.minor(), 9_900_050);
    assert_eq!(pays[0].amount.minor(), 9_900_050);

    let (citra, pw, held, subs, invs, pays) = fetch(id("client tbl_customers#4")).await.unwrap();
    assert_eq!(open(pw), "ppp-citra");
    assert!(held, "a Banned customer is imported held");
    assert_eq!(citra.router_id, Some(main_id));
    assert_eq!(
        (subs[0].start_date, subs[0].end_date, subs[0].status),
        (d("2026-09-01"), d("2026-10-01"), Status::Expired),
        "'off' is expired"
    );
    assert_eq!(invs[0].number(), "INV-2026-000003");
    assert_eq!(pays[0].payment_method, "bank_transfer");

    let (_, _, _, subs, invs, _) = fetch(id("client tbl_customers#5")).await.unwrap();
    assert!(
        subs.is_empty() && invs.is_empty(),
        "dewi's plan was skipped"
    );
    let (eko, _, _, subs, _, _) = fetch(id("client tbl_customers#6")).await.unwrap();
    assert_eq!(
        (
            eko.name.as_str(),
            eko.phone_number.as_str(),
            eko.address.as_str()
        ),
        ("eko", "", "")
    );
    assert_eq!(eko.router_id, None);
    assert!(subs.is_empty());
    let created = plan
        .steps
        .iter()
        .find(|s| s.source == "tbl_customers#6" && s.entity == E::Client)
        .unwrap();
    assert!(created.reason.as_deref().unwrap().contains("missing"));

    // The trail: plans, users and the imported money are audited and verify.
    app.audit_holds().await;
    let after = state(&app).await;

    // A second run changes nothing and says so.
    let again = phpnuxbill::run(&app.app, &actor, &source.url, false, &Seen::default())
        .await
        .unwrap();
    assert_eq!(again.changed(), 0, "{}", again.summary());
    assert!(again.summary().contains("nothing new"));
    assert_eq!(again.rows(E::Invoice, Unchanged), 4);
    assert_eq!(again.rows(E::Client, Unchanged), 5);
    assert_eq!(again.rows(E::Subscription, Unchanged), 3);
    assert_eq!(state(&app).await, after, "a second run changes nothing");
    source.drop().await;
}

async fn refuses_non_admins_and_bad_sources(app: TestApp) {
    let cashier = Actor {
        id: None,
        username: "c".into(),
        role: Role::Cashier,
    };
    let err = phpnuxbill::run(&app.app, &cashier, "mysql://x/y", true, &Seen::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("only an admin"), "{err}");
    let err = phpnuxbill::run(
        &app.app,
        &Actor::system("test"),
        "postgres://x/y",
        true,
        &Seen::default(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("mysql://"), "{err}");
}

backend_tests!(
    imports_every_field_reports_skips_and_runs_once,
    refuses_non_admins_and_bad_sources
);
