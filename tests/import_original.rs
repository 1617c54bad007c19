//! `mikronet import original`: a database in the original system's shape (tests/import/
//! original.sql) with awkward rows, made on the machine's MariaDB, imported into each backend.

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::TestApp;
use mikronet::domain::import::{Action, Entity, Plan};
use mikronet::domain::user::Actor;
use mikronet::service::import::{Quiet, original};
use mikronet::storage::Value as V;
use sqlx_core::connection::Connection;
use sqlx_core::executor::Executor;
use sqlx_core::sql_str::AssertSqlSafe;
use sqlx_mysql::MySqlConnection;

const SCHEMA: &str = include_str!("import/original.sql");
const BOSS_PASSWORD: &str = "boss-passw0rd";

/// The machine's MariaDB server (as tests/common uses it), without a database.
fn server() -> Option<String> {
    let url = std::env::var("MIKRONET_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    (url != "off").then(|| url[..url.rfind('/').unwrap()].to_owned())
}

/// A fresh database in the original's shape, with its rows; dropped by [`Source::drop_it`].
struct Source {
    server: String,
    name: String,
    url: String,
}

async fn exec(c: &mut MySqlConnection, sql: &str) {
    c.execute(AssertSqlSafe(sql.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

impl Source {
    async fn make(tag: &str) -> Option<Source> {
        let server = server()?;
        let name = format!("orig_src_{tag}_{}", std::process::id());
        let Ok(mut c) = MySqlConnection::connect(&format!("{server}/mysql")).await else {
            eprintln!("MariaDB not reachable: skipping the import test");
            return None;
        };
        exec(&mut c, &format!("DROP DATABASE IF EXISTS {name}")).await;
        exec(
            &mut c,
            &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"),
        )
        .await;
        let url = format!("{server}/{name}");
        let mut c = MySqlConnection::connect(&url).await.unwrap();
        // The original ran without strict mode: zero dates were stored as they came.
        exec(&mut c, "SET SESSION sql_mode = ''").await;
        for stmt in SCHEMA.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let stmt: String = stmt
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            if !stmt.trim().is_empty() {
                exec(&mut c, &stmt).await;
            }
        }
        let boss = bcrypt::hash_with_result(BOSS_PASSWORD, 4)
            .unwrap()
            .format_for_version(bcrypt::Version::TwoY);
        assert!(boss.starts_with("$2y$04$"), "{boss}");
        for sql in [
            "INSERT INTO plan VALUES (1, 'Home 10M', 150000.50, 'home-10m'), \
             (2, 'Bisnis \"50\" Mbps', 500000.00, 'biz-50m'), (3, 'ab', 1.00, 'tiny')",
            "INSERT INTO Clients VALUES \
             (1, 'Pak O''Brien Dũng', '08123456789', 'Jl. Merdeka No.1', 'obrien'), \
             (2, 'Siti \"Nur\" Ähmad', '+628129999999', 'Gang Kenanga 7, Bandung', 'siti@home'), \
             (3, 'Tanpa Langganan', '0811111111', 'Jl. Sepi 3', 'nosub'), \
             (4, 'Bad Phone', 'call me', 'Jl. Salah 1', 'badphone')",
            "INSERT INTO subscription VALUES \
             (1, 1, 1, '2026-01-01', '2026-12-31', 'active'), \
             (2, 2, 2, '2025-01-01', '2025-06-30', 'inactive'), \
             (3, 4, 1, '2026-01-01', '2026-01-31', 'active'), \
             (4, 1, 2, '0000-00-00', '2026-01-31', 'active')",
            "INSERT INTO invoice VALUES \
             (1, 1, '2026-01-01', '2026-01-08', 150000.50, 'paid', 'cash', '2026-01-05'), \
             (2, 1, '2026-02-01', '2026-02-08', 150000.50, 'overdue', NULL, NULL), \
             (3, 2, '2025-01-01', '2025-01-08', 500000.00, 'pending', NULL, NULL), \
             (4, 99, '2025-03-01', '2025-03-08', 75000.25, 'pending', NULL, NULL), \
             (5, 1, '0000-00-00', '2026-03-08', 150000.50, 'pending', NULL, NULL), \
             (6, 2, '2025-02-01', '2025-02-08', 500000.00, 'paid', 'transfer', NULL)",
            "INSERT INTO payment VALUES \
             (1, 1, '2026-01-05', 150000.50, 'cash', 'completed'), \
             (2, 2, '2025-03-03', 10.00, 'cash', 'completed')",
        ] {
            exec(&mut c, sql).await;
        }
        exec(
            &mut c,
            &format!(
                "INSERT INTO users VALUES \
                 (1, 'boss', '{boss}', 'admin', '2024-01-02 03:04:05', NULL), \
                 (2, 'kasir', '{boss}', 'staff', '0000-00-00 00:00:00', NULL), \
                 (3, 'bad user!', '{boss}', 'admin', NULL, NULL), \
                 (4, 'plain', 'not-a-hash', 'admin', NULL, NULL)"
            ),
        )
        .await;
        Some(Source { server, name, url })
    }

    async fn drop_it(self) {
        let mut c = MySqlConnection::connect(&format!("{}/mysql", self.server))
            .await
            .unwrap();
        exec(&mut c, &format!("DROP DATABASE {}", self.name)).await;
    }
}

async fn import(app: &TestApp, url: &str, dry_run: bool) -> Plan {
    original::run(&app.app, &Actor::system("import"), url, dry_run, &Quiet)
        .await
        .unwrap()
}

/// Our rows of one table as text, key first, in key order.
async fn rows(app: &TestApp, sql: &'static str) -> Vec<Vec<String>> {
    app.db()
        .read(move |ex| {
            Box::pin(async move {
                let rows = ex.fetch_all(sql, &[]).await?;
                Ok::<_, mikronet::storage::StoreError>(
                    rows.into_iter()
                        .map(|r| {
                            let mut c = mikronet::storage::Cursor::new(r);
                            let mut out = Vec::new();
                            while let Ok(v) = c.value() {
                                out.push(match v {
                                    V::Null(_) => "NULL".to_owned(),
                                    V::Int(i) => i.to_string(),
                                    V::Text(t) => t,
                                    V::Date(d) => d.to_string(),
                                    V::Timestamp(t) => t.to_rfc3339(),
                                    V::Bool(b) => b.to_string(),
                                });
                            }
                            out
                        })
                        .collect(),
                )
            })
        })
        .await
        .unwrap()
}

fn counts(p: &Plan) -> HashMap<(Entity, Action), u64> {
    p.counts
        .iter()
        .map(|c| ((c.entity, c.action), c.rows))
        .collect()
}

/// Every table's rows, to compare before and after a run that must change nothing.
async fn everything(app: &TestApp) -> Vec<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for sql in [
        "SELECT id, name, phone_number, address, ppp_secret_name, ppp_password_enc FROM clients ORDER BY id",
        "SELECT id, name, price_minor FROM plans ORDER BY id",
        "SELECT id, status, start_date, end_date FROM subscriptions ORDER BY id",
        "SELECT id, invoice_seq, status, total_minor, paid_minor FROM invoices ORDER BY id",
        "SELECT id, invoice_id, amount_minor FROM payments ORDER BY id",
        "SELECT id, username, password_hash, role FROM users ORDER BY id",
        "SELECT source, entity, source_key, our_id FROM import_map ORDER BY source, entity, source_key",
        "SELECT seq FROM audit_log ORDER BY seq",
    ] {
        out.push(rows(app, sql).await);
    }
    out
}

async fn original_system_is_imported(app: TestApp) {
    let tag = app.backend.name();
    let Some(src) = Source::make(tag).await else {
        return;
    };
    let admin = app.admin().await; // our user 1: the original's user 1 must move

    // The dry run plans everything and changes nothing.
    let before = everything(&app).await;
    let dry = import(&app, &src.url, true).await;
    assert!(dry.dry_run);
    assert_eq!(
        everything(&app).await,
        before,
        "a dry run changed something"
    );
    assert_eq!(dry.rows(Entity::Client, Action::Create), 3);
    assert!(
        dry.steps
            .iter()
            .all(|s| s.action != Action::Create || s.id.is_none())
    );

    let plan = import(&app, &src.url, false).await;
    let c = counts(&plan);
    let want = [
        ((Entity::Plan, Action::Create), 2),
        ((Entity::Plan, Action::Skip), 1),
        ((Entity::Client, Action::Create), 3),
        ((Entity::Client, Action::Skip), 1),
        ((Entity::Subscription, Action::Create), 2),
        ((Entity::Subscription, Action::Skip), 2),
        ((Entity::Invoice, Action::Create), 3),
        ((Entity::Invoice, Action::Skip), 3),
        ((Entity::Payment, Action::Create), 1),
        ((Entity::Payment, Action::Link), 1),
        ((Entity::Payment, Action::Skip), 1),
        ((Entity::User, Action::Create), 2),
        ((Entity::User, Action::Skip), 2),
    ];
    assert_eq!(c, want.into_iter().collect(), "{}", plan.summary());
    // The dry run planned exactly this (but for the payment link, known once it exists).
    for ((e, a), n) in want {
        if (e, a) != (Entity::Payment, Action::Link) {
            assert_eq!(dry.rows(e, a), n, "{e} {a}");
        }
    }

    // The skipped rows, through the CSV the command writes.
    let file = std::env::temp_dir().join(format!("{}-skipped.csv", src.name));
    mikronet::cli::import::write_skipped(&plan, &file).unwrap();
    let mut csv = csv::Reader::from_path(&file).unwrap();
    assert_eq!(
        csv.headers().unwrap().iter().collect::<Vec<_>>(),
        ["entity", "source", "reason"]
    );
    let skipped: HashMap<String, (String, String)> = csv
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_owned(), (r[0].to_owned(), r[2].to_owned()))
        })
        .collect();
    assert_eq!(skipped.len(), 10, "{skipped:?}");
    let reason = |k: &str| skipped.get(k).map(|(_, r)| r.as_str()).unwrap_or("");
    assert!(reason("plan#3").contains("plan_name"), "{skipped:?}");
    assert!(reason("Clients#4").contains("phone_number"), "{skipped:?}");
    assert!(
        reason("subscription#3").contains("Clients#4 was skipped"),
        "{skipped:?}"
    );
    assert!(
        reason("subscription#4").contains("start_date '0000-00-00' is not a date"),
        "{skipped:?}"
    );
    assert!(
        reason("invoice#4").contains("subscription#99 does not exist"),
        "{skipped:?}"
    );
    assert!(
        reason("invoice#5").contains("invoice_date '0000-00-00'"),
        "{skipped:?}"
    );
    assert!(
        reason("invoice#6").contains("payment_date is missing"),
        "{skipped:?}"
    );
    assert!(
        reason("payment#2").contains("no paid invoice"),
        "{skipped:?}"
    );
    assert!(reason("users#3").contains("username"), "{skipped:?}");
    assert!(reason("users#4").contains("password_hash"), "{skipped:?}");
    assert_eq!(skipped["users#4"].0, "user");
    std::fs::remove_file(&file).unwrap();

    // Every field, ids kept where ours were free.
    assert_eq!(
        rows(&app, "SELECT id, name, price_minor, period_unit, period_count, ppp_profile, active FROM plans ORDER BY id").await,
        [
            ["1", "Home 10M", "15000050", "month", "1", "home-10m", "true"],
            ["2", "Bisnis \"50\" Mbps", "50000000", "month", "1", "biz-50m", "true"],
        ]
        .map(|r| bool_as_stored(&r, app.backend))
        .to_vec()
    );
    assert_eq!(
        rows(&app, "SELECT id, name, phone_number, address, ppp_secret_name, ppp_password_enc, router_id FROM clients ORDER BY id").await,
        vec![
            strs(&["1", "Pak O'Brien Dũng", "08123456789", "Jl. Merdeka No.1", "obrien", "", "NULL"]),
            strs(&["2", "Siti \"Nur\" Ähmad", "+628129999999", "Gang Kenanga 7, Bandung", "siti@home", "", "NULL"]),
            strs(&["3", "Tanpa Langganan", "0811111111", "Jl. Sepi 3", "nosub", "", "NULL"]),
        ]
    );
    assert_eq!(
        rows(&app, "SELECT id, client_id, plan_id, start_date, end_date, status FROM subscriptions ORDER BY id").await,
        vec![
            strs(&["1", "1", "1", "2026-01-01", "2026-12-31", "active"]),
            strs(&["2", "2", "2", "2025-01-01", "2025-06-30", "expired"]),
        ]
    );
    assert_eq!(
        rows(&app, "SELECT id, invoice_year, invoice_seq, client_id, subscription_id, period_start, period_end, invoice_date, due_date, total_minor, paid_minor, status FROM invoices ORDER BY id").await,
        vec![
            strs(&["1", "2026", "1", "1", "1", "2026-01-01", "2026-01-31", "2026-01-01", "2026-01-08", "15000050", "15000050", "paid"]),
            strs(&["2", "2026", "2", "1", "1", "2026-02-01", "2026-02-28", "2026-02-01", "2026-02-08", "15000050", "0", "pending"]),
            strs(&["3", "2025", "1", "2", "2", "2025-01-01", "2025-01-31", "2025-01-01", "2025-01-08", "50000000", "0", "pending"]),
        ]
    );
    assert_eq!(
        rows(&app, "SELECT id, invoice_id, amount_minor, payment_date, payment_method, reference, status, recorded_by FROM payments ORDER BY id").await,
        vec![strs(&["1", "1", "15000050", "2026-01-05", "cash", "original invoice 1", "success", "system:import"])]
    );
    let users = rows(
        &app,
        "SELECT id, username, role, password_hash FROM users ORDER BY id",
    )
    .await;
    assert_eq!(users.len(), 3);
    assert_eq!(users[0][1], "admin");
    assert_eq!(users[1][..3], strs(&["2", "boss", "admin"])[..]);
    assert!(users[1][3].starts_with("$2y$"), "the bcrypt hash is kept");
    assert_eq!(users[2][..3], strs(&["3", "kasir", "cashier"])[..]);
    let boss = plan.steps.iter().find(|s| s.source == "users#1").unwrap();
    assert_eq!(boss.id, Some(2));
    assert!(boss.reason.as_deref().unwrap().contains("id 1 is taken"));
    let kasir = plan.steps.iter().find(|s| s.source == "users#2").unwrap();
    assert!(
        kasir.reason.as_deref().unwrap().contains("cashier"),
        "{kasir:?}"
    );
    assert!(
        kasir.reason.as_deref().unwrap().contains("created_at"),
        "{kasir:?}"
    );
    assert_eq!(
        rows(
            &app,
            "SELECT source_key, our_id FROM import_map WHERE entity = 'user' ORDER BY source_key"
        )
        .await,
        vec![strs(&["1", "2"]), strs(&["2", "3"])]
    );

    // The API shows them as the original's clients knew them.
    let r = app.get("/invoice/2", &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["data"]["total_amount"].to_string(), "150000.50");
    assert_eq!(r.json["data"]["invoice_status"], "overdue");
    let r = app.get("/invoice/1", &admin).await;
    assert_eq!(r.json["data"]["invoice_status"], "paid");
    assert_eq!(r.json["data"]["payment_method"], "cash");
    assert_eq!(r.json["data"]["payment_date"], "2026-01-05");
    let r = app.get("/plan/1", &admin).await;
    assert_eq!(r.json["data"]["price"].to_string(), "150000.50");
    app.audit_holds().await;

    // A new row after the kept ids does not collide (PostgreSQL's sequences followed).
    let id = app.create_client(&admin, "Baru Sekali", "baru").await;
    assert_eq!(id, 4);

    // The original's user logs in with the original's password; the hash becomes Argon2id.
    let r = app
        .post(
            "/auth/login",
            None,
            &serde_json::json!({"username": "boss", "password": BOSS_PASSWORD}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let hash = &rows(
        &app,
        "SELECT password_hash FROM users WHERE username = 'boss'",
    )
    .await[0][0];
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    // A second run changes nothing and says so.
    let before = everything(&app).await;
    let again = import(&app, &src.url, false).await;
    assert_eq!(again.changed(), 0, "{}", again.summary());
    assert!(again.summary().contains("nothing new"));
    assert_eq!(again.rows(Entity::Invoice, Action::Unchanged), 3);
    assert_eq!(again.rows(Entity::Payment, Action::Unchanged), 2);
    assert_eq!(again.rows(Entity::User, Action::Unchanged), 2);
    assert_eq!(again.skipped().count(), 10);
    assert_eq!(
        everything(&app).await,
        before,
        "a second run changed something"
    );

    src.drop_it().await;
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// SQLite keeps booleans as integers.
fn bool_as_stored(r: &[&str], backend: mikronet::storage::Backend) -> Vec<String> {
    r.iter()
        .map(|v| match (*v, backend) {
            ("true", mikronet::storage::Backend::Sqlite) => "1".to_owned(),
            _ => (*v).to_owned(),
        })
        .collect()
}

backend_tests!(original_system_is_imported);
