//! The original routes take form bodies as the original's PHP front ends posted them, with the
//! validation JSON gets, and `PUT /client/{id}` takes `ppp_profile_name` (issue 10, item 13),
//! on every backend.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::{Resp, TestApp};

const FORM: &str = "application/x-www-form-urlencoded";
const CLIENT_FORM: &str = "name=John+Doe&phone_number=08123456789&address=Jl.+Merdeka+No.1&ppp_secret_name=abc123&password=securepassword";
const CLIENT_JSON: &str = r#"{"name":"John Doe","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"abc123","password":"securepassword"}"#;

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: &str,
) -> Resp {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(Body::from(body.to_owned()))
        .unwrap();
    app.send(req).await
}

async fn form(app: &TestApp, method: Method, path: &str, token: &str, body: &str) -> Resp {
    send(app, method, path, token, FORM, body).await
}

async fn forms_are_read_as_json_is(app: TestApp) {
    let admin = app.admin().await;
    // A client by form answers what the same client by JSON answers.
    let by_form = form(&app, Method::POST, "/client", &admin, CLIENT_FORM)
        .await
        .expect(201);
    let id = by_form.json["data"]["client_id"].as_i64().unwrap();
    app.delete(&format!("/client/{id}"), &admin)
        .await
        .expect(200);
    let by_json = app
        .post("/client", Some(&admin), CLIENT_JSON)
        .await
        .expect(201);
    let id2 = by_json.json["data"]["client_id"].as_i64().unwrap();
    assert_eq!(
        by_form.text.replace(&format!(":{id},"), ":X,"),
        by_json.text.replace(&format!(":{id2},"), ":X,")
    );
    // The same rules, the same errors.
    let bad_form = form(
        &app,
        Method::POST,
        "/client",
        &admin,
        "name=Jo&phone_number=12ab",
    )
    .await
    .expect(422);
    let bad_json = app
        .post(
            "/client",
            Some(&admin),
            r#"{"name":"Jo","phone_number":"12ab"}"#,
        )
        .await
        .expect(422);
    assert_eq!(bad_form.text, bad_json.text);
    assert!(bad_form.json["errors"]["password"].is_string());
    let r = form(&app, Method::POST, "/client", &admin, "nmae=John")
        .await
        .expect(422);
    assert!(r.json["errors"]["nmae"].is_string(), "{}", r.text);
    let r = form(&app, Method::POST, "/client", &admin, "name=John&name=Jack")
        .await
        .expect(422);
    assert!(r.json["errors"]["name"].is_string(), "{}", r.text);
    // Anything else is 415, in the API's error shape.
    for ct in [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/xml",
    ] {
        let r = send(&app, Method::POST, "/client", &admin, ct, CLIENT_FORM)
            .await
            .expect(415);
        assert!(
            r.json["message"].as_str().unwrap().contains(FORM),
            "{}",
            r.text
        );
    }
    // Updates: empty fields are left alone, as an HTML form sends them.
    let r = form(
        &app,
        Method::PUT,
        &format!("/client/{id2}"),
        &admin,
        "name=&address=Jl.+Sudirman+No.2&password=",
    )
    .await
    .expect(200);
    assert_eq!(r.json["data"]["address"], "Jl. Sudirman No.2");
    assert_eq!(r.json["data"]["name"], "John Doe");

    // Plans, subscriptions and invoices by form.
    let r = form(
        &app,
        Method::POST,
        "/plan",
        &admin,
        "plan_name=Home+10M&price=100000.00&ppp_profile_name=home-10m",
    )
    .await
    .expect(201);
    assert_eq!(r.json["data"]["price"].to_string(), "100000.00");
    let plan = r.json["data"]["plan_id"].as_i64().unwrap();
    let r = form(
        &app,
        Method::PUT,
        &format!("/plan/{plan}"),
        &admin,
        "price=120000",
    )
    .await
    .expect(200);
    assert_eq!(r.json["data"]["price"].to_string(), "120000.00");
    let r = form(
        &app,
        Method::POST,
        "/plan",
        &admin,
        "plan_name=Cheap&price=abc&ppp_profile_name=cheap",
    )
    .await
    .expect(422);
    assert!(r.json["errors"]["price"].is_string(), "{}", r.text);
    let r = form(
        &app,
        Method::POST,
        "/subscription",
        &admin,
        &format!(
            "client_id={id2}&plan_id={plan}&start_date=2024-01-01&end_date=2024-01-31&status=active"
        ),
    )
    .await
    .expect(201);
    let sub = r.json["data"]["subscription_id"].as_i64().unwrap();
    let r = form(&app, Method::POST, "/subscription", &admin, "client_id=x")
        .await
        .expect(422);
    assert_eq!(r.json["errors"]["client_id"], "must be a whole number");
    form(
        &app,
        Method::PUT,
        &format!("/subscription/{sub}"),
        &admin,
        "end_date=2024-02-29",
    )
    .await
    .expect(200);
    let r = form(
        &app,
        Method::POST,
        "/invoice",
        &admin,
        &format!("subscription_id={sub}&invoice_date=2024-02-25"),
    )
    .await
    .expect(201);
    let invoice = r.json["data"]["invoice_id"].as_i64().unwrap();
    // Open and past its due date (2024), in the original's words.
    assert_eq!(r.json["data"]["invoice_status"], "overdue");
    let r = form(
        &app,
        Method::PUT,
        &format!("/invoice/{invoice}"),
        &admin,
        "invoice_status=paid&payment_method=bank_transfer&payment_date=2024-02-26",
    )
    .await
    .expect(200);
    assert_eq!(r.json["data"]["invoice_status"], "paid");
    assert_eq!(r.json["data"]["payment_method"], "bank_transfer");
    // A form with an Idempotency-Key replays like JSON.
    let keyed = |body: &'static str| {
        Request::builder()
            .method(Method::POST)
            .uri("/client")
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", FORM)
            .header("idempotency-key", "form-1")
            .body(Body::from(body))
            .unwrap()
    };
    const OTHER: &str = "name=Jane+Doe&phone_number=08123456789&address=Jl.+Merdeka+No.1&ppp_secret_name=jane1&password=securepassword";
    let first = app.send(keyed(OTHER)).await.expect(201);
    let again = app.send(keyed(OTHER)).await.expect(201);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(first.text, again.text);
    // The spec says so.
    let r = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .expect(200);
    for (path, method) in [
        ("/client", "post"),
        ("/client/{id}", "put"),
        ("/plan", "post"),
        ("/invoice/{id}", "put"),
    ] {
        assert!(
            r.json["paths"][path][method]["requestBody"]["content"][FORM].is_object(),
            "{method} {path}"
        );
        assert!(
            r.json["paths"][path][method]["responses"]["415"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("form")),
            "{method} {path}"
        );
    }
}

/// A client on plan `home` (profile `home-p`) and a plan `office` (profile `office-p`).
async fn client_on_a_plan(app: &TestApp) -> (String, i64, i64, i64, i64) {
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let home = app.create_plan(&admin, "home", "100000").await;
    let office = app.create_plan(&admin, "office", "200000").await;
    let sub = app
        .subscribe(&admin, client, home, "2024-01-01", "2024-01-31")
        .await;
    (admin, client, home, office, sub)
}

async fn ppp_profile_name_changes_the_plan(app: TestApp) {
    let (admin, client, home, office, sub) = client_on_a_plan(&app).await;
    let path = format!("/client/{client}");
    // The profile alone: the subscription moves to the plan with that profile.
    let r = app
        .put(&path, &admin, r#"{"ppp_profile_name":"office-profile"}"#)
        .await
        .expect(200);
    assert_eq!(
        r.json["message"],
        format!("Client with ID {client} updated successfully")
    );
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["plan_id"], office);
    let h = app
        .get(&format!("/subscriptions/{sub}/history"), &admin)
        .await
        .expect(200);
    assert!(
        h.text.contains("ppp_profile_name office-profile"),
        "{}",
        h.text
    );
    // With other fields, by form; the profile the client already has changes nothing.
    let r = form(
        &app,
        Method::PUT,
        &path,
        &admin,
        "address=Jl.+Sudirman+No.2&ppp_profile_name=office-profile",
    )
    .await
    .expect(200);
    assert_eq!(r.json["data"]["address"], "Jl. Sudirman No.2");
    form(
        &app,
        Method::PUT,
        &path,
        &admin,
        "ppp_profile_name=home-profile",
    )
    .await
    .expect(200);
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["plan_id"], home);

    // A profile no plan has: 422 naming the route to use, and nothing changed (the address
    // sent with it neither).
    let r = app
        .put(
            &path,
            &admin,
            r#"{"address":"Jl. Thamrin No.3","ppp_profile_name":"nope"}"#,
        )
        .await
        .expect(422);
    let msg = r.json["errors"]["ppp_profile_name"].as_str().unwrap();
    assert!(msg.contains(&format!("PUT /subscription/{sub}")), "{msg}");
    let c = app.get(&path, &admin).await.expect(200);
    assert_eq!(c.json["data"]["address"], "Jl. Sudirman No.2");
    // Two plans with one profile: ambiguous.
    app.post(
        "/plans",
        Some(&admin),
        r#"{"plan_name":"office2","price":1,"ppp_profile_name":"office-profile"}"#,
    )
    .await
    .expect(201);
    let r = app
        .put(&path, &admin, r#"{"ppp_profile_name":"office-profile"}"#)
        .await
        .expect(422);
    assert!(
        r.json["errors"]["ppp_profile_name"]
            .as_str()
            .unwrap()
            .contains("several"),
        "{}",
        r.text
    );
    // A client without a subscription.
    let lone = app.create_client(&admin, "Jane Doe", "jane1").await;
    let r = app
        .put(
            &format!("/client/{lone}"),
            &admin,
            r#"{"ppp_profile_name":"home-profile"}"#,
        )
        .await
        .expect(422);
    assert!(
        r.json["errors"]["ppp_profile_name"]
            .as_str()
            .unwrap()
            .contains("POST /subscription"),
        "{}",
        r.text
    );
    // A cashier may change neither clients nor plans.
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    app.put(&path, &cashier, r#"{"ppp_profile_name":"home-profile"}"#)
        .await
        .expect(403);
    // The modern route does not take it.
    app.put(
        &format!("/client/update/{client}"),
        &admin,
        r#"{"ppp_profile_name":"home-profile"}"#,
    )
    .await
    .expect(422);
    app.put(
        "/client/999999",
        &admin,
        r#"{"ppp_profile_name":"home-profile"}"#,
    )
    .await
    .expect(404);
}

backend_tests!(forms_are_read_as_json_is, ppp_profile_name_changes_the_plan);
