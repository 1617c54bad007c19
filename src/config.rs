//! Configuration: a TOML file, overridden key by key by environment variables.
//!
//! Every key `k` can be set by `MIKRONET_K` (upper case); the database URL also by the usual
//! `DATABASE_URL`. Defaults run a development server with no setup at all.

use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port the HTTP server listens on.
    pub listen: String,
    /// `sqlite://FILE`, `mysql://USER:PASS@HOST/DB` or `postgres://USER:PASS@HOST/DB`.
    pub database_url: String,
    /// Connections in the pool; 0 picks a default per backend.
    pub database_max_connections: u32,
    /// Base64 of 32 random bytes; seals PPP and router passwords stored in the database.
    pub secret_key: String,
    /// Where the key is kept when `secret_key` is empty (created on first start).
    pub secret_key_file: String,
    /// Lifetime of a login token.
    pub token_ttl_minutes: i64,
    /// How long a validated token is trusted from memory (0 disables the cache).
    pub token_cache_seconds: u64,
    /// Failed logins per user name or address before further attempts are refused.
    pub login_max_failures: u32,
    /// How long those refusals last.
    pub login_lockout_seconds: u64,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    pub default_page_size: u32,
    pub max_page_size: u32,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter, e.g. `info` or `mikronet=debug,tower_http=info`.
    pub log: String,
    /// Take the client address for login throttling from `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
    /// The provider's IANA time zone: "today" for invoice and due dates is taken there.
    pub time_zone: String,
    /// Invoice a subscription this many days before its end date.
    pub invoice_days_before: u32,
    /// An invoice is due this many days after its invoice date.
    pub invoice_due_days: u32,
    /// Days after the due date before an unpaid subscription is cut off.
    pub grace_days: u32,
    /// Run invoice generation and cut-offs daily inside `serve`.
    pub billing_scheduler: bool,
    /// Local time (in `time_zone`) of the daily run, `HH:MM`.
    pub billing_time: String,
    /// Apply queued router changes inside `serve` (turn off where another process does).
    pub provisioning_worker: bool,
    /// How long a manual connect/disconnect waits for the router before answering 202.
    pub switch_wait_ms: u64,
    /// How long a worker's lease on router objects lasts (renewed while it works): a crashed
    /// server's objects are served again within this.
    pub sync_lease_seconds: u64,
    /// How often every router is compared with the database, whatever changed.
    pub reconcile_interval_seconds: u64,
    /// How often every router is contacted to check it is up and has not restarted.
    pub router_probe_seconds: u64,
    /// How long `reconcile` with apply waits for its repairs before reporting.
    pub reconcile_wait_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://mikronet.db".into(),
            database_max_connections: 0,
            secret_key: String::new(),
            secret_key_file: "mikronet.key".into(),
            token_ttl_minutes: 12 * 60,
            token_cache_seconds: 10,
            login_max_failures: 5,
            login_lockout_seconds: 15 * 60,
            max_body_bytes: 64 * 1024,
            default_page_size: 100,
            max_page_size: 1000,
            log_format: "text".into(),
            log: "info".into(),
            trust_forwarded_for: false,
            time_zone: "UTC".into(),
            invoice_days_before: 4,
            invoice_due_days: 7,
            grace_days: 0,
            billing_scheduler: true,
            billing_time: "00:05".into(),
            provisioning_worker: true,
            switch_wait_ms: 3000,
            sync_lease_seconds: 5,
            reconcile_interval_seconds: 3600,
            router_probe_seconds: 30,
            reconcile_wait_seconds: 30,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// An environment value as TOML: integers and booleans keep their type, anything else is text.
fn env_value(raw: &str) -> toml::Value {
    if let Ok(i) = raw.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(b) = raw.parse::<bool>() {
        toml::Value::Boolean(b)
    } else {
        toml::Value::String(raw.to_owned())
    }
}

impl Config {
    /// Reads `file` (if given) and applies overrides from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str::<toml::Table>(&text)
                    .map_err(|e| ConfigError::Invalid(format!("{}: {e}", path.display())))?
            }
            None => toml::Table::new(),
        };
        if let Some(url) = env("DATABASE_URL") {
            table.insert("database_url".into(), toml::Value::String(url));
        }
        let keys = toml::Table::try_from(Config::default())
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        for key in keys.keys() {
            if let Some(raw) = env(&format!("MIKRONET_{}", key.to_uppercase())) {
                table.insert(key.clone(), env_value(&raw));
            }
        }
        let config: Config = table
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.message().to_owned()))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_owned()));
        if self.token_ttl_minutes <= 0 {
            return bad("token_ttl_minutes must be positive");
        }
        if self.max_page_size == 0 || self.default_page_size == 0 {
            return bad("page sizes must be positive");
        }
        if self.default_page_size > self.max_page_size {
            return bad("default_page_size must not exceed max_page_size");
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            return bad("log_format must be text or json");
        }
        if self.max_body_bytes < 1024 {
            return bad("max_body_bytes must be at least 1024");
        }
        if self.tz().is_none() {
            return bad("time_zone must be an IANA time zone name such as Asia/Jakarta");
        }
        if self.billing_run_time().is_none() {
            return bad("billing_time must be HH:MM");
        }
        if self.sync_lease_seconds == 0 || self.sync_lease_seconds > 300 {
            return bad("sync_lease_seconds must be from 1 to 300");
        }
        if self.router_probe_seconds == 0 || self.reconcile_interval_seconds == 0 {
            return bad("router_probe_seconds and reconcile_interval_seconds must be positive");
        }
        if self.invoice_days_before > 366 || self.invoice_due_days > 366 || self.grace_days > 366 {
            return bad("invoice_days_before, invoice_due_days and grace_days must be at most 366");
        }
        Ok(())
    }

    pub fn tz(&self) -> Option<chrono_tz::Tz> {
        self.time_zone.parse().ok()
    }

    pub fn billing_run_time(&self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::parse_from_str(&self.billing_time, "%H:%M").ok()
    }

    /// The settings a database that never saved any has: the provider's name and billing days
    /// from this file (an admin changes them later in the console; see `service::settings`).
    pub fn default_settings(&self) -> crate::domain::settings::Settings {
        crate::domain::settings::Settings {
            provider_name: "MikroNet".into(),
            provider_address: String::new(),
            provider_phone: String::new(),
            provider_email: String::new(),
            tax_number: None,
            currency: "IDR".into(),
            default_language: "id".into(),
            time_zone: self.time_zone.clone(),
            invoice_days_before: self.invoice_days_before,
            invoice_due_days: self.invoice_due_days,
            grace_days: self.grace_days,
        }
    }

    pub fn sync_settings(&self) -> crate::provisioning::SyncSettings {
        use std::time::Duration;
        crate::provisioning::SyncSettings {
            lease: Duration::from_secs(self.sync_lease_seconds),
            reconcile_every: Duration::from_secs(self.reconcile_interval_seconds),
            probe_every: Duration::from_secs(self.router_probe_seconds),
            reconcile_wait: Duration::from_secs(self.reconcile_wait_seconds),
        }
    }

    pub fn pool_size(&self) -> u32 {
        match self.database_max_connections {
            0 if self.database_url.starts_with("sqlite:") => 4,
            0 => 10,
            n => n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn defaults_need_nothing() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://mikronet.db");
        assert_eq!(c.token_ttl_minutes, 720);
    }

    #[test]
    fn file_then_environment_override() {
        let dir = std::env::temp_dir().join(format!("mikronet-cfg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\ntoken_ttl_minutes = 60\n").unwrap();
        let c = Config::load(
            Some(&path),
            env(&[
                ("MIKRONET_TOKEN_TTL_MINUTES", "30"),
                ("DATABASE_URL", "postgres://postgres@127.0.0.1/test"),
                ("MIKRONET_TRUST_FORWARDED_FOR", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.token_ttl_minutes, 30);
        assert_eq!(c.database_url, "postgres://postgres@127.0.0.1/test");
        assert!(c.trust_forwarded_for);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        let dir = std::env::temp_dir().join(format!("mikronet-cfg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.toml");
        std::fs::write(&path, "listn = \"x\"\n").unwrap();
        assert!(Config::load(Some(&path), env(&[])).is_err());
        assert!(Config::load(None, env(&[("MIKRONET_TOKEN_TTL_MINUTES", "soon")])).is_err());
        assert!(Config::load(None, env(&[("MIKRONET_LOG_FORMAT", "xml")])).is_err());
        assert!(Config::load(None, env(&[("MIKRONET_TIME_ZONE", "Mars/Olympus")])).is_err());
        assert!(Config::load(None, env(&[("MIKRONET_BILLING_TIME", "25:00")])).is_err());
        let c = Config::load(None, env(&[("MIKRONET_TIME_ZONE", "Asia/Jakarta")])).unwrap();
        assert_eq!(c.tz(), Some(chrono_tz::Asia::Jakarta));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
