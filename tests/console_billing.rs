//! The console's plans, subscriptions, invoices and cashier pages, on every backend: forms
//! land in the same services as the API (checked through the API), errors next to their
//! fields, roles refused, and a payment form that pays once however often it is sent.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::{Resp, TestApp};
use serde_json::Value;

/// The value of the hidden `idempotency_key` a form page carries.
fn form_key(page: &str) -> String {
    let at = page
        .find(r#"name="idempotency_key" value=""#)
        .expect("the form carries an idempotency key")
        + r#"name="idempotency_key" value=""#.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// The value of the input named `name`.
fn input_value(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" type="text" value=""#);
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name}"))
        + marker.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// How many rows of invoices the listing shows.
fn invoice_rows(page: &str) -> usize {
    let body = page
        .split(r#"<tbody id="invoice-rows">"#)
        .nth(1)
        .expect("the listing has its rows")
        .split("</tbody>")
        .next()
        .unwrap();
    body.matches("<tr ").count()
}

async fn invoice(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/invoices/{id}"), token)
        .await
        .expect(200)
        .json["data"]
        .clone()
}

/// An admin, a client on a 100.000 plan from 1 Jan 2024, and that plan's first invoice
/// (generated on 1 Jan 2024, due 8 Jan: long overdue now).
struct Billed {
    admin: String,
    client: i64,
    plan: i64,
    subscription: i64,
    invoice: i64,
}

async fn billed(app: &TestApp) -> Billed {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "john01").await;
    let subscription = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-04")
        .await;
    app.generate(&admin, "2024-01-01").await;
    let invoice = app.invoices_of(&admin, subscription).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    Billed {
        admin,
        client,
        plan,
        subscription,
        invoice,
    }
}

/// Sends the payment form of `invoice` as the cashier page renders it, with `amount` typed.
async fn pay(app: &TestApp, token: &str, invoice: i64, amount: &str, key: &str) -> Resp {
    app.submit(
        &format!("/console/cashier/invoices/{invoice}"),
        token,
        &[
            ("amount", amount),
            ("payment_method", "cash"),
            ("reference", ""),
            ("idempotency_key", key),
        ],
    )
    .await
}

async fn plans_are_an_admins_and_read_money_as_typed(app: TestApp) {
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    let plan = |price: &'static str| {
        [
            ("plan_name", "Home 10M"),
            ("price", price),
            ("period_unit", "month"),
            ("period_count", "1"),
            ("ppp_profile_name", "home-10m"),
            ("rate_limit", "10M/10M"),
        ]
    };

    let r = app
        .submit("/console/plans/new", &admin, &plan("1.50.000"))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains(r#"id="f-price-error""#), "{}", r.text);
    assert!(
        r.text.contains(r#"value="1.50.000""#),
        "the typed value stays"
    );
    let plans = app.get("/plans", &admin).await.expect(200);
    assert_eq!(plans.json["data"], serde_json::json!([]), "nothing created");

    // The domain's own refusals land next to their fields too.
    let mut bad = plan("150.000");
    bad[5] = ("rate_limit", "fast");
    let r = app.submit("/console/plans/new", &admin, &bad).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains(r#"id="f-rate_limit-error""#), "{}", r.text);

    let r = app
        .submit("/console/plans/new", &admin, &plan("150.000"))
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let plans = app.get("/plans", &admin).await.expect(200);
    assert_eq!(plans.json["data"][0]["price"].to_string(), "150000.00");
    let id = plans.json["data"][0]["plan_id"].as_i64().unwrap();

    // A cashier reads the list, but neither the form nor its post.
    let list = app.page("/console/plans", &cashier).await;
    assert_eq!(list.status, 200);
    assert!(list.text.contains("Home 10M") && list.text.contains("Rp 150.000"));
    assert!(
        !list.text.contains("/console/plans/new"),
        "no link to the form"
    );
    assert_eq!(app.page("/console/plans/new", &cashier).await.status, 403);
    assert_eq!(
        app.page(&format!("/console/plans/{id}/edit"), &cashier)
            .await
            .status,
        403
    );
    let r = app
        .submit("/console/plans/new", &cashier, &plan("1000"))
        .await;
    assert_eq!(r.status, 403);

    // The edit form shows the price as typed and saves a change.
    let edit = app.page(&format!("/console/plans/{id}/edit"), &admin).await;
    assert_eq!(edit.status, 200);
    assert_eq!(input_value(&edit.text, "price"), "150.000");
    let mut changed = plan("175.000");
    changed[5] = ("rate_limit", "");
    let r = app
        .submit(&format!("/console/plans/{id}/edit"), &admin, &changed)
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let p = app.get(&format!("/plans/{id}"), &admin).await.expect(200);
    assert_eq!(p.json["data"]["price"].to_string(), "175000.00");
    assert_eq!(
        p.json["data"]["rate_limit"],
        Value::Null,
        "a blank clears it"
    );
}

async fn the_subscription_form_puts_the_client_on_a_plan(app: TestApp) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "Siti Aminah", "siti01").await;

    let form = app
        .page(
            &format!("/console/subscriptions/new?client_id={client}"),
            &admin,
        )
        .await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains(r#"id="subscription-form""#));
    assert!(form.text.contains("Siti Aminah"), "the client's name");
    assert!(form.text.contains(&format!(r#"<option value="{plan}""#)));
    let key = form_key(&form.text);
    let fields = |plan: String, key: String| {
        vec![
            ("client_id".to_owned(), client.to_string()),
            ("plan_id".to_owned(), plan),
            ("start_date".to_owned(), "2024-03-01".to_owned()),
            ("end_date".to_owned(), String::new()),
            ("idempotency_key".to_owned(), key),
        ]
    };
    let send = |f: Vec<(String, String)>| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let pairs: Vec<(&str, &str)> =
                f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.submit("/console/subscriptions/new", &admin, &pairs)
                .await
        }
    };

    let r = send(fields("999".into(), key.clone())).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains(r#"id="f-plan_id-error""#), "{}", r.text);

    let r = send(fields(plan.to_string(), key.clone())).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("location"), format!("/console/clients/{client}"));
    // The same form sent again lands on the same page and creates nothing more.
    let again = send(fields(plan.to_string(), key)).await;
    assert_eq!(again.status, 303);
    assert_eq!(
        again.header("location"),
        format!("/console/clients/{client}")
    );
    let subs = app
        .get(&format!("/subscriptions?client_id={client}"), &admin)
        .await
        .expect(200);
    let subs = subs.json["data"].as_array().unwrap().clone();
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(subs[0]["plan_id"], plan);
    assert_eq!(subs[0]["start_date"], "2024-03-01");
    assert_eq!(subs[0]["end_date"], "2024-03-31", "one period");
    let id = subs[0]["subscription_id"].as_i64().unwrap();

    // The listing filters by status and client; the page changes the status with a reason.
    let list = app
        .page(
            &format!("/console/subscriptions?client_id={client}&status=active"),
            &admin,
        )
        .await;
    assert!(list.text.contains(&format!("/console/subscriptions/{id}")));
    let none = app
        .page("/console/subscriptions?status=suspended", &admin)
        .await;
    assert!(none.text.contains(r#"id="subscriptions-empty""#));
    let page = app
        .page(&format!("/console/subscriptions/{id}"), &admin)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(r#"id="to-suspended""#) && !page.text.contains(r#"id="to-active""#));
    let r = app
        .submit(
            &format!("/console/subscriptions/{id}/status"),
            &admin,
            &[("status", "suspended"), ("reason", "asked to pause")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let s = app
        .get(&format!("/subscriptions/{id}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["status"], "suspended");
    let page = app
        .page(&format!("/console/subscriptions/{id}"), &admin)
        .await;
    assert!(page.text.contains("asked to pause"), "the history");
    assert!(page.text.contains(r#"id="to-active""#));

    // A cashier may not open the form.
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    assert_eq!(
        app.page("/console/subscriptions/new", &cashier)
            .await
            .status,
        403
    );
}

async fn the_billing_run_form_issues_the_invoices(app: TestApp) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "john01").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-04")
        .await;
    let list = app.page("/console/invoices", &admin).await;
    assert!(list.text.contains(r#"id="billing-run-form""#));

    let r = app
        .submit(
            "/console/invoices/generate",
            &admin,
            &[("date", "2024-01-01")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains(r#"id="billing-result""#), "{}", r.text);
    assert!(
        r.text.contains(r#"<dd id="billing-created">1</dd>"#),
        "{}",
        r.text
    );
    assert!(r.text.contains("INV-2024-000001"));
    let invoices = app.invoices_of(&admin, sub).await;
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0]["total_amount"].to_string(), "100000.00");

    // Again: nothing twice. By htmx: the section alone.
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/console/invoices/generate")
        .header("cookie", format!("mikronet_session={admin}"))
        .header("hx-request", "true")
        .header(
            "x-csrf-token",
            mikronet::http::console::session::csrf_token(&app.app, &admin),
        )
        .header("content-type", "application/x-www-form-urlencoded");
    req = req.header("accept", "text/html");
    let r = app
        .send(req.body(Body::from("date=2024-01-01")).unwrap())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.text.contains("<html"), "a fragment");
    assert!(
        r.text.contains(r#"<dd id="billing-created">0</dd>"#),
        "{}",
        r.text
    );
    assert_eq!(app.invoices_of(&admin, sub).await.len(), 1);

    let r = app
        .submit("/console/invoices/generate", &admin, &[("date", "soon")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains(r#"id="f-date-error""#));

    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    let list = app.page("/console/invoices", &cashier).await;
    assert_eq!(list.status, 200);
    assert!(!list.text.contains(r#"id="billing-run-form""#));
    let r = app
        .submit(
            "/console/invoices/generate",
            &cashier,
            &[("date", "2024-02-01")],
        )
        .await;
    assert_eq!(r.status, 403);
}

async fn a_cashier_takes_a_partial_then_a_full_payment(app: TestApp) {
    let b = billed(&app).await;
    let cashier = app.user(Some(&b.admin), "kasir", "cashier").await;

    // Find the client: the page, and the results alone as htmx asks for them.
    let found = app.page("/console/cashier?q=John", &cashier).await;
    assert_eq!(found.status, 200);
    assert!(found.text.contains(r#"id="cashier-search""#));
    let link = format!(
        r#"class="cashier-client" href="/console/cashier/clients/{}""#,
        b.client
    );
    assert!(found.text.contains(&link), "{}", found.text);
    let req = Request::builder()
        .uri("/console/cashier?q=john")
        .header("cookie", format!("mikronet_session={cashier}"))
        .header("hx-request", "true")
        .body(Body::empty())
        .unwrap();
    let fragment = app.send(req).await;
    assert!(fragment.text.contains(&link) && !fragment.text.contains("<html"));

    // What is owed, and Pay.
    let owed = app
        .page(&format!("/console/cashier/clients/{}", b.client), &cashier)
        .await;
    assert_eq!(owed.status, 200);
    let pay_link = format!(
        r#"class="button primary pay-invoice" href="/console/cashier/invoices/{}""#,
        b.invoice
    );
    assert!(owed.text.contains(&pay_link), "{}", owed.text);
    assert!(
        owed.text
            .contains(r#"<strong id="owed-total">Rp 100.000</strong>"#)
    );

    let form = app
        .page(
            &format!("/console/cashier/invoices/{}", b.invoice),
            &cashier,
        )
        .await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains(r#"id="payment-form""#));
    assert_eq!(input_value(&form.text, "amount"), "100.000", "prefilled");
    let r = pay(&app, &cashier, b.invoice, "50.000", &form_key(&form.text)).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let receipt = r.header("location").to_owned();
    assert!(receipt.starts_with("/console/payments/") && receipt.ends_with("/receipt"));
    assert_eq!(
        invoice(&app, &b.admin, b.invoice).await["invoice_status"],
        "partially_paid"
    );

    let page = app.page(&receipt, &cashier).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(r#"id="receipt""#));
    assert!(
        page.text
            .contains(r#"<dd id="receipt-amount"><strong>Rp 50.000</strong></dd>"#),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains(r#"<dd id="receipt-remaining">Rp 50.000</dd>"#)
    );
    assert!(page.text.contains(r#"class="badge badge-partially_paid""#));
    assert!(page.text.contains("INV-2024-000001") && page.text.contains("John Doe"));
    assert!(page.text.contains("data-print"));
    assert!(
        page.text.contains("https://wa.me/628123456789?text="),
        "shared to the client's number in international form"
    );
    let thermal = app.page(&format!("{receipt}?paper=58"), &cashier).await;
    assert!(
        thermal
            .text
            .contains(r#"<main id="main" class="paper-58">"#)
    );

    // The rest: the form offers what remains.
    let form = app
        .page(
            &format!("/console/cashier/invoices/{}", b.invoice),
            &cashier,
        )
        .await;
    assert_eq!(input_value(&form.text, "amount"), "50.000");
    let r = pay(
        &app,
        &cashier,
        b.invoice,
        "Rp 50.000",
        &form_key(&form.text),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let second = r.header("location").to_owned();
    assert_ne!(second, receipt);
    let inv = invoice(&app, &b.admin, b.invoice).await;
    assert_eq!(inv["invoice_status"], "paid");
    assert_eq!(inv["paid_amount"].to_string(), "100000.00");
    let page = app.page(&second, &cashier).await;
    assert!(
        page.text
            .contains(r#"<dd id="receipt-remaining">Rp 0</dd>"#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"class="badge badge-paid""#));
    // The first receipt still says what it said.
    let first = app.page(&receipt, &cashier).await;
    assert!(
        first
            .text
            .contains(r#"<dd id="receipt-remaining">Rp 50.000</dd>"#)
    );
    let owed = app
        .page(&format!("/console/cashier/clients/{}", b.client), &cashier)
        .await;
    assert!(owed.text.contains(r#"id="nothing-owed""#));

    // The cashier's day: both payments, and the total to hand in.
    assert!(
        found
            .text
            .contains(r#"id="my-day" href="/console/cashier/day""#)
    );
    let day = app.page("/console/cashier/day", &cashier).await;
    assert_eq!(day.status, 200, "{}", day.text);
    let table = day.text.split(r#"id="day-payments""#).nth(1).unwrap();
    assert_eq!(table.matches("INV-2024-000001").count(), 2, "{}", day.text);
    assert!(
        day.text
            .contains(r#"<strong id="day-total">Rp 100.000</strong>"#),
        "{}",
        day.text
    );
    // The admin recorded nothing; yesterday the cashier recorded nothing either.
    let admins = app.page("/console/cashier/day", &b.admin).await;
    assert!(admins.text.contains(r#"id="day-none""#), "{}", admins.text);
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let before = app
        .page(&format!("/console/cashier/day?date={yesterday}"), &cashier)
        .await;
    assert!(before.text.contains(r#"id="day-none""#));
    // A date that does not read is said next to the field, and today is shown.
    let bad = app
        .page("/console/cashier/day?date=31-12-2024", &cashier)
        .await;
    assert!(bad.text.contains(r#"id="day-total""#), "{}", bad.text);
    assert!(bad.text.contains(r#"id="f-date-error""#), "{}", bad.text);
}

async fn a_payment_form_sent_twice_pays_once(app: TestApp) {
    let b = billed(&app).await;
    let cashier = app.user(Some(&b.admin), "kasir", "cashier").await;
    let form = app
        .page(
            &format!("/console/cashier/invoices/{}", b.invoice),
            &cashier,
        )
        .await;
    let key = form_key(&form.text);
    let (a, again) = tokio::join!(
        pay(&app, &cashier, b.invoice, "40.000", &key),
        pay(&app, &cashier, b.invoice, "40.000", &key)
    );
    let third = pay(&app, &cashier, b.invoice, "40.000", &key).await;
    for r in [&a, &again, &third] {
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(
            r.header("location"),
            a.header("location"),
            "the same receipt"
        );
    }
    let payments = app
        .get(&format!("/invoices/{}/payments", b.invoice), &b.admin)
        .await
        .expect(200);
    assert_eq!(
        payments.json["data"].as_array().unwrap().len(),
        1,
        "{}",
        payments.text
    );
    assert_eq!(
        invoice(&app, &b.admin, b.invoice).await["paid_amount"].to_string(),
        "40000.00"
    );

    // The same key with another amount is refused, above the form; nothing is paid.
    let r = pay(&app, &cashier, b.invoice, "10.000", &key).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains(r#"class="alert""#));
    assert_eq!(
        invoice(&app, &b.admin, b.invoice).await["paid_amount"].to_string(),
        "40000.00"
    );
}

async fn more_than_is_owed_is_refused_next_to_the_amount(app: TestApp) {
    let b = billed(&app).await;
    let cashier = app.user(Some(&b.admin), "kasir", "cashier").await;
    let form = app
        .page(
            &format!("/console/cashier/invoices/{}", b.invoice),
            &cashier,
        )
        .await;
    let key = form_key(&form.text);
    let r = pay(&app, &cashier, b.invoice, "150.000", &key).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains(r#"id="f-amount-error""#), "{}", r.text);
    assert!(
        r.text.contains(r#"value="150.000""#),
        "the typed amount stays"
    );
    assert_eq!(form_key(&r.text), key, "the same form, the same key");
    let r = pay(&app, &cashier, b.invoice, "lima puluh", &key).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains(r#"id="f-amount-error""#));
    let inv = invoice(&app, &b.admin, b.invoice).await;
    assert_eq!(inv["invoice_status"], "pending");
    // A refused form can be corrected and sent with its key.
    let r = pay(&app, &cashier, b.invoice, "100.000", &key).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        invoice(&app, &b.admin, b.invoice).await["invoice_status"],
        "paid"
    );
}

async fn the_invoice_page_is_printable(app: TestApp) {
    let b = billed(&app).await;
    app.put(
        "/settings",
        &b.admin,
        r#"{"provider_name":"Net Desa Sejahtera","provider_address":"Jl. Raya No. 5, Bandung"}"#,
    )
    .await
    .expect(200);
    let cashier = app.user(Some(&b.admin), "kasir", "cashier").await;
    let page = app
        .page(&format!("/console/invoices/{}", b.invoice), &cashier)
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Net Desa Sejahtera") && page.text.contains("Jl. Raya No. 5, Bandung")
    );
    assert!(page.text.contains("data-print"), "the print button");
    assert!(page.text.contains(r#"id="invoice-status""#));
    assert!(
        page.text
            .contains(r#"<td class="num" id="invoice-remaining">Rp 100.000</td>"#)
    );
    assert!(page.text.contains("John Doe"));
    assert!(
        !page.text.contains(r#"src="/console/logo""#),
        "no logo saved"
    );
    assert!(
        page.text.contains(r#"class="badge badge-overdue""#),
        "due 8 Jan 2024"
    );
    let narrow = app
        .page(
            &format!("/console/invoices/{}?paper=80", b.invoice),
            &cashier,
        )
        .await;
    assert!(narrow.text.contains(r#"<main id="main" class="paper-80">"#));
    assert_eq!(
        app.page("/console/invoices/999999", &cashier).await.status,
        404
    );

    // With a logo saved, the invoice shows it.
    mikronet::service::settings::set_logo(
        &app.app,
        &mikronet::domain::user::Actor::system("test"),
        Some(b"\x89PNG\r\n\x1a\n0000".to_vec()),
    )
    .await
    .unwrap();
    let page = app
        .page(&format!("/console/invoices/{}", b.invoice), &cashier)
        .await;
    assert!(
        page.text.contains(
            r#"<img class="doc-logo" src="/console/logo" alt="Logo Net Desa Sejahtera">"#
        ),
        "{}",
        page.text
    );
}

async fn the_invoice_filters_narrow_the_rows(app: TestApp) {
    let b = billed(&app).await;
    let other = app.create_client(&b.admin, "Budi Santoso", "budi01").await;
    let sub = app
        .subscribe(&b.admin, other, b.plan, "2024-01-01", "2024-01-04")
        .await;
    app.generate(&b.admin, "2024-01-01").await;
    let second = app.invoices_of(&b.admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.pay(
        &b.admin,
        second,
        r#"{"amount":100000,"payment_method":"cash"}"#,
    )
    .await
    .expect(201);
    let rows = |path: String| {
        let (app, admin) = (&app, b.admin.clone());
        async move {
            let r = app.page(&path, &admin).await;
            assert_eq!(r.status, 200, "{}", r.text);
            (invoice_rows(&r.text), r.text)
        }
    };
    assert_eq!(rows("/console/invoices".into()).await.0, 2);
    let (n, text) = rows("/console/invoices?status=paid".into()).await;
    assert_eq!(n, 1);
    assert!(text.contains(&format!(r#"href="/console/invoices/{second}""#)));
    let (n, text) = rows("/console/invoices?overdue=true".into()).await;
    assert_eq!(n, 1);
    assert!(text.contains(&format!(r#"href="/console/invoices/{}""#, b.invoice)));
    assert!(text.contains(r#"class="badge badge-overdue""#));
    let (n, _) = rows(format!("/console/invoices?client_id={other}")).await;
    assert_eq!(n, 1);
    assert_eq!(rows("/console/invoices?from=2024-02-01".into()).await.0, 0);
    assert_eq!(
        rows("/console/invoices?from=2024-01-01&to=2024-01-01".into())
            .await
            .0,
        2
    );
    let (n, text) = rows("/console/invoices?status=nonsense".into()).await;
    assert_eq!(n, 0);
    assert!(text.contains(r#"id="f-status-error""#));
    let _ = b.subscription;
}

backend_tests!(
    plans_are_an_admins_and_read_money_as_typed,
    the_subscription_form_puts_the_client_on_a_plan,
    the_billing_run_form_issues_the_invoices,
    a_cashier_takes_a_partial_then_a_full_payment,
    a_payment_form_sent_twice_pays_once,
    more_than_is_owed_is_refused_next_to_the_amount,
    the_invoice_page_is_printable,
    the_invoice_filters_narrow_the_rows,
);
