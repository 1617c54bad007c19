//! Finance reports: aging, collections, revenue per plan and a cashier's day. Each figure is
//! compared with sums this test computes itself from the invoices and payments it listed, and
//! each CSV is read back with the `csv` crate and compared with the JSON.

mod common;

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use chrono::{Days, NaiveDate, Utc};
use common::TestApp;
use serde_json::{Value, json};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A JSON money value (`100000.25`) in minor units.
fn minor(v: &Value) -> i64 {
    let s = v.to_string().trim_matches('"').to_owned();
    let (whole, frac) = s.split_once('.').unwrap_or((&s, "00"));
    whole.parse::<i64>().unwrap() * 100 + format!("{frac:0<2}")[..2].parse::<i64>().unwrap()
}

fn money(m: i64) -> String {
    format!("{}.{:02}", m / 100, m % 100)
}

async fn get_as(app: &TestApp, path: &str, token: &str, csv: bool) -> common::Resp {
    let headers: &[(&str, &str)] = if csv { &[("Accept", "text/csv")] } else { &[] };
    app.send(common::request(
        Method::GET,
        path,
        Some(token),
        None,
        headers,
    ))
    .await
}

/// The CSV of `path` (asked for by suffix), as header and rows.
async fn csv_of(app: &TestApp, path: &str, token: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let r = app
        .get(&format!("{base}.csv?{query}"), token)
        .await
        .expect(200);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    assert!(
        r.header("content-disposition")
            .starts_with("attachment; filename=")
    );
    let mut rd = csv::Reader::from_reader(r.bytes.as_slice());
    let head = rd.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = rd
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (head, rows)
}

struct Books {
    admin: String,
    kasir1: String,
    operator: String,
    router: i64,
    /// Each client's router.
    on_router: BTreeMap<i64, Option<i64>>,
}

async fn subscribe(
    app: &TestApp,
    admin: &str,
    client: i64,
    plan: i64,
    start: NaiveDate,
    end: NaiveDate,
) -> i64 {
    app.subscribe(admin, client, plan, &start.to_string(), &end.to_string())
        .await
}

/// Two plans, three clients (one on a router), invoices over 2024 and near today, payments by
/// two cashiers and the admin in several methods, one pending, one of a client named like a
/// spreadsheet formula.
async fn books(app: &TestApp) -> Books {
    let admin = app.admin().await;
    let kasir1 = app.user(Some(&admin), "kasir1", "cashier").await;
    let kasir2 = app.user(Some(&admin), "kasir2", "cashier").await;
    let operator = app.user(Some(&admin), "op1", "operator").await;
    let home = app.create_plan(&admin, "Home", "100000").await;
    let pro = app.create_plan(&admin, "Pro", "250000.50").await;
    // Registered while no router exists: on none, until B is moved onto one.
    let a = app.create_client(&admin, "=HYPERLINK(1)", "abc123").await;
    let b = app.create_client(&admin, "Budi", "def456").await;
    let c = app.create_client(&admin, "Citra", "ghi789").await;
    let sim = common::simulator().await;
    let router = app.add_router(&admin, &sim).await;
    app.put(
        &format!("/client/update/{b}"),
        &admin,
        &json!({"router_id": router}).to_string(),
    )
    .await
    .expect(200);
    let on_router = BTreeMap::from([(a, None), (b, Some(router)), (c, None)]);
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let sa = subscribe(app, &admin, a, home, d("2024-01-01"), d("2024-01-31")).await;
    let sb = subscribe(app, &admin, b, pro, d("2024-01-01"), d("2024-01-31")).await;
    app.generate(&admin, "2024-01-28").await;
    let (ia, ib) = (latest(app, &admin, sa).await, latest(app, &admin, sb).await);
    app.pay(
        &kasir1,
        ia,
        r#"{"amount":"100000","payment_method":"cash","payment_date":"2024-02-01"}"#,
    )
    .await
    .expect(201);
    app.pay(
        &kasir2,
        ib,
        r#"{"amount":"100000.25","payment_method":"qris","payment_date":"2024-02-03"}"#,
    )
    .await
    .expect(201);
    app.pay(&admin, ib, r#"{"amount":"50000","payment_method":"bank_transfer","payment_status":"pending","payment_date":"2024-02-05"}"#)
        .await
        .expect(201);
    // March for A (paid up), nothing new for B (February still open).
    app.generate(&admin, "2024-02-26").await;
    let ia2 = latest(app, &admin, sa).await;
    app.pay(
        &kasir1,
        ia2,
        r#"{"amount":"40000","payment_method":"cash","payment_date":"2024-03-02"}"#,
    )
    .await
    .expect(201);
    app.pay(
        &kasir1,
        ia2,
        r#"{"amount":"10000","payment_method":"qris","payment_date":"2024-03-03"}"#,
    )
    .await
    .expect(201);
    // C: one invoice due 38 days ago, and a new subscription invoiced today (current).
    let sc = subscribe(
        app,
        &admin,
        c,
        home,
        today() - Days::new(75),
        today() - Days::new(41),
    )
    .await;
    app.generate(&admin, &(today() - Days::new(45)).to_string())
        .await;
    assert_eq!(app.invoices_of(&admin, sc).await.len(), 1);
    let sd = subscribe(app, &admin, c, pro, today(), today() + Days::new(29)).await;
    assert_eq!(app.invoices_of(&admin, sd).await.len(), 1);
    Books {
        admin,
        kasir1,
        operator,
        router,
        on_router,
    }
}

/// The id of a subscription's latest invoice.
async fn latest(app: &TestApp, admin: &str, sub: i64) -> i64 {
    app.invoices_of(admin, sub).await.last().unwrap()["invoice_id"]
        .as_i64()
        .unwrap()
}

async fn all(app: &TestApp, path: &str, admin: &str) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let r = app
        .get(&format!("{path}{sep}per_page=1000"), admin)
        .await
        .expect(200);
    r.json["data"].as_array().unwrap().clone()
}

async fn aging_matches_the_open_invoices(app: TestApp) {
    let b = books(&app).await;
    let invoices = all(&app, "/invoices", &b.admin).await;
    let mut expected: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for i in &invoices {
        let status = i["invoice_status"].as_str().unwrap();
        if !matches!(status, "pending" | "partially_paid") {
            continue;
        }
        let due = NaiveDate::parse_from_str(i["due_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let late = (today() - due).num_days();
        let bucket = match late {
            ..=0 => "current",
            1..=30 => "1-30",
            31..=60 => "31-60",
            61..=90 => "61-90",
            _ => "over_90",
        };
        let e = expected.entry(bucket).or_default();
        e.0 += 1;
        e.1 += minor(&i["total_amount"]) - minor(&i["paid_amount"]);
    }
    // The books hold each kind this test meant to make.
    assert_eq!(expected.len(), 3, "{expected:?}");
    let r = app.get("/reports/aging", &b.admin).await.expect(200);
    let data = &r.json["data"];
    assert_eq!(data["date"], today().to_string());
    let buckets = data["buckets"].as_array().unwrap();
    assert_eq!(
        buckets
            .iter()
            .map(|x| x["bucket"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["current", "1-30", "31-60", "61-90", "over_90"]
    );
    for x in buckets {
        let want = expected
            .get(x["bucket"].as_str().unwrap())
            .copied()
            .unwrap_or((0, 0));
        assert_eq!(
            (x["invoices"].as_i64().unwrap(), minor(&x["outstanding"])),
            want,
            "{x}"
        );
    }
    let total: i64 = expected.values().map(|v| v.1).sum();
    assert_eq!(minor(&data["outstanding"]), total);
    // The CSV says the same.
    let (head, rows) = csv_of(&app, "/reports/aging", &b.admin).await;
    assert_eq!(head, ["bucket", "invoices", "outstanding"]);
    assert_eq!(rows.len(), 5);
    for (row, x) in rows.iter().zip(buckets) {
        assert_eq!(row[0], x["bucket"].as_str().unwrap());
        assert_eq!(row[1], x["invoices"].to_string());
        assert_eq!(row[2], money(minor(&x["outstanding"])));
    }
    // Admin only.
    app.get("/reports/aging", &b.kasir1).await.expect(403);
    app.get("/reports/aging", &b.operator).await.expect(403);
}

async fn collections_match_the_payments(app: TestApp) {
    let b = books(&app).await;
    let payments = all(&app, "/payments", &b.admin).await;
    let invoices = all(&app, "/invoices", &b.admin).await;
    let client_of: BTreeMap<i64, i64> = invoices
        .iter()
        .map(|i| {
            (
                i["invoice_id"].as_i64().unwrap(),
                i["client_id"].as_i64().unwrap(),
            )
        })
        .collect();
    let range = ("2024-01-01", "2024-03-31");
    let success: Vec<&Value> = payments
        .iter()
        .filter(|p| p["payment_status"] == "success")
        .filter(|p| {
            let d = p["payment_date"].as_str().unwrap();
            d >= range.0 && d <= range.1
        })
        .collect();
    assert_eq!(success.len(), 4);
    // By month and method.
    let mut want: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for p in &success {
        let key = (
            p["payment_date"].as_str().unwrap()[..7].to_owned(),
            p["payment_method"].as_str().unwrap().to_owned(),
        );
        let e = want.entry(key).or_default();
        e.0 += 1;
        e.1 += minor(&p["amount"]);
    }
    let path = format!(
        "/reports/collections?from={}&to={}&by=month,method",
        range.0, range.1
    );
    let r = app.get(&path, &b.admin).await.expect(200);
    let got: BTreeMap<(String, String), (i64, i64)> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            assert!(x.get("day").is_none(), "{x}");
            (
                (
                    x["month"].as_str().unwrap().to_owned(),
                    x["payment_method"].as_str().unwrap().to_owned(),
                ),
                (x["payments"].as_i64().unwrap(), minor(&x["amount"])),
            )
        })
        .collect();
    assert_eq!(got, want);
    let (head, rows) = csv_of(&app, &path, &b.admin).await;
    assert_eq!(head, ["month", "payment_method", "payments", "amount"]);
    let from_csv: BTreeMap<(String, String), (i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                (r[0].clone(), r[1].clone()),
                (r[2].parse().unwrap(), minor(&json!(r[3]))),
            )
        })
        .collect();
    assert_eq!(from_csv, want);

    // By cashier and router.
    let mut want: BTreeMap<(String, Option<i64>), i64> = BTreeMap::new();
    for p in &success {
        let client = client_of[&p["invoice_id"].as_i64().unwrap()];
        let key = (
            p["recorded_by"].as_str().unwrap().to_owned(),
            b.on_router[&client],
        );
        *want.entry(key).or_default() += minor(&p["amount"]);
    }
    assert!(want.keys().any(|k| k.1 == Some(b.router)) && want.keys().any(|k| k.1.is_none()));
    let path = format!(
        "/reports/collections?from={}&to={}&by=cashier,router",
        range.0, range.1
    );
    let r = app.get(&path, &b.admin).await.expect(200);
    let got: BTreeMap<(String, Option<i64>), i64> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                (
                    x["cashier"].as_str().unwrap().to_owned(),
                    x["router_id"].as_i64(),
                ),
                minor(&x["amount"]),
            )
        })
        .collect();
    assert_eq!(got, want);

    // A cashier sees only their own; another's is refused, as is an operator.
    let path = format!(
        "/reports/collections?from={}&to={}&by=cashier",
        range.0, range.1
    );
    let r = app.get(&path, &b.kasir1).await.expect(200);
    assert_eq!(r.json["data"][0]["cashier"], "kasir1");
    let mine: i64 = success
        .iter()
        .filter(|p| p["recorded_by"] == "kasir1")
        .map(|p| minor(&p["amount"]))
        .sum();
    assert_eq!(r.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(minor(&r.json["data"][0]["amount"]), mine);
    app.get(&format!("{path}&cashier=kasir2"), &b.kasir1)
        .await
        .expect(403);
    app.get(&path, &b.operator).await.expect(403);
    let r = app
        .get(&format!("{path}&cashier=kasir2"), &b.admin)
        .await
        .expect(200);
    assert_eq!(minor(&r.json["data"][0]["amount"]), 10_000_025);

    // Bad groups and ranges name their field.
    let r = app
        .get("/reports/collections?by=week", &b.admin)
        .await
        .expect(400);
    assert!(r.json["errors"]["by"].is_string(), "{}", r.text);
    let r = app
        .get("/reports/collections?by=day,month", &b.admin)
        .await
        .expect(400);
    assert!(r.json["errors"]["by"].is_string(), "{}", r.text);
    let r = app
        .get(
            "/reports/collections?from=2024-02-01&to=2024-01-01",
            &b.admin,
        )
        .await
        .expect(400);
    assert!(r.json["errors"]["to"].is_string(), "{}", r.text);
}

async fn revenue_per_plan_matches_the_invoices(app: TestApp) {
    let b = books(&app).await;
    let invoices = all(&app, "/invoices?from=2024-01-01&to=2024-12-31", &b.admin).await;
    let plan_of: BTreeMap<i64, i64> = all(&app, "/subscriptions", &b.admin)
        .await
        .iter()
        .map(|s| {
            (
                s["subscription_id"].as_i64().unwrap(),
                s["plan_id"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut want: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new();
    for i in invoices.iter().filter(|i| i["invoice_status"] != "void") {
        let plan = plan_of[&i["subscription_id"].as_i64().unwrap()];
        let e = want.entry(plan).or_default();
        e.0 += 1;
        e.1 += minor(&i["total_amount"]);
        e.2 += minor(&i["paid_amount"]);
    }
    assert_eq!(want.len(), 2);
    let path = "/reports/revenue?from=2024-01-01&to=2024-12-31";
    let r = app.get(path, &b.admin).await.expect(200);
    let rows = r.json["data"].as_array().unwrap();
    assert_eq!(rows[0]["plan_name"], "Home");
    let got: BTreeMap<i64, (i64, i64, i64)> = rows
        .iter()
        .map(|x| {
            (
                x["plan_id"].as_i64().unwrap(),
                (
                    x["invoices"].as_i64().unwrap(),
                    minor(&x["invoiced"]),
                    minor(&x["paid"]),
                ),
            )
        })
        .collect();
    assert_eq!(got, want);
    let (head, csv_rows) = csv_of(&app, path, &b.admin).await;
    assert_eq!(
        head,
        ["plan_id", "plan_name", "invoices", "invoiced", "paid"]
    );
    for (row, x) in csv_rows.iter().zip(rows) {
        assert_eq!(row[0], x["plan_id"].to_string());
        assert_eq!(row[1], x["plan_name"].as_str().unwrap());
        assert_eq!(row[3], money(minor(&x["invoiced"])));
    }
    app.get(path, &b.kasir1).await.expect(403);
}

async fn a_cashiers_day_is_what_they_recorded_today(app: TestApp) {
    let b = books(&app).await;
    let payments = all(&app, "/payments", &b.admin).await;
    let mine: Vec<&Value> = payments
        .iter()
        .filter(|p| p["recorded_by"] == "kasir1")
        .collect();
    let r = app.get("/reports/cashier-day", &b.kasir1).await.expect(200);
    let day = &r.json["data"];
    assert_eq!(day["date"], today().to_string());
    assert_eq!(day["cashier"], "kasir1");
    let listed: Vec<i64> = day["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["payment_id"].as_i64().unwrap())
        .collect();
    let want: Vec<i64> = mine
        .iter()
        .map(|p| p["payment_id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, want);
    let cash: i64 = mine
        .iter()
        .filter(|p| p["payment_method"] == "cash")
        .map(|p| minor(&p["amount"]))
        .sum();
    let by = day["by_method"].as_array().unwrap();
    assert_eq!(by[0]["payment_method"], "cash");
    assert_eq!(minor(&by[0]["amount"]), cash);
    assert_eq!(by[0]["payments"], 2);
    let all_mine: i64 = mine.iter().map(|p| minor(&p["amount"])).sum();
    assert_eq!(minor(&day["total"]), all_mine);
    // The CSV lists the same payments, and a formula-like client name is defused.
    let (head, rows) = csv_of(&app, "/reports/cashier-day", &b.kasir1).await;
    assert_eq!(head[0], "payment_id");
    assert_eq!(
        rows.iter()
            .map(|r| r[0].parse::<i64>().unwrap())
            .collect::<Vec<_>>(),
        want
    );
    assert!(rows.iter().all(|r| r[2] == "'=HYPERLINK(1)"), "{rows:?}");
    // Accept: text/csv gives the same bytes as the suffix.
    let by_accept = get_as(&app, "/reports/cashier-day", &b.kasir1, true).await;
    let by_suffix = app.get("/reports/cashier-day.csv", &b.kasir1).await;
    assert_eq!(by_accept.bytes, by_suffix.bytes);
    // Every cell quoted: a spreadsheet splitting on `;` cannot start a cell inside one.
    assert!(
        by_suffix
            .text
            .starts_with("\"payment_id\",\"invoice_number\""),
        "{}",
        by_suffix.text
    );
    // An operator takes payments too, and reads their own (empty) day.
    let r = app
        .get("/reports/cashier-day", &b.operator)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["payments"], json!([]));
    // Yesterday they recorded nothing; another cashier's day is the admin's to read.
    let yesterday = today() - Days::new(1);
    let r = app
        .get(&format!("/reports/cashier-day?date={yesterday}"), &b.kasir1)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["payments"], json!([]));
    app.get("/reports/cashier-day?cashier=kasir2", &b.kasir1)
        .await
        .expect(403);
    let r = app
        .get("/reports/cashier-day?cashier=kasir2", &b.admin)
        .await
        .expect(200);
    assert_eq!(minor(&r.json["data"]["total"]), 10_000_025);
    let r = app
        .get("/reports/cashier-day?date=2024-13-01", &b.admin)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

async fn exports_are_every_row_as_csv(app: TestApp) {
    let b = books(&app).await;
    let invoices = all(&app, "/invoices", &b.admin).await;
    let (head, rows) = csv_of(&app, "/export/invoices", &b.admin).await;
    assert_eq!(head[..3], ["invoice_id", "invoice_number", "client_id"]);
    let mut want: Vec<(i64, String, i64, i64, String)> = invoices
        .iter()
        .map(|i| {
            (
                i["invoice_id"].as_i64().unwrap(),
                i["invoice_number"].as_str().unwrap().to_owned(),
                minor(&i["total_amount"]),
                minor(&i["paid_amount"]),
                i["invoice_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    want.sort();
    let got: Vec<(i64, String, i64, i64, String)> = rows
        .iter()
        .map(|r| {
            (
                r[0].parse().unwrap(),
                r[1].clone(),
                minor(&json!(r[9])),
                minor(&json!(r[10])),
                r[11].clone(),
            )
        })
        .collect();
    assert_eq!(got, want);
    let payments = all(&app, "/payments", &b.admin).await;
    let (head, rows) = csv_of(&app, "/export/payments", &b.admin).await;
    assert_eq!(head.len(), 9);
    assert_eq!(rows.len(), payments.len());
    let pending = rows.iter().find(|r| r[6] == "pending").unwrap();
    assert_eq!(
        (pending[2].as_str(), pending[4].as_str()),
        ("50000.00", "bank_transfer")
    );
    // Without the suffix it is CSV too; clients carry no password, and formulas are defused.
    let r = app.get("/export/clients", &b.admin).await.expect(200);
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    let mut rd = csv::Reader::from_reader(r.bytes.as_slice());
    assert!(!rd.headers().unwrap().iter().any(|h| h.contains("password")));
    let names: Vec<String> = rd.records().map(|x| x.unwrap()[1].to_owned()).collect();
    assert_eq!(names, ["'=HYPERLINK(1)", "Budi", "Citra"]);
    for path in [
        "/export/clients",
        "/export/invoices.csv",
        "/export/payments",
    ] {
        app.get(path, &b.kasir1).await.expect(403);
    }
}

backend_tests!(
    aging_matches_the_open_invoices,
    collections_match_the_payments,
    revenue_per_plan_matches_the_invoices,
    a_cashiers_day_is_what_they_recorded_today,
    exports_are_every_row_as_csv,
);
