//! Several `mikronet serve` processes on one database and one router, each with its daily
//! scheduler and router worker on: the daily billing run happens once (one claim per date in
//! `scheduled_runs`), concurrent generation and payments sent with the same `Idempotency-Key`
//! to different processes create nothing twice, a logout on one process is refused by the
//! others within `token_cache_seconds`, and concurrent connection switches for the same
//! clients sent to different processes leave the router with each client's latest state and
//! no duplicate secret. Runs on PostgreSQL and MariaDB (SQLite is one process by design); the
//! claim itself is tested on all three backends, with several apps in one process.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use common::{KEY, TestApp};
use mikronet::app::App;
use mikronet::domain::ids::ClientId;
use mikronet::security::secret_box::SecretBox;
use mikronet::service::billing::{self, DAILY_LEASE, DailyClaim, Scheduled};
use mikronet::storage::repo::{billing as runs, settings};
use mikronet::storage::{Backend, Db};
use routeros::sim::{SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ROUTER_PASSWORD: &str = "Router-Pa55-word";

/// An answer read off the wire: status, the header block as sent, and the body.
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    /// A header's value (the name in lower case), empty when absent.
    fn header(&self, name: &str) -> String {
        self.head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }
}

/// One HTTP/1.1 request on a fresh connection, with extra headers.
async fn request(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return Reply {
            status: 0,
            head: String::new(),
            body: String::new(),
        };
    };
    let extra: String = headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// One HTTP/1.1 request on a fresh connection; the status and the body.
async fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let r = request(port, method, path, token, &[], body).await;
    (r.status, r.body)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The rows of a query, each read as `T`, on the test's own connection to the database.
async fn rows<T: mikronet::storage::Field + Send + 'static>(db: &Db, sql: &'static str) -> Vec<T> {
    db.read(move |ex| Box::pin(async move { ex.all::<T>(sql, &[]).await }))
        .await
        .unwrap()
}

fn today_plus(app: &TestApp, days: i64) -> String {
    (app.app.today() + chrono::Duration::days(days)).to_string()
}

async fn three_servers_on_one_database(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let sim = Simulator::start(SimConfig {
        password: ROUTER_PASSWORD.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "cash1", "cashier").await;
    let body = format!(
        r#"{{"name":"core-1","host":"127.0.0.1","port":{},"transport":"api","username":"admin","password":"{ROUTER_PASSWORD}"}}"#,
        sim.api_addr.port()
    );
    app.post("/routers", Some(&admin), &body).await.expect(201);
    let plan = app.create_plan(&admin, "Home", "100000").await;
    // Every subscription ends in two days: due for invoicing today (window 4 days), nothing
    // overdue, so billing changes nothing on the router.
    let (start, end) = (today_plus(&app, -28), today_plus(&app, 2));
    let mut clients = Vec::new();
    for i in 0..30 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, &start, &end).await;
        clients.push(c);
    }
    let token_cache_seconds = 2;
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let servers = Servers(
        ports
            .iter()
            .map(|port| {
                Command::new(env!("CARGO_BIN_EXE_mikronet"))
                    .arg("serve")
                    .env("MIKRONET_DATABASE_URL", &app.app.config.database_url)
                    .env("MIKRONET_SECRET_KEY", KEY)
                    .env("MIKRONET_LISTEN", format!("127.0.0.1:{port}"))
                    .env("MIKRONET_LOG", "warn")
                    .env("MIKRONET_SWITCH_WAIT_MS", "0")
                    // Every process wants today's run at start.
                    .env("MIKRONET_BILLING_SCHEDULER", "true")
                    .env("MIKRONET_BILLING_TIME", "00:00")
                    .env("MIKRONET_PROVISIONING_WORKER", "true")
                    .env(
                        "MIKRONET_TOKEN_CACHE_SECONDS",
                        token_cache_seconds.to_string(),
                    )
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("start mikronet serve")
            })
            .collect(),
    );
    let start = Instant::now();
    for &port in &ports {
        while http(port, "GET", "/health", "", "").await.0 != 200 {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // The cashier's token is checked (and cached) by every process before the logout below.
    for &port in &ports {
        assert_eq!(http(port, "GET", "/auth/me", &cashier, "").await.0, 200);
    }

    // Generation sent to every process three times at once, beside the schedulers' own runs;
    // every client switched eight times, each switch to another process, all at once.
    let mut generations = Vec::new();
    for n in 0..9usize {
        let port = ports[n % 3];
        let token = admin.clone();
        generations.push(tokio::spawn(async move {
            let (status, body) = http(port, "POST", "/invoices/generate", &token, "").await;
            assert_eq!(status, 200, "{body}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            v["data"]["created"].as_i64().unwrap()
        }));
    }
    let mut tasks = Vec::new();
    for (i, &c) in clients.iter().enumerate() {
        for n in 0..8usize {
            let port = ports[(i + n) % 3];
            let token = admin.clone();
            let action = if (i + n) % 2 == 0 {
                "disable"
            } else {
                "enable"
            };
            tasks.push(tokio::spawn(async move {
                let (status, body) = http(
                    port,
                    "POST",
                    &format!("/client/{c}/connection/{action}"),
                    &token,
                    "",
                )
                .await;
                assert!(status == 200 || status == 202, "{status} {body}");
            }));
        }
    }
    let mut created_by_hand = 0;
    for g in generations {
        created_by_hand += g.await.unwrap();
    }
    for t in tasks {
        t.await.unwrap();
    }

    // Today's run: claimed once, done once, recorded once per kind.
    let today = app.app.today();
    let start = Instant::now();
    loop {
        let claim = billing::daily_claim(&app.app, today).await.unwrap();
        if claim.is_some_and(|c| c.done_at.is_some()) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no process finished today's daily run"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let claims: Vec<(String, NaiveDate)> = rows(
        app.db(),
        "SELECT job, run_date FROM scheduled_runs ORDER BY run_date",
    )
    .await;
    assert_eq!(claims, [("daily_billing".to_owned(), today)]);
    let scheduled: Vec<(String, NaiveDate, i64)> = rows(
        app.db(),
        "SELECT kind, run_date, created FROM billing_runs \
         WHERE actor = 'system:scheduler' ORDER BY id",
    )
    .await;
    assert_eq!(
        scheduled.len(),
        2,
        "one scheduler run per kind: {scheduled:?}"
    );
    assert_eq!(
        (scheduled[0].0.as_str(), scheduled[0].1),
        ("generation", today)
    );
    assert_eq!(
        (scheduled[1].0.as_str(), scheduled[1].1),
        ("cut_off", today)
    );
    // Every subscription invoiced once, by whichever run came first.
    assert_eq!(scheduled[0].2 + created_by_hand, 30);
    let (invoices, distinct): (i64, i64) = rows(
        app.db(),
        "SELECT COUNT(*), COUNT(DISTINCT subscription_id) FROM invoices",
    )
    .await[0];
    assert_eq!(
        (invoices, distinct),
        (30, 30),
        "one invoice per subscription"
    );
    let by_hand: Vec<i64> = rows(
        app.db(),
        "SELECT COUNT(*) FROM billing_runs WHERE actor = 'admin' AND kind = 'generation'",
    )
    .await;
    assert_eq!(by_hand, [9]);

    // Each invoice paid with one key sent to the three processes at once: one payment, and
    // the same answer from every process.
    let invoice_ids: Vec<i64> = rows(app.db(), "SELECT id FROM invoices ORDER BY id").await;
    let mut payments = Vec::new();
    for &invoice in &invoice_ids {
        for &port in &ports {
            let token = admin.clone();
            payments.push(tokio::spawn(async move {
                let key = format!("pay-{invoice}");
                let r = request(
                    port,
                    "POST",
                    &format!("/invoices/{invoice}/payments"),
                    &token,
                    &[("idempotency-key", &key)],
                    r#"{"amount":100000,"payment_method":"cash"}"#,
                )
                .await;
                (invoice, r)
            }));
        }
    }
    let mut answers: std::collections::HashMap<i64, Vec<Reply>> = Default::default();
    for p in payments {
        let (invoice, r) = p.await.unwrap();
        answers.entry(invoice).or_default().push(r);
    }
    for (invoice, replies) in &answers {
        assert_eq!(replies.len(), 3);
        for r in replies {
            assert_eq!(r.status, 201, "invoice {invoice}: {}", r.body);
            assert_eq!(
                r.body, replies[0].body,
                "invoice {invoice}: the same answer"
            );
        }
        let fresh = replies
            .iter()
            .filter(|r| r.header("idempotent-replayed") != "true")
            .count();
        assert_eq!(fresh, 1, "invoice {invoice}: one answer made, two replayed");
    }
    let paid: Vec<(i64, i64, i64)> = rows(
        app.db(),
        "SELECT COUNT(*), COUNT(DISTINCT invoice_id), \
         CAST(COALESCE(SUM(amount_minor), 0) AS {bigint}) FROM payments",
    )
    .await;
    assert_eq!(paid, [(30, 30, 30 * 10_000_000)], "one payment per invoice");
    let open: Vec<i64> = rows(
        app.db(),
        "SELECT COUNT(*) FROM invoices WHERE status <> 'paid'",
    )
    .await;
    assert_eq!(open, [0]);

    // A logout on process 1: refused there at once, by the others within the cache time.
    let (status, body) = http(ports[0], "POST", "/auth/logout", &cashier, "").await;
    assert_eq!(status, 200, "{body}");
    let logged_out = Instant::now();
    assert_eq!(http(ports[0], "GET", "/auth/me", &cashier, "").await.0, 401);
    for &port in &ports[1..] {
        loop {
            let (status, _) = http(port, "GET", "/auth/me", &cashier, "").await;
            if status == 401 {
                break;
            }
            assert_eq!(status, 200);
            assert!(
                logged_out.elapsed()
                    < Duration::from_secs(token_cache_seconds) + Duration::from_millis(500),
                "port {port} still accepts a token logged out {:?} ago",
                logged_out.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    // The router ends with every client's latest state and no duplicate secret.
    let held: Vec<(ClientId, bool)> =
        rows(app.db(), "SELECT id, held FROM clients ORDER BY id").await;
    let start = Instant::now();
    loop {
        let secrets = sim.state().secrets();
        let in_step = secrets.len() == clients.len()
            && held.iter().all(|(id, held)| {
                let name = format!("c{}", id.0 - clients[0]);
                secrets
                    .iter()
                    .any(|s| s["name"] == name && (s["disabled"] == "true") == *held)
            });
        if in_step {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the router did not reach every client's latest state: {} secrets",
            secrets.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let comments: std::collections::HashSet<_> = sim
        .state()
        .secrets()
        .iter()
        .map(|s| s["comment"].clone())
        .collect();
    assert_eq!(comments.len(), clients.len(), "no duplicate secrets");
    drop(servers);
}

/// Another app on the test's database, as another server process would be: its own pool,
/// its own worker id, the same configuration and key.
async fn another_app(app: &TestApp) -> Arc<App> {
    let db = Db::connect(&app.app.config.database_url, 2).await.unwrap();
    let secrets = SecretBox::from_base64(KEY).unwrap();
    Arc::new(App::new(app.app.config.clone(), db, secrets))
}

/// The claim on a date's daily run: one winner among concurrent claims, the others see who
/// holds it; the holder's lease running out unfinished lets exactly one other take it over,
/// after which the old holder can neither renew nor finish it; a done date is done for all;
/// a released claim can be claimed afresh.
async fn the_daily_run_is_claimed_once(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let t0 = Utc::now();
    let lease = chrono::Duration::from_std(DAILY_LEASE).unwrap();
    let claim_all = |names: Vec<String>, at| {
        let a = app.app.clone();
        async move {
            let tasks: Vec<_> = names
                .into_iter()
                .map(|n| {
                    let a = a.clone();
                    tokio::spawn(async move {
                        let c = billing::claim_daily(&a, day, &n, at).await.unwrap();
                        (n, c)
                    })
                })
                .collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        }
    };
    let first = claim_all((0..8).map(|i| format!("p{i}")).collect(), t0).await;
    let winners: Vec<_> = first.iter().filter(|(_, c)| c.won()).collect();
    assert_eq!(winners.len(), 1, "{first:?}");
    let (holder, claim) = winners[0].clone();
    assert_eq!(claim, DailyClaim::Claimed);
    let row = billing::daily_claim(&app.app, day).await.unwrap().unwrap();
    assert_eq!(row.holder, holder);
    assert_eq!(row.done_at, None);
    for (n, c) in &first {
        if *n != holder {
            assert_eq!(
                *c,
                DailyClaim::Held {
                    by: holder.clone(),
                    until: row.lease_until
                },
                "{n}"
            );
        }
    }
    // Within the lease nobody takes it; its holder asking again still has it.
    let c = billing::claim_daily(
        &app.app,
        day,
        "late",
        t0 + lease - chrono::Duration::seconds(1),
    )
    .await
    .unwrap();
    assert!(
        matches!(c, DailyClaim::Held { ref by, .. } if *by == holder),
        "{c:?}"
    );
    assert_eq!(
        billing::claim_daily(&app.app, day, &holder, t0)
            .await
            .unwrap(),
        DailyClaim::Claimed
    );

    // The holder died: once its lease ran out, one of several takes the date over.
    let t1 = t0 + lease + chrono::Duration::seconds(1);
    let second = claim_all((0..4).map(|i| format!("q{i}")).collect(), t1).await;
    let takers: Vec<_> = second.iter().filter(|(_, c)| c.won()).collect();
    assert_eq!(takers.len(), 1, "{second:?}");
    let (taker, claim) = takers[0].clone();
    assert_eq!(
        claim,
        DailyClaim::TookOver {
            from: holder.clone()
        }
    );
    assert!(
        second
            .iter()
            .filter(|(n, _)| *n != taker)
            .all(|(_, c)| matches!(c, DailyClaim::Held { by, .. } if *by == taker)),
        "{second:?}"
    );
    // The old holder has lost it: no renewal, no finish.
    let (d, h) = (day, holder.clone());
    let (renewed, finished) = app
        .db()
        .write(move |ex| {
            Box::pin(async move {
                let r = runs::renew_scheduled(ex, "daily_billing", d, &h, t1).await?;
                let f = runs::finish_scheduled(ex, "daily_billing", d, &h, t1).await?;
                Ok::<_, mikronet::storage::StoreError>((r, f))
            })
        })
        .await
        .unwrap();
    assert_eq!((renewed, finished), (false, false));
    // The new holder finishes: done for everyone, whatever the time.
    let t = taker.clone();
    let finished = app
        .db()
        .write(move |ex| {
            Box::pin(async move { runs::finish_scheduled(ex, "daily_billing", d, &t, t1).await })
        })
        .await
        .unwrap();
    assert!(finished);
    let later = t1 + lease * 10;
    assert_eq!(
        billing::claim_daily(&app.app, day, "p0", later)
            .await
            .unwrap(),
        DailyClaim::Done
    );
    let row = billing::daily_claim(&app.app, day).await.unwrap().unwrap();
    assert_eq!(row.holder, taker);
    let done = row.done_at.expect("done");
    assert!((done - t1).num_milliseconds().abs() <= 1, "{done} {t1}");

    // A claim given back (its run failed) is claimed afresh by whoever comes next.
    let other = day.succ_opt().unwrap();
    assert_eq!(
        billing::claim_daily(&app.app, other, "r1", t0)
            .await
            .unwrap(),
        DailyClaim::Claimed
    );
    let released = app
        .db()
        .write(move |ex| {
            Box::pin(async move { runs::release_scheduled(ex, "daily_billing", other, "r1").await })
        })
        .await
        .unwrap();
    assert!(released);
    assert_eq!(
        billing::claim_daily(&app.app, other, "r2", t0)
            .await
            .unwrap(),
        DailyClaim::Claimed
    );
}

/// The daily run of several apps on one database (as several processes would be), each with
/// subscriptions due: one of them runs it, the others skip it; the day's invoices are made
/// once and the run is recorded once per kind.
async fn several_schedulers_run_the_day_once(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c| c.billing_time = "00:00".into()).await else {
        return;
    };
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let (start, end) = (today_plus(&app, -28), today_plus(&app, 1));
    for i in 0..5 {
        let c = app
            .create_client(&admin, &format!("Client {i}"), &format!("c{i}"))
            .await;
        app.subscribe(&admin, c, plan, &start, &end).await;
    }
    let today = app.app.today();
    let mut apps = vec![app.app.clone()];
    for _ in 0..2 {
        apps.push(another_app(&app).await);
    }
    let recorded = || async {
        rows::<(String, NaiveDate, i64)>(
            app.db(),
            "SELECT kind, run_date, created FROM billing_runs \
             WHERE actor = 'system:scheduler' ORDER BY id",
        )
        .await
    };
    // The schedulers, all started at once with today's run not done: one runs it.
    let schedulers: Vec<_> = apps
        .iter()
        .map(|a| tokio::spawn(billing::scheduler(a.clone())))
        .collect();
    let start = Instant::now();
    while billing::daily_claim(&app.app, today)
        .await
        .unwrap()
        .is_none_or(|c| c.done_at.is_none())
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no scheduler ran today"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for s in schedulers {
        s.abort();
    }
    assert_eq!(
        recorded().await,
        [
            ("generation".to_owned(), today, 5),
            ("cut_off".to_owned(), today, 0)
        ]
    );
    let invoices: Vec<i64> = rows(app.db(), "SELECT COUNT(*) FROM invoices").await;
    assert_eq!(invoices, [5]);
    let last: Option<String> = app
        .db()
        .read(|ex| Box::pin(async move { settings::get(ex, settings::BILLING_LAST_RUN).await }))
        .await
        .unwrap();
    assert_eq!(last, Some(today.to_string()));
    // A day already done is skipped by whoever asks.
    assert_eq!(
        billing::daily_once(&apps[1], &apps[1].worker_id, today)
            .await
            .unwrap(),
        Scheduled::Skipped(DailyClaim::Done)
    );

    // Another date asked of every app at once: one runs it (nothing left to invoice).
    let tomorrow = today.succ_opt().unwrap();
    let tasks: Vec<_> = apps
        .iter()
        .map(|a| {
            let a = a.clone();
            tokio::spawn(async move {
                billing::daily_once(&a, &a.worker_id, tomorrow)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut ran = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Scheduled::Ran(run) => ran.push((run.generation.created, run.cut.len())),
            Scheduled::Skipped(claim) => assert!(
                matches!(claim, DailyClaim::Held { .. } | DailyClaim::Done),
                "{claim:?}"
            ),
        }
    }
    assert_eq!(ran, [(0, 0)]);
    let for_tomorrow = recorded()
        .await
        .into_iter()
        .filter(|(_, d, _)| *d == tomorrow)
        .count();
    assert_eq!(for_tomorrow, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    three_servers_on_one_database(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql() {
    three_servers_on_one_database(Backend::MySql).await;
}

per_backend!(
    the_daily_run_is_claimed_once,
    several_schedulers_run_the_day_once
);
