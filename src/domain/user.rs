//! Users of the API and what each role may do.

use super::validation::{FieldErrors, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Operator,
    Cashier,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Cashier => "cashier",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "operator" => Some(Role::Operator),
            "cashier" => Some(Role::Cashier),
            _ => None,
        }
    }

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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: Role,
}

pub const MIN_PASSWORD: usize = 8;

/// Validates a user to create. `default_role` applies when the request names none.
pub fn validate_new_user(
    username: Option<&str>,
    password: Option<&str>,
    role: Option<&str>,
    default_role: Role,
) -> Result<NewUser, FieldErrors> {
    let mut e = FieldErrors::default();
    let username = required_text(&mut e, "username", username, 3, 64);
    if let Some(u) = &username
        && !u
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        e.add("username", "may contain only letters, digits and . _ - @");
    }
    let password = match password {
        None => {
            e.add("password", "is required");
            None
        }
        // Passwords are taken as typed: no trimming, any character but control ones.
        Some(p) if p.chars().count() < MIN_PASSWORD => {
            e.add(
                "password",
                format!("must be at least {MIN_PASSWORD} characters"),
            );
            None
        }
        Some(p) if p.len() > 1024 => {
            e.add("password", "must be at most 1024 bytes");
            None
        }
        Some(p) if p.chars().any(char::is_control) => {
            e.add("password", "must not contain control characters");
            None
        }
        Some(p) => Some(p.to_owned()),
    };
    let role = match role {
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
        let ok = validate_new_user(Some("admin"), Some("correct horse"), None, Role::Admin);
        assert_eq!(ok.unwrap().role, Role::Admin);
        let err = validate_new_user(Some("a b"), Some("short"), Some("root"), Role::Operator)
            .unwrap_err();
        assert_eq!(
            err.0["username"],
            "may contain only letters, digits and . _ - @"
        );
        assert_eq!(err.0["password"], "must be at least 8 characters");
        assert_eq!(err.0["role"], "must be one of admin, operator, cashier");
    }
}
