//! Online payment (issue 14, item 3), on every backend, against stand-ins for Midtrans and
//! Xendit written from their published formats (`common/gateways.rs`, which cites them);
//! Xendit's callbacks are retried late and out of order
//! (docs.xendit.co/webhook/delivery-attempts-and-retries).
//!
//! A verified notification pays the invoice through the cashier's path: the subscription is
//! renewed and a suspended client's secret enabled on the router simulator. Forged, wrong,
//! replayed and unknown notifications change nothing; the poller catches a missed one.

mod common;

use std::time::Instant;

use axum::http::Method;
use chrono::{Duration, Utc};
use common::gateways::*;
use common::{TestApp, day};
use mikronet::storage::Backend;
use serde_json::{Value, json};

async fn invoice_of(app: &TestApp, admin: &str, id: i64) -> Value {
    app.get(&format!("/invoices/{id}"), admin)
        .await
        .expect(200)
        .json["data"]
        .clone()
}

async fn payments_of(app: &TestApp, admin: &str, invoice: i64) -> usize {
    app.get(&format!("/invoices/{invoice}/payments"), admin)
        .await
        .expect(200)
        .json["data"]
        .as_array()
        .unwrap()
        .len()
}

/// A client on a 150,000 plan with an open invoice: (client's subscription, invoice).
async fn owing(app: &TestApp, admin: &str, plan: i64, name: &str, ppp: &str) -> (i64, i64) {
    let client = app.create_client(admin, name, ppp).await;
    let sub = app
        .subscribe(
            admin,
            client,
            plan,
            &day(-40).to_string(),
            &day(-20).to_string(),
        )
        .await;
    app.generate(admin, &day(-24).to_string()).await;
    let inv = app.invoices_of(admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    (sub, inv)
}

async fn start(app: &TestApp, token: &str, invoice: i64, gateway: &str) -> Value {
    app.post(
        &format!("/invoices/{invoice}/online-payments"),
        Some(token),
        &format!(r#"{{"gateway":"{gateway}"}}"#),
    )
    .await
    .expect(201)
    .json["data"]
        .clone()
}

/// Midtrans: a suspended client pays online; a forged notification, another amount, a
/// replay and an unknown order change nothing; the verified one pays, renews and reconnects.
async fn midtrans_pays_and_reconnects(backend: Backend) {
    let gateways = Gateways::default();
    let Some(app) = app_with(backend, &gateways).await else {
        return;
    };
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "cashier1", "cashier").await;
    app.add_router(&admin, &sim).await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    let (sub, invoice) = owing(&app, &admin, plan, "Budi Santoso", "budi").await;
    let r = app
        .call(
            Method::POST,
            &format!("/billing/run?date={}", day(0)),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["suspended_subscription_ids"], json!([sub]));
    app.settle().await;
    assert_eq!(sim.state().secret("budi").unwrap()["disabled"], "true");

    let attempt = start(&app, &cashier, invoice, "midtrans").await;
    let order = attempt["order_id"].as_str().unwrap().to_owned();
    assert!(
        order.starts_with(&format!("MN-{invoice}-{}-", attempt["id"])),
        "{order}"
    );
    let again = start(&app, &cashier, invoice, "midtrans").await;
    assert_eq!(again["id"], attempt["id"], "one payment page at a time");
    assert_eq!(attempt["status"], "pending");
    assert_eq!(
        attempt["pay_url"],
        format!("https://app.sandbox.midtrans.com/snap/v4/redirection/tok-{order}")
    );
    let sent = gateways.created.lock().unwrap()[0].clone();
    assert_eq!(
        sent["transaction_details"]["gross_amount"], 150000,
        "{sent}"
    );

    // Forged: signed with another key.
    gateways.set_midtrans(&order, "settlement", "150000.00");
    let forged = notification(&order, "settlement", "150000.00", "SB-Mid-server-guess");
    notify_midtrans(&app, &forged).await.expect(401);
    assert_eq!(
        invoice_of(&app, &admin, invoice).await["invoice_status"],
        "pending"
    );
    // Unknown order, correctly signed.
    notify_midtrans(
        &app,
        &notification("MN-999-999", "settlement", "150000.00", SERVER_KEY),
    )
    .await
    .expect(422);
    // Midtrans's own status says another amount: refused.
    gateways.set_midtrans(&order, "settlement", "100000.00");
    let r = notify_midtrans(
        &app,
        &notification(&order, "settlement", "100000.00", SERVER_KEY),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(payments_of(&app, &admin, invoice).await, 0);

    gateways.set_midtrans(&order, "settlement", "150000.00");
    let body = notification(&order, "settlement", "150000.00", SERVER_KEY);
    let started = Instant::now();
    let r = notify_midtrans(&app, &body).await.expect(200);
    assert!(
        r.json["message"]
            .as_str()
            .unwrap()
            .starts_with("paid: payment "),
        "{}",
        r.text
    );
    app.settle().await;
    let elapsed = started.elapsed();
    assert_eq!(sim.state().secret("budi").unwrap()["disabled"], "false");
    eprintln!("notification to secret enabled on the router: {elapsed:?}");
    let inv = invoice_of(&app, &admin, invoice).await;
    assert_eq!(inv["invoice_status"], "paid");
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["status"], "active");
    assert_eq!(
        s.json["data"]["end_date"], inv["period_end"],
        "renewed to the paid period"
    );
    let p = app
        .get(&format!("/invoices/{invoice}/payments"), &admin)
        .await
        .expect(200);
    let payment = &p.json["data"][0];
    assert_eq!(
        (
            &payment["payment_method"],
            &payment["reference"],
            &payment["recorded_by"]
        ),
        (
            &json!("midtrans"),
            &json!(format!("trx-{order}")),
            &json!("gateway:midtrans")
        )
    );

    // Replayed, and a late "expire": nothing more.
    notify_midtrans(&app, &body).await.expect(200);
    gateways.set_midtrans(&order, "expire", "150000.00");
    let r = notify_midtrans(
        &app,
        &notification(&order, "expire", "150000.00", SERVER_KEY),
    )
    .await
    .expect(200);
    assert_eq!(r.json["message"], "already paid");
    assert_eq!(payments_of(&app, &admin, invoice).await, 1);

    let a = app
        .get(&format!("/online-payments/{}", attempt["id"]), &admin)
        .await
        .expect(200);
    assert_eq!(a.json["data"]["attempt"]["status"], "paid");
    let verdicts: Vec<&str> = a.json["data"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["verdict"].as_str().unwrap())
        .collect();
    // A forged notification is logged, not stored: anyone may post one.
    assert_eq!(verdicts[0], "created");
    assert!(
        verdicts[1].starts_with("amount Some(\"100000.00\")"),
        "{verdicts:?}"
    );
    assert!(verdicts[2].starts_with("paid: payment"), "{verdicts:?}");
    assert_eq!(&verdicts[3..], ["already paid", "already paid"]);
    assert!(
        !a.text.contains(SERVER_KEY),
        "the server key is never recorded"
    );
    app.audit_holds().await;
}

/// Xendit: the callback token decides; a delivery seen before and a late EXPIRED after PAID
/// change nothing; another currency is refused.
async fn xendit_callbacks_are_verified_and_deduplicated(backend: Backend) {
    let gateways = Gateways::default();
    let Some(app) = app_with(backend, &gateways).await else {
        return;
    };
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    let (_, invoice) = owing(&app, &admin, plan, "Anna Smith", "anna").await;
    let (_, other) = owing(&app, &admin, plan, "Citra Dewi", "citra").await;
    let a = start(&app, &admin, invoice, "xendit").await;
    let order = a["order_id"].as_str().unwrap().to_owned();
    let id = a["gateway_ref"].as_str().unwrap().to_owned();
    assert_eq!(gateways.created.lock().unwrap()[0]["amount"], 150000);
    let paid = json!({"id": id, "external_id": order, "status": "PAID", "amount": 150000,
                      "paid_amount": 150000, "currency": "IDR", "payment_method": "QRIS"});

    notify_xendit(&app, "wrong-token", "w-0", paid.clone())
        .await
        .expect(401);
    assert_eq!(payments_of(&app, &admin, invoice).await, 0);
    let r = notify_xendit(&app, CALLBACK_TOKEN, "w-1", paid.clone())
        .await
        .expect(200);
    assert!(
        r.json["message"].as_str().unwrap().starts_with("paid"),
        "{}",
        r.text
    );
    let r = notify_xendit(&app, CALLBACK_TOKEN, "w-1", paid.clone())
        .await
        .expect(200);
    assert_eq!(r.json["message"], "delivery w-1 seen before");
    let mut late = paid.clone();
    late["status"] = json!("EXPIRED");
    let r = notify_xendit(&app, CALLBACK_TOKEN, "w-2", late)
        .await
        .expect(200);
    assert_eq!(r.json["message"], "already paid");
    assert_eq!(payments_of(&app, &admin, invoice).await, 1);
    assert_eq!(
        invoice_of(&app, &admin, invoice).await["invoice_status"],
        "paid"
    );

    let b = start(&app, &admin, other, "xendit").await;
    let mut usd = json!({"id": b["gateway_ref"], "external_id": b["order_id"], "status": "PAID",
                         "paid_amount": 150000, "currency": "USD"});
    let r = notify_xendit(&app, CALLBACK_TOKEN, "w-3", usd.clone()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    usd["external_id"] = json!("MN-404-404");
    notify_xendit(&app, CALLBACK_TOKEN, "w-4", usd)
        .await
        .expect(422);
    assert_eq!(payments_of(&app, &admin, other).await, 0);
    let list = app
        .get(&format!("/invoices/{other}/online-payments"), &admin)
        .await
        .expect(200);
    assert_eq!(list.json["data"][0]["status"], "pending");
    app.audit_holds().await;
}

/// A notification that never came: the poller asks Midtrans and applies what it says; a
/// payment still pending is asked about again later.
async fn the_poller_catches_a_missed_notification(backend: Backend) {
    let gateways = Gateways::default();
    let Some(app) = app_with(backend, &gateways).await else {
        return;
    };
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    let (_, invoice) = owing(&app, &admin, plan, "Dodi Pratama", "dodi").await;
    let a = start(&app, &admin, invoice, "midtrans").await;
    let order = a["order_id"].as_str().unwrap().to_owned();
    let poll = |at| mikronet::service::online_payments::poll_once(&app.app, at);
    assert_eq!(
        poll(Utc::now()).await.unwrap(),
        0,
        "the first poll waits a minute"
    );
    assert_eq!(poll(Utc::now() + Duration::minutes(2)).await.unwrap(), 1);
    assert_eq!(
        invoice_of(&app, &admin, invoice).await["invoice_status"],
        "pending"
    );
    gateways.set_midtrans(&order, "settlement", "150000.00");
    assert_eq!(
        poll(Utc::now() + Duration::minutes(3)).await.unwrap(),
        0,
        "next in 2 minutes"
    );
    assert_eq!(poll(Utc::now() + Duration::minutes(6)).await.unwrap(), 1);
    assert_eq!(
        invoice_of(&app, &admin, invoice).await["invoice_status"],
        "paid"
    );
    assert_eq!(
        poll(Utc::now() + Duration::hours(1)).await.unwrap(),
        0,
        "settled: no more polls"
    );
    // A gateway not configured, or an invoice already paid, is refused.
    let r = app
        .post(
            &format!("/invoices/{invoice}/online-payments"),
            Some(&admin),
            r#"{"gateway":"midtrans"}"#,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
}

/// The console's invoice page starts a payment link for a cashier and shows it.
async fn the_console_starts_a_payment_link(backend: Backend) {
    let gateways = Gateways::default();
    let Some(app) = app_with(backend, &gateways).await else {
        return;
    };
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "cashier1", "cashier").await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    let (_, invoice) = owing(&app, &admin, plan, "Eka Putri", "eka").await;
    let path = format!("/console/invoices/{invoice}");
    let page = app.page(&path, &cashier).await.expect(200);
    assert!(page.text.contains(r#"id="online-form""#), "{}", page.text);
    assert!(
        page.text.contains("Tautan bayar lewat Xendit"),
        "{}",
        page.text
    );
    let r = app
        .submit(
            &format!("{path}/online-payments"),
            &cashier,
            &[("gateway", "xendit")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let page = app.page(&path, &cashier).await.expect(200);
    assert!(
        page.text.contains(r#"data-status="pending""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(&format!(
            "https://checkout-staging.xendit.co/web/inv-MN-{invoice}-"
        )),
        "{}",
        page.text
    );
    assert!(page.text.contains("Halaman pembayaran"));
    let r = app
        .submit(
            &format!("{path}/online-payments"),
            &cashier,
            &[("gateway", "paypal")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("di luar rentang yang diizinkan"));
}

/// Two clicks while the gateway is still answering the first open one payment page, not two.
async fn a_second_click_while_the_gateway_answers_opens_no_second_page(backend: Backend) {
    let gateways = Gateways::default();
    let Some(app) = app_with(backend, &gateways).await else {
        return;
    };
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "cashier1", "cashier").await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    let (_, invoice) = owing(&app, &admin, plan, "Budi Santoso", "budi").await;
    *gateways.snap_delay.lock().unwrap() = std::time::Duration::from_millis(400);
    let (a, b) = tokio::join!(
        start(&app, &cashier, invoice, "midtrans"),
        start(&app, &cashier, invoice, "midtrans")
    );
    assert_eq!(a["id"], b["id"], "{a} {b}");
    assert_eq!(gateways.created.lock().unwrap().len(), 1);
    let all = app
        .get(&format!("/invoices/{invoice}/online-payments"), &cashier)
        .await
        .expect(200);
    assert_eq!(
        all.json["data"].as_array().unwrap().len(),
        1,
        "{}",
        all.text
    );
    assert!(all.json["data"][0]["pay_url"].is_string());
}

per_backend!(
    a_second_click_while_the_gateway_answers_opens_no_second_page,
    the_console_starts_a_payment_link,
    midtrans_pays_and_reconnects,
    xendit_callbacks_are_verified_and_deduplicated,
    the_poller_catches_a_missed_notification,
);
