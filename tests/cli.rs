//! The `mikronet` command as an operator runs it: the built binary, its exit codes and what
//! it prints.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use axum::http::Method;
use common::TestApp;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mikronet-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary in `dir` with only the given MIKRONET_* variables.
fn mikronet(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mikronet"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("MIKRONET_") || k == "DATABASE_URL" || k == "NO_COLOR" {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn commands_other_than_serve_and_migrate_refuse_a_missing_database() {
    let dir = temp_dir();
    for args in [
        &["generate-invoices"][..],
        &["provision", "--once"],
        &["reconcile"],
        &["rotate-key"],
    ] {
        let out = mikronet(&dir, args, &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("there is no database at mikronet.db (database_url)"),
            "{args:?}: {err}"
        );
        assert!(err.contains("mikronet migrate"), "{err}");
        // Said once, not also as a log line.
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mikronet"))
        .args(["create-admin", "--username", "boss"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "created {left:?}");
    // migrate creates it, readable by its owner only.
    let out = mikronet(&dir, &["migrate"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("mikronet.db"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(!dir.join("mikronet.key").exists(), "migrate makes no key");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn commands_refuse_a_database_with_pending_migrations() {
    let dir = temp_dir();
    assert!(mikronet(&dir, &["migrate"], &[]).status.success());
    let conn = rusqlite::Connection::open(dir.join("mikronet.db")).unwrap();
    conn.execute("DELETE FROM schema_migrations WHERE version = 6", [])
        .unwrap();
    drop(conn);
    let out = mikronet(&dir, &["generate-invoices"], &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("needs migrations [6] first"), "{err}");
    assert!(err.contains("mikronet migrate"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn configuration_errors_name_the_key_and_where_it_came_from() {
    let dir = temp_dir();
    let cfg = dir.join("m.toml");
    for (toml, want) in [
        (
            "grace_days = \"3\"\n",
            "grace_days must be a whole number, not a string",
        ),
        (
            "log = \"infoo\"\n",
            "log holds 'infoo', which is neither a level",
        ),
        ("log = \"mikronet=loud\"\n", "log is not a valid filter"),
        ("listen = \"8080\"\n", "listen must be ADDRESS:PORT"),
        (
            "database_url = \"mysql://root@/billing\"\n",
            "database_url is not a valid mysql URL",
        ),
        (
            "database_url = \"postgres://u@db.example\"\n",
            "database_url must name the database",
        ),
        (
            "database_url = \"sqlite:\"\n",
            "database_url must name a file",
        ),
        (
            "secret_key = \"c2hvcnQ=\"\n",
            "secret_key must be 32 random bytes in base64",
        ),
        (
            "trusted_proxies = [\"proxy\"]\n",
            "trusted_proxies holds 'proxy'",
        ),
        ("listn = \"x\"\n", "unknown key 'listn'"),
    ] {
        std::fs::write(&cfg, toml).unwrap();
        let out = mikronet(&dir, &["--config", cfg.to_str().unwrap(), "migrate"], &[]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{toml}: {err}");
        assert!(err.contains(want), "{toml}: {err}");
        assert!(err.contains("m.toml"), "names the file: {err}");
    }
    let out = mikronet(&dir, &["migrate"], &[("MIKRONET_GRACE_DAYS", "three")]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("environment variable MIKRONET_GRACE_DAYS must be a whole number"),
        "{err}"
    );
    // Nothing was created on the way: the whole configuration is checked first.
    assert!(!dir.join("mikronet.db").exists());
    let out = mikronet(&dir, &["generate-invoices", "--date", "2024-13-01"], &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("must be a date as YYYY-MM-DD"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let dir = temp_dir();
    let out = mikronet(
        &dir,
        &["migrate"],
        &[(
            "DATABASE_URL",
            "postgres://billing:s3cret-pw@127.0.0.1:1/billing",
        )],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "cannot connect to the postgres database 'billing' at 127.0.0.1:1 (user billing)"
        ),
        "{err}"
    );
    assert!(!err.contains("s3cret-pw"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_invoices_says_what_it_did_or_would_do() {
    let app = TestApp::new(mikronet::storage::Backend::Sqlite)
        .await
        .unwrap();
    let admin = app.admin().await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    app.subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    let dir = temp_dir();
    let url = app.app.config.database_url.clone();
    let env = [
        ("MIKRONET_DATABASE_URL", url.as_str()),
        ("MIKRONET_SECRET_KEY", common::KEY),
    ];
    let run = |args: &[&str]| mikronet(&dir, args, &env);
    let out = run(&["generate-invoices", "--date", "2024-01-27", "--dry-run"]);
    let got = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        got.starts_with("dry run for 2024-01-27 (not today: today is "),
        "{got}"
    );
    assert!(
        got.contains(
            "would create 1 invoice, INV-2024-000001 to INV-2024-000001 totalling 100000.00"
        ),
        "{got}"
    );
    let out = run(&["generate-invoices", "--date", "2024-01-27"]);
    let got = text(&out.stdout);
    let err = text(&out.stderr);
    assert!(
        got.contains("created 1 invoice, INV-2024-000001 to INV-2024-000001"),
        "{got}"
    );
    // Logged, without colour codes (stderr is no terminal here).
    assert!(err.contains("invoice generation"), "{err}");
    assert!(!err.contains('\u{1b}'), "ANSI codes in {err:?}");
    let out = run(&["generate-invoices", "--date", "2024-01-27"]);
    assert!(text(&out.stdout).contains("created 0 invoices totalling 0.00; 1 already existed"));
    // Recorded as the command's run.
    let r = app.get("/billing/runs", &admin).await.expect(200);
    assert_eq!(r.json["data"][0]["started_by"], "system:cli");
    let _ = Method::GET;
    std::fs::remove_dir_all(dir).unwrap();
}

/// A simulated router, and an app on SQLite (which the binary can open) with its admin.
async fn with_simulator() -> (routeros::sim::SimHandle, TestApp, String) {
    let sim = common::simulator().await;
    let app = TestApp::new(mikronet::storage::Backend::Sqlite)
        .await
        .unwrap();
    let admin = app.admin().await;
    (sim, app, admin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_exits_3_on_drift_it_did_not_repair() {
    let (sim, app, admin) = with_simulator().await;
    app.add_router(&admin, &sim).await;
    // Registered but never provisioned: the router lacks the secret.
    app.create_client(&admin, "John Doe", "abc123").await;
    let dir = temp_dir();
    let url = app.app.config.database_url.clone();
    let env = [
        ("MIKRONET_DATABASE_URL", url.as_str()),
        ("MIKRONET_SECRET_KEY", common::KEY),
    ];
    let out = mikronet(&dir, &["reconcile"], &env);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("missing secrets:  abc123"),
        "{}",
        text(&out.stdout)
    );
    let out = mikronet(&dir, &["reconcile", "--apply"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = mikronet(&dir, &["reconcile"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    std::fs::remove_dir_all(dir).unwrap();
}

/// `router-setup` prints a script the router takes; reconcile reports the isolation setup
/// missing before it is applied and nothing after; a router that disables, or a server with
/// no notice address, is refused with what to set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn router_setup_prints_a_script_the_router_takes() {
    let (sim, app, admin) = with_simulator().await;
    let router = app.add_router(&admin, &sim).await.to_string();
    let dir = temp_dir();
    let url = app.app.config.database_url.clone();
    let mut env = vec![
        ("MIKRONET_DATABASE_URL", url.as_str()),
        ("MIKRONET_SECRET_KEY", common::KEY),
    ];
    let setup = ["router-setup", "--router", router.as_str()];
    let out = mikronet(&dir, &setup, &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("set its suspend_mode to isolate"),
        "{}",
        text(&out.stderr)
    );
    app.put(
        &format!("/routers/{router}"),
        &admin,
        r#"{"suspend_mode":"isolate","isolation_profile":"isolir"}"#,
    )
    .await
    .expect(200);
    let out = mikronet(&dir, &setup, &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("notice_address is not set"),
        "{}",
        text(&out.stderr)
    );
    env.push(("MIKRONET_NOTICE_ADDRESS", "192.168.88.10:8081"));
    let out = mikronet(&dir, &["reconcile"], &env);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stdout)
            .contains("isolation setup:  missing: /ip firewall nat comment=mikronet:notice"),
        "{}",
        text(&out.stdout)
    );
    let out = mikronet(&dir, &setup, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let script = text(&out.stdout);
    assert!(
        script.contains("to-addresses=192.168.88.10 to-ports=8081"),
        "{script}"
    );
    let commands = routeros::script::parse(&script).unwrap();
    assert_eq!(commands.len(), 7, "{script}");
    assert_eq!(sim.state().run_script(&script).unwrap(), 7);
    assert_eq!(
        sim.state().profile("isolir").unwrap()["address-list"],
        "mikronet-isolated"
    );
    let out = mikronet(&dir, &["reconcile"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains("isolation setup"));
    // Someone disables the drop rule: reconcile says so.
    let drop_rule = sim
        .state()
        .filter_rules()
        .into_iter()
        .find(|r| r["comment"] == "mikronet:isolated-drop")
        .unwrap();
    sim.state()
        .run(
            "/ip/firewall/filter/disable",
            &[(".id", &drop_rule[".id"])],
            &[],
        )
        .unwrap();
    let out = mikronet(&dir, &["reconcile"], &env);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stdout).contains(
            "differs: /ip firewall filter comment=mikronet:isolated-drop: it is disabled"
        ),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(dir).unwrap();
}
