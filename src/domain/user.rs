//! Users of the API and what each role may do.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::ids::UserId;
use super::validation::{FieldErrors, required_text};
use crate::words;

words! {
    /// What a user may do: see the README's roles table.
    pub enum Role {
        Admin = "admin",
        Operator = "operator",
        Cashier = "cashier",
    }
}

impl Role {
    /// Who may change clients (and, through them, PPP secrets on routers).
    pub fn manages_clients(self) -> bool {
        matches!(self, Role::Admin | Role::Operator)
    }

    pub fn manages_users(self) -> bool {
        self == Role::Admin
    }

    /// Plans set prices: the admin's.
    pub fn manages_plans(self) -> bool {
        self == Role::Admin
    }

    /// Subscriptions, generation runs and status changes.
    pub fn manages_billing(self) -> bool {
        matches!(self, Role::Admin | Role::Operator)
    }

    pub fn records_payments(self) -> bool {
        true
    }

    /// Voiding takes money off the books: the admin's.
    pub fn voids_invoices(self) -> bool {
        self == Role::Admin
    }

    pub fn reads_reports(self) -> bool {
        self == Role::Admin
    }

    /// The audit trail says who changed what: the admin's.
    pub fn reads_audit(self) -> bool {
        self == Role::Admin
    }
}

/// Who does something: a signed-in user, or the server itself (`system:scheduler`,
/// `system:worker`, a gateway callback, an import), which every history records by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<UserId>,
    pub username: String,
    pub role: Role,
}

impl Actor {
    /// The server acting on its own: `system:{what}`, with every right.
    pub fn system(what: &str) -> Actor {
        Actor {
            id: None,
            username: format!("system:{what}"),
            role: Role::Admin,
        }
    }
}

/// A user as stored (the password hash stays in storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    /// A disabled user cannot log in, and none of their tokens works.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// A user's fields as a request carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "cashier1", "password": "a long passphrase", "role": "cashier"}))]
pub struct UserDraft {
    #[schema(example = "admin")]
    pub username: Option<String>,
    #[schema(example = "a long passphrase")]
    pub password: Option<String>,
    /// `admin`, `operator` or `cashier`; ignored for the first user, who is always `admin`.
    #[schema(example = "operator")]
    pub role: Option<String>,
    /// A disabled user cannot log in and their tokens stop working.
    pub disabled: Option<bool>,
}

impl super::Draft for UserDraft {
    const REQUIRED: &'static [&'static str] = &["username", "password"];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: Role,
}

pub const MIN_PASSWORD: usize = 8;

/// A password as typed: no trimming, any character but control ones.
pub fn check_password(e: &mut FieldErrors, field: &str, p: &str) -> Option<String> {
    if p.chars().count() < MIN_PASSWORD {
        e.add(field, format!("must be at least {MIN_PASSWORD} characters"));
        None
    } else if p.len() > 1024 {
        e.add(field, "must be at most 1024 bytes");
        None
    } else if p.chars().any(char::is_control) {
        e.add(field, "must not contain control characters");
        None
    } else {
        Some(p.to_owned())
    }
}

/// A user name: 3 to 64 letters, digits and `. _ - @` (required).
pub fn check_username(e: &mut FieldErrors, v: Option<&str>) -> Option<String> {
    let username = required_text(e, "username", v, 3, 64)?;
    if username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        Some(username)
    } else {
        e.add("username", "may contain only letters, digits and . _ - @");
        None
    }
}

/// What an update of a user changes (all or nothing, checked by [`User::patch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChange {
    pub role: Role,
    pub disabled: bool,
    /// A new password (a reset by an admin), to be hashed.
    pub password: Option<String>,
}

impl UserChange {
    /// Whether the user stops being an administrator who can act.
    pub fn leaves_admins(&self, before: &User) -> bool {
        before.role == Role::Admin
            && !before.disabled
            && (self.role != Role::Admin || self.disabled)
    }

    /// Whether the user's sessions must end: a new password or disabling.
    pub fn ends_sessions(&self, before: &User) -> bool {
        self.password.is_some() || (self.disabled && !before.disabled)
    }
}

impl User {
    /// Checks an update: `role`, `disabled` and `password` may change; the user name may only
    /// repeat itself (histories record users by name).
    pub fn patch(&self, d: &UserDraft) -> Result<UserChange, FieldErrors> {
        let mut e = FieldErrors::default();
        if d.username.as_deref().is_some_and(|u| u != self.username) {
            e.add(
                "username",
                "cannot be changed (histories record users by name); create a new user instead",
            );
        }
        let role = match d.role.as_deref() {
            None => self.role,
            Some(r) => Role::parse(r).unwrap_or_else(|| {
                e.add("role", "must be one of admin, operator, cashier");
                self.role
            }),
        };
        let password = d
            .password
            .as_deref()
            .and_then(|p| check_password(&mut e, "password", p));
        e.into_result(UserChange {
            role,
            disabled: d.disabled.unwrap_or(self.disabled),
            password,
        })
    }

    /// Validates a user to create. `default_role` applies when the draft names none.
    pub fn validate(d: &UserDraft, default_role: Role) -> Result<NewUser, FieldErrors> {
        let mut e = FieldErrors::default();
        let username = check_username(&mut e, d.username.as_deref());
        let password = match d.password.as_deref() {
            None => {
                e.add("password", "is required");
                None
            }
            Some(p) => check_password(&mut e, "password", p),
        };
        let role = match d.role.as_deref() {
            None => Some(default_role),
            Some(r) => {
                let parsed = Role::parse(r);
                if parsed.is_none() {
                    e.add("role", "must be one of admin, operator, cashier");
                }
                parsed
            }
        };
        match (username, password, role) {
            (Some(username), Some(password), Some(role)) if e.is_empty() => Ok(NewUser {
                username,
                password,
                role,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_permissions() {
        for r in [Role::Admin, Role::Operator, Role::Cashier] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Operator.manages_clients());
        assert!(!Role::Cashier.manages_clients());
        assert!(!Role::Operator.manages_users());
    }

    #[test]
    fn new_user_rules() {
        let draft = |u: &str, p: &str, r: Option<&str>| UserDraft {
            username: Some(u.into()),
            password: Some(p.into()),
            role: r.map(Into::into),
            disabled: None,
        };
        let ok = User::validate(&draft("admin", "correct horse", None), Role::Admin);
        assert_eq!(ok.unwrap().role, Role::Admin);
        let err = User::validate(&draft("a b", "short", Some("root")), Role::Operator).unwrap_err();
        assert_eq!(
            err.0["username"],
            "may contain only letters, digits and . _ - @"
        );
        assert_eq!(err.0["password"], "must be at least 8 characters");
        assert_eq!(err.0["role"], "must be one of admin, operator, cashier");
    }

    #[test]
    fn patches_change_role_disabled_and_password_only() {
        let admin = User {
            id: UserId(1),
            username: "boss".into(),
            role: Role::Admin,
            disabled: false,
            created_at: Utc::now(),
        };
        let d = UserDraft {
            role: Some("operator".into()),
            ..UserDraft::default()
        };
        let c = admin.patch(&d).unwrap();
        assert_eq!(c.role, Role::Operator);
        assert!(c.leaves_admins(&admin));
        assert!(!c.ends_sessions(&admin));
        let d = UserDraft {
            username: Some("other".into()),
            password: Some("short".into()),
            ..UserDraft::default()
        };
        let e = admin.patch(&d).unwrap_err();
        assert!(e.0.contains_key("username") && e.0.contains_key("password"));
        let d = UserDraft {
            username: Some("boss".into()),
            disabled: Some(true),
            ..UserDraft::default()
        };
        let c = admin.patch(&d).unwrap();
        assert!(c.leaves_admins(&admin) && c.ends_sessions(&admin));
    }
}
