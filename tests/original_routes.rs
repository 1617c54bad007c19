//! The original PHP system's later routes (see original-system.md and the README section "The
//! original system's routes"), replayed on every backend: status codes, envelopes, messages and
//! field names, and the seed README's details example through these routes alone.

mod common;

use axum::http::Method;
use common::{Resp, TestApp};

const CLIENT: &str = r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"abc123","password":"securepassword"}"#;
const PLAN: &str = r#"{"plan_name":"Home 10M","price":100000.00,"ppp_profile_name":"home-10m"}"#;

fn client_json(id: i64, address: &str) -> String {
    format!(
        r#"{{"client_id":{id},"name":"John Doe","phone_number":"08123456789","address":"{address}","ppp_secret_name":"abc123"}}"#
    )
}

fn plan_json(id: i64, name: &str, price: &str) -> String {
    format!(
        r#"{{"plan_id":{id},"plan_name":"{name}","price":{price},"ppp_profile_name":"home-10m"}}"#
    )
}

fn id_of(r: &Resp, field: &str) -> i64 {
    r.json["data"][field].as_i64().unwrap()
}

/// An admin, the README's client, a plan at 100000.00 and a subscription for 2024 through the
/// original routes; returns (admin token, client, plan, subscription).
async fn seeded(app: &TestApp) -> (String, i64, i64, i64) {
    let admin = app.admin().await;
    let plan = id_of(
        &app.post("/plan", Some(&admin), PLAN).await.expect(201),
        "plan_id",
    );
    let client = id_of(
        &app.post("/client", Some(&admin), CLIENT).await.expect(201),
        "client_id",
    );
    let body = format!(
        r#"{{"client_id":{client},"plan_id":{plan},"start_date":"2024-01-01","end_date":"2024-12-31","status":"active"}}"#
    );
    let sub = id_of(
        &app.post("/subscription", Some(&admin), &body)
            .await
            .expect(201),
        "subscription_id",
    );
    (admin, client, plan, sub)
}

/// `GET {list}` answers `{"data":[row]}` and `GET {list}/{id}` answers `{"data":row}`.
async fn list_and_one(app: &TestApp, token: &str, list: &str, id: i64, row: &str) {
    let r = app.get(list, token).await.expect(200);
    assert_eq!(r.text, format!(r#"{{"data":[{row}]}}"#));
    let r = app.get(&format!("{list}/{id}"), token).await.expect(200);
    assert_eq!(r.text, format!(r#"{{"data":{row}}}"#));
}

async fn auto(app: &TestApp, method: Method, token: &str, date: &str) -> Resp {
    app.call(
        method,
        &format!("/invoice/auto?date={date}"),
        Some(token),
        None,
    )
    .await
}

async fn client_routes_on_both_path_styles(app: TestApp) {
    let admin = app.admin().await;
    let r = app.post("/client", Some(&admin), CLIENT).await.expect(201);
    let id = id_of(&r, "client_id");
    let created = client_json(id, "Jl. Merdeka No.1");
    assert_eq!(
        r.text,
        format!(r#"{{"message":"Client created successfully","data":{created}}}"#)
    );
    // The README wins: GET /client/{id} is the client, not the details.
    let r = app.get(&format!("/client/{id}"), &admin).await.expect(200);
    assert_eq!(
        r.text,
        format!(r#"{{"message":"Client retrieved successfully","data":{created}}}"#)
    );
    // Both path styles answer alike.
    for (path, address) in [
        (format!("/client/{id}"), "Jl. Sudirman No.2"),
        (format!("/client/update/{id}"), "Jl. Merdeka No.1"),
    ] {
        let body = format!(r#"{{"address":"{address}"}}"#);
        let r = app.put(&path, &admin, &body).await.expect(200);
        let updated = client_json(id, address);
        assert_eq!(
            r.text,
            format!(r#"{{"message":"Client with ID {id} updated successfully","data":{updated}}}"#)
        );
    }
    let r = app.get("/client", &admin).await.expect(200);
    assert_eq!(
        r.text,
        format!(r#"{{"message":"Clients retrieved successfully","data":[{created}]}}"#)
    );
    app.post("/client", Some(&admin), CLIENT).await.expect(409);
    let cashier = app.user(Some(&admin), "cash", "cashier").await;
    app.post("/client", Some(&cashier), CLIENT)
        .await
        .expect(403);
    app.delete(&format!("/client/{id}"), &cashier)
        .await
        .expect(403);
    let r = app
        .delete(&format!("/client/{id}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        r.text,
        format!(r#"{{"message":"Client with ID {id} deleted successfully"}}"#)
    );
    app.delete(&format!("/client/{id}"), &admin)
        .await
        .expect(404);
    let again = id_of(
        &app.post("/client/register", Some(&admin), CLIENT)
            .await
            .expect(201),
        "client_id",
    );
    app.delete(&format!("/client/delete/{again}"), &admin)
        .await
        .expect(200);
}

async fn plan_routes(app: TestApp) {
    let admin = app.admin().await;
    let r = app.post("/plan", Some(&admin), PLAN).await.expect(201);
    let id = id_of(&r, "plan_id");
    let plan = plan_json(id, "Home 10M", "100000.00");
    assert_eq!(
        r.text,
        format!(r#"{{"message":"Plan created successfully","data":{plan}}}"#)
    );
    list_and_one(&app, &admin, "/plan", id, &plan).await;
    // The same plan through our route: one implementation, two shapes.
    let modern = app.get(&format!("/plans/{id}"), &admin).await.expect(200);
    assert_eq!(modern.json["data"]["period_unit"], "month");
    let r = app
        .put(
            &format!("/plan/{id}"),
            &admin,
            r#"{"plan_name":"Home 20M","price":"150000.5"}"#,
        )
        .await
        .expect(200);
    assert_eq!(
        r.text,
        format!(
            r#"{{"message":"Plan updated successfully","data":{}}}"#,
            plan_json(id, "Home 20M", "150000.50")
        )
    );
    app.post(
        "/plan",
        Some(&admin),
        r#"{"plan_name":"Home 20M","price":1,"ppp_profile_name":"x-1"}"#,
    )
    .await
    .expect(409);
    let r = app
        .post("/plan", Some(&admin), r#"{"plan_name":"No","price":-1}"#)
        .await
        .expect(422);
    for field in ["plan_name", "price", "ppp_profile_name"] {
        assert!(r.json["errors"][field].is_string(), "{}", r.text);
    }
    let op = app.user(Some(&admin), "oper", "operator").await;
    app.post("/plan", Some(&op), PLAN).await.expect(403);
    app.get("/plan", &op).await.expect(200);
    app.call(Method::GET, "/plan", None, None).await.expect(401);
    let r = app.delete(&format!("/plan/{id}"), &admin).await.expect(200);
    assert_eq!(r.text, r#"{"message":"Plan deleted successfully"}"#);
    app.get(&format!("/plan/{id}"), &admin).await.expect(404);
}

async fn subscription_routes_and_status_words(app: TestApp) {
    let (admin, client, plan, sub) = seeded(&app).await;
    let row = |status: &str| {
        format!(
            r#"{{"subscription_id":{sub},"client_id":{client},"plan_id":{plan},"start_date":"2024-01-01","end_date":"2024-12-31","status":"{status}"}}"#
        )
    };
    let list = app.get("/subscription", &admin).await.expect(200);
    snapshot!("subscription_list", list.text, "subscription_id" => sub, "client_id" => client, "plan_id" => plan);
    let one = app
        .get(&format!("/subscription/{sub}"), &admin)
        .await
        .expect(200);
    snapshot!("subscription_one", one.text, "subscription_id" => sub, "client_id" => client, "plan_id" => plan);
    // `inactive` is a hold: suspended in our words, inactive in theirs.
    let path = format!("/subscription/{sub}");
    let r = app
        .put(&path, &admin, r#"{"status":"inactive"}"#)
        .await
        .expect(200);
    assert_eq!(
        r.text,
        format!(
            r#"{{"message":"Subscription updated successfully","data":{}}}"#,
            row("inactive")
        )
    );
    let modern = app.get(&format!("/subscriptions/{sub}"), &admin).await;
    assert_eq!(modern.json["data"]["status"], "suspended");
    // The whole row sent back, with the word it already shows, changes nothing.
    let history = |r: Resp| r.json["data"].as_array().unwrap().len();
    let before = history(
        app.get(&format!("/subscriptions/{sub}/history"), &admin)
            .await,
    );
    let body = format!(r#"{{"client_id":{client},"plan_id":{plan},"status":"inactive"}}"#);
    app.put(&path, &admin, &body).await.expect(200);
    let after = history(
        app.get(&format!("/subscriptions/{sub}/history"), &admin)
            .await,
    );
    assert_eq!(before, after);
    let r = app
        .put(&path, &admin, r#"{"status":"active"}"#)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["status"], "active");
    let r = app
        .put(&path, &admin, r#"{"status":"dormant"}"#)
        .await
        .expect(422);
    assert!(r.json["errors"]["status"].is_string());
    // Moving to another client is still refused.
    let other = app.create_client(&admin, "Jane Roe", "jane").await;
    app.put(&path, &admin, &format!(r#"{{"client_id":{other}}}"#))
        .await
        .expect(422);
    // Created inactive: suspended.
    let body = format!(
        r#"{{"client_id":{other},"plan_id":{plan},"start_date":"2024-02-01","status":"inactive"}}"#
    );
    let r = app
        .post("/subscription", Some(&admin), &body)
        .await
        .expect(201);
    let second = id_of(&r, "subscription_id");
    snapshot!("subscription_created_inactive", r.text, "subscription_id" => second, "client_id" => other, "plan_id" => plan);
    let modern = app.get(&format!("/subscriptions/{second}"), &admin).await;
    assert_eq!(modern.json["data"]["status"], "suspended");
    // The client's subscriptions: the original field names.
    let r = app
        .get(&format!("/client/{client}/subscriptions"), &admin)
        .await
        .expect(200);
    assert_eq!(
        r.text,
        format!(
            r#"{{"message":"Subscriptions retrieved successfully","data":[{}]}}"#,
            row("active")
        )
    );
    let cashier = app.user(Some(&admin), "cash", "cashier").await;
    app.delete(&path, &cashier).await.expect(403);
    let r = app
        .delete(&format!("/subscription/{second}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.text, r#"{"message":"Subscription deleted successfully"}"#);
    app.get(&format!("/subscription/{second}"), &admin)
        .await
        .expect(404);
}

fn invoice_json(id: i64, status: &str, payment: &str) -> String {
    format!(
        r#"{{"invoice_id":{id},"client_name":"John Doe","invoice_date":"2024-12-27","due_date":"2025-01-03","total_amount":100000.00,"invoice_status":"{status}",{payment}}}"#
    )
}

const NO_PAYMENT: &str = r#""payment_method":null,"payment_date":null"#;

async fn invoice_auto_uses_the_configured_window(app: TestApp) {
    let (admin, _, _, sub) = seeded(&app).await;
    // Five days before the end: the old code's window, not ours.
    let r = auto(&app, Method::GET, &admin, "2024-12-26")
        .await
        .expect(200);
    assert_eq!(
        r.text,
        r#"{"message":"Invoices generated successfully","data":[]}"#
    );
    let r = auto(&app, Method::GET, &admin, "2024-12-27")
        .await
        .expect(200);
    let id = r.json["data"][0]["invoice_id"].as_i64().unwrap();
    // Today is long past the due date: an open invoice shows as overdue.
    assert_eq!(
        r.text,
        format!(
            r#"{{"message":"Invoices generated successfully","data":[{}]}}"#,
            invoice_json(id, "overdue", NO_PAYMENT)
        )
    );
    let modern = &app.invoices_of(&admin, sub).await;
    assert_eq!(modern.len(), 1);
    assert_eq!(modern[0]["invoice_status"], "pending");
    // Idempotent, by either method.
    let r = auto(&app, Method::POST, &admin, "2024-12-27")
        .await
        .expect(200);
    assert_eq!(r.json["data"], serde_json::json!([]));
    assert_eq!(app.invoices_of(&admin, sub).await.len(), 1);
    let op = app.user(Some(&admin), "oper", "operator").await;
    auto(&app, Method::GET, &op, "2024-12-27").await.expect(200);
    let cashier = app.user(Some(&admin), "cash", "cashier").await;
    auto(&app, Method::GET, &cashier, "2024-12-27")
        .await
        .expect(403);
    auto(&app, Method::GET, &admin, "27-12-2024")
        .await
        .expect(400);
    // The window is the configured one: set to 5 days, the 26th is in it.
    let five = TestApp::with_config(app.backend, |c| c.invoice_days_before = 5)
        .await
        .unwrap();
    let (admin, ..) = seeded(&five).await;
    let r = auto(&five, Method::GET, &admin, "2024-12-26")
        .await
        .expect(200);
    assert_eq!(r.json["data"][0]["invoice_date"], "2024-12-26");
}

async fn invoice_routes_and_marking_paid(app: TestApp) {
    let (admin, _, _, sub) = seeded(&app).await;
    auto(&app, Method::GET, &admin, "2024-12-27")
        .await
        .expect(200);
    let id = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    let overdue = invoice_json(id, "overdue", NO_PAYMENT);
    list_and_one(&app, &admin, "/invoice", id, &overdue).await;
    let path = format!("/invoice/{id}");
    // The whole row sent back unchanged is fine; a changed amount is not.
    let r = app
        .put(
            &path,
            &admin,
            r#"{"invoice_date":"2024-12-27","due_date":"2025-01-03","total_amount":100000.00,"invoice_status":"overdue"}"#,
        )
        .await
        .expect(200);
    assert_eq!(
        r.text,
        format!(r#"{{"message":"Invoice updated successfully","data":{overdue}}}"#)
    );
    let r = app
        .put(&path, &admin, r#"{"total_amount":1.00}"#)
        .await
        .expect(422);
    assert!(r.json["errors"]["total_amount"].is_string(), "{}", r.text);
    app.put(&path, &admin, r#"{"payment_method":"cash"}"#)
        .await
        .expect(422);
    app.put(&path, &admin, r#"{"invoice_status":"settled"}"#)
        .await
        .expect(422);
    // Paid: one payment of what is owed, recorded by a cashier; a repeat changes nothing.
    let cashier = app.user(Some(&admin), "cash", "cashier").await;
    let paid = invoice_json(
        id,
        "paid",
        r#""payment_method":"credit_card","payment_date":"2024-12-28""#,
    );
    let body =
        r#"{"invoice_status":"paid","payment_method":"credit_card","payment_date":"2024-12-28"}"#;
    for _ in 0..2 {
        let r = app.put(&path, &cashier, body).await.expect(200);
        assert_eq!(
            r.text,
            format!(r#"{{"message":"Invoice updated successfully","data":{paid}}}"#)
        );
    }
    let r = app
        .put(&path, &cashier, r#"{"invoice_status":"paid"}"#)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["payment_method"], "credit_card");
    let pays = app
        .get(&format!("/invoices/{id}/payments"), &admin)
        .await
        .expect(200);
    assert_eq!(pays.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(pays.json["data"][0]["amount"].to_string(), "100000.00");
    // The payment went through the same service: the subscription renewed.
    let s = app.get(&format!("/subscription/{sub}"), &admin).await;
    assert_eq!(s.json["data"]["end_date"], "2025-01-31");
    let r = app
        .put(&path, &admin, r#"{"invoice_status":"pending"}"#)
        .await
        .expect(422);
    assert!(r.json["errors"]["invoice_status"].is_string());
    app.delete(&format!("/invoice/delete/{id}"), &admin)
        .await
        .expect(422);
    app.get("/invoice/999999", &admin).await.expect(404);
    app.put("/invoice/999999", &admin, r#"{"invoice_status":"paid"}"#)
        .await
        .expect(404);
}

async fn invoices_created_by_hand_part_paid_and_voided(app: TestApp) {
    let (admin, _, _, sub) = seeded(&app).await;
    let body = format!(
        r#"{{"subscription_id":{sub},"invoice_date":"2024-12-20","due_date":"2099-01-01","total_amount":90000}}"#
    );
    let r = app.post("/invoice", Some(&admin), &body).await.expect(201);
    let id = id_of(&r, "invoice_id");
    snapshot!("invoice_created_by_hand", r.text, "invoice_id" => id);
    // The same next period as generation would invoice, numbered in its sequence.
    let modern = &app.invoices_of(&admin, sub).await[0];
    assert_eq!(modern["period_start"], "2025-01-01");
    assert_eq!(modern["invoice_number"], "INV-2024-000001");
    app.post("/invoice", Some(&admin), &body).await.expect(409);
    let g = app.generate(&admin, "2024-12-27").await;
    assert_eq!(
        g["created"], 0,
        "generation skips the period invoiced by hand"
    );
    // Part-paid shows as pending, with the payment; paid settles the rest.
    app.pay(
        &admin,
        id,
        r#"{"amount":40000,"payment_method":"cash","payment_date":"2024-12-21"}"#,
    )
    .await
    .expect(201);
    let r = app.get(&format!("/invoice/{id}"), &admin).await.expect(200);
    assert_eq!(r.json["data"]["invoice_status"], "pending");
    assert_eq!(r.json["data"]["payment_method"], "cash");
    assert_eq!(r.json["data"]["payment_date"], "2024-12-21");
    let r = app
        .put(
            &format!("/invoice/{id}"),
            &admin,
            r#"{"invoice_status":"paid","payment_method":"bank_transfer"}"#,
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["invoice_status"], "paid");
    assert_eq!(r.json["data"]["payment_method"], "bank_transfer");
    let modern = app
        .get(&format!("/invoices/{id}"), &admin)
        .await
        .expect(200);
    assert_eq!(modern.json["data"]["paid_amount"].to_string(), "90000.00");
    // Validation and roles.
    let r = app
        .post("/invoice", Some(&admin), r#"{"invoice_date":"2024-12-20"}"#)
        .await
        .expect(422);
    assert!(r.json["errors"]["subscription_id"].is_string());
    let paid_on_create = format!(r#"{{"subscription_id":{sub},"invoice_status":"paid"}}"#);
    app.post("/invoice", Some(&admin), &paid_on_create)
        .await
        .expect(422);
    let cashier = app.user(Some(&admin), "cash", "cashier").await;
    let next = format!(r#"{{"subscription_id":{sub},"due_date":"2099-01-01"}}"#);
    app.post("/invoice", Some(&cashier), &next)
        .await
        .expect(403);
    // Delete voids (admin only); the invoice stays, shown as void.
    let r = app.post("/invoice", Some(&admin), &next).await.expect(201);
    let other = id_of(&r, "invoice_id");
    assert_eq!(r.json["data"]["total_amount"].to_string(), "100000.00");
    let delete = format!("/invoice/delete/{other}");
    app.delete(&delete, &cashier).await.expect(403);
    let r = app.delete(&delete, &admin).await.expect(200);
    assert_eq!(r.text, r#"{"message":"Invoice deleted successfully"}"#);
    let r = app
        .get(&format!("/invoice/{other}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["invoice_status"], "void");
    // Void again is no change; paying a void invoice is refused.
    for (word, status) in [("void", 200), ("paid", 422)] {
        let body = format!(r#"{{"invoice_status":"{word}"}}"#);
        let path = format!("/invoice/{other}");
        app.put(&path, &admin, &body).await.expect(status);
    }
}

/// The acceptance scenario: the seed README's details example through the original routes.
async fn the_readme_details_example_through_original_routes(app: TestApp) {
    let (admin, client, _, sub) = seeded(&app).await;
    let r = auto(&app, Method::GET, &admin, "2024-12-27")
        .await
        .expect(200);
    let invoice = r.json["data"][0]["invoice_id"].as_i64().unwrap();
    let body =
        r#"{"invoice_status":"paid","payment_method":"credit_card","payment_date":"2024-12-28"}"#;
    // Marked paid twice: the second time changes nothing, in the answer or the books.
    let mut seen = Vec::new();
    for _ in 0..2 {
        let put = app.put(&format!("/invoice/{invoice}"), &admin, body).await;
        let details = app.get(&format!("/client/{client}/details"), &admin).await;
        seen.push((put.expect(200).text, details.expect(200).text));
    }
    assert_eq!(seen[0], seen[1]);
    // One snapshot file with tests/billing.rs: the modern routes give the same answer.
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        snapshot!(
            "readme_details",
            seen[0].1,
            "client_id" => client,
            "subscription_id" => sub,
            "invoice_id" => invoice,
        );
    });
}

backend_tests!(
    client_routes_on_both_path_styles,
    plan_routes,
    subscription_routes_and_status_words,
    invoice_auto_uses_the_configured_window,
    invoice_routes_and_marking_paid,
    invoices_created_by_hand_part_paid_and_voided,
    the_readme_details_example_through_original_routes,
);

/// Every original route is in the spec under `original`, pointing at its modern equivalent.
#[tokio::test]
async fn openapi_tags_the_original_routes() {
    let app = TestApp::new(mikronet::storage::Backend::Sqlite)
        .await
        .unwrap();
    let r = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .expect(200);
    let tags = r.json["tags"].as_array().unwrap();
    assert!(tags.iter().any(|t| t["name"] == "original"));
    for (path, method) in [
        ("/client", "post"),
        ("/client/{id}", "put"),
        ("/client/{id}", "delete"),
        ("/client/{id}/subscriptions", "get"),
        ("/plan", "get"),
        ("/plan", "post"),
        ("/plan/{id}", "get"),
        ("/plan/{id}", "put"),
        ("/plan/{id}", "delete"),
        ("/subscription", "get"),
        ("/subscription", "post"),
        ("/subscription/{id}", "get"),
        ("/subscription/{id}", "put"),
        ("/subscription/{id}", "delete"),
        ("/invoice", "get"),
        ("/invoice", "post"),
        ("/invoice/{id}", "get"),
        ("/invoice/{id}", "put"),
        ("/invoice/delete/{id}", "delete"),
        ("/invoice/auto", "get"),
    ] {
        let op = &r.json["paths"][path][method];
        assert!(
            op["tags"]
                .as_array()
                .is_some_and(|t| t.contains(&"original".into())),
            "{method} {path}: {op}"
        );
        let text = op["description"].as_str().unwrap_or_default();
        assert!(
            text.contains("ept for compatibility with the original PHP API")
                && text.contains("modern equivalent"),
            "{method} {path}: {op}"
        );
    }
}
