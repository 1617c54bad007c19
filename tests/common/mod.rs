//! A test server per backend: the real router over a fresh, fully migrated database.
//!
//! SQLite always runs. MariaDB and PostgreSQL run against `MIKRONET_TEST_MYSQL_URL` and
//! `MIKRONET_TEST_POSTGRES_URL` (defaults: the local servers, `…/test`); each test gets its own
//! database, dropped afterwards. Set a URL to `off` to skip that backend. A server that cannot
//! be reached is skipped with a notice, except under CI (`CI` set), where it fails the test.
//!
//! Migrating is the slow part of a fresh database (seconds on MariaDB, where every DDL
//! statement commits), so each backend is migrated once into a template and every test gets a
//! copy: PostgreSQL `CREATE DATABASE … TEMPLATE`, MariaDB the template's tables re-created from
//! their `SHOW CREATE TABLE` (and its rows copied), SQLite the migrated file's bytes. The
//! server templates are named after a hash of the migrations and of the code that applies
//! them, shared by every test process (built once under a server lock) and left on the server
//! for the next run (an old one can go: `DROP DATABASE mikronet_tmpl_…` on MariaDB;
//! `ALTER DATABASE mikronet_tmpl_… IS_TEMPLATE false` first on PostgreSQL). Users are seeded through the repository with a password hash computed
//! once per process (see [`TestApp::user`]); long JSON answers are snapshot files
//! (`tests/snapshots`, see [`snapshot!`](crate::snapshot)).

#![allow(dead_code)]

pub mod gateways;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use mikronet::app::App;
use mikronet::config::Config;
use mikronet::domain::user::{Role, User, UserDraft};
use mikronet::security::secret_box::SecretBox;
use mikronet::storage::repo::{tokens, users};
use mikronet::storage::{Backend, Db, migrations};
use serde_json::Value;
use sqlx_core::connection::Connection;
use sqlx_core::executor::Executor;
use sqlx_core::row::Row;
use sqlx_core::sql_str::AssertSqlSafe;
use tokio::sync::OnceCell;
use tower::ServiceExt;

pub const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

pub struct TestApp {
    pub router: Router,
    pub app: Arc<App>,
    pub backend: Backend,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    File(std::path::PathBuf),
    Server { admin_url: String, database: String },
}

fn server_url(backend: Backend) -> Option<String> {
    let (var, default) = match backend {
        Backend::MySql => (
            "MIKRONET_TEST_MYSQL_URL",
            "mysql://root@127.0.0.1:3306/test",
        ),
        Backend::Postgres => (
            "MIKRONET_TEST_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/test",
        ),
        Backend::Sqlite => return None,
    };
    let url = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    (!url.is_empty() && url != "off").then_some(url)
}

/// `url` with its database name replaced.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base.rfind('/').unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn admin_statement(backend: Backend, url: &str, sql: String) -> Result<(), String> {
    let sql = AssertSqlSafe(sql);
    match backend {
        Backend::MySql => {
            let mut c = sqlx_mysql::MySqlConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            c.execute(sql).await.map_err(|e| e.to_string())?;
        }
        Backend::Postgres => {
            let mut c = sqlx_postgres::PgConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            c.execute(sql).await.map_err(|e| e.to_string())?;
        }
        Backend::Sqlite => {}
    }
    Ok(())
}

/// Today (UTC, the tests' provider zone) moved by `offset` days.
#[allow(dead_code)]
pub fn day(offset: i64) -> chrono::NaiveDate {
    let today = chrono::Utc::now().date_naive();
    if offset >= 0 {
        today + chrono::Days::new(offset as u64)
    } else {
        today - chrono::Days::new(offset.unsigned_abs())
    }
}

pub fn test_config(url: &str) -> Config {
    Config {
        database_url: url.to_owned(),
        secret_key: KEY.to_owned(),
        // Tests run billing for fixed past dates; the window has its own tests.
        billing_date_window_days: 36_500,
        ..Config::default()
    }
}

/// What every test database of a backend is copied from, made once per test process.
enum Template {
    /// The migrated database file.
    Sqlite(Vec<u8>),
    /// The template database on the server.
    Postgres(String),
    /// The template database, each of its tables' `CREATE TABLE` statements, the tables that
    /// hold rows (the migrations' bookkeeping), and its triggers' `CREATE TRIGGER` statements
    /// (the search index's upkeep), created after the rows are copied.
    MySql {
        database: String,
        create: Vec<String>,
        with_rows: Vec<String>,
        triggers: Vec<String>,
    },
}

/// The template's name: a hash of every migration and of the code that applies and translates
/// them, so that a changed schema never reuses an old template (and test runs of different
/// branches on one server each find their own).
fn template_name() -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    // Bump when the way templates are made changes.
    h.update(b"template v1\0");
    for m in migrations::MIGRATIONS {
        h.update(format!("{}\0{}\0{}\0", m.version, m.name, m.sql()));
    }
    h.update(include_str!("../../src/storage/migrations.rs"));
    h.update(include_str!("../../src/storage/sql.rs"));
    format!("mikronet_tmpl_{}", &hex::encode(h.finalize())[..16])
}

fn sql_err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A database just made from the migrations, its connections closed; `Err` when the server
/// cannot be reached.
async fn migrate_into(url: &str) -> Result<(), String> {
    let db = Db::connect(url, 1).await.map_err(sql_err)?;
    migrations::run(&db).await.map_err(sql_err)?;
    drop(db);
    Ok(())
}

async fn sqlite_template() -> Result<Template, String> {
    let path = std::env::temp_dir().join(format!(
        "mikronet_tmpl_{}_{}.db",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = async {
        // Dropping the only pool closes its connections, which folds the WAL into the file.
        migrate_into(&format!("sqlite://{}", path.display())).await?;
        std::fs::read(&path).map_err(sql_err)
    }
    .await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    result.map(Template::Sqlite)
}

/// Builds the PostgreSQL template unless it exists, under an advisory lock that every test
/// process on the server takes: it is migrated under another name and renamed when complete,
/// so a process that dies half-way leaves no half-made template.
async fn postgres_template(admin_url: &str) -> Result<Template, String> {
    let name = template_name();
    let mut c = sqlx_postgres::PgConnection::connect(admin_url)
        .await
        .map_err(sql_err)?;
    c.execute("SELECT pg_advisory_lock(7263002)")
        .await
        .map_err(sql_err)?;
    let exists = sqlx_core::query::query::<sqlx_postgres::Postgres>(
        "SELECT COUNT(*) FROM pg_database WHERE datname = $1",
    )
    .bind(&name)
    .fetch_one(&mut c)
    .await
    .map_err(sql_err)?
    .get::<i64, _>(0)
        > 0;
    if !exists {
        let build = format!("{name}_build");
        let run = |sql: String| AssertSqlSafe(sql);
        c.execute(run(format!("DROP DATABASE IF EXISTS {build} WITH (FORCE)")))
            .await
            .map_err(sql_err)?;
        c.execute(run(format!("CREATE DATABASE {build}")))
            .await
            .map_err(sql_err)?;
        migrate_into(&with_database(admin_url, &build)).await?;
        // A clone needs the template without sessions: end any the dropped pool left behind.
        let mut renamed = Err(String::new());
        for _ in 0..50 {
            c.execute(run(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{build}' AND pid <> pg_backend_pid()"
            )))
            .await
            .map_err(sql_err)?;
            renamed = c
                .execute(run(format!("ALTER DATABASE {build} RENAME TO {name}")))
                .await
                .map_err(sql_err);
            if renamed.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        renamed?;
        // No one connects to it any more (autovacuum included), so clones never find it busy.
        c.execute(run(format!(
            "ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
        )))
        .await
        .map_err(sql_err)?;
    }
    c.execute("SELECT pg_advisory_unlock(7263002)")
        .await
        .map_err(sql_err)?;
    Ok(Template::Postgres(name))
}

/// The names an `information_schema` query lists for the schema `schema`.
async fn names_in(
    c: &mut sqlx_mysql::MySqlConnection,
    sql: &'static str,
    schema: &str,
) -> Result<Vec<String>, String> {
    Ok(sqlx_core::query::query::<sqlx_mysql::MySql>(sql)
        .bind(schema)
        .fetch_all(c)
        .await
        .map_err(sql_err)?
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect())
}

/// Builds the MariaDB template unless a complete one exists (under a server lock), and reads
/// its tables' definitions.
async fn mysql_template(admin_url: &str) -> Result<Template, String> {
    let name = template_name();
    let mut c = sqlx_mysql::MySqlConnection::connect(admin_url)
        .await
        .map_err(sql_err)?;
    c.execute(AssertSqlSafe(format!("SELECT GET_LOCK('{name}', 600)")))
        .await
        .map_err(sql_err)?;
    // Complete when its bookkeeping lists every migration; a build that died half-way is
    // started again.
    let applied = c
        .fetch_one(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM `{name}`.schema_migrations"
        )))
        .await
        .map(|r| r.get::<i64, _>(0))
        .unwrap_or(-1);
    if applied != migrations::MIGRATIONS.len() as i64 {
        c.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
            .await
            .map_err(sql_err)?;
        c.execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .map_err(sql_err)?;
        migrate_into(&with_database(admin_url, &name)).await?;
    }
    c.execute(AssertSqlSafe(format!("SELECT RELEASE_LOCK('{name}')")))
        .await
        .map_err(sql_err)?;
    let tables = names_in(
        &mut c,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? \
         ORDER BY table_name",
        &name,
    )
    .await?;
    let mut create = Vec::new();
    let mut with_rows = Vec::new();
    for t in tables {
        let sql = format!("SHOW CREATE TABLE `{name}`.`{t}`");
        let row = c.fetch_one(AssertSqlSafe(sql)).await.map_err(sql_err)?;
        create.push(row.get::<String, _>(1));
        let sql = format!("SELECT COUNT(*) FROM `{name}`.`{t}`");
        let n: i64 = c
            .fetch_one(AssertSqlSafe(sql))
            .await
            .map_err(sql_err)?
            .get(0);
        if n > 0 {
            with_rows.push(t);
        }
    }
    let trigger_names = names_in(
        &mut c,
        "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = ? \
         ORDER BY trigger_name",
        &name,
    )
    .await?;
    let mut triggers = Vec::new();
    for t in trigger_names {
        let sql = format!("SHOW CREATE TRIGGER `{name}`.`{t}`");
        let row = c.fetch_one(AssertSqlSafe(sql)).await.map_err(sql_err)?;
        triggers.push(row.get::<String, _>(2));
    }
    Ok(Template::MySql {
        database: name,
        create,
        with_rows,
        triggers,
    })
}

static TEMPLATES: [OnceCell<Template>; 3] = [
    OnceCell::const_new(),
    OnceCell::const_new(),
    OnceCell::const_new(),
];

async fn template(backend: Backend, admin_url: Option<&str>) -> Result<&'static Template, String> {
    let (cell, url) = match backend {
        Backend::Sqlite => (&TEMPLATES[0], ""),
        Backend::MySql => (&TEMPLATES[1], admin_url.unwrap_or_default()),
        Backend::Postgres => (&TEMPLATES[2], admin_url.unwrap_or_default()),
    };
    cell.get_or_try_init(|| async move {
        match backend {
            Backend::Sqlite => sqlite_template().await,
            Backend::MySql => mysql_template(url).await,
            Backend::Postgres => postgres_template(url).await,
        }
    })
    .await
}

/// Makes the database `name` as a copy of the template.
async fn clone_template(template: &Template, admin_url: &str, name: &str) -> Result<(), String> {
    match template {
        Template::Sqlite(_) => Ok(()),
        Template::Postgres(tmpl) => {
            let mut c = sqlx_postgres::PgConnection::connect(admin_url)
                .await
                .map_err(sql_err)?;
            let sql = format!("CREATE DATABASE {name} TEMPLATE {tmpl}");
            let mut last = String::new();
            // Another process's clone that has just started may still hold the template.
            for _ in 0..50 {
                match c.execute(AssertSqlSafe(sql.clone())).await {
                    Ok(_) => return Ok(()),
                    Err(e) if e.to_string().contains("is being accessed by other users") => {
                        last = e.to_string();
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
            Err(last)
        }
        Template::MySql {
            database,
            create,
            with_rows,
            triggers,
        } => {
            admin_statement(Backend::MySql, admin_url, format!("CREATE DATABASE {name}")).await?;
            let url = with_database(admin_url, name);
            // Each CREATE TABLE commits and syncs on its own: a few connections at once take a
            // fraction of the time of one after the other. Without foreign key checks the
            // order does not matter.
            const CONNECTIONS: usize = 4;
            let jobs = (0..CONNECTIONS).map(|k| {
                let url = url.clone();
                let mine: Vec<String> = create
                    .iter()
                    .skip(k)
                    .step_by(CONNECTIONS)
                    .cloned()
                    .collect();
                async move {
                    let mut c = sqlx_mysql::MySqlConnection::connect(&url)
                        .await
                        .map_err(sql_err)?;
                    c.execute("SET FOREIGN_KEY_CHECKS = 0")
                        .await
                        .map_err(sql_err)?;
                    for sql in mine {
                        c.execute(AssertSqlSafe(sql)).await.map_err(sql_err)?;
                    }
                    Ok::<_, String>(())
                }
            });
            for r in futures_util::future::join_all(jobs).await {
                r?;
            }
            if !with_rows.is_empty() {
                let copy: Vec<String> = with_rows
                    .iter()
                    .map(|t| format!("INSERT INTO `{t}` SELECT * FROM `{database}`.`{t}`"))
                    .collect();
                admin_statement(Backend::MySql, &url, copy.join(";")).await?;
            }
            for sql in triggers {
                admin_statement(Backend::MySql, &url, sql.clone()).await?;
            }
            Ok(())
        }
    }
}

/// Drops the test databases off the tests' path (a PostgreSQL `DROP DATABASE` waits for a
/// checkpoint, over a second on a busy machine) on a few threads of its own; the process waits
/// for the last ones when it exits.
struct Dropper {
    jobs: Mutex<std::sync::mpsc::Sender<DropJob>>,
    /// Databases queued and not yet dropped.
    pending: Mutex<usize>,
    done: std::sync::Condvar,
}

struct DropJob {
    backend: Backend,
    admin_url: String,
    database: String,
}

/// Drops at once: concurrent PostgreSQL drops share their checkpoints.
const DROP_THREADS: usize = 4;

static DROPPER: LazyLock<Dropper> = LazyLock::new(|| {
    let (tx, rx) = std::sync::mpsc::channel::<DropJob>();
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..DROP_THREADS {
        let rx = rx.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            loop {
                let Ok(job) = rx.lock().unwrap().recv() else {
                    return;
                };
                let sql = match job.backend {
                    Backend::Postgres => {
                        format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", job.database)
                    }
                    _ => format!("DROP DATABASE IF EXISTS {}", job.database),
                };
                let _ = rt.block_on(admin_statement(job.backend, &job.admin_url, sql));
                let d = &*DROPPER;
                *d.pending.lock().unwrap() -= 1;
                d.done.notify_all();
            }
        });
    }
    unsafe extern "C" {
        fn atexit(f: extern "C" fn()) -> std::ffi::c_int;
    }
    // SAFETY: registers a plain function without arguments, as atexit(3) expects.
    unsafe {
        atexit(wait_for_drops);
    }
    Dropper {
        jobs: Mutex::new(tx),
        pending: Mutex::new(0),
        done: std::sync::Condvar::new(),
    }
});

fn drop_later(job: DropJob) {
    let d = &*DROPPER;
    *d.pending.lock().unwrap() += 1;
    if d.jobs.lock().unwrap().send(job).is_err() {
        *d.pending.lock().unwrap() -= 1;
    }
}

/// At exit: waits (a bounded time) until every queued database is dropped.
extern "C" fn wait_for_drops() {
    let d = &*DROPPER;
    let Ok(pending) = d.pending.lock() else {
        return;
    };
    let _ = d
        .done
        .wait_timeout_while(pending, std::time::Duration::from_secs(300), |n| *n > 0);
}

/// The password the helpers give a user: `pw-NAME-long`.
pub fn password_of(username: &str) -> String {
    format!("pw-{username}-long")
}

/// Argon2 hashes of the helpers' passwords, made once per process: hashing at the production
/// setting takes tens of milliseconds, once per seeded user and again per login before.
static HASHES: LazyLock<Mutex<HashMap<String, String>>> = LazyLock::new(Default::default);

async fn hash_of(password: &str) -> String {
    if let Some(h) = HASHES.lock().unwrap().get(password) {
        return h.clone();
    }
    let pw = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || mikronet::security::password::hash(&pw))
        .await
        .unwrap();
    HASHES
        .lock()
        .unwrap()
        .entry(password.to_owned())
        .or_insert(hash)
        .clone()
}

impl TestApp {
    /// A fresh app on `backend`, or `None` when that backend is not available here.
    pub async fn new(backend: Backend) -> Option<TestApp> {
        Self::with_config(backend, |_| {}).await
    }

    pub async fn with_config(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let name = format!("mikronet_t_{}", uuid::Uuid::new_v4().simple());
        let admin_url = match backend {
            Backend::Sqlite => None,
            _ => Some(server_url(backend)?),
        };
        let made = async {
            let template = template(backend, admin_url.as_deref()).await?;
            clone_template(template, admin_url.as_deref().unwrap_or_default(), &name).await?;
            Ok::<_, String>(template)
        }
        .await;
        let template = match made {
            Ok(t) => t,
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!(
                        "{} is configured but unreachable under CI: {e}",
                        backend.name()
                    );
                }
                eprintln!("SKIPPED on {}: server unreachable ({e})", backend.name());
                return None;
            }
        };
        let (url, cleanup) = match (template, admin_url) {
            (Template::Sqlite(bytes), _) => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                std::io::Write::write_all(&mut options.open(&path).unwrap(), bytes).unwrap();
                (format!("sqlite://{}", path.display()), Cleanup::File(path))
            }
            (_, admin_url) => {
                let admin_url = admin_url.unwrap();
                (
                    with_database(&admin_url, &name),
                    Cleanup::Server {
                        admin_url,
                        database: name,
                    },
                )
            }
        };
        let mut config = test_config(&url);
        tweak(&mut config);
        let db = Db::connect(&url, config.pool_size())
            .await
            .expect("connect");
        // The copy is the migrated schema: a server starting on it has nothing to do.
        let pending = migrations::run(&db).await.expect("migrate");
        assert_eq!(
            pending,
            Vec::<i64>::new(),
            "the template was not fully migrated"
        );
        let secrets = SecretBox::from_base64(KEY).unwrap();
        let app = Arc::new(App::new(config, db, secrets));
        Some(TestApp {
            router: mikronet::http::router(app.clone()),
            app,
            backend,
            cleanup: Some(cleanup),
        })
    }

    pub fn db(&self) -> &Db {
        &self.app.db
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Resp {
        self.send(request(method, path, token, body, &[])).await
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        // A PDF is not text: `text` is then its lossy reading, `bytes` the body as sent.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &str) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &str) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Creates a user (the first one opens the installation: `admin` is `None` and the user is
    /// an admin whatever `role` says) with the password `pw-NAME-long`, and logs it in.
    ///
    /// The user is written through the repository, as `/auth/register` would write it, with a
    /// password hash made once per process, and the token is issued the same way: no Argon2
    /// per test. Whatever the shortcut does not cover (a caller who may not create users, a
    /// name or role that does not validate, a name taken) goes through the route, which fails
    /// the test as it always did. Tests of registration itself use the route
    /// ([`TestApp::user_over_http`]).
    pub async fn user(&self, admin: Option<&str>, username: &str, role: &str) -> String {
        if self.seed_user(admin, username, role).await.is_none() {
            self.register_over_http(admin, username, role).await;
        }
        self.login(username).await
    }

    /// As [`TestApp::user`], through `/auth/register` and `/auth/login`.
    pub async fn user_over_http(&self, admin: Option<&str>, username: &str, role: &str) -> String {
        self.register_over_http(admin, username, role).await;
        self.login_over_http(username).await
    }

    async fn register_over_http(&self, admin: Option<&str>, username: &str, role: &str) {
        let body = serde_json::json!({
            "username": username,
            "password": password_of(username),
            "role": role,
        })
        .to_string();
        let r = self.post("/auth/register", admin, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }

    /// What `/auth/register` does for an admin (or for the first user), through the
    /// repository; `None` where the route would refuse.
    async fn seed_user(&self, admin: Option<&str>, username: &str, role: &str) -> Option<()> {
        let bootstrap = match admin {
            None => true,
            Some(token) => {
                let caller = mikronet::service::auth::authenticate(&self.app, token)
                    .await
                    .ok()?;
                if !caller.actor.role.manages_users() {
                    return None;
                }
                false
            }
        };
        let draft = UserDraft {
            username: Some(username.to_owned()),
            password: Some(password_of(username)),
            role: Some(role.to_owned()),
            disabled: None,
        };
        let default_role = if bootstrap {
            Role::Admin
        } else {
            Role::Operator
        };
        let new = User::validate(&draft, default_role).ok()?;
        let role = if bootstrap { Role::Admin } else { new.role };
        let hash = hash_of(&new.password).await;
        let now = chrono::Utc::now();
        self.app
            .db
            .write(move |ex| {
                Box::pin(async move {
                    mikronet::service::auth::register_tx(
                        ex,
                        "system:test",
                        &new.username,
                        &hash,
                        role,
                        bootstrap,
                        now,
                    )
                    .await
                })
            })
            .await
            .ok()?;
        Some(())
    }

    /// A token for `username` with the password `pw-NAME-long`. A user whose stored hash is
    /// the one made for that password gets it as `/auth/login` would issue it (the throttle
    /// counts it, the token row is written) without checking the password again; any other
    /// goes through the route.
    pub async fn login(&self, username: &str) -> String {
        match self.seeded_login(username).await {
            Some(token) => token,
            None => self.login_over_http(username).await,
        }
    }

    async fn seeded_login(&self, username: &str) -> Option<String> {
        let known = HASHES
            .lock()
            .unwrap()
            .get(&password_of(username))
            .cloned()?;
        let name = username.to_owned();
        let (user, hash) = self
            .app
            .db
            .read(move |ex| Box::pin(async move { users::find_by_username(ex, &name).await }))
            .await
            .ok()??;
        if hash != known || user.disabled {
            return None;
        }
        // The in-process client has no peer address: the route counts it as "unknown".
        self.app.throttle.attempt(username, "unknown").ok()?;
        self.app.throttle.succeeded(username, "unknown");
        let token = mikronet::security::token::generate();
        let digest = mikronet::security::token::digest(&token);
        let now = chrono::Utc::now();
        let expires_at = now + chrono::Duration::minutes(self.app.config.token_ttl_minutes);
        self.app
            .db
            .write(move |ex| {
                Box::pin(async move {
                    tokens::purge_expired(ex, now).await?;
                    tokens::insert(ex, &digest, user.id, now, expires_at).await
                })
            })
            .await
            .ok()?;
        Some(token)
    }

    pub async fn login_over_http(&self, username: &str) -> String {
        let body = serde_json::json!({"username": username, "password": password_of(username)});
        let r = self.post("/auth/login", None, &body.to_string()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["token"].as_str().unwrap().to_owned()
    }

    /// The first user, an admin, logged in.
    pub async fn admin(&self) -> String {
        self.user(None, "admin", "admin").await
    }

    pub async fn create_client(&self, token: &str, name: &str, ppp: &str) -> i64 {
        let r = self
            .post(
                "/client/register",
                Some(token),
                &format!(
                    r#"{{"name":"{name}","phone_number":"08123456789","address":"Jl. Merdeka No.1","ppp_secret_name":"{ppp}","password":"securepassword"}}"#
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["data"]["client_id"].as_i64().unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match self.cleanup.take() {
            Some(Cleanup::File(path)) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Some(Cleanup::Server {
                admin_url,
                database,
            }) => {
                drop_later(DropJob {
                    backend: self.backend,
                    admin_url,
                    database,
                });
            }
            None => {}
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl Resp {
    /// Asserts the status and, for errors, the shared error shape; returns self.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        if status >= 400 {
            assert_eq!(self.json["status"], status, "error shape: {}", self.text);
            assert!(self.json["error"].is_string(), "error shape: {}", self.text);
            assert!(
                self.json["message"].is_string(),
                "error shape: {}",
                self.text
            );
        }
        self
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// One test per backend for each `async fn name(backend: Backend)` listed, for tests that
/// build their own app (another configuration, several servers).
#[macro_export]
macro_rules! per_backend {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { super::$name(mikronet::storage::Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() { super::$name(mikronet::storage::Backend::MySql).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { super::$name(mikronet::storage::Backend::Postgres).await }
        })*
    };
}

/// Generates one test per backend for each `async fn name(app: TestApp)` listed.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::new(mikronet::storage::Backend::Sqlite).await {
                    super::$name(app).await
                }
            })*
        }
        mod mysql {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::new(mikronet::storage::Backend::MySql).await {
                    super::$name(app).await
                }
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::new(mikronet::storage::Backend::Postgres).await {
                    super::$name(app).await
                }
            })*
        }
    };
}

/// The password of [`simulator`]'s admin.
pub const ROUTER_PASSWORD: &str = "Router-Pa55-word";

/// A RouterOS simulator named `core-1` with the admin password [`ROUTER_PASSWORD`].
pub async fn simulator() -> routeros::sim::SimHandle {
    routeros::sim::Simulator::start(routeros::sim::SimConfig {
        password: ROUTER_PASSWORD.into(),
        identity: "core-1".into(),
        ..routeros::sim::SimConfig::default()
    })
    .await
    .unwrap()
}

impl TestApp {
    /// Runs router sync rounds until nothing is left to do, skipping the reconnect backoff;
    /// what they did.
    pub async fn settle(&self) -> mikronet::provisioning::worker::RoundStats {
        let mut total = mikronet::provisioning::worker::RoundStats::default();
        for _ in 0..50 {
            self.db()
                .write(|ex| {
                    Box::pin(async move {
                        ex.execute("UPDATE routers SET retry_at = NULL", &[])
                            .await?;
                        ex.execute(
                            "UPDATE router_sync SET next_attempt_at = ? WHERE status = 'pending'",
                            mikronet::params![chrono::Utc::now()],
                        )
                        .await
                    })
                })
                .await
                .unwrap();
            total += mikronet::provisioning::worker::drain(&self.app)
                .await
                .unwrap();
            let pending: i64 = self
                .db()
                .read(|ex| {
                    Box::pin(async move { mikronet::storage::repo::sync::pending_count(ex).await })
                })
                .await
                .unwrap();
            if pending == 0 {
                return total;
            }
        }
        panic!("the router sync did not settle: {total:?}");
    }
}

impl TestApp {
    /// Registers the simulator as the router `core-1` over the API transport; its id.
    pub async fn add_router(&self, admin: &str, sim: &routeros::sim::SimHandle) -> i64 {
        let body = format!(
            r#"{{"name":"core-1","host":"127.0.0.1","port":{},"transport":"api","username":"admin","password":"{ROUTER_PASSWORD}"}}"#,
            sim.api_addr.port()
        );
        let r = self.post("/routers", Some(admin), &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["data"]["router_id"].as_i64().unwrap()
    }

    /// `POST /routers/{router}/reconcile`: the drift report (nothing repaired), asserted 200.
    pub async fn reconcile(&self, admin: &str, router: i64) -> Resp {
        self.call(
            Method::POST,
            &format!("/routers/{router}/reconcile"),
            Some(admin),
            None,
        )
        .await
        .expect(200)
    }

    pub async fn create_plan(&self, token: &str, name: &str, price: &str) -> i64 {
        let body = format!(
            r#"{{"plan_name":"{name}","price":{price},"ppp_profile_name":"{name}-profile","rate_limit":"10M/10M"}}"#
        );
        let r = self.post("/plans", Some(token), &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["data"]["plan_id"].as_i64().unwrap()
    }

    pub async fn subscribe(
        &self,
        token: &str,
        client: i64,
        plan: i64,
        start: &str,
        end: &str,
    ) -> i64 {
        let body = format!(
            r#"{{"client_id":{client},"plan_id":{plan},"start_date":"{start}","end_date":"{end}"}}"#
        );
        let r = self.post("/subscriptions", Some(token), &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["data"]["subscription_id"].as_i64().unwrap()
    }

    /// Runs generation for `date`; returns the summary's `data`.
    pub async fn generate(&self, token: &str, date: &str) -> Value {
        let r = self
            .call(
                Method::POST,
                &format!("/invoices/generate?date={date}"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["data"].clone()
    }

    /// `POST /billing/run?date=`: the daily run's `data`, asserted 200.
    pub async fn billing_run(&self, token: &str, date: impl std::fmt::Display) -> Value {
        let r = self
            .call(
                Method::POST,
                &format!("/billing/run?date={date}"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["data"].clone()
    }

    pub async fn pay(&self, token: &str, invoice: i64, body: &str) -> Resp {
        self.post(&format!("/invoices/{invoice}/payments"), Some(token), body)
            .await
    }

    /// `mikronet audit verify`'s check on this database: the chain is intact and every invoice
    /// and payment agrees with it.
    pub async fn audit_holds(&self) {
        let v = mikronet::service::audit::verify(self.db()).await.unwrap();
        assert!(v.ok(), "{v:?}");
        assert!(v.entries > 0);
    }

    /// Runs one statement behind the server's back (no checks), for a state the API cannot
    /// make.
    pub async fn execute(&self, sql: &'static str, params: Vec<mikronet::storage::Value>) {
        self.db()
            .write(move |ex: &mut dyn mikronet::storage::Exec| {
                Box::pin(async move { ex.execute(sql, &params).await })
            })
            .await
            .unwrap();
    }

    /// The ids of a subscription's invoices, oldest first.
    pub async fn invoices_of(&self, token: &str, subscription: i64) -> Vec<Value> {
        let r = self
            .get(&format!("/invoices?subscription_id={subscription}"), token)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["data"].as_array().unwrap().clone()
    }
}

impl TestApp {
    /// A request as the listener would hand it over from the peer `peer` (`ip:port`), with
    /// extra headers.
    pub async fn call_from(
        &self,
        peer: &str,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = request(method, path, token, body, headers);
        let peer: std::net::SocketAddr = peer.parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.send(req).await
    }

    /// A login of `username` with `password` from `peer`.
    pub async fn login_from(&self, peer: &str, username: &str, password: &str) -> Resp {
        let body = serde_json::json!({"username": username, "password": password}).to_string();
        self.call_from(peer, Method::POST, "/auth/login", None, Some(&body), &[])
            .await
    }
}

/// A request with an optional bearer token, JSON body and extra headers.
pub fn request(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
        .unwrap()
}

/// Log output kept in memory, for tests that read what was logged.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// A JSON answer laid out for a snapshot file, one member per line, with every token as it was
/// sent (member order, number spelling), so the snapshot is as strict as comparing the text.
/// A member named in `redact` with the value given (its text, or `*` for any value: tokens,
/// timestamps) shows as `"[name]"`; with another value it shows that value, and differs from
/// the snapshot. So ids that differ between backends are checked against the test's own and
/// the snapshot is the same on all three.
pub fn pretty_json(text: &str, redact: &[(&str, String)]) -> String {
    serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    let mut p = Pretty {
        src: text.as_bytes(),
        at: 0,
        out: String::new(),
        redact,
    };
    p.value(0);
    p.out
}

struct Pretty<'a> {
    src: &'a [u8],
    at: usize,
    out: String,
    redact: &'a [(&'a str, String)],
}

impl Pretty<'_> {
    fn skip_space(&mut self) {
        while self.src.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn indent(&mut self, depth: usize) {
        self.out.push('\n');
        self.out.push_str(&"  ".repeat(depth));
    }

    /// A string or a scalar's text; the JSON is known to be valid.
    fn token(&mut self) -> String {
        self.skip_space();
        let start = self.at;
        if self.src[self.at] == b'"' {
            self.at += 1;
            while self.src[self.at] != b'"' {
                self.at += if self.src[self.at] == b'\\' { 2 } else { 1 };
            }
            self.at += 1;
        } else {
            while self.at < self.src.len()
                && !matches!(self.src[self.at], b',' | b']' | b'}')
                && !self.src[self.at].is_ascii_whitespace()
            {
                self.at += 1;
            }
        }
        String::from_utf8(self.src[start..self.at].to_vec()).unwrap()
    }

    fn value(&mut self, depth: usize) {
        self.skip_space();
        let (open, close) = match self.src[self.at] {
            b'{' => (b'{', b'}'),
            b'[' => (b'[', b']'),
            _ => {
                let t = self.token();
                self.out.push_str(&t);
                return;
            }
        };
        self.at += 1;
        self.out.push(open as char);
        self.skip_space();
        if self.src[self.at] == close {
            self.at += 1;
            self.out.push(close as char);
            return;
        }
        loop {
            self.indent(depth + 1);
            if open == b'{' {
                let key = self.token();
                self.skip_space();
                self.at += 1; // ':'
                self.out.push_str(&key);
                self.out.push_str(": ");
                self.skip_space();
                let name = key.trim_matches('"');
                let rule = self.redact.iter().find(|(k, _)| *k == name);
                if let Some((_, expected)) = rule
                    && !matches!(self.src[self.at], b'{' | b'[')
                {
                    let t = self.token();
                    if expected == "*" || t.trim_matches('"') == expected {
                        self.out.push_str(&format!("\"[{name}]\""));
                    } else {
                        self.out.push_str(&t);
                    }
                } else {
                    self.value(depth + 1);
                }
            } else {
                self.value(depth + 1);
            }
            self.skip_space();
            let c = self.src[self.at];
            self.at += 1;
            if c == close {
                break;
            }
            self.out.push(',');
        }
        self.indent(depth);
        self.out.push(close as char);
    }
}

/// `snapshot!("name", text, "client_id" => id, "token" => "*")`: the JSON `text` laid out by
/// [`pretty_json`] matches `tests/snapshots/<test file>__name.snap`. One name per test step,
/// not per backend: the three backends must give the same answer. A missing or different
/// snapshot fails the test (under `CI` nothing is written; elsewhere insta leaves a `.snap.new`
/// to review with `cargo insta review`, or to rename).
#[macro_export]
macro_rules! snapshot {
    ($name:expr, $text:expr $(, $key:expr => $value:expr)* $(,)?) => {
        insta::assert_snapshot!(
            $name,
            $crate::common::pretty_json(&$text, &[$(($key, $value.to_string())),*]),
            stringify!($text)
        )
    };
}

/// The console, as a browser signed in with `token` (a login token is a console session).
impl TestApp {
    pub async fn page(&self, path: &str, token: &str) -> Resp {
        let req = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header("cookie", format!("mikronet_session={token}"))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a console form (`name=value` pairs, encoded here) with the session's CSRF token.
    pub async fn submit(&self, path: &str, token: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = mikronet::http::console::session::csrf_token(&self.app, token);
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().copied())
            .append_pair("_csrf", &csrf)
            .finish();
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", format!("mikronet_session={token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }
}
