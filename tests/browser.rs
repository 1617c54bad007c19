//! The console in a real browser: Debian's headless Chromium driven through chromedriver
//! (WebDriver, the `fantoccini` crate), against the server listening on a real port with its
//! router worker running and the RouterOS simulator as the router; the accessibility checker
//! axe-core (npm, `tests/browser/`) run in the same browser on the main pages.
//!
//! Needs `chromium` and `chromium-driver` (Debian) and `npm ci --prefix tests/browser`;
//! without them the test prints `SKIPPED`, except under `CI`, where it fails. Screenshots of
//! the main pages at 1366 and 390 px go to `target/console-screenshots/`.
//! `MIKRONET_CHROMEDRIVER` and `MIKRONET_CHROMIUM` point at other binaries.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{TestApp, password_of};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use mikronet::storage::Backend;
use routeros::sim::{SimConfig, SimHandle, Simulator};
use serde_json::{Value, json};

const ROUTER_PASSWORD: &str = "Router-Pa55-word";

fn chromedriver() -> PathBuf {
    std::env::var_os("MIKRONET_CHROMEDRIVER")
        .map_or_else(|| "/usr/bin/chromedriver".into(), PathBuf::from)
}

fn chromium() -> PathBuf {
    std::env::var_os("MIKRONET_CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from)
}

fn axe_js() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js")
}

fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots")
}

/// Whether the tools are here; under CI their absence fails the run.
fn tools_present() -> bool {
    let missing: Vec<String> = [chromedriver(), chromium(), axe_js()]
        .into_iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "browser tests need {} (apt-get install chromium chromium-driver; npm ci --prefix tests/browser)",
        missing.join(", ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    false
}

/// chromedriver in its own process group, so that the Chromium it starts dies with it.
struct Driver {
    child: Child,
    port: u16,
    _profile: tempdir::Dir,
}

mod tempdir {
    /// A folder removed when dropped (Chromium leaves profile folders behind).
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new(tag: &str) -> Dir {
            let p = std::env::temp_dir()
                .join(format!("mikronet-{tag}-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Driver {
    async fn start() -> Driver {
        use std::os::unix::process::CommandExt;
        let profile = tempdir::Dir::new("chromedriver");
        for attempt in 1..=5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = Command::new(chromedriver())
                .arg(format!("--port={port}"))
                .env("TMPDIR", &profile.0)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .expect("chromedriver starts");
            let mut d = Driver {
                child,
                port,
                _profile: tempdir::Dir(profile.0.clone()),
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    std::mem::forget(profile);
                    return d;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            eprintln!("chromedriver did not listen on {port} (attempt {attempt}); retrying");
            d.kill();
        }
        panic!("chromedriver would not start");
    }

    fn kill(&mut self) {
        // The whole group: chromedriver and every Chromium process it started.
        let _ = Command::new("kill")
            .args(["-9", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One Chrome DevTools command through chromedriver (`goog/cdp/execute`): the viewport is set
/// this way, since `--window-size` leaves a smaller viewport than asked.
#[derive(Debug)]
struct Cdp(&'static str, Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(json!({"cmd": self.0, "params": self.1}).to_string()),
        )
    }
}

struct Browser {
    c: Client,
    base: String,
    profile: tempdir::Dir,
}

impl Browser {
    async fn open(driver: &Driver, base: String) -> Browser {
        let profile = tempdir::Dir::new("chromium");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium().display().to_string(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.0.display()),
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                ],
            }
        });
        let caps = caps.as_object().unwrap().clone().into_iter().collect();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let c = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("a WebDriver session");
        let b = Browser { c, base, profile };
        b.viewport(1366, 900).await;
        b
    }

    async fn viewport(&self, width: u32, height: u32) {
        self.c
            .issue_cmd(Cdp(
                "Emulation.setDeviceMetricsOverride",
                json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
            ))
            .await
            .unwrap();
    }

    async fn goto(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.settled().await;
    }

    async fn path(&self) -> String {
        let u = self.c.current_url().await.unwrap();
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        }
    }

    /// Waits until no htmx request or swap is under way (content lands ~20 ms before the
    /// settle), and the document has loaded.
    async fn settled(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let busy = self
                .c
                .execute(
                    "return document.readyState !== 'complete' || document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added') !== null",
                    vec![],
                )
                .await
                .unwrap();
            if busy == json!(false) {
                return;
            }
            assert!(Instant::now() < deadline, "the page did not settle");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match tokio::time::timeout(
            Duration::from_secs(10),
            self.c.wait().for_element(Locator::Css(css)),
        )
        .await
        {
            Ok(Ok(e)) => e,
            _ => panic!(
                "no {css} on {}:\n{}",
                self.path().await,
                self.text("body").await
            ),
        }
    }

    async fn exists(&self, css: &str) -> bool {
        !self.c.find_all(Locator::Css(css)).await.unwrap().is_empty()
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        if e.attr("type").await.unwrap().as_deref() == Some("date") {
            // Typed keys go through the date picker's locale order; the value is ISO.
            self.c
                .execute(
                    "document.querySelector(arguments[0]).value = arguments[1];",
                    vec![json!(css), json!(text)],
                )
                .await
                .unwrap();
            return;
        }
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    async fn select(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
        self.settled().await;
    }

    /// The text of `css` (empty when absent), read in the page in one step, so an element
    /// htmx replaces meanwhile is never half-read.
    async fn text(&self, css: &str) -> String {
        let v = self
            .c
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
                vec![json!(css)],
            )
            .await
            .unwrap();
        v.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until `css`'s text contains `want`.
    async fn wait_text(&self, css: &str, want: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let t = self.text(css).await;
            if t.contains(want) {
                return t;
            }
            if Instant::now() > deadline {
                panic!(
                    "{css} never said {want:?}; it says {t:?}; on {}:\n{}",
                    self.path().await,
                    self.text("main").await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await;
        let v = self
            .c
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                vec![json!(css), json!(name)],
            )
            .await
            .unwrap();
        v.as_str().map(str::to_owned)
    }

    async fn sign_in(&self, username: &str) {
        self.goto("/console/login").await;
        self.fill("#f-username", username).await;
        self.fill("#f-password", &password_of(username)).await;
        self.click("form button[type=submit]").await;
        self.find("header.top").await;
    }

    async fn sign_out(&self) {
        self.click("form[action='/console/logout'] button").await;
        self.find("#f-username").await;
        assert_eq!(self.path().await, "/console/login");
    }

    /// Screenshots at 1366 and 390 px wide, and the page checked with axe-core: no serious or
    /// critical violation.
    async fn record(&self, name: &str) {
        std::fs::create_dir_all(screenshots()).unwrap();
        for (w, h) in [(1366, 900), (390, 844)] {
            self.viewport(w, h).await;
            self.settled().await;
            let png = self.c.screenshot().await.unwrap();
            std::fs::write(screenshots().join(format!("{name}-{w}.png")), png).unwrap();
        }
        self.viewport(1366, 900).await;
        let axe = std::fs::read_to_string(axe_js()).unwrap();
        self.c.execute(&axe, vec![]).await.unwrap();
        let found = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(
                   r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            found,
            json!([]),
            "axe-core on {name} ({})",
            self.path().await
        );
    }

    /// A request made by script in the page (same origin, the session's cookie, no CSRF token
    /// unless given): its status.
    async fn fetch_status(&self, path: &str, body: &str) -> i64 {
        self.c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1], redirect: 'manual'})
                   .then(r => done(r.status)).catch(e => done(String(e)));",
                vec![json!(path), json!(body)],
            )
            .await
            .unwrap()
            .as_i64()
            .unwrap_or(-1)
    }

    async fn close(self) {
        let _ = self.c.close().await;
        drop(self.profile);
    }
}

/// The server on a real port (the listener the binary uses), with its router worker.
async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let limits = mikronet::http::server::Limits::from_config(&app.app.config);
    tokio::spawn(mikronet::http::server::serve(
        listener,
        mikronet::http::router(app.app.clone()),
        limits,
        std::future::pending(),
    ));
    tokio::spawn(mikronet::provisioning::worker::run(app.app.clone()));
    format!("http://{addr}")
}

async fn simulator(app: &TestApp, admin: &str) -> SimHandle {
    let sim = Simulator::start(SimConfig {
        password: ROUTER_PASSWORD.into(),
        identity: "core-1".into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let body = format!(
        r#"{{"name":"core-1","host":"127.0.0.1","port":{},"transport":"api","username":"admin","password":"{ROUTER_PASSWORD}"}}"#,
        sim.api_addr.port()
    );
    app.post("/routers", Some(admin), &body).await.expect(201);
    sim
}

/// Waits until the simulator's secret `name` has `disabled` = `want`.
async fn secret_disabled(sim: &SimHandle, name: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = sim
            .state()
            .secret(name)
            .and_then(|s| s.get("disabled").cloned());
        if now.as_deref() == Some(want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "secret {name} disabled={now:?}, wanted {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn payments_of(app: &TestApp, token: &str, invoice: i64) -> Vec<Value> {
    let r = app
        .get(&format!("/invoices/{invoice}/payments"), token)
        .await
        .expect(200);
    r.json["data"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_end_to_end_in_chromium() {
    if !tools_present() {
        return;
    }
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let admin = app.admin().await;
    app.user(Some(&admin), "kasir", "cashier").await;
    let sim = simulator(&app, &admin).await;
    let base = serve(&app).await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, base).await;
    let today = app.app.today();
    let day = |n: i64| {
        (today + chrono::Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };

    // Sign in and the language: the provider's default is English here; Indonesian on demand.
    b.sign_in("admin").await;
    if b.exists("button[name=lang][value=en]").await {
        b.click("button[name=lang][value=en]").await;
    }
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("en"));

    // A plan, a client and a subscription, through the forms.
    b.goto("/console/plans/new").await;
    b.fill("#f-plan_name", "Home 10M").await;
    b.fill("#f-price", "150000").await;
    b.fill("#f-ppp_profile_name", "home10").await;
    b.click("#save-plan").await;
    b.goto("/console/plans").await;
    b.wait_text("main", "Home 10M").await;
    let plan = app.get("/plans", &admin).await.expect(200).json["data"][0]["plan_id"]
        .as_i64()
        .unwrap();

    b.goto("/console/clients/new").await;
    b.fill("#f-name", "Budi Santoso").await;
    b.fill("#f-phone_number", "081234567890").await;
    b.fill("#f-address", "Jl. Merdeka No. 1, Bandung").await;
    b.fill("#f-ppp_secret_name", "budi").await;
    b.fill("#f-password", "rahasia-123").await;
    b.click("#save-client").await;
    b.wait_text("#client-name", "Budi Santoso").await;
    let client_path = b.path().await;
    assert!(
        client_path.starts_with("/console/clients/"),
        "{client_path}"
    );

    b.click("#new-subscription").await;
    b.select("#f-plan_id", &plan.to_string()).await;
    b.fill("#f-start_date", &day(-27)).await;
    b.fill("#f-end_date", &day(2)).await;
    b.click("#save-subscription").await;
    b.wait_text("#subscriptions", "Home 10M").await;
    secret_disabled(&sim, "budi", "false").await;

    // Billing run: the subscription ends in 2 days, inside the invoice window.
    b.goto("/console/invoices").await;
    b.click("#run-billing").await;
    b.wait_text("#billing-result", "1").await;
    let invoices = app.get("/invoices", &admin).await.expect(200).json["data"].clone();
    assert_eq!(invoices.as_array().unwrap().len(), 1, "{invoices}");
    let invoice = invoices[0]["invoice_id"].as_i64().unwrap();
    b.goto("/console/invoices").await;
    b.wait_text("#invoice-rows", "Rp 150.000").await;

    // The cashier flow, by a cashier: partial, then the rest; a double submit pays once.
    b.sign_out().await;
    b.sign_in("kasir").await;
    assert!(
        !b.exists("nav a[href='/console/users']").await,
        "no users menu for a cashier"
    );
    assert!(
        !b.exists("nav a[href='/console/routers']").await,
        "no routers menu for a cashier"
    );
    for refused in ["/console/users", "/console/routers", "/console/settings"] {
        b.goto(refused).await;
        b.wait_text("main", "Your role may not").await;
    }
    b.goto("/console/cashier").await;
    b.record("cashier").await;
    b.fill("#cashier-search", "Budi").await;
    b.click("a.cashier-client").await;
    b.click("a.pay-invoice").await;
    b.record("cashier-pay").await;
    b.fill("#f-amount", "50000").await;
    // The form as it will be sent, kept to send again later (a resubmission).
    let sent = b
        .c
        .execute(
            "const f = document.querySelector('#payment-form');
             return [f.getAttribute('action') || location.pathname, new URLSearchParams(new FormData(f)).toString()];",
            vec![],
        )
        .await
        .unwrap();
    b.click("#record-payment").await;
    b.wait_text("#invoice-status", "Partially paid").await;
    let receipt = b.path().await;
    b.record("receipt").await;
    assert_eq!(payments_of(&app, &admin, invoice).await.len(), 1);
    let again = b
        .fetch_status(sent[0].as_str().unwrap(), sent[1].as_str().unwrap())
        .await;
    assert!(
        again == 0 || again == 303,
        "the resubmission answers with the first receipt: {again}"
    );
    assert_eq!(
        payments_of(&app, &admin, invoice).await.len(),
        1,
        "sent again, paid once"
    );
    assert!(receipt.starts_with("/console/payments/"), "{receipt}");

    b.goto(&format!("/console/cashier/invoices/{invoice}"))
        .await;
    assert_eq!(
        b.find("#f-amount")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("100.000")
    );
    // Two clicks in one go: the button is pressed twice before the first answer arrives.
    b.c.execute(
        "const s = document.querySelector('#record-payment'); s.click(); s.click();",
        vec![],
    )
    .await
    .unwrap();
    b.settled().await;
    b.wait_text("#invoice-status", "Paid").await;
    let paid = payments_of(&app, &admin, invoice).await;
    assert_eq!(paid.len(), 2, "one partial and one full payment: {paid:?}");
    let r = app
        .get(&format!("/invoices/{invoice}"), &admin)
        .await
        .expect(200);
    assert_eq!(r.json["data"]["invoice_status"], "paid", "{}", r.text);
    // The cashier's day: the two payments, and what to hand in.
    b.goto("/console/cashier").await;
    b.click("#my-day").await;
    b.wait_text("#day-total", "Rp 150.000").await;
    b.record("cashier-day").await;

    // A POST without the CSRF token is refused, even from our own page with our cookie.
    assert_eq!(b.fetch_status("/console/logout", "").await, 403);
    assert!(b.exists("header.top").await);

    // Disconnect and reconnect, by an admin; the simulator's secret follows.
    b.sign_out().await;
    b.sign_in("admin").await;
    b.goto(&client_path).await;
    b.fill("#connection-form [name=reason]", "test of the cut-off")
        .await;
    b.click("#disconnect").await;
    secret_disabled(&sim, "budi", "true").await;
    b.goto(&client_path).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while b.attr("#secret-state", "data-state").await.as_deref() != Some("disabled") {
        assert!(
            Instant::now() < deadline,
            "the page never showed the secret disabled"
        );
        b.click("#router-state button").await;
    }
    b.record("client").await;
    b.fill("#connection-form [name=reason]", "paid").await;
    b.click("#connect").await;
    secret_disabled(&sim, "budi", "false").await;

    // An overdue client for the chasing list: invoiced 10 days ago, due 3 days ago.
    let late = app.create_client(&admin, "Siti Aminah", "siti").await;
    app.subscribe(&admin, late, plan, &day(-40), &day(-10))
        .await;
    app.generate(&admin, &day(-10)).await;
    b.goto("/console/chasing").await;
    b.wait_text("#overdue-rows", "Siti Aminah").await;
    let wa = b
        .attr("tr.overdue-row a[href^='https://wa.me/']", "href")
        .await
        .unwrap();
    assert!(wa.starts_with("https://wa.me/62"), "{wa}");
    b.record("chasing").await;
    b.goto("/console/").await;
    b.record("dashboard").await;

    // Indonesian: the menu, the page and the money.
    b.click("button[name=lang][value=id]").await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("id"));
    b.wait_text("nav", "Pelanggan").await;
    b.goto("/console/invoices").await;
    b.wait_text("#invoice-rows", "Rp 150.000").await;
    b.wait_text("main", "Tagihan").await;
    b.record("invoices-id").await;

    b.close().await;
    drop(driver);
}

/// The customer portal on a phone (390 px): a suspended client signs in with their PPP
/// secret, sees what they owe, opens the invoice, starts paying through the Midtrans
/// stand-in, and once the gateway confirms sees the invoice paid and the receipt; another
/// client's invoice is not found. Screenshots `portal-*` at both widths, axe-core on each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_on_a_phone_in_chromium() {
    use common::gateways::{Gateways, SERVER_KEY, app_with, notification};
    if !tools_present() {
        return;
    }
    let gateways = Gateways::default();
    let Some(app) = app_with(Backend::Sqlite, &gateways).await else {
        return;
    };
    let admin = app.admin().await;
    let sim = simulator(&app, &admin).await;
    let plan = app.create_plan(&admin, "Home-10M", "150000").await;
    let day = |n: i64| common::day(n).to_string();
    let mut invoices = Vec::new();
    for (name, ppp) in [("Budi Santoso", "budi"), ("Siti Aminah", "siti")] {
        let client = app.create_client(&admin, name, ppp).await;
        let sub = app
            .subscribe(&admin, client, plan, &day(-40), &day(-20))
            .await;
        app.generate(&admin, &day(-24)).await;
        invoices.push(
            app.invoices_of(&admin, sub).await[0]["invoice_id"]
                .as_i64()
                .unwrap(),
        );
    }
    app.billing_run(&admin, common::day(0)).await;
    let base = serve(&app).await;
    secret_disabled(&sim, "budi", "true").await;
    let driver = Driver::start().await;
    let b = Browser::open(&driver, base).await;
    b.viewport(390, 844).await;

    b.goto("/portal/").await;
    assert!(
        b.path().await.starts_with("/portal/login"),
        "{}",
        b.path().await
    );
    b.goto("/portal/login?lang=en").await;
    b.record("portal-login").await;
    b.fill("#f-username", "budi").await;
    b.fill("#f-password", "wrong-password").await;
    b.click("form button[type=submit]").await;
    b.wait_text("#login-error", "wrong").await;
    b.fill("#f-password", "securepassword").await;
    b.click("form button[type=submit]").await;
    b.wait_text("#portal-standing", "Suspended").await;
    b.wait_text("#portal-owed-total", "Rp 150.000").await;
    assert!(!b.text("main").await.contains("Siti"));
    b.record("portal-home").await;

    b.click("a.pay-invoice").await;
    assert_eq!(b.path().await, format!("/portal/invoices/{}", invoices[0]));
    b.record("portal-invoice").await;
    b.click("#pay-midtrans").await;
    let href = b.attr("#continue-payment", "href").await.unwrap();
    assert!(href.contains("snap/v4/redirection/tok-MN-"), "{href}");
    let order = href.rsplit("tok-").next().unwrap().to_owned();

    // The gateway confirms; the client comes back to the invoice.
    gateways.set_midtrans(&order, "settlement", "150000.00");
    app.post(
        "/payments/notify/midtrans",
        None,
        &notification(&order, "settlement", "150000.00", SERVER_KEY),
    )
    .await
    .expect(200);
    secret_disabled(&sim, "budi", "false").await;
    b.goto(&format!("/portal/invoices/{}", invoices[0])).await;
    b.wait_text("#invoice-status", "Paid").await;
    b.click("a.receipt-link").await;
    b.wait_text("#receipt-amount", "Rp 150.000").await;
    b.record("portal-receipt").await;

    b.goto(&format!("/portal/invoices/{}", invoices[1])).await;
    b.find("#portal-error").await;
    b.goto("/portal/").await;
    b.click("button[name=lang][value=id]").await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("id"));
    b.wait_text("#portal-nothing-owed", "Tidak ada tagihan")
        .await;
    b.record("portal-home-id").await;
    b.click("form[action='/portal/logout'] button").await;
    b.find("#f-username").await;
    b.close().await;
    drop(driver);
}

/// The notice page on a phone (390 px): a client cut off on a router in `isolate` mode, dialled
/// in on the isolation profile from this machine's address, opens any page and meets the notice
/// page with their name and what they owe, and starts paying through the Midtrans stand-in.
/// Screenshots `notice-*` at both widths, axe-core on each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notice_page_on_a_phone_in_chromium() {
    use common::gateways::{Gateways, app_with};
    if !tools_present() {
        return;
    }
    let gateways = Gateways::default();
    let Some(app) = app_with(Backend::Sqlite, &gateways).await else {
        return;
    };
    let admin = app.admin().await;
    let sim = simulator(&app, &admin).await;
    let router = app.get("/routers", &admin).await.expect(200).json["data"][0]["router_id"]
        .as_i64()
        .unwrap();
    app.put(
        &format!("/routers/{router}"),
        &admin,
        r#"{"suspend_mode":"isolate","isolation_profile":"isolir"}"#,
    )
    .await
    .expect(200);
    let plan = app.create_plan(&admin, "Home-10M", "150000").await;
    let day = |n: i64| common::day(n).to_string();
    let client = app.create_client(&admin, "Budi Santoso", "budi").await;
    let sub = app
        .subscribe(&admin, client, plan, &day(-40), &day(-20))
        .await;
    app.generate(&admin, &day(-24)).await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.billing_run(&admin, common::day(0)).await;
    let base = serve(&app).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while sim.state().secret("budi").map(|s| s["profile"].clone()) != Some("isolir".into()) {
        assert!(Instant::now() < deadline, "budi was not isolated");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // He dials in again on the isolation profile; the browser runs on this machine.
    sim.state()
        .connect_session("budi", "127.0.0.1", "AA:BB:CC:00:00:01");
    let driver = Driver::start().await;
    let b = Browser::open(&driver, base).await;
    b.viewport(390, 844).await;
    b.goto("/notice").await;
    b.wait_text("#notice-who", "Budi Santoso").await;
    b.wait_text("#notice-owed", "150.000").await;
    b.record("notice").await;
    b.click(&format!("#notice-pay-{invoice}-midtrans")).await;
    let href = b.attr("#continue-payment", "href").await.unwrap();
    assert!(href.contains("snap/v4/redirection/tok-MN-"), "{href}");
    b.record("notice-pay").await;
    b.close().await;
    drop(driver);
}
