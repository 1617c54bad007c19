//! The billing lifecycle over HTTP on every backend: plans, subscriptions, generation,
//! payments, renewal, cut-off and reports.

mod common;

use axum::http::Method;
use common::TestApp;
use serde_json::json;

/// The seed README's details example, reproduced field by field.
async fn the_readme_details_example(app: TestApp) {
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000.00").await;
    let r = app.get(&format!("/plans/{plan}"), &admin).await.expect(200);
    assert!(r.text.contains(r#""price":100000.00"#), "{}", r.text);
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-12-31")
        .await;
    let g = app.generate(&admin, "2024-12-27").await;
    assert_eq!(g["created"], 1);
    assert_eq!(g["first_invoice_number"], "INV-2024-000001");
    let inv = &app.invoices_of(&admin, sub).await[0];
    assert_eq!(inv["period_start"], "2025-01-01");
    assert_eq!(inv["period_end"], "2025-01-31");
    assert_eq!(inv["due_date"], "2025-01-03");
    let invoice = inv["invoice_id"].as_i64().unwrap();
    app.pay(
        &admin,
        invoice,
        r#"{"amount":100000.00,"payment_method":"credit_card","payment_date":"2024-12-28"}"#,
    )
    .await
    .expect(201);
    let r = app
        .get(&format!("/client/{client}/details"), &admin)
        .await
        .expect(200);
    // One snapshot file with tests/original_routes.rs: the original routes give the same answer.
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        snapshot!(
            "readme_details",
            r.text,
            "client_id" => client,
            "subscription_id" => sub,
            "invoice_id" => invoice,
        );
    });
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

async fn generation_window_boundaries_and_idempotency(app: TestApp) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    // Run date 2025-03-10, window 4 days: due when the end date is on or before 2025-03-14.
    let mut subs = Vec::new();
    for (i, end) in ["2025-03-14", "2025-03-15", "2025-02-20", "2025-03-10"]
        .iter()
        .enumerate()
    {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        subs.push(app.subscribe(&admin, c, plan, "2025-01-01", end).await);
    }
    // Not active: never invoiced.
    let c = app.create_client(&admin, "Suspended One", "susp").await;
    let s = app
        .subscribe(&admin, c, plan, "2025-01-01", "2025-03-12")
        .await;
    app.put(
        &format!("/subscriptions/{s}"),
        &admin,
        r#"{"status":"suspended"}"#,
    )
    .await
    .expect(200);

    let dry = app
        .call(
            Method::POST,
            "/invoices/generate?date=2025-03-10&dry_run=true",
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(dry.json["data"]["created"], 3);
    assert_eq!(dry.json["data"]["dry_run"], true);
    let g = app.generate(&admin, "2025-03-10").await;
    assert_eq!(g["window_end"], "2025-03-14");
    assert_eq!(
        g["created"], 3,
        "exactly N days, past end, today; not N+1: {g}"
    );
    assert_eq!(g["already_existed"], 0);
    assert_eq!(g["total_amount"].to_string(), "450000.00");
    assert_eq!(g["first_invoice_number"], "INV-2025-000001");
    assert_eq!(g["last_invoice_number"], "INV-2025-000003");
    let counts: Vec<usize> = {
        let mut v = Vec::new();
        for s in &subs {
            v.push(app.invoices_of(&admin, *s).await.len());
        }
        v
    };
    assert_eq!(counts, [1, 0, 1, 1]);
    let past = &app.invoices_of(&admin, subs[2]).await[0];
    assert_eq!(past["period_start"], "2025-02-21");
    assert_eq!(past["period_end"], "2025-03-20");
    assert_eq!(past["invoice_date"], "2025-03-10");
    assert_eq!(past["due_date"], "2025-03-17");

    let again = app.generate(&admin, "2025-03-10").await;
    assert_eq!(
        (again["created"].as_i64(), again["already_existed"].as_i64()),
        (Some(0), Some(3))
    );
    // The next day brings the N+1 subscription into the window, and only it.
    let next = app.generate(&admin, "2025-03-11").await;
    assert_eq!(next["created"], 1);
    assert_eq!(next["first_invoice_number"], "INV-2025-000004");
    // The original cron path answers too.
    let r = app
        .get("/invoices/generate?date=2025-03-11", &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["created"], 0);
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

/// Eight servers' worth of pools generating at once: each invoice exists once, numbered
/// without gaps or repeats.
async fn concurrent_generation_creates_each_invoice_once(app: TestApp) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    for i in 0..40 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, "2025-01-01", "2025-01-31")
            .await;
    }
    let url = app.app.config.database_url.clone();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let config = app.app.config.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let db = mikronet::storage::Db::connect(&url, 2).await.unwrap();
            let secrets =
                mikronet::security::secret_box::SecretBox::from_base64(common::KEY).unwrap();
            let other = mikronet::app::App::new(config, db, secrets);
            let d = chrono::NaiveDate::from_ymd_opt(2025, 1, 28).unwrap();
            let by = mikronet::domain::user::Actor::system("test");
            mikronet::service::billing::generate(&other, &by, d, false, false)
                .await
                .unwrap()
                .created
        }));
    }
    let mut created = 0;
    for t in tasks {
        created += t.await.unwrap();
    }
    assert_eq!(created, 40);
    let r = app.get("/invoices?per_page=1000", &admin).await.expect(200);
    let mut numbers: Vec<String> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["invoice_number"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=40).map(|n| format!("INV-2025-{n:06}")).collect();
    assert_eq!(numbers, expected);
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

async fn partial_payments_overpayment_and_renewal(app: TestApp) {
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000.00").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    app.generate(&admin, "2024-01-27").await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    let r = app
        .pay(
            &cashier,
            invoice,
            r#"{"amount":"40000.50","payment_method":"cash","payment_date":"2024-01-28"}"#,
        )
        .await
        .expect(201);
    assert_eq!(
        r.json["data"]["invoice"]["invoice_status"],
        "partially_paid"
    );
    assert!(
        r.text.contains(r#""outstanding_amount":59999.50"#),
        "{}",
        r.text
    );
    assert_eq!(r.json["data"]["payment"]["recorded_by"], "kasir");
    let r = app
        .pay(
            &cashier,
            invoice,
            r#"{"amount":59999.51,"payment_method":"cash","payment_date":"2024-01-28"}"#,
        )
        .await
        .expect(422);
    assert_eq!(
        r.json["errors"]["amount"],
        "exceeds the amount outstanding (59999.50)"
    );
    for bad in [
        r#"{"amount":0,"payment_method":"cash"}"#,
        r#"{"amount":-5,"payment_method":"cash"}"#,
        r#"{"amount":1.005,"payment_method":"cash"}"#,
        r#"{"amount":10,"payment_method":"gold"}"#,
        r#"{"amount":10,"payment_method":"cash","payment_date":"2999-01-01"}"#,
    ] {
        app.pay(&cashier, invoice, bad).await.expect(422);
    }
    let r = app
        .pay(
            &cashier,
            invoice,
            r#"{"amount":59999.50,"payment_method":"bank_transfer","payment_date":"2024-01-29"}"#,
        )
        .await
        .expect(201);
    assert_eq!(r.json["data"]["invoice"]["invoice_status"], "paid");
    let r = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        r.json["data"]["end_date"], "2024-02-29",
        "renewed from the old end, leap year"
    );
    let r = app
        .pay(&cashier, invoice, r#"{"amount":1,"payment_method":"cash"}"#)
        .await
        .expect(422);
    assert_eq!(r.json["errors"]["amount"], "the invoice is already paid");
    // Month end to month end: the next period is all of March.
    app.generate(&admin, "2024-02-25").await;
    let invs = app.invoices_of(&admin, sub).await;
    assert_eq!(invs.len(), 2);
    assert_eq!(
        (
            invs[1]["period_start"].as_str(),
            invs[1]["period_end"].as_str()
        ),
        (Some("2024-03-01"), Some("2024-03-31"))
    );
    let r = app
        .get(&format!("/subscriptions/{sub}/history"), &admin)
        .await
        .expect(200);
    let kinds: Vec<_> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["created", "renewed"]);
    assert_eq!(r.json["data"][1]["actor"], "kasir");
    // A cashier deletes nothing and voids nothing.
    app.delete(&format!("/subscriptions/{sub}"), &cashier)
        .await
        .expect(403);
    app.post(&format!("/invoices/{invoice}/void"), Some(&cashier), "{}")
        .await
        .expect(403);
    app.post(
        "/plans",
        Some(&cashier),
        r#"{"plan_name":"Cheap","price":1,"ppp_profile_name":"x"}"#,
    )
    .await
    .expect(403);
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

async fn idempotency_keys_make_retries_safe(app: TestApp) {
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    app.generate(&admin, "2024-01-28").await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    let send = |key: &'static str, amount: &'static str| {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri(format!("/invoices/{invoice}/payments"))
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(axum::body::Body::from(format!(
                r#"{{"amount":{amount},"payment_method":"e_wallet","payment_date":"2024-01-29"}}"#
            )))
            .unwrap();
        app.send(req)
    };
    let first = send("pay-7f3a", "30000").await.expect(201);
    let again = send("pay-7f3a", "30000").await.expect(201);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(first.header("idempotent-replayed"), "");
    assert_eq!(first.text, again.text, "a replay answers the first bytes");
    let r = send("pay-7f3a", "31000").await.expect(422);
    assert!(r.json["errors"]["Idempotency-Key"].is_string());
    send("pay-other", "30000").await.expect(201);
    let r = app
        .get(&format!("/invoices/{invoice}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["payments"].as_array().unwrap().len(), 2);
    assert_eq!(r.json["data"]["paid_amount"].to_string(), "60000.00");
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

async fn unpaid_past_due_is_cut_off_and_payment_restores(app: TestApp) {
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    let run = |date: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call(
                Method::POST,
                &format!("/billing/run?date={date}"),
                Some(&admin),
                None,
            )
            .await
            .expect(200)
            .json["data"]
                .clone()
        }
    };
    let r = run("2024-01-27").await; // invoice due 2024-02-03
    assert_eq!(r["generation"]["created"], 1);
    assert_eq!(
        run("2024-02-03").await["suspended_subscription_ids"],
        json!([]),
        "due date itself"
    );
    assert_eq!(
        run("2024-02-04").await["suspended_subscription_ids"],
        json!([sub])
    );
    let r = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["status"], "suspended");
    let r = app.get("/invoices?overdue=true", &admin).await.expect(200);
    assert_eq!(r.json["data"].as_array().unwrap().len(), 1);
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.pay(
        &admin,
        invoice,
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-02-05"}"#,
    )
    .await
    .expect(201);
    let r = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        (
            r.json["data"]["status"].as_str(),
            r.json["data"]["end_date"].as_str()
        ),
        (Some("active"), Some("2024-02-29"))
    );
    let r = app
        .get(&format!("/subscriptions/{sub}/history"), &admin)
        .await
        .expect(200);
    let kinds: Vec<_> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["actor"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("created".into(), "admin".into()),
            ("suspended".into(), "admin".into()),
            ("renewed".into(), "admin".into()),
            ("reactivated".into(), "admin".into())
        ]
    );
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

async fn grace_days_delay_the_cut_off(app: TestApp) {
    let _ = app;
    let Some(app) =
        TestApp::with_config(mikronet::storage::Backend::Sqlite, |c| c.grace_days = 2).await
    else {
        return;
    };
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    app.generate(&admin, "2024-01-27").await;
    let by = mikronet::domain::user::Actor::system("test");
    let cut = |d: &'static str| {
        mikronet::service::billing::cut_off(
            &app.app,
            &by,
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap(),
            false,
        )
    };
    assert!(cut("2024-02-05").await.unwrap().is_empty());
    assert_eq!(cut("2024-02-06").await.unwrap()[0].subscription_id.0, sub);
}

async fn pending_payments_count_once_confirmed(app: TestApp) {
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    app.generate(&admin, "2024-01-27").await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    let r = app
        .pay(&admin, invoice, r#"{"amount":100000,"payment_method":"bank_transfer","payment_status":"pending","reference":"TRX-1"}"#)
        .await
        .expect(201);
    assert_eq!(r.json["data"]["invoice"]["invoice_status"], "pending");
    let pid = r.json["data"]["payment"]["payment_id"].as_i64().unwrap();
    // The pending transfer holds what is owed.
    app.pay(&admin, invoice, r#"{"amount":1,"payment_method":"cash"}"#)
        .await
        .expect(422);
    let r = app
        .put(
            &format!("/payments/{pid}"),
            &admin,
            r#"{"payment_status":"success"}"#,
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["invoice"]["invoice_status"], "paid");
    app.put(
        &format!("/payments/{pid}"),
        &admin,
        r#"{"payment_status":"failed"}"#,
    )
    .await
    .expect(422);
    let r = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["end_date"], "2024-02-29");
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

async fn voiding_and_reports(app: TestApp) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let mut invoices = Vec::new();
    for i in 0..3 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        let s = app
            .subscribe(&admin, c, plan, "2024-01-01", "2024-01-31")
            .await;
        invoices.push(s);
    }
    app.generate(&admin, "2024-01-28").await;
    let ids: Vec<i64> = {
        let mut v = Vec::new();
        for s in &invoices {
            v.push(
                app.invoices_of(&admin, *s).await[0]["invoice_id"]
                    .as_i64()
                    .unwrap(),
            );
        }
        v
    };
    let r = app
        .post(&format!("/invoices/{}/void", ids[0]), Some(&admin), "{}")
        .await
        .expect(200);
    assert_eq!(r.json["data"]["invoice_status"], "void");
    app.post(&format!("/invoices/{}/void", ids[0]), Some(&admin), "{}")
        .await
        .expect(422);
    app.pay(&admin, ids[0], r#"{"amount":10,"payment_method":"cash"}"#)
        .await
        .expect(422);
    app.pay(
        &admin,
        ids[1],
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-01-30"}"#,
    )
    .await
    .expect(201);
    app.pay(
        &admin,
        ids[2],
        r#"{"amount":25000.25,"payment_method":"cash","payment_date":"2024-01-30"}"#,
    )
    .await
    .expect(201);
    app.post(&format!("/invoices/{}/void", ids[2]), Some(&admin), "{}")
        .await
        .expect(422);
    let r = app
        .get("/reports/summary?from=2024-01-01&to=2024-01-31", &admin)
        .await
        .expect(200);
    assert_eq!(
        r.text,
        r#"{"message":"Summary retrieved successfully","data":{"from":"2024-01-01","to":"2024-01-31","invoiced":200000.00,"collected":125000.25,"outstanding":74999.75,"overdue_invoices":1,"active_subscriptions":3,"suspended_subscriptions":0}}"#
    );
    let r = app.get("/invoices?status=void", &admin).await.expect(200);
    assert_eq!(r.json["data"][0]["invoice_id"], ids[0]);
    app.get("/invoices?status=lost", &admin).await.expect(400);
    app.get("/invoices?from=yesterday", &admin)
        .await
        .expect(400);
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    app.get("/reports/summary", &cashier).await.expect(403);
    // The audit trail holds after the flow, and the books agree with it.
    app.audit_holds().await;
}

async fn plans_and_subscriptions_validate(app: TestApp) {
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let r = app
        .post(
            "/plans",
            Some(&admin),
            r#"{"plan_name":"Home","price":100.001,"ppp_profile_name":"p","rate_limit":"fast"}"#,
        )
        .await
        .expect(422);
    assert!(
        r.json["errors"]["price"].is_string() || r.json["errors"]["rate_limit"].is_string(),
        "{}",
        r.text
    );
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let r = app
        .post(
            "/plans",
            Some(&admin),
            r#"{"plan_name":"Home","price":1,"ppp_profile_name":"p"}"#,
        )
        .await
        .expect(409);
    assert!(r.json["errors"]["plan_name"].is_string());
    let r = app
        .post(
            "/subscriptions",
            Some(&admin),
            r#"{"client_id":999,"plan_id":1,"start_date":"2024-01-01"}"#,
        )
        .await
        .expect(422);
    assert_eq!(r.json["errors"]["client_id"], "no such client");
    let r = app
        .post(
            &format!("/client/{client}/subscriptions"),
            Some(&admin),
            &format!(r#"{{"plan_id":{plan},"start_date":"2024-01-31"}}"#),
        )
        .await
        .expect(201);
    assert_eq!(
        r.json["data"]["end_date"], "2024-02-29",
        "one period from the 31st"
    );
    let sub = r.json["data"]["subscription_id"].as_i64().unwrap();
    app.post("/subscriptions", Some(&admin), &format!(r#"{{"client_id":{client},"plan_id":{plan},"start_date":"2024-02-01","end_date":"2024-01-01"}}"#))
        .await
        .expect(422);
    app.put(
        &format!("/subscriptions/{sub}"),
        &admin,
        r#"{"status":"cancelled","reason":"moved away"}"#,
    )
    .await
    .expect(200);
    let r = app
        .put(
            &format!("/subscriptions/{sub}"),
            &admin,
            r#"{"status":"active"}"#,
        )
        .await
        .expect(422);
    assert_eq!(
        r.json["errors"]["status"],
        "a cancelled subscription cannot become active"
    );
    let r = app
        .get(&format!("/client/{client}/subscriptions"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"][0]["status"], "cancelled");
    // A client with subscriptions is kept: its invoices are the books.
    let r = app
        .delete(&format!("/client/delete/{client}"), &admin)
        .await
        .expect(409);
    assert!(r.json["errors"]["client_id"].is_string());
    app.put(
        &format!("/plans/{plan}"),
        &admin,
        r#"{"active":false,"rate_limit":null}"#,
    )
    .await
    .expect(200);
    let r = app.get(&format!("/plans/{plan}"), &admin).await.expect(200);
    assert_eq!(r.json["data"]["rate_limit"], serde_json::Value::Null);
    let r = app
        .post(
            "/subscriptions",
            Some(&admin),
            &format!(r#"{{"client_id":{client},"plan_id":{plan},"start_date":"2024-01-01"}}"#),
        )
        .await
        .expect(422);
    assert_eq!(r.json["errors"]["plan_id"], "the plan is not active");
}

backend_tests!(
    the_readme_details_example,
    generation_window_boundaries_and_idempotency,
    concurrent_generation_creates_each_invoice_once,
    partial_payments_overpayment_and_renewal,
    idempotency_keys_make_retries_safe,
    unpaid_past_due_is_cut_off_and_payment_restores,
    pending_payments_count_once_confirmed,
    voiding_and_reports,
    plans_and_subscriptions_validate,
);

#[tokio::test]
async fn grace_days() {
    if let Some(app) = TestApp::new(mikronet::storage::Backend::Sqlite).await {
        grace_days_delay_the_cut_off(app).await;
    }
}
