//! The console's admin pages on every backend: the dashboard's figures and charts, routers,
//! users and settings, and what a cashier is refused.

mod common;

use chrono::{Datelike, Days};
use common::TestApp;

/// The text inside the element with `id` (tags removed), up to its closing tag.
fn text_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let start = at + html[at..].find('>').unwrap() + 1;
    let tag_start = html[..at].rfind('<').unwrap();
    let tag: String = html[tag_start + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let end = start + html[start..].find(&format!("</{tag}>")).unwrap();
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The svg element with `id`, whole.
fn svg_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no svg#{id}"));
    let end = at + html[at..].find("</svg>").unwrap();
    &html[at..end]
}

async fn dashboard_shows_the_books(app: TestApp) {
    let admin = app.admin().await;
    app.put(
        "/settings",
        &admin,
        r#"{"invoice_days_before":1,"invoice_due_days":0}"#,
    )
    .await
    .expect(200);
    let today = app.app.today();
    let day = |offset: i64| {
        let d = if offset < 0 {
            today - Days::new(offset.unsigned_abs())
        } else {
            today + Days::new(offset as u64)
        };
        d.format("%Y-%m-%d").to_string()
    };
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let a = app.create_client(&admin, "Ani", "ani").await;
    let b = app.create_client(&admin, "Budi", "budi").await;
    let c = app.create_client(&admin, "Citra", "citra").await;
    let sub_a = app.subscribe(&admin, a, plan, &day(-20), &day(1)).await;
    app.subscribe(&admin, b, plan, &day(-20), &day(1)).await;
    app.subscribe(&admin, c, plan, &day(-30), &day(-2)).await;
    // Citra's invoice was due three days ago; Ani's and Budi's are due today.
    assert_eq!(app.generate(&admin, &day(-3)).await["created"], 1);
    assert_eq!(app.generate(&admin, &day(0)).await["created"], 2);
    let inv_a = app.invoices_of(&admin, sub_a).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.pay(
        &admin,
        inv_a,
        &format!(
            r#"{{"amount":100000,"payment_method":"cash","payment_date":"{}"}}"#,
            day(0)
        ),
    )
    .await
    .expect(201);

    // The provider's default language is Indonesian.
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    for token in [&admin, &cashier] {
        let r = app.page("/console/", token).await.expect(200);
        let h = &r.text;
        assert_eq!(text_of(h, "due-today"), "Rp 100.000 1 tagihan");
        assert_eq!(text_of(h, "due-week"), "Rp 100.000 1 tagihan");
        assert_eq!(text_of(h, "overdue-count"), "1");
        assert_eq!(text_of(h, "overdue-amount"), "Rp 100.000");
        assert_eq!(text_of(h, "collected-today"), "Rp 100.000");
        assert_eq!(text_of(h, "collected-month"), "Rp 100.000");
        assert_eq!(text_of(h, "suspended-clients"), "0");
        assert_eq!(text_of(h, "routers-up"), "0");
        assert_eq!(text_of(h, "routers-down"), "0");
        assert_eq!(text_of(h, "failed-objects"), "0");
        let run = text_of(h, "last-run");
        assert!(
            run.contains("Pembuatan tagihan") && run.contains("2 tagihan dibuat"),
            "{run}"
        );
        let money = svg_of(h, "chart-invoiced-collected");
        assert_eq!(money.matches("<rect class=\"bar").count(), 24);
        assert!(money.contains("<title id=\"chart-invoiced-collected-title\">"));
        assert!(money.contains("<desc id=\"chart-invoiced-collected-desc\">"));
        let subs = svg_of(h, "chart-subscribers");
        assert_eq!(subs.matches("<circle class=\"point").count(), 24);
        assert!(!h.contains("style="), "no inline style");
        // The figures as text: this month invoiced (Citra's too if three days ago is in it)
        // and collected; three active subscribers now.
        let invoiced_now = if (today - Days::new(3)).month() == today.month() {
            "Rp 300.000"
        } else {
            "Rp 200.000"
        };
        let tables: Vec<&str> = h
            .split("<table class=\"visually-hidden\">")
            .skip(1)
            .collect();
        assert_eq!(tables.len(), 2);
        let last_row = |t: &str| {
            let body = &t[..t.find("</tbody>").unwrap()];
            body.rsplit("<tr>").next().unwrap().to_owned()
        };
        let m = last_row(tables[0]);
        assert!(
            m.contains(&format!("<td>{invoiced_now}</td><td>Rp 100.000</td>")),
            "{m}"
        );
        let s = last_row(tables[1]);
        assert!(s.contains("<td>3</td><td>0</td>"), "{s}");
        // Walked back through the history: a year ago none of them had been recorded.
        let first = tables[1]
            .split("<tbody>")
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        assert!(first.contains("<td>0</td><td>0</td>"), "{first}");
    }
}

/// A multipart upload of the logo form: `csrf` as its `_csrf` part (when given) and `bytes`
/// as the file `logo`.
async fn upload(
    app: &TestApp,
    token: &str,
    csrf: Option<&str>,
    file: &str,
    mime: &str,
    bytes: &[u8],
) -> common::Resp {
    let boundary = "XyZzy0123456789";
    let mut body: Vec<u8> = Vec::new();
    if let Some(c) = csrf {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{c}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{file}\"\r\nContent-Type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/console/settings/logo")
        .header("cookie", format!("mikronet_session={token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(req).await
}

fn csrf(app: &TestApp, token: &str) -> String {
    mikronet::http::console::session::csrf_token(&app.app, token)
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

async fn a_cashier_sees_the_dashboard_but_no_admin_page(app: TestApp) {
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    let r = app.page("/console/", &cashier).await.expect(200);
    for href in ["/console/users", "/console/routers", "/console/settings"] {
        assert!(
            !r.text.contains(&format!("href=\"{href}\"")),
            "{href} in the cashier's menu"
        );
    }
    let r = app.page("/console/", &admin).await.expect(200);
    for href in ["/console/users", "/console/routers", "/console/settings"] {
        assert!(
            r.text.contains(&format!("href=\"{href}\"")),
            "{href} not in the admin's menu"
        );
    }
    let operator = app.user(Some(&admin), "operator1", "operator").await;
    for path in ["/console/users", "/console/routers", "/console/settings"] {
        let r = app.page(path, &operator).await;
        assert_eq!(r.status, 403, "GET {path} as an operator: {}", r.text);
    }
    for path in [
        "/console/users",
        "/console/users/new",
        "/console/users/1/delete",
        "/console/routers",
        "/console/routers/new",
        "/console/routers/1",
        "/console/routers/1/edit",
        "/console/routers/1/failed",
        "/console/routers/1/delete",
        "/console/settings",
    ] {
        let r = app.page(path, &cashier).await;
        assert_eq!(r.status, 403, "GET {path}: {}", r.text);
    }
    for (path, fields) in [
        (
            "/console/users/new",
            &[
                ("username", "mallory"),
                ("password", "a long passphrase"),
                ("role", "admin"),
            ][..],
        ),
        ("/console/users/1", &[("role", "cashier")][..]),
        ("/console/users/1/revoke", &[][..]),
        ("/console/users/1/delete", &[][..]),
        (
            "/console/routers/new",
            &[
                ("name", "r1"),
                ("host", "192.0.2.1"),
                ("username", "u"),
                ("password", "p"),
            ][..],
        ),
        ("/console/routers/1/edit", &[("name", "r2")][..]),
        ("/console/routers/1/retry", &[][..]),
        ("/console/routers/1/reconcile", &[][..]),
        ("/console/routers/1/delete", &[][..]),
        ("/console/settings", &[("grace_days", "9")][..]),
        ("/console/settings/logo/remove", &[][..]),
    ] {
        let r = app.submit(path, &cashier, fields).await;
        assert_eq!(r.status, 403, "POST {path}: {}", r.text);
    }
    let r = upload(
        &app,
        &cashier,
        Some(&csrf(&app, &cashier)),
        "a.png",
        "image/png",
        PNG,
    )
    .await;
    assert_eq!(r.status, 403);
    // Nothing changed.
    let users = app.get("/users", &admin).await.expect(200);
    assert!(!users.text.contains("mallory"));
    let s = app.get("/settings", &admin).await.expect(200);
    assert_eq!(s.json["data"]["grace_days"], 0);
}

async fn settings_form_saves_and_shows_errors_by_their_fields(app: TestApp) {
    let admin = app.admin().await;
    let r = app.page("/console/settings", &admin).await.expect(200);
    for name in [
        "provider_name",
        "provider_address",
        "provider_phone",
        "provider_email",
        "tax_number",
        "currency",
        "default_language",
        "time_zone",
        "invoice_days_before",
        "invoice_due_days",
        "grace_days",
        "payment_methods",
    ] {
        assert!(
            r.text.contains(&format!("name=\"{name}\"")),
            "{name} missing"
        );
    }
    let r = app
        .submit(
            "/console/settings",
            &admin,
            &[
                ("provider_name", "Net Desa Sejahtera"),
                ("provider_address", "Jl. Raya No. 5, Bandung"),
                ("provider_phone", "0221234567"),
                ("provider_email", "billing@example.net"),
                ("tax_number", "01.234.567.8-901.000"),
                ("currency", "IDR"),
                ("default_language", "en"),
                ("time_zone", "Asia/Jakarta"),
                ("invoice_days_before", "5"),
                ("invoice_due_days", "10"),
                ("grace_days", "3"),
                ("payment_methods", "cash, qris,gopay"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("location"), "/console/settings?done=saved");
    let s = app.get("/settings", &admin).await.expect(200);
    let d = &s.json["data"];
    assert_eq!(d["provider_name"], "Net Desa Sejahtera");
    assert_eq!(d["tax_number"], "01.234.567.8-901.000");
    assert_eq!(d["default_language"], "en");
    assert_eq!(d["invoice_days_before"], 5);
    assert_eq!(d["invoice_due_days"], 10);
    assert_eq!(d["grace_days"], 3);
    assert_eq!(
        d["payment_methods"],
        serde_json::json!(["cash", "qris", "gopay"])
    );
    // In effect at once: the frame shows the new name, in the new default language.
    let r = app
        .page("/console/settings?done=saved", &admin)
        .await
        .expect(200);
    assert!(r.text.contains("Net Desa Sejahtera"));
    assert!(r.text.contains("The settings were saved"));

    let r = app
        .submit(
            "/console/settings",
            &admin,
            &[
                ("grace_days", "400"),
                ("provider_name", "Net Baru"),
                ("time_zone", "Mars/Olympus"),
                ("payment_methods", "cash, Bank Transfer"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        text_of(&r.text, "f-payment_methods-error").contains("Bank")
            && text_of(&r.text, "f-payment_methods-error").contains("is not a lower-case word"),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("value=\"cash, Bank, Transfer\""),
        "what was typed, as words"
    );
    assert!(
        text_of(&r.text, "f-grace_days-error").contains("366"),
        "{}",
        r.text
    );
    assert!(r.text.contains("id=\"f-time_zone-error\""));
    assert!(!r.text.contains("id=\"f-provider_name-error\""));
    // What was typed stays in the form.
    assert!(r.text.contains("value=\"400\""));
    let r = app
        .submit("/console/settings", &admin, &[("invoice_due_days", "abc")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("id=\"f-invoice_due_days-error\""));
    let s = app.get("/settings", &admin).await.expect(200);
    assert_eq!(
        s.json["data"]["provider_name"], "Net Desa Sejahtera",
        "nothing saved"
    );
    assert_eq!(s.json["data"]["grace_days"], 3);
}

async fn logo_upload_is_checked_and_served(app: TestApp) {
    let admin = app.admin().await;
    let token = csrf(&app, &admin);
    let r = upload(&app, &admin, Some(&token), "logo.png", "image/png", PNG).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let req = axum::http::Request::builder()
        .uri("/console/logo")
        .header("cookie", format!("mikronet_session={admin}"))
        .body(axum::body::Body::empty())
        .unwrap();
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], PNG);
    let r = app.page("/console/settings", &admin).await.expect(200);
    assert!(
        r.text
            .contains("<img id=\"current-logo\" src=\"/console/logo\"")
    );

    // A text file named .png: refused by its bytes, next to the field; the logo stays.
    let r = upload(
        &app,
        &admin,
        Some(&token),
        "logo.png",
        "image/png",
        b"hello, not an image",
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        text_of(&r.text, "f-logo-error").contains("PNG"),
        "{}",
        r.text
    );
    // Without the form's token nothing is stored.
    let r = upload(&app, &admin, None, "other.png", "image/png", PNG).await;
    assert_eq!(r.status, 403);
    let r = upload(&app, &admin, Some("forged"), "other.png", "image/png", PNG).await;
    assert_eq!(r.status, 403);
    // 200 KiB: above the API's body limit, within the logo route's own.
    let mid = [PNG, &vec![0u8; 200 * 1024]].concat();
    let r = upload(&app, &admin, Some(&token), "mid.png", "image/png", &mid).await;
    assert_eq!(r.status, 303, "{}", r.text);
    // Over 256 KiB but within the route's limit: the service's refusal, next to the field.
    let over = [PNG, &vec![0u8; 270 * 1024]].concat();
    let r = upload(&app, &admin, Some(&token), "over.png", "image/png", &over).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        text_of(&r.text, "f-logo-error").contains("256 KiB"),
        "{}",
        r.text
    );
    // Too large for the route's limit: refused, nothing stored.
    let big = [PNG, &vec![0u8; 400 * 1024]].concat();
    let r = upload(&app, &admin, Some(&token), "big.png", "image/png", &big).await;
    assert_eq!(r.status, 413, "{}", r.text);

    let r = app
        .submit("/console/settings/logo/remove", &admin, &[])
        .await;
    assert_eq!(r.status, 303);
    let r = app.page("/console/logo", &admin).await;
    assert_eq!(r.status, 404);
}

async fn users_are_created_disabled_and_the_last_admin_kept(app: TestApp) {
    let admin = app.admin().await;
    let r = app.page("/console/users/new", &admin).await.expect(200);
    assert!(r.text.contains("id=\"user-form\""));
    let r = app
        .submit(
            "/console/users/new",
            &admin,
            &[
                ("username", "siti"),
                ("password", "a long passphrase"),
                ("role", "cashier"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let users = app.get("/users", &admin).await.expect(200);
    let list = users.json["data"].as_array().unwrap().clone();
    let find = |name: &str| {
        list.iter()
            .find(|u| u["username"] == name)
            .unwrap_or_else(|| panic!("{name} in {list:?}"))
            .clone()
    };
    let siti = find("siti");
    assert_eq!(siti["role"], "cashier");
    let siti_id = siti["id"].as_i64().or(siti["user_id"].as_i64()).unwrap();
    let me = find("admin");
    let admin_id = me["id"].as_i64().or(me["user_id"].as_i64()).unwrap();

    // A bad form: the domain's error next to its field, with what was typed.
    let r = app
        .submit(
            "/console/users/new",
            &admin,
            &[
                ("username", "siti"),
                ("password", "short"),
                ("role", "cashier"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("id=\"f-password-error\""), "{}", r.text);
    assert!(r.text.contains("value=\"siti\""));

    let r = app
        .submit(
            &format!("/console/users/{siti_id}"),
            &admin,
            &[("disabled", "true")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let u = app
        .get(&format!("/users/{siti_id}"), &admin)
        .await
        .expect(200);
    assert_eq!(u.json["data"]["disabled"], true);
    let r = app.page("/console/users", &admin).await.expect(200);
    assert!(text_of(&r.text, &format!("user-{siti_id}")).contains("Dinonaktifkan"));

    // The last admin cannot be demoted: the service's refusal, on the admin's row.
    let r = app
        .submit(
            &format!("/console/users/{admin_id}"),
            &admin,
            &[("role", "operator")],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    let msg = text_of(&r.text, &format!("user-{admin_id}-error"));
    assert!(msg.contains("last admin"), "{msg}");
    let u = app
        .get(&format!("/users/{admin_id}"), &admin)
        .await
        .expect(200);
    assert_eq!(u.json["data"]["role"], "admin");

    // Delete asks first, then deletes.
    let r = app
        .page(&format!("/console/users/{siti_id}/delete"), &admin)
        .await
        .expect(200);
    assert!(r.text.contains("siti"));
    let r = app
        .submit(&format!("/console/users/{siti_id}/delete"), &admin, &[])
        .await;
    assert_eq!(r.status, 303);
    app.get(&format!("/users/{siti_id}"), &admin)
        .await
        .expect(404);
}

async fn routers_are_added_edited_and_listed(app: TestApp) {
    let admin = app.admin().await;
    let r = app.page("/console/routers", &admin).await.expect(200);
    assert!(r.text.contains("id=\"no-routers\""));
    let r = app
        .submit(
            "/console/routers/new",
            &admin,
            &[
                ("name", "core-1"),
                ("host", "bad host!"),
                ("username", "billing"),
                ("password", "pw-XyZ-7781"),
                ("transport", "api"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("id=\"f-host-error\""), "{}", r.text);
    assert!(r.text.contains("value=\"core-1\""));
    let r = app
        .submit(
            "/console/routers/new",
            &admin,
            &[
                ("name", "core-1"),
                ("host", "192.0.2.10"),
                ("username", "billing"),
                ("password", "pw-XyZ-7781"),
                ("transport", "api"),
                ("port", "8728"),
                ("suspend_mode", "disable"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let list = app.get("/routers", &admin).await.expect(200);
    let id = list.json["data"][0]["id"]
        .as_i64()
        .or(list.json["data"][0]["router_id"].as_i64())
        .unwrap_or_else(|| panic!("{}", list.text));
    let r = app.page("/console/routers", &admin).await.expect(200);
    let row = text_of(&r.text, &format!("router-{id}"));
    assert!(
        row.contains("core-1") && row.contains("192.0.2.10:8728"),
        "{row}"
    );
    // Edit: an empty password keeps the stored one.
    let r = app
        .page(&format!("/console/routers/{id}/edit"), &admin)
        .await
        .expect(200);
    assert!(r.text.contains("value=\"core-1\""));
    assert!(
        !r.text.contains("pw-XyZ-7781"),
        "the password is never shown"
    );
    let r = app
        .submit(
            &format!("/console/routers/{id}/edit"),
            &admin,
            &[
                ("name", "core-2"),
                ("password", ""),
                ("host", "192.0.2.10"),
                ("port", "8728"),
                ("transport", "api"),
                ("username", "billing"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let one = app.get(&format!("/routers/{id}"), &admin).await.expect(200);
    assert_eq!(one.json["data"]["name"], "core-2");
    // Delete asks first.
    let r = app
        .page(&format!("/console/routers/{id}/delete"), &admin)
        .await
        .expect(200);
    assert!(r.text.contains("core-2"));
    let r = app
        .submit(&format!("/console/routers/{id}/delete"), &admin, &[])
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    app.get(&format!("/routers/{id}"), &admin).await.expect(404);
}

const ROUTER_PASSWORD: &str = "Router-Pa55-word";

async fn reconcile_shows_the_drift_then_each_repair(app: TestApp) {
    let sim = routeros::sim::Simulator::start(routeros::sim::SimConfig {
        password: ROUTER_PASSWORD.into(),
        identity: "core-1".into(),
        ..routeros::sim::SimConfig::default()
    })
    .await
    .unwrap();
    let admin = app.admin().await;
    let port = sim.api_addr.port().to_string();
    let r = app
        .submit(
            "/console/routers/new",
            &admin,
            &[
                ("name", "core-1"),
                ("host", "127.0.0.1"),
                ("port", &port),
                ("transport", "api"),
                ("username", "admin"),
                ("password", ROUTER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let list = app.get("/routers", &admin).await.expect(200);
    let id = list.json["data"][0]["router_id"].as_i64().unwrap();
    let plan = app.create_plan(&admin, "Home", "100000").await;
    for i in 0..2 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, "2026-11-01", "2026-12-31")
            .await;
    }
    app.settle().await;

    // Asked now: the router answers with its identity.
    let r = app
        .page(&format!("/console/routers/{id}"), &admin)
        .await
        .expect(200);
    assert!(r.text.contains("core-1"));
    assert!(
        text_of(&r.text, "router-reachable").contains("Terjangkau"),
        "{}",
        r.text
    );
    let r = app.page("/console/routers", &admin).await.expect(200);
    assert!(text_of(&r.text, &format!("router-{id}")).contains("Terjangkau"));

    sim.reset_configuration();
    // A dry run lists what differs and offers to apply.
    let r = app
        .submit(&format!("/console/routers/{id}/reconcile"), &admin, &[])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let missing = text_of(&r.text, "drift-missing");
    assert!(
        missing.contains("c0") && missing.contains("c1"),
        "{missing}"
    );
    assert!(text_of(&r.text, "drift-missing-profiles").contains("Home-profile"));
    assert!(r.text.contains("id=\"reconcile-apply\""));
    assert!(!r.text.contains("id=\"repairs\""));
    assert!(
        sim.state().secret("c0").is_none(),
        "a dry run changes nothing"
    );
    // Apply: each repair's real outcome.
    let r = app
        .submit(
            &format!("/console/routers/{id}/reconcile"),
            &admin,
            &[("apply", "true")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let repairs = text_of(&r.text, "repairs");
    assert_eq!(repairs.matches("Diperbaiki").count(), 3, "{repairs}");
    assert!(text_of(&r.text, "drift-remains").contains("kini sesuai"));
    assert!(sim.state().secret("c0").is_some());
    let r = app
        .submit(&format!("/console/routers/{id}/reconcile"), &admin, &[])
        .await;
    assert!(r.text.contains("id=\"no-drift\""), "{}", r.text);
    // Nothing failed: the failed list says so; retry puts nothing back.
    let r = app
        .page(&format!("/console/routers/{id}/failed"), &admin)
        .await
        .expect(200);
    assert!(r.text.contains("Tidak ada objek yang gagal"));
    let r = app
        .submit(&format!("/console/routers/{id}/retry"), &admin, &[])
        .await;
    assert_eq!(r.status, 200);
    assert!(text_of(&r.text, "retry-result").starts_with("0 "));
}

backend_tests!(
    dashboard_shows_the_books,
    reconcile_shows_the_drift_then_each_repair,
    a_cashier_sees_the_dashboard_but_no_admin_page,
    settings_form_saves_and_shows_errors_by_their_fields,
    logo_upload_is_checked_and_served,
    users_are_created_disabled_and_the_last_admin_kept,
    routers_are_added_edited_and_listed,
);
