//! The domain's validation messages in the user's language.
//!
//! The domain writes its messages in English, as phrases that follow a field's name
//! (`phone_number`: "is required"), and knows nothing of languages. Here each of those phrases
//! is recognised, with the numbers and lists some of them carry, and given its `error-…`
//! message, so the console can say "Nomor telepon wajib diisi".

use super::format::refusal;
use super::{Arg, Catalog, Lang};

/// Fixed domain phrases and their messages.
const FIXED: &[(&str, &str)] = &[
    ("is required", "error-required"),
    ("must not be empty", "error-empty"),
    ("must not contain control characters", "error-control-chars"),
    (
        "must be 6 to 20 digits, optionally after a leading +",
        "error-phone-digits",
    ),
    (
        "may contain only digits, spaces, dashes, dots, parentheses and a leading +",
        "error-phone-chars",
    ),
    ("has no digits", "error-phone-no-digits"),
    ("has too few digits", "error-phone-too-few-digits"),
    ("has too many digits", "error-phone-too-many-digits"),
    ("has too many leading zeros", "error-phone-leading-zeros"),
    (
        "must have a country code after + or 00",
        "error-phone-country-code",
    ),
    (
        "has no valid country code configured (1 to 3 digits, not starting with 0)",
        "error-phone-country-setting",
    ),
    (
        "may contain only ASCII letters, digits and punctuation other than \" ' \\ ` $ ; = ? #, without spaces",
        "error-ppp-name-chars",
    ),
    (
        "may contain only ASCII letters, digits and punctuation, without spaces",
        "error-ascii-no-spaces",
    ),
    (
        "may contain only ASCII letters, digits and punctuation",
        "error-ascii-printable",
    ),
    (
        "may contain only letters, digits and . _ - @",
        "error-username-chars",
    ),
    (
        "name at least one of name, phone_number, address, ppp_secret_name, password, router_id",
        "error-no-changes",
    ),
    ("must be greater than zero", "error-not-positive"),
    ("must not be negative", "error-negative"),
    ("the invoice is void", "error-invoice-void"),
    ("the invoice is already paid", "error-invoice-paid"),
    (
        "the client has subscriptions; cancel them instead of deleting the client",
        "error-client-has-subscriptions",
    ),
    ("no such client", "error-no-such-client"),
    ("no such plan", "error-no-such-plan"),
    ("the plan is not active", "error-plan-not-active"),
    (
        "a new subscription cannot be cancelled",
        "error-new-cancelled",
    ),
    ("must not be in the future", "error-in-future"),
    (
        "must be at most 100 characters, without control characters",
        "error-reference",
    ),
    ("is out of range", "error-out-of-range"),
    ("must be at most 256 KiB", "error-logo-size"),
    ("must be a PNG, JPEG or WebP image", "error-logo-kind"),
    ("must not be before start_date", "error-end-before-start"),
    (
        "must be a RouterOS rate limit such as 10M/10M",
        "error-rate-limit",
    ),
    ("must be a host name or IP address", "error-host"),
    (
        "must be an IANA time zone name such as Asia/Jakarta",
        "error-time-zone",
    ),
    ("must be an email address", "error-email"),
    (
        crate::domain::notify::BAD_SCHEDULE,
        "error-reminder-schedule",
    ),
    (crate::domain::notify::BAD_QUIET_HOURS, "error-quiet-hours"),
    ("must be from 0 to 366 days", "error-days"),
    ("must be from today to 60 days ahead", "error-promise-range"),
    ("must be one of the days offered", "error-promise-offered"),
    ("is not offered by the provider", "error-promise-off"),
    ("is not needed: nothing is due", "error-promise-not-needed"),
    ("is already promised", "error-promise-holding"),
    (
        "may be promised only once per invoice",
        "error-promise-used",
    ),
    (
        "is required when overdue_action is throttle",
        "error-throttle-profile-required",
    ),
    (
        "must be a SHA-256 fingerprint: 64 hex digits",
        "error-fingerprint",
    ),
    (
        "is required when suspend_mode is isolate",
        "error-isolation-profile-required",
    ),
    (
        "is required when host, port or transport change",
        "error-password-required-on-move",
    ),
    (
        "must be an amount with at most two decimals",
        "error-amount",
    ),
    ("must have at most two decimals", "error-amount-decimals"),
    ("is too large", "error-amount-too-large"),
    (
        "must be a comma-separated list of day, month, method, cashier, router",
        "error-report-groups",
    ),
    ("must name each group once", "error-report-group-twice"),
    (
        "may group by day or by month, not both",
        "error-report-day-or-month",
    ),
    (refusal::FORMAT, "error-amount-format"),
    (refusal::AMBIGUOUS, "error-amount-ambiguous"),
    (refusal::OTHER_CURRENCY, "error-amount-currency"),
];

type Recognised<'m> = (&'static str, Vec<(&'static str, Arg<'m>)>);

/// The message for a domain phrase and the values it carries, when the phrase is known.
fn recognise(phrase: &str) -> Option<Recognised<'_>> {
    if let Some((_, key)) = FIXED.iter().find(|(p, _)| *p == phrase) {
        return Some((key, Vec::new()));
    }
    let one = |key: &'static str, name: &'static str, value: &str| {
        Some((key, vec![(name, Arg::from(number(value)?))]))
    };
    let two = |key: &'static str, range: &str| {
        let (min, max) = range.split_once(" to ")?;
        let (min, max) = (number(min)?, number(max)?);
        Some((key, vec![("min", Arg::from(min)), ("max", Arg::from(max))]))
    };
    let inner = |prefix: &str, suffix: &str| phrase.strip_prefix(prefix)?.strip_suffix(suffix);
    if let Some(n) = inner("must be at least ", " characters") {
        return one("error-min-chars", "min", n);
    }
    if let Some(n) = inner("must be at most ", " characters") {
        return one("error-max-chars", "max", n);
    }
    if let Some(n) = inner("must be at most ", " bytes") {
        return one("error-max-bytes", "max", n);
    }
    if let Some(r) = inner("must be ", " characters, without control characters") {
        return two("error-length-range-no-control", r);
    }
    if let Some(r) = inner("must be ", " characters") {
        return two("error-length-range", r);
    }
    if let Some(r) = phrase.strip_prefix("must be a whole number from ") {
        return two("error-whole-number-range", r);
    }
    if let Some(r) = phrase.strip_prefix("must be from ") {
        return two("error-number-range", r);
    }
    if let Some(r) = inner("must name ", " payment methods") {
        return two("error-methods-count", r);
    }
    if let Some(m) = inner("'", crate::domain::settings::NOT_A_METHOD) {
        return Some(("error-method-word", vec![("name", Arg::from(m))]));
    }
    if let Some(m) = inner("names '", "' twice") {
        return Some(("error-method-twice", vec![("name", Arg::from(m))]));
    }
    if let Some(list) = phrase.strip_prefix("must be one of ") {
        return Some(("error-one-of", vec![("options", Arg::from(list))]));
    }
    if let Some(name) = inner("ppp_secret_name '", "' is already taken") {
        return Some(("error-ppp-name-taken", vec![("name", Arg::from(name))]));
    }
    if let Some(amount) = inner("exceeds the amount outstanding (", ")") {
        return Some((
            "error-overpayment",
            vec![("outstanding", Arg::from(amount))],
        ));
    }
    if let Some((first, second)) = phrase
        .strip_prefix("must be ")
        .and_then(|r| r.split_once(" or "))
        .filter(|(a, b)| is_code(a) && is_code(b))
    {
        return Some((
            "error-either",
            vec![("first", Arg::from(first)), ("second", Arg::from(second))],
        ));
    }
    None
}

fn number(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A value the domain names literally (`month`, `api-ssl`), not prose.
fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl Catalog {
    /// A domain validation message in `lang`: `field_error(Lang::Id, "must be at least 3
    /// characters")` is `minimal 3 karakter`. Put it after [`Catalog::field_label`] of the field
    /// it belongs to. A phrase this catalog does not know is given back as it is, in English,
    /// and logged once, so a new domain message shows up in the logs rather than vanishing.
    pub fn field_error(&self, lang: Lang, message: &str) -> String {
        match recognise(message) {
            Some((key, args)) => self.t_args(lang, key, &args),
            None => {
                self.warn_once(lang, message, "no translation for this domain message");
                message.to_owned()
            }
        }
    }

    /// The name of a domain field: `field_label(Lang::Id, "phone_number")` is `Nomor telepon`;
    /// an unknown field is given back as it is.
    pub fn field_label(&self, lang: Lang, field: &str) -> String {
        self.label(lang, "field", field)
    }

    /// Whether [`Catalog::field_error`] knows `message`.
    pub fn knows_field_error(message: &str) -> bool {
        recognise(message).is_some()
    }
}
