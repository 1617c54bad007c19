//! The running application: configuration, database and the in-memory state of auth.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use parking_lot::RwLock;

use tokio::sync::{Notify, watch};

use crate::config::Config;
use crate::domain::settings::Settings;
use crate::provisioning::connections::Connections;
use crate::security::net::Cidr;
use crate::security::password::Hasher;
use crate::security::secret_box::SecretBox;
use crate::security::throttle::{LoginThrottle, Rules};
use crate::security::token_cache::TokenCache;
use crate::service::keys::{self, OnFirstStart};
use crate::storage::{Db, migrations};

pub struct App {
    pub config: Config,
    pub db: Db,
    pub secrets: SecretBox,
    pub tokens: TokenCache,
    pub throttle: LoginThrottle,
    /// Every Argon2 computation, bounded.
    pub hasher: Hasher,
    /// `trusted_proxies`, parsed.
    pub trusted_proxies: Vec<Cidr>,
    pub connections: Connections,
    /// Woken when a request marks router objects, so the worker does not wait for its tick.
    pub jobs_ready: Notify,
    /// Moves on after every worker round that settled something.
    pub synced: watch::Sender<u64>,
    /// This process's name on its router sync leases.
    pub worker_id: String,
    /// The provider's settings in effect (see `service::settings`).
    settings: RwLock<Arc<Settings>>,
    /// This process's counters and gauges (`GET /metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The channels messages to clients go through.
    pub notifier: crate::notify::Notifier,
    /// Woken when messages to clients are queued.
    pub messages_ready: Notify,
    /// The payment gateways configured.
    pub gateways: crate::gateway::Gateways,
    /// Who the notice page found at an address lately (see `service::notice`).
    pub notice_seen: crate::service::notice::Seen,
}

pub type AppState = Arc<App>;

impl App {
    /// `serve`: opens the database (creating a SQLite file), brings its schema up to date,
    /// and loads the secret key (creating it on the first start of an empty database).
    pub async fn start(config: Config) -> anyhow::Result<AppState> {
        // A key that cannot be read is refused before anything is created or migrated.
        keys::read_key(&config)?;
        let db = connect(&config, true).await?;
        let applied = migrations::run(&db).await.context("migration failed")?;
        if !applied.is_empty() {
            tracing::info!(?applied, "database migrated");
        }
        let secrets = keys::load(&db, &config, OnFirstStart::Create).await?;
        App::with_settings(config, db, secrets).await
    }

    /// Every command but `serve` and `migrate`: the database must exist with its schema up to
    /// date, and the key must be the database's; nothing is created.
    pub async fn open(config: Config) -> anyhow::Result<AppState> {
        let db = open_existing(&config).await?;
        let secrets = keys::load(&db, &config, OnFirstStart::UseOnly).await?;
        App::with_settings(config, db, secrets).await
    }

    /// The app with the settings saved in the database read.
    async fn with_settings(config: Config, db: Db, secrets: SecretBox) -> anyhow::Result<AppState> {
        let app = Arc::new(App::new(config, db, secrets));
        crate::service::settings::refresh(&app)
            .await
            .context("cannot read the settings")?;
        Ok(app)
    }

    pub fn new(config: Config, db: Db, secrets: SecretBox) -> App {
        App {
            settings: RwLock::new(Arc::new(config.default_settings())),
            tokens: TokenCache::new(Duration::from_secs(config.token_cache_seconds), 100_000),
            throttle: LoginThrottle::new(Rules {
                free_attempts: config.login_free_attempts,
                address_free_attempts: config.login_address_free_attempts,
                max_delay: Duration::from_secs(config.login_max_delay_seconds),
            }),
            hasher: Hasher::new(config.hash_concurrency()),
            notifier: crate::notify::Notifier::from_config(&config),
            gateways: {
                let (midtrans, xendit) = config.payment_gateways();
                crate::gateway::Gateways::new(midtrans, xendit)
                    .expect("an HTTP client with the built-in roots")
            },
            messages_ready: Notify::new(),
            notice_seen: Default::default(),
            // Checked by Config::load; a list built in code skips what does not parse.
            trusted_proxies: config
                .trusted_proxies
                .iter()
                .filter_map(|p| Cidr::parse(p))
                .collect(),
            config,
            db,
            secrets,
            connections: Connections::default(),
            jobs_ready: Notify::new(),
            synced: watch::Sender::new(0),
            metrics: Arc::new(crate::metrics::Metrics::new()),
            worker_id: format!(
                "{}-{}",
                std::process::id(),
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            ),
        }
    }
}

impl App {
    /// The provider's settings in effect now.
    pub fn settings(&self) -> Arc<Settings> {
        self.settings.read().clone()
    }

    pub fn set_settings(&self, s: Arc<Settings>) {
        *self.settings.write() = s;
    }

    /// Today's date in the provider's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.settings().today()
    }
}

/// The URL's scheme only: the rest may hold a password, which never reaches a log.
pub fn scheme(url: &str) -> &str {
    url.split(':').next().unwrap_or("")
}

/// The database a URL names, for messages: file, or server, port, database and user, never
/// the password.
pub fn describe_database(url: &str) -> String {
    if let Some(path) = crate::storage::sqlite_path(url) {
        return format!("the SQLite database {}", path.display());
    }
    let scheme = scheme(url);
    match url::Url::parse(url) {
        Ok(u) => {
            let port = u.port().unwrap_or(match scheme {
                "postgres" | "postgresql" => 5432,
                _ => 3306,
            });
            let mut out = format!(
                "the {scheme} database '{}' at {}:{port}",
                u.path().trim_start_matches('/'),
                u.host_str().unwrap_or("")
            );
            if !u.username().is_empty() {
                out.push_str(&format!(" (user {})", u.username()));
            }
            out
        }
        Err(_) => format!("the {scheme} database"),
    }
}

/// Connects, naming the database and the cause on failure. `create`: a SQLite file may be
/// created (only `serve` and `migrate` may).
pub async fn connect(config: &Config, create: bool) -> anyhow::Result<Db> {
    let what = describe_database(&config.database_url);
    let result = if create {
        Db::connect(&config.database_url, config.pool_size()).await
    } else {
        Db::connect_existing(&config.database_url, config.pool_size()).await
    };
    result.map_err(|e| anyhow::anyhow!("cannot connect to {what}: {e}"))
}

/// The database as it is: refused when missing or when its schema is not this program's.
pub async fn open_existing(config: &Config) -> anyhow::Result<Db> {
    let what = describe_database(&config.database_url);
    if let Some(path) = crate::storage::sqlite_path(&config.database_url)
        && !path.exists()
    {
        bail!(
            "there is no database at {} (database_url); run `mikronet migrate` or start              `mikronet serve` to create it, or point database_url at the existing one",
            path.display()
        );
    }
    let db = connect(config, false).await?;
    let pending = migrations::pending(&db)
        .await
        .with_context(|| format!("cannot read the schema version of {what}"))?;
    if pending.is_empty() {
        return Ok(db);
    }
    if pending.len() == migrations::MIGRATIONS.len() {
        bail!(
            "{what} has no MikroNet schema; run `mikronet migrate` (or start `mikronet serve`)              first, or point database_url at the right database"
        );
    }
    bail!(
        "{what} needs migrations {pending:?} first; run `mikronet migrate` (or start          `mikronet serve`), then this command again"
    )
}

impl crate::notify::Context for App {
    fn db(&self) -> &Db {
        &self.db
    }
    fn settings(&self) -> Arc<Settings> {
        App::settings(self)
    }
    fn notifier(&self) -> &crate::notify::Notifier {
        &self.notifier
    }
    fn messages_ready(&self) -> &Notify {
        &self.messages_ready
    }
    fn invoice_pdf(
        &self,
        invoice: crate::domain::ids::InvoiceId,
        lang: crate::i18n::Lang,
    ) -> futures_util::future::BoxFuture<'_, Option<crate::notify::send::Attachment>> {
        Box::pin(async move {
            let made = async {
                let doc = crate::service::invoices::document(self, invoice).await?;
                let layout = documents::Layout::A4;
                let bytes =
                    crate::service::documents::invoice_pdf(self, &doc, lang, layout).await?;
                Ok::<_, crate::service::AppError>(crate::notify::send::Attachment {
                    name: format!("{}.pdf", doc.invoice.number()),
                    bytes,
                })
            };
            match made.await {
                Ok(a) => Some(a),
                Err(e) => {
                    tracing::warn!(%invoice, error = %e, "the invoice PDF is not attached");
                    None
                }
            }
        })
    }
}

impl crate::provisioning::Context for App {
    fn db(&self) -> &Db {
        &self.db
    }
    fn secrets(&self) -> &SecretBox {
        &self.secrets
    }
    fn connections(&self) -> &Connections {
        &self.connections
    }
    fn jobs_ready(&self) -> &Notify {
        &self.jobs_ready
    }
    fn synced(&self) -> &watch::Sender<u64> {
        &self.synced
    }
    fn worker_id(&self) -> &str {
        &self.worker_id
    }
    fn sync_settings(&self) -> crate::provisioning::SyncSettings {
        self.config.sync_settings()
    }
    fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }
    fn isolation_setup(
        &self,
        router: &crate::domain::router::Router,
    ) -> Option<crate::domain::isolation::Setup> {
        self.isolation_setup(router).ok()
    }
}

impl App {
    /// What `router` must hold for its cut-off clients to meet the notice page (see
    /// [`crate::domain::isolation`]), or why it has none.
    pub fn isolation_setup(
        &self,
        router: &crate::domain::router::Router,
    ) -> Result<crate::domain::isolation::Setup, crate::domain::isolation::NoSetup> {
        crate::domain::isolation::Setup::for_router(
            &router.settings,
            self.config.notice_target(),
            self.config.garden_hosts(),
        )
    }
}
