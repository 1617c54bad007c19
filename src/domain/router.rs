//! The routers registry: how the server reaches each router and how it cuts clients off there.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::ids::RouterId;
use super::validation::{FieldErrors, Sealed, checked_text, double_option};
use crate::words;

words! {
    /// How the server talks to a router.
    pub enum Transport {
        /// The binary API, TCP 8728 (plaintext: for closed management networks only).
        Api = "api",
        /// The binary API over TLS, 8729: the recommended setup, with a pinned fingerprint.
        ApiSsl = "api-ssl",
        /// RouterOS v7 REST over HTTPS.
        Rest = "rest",
        /// RouterOS v7.9+ REST over plain HTTP (`www` service); for closed management networks.
        RestHttp = "rest-http",
    }
}

impl Transport {
    pub fn default_port(self) -> u16 {
        match self {
            Transport::Api => 8728,
            Transport::ApiSsl => 8729,
            Transport::Rest => 443,
            Transport::RestHttp => 80,
        }
    }

    pub fn uses_tls(self) -> bool {
        matches!(self, Transport::ApiSsl | Transport::Rest)
    }
}

words! {
    /// How a router cuts off a client who has not paid.
    pub enum SuspendMode {
        /// Disable the secret (and end the session): no access at all.
        Disable = "disable",
        /// Move the secret to an isolation profile (e.g. a walled garden with a payment page).
        Isolate = "isolate",
    }
}

/// A router's settings, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterSettings {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub transport: Transport,
    pub username: String,
    pub tls_fingerprint: Option<String>,
    pub suspend_mode: SuspendMode,
    pub isolation_profile: Option<String>,
    pub is_default: bool,
}

/// A router as stored: its settings and its password, sealed (never shown, never logged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    pub id: RouterId,
    pub settings: RouterSettings,
    pub password: Sealed,
}

/// What the workers know of a router's reachability (kept apart from its settings, which an
/// operator edits).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouterHealth {
    /// `None` until a worker has tried it.
    pub reachable: Option<bool>,
    /// Since when it has been reachable, or not.
    pub since: Option<DateTime<Utc>>,
    /// The last error's short classification (never a remote body).
    pub last_error: Option<String>,
    /// Unreachable: when a worker tries again.
    pub retry_at: Option<DateTime<Utc>>,
    /// Failed contacts in a row.
    pub outages: u32,
    pub last_contact_at: Option<DateTime<Utc>>,
    /// The router's uptime at the last contact (a smaller one later means it restarted).
    pub uptime_seconds: Option<i64>,
    pub last_reconcile_at: Option<DateTime<Utc>>,
}

/// RouterOS prints uptime as `1w2d3h4m5s`; in seconds.
pub fn parse_uptime(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut n: i64 = 0;
    let mut digits = false;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            n = n.checked_mul(10)?.checked_add(i64::from(d))?;
            digits = true;
            continue;
        }
        let unit = match c {
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        if !digits {
            return None;
        }
        total = total.checked_add(n.checked_mul(unit)?)?;
        n = 0;
        digits = false;
    }
    (!digits && !text.is_empty()).then_some(total)
}

/// A router's fields as a request carries them. `null` clears `tls_fingerprint` and
/// `isolation_profile`; absence leaves them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "core-1", "host": "192.0.2.10", "port": 8729, "transport": "api-ssl", "username": "billing", "password": "router-password", "tls_fingerprint": "3f4d2c6a9b1e0f7d8c5b4a3928172635445362718091a2b3c4d5e6f708192a3b", "suspend_mode": "disable", "is_default": true}))]
pub struct RouterDraft {
    #[schema(example = "core-1")]
    pub name: Option<String>,
    #[schema(example = "192.0.2.10")]
    pub host: Option<String>,
    /// Defaults by transport: 8728, 8729, 443, 80.
    pub port: Option<i64>,
    /// `api`, `api-ssl` (recommended, with `tls_fingerprint`), `rest` or `rest-http`.
    #[schema(example = "api-ssl")]
    pub transport: Option<String>,
    #[schema(example = "billing")]
    pub username: Option<String>,
    /// Stored sealed; never returned. Required again whenever `host`, `port` or `transport`
    /// change, so a stored password is never sent to a new address.
    pub password: Option<String>,
    /// Pin the router's self-signed certificate by its SHA-256 (hex); `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub tls_fingerprint: Option<Option<String>>,
    /// `disable` (default) or `isolate`.
    pub suspend_mode: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub isolation_profile: Option<Option<String>>,
    pub is_default: Option<bool>,
}

impl super::Draft for RouterDraft {
    const REQUIRED: &'static [&'static str] = &["name", "host", "username", "password"];
}

fn check_host(e: &mut FieldErrors, h: &str) -> Option<String> {
    let h = checked_text(e, "host", h, 1, 255)?;
    if h.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    {
        Some(h)
    } else {
        e.add("host", "must be a host name or IP address");
        None
    }
}

fn check_fingerprint(e: &mut FieldErrors, f: Option<&str>) -> Option<Option<String>> {
    let Some(f) = f else { return Some(None) };
    let hex: String = f
        .chars()
        .filter(|c| *c != ':')
        .collect::<String>()
        .to_lowercase();
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some(Some(hex))
    } else {
        e.add(
            "tls_fingerprint",
            "must be a SHA-256 fingerprint: 64 hex digits",
        );
        None
    }
}

fn check_password(e: &mut FieldErrors, p: &str) -> Option<String> {
    if p.is_empty() || p.len() > 256 || p.chars().any(char::is_control) {
        e.add(
            "password",
            "must be 1 to 256 characters, without control characters",
        );
        None
    } else {
        Some(p.to_owned())
    }
}

fn choice<T: super::words::Word>(e: &mut FieldErrors, field: &str, v: &str) -> Option<T> {
    let parsed = T::parse(v);
    if parsed.is_none() {
        e.add(field, format!("must be one of {}", T::choices()));
    }
    parsed
}

impl RouterSettings {
    /// Validates a new router; returns its settings and its (plain) password.
    pub fn validate(d: &RouterDraft) -> Result<(RouterSettings, String), FieldErrors> {
        let blank = RouterSettings {
            name: String::new(),
            host: String::new(),
            port: 0,
            transport: Transport::Api,
            username: String::new(),
            tls_fingerprint: None,
            suspend_mode: SuspendMode::Disable,
            isolation_profile: None,
            is_default: false,
        };
        let mut e = FieldErrors::default();
        for (field, given) in [
            ("name", d.name.is_some()),
            ("host", d.host.is_some()),
            ("username", d.username.is_some()),
            ("password", d.password.is_some()),
        ] {
            if !given {
                e.add(field, "is required");
            }
        }
        let (settings, password) = blank.merged(d, e)?;
        Ok((settings, password.unwrap_or_default()))
    }

    /// Applies the given fields; returns the new password, if one was given. Moving the router
    /// (host, port or transport) needs its password again. All or nothing.
    pub fn patch(&mut self, d: &RouterDraft) -> Result<Option<String>, FieldErrors> {
        let (next, password) = self.clone().merged(d, FieldErrors::default())?;
        let moved = (next.host.as_str(), next.port, next.transport)
            != (self.host.as_str(), self.port, self.transport);
        if moved && password.is_none() {
            return Err(FieldErrors::single(
                "password",
                "is required when host, port or transport change",
            ));
        }
        *self = next;
        Ok(password)
    }

    /// `self` with every field `d` gives, checked; `e` holds errors found before.
    fn merged(
        mut self,
        d: &RouterDraft,
        mut e: FieldErrors,
    ) -> Result<(RouterSettings, Option<String>), FieldErrors> {
        if let Some(n) = d
            .name
            .as_deref()
            .and_then(|n| checked_text(&mut e, "name", n, 1, 100))
        {
            self.name = n;
        }
        if let Some(h) = d.host.as_deref().and_then(|h| check_host(&mut e, h)) {
            self.host = h;
        }
        if let Some(u) = d
            .username
            .as_deref()
            .and_then(|u| checked_text(&mut e, "username", u, 1, 100))
        {
            self.username = u;
        }
        let password = d
            .password
            .as_deref()
            .and_then(|p| check_password(&mut e, p));
        let old_transport = self.transport;
        if let Some(t) = d
            .transport
            .as_deref()
            .and_then(|t| choice(&mut e, "transport", t))
        {
            self.transport = t;
        }
        if let Some(m) = d
            .suspend_mode
            .as_deref()
            .and_then(|m| choice(&mut e, "suspend_mode", m))
        {
            self.suspend_mode = m;
        }
        if let Some(f) = &d.tls_fingerprint
            && let Some(f) = check_fingerprint(&mut e, f.as_deref())
        {
            self.tls_fingerprint = f;
        }
        if let Some(p) = &d.isolation_profile {
            self.isolation_profile = p
                .as_deref()
                .and_then(|p| checked_text(&mut e, "isolation_profile", p, 1, 64));
        }
        match d.port {
            Some(p) => match u16::try_from(p) {
                Ok(p) if p > 0 => self.port = p,
                _ => e.add("port", "must be from 1 to 65535"),
            },
            // A new router, or one moved to another transport, gets that transport's port.
            None if self.port == 0 || self.transport != old_transport => {
                self.port = self.transport.default_port();
            }
            None => {}
        }
        if let Some(default) = d.is_default {
            self.is_default = default;
        }
        if self.suspend_mode == SuspendMode::Isolate && self.isolation_profile.is_none() {
            e.add(
                "isolation_profile",
                "is required when suspend_mode is isolate",
            );
        }
        e.into_result((self, password))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptimes() {
        assert_eq!(parse_uptime("1w1d1h1m1s"), Some(694_861));
        assert_eq!(parse_uptime("0s"), Some(0));
        assert_eq!(parse_uptime("3h"), Some(10_800));
        assert_eq!(parse_uptime(""), None);
        assert_eq!(parse_uptime("12"), None);
        assert_eq!(parse_uptime("1x"), None);
    }

    #[test]
    fn router_rules() {
        let e = RouterSettings::validate(&RouterDraft {
            host: Some("bad host!".into()),
            port: Some(70000),
            transport: Some("telnet".into()),
            tls_fingerprint: Some(Some("abc".into())),
            suspend_mode: Some("isolate".into()),
            ..Default::default()
        })
        .unwrap_err();
        for f in [
            "name",
            "host",
            "port",
            "transport",
            "username",
            "password",
            "tls_fingerprint",
            "isolation_profile",
        ] {
            assert!(e.0.contains_key(f), "{f}: {e:?}");
        }
        assert_eq!(
            e.0["transport"],
            "must be one of api, api-ssl, rest or rest-http"
        );
        let (mut s, pw) = RouterSettings::validate(&RouterDraft {
            name: Some("core".into()),
            host: Some("10.0.0.1".into()),
            transport: Some("api-ssl".into()),
            username: Some("billing".into()),
            password: Some("s3cret".into()),
            tls_fingerprint: Some(Some("AB:".repeat(31) + "AB")),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (s.port, s.transport, s.suspend_mode),
            (8729, Transport::ApiSsl, SuspendMode::Disable)
        );
        assert_eq!(s.tls_fingerprint.as_deref().map(str::len), Some(64));
        assert_eq!(pw, "s3cret");
        let pw = s
            .patch(&RouterDraft {
                name: Some("core-1".into()),
                is_default: Some(true),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((s.name.as_str(), s.is_default, pw), ("core-1", true, None));
        // Moving the router needs the password again; a refused patch changes nothing.
        let before = s.clone();
        let e = s
            .patch(&RouterDraft {
                host: Some("203.0.113.9".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.0.contains_key("password"));
        assert_eq!(s, before);
        let pw = s
            .patch(&RouterDraft {
                transport: Some("rest".into()),
                password: Some("new".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            (s.transport, s.port, pw.as_deref()),
            (Transport::Rest, 443, Some("new"))
        );
    }
}
