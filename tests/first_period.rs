//! The first period (`invoice_first_period`, default on): a subscription starting today or
//! later is invoiced for its first period when it is created, prepaid; one starting earlier
//! counts as paid up to its end date and is invoiced from its next period.
//!
//! "Today" is the provider's (UTC in the tests), so the dates here are around the real today.

mod common;

use axum::http::{Method, StatusCode};
use chrono::{Datelike, Days, NaiveDate};
use common::TestApp;
use mikronet::storage::Backend;
use serde_json::{Value, json};

use common::day;

/// Creates a subscription through `path` with `body`; its id.
async fn create(app: &TestApp, admin: &str, path: &str, body: Value) -> i64 {
    let r = app.post(path, Some(admin), &body.to_string()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json["data"]["subscription_id"].as_i64().unwrap()
}

async fn client_and_plan(app: &TestApp) -> (String, i64, i64) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "150000.50").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    (admin, client, plan)
}

/// Starting today, with no end date: one period, invoiced at once at the plan's price, dated
/// today and due after the usual days; the day's generation issues nothing more, and paying
/// it keeps the end date (the period it paid is the one the subscription runs).
async fn a_new_subscription_is_invoiced_for_its_first_period(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (admin, client, plan) = client_and_plan(&app).await;
    let today = day(0);
    let body = json!({"client_id": client, "plan_id": plan, "start_date": today.to_string()});
    let sub = create(&app, &admin, "/subscriptions", body).await;
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    let end = s.json["data"]["end_date"].as_str().unwrap().to_owned();
    let invoices = app.invoices_of(&admin, sub).await;
    assert_eq!(invoices.len(), 1, "{invoices:?}");
    let inv = &invoices[0];
    assert_eq!(inv["period_start"], today.to_string());
    assert_eq!(inv["period_end"], end);
    assert_eq!(inv["invoice_date"], today.to_string());
    assert_eq!(inv["due_date"], day(7).to_string());
    assert_eq!(inv["total_amount"].to_string(), "150000.50");
    assert_eq!(inv["invoice_status"], "pending");
    assert_eq!(
        inv["invoice_number"],
        format!("INV-{}-000001", today.year())
    );
    // The details route shows it; the day's run finds nothing more to issue.
    let d = app
        .get(&format!("/client/{client}/details"), &admin)
        .await
        .expect(200);
    let listed = &d.json["data"]["subscriptions"][0]["invoices"];
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{}", d.text);
    let g = app.generate(&admin, &today.to_string()).await;
    assert_eq!(g["created"], 0, "{g}");
    // Paid, the subscription runs the period it was created with.
    let id = inv["invoice_id"].as_i64().unwrap();
    app.pay(
        &admin,
        id,
        r#"{"amount":"150000.50","payment_method":"cash"}"#,
    )
    .await
    .expect(201);
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["end_date"], end);
    assert_eq!(s.json["data"]["status"], "active");
    // Its next period comes from generation as usual, starting the day after.
    let next_start = NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap() + Days::new(1);
    let run_on = NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap() - Days::new(4);
    let g = app.generate(&admin, &run_on.to_string()).await;
    assert_eq!(g["created"], 1, "{g}");
    let invoices = app.invoices_of(&admin, sub).await;
    assert_eq!(invoices.len(), 2);
    assert_eq!(invoices[1]["period_start"], next_start.to_string());
    app.audit_holds().await;
}

/// Started yesterday: paid up to its end date, no invoice until generation reaches its next
/// period. A later start is invoiced at once too, and so is one created suspended (on hold);
/// a plan without a price is not.
async fn back_dated_held_and_future_subscriptions(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (admin, client, plan) = client_and_plan(&app).await;
    let (start, end) = (day(-1), day(29));
    let body = json!({"client_id": client, "plan_id": plan,
        "start_date": start.to_string(), "end_date": end.to_string()});
    let back = create(&app, &admin, "/subscriptions", body).await;
    assert_eq!(app.invoices_of(&admin, back).await, Vec::<Value>::new());
    let g = app.generate(&admin, &day(0).to_string()).await;
    assert_eq!(g["created"], 0, "{g}");
    let g = app.generate(&admin, &day(25).to_string()).await;
    assert_eq!(g["created"], 1, "{g}");
    let invoices = app.invoices_of(&admin, back).await;
    assert_eq!(invoices[0]["period_start"], day(30).to_string());

    let other = app.create_client(&admin, "Jane Roe", "def456").await;
    let body = json!({"client_id": other, "plan_id": plan,
        "start_date": day(10).to_string(), "end_date": day(40).to_string()});
    let future = create(&app, &admin, "/subscriptions", body).await;
    let invoices = app.invoices_of(&admin, future).await;
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0]["period_start"], day(10).to_string());
    assert_eq!(invoices[0]["period_end"], day(40).to_string());
    assert_eq!(invoices[0]["invoice_date"], day(0).to_string());

    let third = app.create_client(&admin, "Ali Baba", "ghi789").await;
    let body = json!({"client_id": third, "plan_id": plan,
        "start_date": day(0).to_string(), "status": "suspended"});
    // Created on hold, it is invoiced all the same: paying brings it up.
    let held = create(&app, &admin, "/subscriptions", body).await;
    let invoices = app.invoices_of(&admin, held).await;
    assert_eq!(invoices.len(), 1);
    let id = invoices[0]["invoice_id"].as_i64().unwrap();
    app.pay(
        &admin,
        id,
        r#"{"amount":"150000.50","payment_method":"cash"}"#,
    )
    .await
    .expect(201);
    let s = app
        .get(&format!("/subscriptions/{held}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["status"], "active");

    // A plan imported without a price is not invoiced, as generation skips it.
    let unpriced = app.create_plan(&admin, "Imported", "0").await;
    app.execute(
        "UPDATE plans SET unpriced = ? WHERE id = ?",
        mikronet::params![true, unpriced].to_vec(),
    )
    .await;
    let fourth = app.create_client(&admin, "Dewi", "jkl012").await;
    let body = json!({"client_id": fourth, "plan_id": unpriced, "start_date": day(0).to_string()});
    let free = create(&app, &admin, "/subscriptions", body).await;
    assert_eq!(app.invoices_of(&admin, free).await, Vec::<Value>::new());
}

/// Voiding the first period's invoice would give the period away (generation bills the
/// period after the end date, which already covers it): refused while the subscription runs,
/// allowed once it is cancelled.
async fn a_first_period_is_not_voided_while_it_runs(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (admin, client, plan) = client_and_plan(&app).await;
    let body = json!({"client_id": client, "plan_id": plan, "start_date": day(0).to_string()});
    let sub = create(&app, &admin, "/subscriptions", body).await;
    let first = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(&format!("/invoices/{first}/void"), Some(&admin), "{}")
        .await
        .expect(422);
    let why = r.json["errors"]["invoice_status"]
        .as_str()
        .unwrap_or_default();
    assert!(why.contains("cancel the subscription"), "{}", r.text);
    assert_eq!(
        app.invoices_of(&admin, sub).await[0]["invoice_status"],
        "pending"
    );
    app.put(
        &format!("/subscriptions/{sub}"),
        &admin,
        &json!({"status": "cancelled", "reason": "signed up by mistake"}).to_string(),
    )
    .await
    .expect(200);
    app.post(&format!("/invoices/{first}/void"), Some(&admin), "{}")
        .await
        .expect(200);
    app.audit_holds().await;
}

/// The original system's route follows the rule, and a retried create (same
/// `Idempotency-Key`) issues the invoice once.
async fn the_original_route_and_a_retry_invoice_once(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (admin, client, plan) = client_and_plan(&app).await;
    let body = json!({"client_id": client, "plan_id": plan,
        "start_date": day(0).to_string(), "status": "active"})
    .to_string();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let req = common::request(
            Method::POST,
            "/subscription",
            Some(&admin),
            Some(&body),
            &[("Idempotency-Key", "first-period-1")],
        );
        let r = app.send(req).await.expect(201);
        ids.push(r.json["data"]["subscription_id"].as_i64().unwrap());
    }
    assert_eq!(ids[0], ids[1]);
    let invoices = app.invoices_of(&admin, ids[0]).await;
    assert_eq!(invoices.len(), 1, "{invoices:?}");
    assert_eq!(invoices[0]["period_start"], day(0).to_string());
}

/// With `invoice_first_period = false`, a new subscription waits for generation, as before.
async fn turned_off_the_first_period_waits_for_generation(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c| c.invoice_first_period = false).await else {
        return;
    };
    let (admin, client, plan) = client_and_plan(&app).await;
    let body = json!({"client_id": client, "plan_id": plan, "start_date": day(0).to_string()});
    let sub = create(&app, &admin, "/subscriptions", body).await;
    assert_eq!(app.invoices_of(&admin, sub).await, Vec::<Value>::new());
}

per_backend!(
    a_new_subscription_is_invoiced_for_its_first_period,
    back_dated_held_and_future_subscriptions,
    the_original_route_and_a_retry_invoice_once,
    turned_off_the_first_period_waits_for_generation,
    a_first_period_is_not_voided_while_it_runs,
);
