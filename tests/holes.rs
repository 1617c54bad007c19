//! Three holes a simulated quarter found (issue 13, item 11), each closed on every backend:
//! a voided period is billed again, invoiced periods of one subscription never overlap, and a
//! manual enable never claims a change the router will not hold.

mod common;

use axum::http::Method;
use common::TestApp;
use mikronet::provisioning::worker;

/// Client `abc123` on plan Home (100,000) from 1 January, its first invoice (1–29 Feb 2024)
/// generated on 27 January: (client, subscription, invoice).
async fn invoiced(app: &TestApp, admin: &str) -> (i64, i64, i64) {
    let plan = app.create_plan(admin, "Home", "100000").await;
    let client = app.create_client(admin, "John Doe", "abc123").await;
    let sub = app
        .subscribe(admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    let g = app.generate(admin, "2024-01-27").await;
    assert_eq!(g["created"], 1, "{g}");
    let inv = &app.invoices_of(admin, sub).await[0];
    assert_eq!(
        (&inv["period_start"], &inv["period_end"]),
        (&"2024-02-01".into(), &"2024-02-29".into())
    );
    (client, sub, inv["invoice_id"].as_i64().unwrap())
}

/// (number, period start, period end, status) of each of a subscription's invoices.
async fn periods(app: &TestApp, admin: &str, sub: i64) -> Vec<(String, String, String, String)> {
    app.invoices_of(admin, sub)
        .await
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap().to_owned();
            (
                s("invoice_number"),
                s("period_start"),
                s("period_end"),
                s("invoice_status"),
            )
        })
        .collect()
}

/// Moves the end date behind the server's back (no checks).
async fn set_end_date(app: &TestApp, sub: i64, date: &'static str) {
    let date: chrono::NaiveDate = date.parse().unwrap();
    app.execute(
        "UPDATE subscriptions SET end_date = ? WHERE id = ?",
        mikronet::params![date, sub].to_vec(),
    )
    .await;
}

/// The billing run of 6 February cuts off exactly `sub` (its invoice due by the 5th unpaid).
async fn cut_off_on_6_february(app: &TestApp, admin: &str, sub: i64) {
    let r = app
        .call(
            Method::POST,
            "/billing/run?date=2024-02-06",
            Some(admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        r.json["data"]["suspended_subscription_ids"],
        serde_json::json!([sub]),
        "{}",
        r.text
    );
}

fn row(n: &str, start: &str, end: &str, status: &str) -> (String, String, String, String) {
    (n.into(), start.into(), end.into(), status.into())
}

/// Voiding the only invoice of an active subscription used to leave its period invoiced
/// forever (the void invoice held the key): nobody billed, nobody cut off.
async fn a_voided_period_is_invoiced_again(app: TestApp) {
    let admin = app.admin().await;
    let (_, sub, first) = invoiced(&app, &admin).await;
    app.post(&format!("/invoices/{first}/void"), Some(&admin), "{}")
        .await
        .expect(200);

    // The next run issues the replacement, numbered anew; the void one keeps its number.
    let g = app.generate(&admin, "2024-01-28").await;
    assert_eq!(
        (g["created"].as_i64(), g["already_existed"].as_i64()),
        (Some(1), Some(0)),
        "{g}"
    );
    assert_eq!(g["first_invoice_number"], "INV-2024-000002");
    assert_eq!(
        periods(&app, &admin, sub).await,
        [
            row("INV-2024-000001", "2024-02-01", "2024-02-29", "void"),
            row("INV-2024-000002", "2024-02-01", "2024-02-29", "pending"),
        ]
    );
    let again = app.generate(&admin, "2024-01-28").await;
    assert_eq!(
        (again["created"].as_i64(), again["already_existed"].as_i64()),
        (Some(0), Some(1))
    );
    // The replacement holds the period: issuing it by hand is a conflict.
    let body = format!(r#"{{"subscription_id":{sub}}}"#);
    let r = app.post("/invoice", Some(&admin), &body).await.expect(409);
    assert!(
        r.json["errors"]["subscription_id"].is_string(),
        "{}",
        r.text
    );

    // Void the replacement too: now the period may be issued by hand at once.
    let second = app.invoices_of(&admin, sub).await[1]["invoice_id"]
        .as_i64()
        .unwrap();
    app.post(&format!("/invoices/{second}/void"), Some(&admin), "{}")
        .await
        .expect(200);
    let body = format!(
        r#"{{"subscription_id":{sub},"invoice_date":"2024-01-29","due_date":"2024-02-05"}}"#
    );
    let r = app.post("/invoice", Some(&admin), &body).await.expect(201);
    assert_eq!(
        periods(&app, &admin, sub).await[2],
        row("INV-2024-000003", "2024-02-01", "2024-02-29", "pending")
    );
    let third = r.json["data"]["invoice_id"].as_i64().unwrap();

    // Unpaid past due, it cuts the client off; paid, it renews the subscription.
    cut_off_on_6_february(&app, &admin, sub).await;
    app.pay(
        &admin,
        third,
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-02-06"}"#,
    )
    .await
    .expect(201);
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        (&s.json["data"]["end_date"], &s.json["data"]["status"]),
        (&"2024-02-29".into(), &"active".into())
    );
    app.audit_holds().await;
}

/// Voiding the invoice a subscription was cut off for used to leave it suspended with nothing
/// owed, and generation (which invoices active subscriptions only) never billed it again.
async fn voiding_the_invoice_a_client_was_cut_off_for_reconnects(app: TestApp) {
    let admin = app.admin().await;
    let (_, sub, first) = invoiced(&app, &admin).await;
    cut_off_on_6_february(&app, &admin, sub).await;
    app.post(&format!("/invoices/{first}/void"), Some(&admin), "{}")
        .await
        .expect(200);
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        (&s.json["data"]["status"], &s.json["data"]["end_date"]),
        (&"active".into(), &"2024-01-31".into())
    );
    let h = app
        .get(&format!("/subscriptions/{sub}/history"), &admin)
        .await
        .expect(200);
    let last = h.json["data"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "reactivated", "{}", h.text);
    assert_eq!(last["reason"], "invoice INV-2024-000001 voided");
    assert_eq!(last["actor"], "admin");
    // Billable again: the next run issues the period anew, and it cuts off again if unpaid.
    let g = app.generate(&admin, "2024-02-07").await;
    assert_eq!(g["created"], 1, "{g}");
    assert_eq!(
        periods(&app, &admin, sub).await[1],
        row("INV-2024-000002", "2024-02-01", "2024-02-29", "pending")
    );
    app.audit_holds().await;
}

/// With the February invoice open, moving the end date to 10 February let generation bill
/// 11 Feb–10 Mar as well: 11–29 Feb twice.
async fn invoiced_periods_never_overlap(app: TestApp) {
    let admin = app.admin().await;
    let (_, sub, invoice) = invoiced(&app, &admin).await;
    let r = app
        .put(
            &format!("/subscriptions/{sub}"),
            &admin,
            r#"{"end_date":"2024-02-10"}"#,
        )
        .await
        .expect(409);
    let why = r.json["errors"]["end_date"].as_str().unwrap_or_default();
    assert!(why.contains("INV-2024-000001"), "{}", r.text);
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["end_date"], "2024-01-31", "nothing changed");

    // Where invoices are created, an overlap is refused whatever the dates say: move the end
    // date behind the server's back.
    set_end_date(&app, sub, "2024-02-10").await;
    let g = app.generate(&admin, "2024-02-08").await;
    assert_eq!(g["created"], 0, "11 Feb–10 Mar overlaps 1–29 Feb: {g}");
    let body = format!(r#"{{"subscription_id":{sub}}}"#);
    let r = app.post("/invoice", Some(&admin), &body).await.expect(409);
    let why = r.json["errors"]["subscription_id"]
        .as_str()
        .unwrap_or_default();
    assert!(why.contains("INV-2024-000001"), "{}", r.text);
    assert_eq!(
        periods(&app, &admin, sub).await,
        [row(
            "INV-2024-000001",
            "2024-02-01",
            "2024-02-29",
            "pending"
        )]
    );

    // Paid, the invoice moves the end date to 29 Feb; moving it back behind the paid period
    // would bill those days again, so that is refused too. Later is fine.
    set_end_date(&app, sub, "2024-01-31").await;
    app.pay(
        &admin,
        invoice,
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-02-01"}"#,
    )
    .await
    .expect(201);
    let r = app
        .put(
            &format!("/subscriptions/{sub}"),
            &admin,
            r#"{"end_date":"2024-02-20"}"#,
        )
        .await
        .expect(409);
    assert!(r.json["errors"]["end_date"].is_string(), "{}", r.text);
    let r = app
        .put(
            &format!("/subscriptions/{sub}"),
            &admin,
            r#"{"end_date":"2024-03-05","reason":"five days for the outage"}"#,
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["end_date"], "2024-03-05");
    let g = app.generate(&admin, "2024-03-01").await;
    assert_eq!(g["created"], 1, "{g}");
    assert_eq!(
        periods(&app, &admin, sub).await,
        [
            row("INV-2024-000001", "2024-02-01", "2024-02-29", "paid"),
            row("INV-2024-000002", "2024-03-06", "2024-04-05", "pending"),
        ]
    );
    app.audit_holds().await;
}

fn disabled(sim: &routeros::sim::SimHandle) -> Option<String> {
    sim.state()
        .secret("abc123")
        .and_then(|s| s.get("disabled").cloned())
}

async fn history_len(app: &TestApp, admin: &str, client: i64) -> usize {
    app.get(&format!("/client/{client}/history"), admin)
        .await
        .expect(200)
        .json["data"]
        .as_array()
        .unwrap()
        .len()
}

/// A suspended client enabled by hand used to get "enabled successfully" while the cut-off
/// kept the secret disabled.
async fn an_enable_that_cannot_hold_says_so(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    app.add_router(&admin, &sim).await;
    let (client, sub, invoice) = invoiced(&app, &admin).await;
    cut_off_on_6_february(&app, &admin, sub).await;
    worker::drain(&app.app).await.unwrap();
    assert_eq!(disabled(&sim).as_deref(), Some("true"));

    let events = history_len(&app, &admin, client).await;
    for method in [Method::GET, Method::POST] {
        let r = app
            .call(
                method,
                &format!("/client/{client}/connection/enable"),
                Some(&admin),
                None,
            )
            .await
            .expect(409);
        let why = r.json["errors"]["subscription_id"]
            .as_str()
            .unwrap_or_default();
        assert!(
            why.contains("suspended") && why.contains("INV-2024-000001"),
            "{}",
            r.text
        );
        assert!(!r.text.contains("successfully"), "{}", r.text);
    }
    worker::drain(&app.app).await.unwrap();
    assert_eq!(disabled(&sim).as_deref(), Some("true"), "still cut off");
    assert_eq!(
        history_len(&app, &admin, client).await,
        events,
        "a refused switch records nothing"
    );

    // Paid, the client is back; an enable then is the original success answer.
    app.pay(
        &admin,
        invoice,
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-02-06"}"#,
    )
    .await
    .expect(201);
    let worker = tokio::spawn(worker::run(app.app.clone()));
    let r = app
        .get(&format!("/client/{client}/connection/enable"), &admin)
        .await
        .expect(200);
    assert_eq!(
        r.json["message"],
        "PPP Secret 'abc123' enabled successfully."
    );
    assert_eq!(disabled(&sim).as_deref(), Some("false"));
    worker.abort();
    app.audit_holds().await;
}

backend_tests!(
    a_voided_period_is_invoiced_again,
    voiding_the_invoice_a_client_was_cut_off_for_reconnects,
    invoiced_periods_never_overlap,
    an_enable_that_cannot_hold_says_so,
);
