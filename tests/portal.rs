//! The customer portal (issue 14, item 2), on every backend: a client signs in with their PPP
//! secret's name and password, sees only their own invoices and payments (another client's
//! invoice or receipt is 404, as one that does not exist), pays online through the Midtrans
//! stand-in (`common/gateways.rs`) and sees the receipt; promises to pay once per invoice;
//! sign-ins are throttled; portal and staff sessions open nothing of each other's.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::gateways::*;
use common::{Resp, TestApp, day};
use mikronet::storage::Backend;
use serde_json::json;

/// The `name=value` of the cookie `name` an answer sets, with its attributes.
fn set_cookie<'a>(r: &'a Resp, name: &str) -> Option<&'a str> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
}

fn cookie_value(set: &str) -> String {
    set.split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default()
}

/// The sign-in form, then its POST with the form's prelogin cookie, from `peer`.
async fn sign_in_from(app: &TestApp, peer: &str, user: &str, password: &str) -> Resp {
    let form = app
        .call(Method::GET, "/portal/login", None, None)
        .await
        .expect(200);
    let pre = cookie_value(set_cookie(&form, "mikronet_portal_prelogin").unwrap());
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("username", user)
        .append_pair("password", password)
        .append_pair("_csrf", &pre)
        .finish();
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/portal/login")
        .header("cookie", format!("mikronet_portal_prelogin={pre}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        peer.parse::<std::net::SocketAddr>().unwrap(),
    ));
    app.send(req).await
}

/// Signs in and returns the session token.
async fn sign_in(app: &TestApp, user: &str, password: &str) -> String {
    let r = sign_in_from(app, "10.0.0.1:5000", user, password).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("location"), "/portal/");
    let set = set_cookie(&r, "mikronet_portal").unwrap();
    for attr in ["Path=/portal", "HttpOnly", "SameSite=Lax"] {
        assert!(set.contains(attr), "{set}");
    }
    cookie_value(set)
}

async fn page(app: &TestApp, token: &str, path: &str) -> Resp {
    let req = Request::builder()
        .uri(path)
        .header("cookie", format!("mikronet_portal={token}"))
        .body(Body::empty())
        .unwrap();
    app.send(req).await
}

/// A portal form, with the session's CSRF token unless `csrf` is false.
async fn post(app: &TestApp, token: &str, path: &str, fields: &[(&str, &str)], csrf: bool) -> Resp {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(fields.iter().copied());
    if csrf {
        body.append_pair(
            "_csrf",
            &mikronet::http::portal::session::csrf_token(&app.app, token),
        );
    }
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("cookie", format!("mikronet_portal={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))
        .unwrap();
    app.send(req).await
}

/// A client on a 150,000 plan whose invoice is past due: (client, subscription, invoice).
async fn owing(app: &TestApp, admin: &str, plan: i64, name: &str, ppp: &str) -> (i64, i64, i64) {
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
    (client, sub, inv)
}

/// Budi signs in, sees his own and nothing of Siti's, pays online, is reconnected and sees
/// the receipt; sessions of the portal and of staff open nothing of each other's.
async fn a_client_sees_only_their_own_and_pays(backend: Backend) {
    let gateways = Gateways::default();
    let Some(app) = app_with(backend, &gateways).await else {
        return;
    };
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "cashier1", "cashier").await;
    app.add_router(&admin, &sim).await;
    let plan = app.create_plan(&admin, "Home-10M", "150000").await;
    let (_, sub, invoice) = owing(&app, &admin, plan, "Budi Santoso", "budi").await;
    let (_, _, other) = owing(&app, &admin, plan, "Siti Aminah", "siti").await;
    app.billing_run(&admin, day(0)).await;
    app.settle().await;
    assert_eq!(sim.state().secret("budi").unwrap()["disabled"], "true");

    // A wrong password, an unknown name: the same refusal, and no session.
    for (user, pw) in [("budi", "wrong-password"), ("nobody", "securepassword")] {
        let r = sign_in_from(&app, "10.0.0.1:5000", user, pw).await;
        assert_eq!(r.status, 401, "{}", r.text);
        assert!(r.text.contains("login-error"), "{}", r.text);
        assert!(set_cookie(&r, "mikronet_portal").is_none());
    }
    let token = sign_in(&app, "budi", "securepassword").await;

    // Home: his name, plan, standing and what he owes; nothing of Siti's.
    let home = page(&app, &token, "/portal/").await;
    assert_eq!(home.status, 200, "{}", home.text);
    assert!(home.text.contains("Budi Santoso"), "{}", home.text);
    assert!(home.text.contains("Home-10M"));
    assert!(home.text.contains("Rp 150.000"));
    assert!(home.text.contains(&format!("/portal/invoices/{invoice}")));
    assert!(!home.text.contains("Siti"), "another client's name");
    assert!(!home.text.contains(&format!("/portal/invoices/{other}\"")));
    assert!(home.text.contains("badge-suspended"), "{}", home.text);

    // Siti's invoice, PDF and payment: not found, as if they did not exist.
    for path in [
        format!("/portal/invoices/{other}"),
        format!("/portal/invoices/{other}/pdf"),
        "/portal/invoices/999999".into(),
        "/portal/invoices/abc".into(),
    ] {
        assert_eq!(page(&app, &token, &path).await.status, 404, "{path}");
    }
    let pdf = page(&app, &token, &format!("/portal/invoices/{invoice}/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));

    // Paying: refused without the CSRF token; another client's invoice is not found and
    // creates nothing at the gateway.
    let pay = format!("/portal/invoices/{invoice}/pay");
    let r = post(&app, &token, &pay, &[("gateway", "midtrans")], false).await;
    assert_eq!(r.status, 403);
    let r = post(
        &app,
        &token,
        &format!("/portal/invoices/{other}/pay"),
        &[("gateway", "midtrans")],
        true,
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(gateways.created.lock().unwrap().is_empty());
    let r = post(&app, &token, &pay, &[("gateway", "midtrans")], true).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("location"), format!("/portal/invoices/{invoice}"));
    let sent = gateways.created.lock().unwrap()[0].clone();
    assert_eq!(sent["transaction_details"]["gross_amount"], 150000);
    let back = format!("{}/portal/invoices/{invoice}", app.app.config.public_base());
    assert_eq!(sent["callbacks"]["finish"], json!(back), "{sent}");
    let order = sent["transaction_details"]["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attempts = app
        .get(&format!("/invoices/{invoice}/online-payments"), &cashier)
        .await
        .expect(200);
    assert_eq!(attempts.json["data"][0]["created_by"], "portal:budi");
    let inv_page = page(&app, &token, &format!("/portal/invoices/{invoice}")).await;
    assert!(
        inv_page
            .text
            .contains(&format!("snap/v4/redirection/tok-{order}")),
        "the invoice page leads to the payment page: {}",
        inv_page.text
    );

    // The gateway confirms: paid, renewed, reconnected.
    gateways.set_midtrans(&order, "settlement", "150000.00");
    app.post(
        "/payments/notify/midtrans",
        None,
        &notification(&order, "settlement", "150000.00", SERVER_KEY),
    )
    .await
    .expect(200);
    app.settle().await;
    assert_eq!(sim.state().secret("budi").unwrap()["disabled"], "false");
    let s = app
        .get(&format!("/subscriptions/{sub}"), &admin)
        .await
        .expect(200);
    assert_eq!(s.json["data"]["status"], "active");
    let home = page(&app, &token, "/portal/").await;
    assert!(home.text.contains("portal-nothing-owed"), "{}", home.text);
    assert!(home.text.contains("badge-active"));
    let payment = app
        .get(&format!("/invoices/{invoice}/payments"), &admin)
        .await
        .expect(200)
        .json["data"][0]["payment_id"]
        .as_i64()
        .unwrap();
    assert!(
        home.text
            .contains(&format!("/portal/payments/{payment}/receipt"))
    );
    let receipt = page(&app, &token, &format!("/portal/payments/{payment}/receipt")).await;
    assert_eq!(receipt.status, 200, "{}", receipt.text);
    assert!(receipt.text.contains("Rp 150.000"));
    assert!(receipt.text.contains("receipt-thanks"));
    let pdf = page(
        &app,
        &token,
        &format!("/portal/payments/{payment}/receipt.pdf"),
    )
    .await;
    assert_eq!(pdf.header("content-type"), "application/pdf");

    // Siti's receipt is not Budi's to see.
    let r = app
        .pay(
            &cashier,
            other,
            r#"{"amount":"150000","payment_method":"cash"}"#,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let siti_payment = r.json["data"]["payment"]["payment_id"].as_i64().unwrap();
    for path in [
        format!("/portal/payments/{siti_payment}/receipt"),
        format!("/portal/payments/{siti_payment}/receipt.pdf"),
    ] {
        assert_eq!(page(&app, &token, &path).await.status, 404, "{path}");
    }

    // A staff token is no portal session, a portal session no staff token.
    let r = page(&app, &admin, "/portal/").await;
    assert_eq!(r.status, 303);
    assert!(r.header("location").starts_with("/portal/login"));
    app.get("/client", &token).await.expect(401);
    let r = app.page("/console/", &token).await;
    assert_eq!(r.status, 303);
    assert!(r.header("location").starts_with("/console/login"));

    // Signing out ends the session at once.
    let r = post(&app, &token, "/portal/logout", &[], true).await;
    assert_eq!(r.status, 303);
    let r = page(&app, &token, "/portal/").await;
    assert_eq!(r.status, 303);
    app.audit_holds().await;
}

async fn sub_status(app: &TestApp, admin: &str, sub: i64) -> serde_json::Value {
    app.get(&format!("/subscriptions/{sub}"), admin)
        .await
        .expect(200)
        .json["data"]["status"]
        .clone()
}

/// A promise from the portal brings a suspended client back and holds through the day
/// chosen; once per invoice. A new PPP password ends the client's sessions; failed sign-ins
/// are throttled.
async fn a_client_promises_once_and_sign_ins_are_throttled(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    let (client, sub, _) = owing(&app, &admin, plan, "Budi Santoso", "budi").await;
    app.billing_run(&admin, day(0)).await;
    assert_eq!(sub_status(&app, &admin, sub).await, "suspended");
    let token = sign_in(&app, "budi", "securepassword").await;
    // His pages speak the language of his messages, until he chooses another here.
    let home = page(&app, &token, "/portal/").await;
    assert!(
        home.text.contains("<html lang=\"id\""),
        "the provider's default"
    );
    app.put(
        &format!("/client/{client}/contact"),
        &admin,
        r#"{"language":"en"}"#,
    )
    .await
    .expect(200);
    let home = page(&app, &token, "/portal/").await;
    assert!(home.text.contains("<html lang=\"en\""), "{}", home.text);
    let req = Request::builder()
        .uri("/portal/")
        .header(
            "cookie",
            format!("mikronet_portal={token}; mikronet_lang=id"),
        )
        .body(Body::empty())
        .unwrap();
    assert!(app.send(req).await.text.contains("<html lang=\"id\""));
    let home = page(&app, &token, "/portal/").await;
    assert!(home.text.contains("promise-form"), "{}", home.text);
    let (late, soon) = (day(4).to_string(), day(2).to_string());
    assert!(home.text.contains(&format!("value=\"{}\"", day(3))));
    assert!(!home.text.contains(&format!("value=\"{late}\"")));

    // A day not offered is refused and changes nothing.
    let r = post(&app, &token, "/portal/promise", &[("until", &late)], true).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("portal-error"));
    assert_eq!(sub_status(&app, &admin, sub).await, "suspended");

    let r = post(&app, &token, "/portal/promise", &[("until", &soon)], true).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(sub_status(&app, &admin, sub).await, "active");
    let c = app
        .get(&format!("/client/{client}/collection"), &admin)
        .await
        .expect(200);
    assert_eq!(c.json["data"]["promised_until"], soon);
    let history = app
        .get(&format!("/client/{client}/history"), &admin)
        .await
        .expect(200);
    assert!(
        history.text.contains("portal:budi"),
        "the client is the actor: {}",
        history.text
    );
    assert!(
        history
            .text
            .contains("promised by the client in the portal for INV-"),
        "the promise names its invoice: {}",
        history.text
    );
    let home = page(&app, &token, "/portal/").await;
    assert!(home.text.contains("promise-holding"), "{}", home.text);
    let r = post(&app, &token, "/portal/promise", &[("until", &soon)], true).await;
    assert_eq!(r.status, 422, "{}", r.text);

    // Withdrawn by an operator: the client cannot promise again for the same invoice.
    app.delete(&format!("/client/{client}/promise"), &admin)
        .await
        .expect(200);
    let home = page(&app, &token, "/portal/").await;
    assert!(home.text.contains("promise-used"), "{}", home.text);
    let r = post(&app, &token, "/portal/promise", &[("until", &soon)], true).await;
    assert_eq!(r.status, 422, "{}", r.text);

    // A new PPP password ends the portal's sessions.
    app.put(
        &format!("/client/{client}"),
        &admin,
        r#"{"password":"new-secret-pass"}"#,
    )
    .await
    .expect(200);
    assert_eq!(page(&app, &token, "/portal/").await.status, 303);
    sign_in(&app, "budi", "new-secret-pass").await;

    // Guessing from one address: refused after the free attempts, even the right password.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            sign_in_from(&app, "10.9.9.9:4000", "budi", "guess-guess")
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let r = sign_in_from(&app, "10.9.9.9:4000", "budi", "new-secret-pass").await;
    assert_eq!(r.status, 429);
    // Another address is not held up.
    let r = sign_in_from(&app, "10.9.9.10:4000", "budi", "new-secret-pass").await;
    assert_eq!(r.status, 303);
    app.audit_holds().await;
}

per_backend!(
    a_client_sees_only_their_own_and_pays,
    a_client_promises_once_and_sign_ins_are_throttled,
);
