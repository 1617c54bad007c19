//! A provider's client (subscriber) and the rules for its fields.

use super::validation::{FieldErrors, checked_text, required_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub phone_number: String,
    pub address: String,
    pub ppp_secret_name: String,
    /// The router the client's PPP secret lives on; none, no provisioning.
    pub router_id: Option<i64>,
}

/// A client to register, validated. `password` is the PPP secret's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub name: String,
    pub phone_number: String,
    pub address: String,
    pub ppp_secret_name: String,
    pub password: String,
}

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub phone_number: Option<String>,
    pub address: Option<String>,
    pub ppp_secret_name: Option<String>,
    pub password: Option<String>,
    pub router_id: Option<i64>,
}

/// Raw client fields as a request carries them.
#[derive(Debug, Clone, Default)]
pub struct ClientInput<'a> {
    pub name: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub address: Option<&'a str>,
    pub ppp_secret_name: Option<&'a str>,
    pub password: Option<&'a str>,
    pub router_id: Option<i64>,
}

const NAME: (usize, usize) = (3, 100);
const ADDRESS: (usize, usize) = (5, 255);
const PPP_NAME_MAX: usize = 64;
const PASSWORD: (usize, usize) = (6, 64);

/// Characters RouterOS's console and scripting treat specially inside names (quoting,
/// escapes, variables, the command separator and query operators); everything else printable
/// and without spaces is accepted, as PPPoE user names like `user@realm` need.
const PPP_NAME_FORBIDDEN: &[char] = &['"', '\'', '\\', '`', '$', ';', '=', '?', '#'];

fn check_phone(e: &mut FieldErrors, v: &str) -> Option<String> {
    let v = v.trim();
    let digits = v.strip_prefix('+').unwrap_or(v);
    let ok = (6..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Some(v.to_owned())
    } else {
        e.add(
            "phone_number",
            "must be 6 to 20 digits, optionally after a leading +",
        );
        None
    }
}

fn check_ppp_name(e: &mut FieldErrors, v: &str) -> Option<String> {
    if v.is_empty() {
        e.add("ppp_secret_name", "must not be empty");
    } else if v.len() > PPP_NAME_MAX {
        e.add(
            "ppp_secret_name",
            format!("must be at most {PPP_NAME_MAX} characters"),
        );
    } else if !v
        .chars()
        .all(|c| c.is_ascii_graphic() && !PPP_NAME_FORBIDDEN.contains(&c))
    {
        e.add(
            "ppp_secret_name",
            "may contain only ASCII letters, digits and punctuation other than \" ' \\ ` $ ; = ? #, without spaces",
        );
    } else {
        return Some(v.to_owned());
    }
    None
}

fn check_password(e: &mut FieldErrors, v: &str) -> Option<String> {
    let (min, max) = PASSWORD;
    if v.len() < min || v.len() > max {
        e.add("password", format!("must be {min} to {max} characters"));
        None
    } else if !v.chars().all(|c| c.is_ascii_graphic()) {
        e.add(
            "password",
            "may contain only ASCII letters, digits and punctuation, without spaces",
        );
        None
    } else {
        Some(v.to_owned())
    }
}

fn required<T>(
    e: &mut FieldErrors,
    field: &str,
    v: Option<&str>,
    check: impl FnOnce(&mut FieldErrors, &str) -> Option<T>,
) -> Option<T> {
    match v {
        Some(v) => check(e, v),
        None => {
            e.add(field, "is required");
            None
        }
    }
}

pub fn validate_new(input: &ClientInput<'_>) -> Result<NewClient, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", input.name, NAME.0, NAME.1);
    let phone_number = required(&mut e, "phone_number", input.phone_number, check_phone);
    let address = required_text(&mut e, "address", input.address, ADDRESS.0, ADDRESS.1);
    let ppp_secret_name = required(
        &mut e,
        "ppp_secret_name",
        input.ppp_secret_name,
        check_ppp_name,
    );
    let password = required(&mut e, "password", input.password, check_password);
    match (name, phone_number, address, ppp_secret_name, password) {
        (Some(name), Some(phone_number), Some(address), Some(ppp_secret_name), Some(password)) => {
            Ok(NewClient {
                name,
                phone_number,
                address,
                ppp_secret_name,
                password,
            })
        }
        _ => Err(e),
    }
}

pub fn validate_changes(input: &ClientInput<'_>) -> Result<ClientChanges, FieldErrors> {
    let mut e = FieldErrors::default();
    let changes = ClientChanges {
        name: input
            .name
            .and_then(|v| checked_text(&mut e, "name", v, NAME.0, NAME.1)),
        phone_number: input.phone_number.and_then(|v| check_phone(&mut e, v)),
        address: input
            .address
            .and_then(|v| checked_text(&mut e, "address", v, ADDRESS.0, ADDRESS.1)),
        ppp_secret_name: input
            .ppp_secret_name
            .and_then(|v| check_ppp_name(&mut e, v)),
        password: input.password.and_then(|v| check_password(&mut e, v)),
        router_id: input.router_id,
    };
    if e.is_empty() && changes == ClientChanges::default() {
        e.add(
            "body",
            "name at least one of name, phone_number, address, ppp_secret_name, password, router_id",
        );
    }
    e.into_result(changes)
}

impl Client {
    pub fn apply(&mut self, c: &ClientChanges) {
        if let Some(v) = &c.name {
            self.name.clone_from(v);
        }
        if let Some(v) = &c.phone_number {
            self.phone_number.clone_from(v);
        }
        if let Some(v) = &c.address {
            self.address.clone_from(v);
        }
        if let Some(v) = &c.ppp_secret_name {
            self.ppp_secret_name.clone_from(v);
        }
        if let Some(r) = c.router_id {
            self.router_id = Some(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed<'a>() -> ClientInput<'a> {
        ClientInput {
            name: Some("John Doe"),
            phone_number: Some("08123456789"),
            address: Some("Jl. Merdeka No.1"),
            ppp_secret_name: Some("abc123"),
            password: Some("securepassword"),
            router_id: None,
        }
    }

    #[test]
    fn the_seed_example_is_valid() {
        let c = validate_new(&seed()).unwrap();
        assert_eq!(c.name, "John Doe");
        assert_eq!(c.ppp_secret_name, "abc123");
    }

    #[test]
    fn every_missing_field_is_named() {
        let e = validate_new(&ClientInput::default()).unwrap_err();
        let fields: Vec<_> = e.0.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "address",
                "name",
                "password",
                "phone_number",
                "ppp_secret_name"
            ]
        );
    }

    #[test]
    fn phone_numbers() {
        for ok in ["08123456789", "+628123456789", "123456"] {
            let mut i = seed();
            i.phone_number = Some(ok);
            assert!(validate_new(&i).is_ok(), "{ok}");
        }
        for bad in [
            "0812-345",
            "12345",
            "phone",
            "+",
            "081234567890123456789",
            "08 123456",
        ] {
            let mut i = seed();
            i.phone_number = Some(bad);
            assert!(
                validate_new(&i).unwrap_err().0.contains_key("phone_number"),
                "{bad}"
            );
        }
    }

    #[test]
    fn ppp_secret_names() {
        for ok in ["abc123", "user@realm.net", "a.b-c_d", "X"] {
            let mut i = seed();
            i.ppp_secret_name = Some(ok);
            assert!(validate_new(&i).is_ok(), "{ok}");
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            "two words",
            "a;b",
            "x=y",
            "quote\"",
            "naïve",
            long.as_str(),
        ] {
            let mut i = seed();
            i.ppp_secret_name = Some(bad);
            assert!(
                validate_new(&i)
                    .unwrap_err()
                    .0
                    .contains_key("ppp_secret_name"),
                "{bad}"
            );
        }
    }

    #[test]
    fn short_name_address_and_password() {
        let mut i = seed();
        i.name = Some("Jo");
        i.address = Some("Jl.");
        i.password = Some("12345");
        let e = validate_new(&i).unwrap_err();
        assert_eq!(e.0["name"], "must be at least 3 characters");
        assert_eq!(e.0["address"], "must be at least 5 characters");
        assert_eq!(e.0["password"], "must be 6 to 64 characters");
    }

    #[test]
    fn changes_need_at_least_one_field_and_apply_only_given_ones() {
        assert!(
            validate_changes(&ClientInput::default())
                .unwrap_err()
                .0
                .contains_key("body")
        );
        let changes = validate_changes(&ClientInput {
            address: Some("Jl. Sudirman No.2"),
            ..Default::default()
        })
        .unwrap();
        let mut c = Client {
            id: 1,
            name: "John Doe".into(),
            phone_number: "08123456789".into(),
            address: "Jl. Merdeka No.1".into(),
            ppp_secret_name: "abc123".into(),
            router_id: None,
        };
        c.apply(&changes);
        assert_eq!(c.address, "Jl. Sudirman No.2");
        assert_eq!(c.name, "John Doe");
    }
}
