//! A provider's client (subscriber) and the rules for its fields.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::billing::subscription::Status;
use super::ids::{ClientId, JobId, RouterId};
use super::money::Money;
use super::validation::{FieldErrors, checked_text, required_text};
use crate::words;

/// A client as stored. The PPP password is kept apart, sealed (see `storage::repo::clients`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub phone_number: String,
    pub address: String,
    pub ppp_secret_name: String,
    /// The router the client's PPP secret lives on; none, no provisioning.
    pub router_id: Option<RouterId>,
}

/// A client's fields as a request carries them: every field optional. Validated whole by
/// [`Client::validate`] (registration) or applied by [`Client::patch`] (update: only the
/// fields sent change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "John Doe", "phone_number": "08123456789", "address": "Jl. Merdeka No.1", "ppp_secret_name": "abc123", "password": "securepassword"}))]
pub struct ClientDraft {
    #[schema(example = "John Doe")]
    pub name: Option<String>,
    #[schema(example = "08123456789")]
    pub phone_number: Option<String>,
    #[schema(example = "Jl. Merdeka No.1")]
    pub address: Option<String>,
    #[schema(example = "abc123")]
    pub ppp_secret_name: Option<String>,
    /// The PPP secret's password: stored sealed, never returned.
    #[schema(example = "securepassword")]
    pub password: Option<String>,
    /// The router the PPP secret lives on; the default router when omitted at registration.
    pub router_id: Option<RouterId>,
}

impl super::Draft for ClientDraft {
    const REQUIRED: &'static [&'static str] = &[
        "name",
        "phone_number",
        "address",
        "ppp_secret_name",
        "password",
    ];
}

/// A client to register, validated, with the PPP secret's password (still plain: it is sealed
/// before it is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub client: Client,
    pub password: String,
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

impl Client {
    /// Validates a registration: every field but `router_id` is required.
    pub fn validate(d: &ClientDraft) -> Result<NewClient, FieldErrors> {
        let mut e = FieldErrors::default();
        let password = required(&mut e, "password", d.password.as_deref(), check_password);
        // The fields pass only when the password's errors are none too: it is then `Some`.
        let client = Client::validate_fields(d, e)?;
        Ok(NewClient {
            client,
            password: password.unwrap_or_default(),
        })
    }

    /// Validates a client's fields without a PPP password: an imported client whose password
    /// only its router knows (stored as no password until a router import fills it in).
    pub fn validate_imported(d: &ClientDraft) -> Result<Client, FieldErrors> {
        Client::validate_fields(d, FieldErrors::default())
    }

    /// Every field but the password; `e` holds the password's errors, if any.
    fn validate_fields(d: &ClientDraft, mut e: FieldErrors) -> Result<Client, FieldErrors> {
        let name = required_text(&mut e, "name", d.name.as_deref(), NAME.0, NAME.1);
        let phone_number = required(
            &mut e,
            "phone_number",
            d.phone_number.as_deref(),
            check_phone,
        );
        let address = required_text(
            &mut e,
            "address",
            d.address.as_deref(),
            ADDRESS.0,
            ADDRESS.1,
        );
        let ppp_secret_name = required(
            &mut e,
            "ppp_secret_name",
            d.ppp_secret_name.as_deref(),
            check_ppp_name,
        );
        match (name, phone_number, address, ppp_secret_name) {
            (Some(name), Some(phone_number), Some(address), Some(ppp_secret_name))
                if e.is_empty() =>
            {
                Ok(Client {
                    id: ClientId(0),
                    name,
                    phone_number,
                    address,
                    ppp_secret_name,
                    router_id: d.router_id,
                })
            }
            _ => Err(e),
        }
    }

    /// Applies the fields `d` gives, each validated; returns the new PPP password, if one was
    /// given. Nothing changes unless every given field is valid.
    pub fn patch(&mut self, d: &ClientDraft) -> Result<Option<String>, FieldErrors> {
        let mut e = FieldErrors::default();
        if *d == ClientDraft::default() {
            e.add(
                "body",
                "name at least one of name, phone_number, address, ppp_secret_name, password, router_id",
            );
            return Err(e);
        }
        let mut next = self.clone();
        if let Some(v) = d
            .name
            .as_deref()
            .and_then(|v| checked_text(&mut e, "name", v, NAME.0, NAME.1))
        {
            next.name = v;
        }
        if let Some(v) = d
            .phone_number
            .as_deref()
            .and_then(|v| check_phone(&mut e, v))
        {
            next.phone_number = v;
        }
        if let Some(v) = d
            .address
            .as_deref()
            .and_then(|v| checked_text(&mut e, "address", v, ADDRESS.0, ADDRESS.1))
        {
            next.address = v;
        }
        if let Some(v) = d
            .ppp_secret_name
            .as_deref()
            .and_then(|v| check_ppp_name(&mut e, v))
        {
            next.ppp_secret_name = v;
        }
        let password = d
            .password
            .as_deref()
            .and_then(|v| check_password(&mut e, v));
        if let Some(r) = d.router_id {
            next.router_id = Some(r);
        }
        e.into_result(())?;
        *self = next;
        Ok(password)
    }
}

/// What an imported client's phone number and address hold until an operator fills them in:
/// nothing. Registration and every edit require both, so an empty one can only be an
/// imported client's, still to be completed (`WHERE phone_number = ''` finds them).
pub const MISSING: &str = "";

impl Client {
    /// A client found on a router (a PPP secret nobody here knew): named after the secret's
    /// comment when that reads as a name (3 to 100 characters, not one of our own
    /// `mikronet:` comments), else after the secret; phone number and address
    /// [`MISSING`]. The secret's name must be one we can manage (see `ppp_secret_name`).
    pub fn imported(
        comment: Option<&str>,
        secret_name: &str,
        router_id: RouterId,
    ) -> Result<Client, FieldErrors> {
        let mut e = FieldErrors::default();
        let ppp_secret_name = check_ppp_name(&mut e, secret_name);
        let name = comment
            .map(str::trim)
            .filter(|c| !c.starts_with("mikronet:"))
            .and_then(|c| checked_text(&mut FieldErrors::default(), "name", c, NAME.0, NAME.1))
            .unwrap_or_else(|| secret_name.to_owned());
        let ppp_secret_name = ppp_secret_name.ok_or(e)?;
        Ok(Client {
            id: ClientId(0),
            name,
            phone_number: MISSING.to_owned(),
            address: MISSING.to_owned(),
            ppp_secret_name,
            router_id: Some(router_id),
        })
    }

    /// Whether an operator still has to fill in the phone number or the address.
    pub fn details_missing(&self) -> bool {
        self.phone_number == MISSING || self.address == MISSING
    }
}

words! {
    /// What a client's history records.
    pub enum ClientEventKind {
        ConnectionDisabled = "connection_disabled",
        ConnectionEnabled = "connection_enabled",
        /// Exempt from automatic cut-off (the reason says why).
        CutoffExempted = "cutoff_exempted",
        /// Cut off again like everyone when past grace.
        ExemptionLifted = "exemption_lifted",
        /// A promise to pay that holds the cut-off off through a date.
        PromiseGranted = "promise_granted",
        PromiseWithdrawn = "promise_withdrawn",
        /// The client's own grace or cut-off action changed.
        TermsChanged = "terms_changed",
    }
}

/// One entry of a client's history: who did what, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientEvent {
    pub client_id: ClientId,
    pub kind: ClientEventKind,
    pub actor: String,
    pub reason: Option<String>,
    pub router_job_id: Option<JobId>,
    pub at: DateTime<Utc>,
}

/// How a client stands, from the statuses of their subscriptions: `active` when any is
/// active, else `suspended` when any is suspended, else `none` (no subscription, or only
/// expired and cancelled ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Active,
    Suspended,
    None,
}

impl Standing {
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Standing {
        let mut out = Standing::None;
        for s in statuses {
            match s {
                Status::Active => return Standing::Active,
                Status::Suspended => out = Standing::Suspended,
                _ => {}
            }
        }
        out
    }

    /// `active`, `suspended`, `none`: the word badges and translations use.
    pub fn code(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::Suspended => "suspended",
            Standing::None => "none",
        }
    }
}

/// A client with open invoices past their due date, as the chasing list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    pub client_id: ClientId,
    pub name: String,
    pub phone_number: String,
    /// Still owed on the overdue invoices.
    pub owed: Money,
    /// How many invoices are overdue.
    pub invoices: i64,
    /// The earliest due date among them.
    pub oldest_due: NaiveDate,
}

impl Overdue {
    /// Whole days since the oldest due date, on `today`.
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        (today - self.oldest_due).num_days()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> ClientDraft {
        ClientDraft {
            name: Some("John Doe".into()),
            phone_number: Some("08123456789".into()),
            address: Some("Jl. Merdeka No.1".into()),
            ppp_secret_name: Some("abc123".into()),
            password: Some("securepassword".into()),
            router_id: None,
        }
    }

    fn validate_new(d: &ClientDraft) -> Result<NewClient, FieldErrors> {
        Client::validate(d)
    }

    #[test]
    fn the_seed_example_is_valid() {
        let c = validate_new(&seed()).unwrap();
        assert_eq!(c.client.name, "John Doe");
        assert_eq!(c.client.ppp_secret_name, "abc123");
        assert_eq!(c.password, "securepassword");
    }

    #[test]
    fn every_missing_field_is_named() {
        let e = validate_new(&ClientDraft::default()).unwrap_err();
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
            i.phone_number = Some(ok.into());
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
            i.phone_number = Some(bad.into());
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
            i.ppp_secret_name = Some(ok.into());
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
            i.ppp_secret_name = Some(bad.into());
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
        i.name = Some("Jo".into());
        i.address = Some("Jl.".into());
        i.password = Some("12345".into());
        let e = validate_new(&i).unwrap_err();
        assert_eq!(e.0["name"], "must be at least 3 characters");
        assert_eq!(e.0["address"], "must be at least 5 characters");
        assert_eq!(e.0["password"], "must be 6 to 64 characters");
    }

    #[test]
    fn patches_need_one_field_apply_only_given_ones_and_all_or_nothing() {
        let mut c = validate_new(&seed()).unwrap().client;
        assert!(
            c.patch(&ClientDraft::default())
                .unwrap_err()
                .0
                .contains_key("body")
        );
        let pw = c
            .patch(&ClientDraft {
                address: Some("Jl. Sudirman No.2".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(pw, None);
        assert_eq!(c.address, "Jl. Sudirman No.2");
        assert_eq!(c.name, "John Doe");
        let before = c.clone();
        let e = c
            .patch(&ClientDraft {
                name: Some("Jane Roe".into()),
                phone_number: Some("phone".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.0.contains_key("phone_number"));
        assert_eq!(c, before, "a refused patch changes nothing");
        assert_eq!(
            c.patch(&ClientDraft {
                password: Some("new-secret".into()),
                ..Default::default()
            })
            .unwrap()
            .as_deref(),
            Some("new-secret")
        );
    }
    #[test]
    fn imported_clients_take_the_comment_as_name_and_miss_phone_and_address() {
        let r = RouterId(3);
        let c = Client::imported(Some("  Budi Santoso "), "budi", r).unwrap();
        assert_eq!(
            (c.name.as_str(), c.ppp_secret_name.as_str(), c.router_id),
            ("Budi Santoso", "budi", Some(r))
        );
        assert!(c.details_missing());
        assert_eq!((c.phone_number.as_str(), c.address.as_str()), ("", ""));
        for comment in [None, Some(""), Some("ab"), Some("mikronet:client:7")] {
            assert_eq!(Client::imported(comment, "x1", r).unwrap().name, "x1");
        }
        let e = Client::imported(Some("Ok Name"), "two words", r).unwrap_err();
        assert!(e.0.contains_key("ppp_secret_name"), "{e:?}");
    }

    #[test]
    fn standing_follows_the_best_subscription() {
        use Status::*;
        assert_eq!(Standing::of([]), Standing::None);
        assert_eq!(Standing::of([Expired, Cancelled]), Standing::None);
        assert_eq!(Standing::of([Cancelled, Suspended]), Standing::Suspended);
        assert_eq!(Standing::of([Suspended, Active]), Standing::Active);
    }

    #[test]
    fn days_overdue_count_from_the_oldest_due_date() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let o = Overdue {
            client_id: ClientId(1),
            name: "John Doe".into(),
            phone_number: "08123456789".into(),
            owed: Money::from_minor(100_000),
            invoices: 1,
            oldest_due: d("2024-01-08"),
        };
        assert_eq!(o.days_overdue(d("2024-02-01")), 24);
    }
}
