//! Moving in from a live router, on every database backend: the simulator holds 500 PPP
//! secrets (some disabled, some with a comment, two of them our clients' names) and 5
//! profiles. A dry run reports the plan and changes nothing anywhere; the import creates and
//! links as planned; after the worker has run, the router differs from the database in
//! nothing and only our comments were written; a second run changes nothing; the endpoint
//! answers the plan and refuses what it must.

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use axum::http::Method;
use common::TestApp;
use mikronet::domain::ids::RouterId;
use mikronet::domain::import::{Action, Entity, Plan};
use mikronet::domain::user::Actor;
use mikronet::domain::validation::Sealed;
use mikronet::service::import::{Quiet, router as import};
use routeros::sim::SimHandle;
use serde_json::Value;

const SECRETS: usize = 500;
/// The profiles besides RouterOS's built-in `default` and `default-encryption`; the first is
/// the existing plan `gold`'s.
const PROFILES: [(&str, Option<&str>); 5] = [
    ("gold-profile", Some("10M/10M")),
    ("home-5m", Some("5M/5M")),
    ("home-10m", Some("10M/10M")),
    ("biz-20m", Some("20M/20M 25M/25M 15M/15M 8/8")),
    ("night", None),
];
/// Secrets that are already our clients' `ppp_secret_name`s (registered before the router).
const KNOWN: [usize; 2] = [7, 123];

fn name(i: usize) -> String {
    format!("user{i:04}")
}

fn password(i: usize) -> String {
    format!("pw-{i:04}-Secret")
}

/// Every sixth secret is on the built-in `default` profile; the rest cycle through the five.
fn profile(i: usize) -> &'static str {
    match i % 6 {
        5 => "default",
        n => PROFILES[n].0,
    }
}

fn disabled(i: usize) -> bool {
    i.is_multiple_of(7)
}

fn comment(i: usize) -> Option<String> {
    i.is_multiple_of(3)
        .then(|| format!("Pelanggan {i} Ñandú O'Brien"))
}

fn load(sim: &SimHandle) {
    for (p, rate) in PROFILES {
        sim.state().add_profile(p, rate).unwrap();
    }
    let secrets = (0..SECRETS).map(|i| routeros::Secret {
        profile: Some(profile(i).into()),
        disabled: disabled(i),
        comment: comment(i),
        service: i.is_multiple_of(2).then(|| "pppoe".to_owned()),
        ..routeros::Secret::new(name(i), password(i))
    });
    sim.state().load_secrets(secrets).unwrap();
}

/// What the router holds: every secret and profile as printed, without `.id`.
fn router_view(sim: &SimHandle) -> Vec<BTreeMap<String, String>> {
    let mut all = sim.state().secrets();
    all.extend(sim.state().profiles());
    for row in &mut all {
        row.remove(".id");
    }
    all
}

/// Rows in every table an import could touch.
async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for table in [
        "clients",
        "plans",
        "subscriptions",
        "subscription_events",
        "client_events",
        "import_map",
        "router_sync",
        "audit_log",
        "invoices",
    ] {
        let n: i64 = app
            .db()
            .read(move |ex| {
                Box::pin(async move { ex.one(&format!("SELECT COUNT(*) FROM {table}"), &[]).await })
            })
            .await
            .unwrap();
        out.push((table, n));
    }
    out
}

fn rows(plan: &Plan, e: Entity, a: Action) -> u64 {
    plan.rows(e, a)
}

fn expected_subscriptions() -> u64 {
    (0..SECRETS).filter(|i| profile(*i) != "default").count() as u64
}

async fn import_a_router(app: TestApp) {
    let admin = app.admin().await;
    let gold = app.create_plan(&admin, "gold", "250000").await;
    let known: Vec<i64> = {
        let mut ids = Vec::new();
        for i in KNOWN {
            ids.push(
                app.create_client(&admin, &format!("Known Client {i}"), &name(i))
                    .await,
            );
        }
        ids
    };
    let sim = common::simulator().await;
    load(&sim);
    let router = app.add_router(&admin, &sim).await;
    let actor = Actor::system("test");
    let on_router = router_view(&sim);
    let before = counts(&app).await;

    // The dry run: the whole plan, nothing changed anywhere.
    let mut prices = import::Prices::new();
    prices.insert(
        "home-10m".into(),
        import::parse_prices("[home-10m]\nprice = \"150000.50\"\n").unwrap()["home-10m"].clone(),
    );
    let options = |dry_run: bool| import::Options {
        dry_run,
        only_link: false,
        prices: prices.clone(),
    };
    let dry = import::run(&app.app, &actor, RouterId(router), options(true), &Quiet)
        .await
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(
        rows(&dry, Entity::Client, Action::Create),
        (SECRETS - 2) as u64
    );
    assert_eq!(rows(&dry, Entity::Client, Action::Link), 2);
    assert_eq!(rows(&dry, Entity::Plan, Action::Create), 4);
    assert_eq!(rows(&dry, Entity::Plan, Action::Link), 1);
    assert_eq!(
        rows(&dry, Entity::Subscription, Action::Create),
        expected_subscriptions()
    );
    let skipped: Vec<&str> = dry.skipped().map(|s| s.source.as_str()).collect();
    assert_eq!(
        skipped,
        ["/ppp/profile default", "/ppp/profile default-encryption"]
    );
    assert!(
        dry.steps
            .iter()
            .all(|s| s.action == Action::Link || s.id.is_none())
    );
    let link = dry
        .steps
        .iter()
        .find(|s| s.source == format!("/ppp/secret {}", name(7)))
        .unwrap();
    assert_eq!((link.action, link.id), (Action::Link, Some(known[0])));
    assert_eq!(counts(&app).await, before, "a dry run writes nothing");
    assert_eq!(router_view(&sim), on_router, "a dry run touches no router");
    // The endpoint's dry run answers the same plan.
    let r = app
        .call(
            Method::POST,
            &format!("/routers/{router}/import?dry_run=true"),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["dry_run"], true);
    assert_eq!(r.json["data"]["source"], "router");
    let created = r.json["data"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "client" && c["action"] == "create")
        .unwrap()["rows"]
        .clone();
    assert_eq!(created, (SECRETS - 2) as u64);
    assert!(!r.text.contains(&password(1)), "no password in the plan");
    assert_eq!(counts(&app).await, before);
    assert_eq!(router_view(&sim), on_router);

    // The import.
    let started = Instant::now();
    let done = import::run(&app.app, &actor, RouterId(router), options(false), &Quiet)
        .await
        .unwrap();
    let took = started.elapsed();
    eprintln!(
        "{}: imported {SECRETS} secrets and {} profiles in {} ms (debug build)",
        app.backend.name(),
        PROFILES.len(),
        took.as_millis()
    );
    assert!(!done.dry_run);
    assert_eq!(
        done.counts, dry.counts,
        "the run did what the dry run planned"
    );
    assert!(
        done.steps
            .iter()
            .all(|s| s.action == Action::Skip || s.id.is_some())
    );
    let after = counts(&app).await;
    let grew = |table: &str| {
        let n = |c: &[(&str, i64)]| c.iter().find(|(t, _)| *t == table).unwrap().1;
        n(&after) - n(&before)
    };
    assert_eq!(grew("clients"), (SECRETS - 2) as i64);
    assert_eq!(grew("plans"), 4);
    assert_eq!(grew("subscriptions"), expected_subscriptions() as i64);
    assert_eq!(grew("invoices"), 0);
    assert_eq!(
        grew("import_map"),
        (SECRETS + 5) as i64 + expected_subscriptions() as i64
    );
    // Fields, client by client.
    type Row = ((i64, String, String, String), (Option<i64>, bool, Sealed));
    let all: Vec<Row> = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                ex.all(
                    "SELECT id, name, phone_number, address, router_id, held, ppp_password_enc \
                     FROM clients ORDER BY ppp_secret_name",
                    &[],
                )
                .await
            })
        })
        .await
        .unwrap();
    assert_eq!(all.len(), SECRETS);
    for (i, ((id, cname, phone, address), (router_id, held, sealed))) in all.iter().enumerate() {
        assert_eq!(*router_id, Some(router), "{i}");
        assert_eq!(app.app.secrets.open(sealed).unwrap(), password(i), "{i}");
        assert!(!sealed.0.contains(&password(i)));
        if KNOWN.contains(&i) {
            assert!(known.contains(id));
            assert_eq!(cname, &format!("Known Client {i}"));
            assert_eq!(phone, "08123456789", "a linked client keeps their details");
        } else {
            let want = comment(i).unwrap_or_else(|| name(i));
            assert_eq!(cname, &want, "{i}");
            assert_eq!((phone.as_str(), address.as_str()), ("", ""), "{i}: missing");
        }
        assert_eq!(
            *held,
            disabled(i) && profile(i) == "default",
            "{i}: held only when disabled without a plan"
        );
    }
    let plans: Vec<(String, i64, bool, bool, Option<String>)> = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                ex.all(
                    "SELECT ppp_profile, price_minor, active, unpriced, rate_limit FROM plans \
                     ORDER BY ppp_profile",
                    &[],
                )
                .await
            })
        })
        .await
        .unwrap();
    let want: Vec<(String, i64, bool, bool, Option<String>)> = vec![
        (
            "biz-20m".into(),
            0,
            false,
            true,
            Some(PROFILES[3].1.unwrap().into()),
        ),
        (
            "gold-profile".into(),
            25_000_000,
            true,
            false,
            Some("10M/10M".into()),
        ),
        (
            "home-10m".into(),
            15_000_050,
            true,
            false,
            Some("10M/10M".into()),
        ),
        ("home-5m".into(), 0, false, true, Some("5M/5M".into())),
        ("night".into(), 0, false, true, None),
    ];
    assert_eq!(plans, want);
    let gold_link = done
        .steps
        .iter()
        .find(|s| s.source == "/ppp/profile gold-profile")
        .unwrap();
    assert_eq!((gold_link.action, gold_link.id), (Action::Link, Some(gold)));
    // Statuses: a disabled secret's subscription is suspended.
    let statuses: Vec<(String, String, String)> = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                ex.all(
                    "SELECT c.ppp_secret_name, p.ppp_profile, s.status FROM subscriptions s \
                     JOIN clients c ON c.id = s.client_id JOIN plans p ON p.id = s.plan_id \
                     ORDER BY c.ppp_secret_name",
                    &[],
                )
                .await
            })
        })
        .await
        .unwrap();
    let want: Vec<(String, String, String)> = (0..SECRETS)
        .filter(|i| profile(*i) != "default")
        .map(|i| {
            let status = if disabled(i) { "suspended" } else { "active" };
            (name(i), profile(i).to_owned(), status.to_owned())
        })
        .collect();
    assert_eq!(statuses, want);
    assert_eq!(
        router_view(&sim),
        on_router,
        "the import itself writes to no router"
    );

    // The worker takes the secrets over: our comment, nothing else.
    app.settle().await;
    let now_on = router_view(&sim);
    assert_eq!(now_on.len(), on_router.len());
    let client_of: BTreeMap<String, i64> = all
        .iter()
        .enumerate()
        .map(|(i, row)| (name(i), row.0.0))
        .collect();
    for (was, is) in on_router.iter().zip(&now_on) {
        let mut was = was.clone();
        let mut is = is.clone();
        let n = is["name"].clone();
        let comment = is.remove("comment");
        was.remove("comment");
        if let Some(id) = client_of.get(&n) {
            assert_eq!(comment, Some(format!("mikronet:client:{id}")), "{n}");
        } else if !n.starts_with("default") {
            assert!(comment.unwrap().starts_with("mikronet:plan:"), "{n}");
        }
        assert_eq!(was, is, "{n}: only the comment changed");
    }
    let r = app.reconcile(&admin, router).await;
    let d = &r.json["data"];
    for field in [
        "missing",
        "extra",
        "wrong",
        "missing_profiles",
        "wrong_profiles",
        "left_alone",
    ] {
        assert_eq!(d[field], Value::Array(vec![]), "{field}: {}", r.text);
    }
    assert_eq!(d["drift_remains"], false);

    // A second run changes nothing, through the endpoint.
    let settled = counts(&app).await;
    let r = app
        .call(
            Method::POST,
            &format!("/routers/{router}/import?dry_run=false"),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["dry_run"], false);
    let counted: Vec<(String, String, u64)> = r.json["data"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["entity"].as_str().unwrap().to_owned(),
                c["action"].as_str().unwrap().to_owned(),
                c["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counted,
        [
            ("client".to_owned(), "unchanged".to_owned(), SECRETS as u64),
            ("plan".into(), "unchanged".into(), 5),
            ("plan".into(), "skip".into(), 2),
        ]
    );
    assert_eq!(counts(&app).await, settled);
    app.settle().await;
    assert_eq!(router_view(&sim), now_on);

    // Invoices: only priced plans' subscriptions are invoiced.
    let end = app.app.today() + chrono::Months::new(1);
    let g = mikronet::service::billing::generate(&app.app, &actor, end, false, false)
        .await
        .unwrap();
    let priced = (0..SECRETS)
        .filter(|i| matches!(profile(*i), "gold-profile" | "home-10m") && !disabled(*i))
        .count();
    assert_eq!(g.created, priced as i64, "{g:?}");
}

async fn endpoint_refusals(app: TestApp) {
    let admin = app.admin().await;
    let sim = common::simulator().await;
    load(&sim);
    let router = app.add_router(&admin, &sim).await;
    let r = app
        .call(
            Method::POST,
            &format!("/routers/{router}/import?dry_run=maybe"),
            Some(&admin),
            None,
        )
        .await
        .expect(400);
    assert!(r.json["errors"]["dry_run"].is_string(), "{}", r.text);
    let r = app
        .call(
            Method::POST,
            &format!("/routers/{router}/import"),
            Some(&admin),
            None,
        )
        .await
        .expect(400);
    assert!(r.json["errors"]["dry_run"].is_string(), "{}", r.text);
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    app.call(
        Method::POST,
        &format!("/routers/{router}/import?dry_run=true"),
        Some(&cashier),
        None,
    )
    .await
    .expect(403);
    app.call(
        Method::POST,
        "/routers/9999/import?dry_run=true",
        Some(&admin),
        None,
    )
    .await
    .expect(404);
    // Only linking: no client to link, nothing created, every secret skipped with its reason.
    let before = counts(&app).await;
    let r = app
        .call(
            Method::POST,
            &format!("/routers/{router}/import?dry_run=false&only_link=true"),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    let skips = r.json["data"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["entity"] == "client" && s["action"] == "skip")
        .count();
    assert_eq!(skips, SECRETS);
    let after = counts(&app).await;
    assert_eq!(after[0], before[0], "no clients");
    // A router that cannot be reached: 502, nothing written.
    sim.set_down(true).await.unwrap();
    app.call(
        Method::POST,
        &format!("/routers/{router}/import?dry_run=false"),
        Some(&admin),
        None,
    )
    .await
    .expect(502);
}

backend_tests!(import_a_router, endpoint_refusals);

/// Runs the `mikronet` binary on `app`'s database (off the runtime's threads: the simulator
/// answers it from them).
async fn mikronet(app: &TestApp, args: &[&str]) -> std::process::Output {
    let url = app.app.config.database_url.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mikronet"));
        for (k, _) in std::env::vars() {
            if k.starts_with("MIKRONET_") || k == "DATABASE_URL" {
                cmd.env_remove(k);
            }
        }
        cmd.args(&args)
            .env("MIKRONET_DATABASE_URL", url)
            .env("MIKRONET_SECRET_KEY", common::KEY)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// The skipped rows' CSV the command named in `stdout`, read and removed.
fn take_csv(stdout: &str) -> Option<String> {
    let file = stdout
        .lines()
        .find_map(|l| l.strip_prefix("skipped rows written to "))?;
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::remove_file(file).unwrap();
    Some(text)
}

/// The command's standard output; it must have succeeded.
fn succeeded(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_plans_imports_and_says_what_it_did() {
    let app = TestApp::new(mikronet::storage::Backend::Sqlite)
        .await
        .unwrap();
    let admin = app.admin().await;
    let sim = common::simulator().await;
    load(&sim);
    let router = app.add_router(&admin, &sim).await.to_string();
    let on_router = router_view(&sim);
    let before = counts(&app).await;
    let out = mikronet(
        &app,
        &["import", "router", "--router", &router, "--dry-run"],
    )
    .await;
    let stdout = succeeded(&out);
    assert!(
        stdout.contains("import from router (dry run: nothing was changed)"),
        "{stdout}"
    );
    assert!(stdout.contains("client        500 to create"), "{stdout}");
    assert!(
        stdout.contains("plan          5 to create, 2 skipped"),
        "{stdout}"
    );
    assert!(
        stdout.contains("plan /ppp/profile default: a built-in profile: no plan"),
        "{stdout}"
    );
    let written = take_csv(&stdout).unwrap();
    assert!(
        written.starts_with("entity,source,reason\nplan,/ppp/profile default,"),
        "{written}"
    );
    assert_eq!(counts(&app).await, before);
    assert_eq!(router_view(&sim), on_router);

    let prices = std::env::temp_dir().join(format!("prices-{}.toml", uuid::Uuid::new_v4()));
    std::fs::write(&prices, "[home-10m]\nprice = \"150000.50\"\n[night]\nprice = 1\nperiod_unit = \"day\"\nperiod_count = 7\n").unwrap();
    let prices_arg = prices.display().to_string();
    let with_prices = [
        "import",
        "router",
        "--router",
        &router,
        "--prices",
        &prices_arg,
    ];
    let out = mikronet(&app, &with_prices).await;
    let stdout = succeeded(&out);
    eprintln!(
        "the command: {}",
        stdout
            .lines()
            .filter(|l| l.starts_with("took"))
            .collect::<String>()
    );
    assert!(stdout.contains("client        500 created"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "subscription  {} created",
            expected_subscriptions()
        )),
        "{stdout}"
    );
    assert!(take_csv(&stdout).is_some());
    let priced: Vec<(String, i64, bool)> = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                ex.all(
                    "SELECT ppp_profile, price_minor, unpriced FROM plans WHERE active = ? ORDER BY ppp_profile",
                    mikronet::params![true],
                )
                .await
            })
        })
        .await
        .unwrap();
    assert_eq!(
        priced,
        [
            ("home-10m".to_owned(), 15_000_050, false),
            ("night".into(), 100, false)
        ]
    );
    let out = mikronet(&app, &["provision", "--once"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = mikronet(&app, &["reconcile"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = mikronet(&app, &["import", "router", "--router", &router]).await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("nothing new: every row was imported before or is skipped"),
        "{stdout}"
    );
    take_csv(&stdout);
    // A bad price file names the profile and the field; nothing is written.
    std::fs::write(&prices, "[home-5m]\nprice = \"-3\"\n").unwrap();
    let settled = counts(&app).await;
    let out = mikronet(&app, &with_prices).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("prices.home-5m.price: must not be negative"),
        "{stderr}"
    );
    assert_eq!(counts(&app).await, settled);
    std::fs::remove_file(&prices).unwrap();
}
