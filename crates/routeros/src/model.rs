//! Typed rows of the menus the billing server manages.
//!
//! Both transports deliver every value as a string (the API always, REST by
//! design), so conversion happens here once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One printed row: property name to value.
pub type Row = HashMap<String, String>;

/// `true`/`yes` as RouterOS prints and accepts them.
pub fn parse_bool(v: &str) -> bool {
    matches!(v, "true" | "yes")
}

/// The form RouterOS accepts on input on every version.
pub fn format_bool(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn opt(row: &Row, key: &str) -> Option<String> {
    row.get(key).cloned()
}

fn opt_u64(row: &Row, key: &str) -> Option<u64> {
    row.get(key).and_then(|v| v.parse().ok())
}

/// A `/ppp/secret` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    /// `.id`; `None` for a secret not yet on the router.
    pub id: Option<String>,
    pub name: String,
    pub password: Option<String>,
    /// `any` when not set.
    pub service: Option<String>,
    /// `default` when not set.
    pub profile: Option<String>,
    pub disabled: bool,
    pub comment: Option<String>,
    pub caller_id: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
    pub routes: Option<String>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
    /// Read-only, as printed by the router.
    pub last_logged_out: Option<String>,
}

/// Properties fetched when reading secrets (`.proplist`), so the router skips the rest.
pub const SECRET_PROPS: &[&str] = &[
    ".id",
    "name",
    "password",
    "service",
    "profile",
    "disabled",
    "comment",
    "caller-id",
    "local-address",
    "remote-address",
    "routes",
    "limit-bytes-in",
    "limit-bytes-out",
    "last-logged-out",
];

impl Secret {
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Self {
        Secret {
            name: name.into(),
            password: Some(password.into()),
            ..Default::default()
        }
    }

    pub fn from_row(row: &Row) -> Self {
        Secret {
            id: opt(row, ".id"),
            name: row.get("name").cloned().unwrap_or_default(),
            password: opt(row, "password"),
            service: opt(row, "service"),
            profile: opt(row, "profile"),
            disabled: row.get("disabled").is_some_and(|v| parse_bool(v)),
            comment: opt(row, "comment"),
            caller_id: opt(row, "caller-id"),
            local_address: opt(row, "local-address"),
            remote_address: opt(row, "remote-address"),
            routes: opt(row, "routes"),
            limit_bytes_in: opt_u64(row, "limit-bytes-in"),
            limit_bytes_out: opt_u64(row, "limit-bytes-out"),
            last_logged_out: opt(row, "last-logged-out"),
        }
    }

    /// Attributes for `add`: only what is set, so the router applies its defaults.
    pub fn to_attrs(&self) -> Vec<(String, String)> {
        let mut a = vec![("name".to_owned(), self.name.clone())];
        let mut push = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                a.push((k.to_owned(), v.clone()));
            }
        };
        push("password", &self.password);
        push("service", &self.service);
        push("profile", &self.profile);
        push("comment", &self.comment);
        push("caller-id", &self.caller_id);
        push("local-address", &self.local_address);
        push("remote-address", &self.remote_address);
        push("routes", &self.routes);
        push(
            "limit-bytes-in",
            &self.limit_bytes_in.map(|n| n.to_string()),
        );
        push(
            "limit-bytes-out",
            &self.limit_bytes_out.map(|n| n.to_string()),
        );
        if self.disabled {
            a.push(("disabled".to_owned(), format_bool(true).to_owned()));
        }
        a
    }
}

/// Changes for `set`; `None` leaves a property as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretUpdate {
    pub name: Option<String>,
    pub password: Option<String>,
    pub service: Option<String>,
    pub profile: Option<String>,
    pub disabled: Option<bool>,
    pub comment: Option<String>,
    pub caller_id: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
    pub routes: Option<String>,
    pub limit_bytes_in: Option<u64>,
    pub limit_bytes_out: Option<u64>,
}

impl SecretUpdate {
    pub fn to_attrs(&self) -> Vec<(String, String)> {
        let mut a = Vec::new();
        let mut push = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                a.push((k.to_owned(), v));
            }
        };
        push("name", self.name.clone());
        push("password", self.password.clone());
        push("service", self.service.clone());
        push("profile", self.profile.clone());
        push("disabled", self.disabled.map(|b| format_bool(b).to_owned()));
        push("comment", self.comment.clone());
        push("caller-id", self.caller_id.clone());
        push("local-address", self.local_address.clone());
        push("remote-address", self.remote_address.clone());
        push("routes", self.routes.clone());
        push("limit-bytes-in", self.limit_bytes_in.map(|n| n.to_string()));
        push(
            "limit-bytes-out",
            self.limit_bytes_out.map(|n| n.to_string()),
        );
        a
    }
}

/// A `/ppp/profile` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: Option<String>,
    pub name: String,
    /// e.g. `10M/20M`; `None` means unlimited.
    pub rate_limit: Option<String>,
    /// Firewall address list RouterOS puts a client's address on while its session is up.
    pub address_list: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
    pub comment: Option<String>,
}

/// Properties fetched when reading profiles.
pub const PROFILE_PROPS: &[&str] = &[
    ".id",
    "name",
    "rate-limit",
    "address-list",
    "local-address",
    "remote-address",
    "comment",
];

/// `Some` of a non-empty value: RouterOS prints an unset `address-list` as `""`.
fn opt_nonempty(row: &Row, key: &str) -> Option<String> {
    row.get(key).filter(|v| !v.is_empty()).cloned()
}

impl Profile {
    pub fn from_row(row: &Row) -> Self {
        Profile {
            id: opt(row, ".id"),
            name: row.get("name").cloned().unwrap_or_default(),
            rate_limit: opt_nonempty(row, "rate-limit"),
            address_list: opt_nonempty(row, "address-list"),
            local_address: opt_nonempty(row, "local-address"),
            remote_address: opt_nonempty(row, "remote-address"),
            comment: opt_nonempty(row, "comment"),
        }
    }
}

/// A profile as the billing server wants it, for [`crate::RouterApi::upsert_profile`].
///
/// Each property is `None` to leave the router's value alone (an operator may
/// have set the pools by hand), `Some(value)` to have exactly that value, and
/// `Some("")` to unset it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSpec {
    pub name: String,
    pub rate_limit: Option<String>,
    pub address_list: Option<String>,
    pub local_address: Option<String>,
    pub remote_address: Option<String>,
    /// e.g. `mikronet:plan:7`, so the server recognises its own profiles.
    pub comment: Option<String>,
}

impl ProfileSpec {
    pub fn new(name: impl Into<String>) -> Self {
        ProfileSpec {
            name: name.into(),
            ..Default::default()
        }
    }

    pub fn rate_limit(mut self, v: impl Into<String>) -> Self {
        self.rate_limit = Some(v.into());
        self
    }

    pub fn address_list(mut self, v: impl Into<String>) -> Self {
        self.address_list = Some(v.into());
        self
    }

    pub fn local_address(mut self, v: impl Into<String>) -> Self {
        self.local_address = Some(v.into());
        self
    }

    pub fn remote_address(mut self, v: impl Into<String>) -> Self {
        self.remote_address = Some(v.into());
        self
    }

    pub fn comment(mut self, v: impl Into<String>) -> Self {
        self.comment = Some(v.into());
        self
    }

    /// The managed properties as `(name, value)`, in RouterOS spelling, without `name`.
    pub fn managed(&self) -> Vec<(&'static str, &str)> {
        [
            ("rate-limit", &self.rate_limit),
            ("address-list", &self.address_list),
            ("local-address", &self.local_address),
            ("remote-address", &self.remote_address),
            ("comment", &self.comment),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }

    /// What `set` must change on a profile printed as `row` (unset reads as `""`).
    pub fn changes_from(&self, row: &Row) -> Vec<(String, String)> {
        self.managed()
            .into_iter()
            .filter(|(k, v)| row.get(*k).map_or("", String::as_str) != *v)
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// A `/ppp/active` session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSession {
    pub id: String,
    pub name: String,
    pub service: Option<String>,
    pub caller_id: Option<String>,
    pub address: Option<String>,
    pub uptime: Option<String>,
    pub session_id: Option<String>,
}

impl ActiveSession {
    pub fn from_row(row: &Row) -> Self {
        ActiveSession {
            id: row.get(".id").cloned().unwrap_or_default(),
            name: row.get("name").cloned().unwrap_or_default(),
            service: opt(row, "service"),
            caller_id: opt(row, "caller-id"),
            address: opt(row, "address"),
            uptime: opt(row, "uptime"),
            session_id: opt(row, "session-id"),
        }
    }
}

/// `/system/resource`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemResource {
    pub version: String,
    pub board_name: Option<String>,
    pub uptime: Option<String>,
    pub cpu_load: Option<u64>,
    pub free_memory: Option<u64>,
    pub total_memory: Option<u64>,
    /// Everything printed, for properties not modelled above.
    pub raw: Row,
}

impl SystemResource {
    pub fn from_row(row: &Row) -> Self {
        SystemResource {
            version: row.get("version").cloned().unwrap_or_default(),
            board_name: opt(row, "board-name"),
            uptime: opt(row, "uptime"),
            cpu_load: opt_u64(row, "cpu-load"),
            free_memory: opt_u64(row, "free-memory"),
            total_memory: opt_u64(row, "total-memory"),
            raw: row.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_round_trip_through_attrs() {
        let mut s = Secret::new("alice", "pw");
        s.disabled = true;
        s.limit_bytes_in = Some(5);
        let attrs = s.to_attrs();
        assert!(attrs.contains(&("name".into(), "alice".into())));
        assert!(attrs.contains(&("disabled".into(), "yes".into())));
        assert!(attrs.contains(&("limit-bytes-in".into(), "5".into())));
        assert!(!attrs.iter().any(|(k, _)| k == "profile"));
        let row: Row = [
            (".id", "*1F"),
            ("name", "alice"),
            ("disabled", "true"),
            ("limit-bytes-in", "5"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let back = Secret::from_row(&row);
        assert_eq!(back.id.as_deref(), Some("*1F"));
        assert!(back.disabled);
        assert_eq!(back.limit_bytes_in, Some(5));
        assert_eq!(back.password, None);
    }
}
