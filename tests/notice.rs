//! Cut-off that informs (issue 14, item 4), on every backend: a router in `isolate` mode moves
//! a cut-off client to its isolation profile, which puts their address on the isolated list;
//! the notice page knows them by that address (their `/ppp/active` session on the simulator),
//! shows their invoice and what they owe, and pays it through the Midtrans stand-in, after
//! which they are back on their plan. Reconcile names what the isolation setup lacks until
//! the script `router-setup` prints is applied to the router.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::gateways::*;
use common::{Resp, TestApp, day};
use mikronet::storage::Backend;

const NOTICE: &str = "10.9.0.5:8081";

async fn notice_from(app: &TestApp, peer: &str, method: Method, path: &str, body: &str) -> Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        format!("{peer}:40000")
            .parse::<std::net::SocketAddr>()
            .unwrap(),
    ));
    app.send(req).await
}

/// The `value` of the first hidden input named `name`.
fn hidden(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {page}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

fn form(fields: &[(&str, &str)]) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    f.extend_pairs(fields.iter().copied());
    f.finish()
}

async fn a_cut_off_client_meets_the_notice_page_and_pays(backend: Backend) {
    let gateways = Gateways::default();
    let Some(app) = app_with_config(backend, &gateways, |c| {
        c.notice_address = NOTICE.into();
        c.walled_garden = vec!["cdn.example.net".into()];
    })
    .await
    else {
        return;
    };
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let router = app.add_router(&admin, &sim).await;
    app.put(
        &format!("/routers/{router}"),
        &admin,
        r#"{"suspend_mode":"isolate","isolation_profile":"isolir"}"#,
    )
    .await
    .expect(200);
    // An isolation profile made by hand before, listing nobody: the router sync gives it the list.
    sim.state()
        .add_profile("isolir", Some("512k/512k"))
        .unwrap();
    let plan = app.create_plan(&admin, "Home-10M", "150000").await;
    let mut invoices = Vec::new();
    for (name, ppp) in [("Budi Santoso", "budi"), ("Siti Aminah", "siti")] {
        let client = app.create_client(&admin, name, ppp).await;
        let sub = app
            .subscribe(
                &admin,
                client,
                plan,
                &day(-40).to_string(),
                &day(-20).to_string(),
            )
            .await;
        invoices.push((client, sub));
    }
    app.generate(&admin, &day(-24).to_string()).await;
    let mut ids = Vec::new();
    for (_, sub) in &invoices {
        ids.push(
            app.invoices_of(&admin, *sub).await[0]["invoice_id"]
                .as_i64()
                .unwrap(),
        );
    }
    let (budi_invoice, siti_invoice) = (ids[0], ids[1]);
    app.billing_run(&admin, day(0)).await;
    app.settle().await;

    // Isolated, not disabled: on the isolation profile, which lists its sessions' addresses.
    let secret = sim.state().secret("budi").unwrap();
    assert_eq!(secret["profile"], "isolir");
    assert_eq!(secret["disabled"], "false");
    let profile = sim.state().profile("isolir").unwrap();
    assert_eq!(profile["address-list"], "mikronet-isolated");
    assert_eq!(
        profile["rate-limit"], "512k/512k",
        "the rest of it is left as it was"
    );
    sim.state()
        .connect_session("budi", "10.10.0.7", "AA:BB:CC:00:00:07");
    sim.state()
        .connect_session("siti", "10.10.0.8", "AA:BB:CC:00:00:08");
    let listed: Vec<String> = sim
        .state()
        .address_list("mikronet-isolated")
        .into_iter()
        .map(|e| e["address"].clone())
        .collect();
    assert_eq!(listed, ["10.10.0.7", "10.10.0.8"]);

    // Budi's address: his name, his invoice and what he owes; nothing of Siti's.
    let page = notice_from(&app, "10.10.0.7", Method::GET, "/notice", "").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Budi Santoso"), "{}", page.text);
    assert!(page.text.contains("notice-paused"));
    assert!(page.text.contains("Rp 150.000"), "{}", page.text);
    assert!(
        page.text
            .contains(&format!("notice-pay-{budi_invoice}-midtrans"))
    );
    assert!(!page.text.contains("Siti"));
    assert!(!page.text.contains(&format!("notice-pay-{siti_invoice}-")));
    let token = hidden(&page.text, "notice_token");

    // An address nobody has: a page that says so, with the way to sign in.
    let unknown = notice_from(&app, "10.10.0.99", Method::GET, "/notice", "").await;
    assert_eq!(unknown.status, 200);
    assert!(unknown.text.contains("notice-unknown"), "{}", unknown.text);
    assert!(
        unknown
            .text
            .contains("href=\"https://billing.example.net/portal/\"")
    );
    assert!(!unknown.text.contains("notice_token"));

    // A POST without Budi's token, from Siti's address with his, for Siti's invoice from his
    // address: nothing reaches the gateway.
    let pay = |invoice: i64, token: &str| {
        form(&[
            ("notice_token", token),
            ("invoice_id", &invoice.to_string()),
            ("gateway", "midtrans"),
        ])
    };
    for (peer, body) in [
        ("10.10.0.7", pay(budi_invoice, "forged")),
        ("10.10.0.8", pay(budi_invoice, &token)),
    ] {
        let r = notice_from(&app, peer, Method::POST, "/notice/pay", &body).await;
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(r.header("location"), "/notice");
    }
    let siti_token = hidden(
        &notice_from(&app, "10.10.0.8", Method::GET, "/notice", "")
            .await
            .text,
        "notice_token",
    );
    assert_ne!(siti_token, token);
    let r = notice_from(
        &app,
        "10.10.0.7",
        Method::POST,
        "/notice/pay",
        &pay(siti_invoice, &token),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = notice_from(
        &app,
        "10.10.0.7",
        Method::POST,
        "/notice/pay",
        "invoice_id=x&gateway=midtrans&notice_token=t",
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("notice-error"));
    assert!(gateways.created.lock().unwrap().is_empty());

    // Paying: the gateway's page, then its confirmation puts Budi back on his plan.
    let r = notice_from(
        &app,
        "10.10.0.7",
        Method::POST,
        "/notice/pay",
        &pay(budi_invoice, &token),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("continue-payment"), "{}", r.text);
    let sent = gateways.created.lock().unwrap()[0].clone();
    assert_eq!(sent["transaction_details"]["gross_amount"], 150000);
    let order = sent["transaction_details"]["order_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(r.text.contains(&format!("snap/v4/redirection/tok-{order}")));
    let attempts = app
        .get(&format!("/invoices/{budi_invoice}/online-payments"), &admin)
        .await
        .expect(200);
    assert_eq!(attempts.json["data"][0]["created_by"], "notice:budi");
    gateways.set_midtrans(&order, "settlement", "150000.00");
    notify_midtrans(
        &app,
        &notification(&order, "settlement", "150000.00", SERVER_KEY),
    )
    .await
    .expect(200);
    app.settle().await;
    let secret = sim.state().secret("budi").unwrap();
    assert_eq!(secret["profile"], "Home-10M-profile");
    assert_eq!(secret["disabled"], "false");
    assert!(
        sim.state()
            .active_sessions()
            .iter()
            .all(|s| s["name"] != "budi"),
        "the isolated session is hung up, so the client dials in on the plan's profile"
    );
    assert_eq!(sim.state().secret("siti").unwrap()["profile"], "isolir");

    // Paid: whoever holds his address now sees nothing of his.
    let page = notice_from(&app, "10.10.0.7", Method::GET, "/notice", "").await;
    assert!(page.text.contains("notice-restoring"), "{}", page.text);
    assert!(!page.text.contains("Budi"), "{}", page.text);

    // An address live on two isolating routers (a shared pool) is nobody's.
    let sim2 = common::simulator().await;
    let body = format!(
        r#"{{"name":"core-2","host":"127.0.0.1","port":{},"transport":"api","username":"admin","password":"{}","suspend_mode":"isolate","isolation_profile":"isolir"}}"#,
        sim2.api_addr.port(),
        common::ROUTER_PASSWORD
    );
    app.post("/routers", Some(&admin), &body).await.expect(201);
    sim.state()
        .connect_session("siti", "10.10.0.20", "AA:BB:CC:00:00:20");
    sim2.state()
        .connect_session("someone", "10.10.0.20", "AA:BB:CC:00:00:21");
    let page = notice_from(&app, "10.10.0.20", Method::GET, "/notice", "").await;
    assert!(page.text.contains("notice-unknown"), "{}", page.text);
    assert!(!page.text.contains("Siti"));
    // While one of the isolating routers cannot be asked, an address is nobody's either.
    sim.state()
        .connect_session("siti", "10.10.0.30", "AA:BB:CC:00:00:30");
    sim2.set_down(true).await.unwrap();
    let page = notice_from(&app, "10.10.0.30", Method::GET, "/notice", "").await;
    assert!(page.text.contains("notice-unknown"), "{}", page.text);
    sim2.set_down(false).await.unwrap();
    let page = notice_from(&app, "10.10.0.30", Method::GET, "/notice", "").await;
    assert!(
        page.text.contains("Siti Aminah"),
        "asked again, not remembered: {}",
        page.text
    );
    // IPv6 callers are nobody (PPP pools hand out IPv4), and cost no router a question.
    let page = notice_from(&app, "[2001:db8::7]", Method::GET, "/notice", "").await;
    assert!(page.text.contains("notice-unknown"));

    // The notice listener: any other site's page leads to the notice address's own page, so
    // nothing of the portal is ever kept under another site's name.
    let listener = mikronet::http::portal::notice_listener(app.app.clone());
    for (host, path) in [
        ("connectivitycheck.example.com", "/generate_204"),
        ("example.com", "/portal/login"),
        ("example.com", "/"),
    ] {
        let req = Request::builder()
            .uri(path)
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        let r = tower::ServiceExt::oneshot(listener.clone(), req)
            .await
            .unwrap();
        assert_eq!(r.status(), 302, "{host}{path}");
        assert_eq!(r.headers()["location"], format!("http://{NOTICE}/"));
        assert_eq!(r.headers()["cache-control"], "no-store");
    }
    let under_ours = |path: &str| {
        let mut req = Request::builder()
            .uri(path)
            .header("host", NOTICE)
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(
            "10.10.0.8:40000".parse::<std::net::SocketAddr>().unwrap(),
        ));
        req
    };
    let r = tower::ServiceExt::oneshot(listener.clone(), under_ours("/"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("Siti Aminah"), "{body}");
    let r = tower::ServiceExt::oneshot(listener.clone(), under_ours("/portal/login"))
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "the portal is served under the notice address"
    );
    let r = tower::ServiceExt::oneshot(listener, under_ours("/anything"))
        .await
        .unwrap();
    assert_eq!(r.status(), 302);

    // Reconcile names what the router lacks of the isolation setup until the script is run.
    let report = app.reconcile(&admin, router).await;
    let lacking: Vec<String> = report.json["data"]["isolation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(
        lacking.contains(&"missing: /ip firewall nat comment=mikronet:notice".to_owned()),
        "{lacking:?}"
    );
    assert!(
        lacking.contains(
            &"missing: /ip firewall address-list list=mikronet-garden address=cdn.example.net"
                .to_owned()
        ),
        "{lacking:?}"
    );
    // The profile the router sync made is already as the setup wants it.
    assert!(
        !lacking.iter().any(|l| l.contains("/ppp profile")),
        "{lacking:?}"
    );
    assert_eq!(report.json["data"]["drift_remains"], true);
    let r = app.app.clone();
    let stored =
        r.db.read(move |ex| {
            Box::pin(async move {
                mikronet::storage::repo::routers::get(ex, mikronet::domain::ids::RouterId(router))
                    .await
            })
        })
        .await
        .unwrap()
        .unwrap();
    let script = app.app.isolation_setup(&stored).unwrap().script("core-1");
    // The profile exists already: the router refuses that line, as a pasted script's would be.
    let rest: String = script
        .lines()
        .filter(|l| !l.contains("name=isolir"))
        .map(|l| format!("{l}\n"))
        .collect();
    sim.state().run_script(&rest).unwrap();
    let nat = sim.state().nat_rules();
    assert_eq!(nat[0]["to-addresses"], "10.9.0.5");
    assert_eq!(nat[0]["to-ports"], "8081");
    let report = app.reconcile(&admin, router).await;
    assert_eq!(
        report.json["data"]["isolation"],
        serde_json::json!([]),
        "{}",
        report.text
    );
    assert_eq!(
        report.json["data"]["drift_remains"], false,
        "{}",
        report.text
    );
    app.audit_holds().await;
}

per_backend!(a_cut_off_client_meets_the_notice_page_and_pays);
