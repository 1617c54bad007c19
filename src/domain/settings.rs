//! The provider's settings that staff change while the server runs (who the provider is, how
//! billing counts days): kept in the database, effective on every server within seconds, no
//! restart. The configuration file gives their defaults; what an admin saves overrides them.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::{FieldErrors, checked_days, checked_text};

/// The settings in effect: the configured defaults with every saved override applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Settings {
    /// Shown on invoices, receipts, the console and messages.
    pub provider_name: String,
    pub provider_address: String,
    pub provider_phone: String,
    pub provider_email: String,
    /// NPWP, printed on invoices when set.
    pub tax_number: Option<String>,
    /// ISO 4217 code of the money the provider bills in: IDR, USD, EUR, SGD or MYR.
    pub currency: String,
    /// `en` or `id`: the language of a user or client who chose none.
    pub default_language: String,
    /// IANA time zone whose calendar dates billing counts in.
    pub time_zone: String,
    /// A subscription is invoiced this many days before its end date.
    pub invoice_days_before: u32,
    /// An invoice is due this many days after its invoice date.
    pub invoice_due_days: u32,
    /// Days after the due date before an unpaid subscription is cut off.
    pub grace_days: u32,
    /// The payment methods payments may name, in the order forms offer them.
    #[schema(example = json!(["cash", "bank_transfer", "qris"]))]
    pub payment_methods: Vec<String>,
}

/// The fields an admin may save; absent fields keep their value. Also the form of the
/// overrides stored in the database (what was never saved follows the configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"provider_name": "Net Desa Sejahtera", "provider_address": "Jl. Raya No. 5, Bandung", "provider_phone": "0221234567", "provider_email": "billing@example.net", "currency": "IDR", "default_language": "id", "time_zone": "Asia/Jakarta", "invoice_days_before": 4, "invoice_due_days": 7, "grace_days": 3}))]
pub struct SettingsDraft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Net Desa Sejahtera")]
    pub provider_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_email: Option<String>,
    /// An empty string clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "IDR")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "id")]
    pub default_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Asia/Jakarta")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_days_before: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_due_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_days: Option<u32>,
    /// The whole list (it replaces the one in effect): a JSON array, or one text of words
    /// separated by commas or spaces (the console's form). Each a lower-case word of letters,
    /// digits and `_`, at most 32 characters; 1 to 20 of them, none twice.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "method_list"
    )]
    #[schema(value_type = Option<Vec<String>>, example = json!(["cash", "bank_transfer", "qris", "gopay"]))]
    pub payment_methods: Option<Vec<String>>,
}

/// `payment_methods` as a JSON array or as one text (`cash, qris gopay`).
fn method_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Option::<Given>::deserialize(d)? {
        None => None,
        Some(Given::List(l)) => Some(l),
        Some(Given::Text(t)) => Some(
            t.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
    })
}

/// The longest list of payment methods and the longest method.
const MAX_METHODS: usize = 20;
const MAX_METHOD_LEN: usize = 32;

/// The problem with a list of payment methods, if any.
fn methods_problem(list: &[String]) -> Option<String> {
    if list.is_empty() || list.len() > MAX_METHODS {
        return Some(format!("must name 1 to {MAX_METHODS} payment methods"));
    }
    for (i, m) in list.iter().enumerate() {
        let word = m.len() <= MAX_METHOD_LEN
            && m.starts_with(|c: char| c.is_ascii_lowercase())
            && m.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !word {
            return Some(format!("'{m}{NOT_A_METHOD}"));
        }
        if list[..i].contains(m) {
            return Some(format!("names '{m}' twice"));
        }
    }
    None
}

/// What a method that is no word is told, after `'` and its name.
pub const NOT_A_METHOD: &str =
    "' is not a lower-case word of letters, digits and _ of at most 32 characters";

/// The currencies money can be shown in (see `i18n::format::Currency`).
pub const CURRENCIES: &[&str] = &["IDR", "USD", "EUR", "SGD", "MYR"];

impl SettingsDraft {
    /// `self` with every field `later` gives replacing this one's: saving twice keeps both.
    pub fn merged(&self, later: &SettingsDraft) -> SettingsDraft {
        macro_rules! pick {
            ($($f:ident),*) => {
                SettingsDraft { $($f: later.$f.clone().or_else(|| self.$f.clone()),)* }
            };
        }
        pick!(
            provider_name,
            provider_address,
            provider_phone,
            provider_email,
            tax_number,
            currency,
            default_language,
            time_zone,
            invoice_days_before,
            invoice_due_days,
            grace_days,
            payment_methods
        )
    }
}

fn days(e: &mut FieldErrors, field: &str, v: Option<u32>) -> Option<u32> {
    v.and_then(|d| checked_days(e, field, i64::from(d)))
}

impl Settings {
    /// The time zone, valid by construction.
    pub fn tz(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }

    /// Today's date in the provider's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now().with_timezone(&self.tz()).date_naive()
    }

    /// Applies the fields `d` gives, each checked; all or nothing.
    pub fn patch(&mut self, d: &SettingsDraft) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        let mut next = self.clone();
        let text =
            |e: &mut FieldErrors, field: &str, v: &Option<String>, min: usize, max: usize| {
                v.as_deref()
                    .and_then(|v| checked_text(e, field, v, min, max))
            };
        if let Some(v) = text(&mut e, "provider_name", &d.provider_name, 2, 100) {
            next.provider_name = v;
        }
        if let Some(v) = text(&mut e, "provider_address", &d.provider_address, 0, 255) {
            next.provider_address = v;
        }
        if let Some(v) = text(&mut e, "provider_phone", &d.provider_phone, 0, 30) {
            next.provider_phone = v;
        }
        if let Some(v) = text(&mut e, "provider_email", &d.provider_email, 0, 100) {
            if !v.is_empty() && !super::validation::is_email(&v) {
                e.add("provider_email", "must be an email address");
            }
            next.provider_email = v;
        }
        if let Some(v) = text(&mut e, "tax_number", &d.tax_number, 0, 40) {
            next.tax_number = (!v.is_empty()).then_some(v);
        }
        if let Some(c) = &d.currency {
            if CURRENCIES.contains(&c.as_str()) {
                next.currency = c.clone();
            } else {
                e.add(
                    "currency",
                    format!("must be one of {}", CURRENCIES.join(", ")),
                );
            }
        }
        if let Some(l) = &d.default_language {
            if matches!(l.as_str(), "en" | "id") {
                next.default_language = l.clone();
            } else {
                e.add("default_language", "must be en or id");
            }
        }
        if let Some(tz) = &d.time_zone {
            if tz.parse::<Tz>().is_ok() {
                next.time_zone = tz.clone();
            } else {
                e.add(
                    "time_zone",
                    "must be an IANA time zone name such as Asia/Jakarta",
                );
            }
        }
        if let Some(v) = days(&mut e, "invoice_days_before", d.invoice_days_before) {
            next.invoice_days_before = v;
        }
        if let Some(v) = days(&mut e, "invoice_due_days", d.invoice_due_days) {
            next.invoice_due_days = v;
        }
        if let Some(v) = days(&mut e, "grace_days", d.grace_days) {
            next.grace_days = v;
        }
        if let Some(list) = &d.payment_methods {
            match methods_problem(list) {
                Some(problem) => e.add("payment_methods", problem),
                None => next.payment_methods = list.clone(),
            }
        }
        e.into_result(())?;
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Settings {
        Settings {
            provider_name: "MikroNet".into(),
            provider_address: String::new(),
            provider_phone: String::new(),
            provider_email: String::new(),
            tax_number: None,
            currency: "IDR".into(),
            default_language: "id".into(),
            time_zone: "UTC".into(),
            invoice_days_before: 4,
            invoice_due_days: 7,
            grace_days: 0,
            payment_methods: vec!["cash".into()],
        }
    }

    #[test]
    fn patches_check_every_field_and_change_nothing_on_error() {
        let mut s = base();
        let e = s
            .patch(&SettingsDraft {
                provider_name: Some("Net Desa".into()),
                currency: Some("XYZ".into()),
                time_zone: Some("Mars/Olympus".into()),
                grace_days: Some(400),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.0.len(), 3, "{e:?}");
        assert_eq!(s, base());
        s.patch(&SettingsDraft {
            time_zone: Some("Asia/Jakarta".into()),
            grace_days: Some(3),
            tax_number: Some("01.234.567.8-901.000".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((s.tz(), s.grace_days), (chrono_tz::Asia::Jakarta, 3));
        s.patch(&SettingsDraft {
            tax_number: Some(String::new()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.tax_number, None, "an empty value clears it");
    }

    #[test]
    fn payment_methods_are_words_listed_once_as_an_array_or_a_text() {
        let draft: SettingsDraft =
            serde_json::from_str(r#"{"payment_methods":"cash, qris  gopay,"}"#).unwrap();
        assert_eq!(
            draft.payment_methods.as_deref(),
            Some(&["cash".to_owned(), "qris".into(), "gopay".into()][..])
        );
        let draft: SettingsDraft =
            serde_json::from_str(r#"{"payment_methods":["cash","ovo"]}"#).unwrap();
        let mut s = base();
        s.patch(&draft).unwrap();
        assert_eq!(s.payment_methods, ["cash", "ovo"]);
        for (bad, says) in [
            (r#"[]"#, "1 to 20"),
            (r#"["cash","cash"]"#, "twice"),
            (r#"["Cash"]"#, "'Cash' is not a lower-case word"),
            (r#"["e-wallet"]"#, "lower-case"),
            (r#"["1st"]"#, "lower-case"),
            (r#""""#, "1 to 20"),
        ] {
            let draft: SettingsDraft =
                serde_json::from_str(&format!(r#"{{"payment_methods":{bad}}}"#)).unwrap();
            let e = s.patch(&draft).unwrap_err();
            assert!(e.0["payment_methods"].contains(says), "{bad}: {e:?}");
            assert_eq!(s.payment_methods, ["cash", "ovo"], "{bad} changed nothing");
        }
        let long = format!(r#"{{"payment_methods":["{}"]}}"#, "a".repeat(33));
        let draft: SettingsDraft = serde_json::from_str(&long).unwrap();
        assert!(s.patch(&draft).is_err());
        let many: Vec<String> = (0..21).map(|i| format!("m{i}")).collect();
        let draft = SettingsDraft {
            payment_methods: Some(many),
            ..Default::default()
        };
        assert!(s.patch(&draft).is_err());
        assert!(serde_json::from_str::<SettingsDraft>(r#"{"payment_methods":5}"#).is_err());
    }

    #[test]
    fn later_saves_override_earlier_ones_field_by_field() {
        let first = SettingsDraft {
            provider_name: Some("A".into()),
            grace_days: Some(2),
            ..Default::default()
        };
        let second = SettingsDraft {
            grace_days: Some(5),
            ..Default::default()
        };
        let both = first.merged(&second);
        assert_eq!(both.provider_name.as_deref(), Some("A"));
        assert_eq!(both.grace_days, Some(5));
    }
}
