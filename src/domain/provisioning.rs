//! What a client's PPP secret should look like on its router, and the rules of the router
//! registry and of retrying router changes.

use std::time::Duration;

use super::billing::subscription::Status;
use super::validation::{FieldErrors, checked_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The binary API, TCP 8728.
    Api,
    /// The binary API over TLS, 8729.
    ApiSsl,
    /// RouterOS v7 REST over HTTPS.
    Rest,
    /// RouterOS v7.9+ REST over plain HTTP (`www` service); for closed management networks.
    RestHttp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Api => "api",
            Transport::ApiSsl => "api-ssl",
            Transport::Rest => "rest",
            Transport::RestHttp => "rest-http",
        }
    }

    pub fn parse(s: &str) -> Option<Transport> {
        [
            Transport::Api,
            Transport::ApiSsl,
            Transport::Rest,
            Transport::RestHttp,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }

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

/// How a router cuts off a client who has not paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspendMode {
    /// Disable the secret (and end the session): no access at all.
    Disable,
    /// Move the secret to an isolation profile (e.g. a walled garden with a payment page).
    Isolate,
}

impl SuspendMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SuspendMode::Disable => "disable",
            SuspendMode::Isolate => "isolate",
        }
    }

    pub fn parse(s: &str) -> Option<SuspendMode> {
        match s {
            "disable" => Some(SuspendMode::Disable),
            "isolate" => Some(SuspendMode::Isolate),
            _ => None,
        }
    }
}

/// The state a client's secret should have on the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretState {
    pub profile: String,
    pub disabled: bool,
}

/// The profile RouterOS gives a secret that names none.
pub const DEFAULT_PROFILE: &str = "default";

/// A client is cut off when an operator holds them, or when their subscription is suspended;
/// otherwise their secret is enabled with their plan's profile.
pub fn secret_state(
    held: bool,
    subscription: Option<(Status, &str)>,
    mode: SuspendMode,
    isolation_profile: Option<&str>,
) -> SecretState {
    let plan_profile = subscription.map_or(DEFAULT_PROFILE, |(_, p)| p);
    let cut_off = held
        || subscription.is_some_and(|(s, _)| {
            matches!(s, Status::Suspended | Status::Expired | Status::Cancelled)
        });
    match (cut_off, mode, isolation_profile) {
        (false, _, _) => SecretState {
            profile: plan_profile.to_owned(),
            disabled: false,
        },
        (true, SuspendMode::Isolate, Some(iso)) => SecretState {
            profile: iso.to_owned(),
            disabled: false,
        },
        (true, _, _) => SecretState {
            profile: plan_profile.to_owned(),
            disabled: true,
        },
    }
}

/// The comment that marks a secret as ours; reconcile never touches a secret without it.
pub fn comment_for(client_id: i64) -> String {
    format!("mikronet:client:{client_id}")
}

/// The client a secret's comment names, if it is one of ours.
pub fn client_of_comment(comment: &str) -> Option<i64> {
    comment.strip_prefix("mikronet:client:")?.parse().ok()
}

/// Wait before retry number `attempts` (1-based): 2, 4, 8 … seconds, at most five minutes.
pub fn backoff(attempts: u32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.min(16)).min(300))
}

/// A router that answers with an error (not a lost connection) is tried this many times
/// before the job is marked failed for an operator to look at.
pub const MAX_REFUSALS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterInput {
    pub name: Option<String>,
    pub host: Option<String>,
    pub port: Option<i64>,
    pub transport: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `Some(None)` clears the pin.
    pub tls_fingerprint: Option<Option<String>>,
    pub suspend_mode: Option<String>,
    pub isolation_profile: Option<Option<String>>,
    pub is_default: Option<bool>,
}

/// A router's settings, validated (the password stays plain only until it is sealed).
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
    match f {
        None => Some(None),
        Some(f) => {
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
    }
}

/// Applies `input` over `current` (or validates a new router when `current` is `None`);
/// returns the settings and the new password, if one was given.
pub fn router_settings(
    current: Option<&RouterSettings>,
    input: &RouterInput,
) -> Result<(RouterSettings, Option<String>), FieldErrors> {
    let mut e = FieldErrors::default();
    let new = current.is_none();
    let mut need = |field: &str, v: bool| {
        if new && !v {
            e.add(field, "is required");
        }
    };
    need("name", input.name.is_some());
    need("host", input.host.is_some());
    need("username", input.username.is_some());
    need("password", input.password.is_some());
    let name = input
        .name
        .as_deref()
        .and_then(|n| checked_text(&mut e, "name", n, 1, 100));
    let host = input.host.as_deref().and_then(|h| check_host(&mut e, h));
    let username = input
        .username
        .as_deref()
        .and_then(|u| checked_text(&mut e, "username", u, 1, 100));
    let password = match input.password.as_deref() {
        Some(p) if p.is_empty() || p.len() > 256 || p.chars().any(char::is_control) => {
            e.add(
                "password",
                "must be 1 to 256 characters, without control characters",
            );
            None
        }
        p => p.map(str::to_owned),
    };
    let transport = match input.transport.as_deref() {
        None => Some(current.map_or(Transport::Api, |c| c.transport)),
        Some(t) => {
            let t = Transport::parse(t);
            if t.is_none() {
                e.add("transport", "must be one of api, api-ssl, rest, rest-http");
            }
            t
        }
    };
    let suspend_mode = match input.suspend_mode.as_deref() {
        None => Some(current.map_or(SuspendMode::Disable, |c| c.suspend_mode)),
        Some(m) => {
            let m = SuspendMode::parse(m);
            if m.is_none() {
                e.add("suspend_mode", "must be disable or isolate");
            }
            m
        }
    };
    let fingerprint = match &input.tls_fingerprint {
        None => Some(current.and_then(|c| c.tls_fingerprint.clone())),
        Some(f) => check_fingerprint(&mut e, f.as_deref()),
    };
    let isolation_profile = match &input.isolation_profile {
        None => current.and_then(|c| c.isolation_profile.clone()),
        Some(p) => p
            .as_deref()
            .and_then(|p| checked_text(&mut e, "isolation_profile", p, 1, 64)),
    };
    let port = match input.port {
        None => transport.map(|t| {
            current
                .filter(|c| c.transport == t)
                .map_or(t.default_port(), |c| c.port)
        }),
        Some(p) => match u16::try_from(p) {
            Ok(p) if p > 0 => Some(p),
            _ => {
                e.add("port", "must be from 1 to 65535");
                None
            }
        },
    };
    if suspend_mode == Some(SuspendMode::Isolate) && isolation_profile.is_none() {
        e.add(
            "isolation_profile",
            "is required when suspend_mode is isolate",
        );
    }
    let (Some(transport), Some(suspend_mode), Some(fingerprint), Some(port)) =
        (transport, suspend_mode, fingerprint, port)
    else {
        return Err(e);
    };
    let pick = |v: Option<String>, cur: fn(&RouterSettings) -> &String| {
        v.or_else(|| current.map(|c| cur(c).clone()))
    };
    let settings = match (
        pick(name, |c| &c.name),
        pick(host, |c| &c.host),
        pick(username, |c| &c.username),
    ) {
        (Some(name), Some(host), Some(username)) if e.is_empty() => RouterSettings {
            name,
            host,
            port,
            transport,
            username,
            tls_fingerprint: fingerprint,
            suspend_mode,
            isolation_profile,
            is_default: input
                .is_default
                .unwrap_or_else(|| current.is_some_and(|c| c.is_default)),
        },
        _ => return Err(e),
    };
    Ok((settings, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_off_by_status_or_hold_per_router_mode() {
        let active = Some((Status::Active, "home-10m"));
        let suspended = Some((Status::Suspended, "home-10m"));
        assert_eq!(
            secret_state(false, active, SuspendMode::Disable, None),
            SecretState {
                profile: "home-10m".into(),
                disabled: false
            }
        );
        assert_eq!(
            secret_state(false, suspended, SuspendMode::Disable, None),
            SecretState {
                profile: "home-10m".into(),
                disabled: true
            }
        );
        assert_eq!(
            secret_state(false, suspended, SuspendMode::Isolate, Some("isolir")),
            SecretState {
                profile: "isolir".into(),
                disabled: false
            }
        );
        assert!(
            secret_state(true, active, SuspendMode::Disable, None).disabled,
            "held"
        );
        assert_eq!(
            secret_state(false, None, SuspendMode::Disable, None).profile,
            "default"
        );
    }

    #[test]
    fn comments_and_backoff() {
        assert_eq!(client_of_comment(&comment_for(42)), Some(42));
        assert_eq!(client_of_comment("office printer"), None);
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }

    #[test]
    fn router_settings_rules() {
        let e = router_settings(
            None,
            &RouterInput {
                name: None,
                host: Some("bad host!".into()),
                port: Some(70000),
                transport: Some("telnet".into()),
                username: None,
                password: None,
                tls_fingerprint: Some(Some("abc".into())),
                suspend_mode: Some("isolate".into()),
                isolation_profile: None,
                is_default: None,
            },
        )
        .unwrap_err();
        for f in [
            "name",
            "host",
            "port",
            "transport",
            "username",
            "password",
            "tls_fingerprint",
        ] {
            assert!(e.0.contains_key(f), "{f}: {e:?}");
        }
        let input = RouterInput {
            name: Some("core".into()),
            host: Some("10.0.0.1".into()),
            port: None,
            transport: Some("api-ssl".into()),
            username: Some("billing".into()),
            password: Some("s3cret".into()),
            tls_fingerprint: Some(Some("AB:".repeat(31) + "AB")),
            suspend_mode: None,
            isolation_profile: None,
            is_default: None,
        };
        let (s, pw) = router_settings(None, &input).unwrap();
        assert_eq!(
            (s.port, s.transport, s.suspend_mode),
            (8729, Transport::ApiSsl, SuspendMode::Disable)
        );
        assert_eq!(s.tls_fingerprint.as_deref().map(str::len), Some(64));
        assert_eq!(pw.as_deref(), Some("s3cret"));
        let (changed, pw) = router_settings(
            Some(&s),
            &RouterInput {
                name: None,
                host: None,
                port: Some(18729),
                transport: None,
                username: None,
                password: None,
                tls_fingerprint: None,
                suspend_mode: None,
                isolation_profile: None,
                is_default: Some(true),
            },
        )
        .unwrap();
        assert_eq!(
            (changed.port, changed.name.as_str(), changed.is_default),
            (18729, "core", true)
        );
        assert_eq!(pw, None, "the password is kept unless given");
    }
}
