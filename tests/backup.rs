//! Backups of a SQLite database: taken while the server writes, restored, and compared row by
//! row; restore refusing a wrong key and a non-empty database; the servers' tools named; the
//! daily backup inside `serve`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{KEY, TestApp};
use mikronet::config::Config;
use mikronet::params;
use mikronet::service::backup;
use mikronet::storage::{Backend, StoreError};
use tower::ServiceExt;

/// Another valid key: not the one the test databases are sealed with.
const OTHER_KEY: &str = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mikronet-backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every table of a SQLite file, each row as text, sorted: the database's whole content.
fn dump(path: &Path) -> BTreeMap<String, Vec<String>> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = BTreeMap::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let values: Vec<rusqlite::types::Value> =
                    (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                Ok(format!("{values:?}"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.insert(t, rows);
    }
    out
}

/// Each client's balance: what its invoices (not void) ask, less what was paid on them.
fn balances(path: &Path) -> BTreeMap<i64, i64> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT c.id, COALESCE(SUM(CASE WHEN i.status <> 'void' \
                 THEN i.total_minor - i.paid_minor ELSE 0 END), 0) \
             FROM clients c LEFT JOIN invoices i ON i.client_id = c.id GROUP BY c.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn count(conn: &rusqlite::Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

const COUNTED: &[&str] = &[
    "clients",
    "subscriptions",
    "invoices",
    "payments",
    "subscription_events",
];

/// Rows of the busy tables, read now through a connection of the test's own.
fn counts(path: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    COUNTED.iter().map(|t| count(&conn, t)).collect()
}

fn db_path(app: &TestApp) -> PathBuf {
    mikronet::storage::sqlite_path(&app.app.config.database_url).unwrap()
}

/// One client with a subscription, an invoice issued by hand and a partial payment on it,
/// through the API: each step its own transaction.
async fn write_one(app: &TestApp, token: &str, plan: i64, tag: &str) {
    let client = app
        .create_client(token, &format!("Load {tag}"), &format!("load-{tag}"))
        .await;
    let sub = app
        .subscribe(token, client, plan, "2024-01-01", "2024-01-31")
        .await;
    let r = app
        .post(
            "/invoice",
            Some(token),
            &format!(r#"{{"subscription_id":{sub}}}"#),
        )
        .await
        .expect(201);
    let invoice = r.json["data"]["invoice_id"].as_i64().unwrap();
    app.pay(
        token,
        invoice,
        r#"{"amount":40000,"payment_method":"cash","payment_date":"2024-01-28"}"#,
    )
    .await
    .expect(201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_write_load_restores_every_row_and_balance() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    // 20,000 clients with a subscription each, written in bulk, and their invoices from the
    // billing run: a database large enough that the copy takes a while.
    let sealed = app.app.secrets.seal("securepassword").0;
    app.db()
        .write(move |ex| {
            Box::pin(async move {
                ex.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) \
                     INSERT INTO clients (name, phone_number, address, ppp_secret_name, \
                         ppp_password_enc, created_at, updated_at) \
                     SELECT 'Seed client ' || i, '0812' || (1000000 + i), 'Jl. Seed No. ' || i, \
                         'seed' || i, ?, '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z' \
                     FROM n",
                    params![sealed],
                )
                .await?;
                ex.execute(
                    "INSERT INTO subscriptions (client_id, plan_id, start_date, end_date, status, \
                         created_at, updated_at) \
                     SELECT id, ?, '2024-01-01', '2024-01-31', 'active', created_at, updated_at \
                     FROM clients",
                    params![plan],
                )
                .await?;
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    let run = app.generate(&admin, "2024-01-27").await;
    assert_eq!(run["created"], 20_000, "{run}");
    // Some seeded clients pay part of their invoice: balances differ.
    for invoice in 1..=30 {
        let body = format!(
            r#"{{"amount":{},"payment_method":"cash","payment_date":"2024-01-28"}}"#,
            invoice * 1000
        );
        app.pay(&admin, invoice, &body).await.expect(201);
    }
    let path = db_path(&app);
    let seeded = balances(&path);
    assert_eq!(seeded.len(), 20_000);
    // 20,000 invoices of 100,000.00, less 1,000.00 + 2,000.00 + … + 30,000.00 paid (in
    // minor units: hundredths).
    let (price, paid) = (100_000 * 100, 465 * 1_000 * 100);
    assert_eq!(seeded.values().sum::<i64>(), 20_000 * price - paid);

    // Two writers, each a client, a subscription, an invoice and a payment after another.
    let app = Arc::new(app);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (app, admin, stop, done) = (app.clone(), admin.clone(), stop.clone(), done.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    write_one(&app, &admin, plan, &format!("{w}-{n}")).await;
                    n += 1;
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    while done.load(Ordering::SeqCst) < 10 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Backups until one was taken while writes committed (each is a few hundred ms here).
    let dir = temp_dir();
    let mut taken = None;
    for attempt in 0..20 {
        let dest = dir.join(format!("backup-{attempt}.db"));
        let before_rows = counts(&path);
        let before_writes = done.load(Ordering::SeqCst);
        let w = backup::backup(app.db(), &app.app.secrets, &dest, false)
            .await
            .unwrap();
        let during = done.load(Ordering::SeqCst) - before_writes;
        let after_rows = counts(&path);
        // Everything committed before the backup began is in it; nothing committed after it
        // ended can be.
        let in_backup = counts(&dest);
        for (i, t) in COUNTED.iter().enumerate() {
            assert!(
                before_rows[i] <= in_backup[i] && in_backup[i] <= after_rows[i],
                "{t}: {} before, {} in the backup, {} after",
                before_rows[i],
                in_backup[i],
                after_rows[i]
            );
        }
        assert_eq!(w.counts.clients, in_backup[0]);
        assert_eq!(w.counts.invoices, in_backup[2]);
        assert_eq!(w.counts.payments, in_backup[3]);
        eprintln!(
            "backup {attempt}: {} bytes in {} ms, {during} writes committed meanwhile",
            w.bytes,
            w.elapsed.as_millis()
        );
        if during > 0 {
            taken = Some(dest);
            break;
        }
    }
    let dest = taken.expect("no backup overlapped a committed write in 20 attempts");
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    // The file appeared whole, readable by its owner only, with nothing left beside it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let partials: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(partials.is_empty(), "{partials:?}");

    // A consistent snapshot: each invoice's paid amount is the sum of its successful payments,
    // each payment's invoice is there, each client has its writes complete or not at all.
    let conn =
        rusqlite::Connection::open_with_flags(&dest, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let torn: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM invoices i WHERE i.paid_minor <> (SELECT COALESCE(SUM(p.amount_minor), 0) \
             FROM payments p WHERE p.invoice_id = i.id AND p.status = 'success')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(torn, 0);
    let fk: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    drop(conn);

    // Restored into a new file: every table's rows and every balance equal the backup's.
    let target = dir.join("restored.db");
    let config = Config {
        database_url: format!("sqlite://{}", target.display()),
        ..common::test_config("sqlite://unused.db")
    };
    let r = backup::restore(&config, &dest).await.unwrap();
    assert_eq!(r.target, target);
    assert!(r.pending.is_empty());
    let (want, got) = (dump(&dest), dump(&target));
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &want {
        assert!(
            &got[table] == rows,
            "table {table} differs after the restore"
        );
    }
    assert!(want["clients"].len() > 20_000);
    assert!(want["payments"].len() > 30);
    let restored = balances(&target);
    assert_eq!(balances(&dest), restored);
    // The seeded clients, which no writer touched, have the balances they had live.
    for (id, balance) in &seeded {
        assert_eq!(restored[id], *balance, "client {id}");
    }

    // The restored database serves: the schema is current, the key opens it, the admin's
    // token from before the backup still works.
    let app2 = mikronet::app::App::open(config).await.unwrap();
    let router = mikronet::http::router(app2);
    let res = router
        .oneshot(common::request(
            axum::http::Method::GET,
            "/client/1",
            Some(&admin),
            None,
            &[],
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_wrong_key_and_a_database_that_is_not_empty() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let admin = app.admin().await;
    app.create_client(&admin, "John Doe", "abc123").await;
    let dir = temp_dir();
    let dest = dir.join("b.db");
    backup::backup(app.db(), &app.app.secrets, &dest, false)
        .await
        .unwrap();
    // Not over an existing file, unless asked.
    let e = backup::backup(app.db(), &app.app.secrets, &dest, false)
        .await
        .unwrap_err();
    assert!(
        format!("{e:#}").contains("exists; name another file, or add --force"),
        "{e:#}"
    );
    backup::backup(app.db(), &app.app.secrets, &dest, true)
        .await
        .unwrap();

    let target = dir.join("new.db");
    let config = |key: &str| Config {
        database_url: format!("sqlite://{}", target.display()),
        secret_key: key.to_owned(),
        ..Config::default()
    };
    let e = backup::restore(&config(OTHER_KEY), &dest)
        .await
        .unwrap_err();
    let msg = format!("{e:#}");
    assert!(msg.contains("was made with another secret key"), "{msg}");
    assert!(msg.contains("does not open its key check value"), "{msg}");
    assert!(msg.contains("nothing was written"), "{msg}");
    assert!(!target.exists());
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");

    // An existing database is never overwritten.
    let live = Config {
        database_url: app.app.config.database_url.clone(),
        ..config(KEY)
    };
    let e = backup::restore(&live, &dest).await.unwrap_err();
    let msg = format!("{e:#}");
    assert!(msg.contains("is not empty"), "{msg}");

    // An empty file is a new database: restored.
    std::fs::write(&target, b"").unwrap();
    let r = backup::restore(&config(KEY), &dest).await.unwrap();
    assert_eq!(r.counts.clients, 1);
    let e = backup::restore(&config(KEY), &dest).await.unwrap_err();
    assert!(format!("{e:#}").contains("it holds"), "{e:#}");
    assert_eq!(dump(&dest), dump(&target));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Runs the binary in `dir` with only the given MIKRONET_* variables.
fn mikronet(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mikronet"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("MIKRONET_") || k == "DATABASE_URL" || k == "NO_COLOR" {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn backup_and_restore_commands_say_what_they_did_and_refuse_what_they_must() {
    let dir = temp_dir();
    let key = [("MIKRONET_SECRET_KEY", KEY)];
    assert!(mikronet(&dir, &["migrate"], &key, "").status.success());
    let out = mikronet(
        &dir,
        &["create-admin", "--username", "boss"],
        &key,
        "a long passphrase\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = mikronet(&dir, &["backup", "b.db"], &key, "");
    let got = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(got.starts_with("backup written to b.db ("), "{got}");
    assert!(got.contains("0 clients, 0 invoices, 0 payments"), "{got}");
    assert!(
        got.contains("a restore needs the configuration key secret_key"),
        "{got}"
    );
    let out = mikronet(&dir, &["backup", "b.db"], &key, "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.trim(),
        "mikronet: b.db exists; name another file, or add --force to replace it"
    );
    let out = mikronet(&dir, &["backup", "--force", "b.db"], &key, "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Never over the database itself.
    let before = std::fs::read(dir.join("mikronet.db")).unwrap();
    let out = mikronet(&dir, &["backup", "--force", "./mikronet.db"], &key, "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("./mikronet.db is the database itself"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(dir.join("mikronet.db")).unwrap(), before);
    // A backup needs the database's key.
    let out = mikronet(
        &dir,
        &["backup", "c.db"],
        &[("MIKRONET_SECRET_KEY", OTHER_KEY)],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not the key of this database"));
    assert!(!dir.join("c.db").exists());

    // Restore: a wrong key is refused and nothing is written.
    let new_db = [
        ("MIKRONET_DATABASE_URL", "sqlite://new.db"),
        ("MIKRONET_SECRET_KEY", OTHER_KEY),
    ];
    let out = mikronet(&dir, &["restore", "b.db"], &new_db, "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the backup b.db was made with another secret key: the configuration key secret_key does not open its key check value"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!dir.join("new.db").exists());
    // Without any key.
    let out = mikronet(
        &dir,
        &["restore", "b.db"],
        &[("MIKRONET_DATABASE_URL", "sqlite://new.db")],
        "",
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the key file mikronet.key (configuration key secret_key_file) does not exist: a restore needs the key the backup was made with"),
        "{err}"
    );
    // Not into the database it came from, nor any other that holds something.
    let out = mikronet(&dir, &["restore", "b.db"], &key, "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the database mikronet.db is not empty (it holds"),
        "{err}"
    );
    // Not something that is no backup.
    std::fs::write(
        dir.join("notes.txt"),
        "not a database, but long enough to be read",
    )
    .unwrap();
    let good = [
        ("MIKRONET_DATABASE_URL", "sqlite://new.db"),
        ("MIKRONET_SECRET_KEY", KEY),
    ];
    let out = mikronet(&dir, &["restore", "notes.txt"], &good, "");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("notes.txt"), "{err}");
    assert!(!dir.join("new.db").exists());
    // The right key into a new file: restored, and the restored database is the backup's.
    let out = mikronet(&dir, &["restore", "b.db"], &good, "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "restored b.db into new.db: 0 clients, 0 invoices, 0 payments"
    );
    let out = mikronet(
        &dir,
        &["create-admin", "--username", "boss"],
        &good,
        "another long passphrase\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("user 'boss' already exists"));
    let out = mikronet(
        &dir,
        &["generate-invoices", "--date", "2024-01-27"],
        &good,
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn on_mariadb_and_postgresql_the_commands_name_their_own_tools() {
    let dir = temp_dir();
    for (url, want) in [
        (
            "mysql://billing:s3cret@127.0.0.1:1/billing",
            "mariadb-dump -h 127.0.0.1 -P 1 -u billing -p --single-transaction --routines \
             --triggers --hex-blob billing > mikronet-backup.sql",
        ),
        (
            "postgres://postgres:s3cret@127.0.0.1:1/billing",
            "pg_dump -h 127.0.0.1 -p 1 -U postgres --format=custom \
             --file=mikronet-backup.dump billing",
        ),
    ] {
        for command in ["backup", "restore"] {
            let out = mikronet(&dir, &[command, "x"], &[("MIKRONET_DATABASE_URL", url)], "");
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {url}: {err}");
            assert!(
                err.starts_with(&format!(
                    "mikronet: mikronet {command} works on SQLite databases only"
                )),
                "{err}"
            );
            assert!(err.contains(want), "{err}");
            assert!(
                err.contains("Keep the secret key file mikronet.key with every dump"),
                "{err}"
            );
            assert!(!err.contains("s3cret"), "{err}");
        }
    }
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_backs_up_daily_into_backup_dir_and_keeps_the_newest() {
    let dir = temp_dir();
    let backups = dir.join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    // Three older backups and a file of the operator's.
    for name in [
        "mikronet-20200101T023000Z.db",
        "mikronet-20200102T023000Z.db",
        "mikronet-20200103T023000Z.db",
        "notes.txt",
    ] {
        std::fs::write(backups.join(name), name).unwrap();
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mikronet"));
    for (k, _) in std::env::vars() {
        if k.starts_with("MIKRONET_") || k == "DATABASE_URL" {
            cmd.env_remove(k);
        }
    }
    let _server = Killed(
        cmd.arg("serve")
            .current_dir(&dir)
            .env("MIKRONET_SECRET_KEY", KEY)
            .env("MIKRONET_LISTEN", "127.0.0.1:0")
            .env("MIKRONET_BILLING_SCHEDULER", "false")
            .env("MIKRONET_PROVISIONING_WORKER", "false")
            .env("MIKRONET_LOG", "warn")
            .env("MIKRONET_BACKUP_DIR", "backups")
            // Passed every day: today's backup is due at start.
            .env("MIKRONET_BACKUP_TIME", "00:00")
            .env("MIKRONET_BACKUP_KEEP", "2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let names = || {
        let mut v: Vec<String> = std::fs::read_dir(&backups)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let start = Instant::now();
    while names().len() != 3 || names().iter().any(|n| n.contains("partial")) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no rotation: {:?}",
            names()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let left = names();
    assert_eq!(left[0], "mikronet-20200103T023000Z.db", "{left:?}");
    assert_eq!(left[2], "notes.txt", "{left:?}");
    let today = chrono::Utc::now().format("mikronet-%Y%m%dT").to_string();
    assert!(left[1].starts_with(&today), "{left:?}");
    // Restorable with the server's key.
    let out = mikronet(
        &dir,
        &["restore", &format!("backups/{}", left[1])],
        &[
            ("MIKRONET_DATABASE_URL", "sqlite://copy.db"),
            ("MIKRONET_SECRET_KEY", KEY),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    drop(_server);
    std::fs::remove_dir_all(dir).unwrap();
}
