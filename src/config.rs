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
    /// Failed logins per (user name, address) before each further attempt waits a growing
    /// delay (1 s, 2 s, 4 s, … up to `login_max_delay_seconds`).
    #[serde(alias = "login_max_failures")]
    pub login_free_attempts: u32,
    /// Failed logins per address, whatever the user names, before the delays start.
    pub login_address_free_attempts: u32,
    /// The longest delay between attempts; also how long failures are remembered.
    #[serde(alias = "login_lockout_seconds")]
    pub login_max_delay_seconds: u64,
    /// Passwords checked (Argon2, 19 MiB each) at once; 0 is two per CPU core. A login beyond
    /// that is answered 503 with `Retry-After`.
    pub password_hash_concurrency: u32,
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
    /// Proxies (addresses or CIDRs) whose `X-Forwarded-For` is believed: the client is the
    /// right-most address not in this list.
    pub trusted_proxies: Vec<String>,
    /// A request's headers must arrive within this time, counted from the connection's start
    /// or the end of the previous answer (so it also ends idle keep-alive connections).
    pub http_header_timeout_seconds: u64,
    /// A request's body must arrive within this time (408 otherwise).
    pub http_body_timeout_seconds: u64,
    /// Open connections at most; at the limit the longest-idle connection is closed to make
    /// room. 0: derived from the process's open-file limit.
    pub http_max_connections: u32,
    /// `/health` shows the program's version.
    pub health_shows_version: bool,
    /// The provider's IANA time zone: "today" for invoice and due dates is taken there.
    pub time_zone: String,
    /// Invoice a subscription this many days before its end date.
    pub invoice_days_before: u32,
    /// An invoice is due this many days after its invoice date.
    pub invoice_due_days: u32,
    /// A subscription starting today or later has its first period invoiced when it is
    /// created (prepaid); one starting earlier counts as paid up to its end date.
    pub invoice_first_period: bool,
    /// Days after the due date before an unpaid subscription is cut off.
    pub grace_days: u32,
    /// A subscription suspended this many days becomes `expired` in the daily run; 0: never.
    pub expire_after_days: u32,
    /// What an expired client's secret becomes on the router: `disable` (kept, disabled, as
    /// while suspended) or `remove` (deleted; it comes back if the client is reactivated).
    pub expired_secret: String,
    /// Over HTTP, billing and generation runs take dates at most this many days from today
    /// (an admin may go further with `force=true`; the CLI takes any date).
    pub billing_date_window_days: u32,
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
    /// SQLite: a directory where `serve` writes a backup daily (empty: no scheduled backups).
    pub backup_dir: String,
    /// Local time (in the provider's time zone) of the daily backup, `HH:MM`.
    pub backup_time: String,
    /// How many scheduled backups are kept (the newest); older ones are deleted.
    pub backup_keep: u32,
    /// When set, `GET /metrics` is served on `listen` to requests bearing this token
    /// (`Authorization: Bearer …`), and required on `metrics_listen` too. Never logged.
    pub metrics_token: String,
    /// When set, a second listener on this address serves `/metrics` only.
    pub metrics_listen: String,
    /// The address clients reach the server at, for the links in their messages
    /// (`https://billing.example.net`); empty: `http://` and `listen`.
    pub public_url: String,
    /// Send queued messages to clients inside `serve` (turn off where another process does).
    pub notify_worker: bool,
    /// Days from the due date on which a client with an unpaid invoice is reminded, separated
    /// by commas (`-3,0,1,3`: three days before, on the day, one and three days after); a plan
    /// may have its own. Empty: no reminders.
    pub reminder_offsets: String,
    /// Local hours in which WhatsApp messages wait, `HH:MM-HH:MM` (empty: none). Email is not held.
    pub notify_quiet_hours: String,
    /// Calling code put before national phone numbers (`62`); empty: the currency's country.
    pub notify_country_code: String,
    /// The WhatsApp/SMS gateway: `fonnte`, `get` (a URL template), `generic`, or empty for none.
    pub whatsapp_gateway: String,
    /// The gateway's URL; for `get` and `generic` with `[number]` and `[text]` where they go.
    pub whatsapp_url: String,
    /// The gateway's token (Fonnte's device token). Never logged or shown.
    pub whatsapp_token: String,
    /// `generic`: the HTTP method, `GET` or `POST`.
    pub whatsapp_method: String,
    /// `generic`: headers, each `Name: value`, `[token]` replaced by the token.
    pub whatsapp_headers: Vec<String>,
    /// `generic`: the body with `[number]`, `[text]`, `[token]`; one starting with `{` is sent
    /// as JSON, any other as a form.
    pub whatsapp_body: String,
    /// `generic` and `get`: a text the gateway's answer must contain for a message to count as sent.
    pub whatsapp_success_contains: String,
    /// The least time between two WhatsApp messages (gateways ban bursts): 2000 is one message
    /// every two seconds.
    pub whatsapp_pause_ms: u64,
    /// The SMTP server for email: `smtp://USER:PASS@HOST:587?tls=required` (STARTTLS),
    /// `smtps://…:465`, or plain `smtp://HOST:25`; empty: no email. Never logged or shown.
    pub smtp_url: String,
    /// The sender of email, `Name <address>`.
    pub smtp_from: String,
    /// The least time between two emails.
    pub email_pause_ms: u64,
    /// Midtrans's server key (`SB-Mid-server-…` in sandbox); empty: no Midtrans. Never logged.
    pub midtrans_server_key: String,
    /// Midtrans's production hosts rather than the sandbox's.
    pub midtrans_production: bool,
    /// Overrides the Snap host (`https://app.sandbox.midtrans.com`), e.g. for a proxy.
    pub midtrans_snap_url: String,
    /// Overrides the API host (`https://api.sandbox.midtrans.com`).
    pub midtrans_api_url: String,
    /// Xendit's secret API key (`xnd_development_…` in test mode); empty: no Xendit. Never logged.
    pub xendit_secret_key: String,
    /// The verification token of Xendit's callbacks (dashboard, Webhooks). Never logged.
    pub xendit_callback_token: String,
    /// Xendit's API host.
    pub xendit_api_url: String,
    /// How to pay by bank transfer, shown to clients in the portal beside each open invoice
    /// (`BCA 123-456-7890 a.n. PT Net Desa`); empty: not shown.
    pub portal_bank_transfer: String,
    /// A client may promise to pay from the portal once per unpaid invoice, holding the
    /// cut-off off through at most this many days from today; 0: not from the portal.
    pub portal_promise_days: u32,
    /// When set, a listener on this address answers every request with the notice page of
    /// the client it comes from (found by address on the routers in `isolate` mode): the
    /// address routers send cut-off clients' web requests to.
    pub notice_listen: String,
    /// `IP:PORT` at which routers reach `notice_listen`, written into `router-setup`'s script;
    /// empty: `notice_listen` itself when that names an IPv4 address other than 0.0.0.0.
    pub notice_address: String,
    /// Hosts (addresses or DNS names) cut-off clients may still reach besides this server,
    /// `public_url`'s host and the configured payment gateways' hosts.
    pub walled_garden: Vec<String>,
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
            login_free_attempts: 5,
            login_address_free_attempts: 30,
            login_max_delay_seconds: 15 * 60,
            password_hash_concurrency: 0,
            max_body_bytes: 64 * 1024,
            default_page_size: 100,
            max_page_size: 1000,
            log_format: "text".into(),
            log: "info".into(),
            trust_forwarded_for: false,
            trusted_proxies: vec!["127.0.0.1".into(), "::1".into()],
            http_header_timeout_seconds: 15,
            http_body_timeout_seconds: 30,
            http_max_connections: 0,
            health_shows_version: false,
            time_zone: "UTC".into(),
            invoice_days_before: 4,
            invoice_due_days: 7,
            invoice_first_period: true,
            grace_days: 0,
            expire_after_days: 0,
            expired_secret: "disable".into(),
            billing_date_window_days: 31,
            billing_scheduler: true,
            billing_time: "00:05".into(),
            provisioning_worker: true,
            switch_wait_ms: 3000,
            sync_lease_seconds: 5,
            reconcile_interval_seconds: 3600,
            router_probe_seconds: 30,
            reconcile_wait_seconds: 30,
            backup_dir: String::new(),
            backup_time: "02:30".into(),
            backup_keep: 7,
            metrics_token: String::new(),
            metrics_listen: String::new(),
            public_url: String::new(),
            notify_worker: true,
            reminder_offsets: "-3,0,1,3".into(),
            notify_quiet_hours: "21:00-07:00".into(),
            notify_country_code: String::new(),
            whatsapp_gateway: String::new(),
            whatsapp_url: String::new(),
            whatsapp_token: String::new(),
            whatsapp_method: "POST".into(),
            whatsapp_headers: Vec::new(),
            whatsapp_body: String::new(),
            whatsapp_success_contains: String::new(),
            whatsapp_pause_ms: 2000,
            smtp_url: String::new(),
            smtp_from: String::new(),
            email_pause_ms: 100,
            midtrans_server_key: String::new(),
            midtrans_production: false,
            midtrans_snap_url: String::new(),
            midtrans_api_url: String::new(),
            xendit_secret_key: String::new(),
            xendit_callback_token: String::new(),
            xendit_api_url: "https://api.xendit.co".into(),
            portal_bank_transfer: String::new(),
            portal_promise_days: 3,
            notice_listen: String::new(),
            notice_address: String::new(),
            walled_garden: Vec::new(),
        }
    }
}

/// Keys renamed since 0.1, still read under their old names.
const ALIASES: &[(&str, &str)] = &[
    ("login_max_failures", "login_free_attempts"),
    ("login_lockout_seconds", "login_max_delay_seconds"),
];

/// A tracing filter, checked rather than silently replaced: each directive is a level or
/// `target=level`. A bare word that is no level would filter for a target of that name and
/// log nothing, so it is refused unless it is one of this program's targets.
fn check_log_filter(filter: &str) -> Result<(), String> {
    const LEVELS: &[&str] = &["off", "error", "warn", "info", "debug", "trace"];
    const TARGETS: &[&str] = &[
        "mikronet",
        "routeros",
        "tower_http",
        "sqlx",
        "hyper",
        "axum",
    ];
    if let Err(e) = tracing_subscriber::EnvFilter::builder().parse(filter) {
        return Err(format!("is not a valid filter ('{filter}': {e})"));
    }
    for d in filter.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        if d.contains('=') || d.contains('[') {
            continue;
        }
        let lower = d.to_ascii_lowercase();
        if !LEVELS.contains(&lower.as_str())
            && !TARGETS
                .iter()
                .any(|t| d == *t || d.starts_with(&format!("{t}::")))
        {
            return Err(format!(
                "holds '{d}', which is neither a level ({}) nor target=level",
                LEVELS.join(", ")
            ));
        }
    }
    Ok(())
}

/// `IP:PORT` or `HOST:PORT` (resolved when the server binds).
fn check_listen(listen: &str) -> Result<(), String> {
    if listen.parse::<std::net::SocketAddr>().is_ok() {
        return Ok(());
    }
    match listen.rsplit_once(':') {
        Some((host, port))
            if !host.is_empty() && !host.contains(['/', ' ']) && port.parse::<u16>().is_ok() =>
        {
            Ok(())
        }
        _ => Err(format!(
            "must be ADDRESS:PORT such as 127.0.0.1:8080 or 0.0.0.0:8080, not '{listen}'"
        )),
    }
}

/// The URL's syntax, without connecting. Never repeats the URL (it may hold a password).
fn check_database_url(url: &str) -> Result<(), String> {
    let scheme = url.split(':').next().unwrap_or("");
    match scheme {
        "sqlite" => {
            let rest = url["sqlite:".len()..].trim_start_matches("//");
            let path = rest.split('?').next().unwrap_or("");
            if path.is_empty() {
                return Err("must name a file: sqlite://FILE".into());
            }
            Ok(())
        }
        "mysql" | "mariadb" | "postgres" | "postgresql" => {
            let parsed =
                url::Url::parse(url).map_err(|e| format!("is not a valid {scheme} URL ({e})"))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(format!(
                    "must name the server: {scheme}://USER:PASS@HOST:PORT/DB"
                ));
            }
            if parsed.path().trim_start_matches('/').is_empty() {
                return Err(format!(
                    "must name the database: {scheme}://USER:PASS@HOST:PORT/DB"
                ));
            }
            Ok(())
        }
        _ => Err("must start with sqlite://, mysql:// or postgres://".into()),
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
    /// Values that are each wrong (every one found, in the order of the checks).
    #[error("invalid configuration: {}", .0.join("; "))]
    Problems(Vec<String>),
}

/// Where a key's value came from, for messages that say what to fix.
fn source_of(key: &str, file: Option<&Path>, from_env: &[String]) -> String {
    if from_env.iter().any(|k| k == key) {
        format!("environment variable MIKRONET_{}", key.to_uppercase())
    } else {
        match file {
            Some(f) => f.display().to_string(),
            None => "the defaults".into(),
        }
    }
}

/// What a TOML value of this kind is called in a message.
fn kind_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "a whole number",
        toml::Value::Float(_) => "a decimal number",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

/// An environment value as the key's type: the default's TOML kind decides how it is read
/// (a list is comma-separated), so `MIKRONET_BILLING_TIME=0005` stays text.
fn env_value(key: &str, raw: &str, default: &toml::Value) -> Result<toml::Value, ConfigError> {
    let bad = |what: &str| {
        ConfigError::Invalid(format!(
            "environment variable MIKRONET_{} must be {what}",
            key.to_uppercase()
        ))
    };
    Ok(match default {
        toml::Value::Integer(_) => {
            toml::Value::Integer(raw.trim().parse().map_err(|_| bad("a whole number"))?)
        }
        toml::Value::Boolean(_) => {
            toml::Value::Boolean(raw.trim().parse().map_err(|_| bad("true or false"))?)
        }
        toml::Value::Array(_) => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_owned()))
                .collect(),
        ),
        _ => toml::Value::String(raw.to_owned()),
    })
}

impl Config {
    /// Reads `file` (if given) and applies overrides from `env`. Every error names the key
    /// and where its value came from (the file or the environment variable).
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
        let defaults = toml::Table::try_from(Config::default())
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let mut from_env = Vec::new();
        if let Some(url) = env("DATABASE_URL") {
            table.insert("database_url".into(), toml::Value::String(url));
        }
        for (key, default) in &defaults {
            if let Some(raw) = env(&format!("MIKRONET_{}", key.to_uppercase())) {
                table.insert(key.clone(), env_value(key, &raw, default)?);
                from_env.push(key.clone());
            }
        }
        for (key, value) in &table {
            let Some(default) = defaults.get(key.as_str()).or_else(|| {
                ALIASES
                    .iter()
                    .find(|(old, _)| old == key)
                    .and_then(|(_, new)| defaults.get(*new))
            }) else {
                let src = source_of(key, file, &from_env);
                return Err(ConfigError::Invalid(format!(
                    "{src}: unknown key '{key}' (see the README's configuration table)"
                )));
            };
            let want = kind_name(default);
            let got = kind_name(value);
            if want != got {
                let src = source_of(key, file, &from_env);
                return Err(ConfigError::Invalid(format!(
                    "{src}: {key} must be {want}, not {got}"
                )));
            }
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let key = e.path().to_string();
                let key = key.split(['.', '[']).next().unwrap_or("").to_owned();
                let src = source_of(&key, file, &from_env);
                let inner = e.into_inner();
                let msg = inner.message();
                if key.is_empty() || key == "?" {
                    ConfigError::Invalid(format!("{src}: {msg}"))
                } else {
                    ConfigError::Invalid(format!("{src}: {key}: {msg}"))
                }
            })?;
        let problems: Vec<String> = config
            .problems()
            .into_iter()
            .map(|(key, msg)| format!("{}: {key} {msg}", source_of(key, file, &from_env)))
            .collect();
        if !problems.is_empty() {
            return Err(ConfigError::Problems(problems));
        }
        Ok(config)
    }

    /// Checks every value that can be checked without connecting: the whole configuration is
    /// refused before anything is opened. Every problem found, as `(key, what is wrong)`.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut found = Vec::new();
        let mut bad = |key: &'static str, m: &str| found.push((key, m.to_owned()));
        if self.token_ttl_minutes <= 0 {
            bad("token_ttl_minutes", "must be positive");
        }
        if self.max_page_size == 0 {
            bad("max_page_size", "must be positive");
        }
        if self.default_page_size == 0 || self.default_page_size > self.max_page_size {
            bad(
                "default_page_size",
                "must be positive and at most max_page_size",
            );
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bad("log_format", "must be text or json");
        }
        if let Err(m) = check_log_filter(&self.log) {
            bad("log", &m);
        }
        if u64::from(self.portal_promise_days)
            > crate::domain::billing::collection::MAX_PROMISE_DAYS
        {
            bad("portal_promise_days", "must be from 0 to 60");
        }
        if !self.notice_listen.is_empty() {
            if let Err(m) = check_listen(&self.notice_listen) {
                bad("notice_listen", &m);
            }
            if self.notice_listen == self.listen || self.notice_listen == self.metrics_listen {
                bad(
                    "notice_listen",
                    "must differ from listen and metrics_listen",
                );
            }
        }
        if !self.notice_address.trim().is_empty()
            && self
                .notice_address
                .trim()
                .parse::<std::net::SocketAddrV4>()
                .is_err()
        {
            bad(
                "notice_address",
                "must be an IPv4 address and port such as 10.0.0.5:8081 (where routers reach notice_listen)",
            );
        }
        for h in &self.walled_garden {
            let h = h.trim();
            if h.is_empty()
                || h.len() > 253
                || !h
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
            {
                bad(
                    "walled_garden",
                    "must list host names or IPv4 addresses, separated by commas",
                );
                break;
            }
        }
        if self.portal_bank_transfer.chars().count() > 500 {
            bad("portal_bank_transfer", "must be at most 500 characters");
        }
        if self.max_body_bytes < 1024 {
            bad("max_body_bytes", "must be at least 1024");
        }
        if self.tz().is_none() {
            bad(
                "time_zone",
                "must be an IANA time zone name such as Asia/Jakarta",
            );
        }
        if self.billing_run_time().is_none() {
            bad("billing_time", "must be HH:MM");
        }
        if self.backup_run_time().is_none() {
            bad("backup_time", "must be HH:MM");
        }
        if self.backup_keep == 0 || self.backup_keep > 10_000 {
            bad("backup_keep", "must be from 1 to 10000");
        }
        if !self.backup_dir.trim().is_empty() && !self.database_url.starts_with("sqlite:") {
            bad(
                "backup_dir",
                "schedules SQLite backups only; back up MariaDB/PostgreSQL with mariadb-dump or \
                 pg_dump (README, Backups) and leave backup_dir empty",
            );
        }
        if self.sync_lease_seconds == 0 || self.sync_lease_seconds > 300 {
            bad("sync_lease_seconds", "must be from 1 to 300");
        }
        if self.router_probe_seconds == 0 {
            bad("router_probe_seconds", "must be positive");
        }
        if self.reconcile_interval_seconds == 0 {
            bad("reconcile_interval_seconds", "must be positive");
        }
        for (key, v) in [
            ("invoice_days_before", self.invoice_days_before),
            ("invoice_due_days", self.invoice_due_days),
            ("grace_days", self.grace_days),
        ] {
            if v > 366 {
                bad(key, "must be at most 366");
            }
        }
        if self.expire_after_days > 3660 {
            bad("expire_after_days", "must be at most 3660 (0: never)");
        }
        if !matches!(self.expired_secret.as_str(), "disable" | "remove") {
            bad("expired_secret", "must be disable or remove");
        }
        if self.billing_date_window_days > 36_500 {
            bad("billing_date_window_days", "must be at most 36500");
        }
        if let Err(m) = check_listen(&self.listen) {
            bad("listen", &m);
        }
        if !self.metrics_token.is_empty()
            && (self.metrics_token.len() < 16
                || !self.metrics_token.bytes().all(|b| b.is_ascii_graphic()))
        {
            // Never repeated: it is a secret.
            bad(
                "metrics_token",
                "must be at least 16 printable characters without spaces (openssl rand -hex 16)",
            );
        }
        if !self.metrics_listen.is_empty() {
            if let Err(m) = check_listen(&self.metrics_listen) {
                bad("metrics_listen", &m);
            }
            if self.metrics_listen == self.listen {
                bad("metrics_listen", "must differ from listen");
            }
        }
        if let Err(m) = check_database_url(&self.database_url) {
            bad("database_url", &m);
        }
        self.check_notify(&mut bad);
        if !self.secret_key.is_empty()
            && crate::security::secret_box::SecretBox::from_base64(&self.secret_key).is_err()
        {
            bad(
                "secret_key",
                "must be 32 random bytes in base64 (openssl rand -base64 32)",
            );
        }
        if self.secret_key.is_empty() && self.secret_key_file.trim().is_empty() {
            bad(
                "secret_key_file",
                "must name a file when secret_key is empty",
            );
        }
        for p in &self.trusted_proxies {
            if crate::security::net::Cidr::parse(p).is_none() {
                bad(
                    "trusted_proxies",
                    &format!("holds '{p}', which is not an address or CIDR (10.0.0.0/8)"),
                );
            }
        }
        if self.login_free_attempts == 0 || self.login_address_free_attempts == 0 {
            bad(
                "login_free_attempts",
                "and login_address_free_attempts must be positive",
            );
        }
        if self.login_max_delay_seconds == 0 {
            bad("login_max_delay_seconds", "must be positive");
        }
        for (key, v) in [
            (
                "http_header_timeout_seconds",
                self.http_header_timeout_seconds,
            ),
            ("http_body_timeout_seconds", self.http_body_timeout_seconds),
        ] {
            if v == 0 || v > 3600 {
                bad(key, "must be 1 to 3600");
            }
        }
        found
    }

    /// The password checks that may run at once.
    pub fn hash_concurrency(&self) -> usize {
        match self.password_hash_concurrency {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            n => n as usize,
        }
    }

    pub fn tz(&self) -> Option<chrono_tz::Tz> {
        self.time_zone.parse().ok()
    }

    pub fn billing_run_time(&self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::parse_from_str(&self.billing_time, "%H:%M").ok()
    }

    pub fn backup_run_time(&self) -> Option<chrono::NaiveTime> {
        chrono::NaiveTime::parse_from_str(&self.backup_time, "%H:%M").ok()
    }

    /// How the WhatsApp gateway is called; `None` when none is configured (or it is invalid,
    /// which [`Config::problems`] refuses before the server starts).
    pub fn whatsapp(&self) -> Option<crate::domain::notify::GatewaySpec> {
        use crate::domain::notify::{GatewayKind, GatewaySpec};
        let kind = GatewayKind::parse(self.whatsapp_gateway.trim())?;
        Some(GatewaySpec {
            kind,
            url: match (kind, self.whatsapp_url.trim()) {
                (GatewayKind::Fonnte, "") => "https://api.fonnte.com/send".into(),
                (_, url) => url.to_owned(),
            },
            token: self.whatsapp_token.clone(),
            method: self.whatsapp_method.trim().to_owned(),
            headers: self.whatsapp_headers.clone(),
            body: self.whatsapp_body.clone(),
            success_contains: self.whatsapp_success_contains.clone(),
        })
    }

    /// The payment gateways configured.
    pub fn payment_gateways(
        &self,
    ) -> (
        Option<crate::gateway::Midtrans>,
        Option<crate::gateway::Xendit>,
    ) {
        let host =
            |set: &str, sandbox: &str, production: &str| match set.trim().trim_end_matches('/') {
                "" if self.midtrans_production => production.to_owned(),
                "" => sandbox.to_owned(),
                url => url.to_owned(),
            };
        let midtrans =
            (!self.midtrans_server_key.trim().is_empty()).then(|| crate::gateway::Midtrans {
                server_key: self.midtrans_server_key.trim().to_owned(),
                snap_url: host(
                    &self.midtrans_snap_url,
                    "https://app.sandbox.midtrans.com",
                    "https://app.midtrans.com",
                ),
                api_url: host(
                    &self.midtrans_api_url,
                    "https://api.sandbox.midtrans.com",
                    "https://api.midtrans.com",
                ),
            });
        let xendit = (!self.xendit_secret_key.trim().is_empty()).then(|| crate::gateway::Xendit {
            secret_key: self.xendit_secret_key.trim().to_owned(),
            callback_token: self.xendit_callback_token.trim().to_owned(),
            api_url: self.xendit_api_url.trim().trim_end_matches('/').to_owned(),
        });
        (midtrans, xendit)
    }

    /// The reminder schedule, days from the due date.
    pub fn reminder_schedule(&self) -> Vec<i32> {
        crate::domain::notify::parse_offsets(&self.reminder_offsets).unwrap_or_default()
    }

    pub fn quiet_hours(&self) -> Option<crate::domain::notify::QuietHours> {
        crate::domain::notify::QuietHours::parse(&self.notify_quiet_hours)
            .ok()
            .flatten()
    }

    /// Where routers send cut-off clients' web requests: `notice_address`, else `notice_listen`
    /// when it names one IPv4 address a router can reach (not 0.0.0.0, not loopback); `None`
    /// when neither does.
    pub fn notice_target(&self) -> Option<std::net::SocketAddrV4> {
        match self.notice_address.trim() {
            "" => self
                .notice_listen
                .parse::<std::net::SocketAddrV4>()
                .ok()
                .filter(|a| !a.ip().is_unspecified() && !a.ip().is_loopback()),
            a => a.parse().ok(),
        }
    }

    /// The hosts cut-off clients may reach besides the notice address: `public_url`'s, the
    /// configured gateways' (their payment pages and APIs), then `walled_garden`.
    pub fn garden_hosts(&self) -> Vec<String> {
        use crate::domain::isolation::url_host;
        let mut urls = vec![self.public_url.clone()];
        let (midtrans, xendit) = self.payment_gateways();
        if let Some(m) = midtrans {
            urls.push(m.snap_url);
            urls.push(m.api_url);
        }
        if xendit.is_some() {
            // Xendit's invoice pages (https://docs.xendit.co/docs/invoices: invoice_url).
            urls.push("https://checkout.xendit.co".into());
            urls.push("https://checkout-staging.xendit.co".into());
        }
        let mut out: Vec<String> = urls.iter().filter_map(|u| url_host(u)).collect();
        out.extend(
            self.walled_garden
                .iter()
                .map(|h| h.trim().to_ascii_lowercase()),
        );
        let mut seen = std::collections::HashSet::new();
        out.retain(|h| seen.insert(h.clone()));
        out
    }

    /// Where links in messages start: `public_url` without a trailing `/`, or `listen`'s.
    pub fn public_base(&self) -> String {
        match self.public_url.trim().trim_end_matches('/') {
            "" => format!("http://{}", self.listen),
            url => url.to_owned(),
        }
    }

    /// The messaging keys, as [`Config::problems`] checks them.
    fn check_notify(&self, bad: &mut impl FnMut(&'static str, &str)) {
        use crate::domain::notify::GatewayKind;
        if let Err(m) = crate::domain::notify::parse_offsets(&self.reminder_offsets) {
            bad("reminder_offsets", m);
        }
        if let Err(m) = crate::domain::notify::QuietHours::parse(&self.notify_quiet_hours) {
            bad(
                "notify_quiet_hours",
                &format!("{m}, not '{}'", self.notify_quiet_hours.trim()),
            );
        }
        let cc = self.notify_country_code.trim();
        if !cc.is_empty()
            && (cc.len() > 3 || cc.starts_with('0') || !cc.bytes().all(|b| b.is_ascii_digit()))
        {
            bad(
                "notify_country_code",
                "must be a calling code of 1 to 3 digits such as 62",
            );
        }
        let url_ok =
            |u: &str| url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !self.public_url.trim().is_empty() && !url_ok(self.public_url.trim()) {
            bad("public_url", "must be an http:// or https:// URL");
        }
        if !self.xendit_secret_key.trim().is_empty() && self.xendit_callback_token.trim().len() < 16
        {
            bad(
                "xendit_callback_token",
                "is required with xendit_secret_key (the dashboard's callback verification token)",
            );
        }
        for (key, url) in [
            ("midtrans_snap_url", &self.midtrans_snap_url),
            ("midtrans_api_url", &self.midtrans_api_url),
            ("xendit_api_url", &self.xendit_api_url),
        ] {
            if !url.trim().is_empty() && !url_ok(url.trim()) {
                bad(key, "must be an http:// or https:// URL");
            }
        }
        let gateway = self.whatsapp_gateway.trim();
        match GatewayKind::parse(gateway) {
            None if !gateway.is_empty() => bad(
                "whatsapp_gateway",
                &format!(
                    "must be {} or empty (no WhatsApp)",
                    <GatewayKind as crate::domain::words::Word>::choices()
                ),
            ),
            None => {}
            Some(kind) => {
                let url = self.whatsapp().map(|g| g.url).unwrap_or_default();
                // The template's placeholders are not URL characters until filled.
                let filled = url.replace("[number]", "1").replace("[text]", "t");
                if !url_ok(&filled) {
                    bad("whatsapp_url", "must be an http:// or https:// URL");
                }
                if kind == GatewayKind::GetUrl && !url.contains("[text]") {
                    bad(
                        "whatsapp_url",
                        "must hold [number] and [text] for the get gateway",
                    );
                }
                if kind == GatewayKind::Fonnte && self.whatsapp_token.trim().is_empty() {
                    bad(
                        "whatsapp_token",
                        "is required for Fonnte (the device token)",
                    );
                }
                if kind == GatewayKind::Generic
                    && !matches!(
                        self.whatsapp_method.to_ascii_uppercase().as_str(),
                        "GET" | "POST"
                    )
                {
                    bad("whatsapp_method", "must be GET or POST");
                }
                if self.whatsapp_headers.iter().any(|h| !h.contains(':')) {
                    bad("whatsapp_headers", "must each be Name: value");
                }
            }
        }
        if !self.smtp_url.trim().is_empty() {
            // Never repeated: it may hold a password.
            let scheme = self.smtp_url.split("://").next().unwrap_or("");
            if !matches!(scheme, "smtp" | "smtps") || url::Url::parse(&self.smtp_url).is_err() {
                bad(
                    "smtp_url",
                    "must be smtp://USER:PASS@HOST:PORT?tls=required or smtps://USER:PASS@HOST:465",
                );
            }
            if self
                .smtp_from
                .trim()
                .parse::<lettre::message::Mailbox>()
                .is_err()
            {
                bad(
                    "smtp_from",
                    "must be an address such as Billing <billing@example.net>",
                );
            }
        }
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
            payment_methods: crate::domain::billing::invoice::DEFAULT_PAYMENT_METHODS
                .iter()
                .map(|m| (*m).to_owned())
                .collect(),
        }
    }

    /// Whether an expired client's secret is removed from the router (`expired_secret`).
    pub fn remove_expired_secrets(&self) -> bool {
        self.expired_secret == "remove"
    }

    pub fn sync_settings(&self) -> crate::provisioning::SyncSettings {
        use std::time::Duration;
        crate::provisioning::SyncSettings {
            lease: Duration::from_secs(self.sync_lease_seconds),
            reconcile_every: Duration::from_secs(self.reconcile_interval_seconds),
            probe_every: Duration::from_secs(self.router_probe_seconds),
            reconcile_wait: Duration::from_secs(self.reconcile_wait_seconds),
            remove_expired: self.remove_expired_secrets(),
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
        assert!(Config::load(None, env(&[("MIKRONET_BACKUP_TIME", "3am")])).is_err());
        assert!(Config::load(None, env(&[("MIKRONET_BACKUP_KEEP", "0")])).is_err());
        assert!(Config::load(None, env(&[("MIKRONET_EXPIRED_SECRET", "delete")])).is_err());
        assert!(Config::load(None, env(&[("MIKRONET_EXPIRE_AFTER_DAYS", "5000")])).is_err());
        let c = Config::load(None, env(&[("MIKRONET_EXPIRE_AFTER_DAYS", "30")])).unwrap();
        assert_eq!(
            (c.expire_after_days, c.remove_expired_secrets()),
            (30, false)
        );
        let servers = env(&[
            ("MIKRONET_BACKUP_DIR", "/var/backups/mikronet"),
            ("DATABASE_URL", "postgres://postgres@127.0.0.1/test"),
        ]);
        let e = Config::load(None, servers).unwrap_err().to_string();
        assert!(
            e.contains("backup_dir schedules SQLite backups only"),
            "{e}"
        );
        let c = Config::load(None, env(&[("MIKRONET_BACKUP_DIR", "backups")])).unwrap();
        assert_eq!((c.backup_dir.as_str(), c.backup_keep), ("backups", 7));
        // Every bad value at once, each naming its key and source.
        match Config::load(
            None,
            env(&[("MIKRONET_GRACE_DAYS", "400"), ("MIKRONET_LOG", "loud")]),
        ) {
            Err(ConfigError::Problems(p)) => {
                assert_eq!(p.len(), 2, "{p:?}");
                assert!(p[0].starts_with("environment variable MIKRONET_LOG: log holds"));
                assert_eq!(
                    p[1],
                    "environment variable MIKRONET_GRACE_DAYS: grace_days must be at most 366"
                );
            }
            other => panic!("{other:?}"),
        }
        let short = Config::load(None, env(&[("MIKRONET_METRICS_TOKEN", "short-secret")]));
        let message = short.unwrap_err().to_string();
        assert!(message.contains("metrics_token"), "{message}");
        assert!(
            !message.contains("short-secret"),
            "the token is never repeated"
        );
        assert!(Config::load(None, env(&[("MIKRONET_METRICS_LISTEN", "127.0.0.1:8080")])).is_err());
        let c = Config::load(
            None,
            env(&[
                ("MIKRONET_METRICS_TOKEN", "0123456789abcdef0123"),
                ("MIKRONET_METRICS_LISTEN", "127.0.0.1:9100"),
            ]),
        )
        .unwrap();
        assert_eq!(c.metrics_listen, "127.0.0.1:9100");
        let c = Config::load(None, env(&[("MIKRONET_TIME_ZONE", "Asia/Jakarta")])).unwrap();
        assert_eq!(c.tz(), Some(chrono_tz::Asia::Jakarta));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
