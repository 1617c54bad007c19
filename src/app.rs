//! The running application: configuration, database and the in-memory state of auth.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use parking_lot::RwLock;

use tokio::sync::{Notify, watch};

use crate::config::Config;
use crate::domain::settings::Settings;
use crate::provisioning::connections::Connections;
use crate::security::secret_box::SecretBox;
use crate::security::throttle::LoginThrottle;
use crate::security::token_cache::TokenCache;
use crate::storage::{Db, migrations};

pub struct App {
    pub config: Config,
    pub db: Db,
    pub secrets: SecretBox,
    pub tokens: TokenCache,
    pub throttle: LoginThrottle,
    pub connections: Connections,
    /// Woken when a request marks router objects, so the worker does not wait for its tick.
    pub jobs_ready: Notify,
    /// Moves on after every worker round that settled something.
    pub synced: watch::Sender<u64>,
    /// This process's name on its router sync leases.
    pub worker_id: String,
    /// The provider's settings in effect (see `service::settings`).
    settings: RwLock<Arc<Settings>>,
}

pub type AppState = Arc<App>;

impl App {
    /// Connects to the database, brings its schema up to date and loads the secret key.
    pub async fn start(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(&config.database_url, config.pool_size())
            .await
            .with_context(|| {
                format!("cannot open the {} database", scheme(&config.database_url))
            })?;
        let applied = migrations::run(&db).await.context("migration failed")?;
        if !applied.is_empty() {
            tracing::info!(?applied, "database migrated");
        }
        let secrets = load_secret_key(&config)?;
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
            throttle: LoginThrottle::new(
                config.login_max_failures,
                Duration::from_secs(config.login_lockout_seconds),
            ),
            config,
            db,
            secrets,
            connections: Connections::default(),
            jobs_ready: Notify::new(),
            synced: watch::Sender::new(0),
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

fn load_secret_key(config: &Config) -> anyhow::Result<SecretBox> {
    if !config.secret_key.is_empty() {
        return SecretBox::from_base64(&config.secret_key).context("secret_key");
    }
    let path = Path::new(&config.secret_key_file);
    if !path.exists() {
        write_new_key(path)?;
        tracing::warn!(
            file = %path.display(),
            "created a new secret key; back it up with the database: sealed passwords cannot be read without it"
        );
    }
    let key = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the secret key file {}", path.display()))?;
    SecretBox::from_base64(&key).with_context(|| format!("secret key file {}", path.display()))
}

fn write_new_key(path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot create the secret key file {}", path.display()))?;
    writeln!(f, "{}", SecretBox::generate_key())?;
    Ok(())
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
}
