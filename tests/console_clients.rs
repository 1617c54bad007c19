//! The console's client pages and the chasing list, over HTTP as a signed-in browser, on every
//! backend: list, search and badges; the client form with the domain's errors next to their
//! fields; what a cashier may see and is refused; the overdue list's figures; connect and
//! disconnect against the router simulator.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use mikronet::provisioning::worker;
use routeros::sim::{SimConfig, SimHandle, Simulator};

const ROUTER_PASSWORD: &str = "Router-Pa55-word";

/// The table row (`<tr …>…</tr>`) of `html` that holds `needle`.
fn row_of<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not on the page: {html}"));
    let start = html[..at].rfind("<tr").expect("inside a row");
    let end = at + html[at..].find("</tr>").expect("row ends");
    &html[start..end]
}

/// How many client links the page shows.
fn links(html: &str) -> usize {
    html.matches(r#"class="client-link""#).count()
}

/// `GET` as a browser signed in with `token`, reading English.
async fn page(app: &TestApp, path: &str, token: &str) -> common::Resp {
    send(app, "GET", path, token, None, &[]).await
}

/// A console form posted with the session's CSRF token, reading English.
async fn submit(app: &TestApp, path: &str, token: &str, fields: &[(&str, &str)]) -> common::Resp {
    let csrf = mikronet::http::console::session::csrf_token(&app.app, token);
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().copied())
        .append_pair("_csrf", &csrf)
        .finish();
    send(app, "POST", path, token, Some(body), &[]).await
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<String>,
    headers: &[(&str, &str)],
) -> common::Resp {
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header(
            "cookie",
            format!("mikronet_session={token}; mikronet_lang=en"),
        );
    if body.is_some() {
        req = req.header("content-type", "application/x-www-form-urlencoded");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(body.map_or_else(axum::body::Body::empty, axum::body::Body::from))
        .unwrap();
    app.send(req).await
}

fn location(r: &common::Resp) -> String {
    r.header("location").to_owned()
}

async fn client_list_search_and_badges(app: TestApp) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let john = app.create_client(&admin, "John Doe", "abc123").await;
    let jane = app.create_client(&admin, "Jane Roe", "jane01").await;
    app.create_client(&admin, "Budi Santoso", "budi77").await;
    app.subscribe(&admin, john, plan, "2024-01-01", "2024-01-31")
        .await;
    let s = app
        .subscribe(&admin, jane, plan, "2024-01-01", "2024-01-31")
        .await;
    app.put(
        &format!("/subscriptions/{s}"),
        &admin,
        r#"{"status":"suspended","reason":"test"}"#,
    )
    .await
    .expect(200);

    let r = page(&app, "/console/clients", &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(links(&r.text), 3);
    assert!(r.text.contains(r#"id="client-search""#));
    assert!(r.text.contains(r#"hx-get="/console/clients/rows""#));
    assert!(r.text.contains(r#"id="new-client""#), "an admin may add");
    assert!(row_of(&r.text, "John Doe").contains("badge-active"));
    assert!(row_of(&r.text, "Jane Roe").contains("badge-suspended"));
    assert!(row_of(&r.text, "Budi Santoso").contains("badge-none"));
    assert!(
        row_of(&r.text, "John Doe").contains(&format!(r#"href="/console/clients/{john}""#)),
        "rows link to the client page"
    );

    // Search as you type: the rows alone, by name and by PPP name, any case.
    let r = page(&app, "/console/clients/rows?q=jAnE", &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.starts_with(r#"<tbody id="client-rows">"#),
        "{}",
        r.text
    );
    assert_eq!(links(&r.text), 1);
    assert!(r.text.contains("Jane Roe") && r.text.contains("badge-suspended"));
    let r = page(&app, "/console/clients?q=budi77", &admin).await;
    assert_eq!(links(&r.text), 1);
    assert!(r.text.contains("Budi Santoso"));
    assert!(
        r.text.contains(r#"value="budi77""#),
        "the search stays in its field"
    );
    let r = page(&app, "/console/clients/rows?q=nobody-here", &admin).await;
    assert_eq!(links(&r.text), 0);
    assert!(r.text.contains("No client matches"));

    // The search's bound is the service's, for the console and the API alike.
    let long = "x".repeat(101);
    let r = page(&app, &format!("/console/clients/rows?q={long}"), &admin).await;
    assert!(r.text.contains(r#"class="alert""#), "{}", r.text);
    assert_eq!(links(&r.text), 0);
    app.get(&format!("/client/search?query={long}&page=1"), &admin)
        .await
        .expect(400);

    // Pages: 25 a page.
    for i in 0..25 {
        app.create_client(&admin, &format!("Client {i:02}"), &format!("c{i:02}"))
            .await;
    }
    let r = page(&app, "/console/clients", &admin).await;
    assert_eq!(links(&r.text), 25);
    assert!(r.text.contains("Page 1 of 2 (28 in all)"), "{}", r.text);
    let r = page(&app, "/console/clients?page=2", &admin).await;
    assert_eq!(links(&r.text), 3);
}

async fn client_form_creates_and_edits_through_the_service(app: TestApp) {
    let admin = app.admin().await;
    let good = [
        ("name", "Siti Aminah"),
        ("phone_number", "081298765432"),
        ("address", "Jl. Mawar No. 7"),
        ("ppp_secret_name", "siti01"),
        ("password", "rahasia123"),
    ];
    let r = page(&app, "/console/clients/new", &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(r#"id="client-form""#) && r.text.contains(r#"id="save-client""#));

    // A bad phone number: the error next to that field, the typed values kept, nothing made.
    let mut bad = good;
    bad[1] = ("phone_number", "phone");
    let r = submit(&app, "/console/clients/new", &admin, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text
            .contains(r#"<p class="field-error" id="f-phone_number-error">Phone number must be 6 to 20 digits"#),
        "{}",
        r.text
    );
    assert!(!r.text.contains(r#"id="f-name-error""#));
    assert!(
        r.text.contains(r#"value="Siti Aminah""#),
        "typed values stay"
    );
    assert!(
        !r.text.contains("rahasia123"),
        "the password is never sent back"
    );
    let r = app
        .get("/client?page=1&per_page=10", &admin)
        .await
        .expect(200);
    assert_eq!(
        r.json["data"].as_array().unwrap().len(),
        0,
        "nothing created"
    );

    let r = submit(&app, "/console/clients/new", &admin, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let to = location(&r);
    let id: i64 = to
        .strip_prefix("/console/clients/")
        .unwrap()
        .parse()
        .unwrap();
    let r = app.get(&format!("/client/{id}"), &admin).await.expect(200);
    assert_eq!(r.json["data"]["name"], "Siti Aminah");
    assert_eq!(r.json["data"]["phone_number"], "081298765432");
    assert_eq!(r.json["data"]["ppp_secret_name"], "siti01");

    // Search by phone finds her.
    let r = page(&app, "/console/clients/rows?q=98765", &admin).await;
    assert_eq!(links(&r.text), 1);

    // The same PPP name again: refused next to that field.
    let mut twice = good;
    twice[0] = ("name", "Siti Lain");
    let r = submit(&app, "/console/clients/new", &admin, &twice).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains(r#"id="f-ppp_secret_name-error""#),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("PPP secret name siti01 is already taken by another client"),
        "{}",
        r.text
    );

    // Edit: the form shows the values; an empty password keeps the current one.
    let r = page(&app, &format!("/console/clients/{id}/edit"), &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(r#"value="Jl. Mawar No. 7""#));
    let r = submit(
        &app,
        &format!("/console/clients/{id}/edit"),
        &admin,
        &[
            ("name", "Siti Aminah Putri"),
            ("phone_number", "081298765432"),
            ("address", "Jl. Melati No. 9"),
            ("ppp_secret_name", "siti01"),
            ("password", ""),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(location(&r), format!("/console/clients/{id}"));
    let r = app.get(&format!("/client/{id}"), &admin).await.expect(200);
    assert_eq!(r.json["data"]["name"], "Siti Aminah Putri");
    assert_eq!(r.json["data"]["address"], "Jl. Melati No. 9");
    let r = submit(
        &app,
        &format!("/console/clients/{id}/edit"),
        &admin,
        &[("name", "Jo")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains(r#"id="f-name-error""#));

    // The client page.
    let r = page(&app, &format!("/console/clients/{id}"), &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text
            .contains(r#"<h1 id="client-name">Siti Aminah Putri</h1>"#),
        "{}",
        r.text
    );
    assert!(r.text.contains(&format!(
        r#"href="/console/subscriptions/new?client_id={id}""#
    )));
    assert!(
        r.text
            .contains(&format!(r#"hx-get="/console/clients/{id}/router""#))
    );
    assert!(r.text.contains(r#"id="connection-form""#));

    // In Indonesian, the same error in Indonesian.
    let r = submit(
        &app,
        "/console/language",
        &admin,
        &[("lang", "id"), ("next", "/console/")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/console/clients/new")
        .header(
            "cookie",
            format!("mikronet_session={admin}; mikronet_lang=id"),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "name=Ani&phone_number=x&_csrf={}",
            mikronet::http::console::session::csrf_token(&app.app, &admin)
        )))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("Nomor telepon"), "{}", r.text);
}

async fn a_cashier_sees_clients_but_changes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let john = app.create_client(&admin, "John Doe", "abc123").await;
    let lone = app.create_client(&admin, "Lone Wolf", "lone01").await;
    app.subscribe(&admin, john, plan, "2024-01-01", "2024-01-31")
        .await;

    let r = page(&app, "/console/clients", &cashier).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(links(&r.text), 2);
    assert!(!r.text.contains(r#"id="new-client""#));
    let r = page(&app, &format!("/console/clients/{john}"), &cashier).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(r#"<h1 id="client-name">John Doe</h1>"#));
    assert!(!r.text.contains(r#"id="connection-form""#));
    assert!(!r.text.contains(r#"id="delete-client""#));
    assert!(!r.text.contains(r#"id="new-subscription""#));

    for path in [
        "/console/clients/new".to_owned(),
        format!("/console/clients/{john}/edit"),
    ] {
        let r = page(&app, &path, &cashier).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = submit(
        &app,
        "/console/clients/new",
        &cashier,
        &[
            ("name", "Sneaky"),
            ("phone_number", "0812345678"),
            ("address", "Jl. Gelap 1"),
            ("ppp_secret_name", "sneak"),
            ("password", "sneaky123"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = submit(
        &app,
        &format!("/console/clients/{john}/connection"),
        &cashier,
        &[("action", "disable"), ("reason", "try")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = submit(
        &app,
        &format!("/console/clients/{lone}/delete"),
        &cashier,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.get(&format!("/client/{lone}"), &admin)
        .await
        .expect(200);
    let r = app
        .get(&format!("/client/{john}/history"), &admin)
        .await
        .expect(200);
    assert_eq!(
        r.json["data"].as_array().unwrap().len(),
        0,
        "no switch recorded"
    );

    // The admin may delete, but not a client with subscriptions.
    let r = submit(
        &app,
        &format!("/console/clients/{john}/delete"),
        &admin,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text.contains("the client has subscriptions"),
        "{}",
        r.text
    );
    app.get(&format!("/client/{john}"), &admin)
        .await
        .expect(200);
    let r = submit(
        &app,
        &format!("/console/clients/{lone}/delete"),
        &admin,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/console/clients");
    app.get(&format!("/client/{lone}"), &admin)
        .await
        .expect(404);

    // Without the CSRF token, refused before anything happens.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/console/clients/{john}/connection"))
        .header("cookie", format!("mikronet_session={admin}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("action=disable"))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
}

async fn the_overdue_list_shows_what_is_owed_and_for_how_long(app: TestApp) {
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let john = app.create_client(&admin, "John Doe", "abc123").await;
    let jane = app.create_client(&admin, "Jane Roe", "jane01").await;
    let sj = app
        .subscribe(&admin, john, plan, "2024-01-01", "2024-01-31")
        .await;
    let sn = app
        .subscribe(&admin, jane, plan, "2024-01-10", "2024-02-09")
        .await;
    app.generate(&admin, "2024-01-27").await;
    app.generate(&admin, "2024-02-05").await;
    let john_inv = app.invoices_of(&admin, sj).await[0].clone();
    let jane_inv = app.invoices_of(&admin, sn).await[0].clone();
    let due: chrono::NaiveDate = john_inv["due_date"].as_str().unwrap().parse().unwrap();
    let jane_due: chrono::NaiveDate = jane_inv["due_date"].as_str().unwrap().parse().unwrap();
    assert!(due < jane_due, "John is the longer overdue");
    let john_id = john_inv["invoice_id"].as_i64().unwrap();
    app.pay(
        &admin,
        john_id,
        r#"{"amount":40000,"payment_method":"cash","payment_date":"2024-02-06"}"#,
    )
    .await
    .expect(201);

    let on: chrono::NaiveDate = "2024-03-01".parse().unwrap();
    let r = page(&app, "/console/chasing?date=2024-03-01", &cashier).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.text.matches(r#"class="overdue-row""#).count(), 2);
    let first = r.text.find("John Doe").unwrap();
    assert!(
        first < r.text.find("Jane Roe").unwrap(),
        "the longest overdue first"
    );
    let row = row_of(&r.text, "John Doe");
    assert!(row.contains("Rp 60.000"), "{row}");
    let days = (on - due).num_days();
    assert!(row.contains(&format!(r#"data-days="{days}""#)), "{row}");
    assert!(row.contains(&format!("{days} days")), "{row}");
    assert!(row.contains(r#"href="tel:08123456789""#));
    assert!(row.contains("https://wa.me/628123456789?text="), "{row}");
    assert!(
        row.contains("Rp%2060.000") && row.contains("INV-2024-000001"),
        "{row}"
    );
    assert!(row.contains(&format!(r#"href="/console/cashier/invoices/{john_id}""#)));
    assert!(
        !row.contains("disconnect-form"),
        "a cashier does not disconnect"
    );
    let jrow = row_of(&r.text, "Jane Roe");
    assert!(jrow.contains("Rp 100.000"));
    assert!(jrow.contains(&format!(r#"data-days="{}""#, (on - jane_due).num_days())));

    // The operator's row offers the disconnect, its reason prefilled.
    let r = page(&app, "/console/chasing?date=2024-03-01", &admin).await;
    let row = row_of(&r.text, "John Doe");
    assert!(
        row.contains(&format!(r#"action="/console/clients/{john}/connection""#)),
        "{row}"
    );
    assert!(row.contains(r#"name="action" value="disable""#));
    assert!(row.contains("overdue: INV-"), "{row}");

    // Before John's due date nobody is overdue; once paid, John is off the list.
    let r = page(&app, &format!("/console/chasing?date={due}"), &admin).await;
    assert_eq!(r.text.matches(r#"class="overdue-row""#).count(), 0);
    app.pay(
        &admin,
        john_id,
        r#"{"amount":60000,"payment_method":"cash","payment_date":"2024-02-07"}"#,
    )
    .await
    .expect(201);
    let r = page(&app, "/console/chasing?date=2024-03-01", &admin).await;
    assert_eq!(r.text.matches(r#"class="overdue-row""#).count(), 1);
    assert!(!r.text.contains("John Doe"));

    // The client page shows the invoices and payments, newest first, with the payment link
    // on the open one.
    let r = page(&app, &format!("/console/clients/{jane}"), &admin).await;
    assert!(r.text.contains(&format!(
        r#"href="/console/cashier/invoices/{}""#,
        jane_inv["invoice_id"]
    )));
    let r = page(&app, &format!("/console/clients/{john}"), &admin).await;
    let timeline = &r.text[r.text.find(r#"id="timeline""#).unwrap()..];
    let p60 = timeline.find("Payment of Rp 60.000").unwrap();
    let p40 = timeline.find("Payment of Rp 40.000").unwrap();
    let inv = timeline.find("Invoice INV-").unwrap();
    assert!(p60 < p40 && p40 < inv, "newest first: {timeline}");
}

async fn simulator() -> SimHandle {
    Simulator::start(SimConfig {
        password: ROUTER_PASSWORD.into(),
        identity: "core-1".into(),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

async fn connect_and_disconnect_reach_the_router(app: TestApp) {
    let sim = simulator().await;
    let admin = app.admin().await;
    let body = format!(
        r#"{{"name":"core-1","host":"127.0.0.1","port":{},"transport":"api","username":"admin","password":"{ROUTER_PASSWORD}"}}"#,
        sim.api_addr.port()
    );
    app.post("/routers", Some(&admin), &body).await.expect(201);
    let worker = tokio::spawn(worker::run(app.app.clone()));
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let disabled = || {
        sim.state()
            .secret("abc123")
            .and_then(|s| s.get("disabled").cloned())
    };
    // The running worker may hold the new secret's lease: wait for it to land.
    for _ in 0..100 {
        worker::drain(&app.app).await.unwrap();
        if disabled().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(disabled().as_deref(), Some("false"));
    sim.state()
        .connect_session("abc123", "10.10.0.2", "AA:BB:CC:DD:EE:01");

    let state = format!("/console/clients/{client}/router");
    let r = page(&app, &state, &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains(r#"id="secret-state" data-state="enabled""#),
        "{}",
        r.text
    );
    assert!(r.text.contains("10.10.0.2"), "the live session: {}", r.text);

    let r = submit(
        &app,
        &format!("/console/clients/{client}/connection"),
        &admin,
        &[("action", "disable"), ("reason", "abuse report")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        location(&r),
        format!("/console/clients/{client}?switched=disable&applied=true")
    );
    assert_eq!(disabled().as_deref(), Some("true"));
    let r = page(&app, &location(&r), &admin).await;
    assert!(r.text.contains(r#"id="connection-outcome""#));
    assert!(
        r.text.contains("Disconnected by admin"),
        "history on the timeline"
    );
    assert!(r.text.contains("abuse report"));
    let r = page(&app, &state, &admin).await;
    assert!(r.text.contains(r#"data-state="disabled""#), "{}", r.text);
    assert!(
        r.text.contains("Not connected now"),
        "the session was ended"
    );

    // With htmx, the outcome and the refreshed state come back as a fragment.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/console/clients/{client}/connection"))
        .header("cookie", format!("mikronet_session={admin}"))
        .header("hx-request", "true")
        .header("hx-target", "router-state")
        .header(
            "x-csrf-token",
            mikronet::http::console::session::csrf_token(&app.app, &admin),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("action=enable"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(!r.text.contains("<html"), "a fragment");
    assert!(r.text.contains(r#"id="connection-outcome""#));
    assert!(r.text.contains(r#"data-state="enabled""#), "{}", r.text);
    assert_eq!(disabled().as_deref(), Some("false"));

    // From a row of the chasing list (no router state to refresh): the outcome alone.
    let csrf = mikronet::http::console::session::csrf_token(&app.app, &admin);
    let r = send(
        &app,
        "POST",
        &format!("/console/clients/{client}/connection"),
        &admin,
        Some("action=disable&reason=overdue".into()),
        &[("hx-request", "true"), ("x-csrf-token", &csrf)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("The client is disconnected."), "{}", r.text);
    assert!(!r.text.contains("secret-state") && !r.text.contains(r#"id="#));
    assert_eq!(disabled().as_deref(), Some("true"));

    // A router that does not answer: said so, quickly.
    sim.set_refuse_connections(true);
    sim.drop_connections();
    let started = std::time::Instant::now();
    let r = page(&app, &state, &admin).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(r.text.contains(r#"data-state="unknown""#), "{}", r.text);
    assert!(r.text.contains(r#"id="router-unreachable""#), "{}", r.text);
    worker.abort();
}

backend_tests!(
    client_list_search_and_badges,
    client_form_creates_and_edits_through_the_service,
    a_cashier_sees_clients_but_changes_nothing,
    the_overdue_list_shows_what_is_owed_and_for_how_long,
    connect_and_disconnect_reach_the_router,
);
