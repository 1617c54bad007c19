//! Phone numbers as WhatsApp and SMS gateways want them: the MSISDN in international form,
//! digits only, without `+`, spaces or the national trunk `0` (`628123456789`).
//!
//! Operators type numbers however their clients gave them: `0812-3456-789`, `+62 812 3456 789`,
//! `62812…`, `812…`, `(021) 555-1234`. [`normalize_msisdn`] turns all of these into one form so a
//! number is stored, compared and sent the same way; [`wa_me_link`] builds the click-to-chat link
//! an operator opens to message a client by hand.
//!
//! The rules follow ITU-T E.164 (at most 15 digits, country code first, no trunk prefix) and the
//! Indonesian numbering plan (trunk prefix `0`, international prefix `00`/`+`, national numbers
//! of 8 to 12 digits after `62`). National input is assumed to use the trunk prefix `0`, as
//! Indonesia and most countries do; countries whose numbers keep a leading zero after the country
//! code (Italy's fixed lines) are not supported in national form.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// E.164: a number has at most 15 digits, country code included.
const E164_MAX: usize = 15;

/// Characters people put between digits, dropped before the digits are read.
const SEPARATORS: &[char] = &[' ', '\u{a0}', '\t', '-', '.', '(', ')', '/'];

/// How many digits a national (significant) number may have after `country_code`.
fn national_len(country_code: &str) -> (usize, usize) {
    match country_code {
        // Indonesia: mobile numbers 9 to 12 digits after 62 (0812-3456-789 to 0812-3456-78901),
        // fixed lines from 8 (area code and subscriber number).
        "62" => (8, 12),
        _ => (6, E164_MAX - country_code.len()),
    }
}

/// Turns a phone number as typed into the international digits gateways take, or says why not.
///
/// `country_code` is the provider's country calling code without `+` (`"62"` for Indonesia);
/// it is prefixed to national numbers. Accepted, for `"62"`:
///
/// | typed                 | result            |
/// |-----------------------|-------------------|
/// | `08123456789`         | `628123456789`    |
/// | `0812-3456-789`       | `628123456789`    |
/// | `+62 812-3456-789`    | `628123456789`    |
/// | `+62 (0)812 3456 789` | `628123456789`    |
/// | `0062 812 3456 789`   | `628123456789`    |
/// | `628123456789`        | `628123456789`    |
/// | `8123456789`          | `628123456789`    |
/// | `+65 9123 4567`       | `6591234567` (a number abroad is kept as written) |
///
/// Spaces, dashes, dots, slashes and parentheses between digits are ignored; a `+` may only
/// lead. Digits that start with the country code are read as already international, so with
/// `"62"` a national number typed without its `0` must not itself begin with `62`.
///
/// The errors are short phrases meant to follow the field's name, like the domain's other
/// validation messages.
pub fn normalize_msisdn(raw: &str, country_code: &str) -> Result<String, &'static str> {
    if country_code.is_empty()
        || country_code.len() > 3
        || !country_code.bytes().all(|b| b.is_ascii_digit())
        || country_code.starts_with('0')
    {
        return Err("has no valid country code configured (1 to 3 digits, not starting with 0)");
    }
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("is required");
    }
    let (plus, rest) = match raw.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !SEPARATORS.contains(&c) {
            return Err(
                "may contain only digits, spaces, dashes, dots, parentheses and a leading +",
            );
        }
    }
    if digits.is_empty() {
        return Err("has no digits");
    }
    let international = if plus {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    let national = match international {
        Some(intl) => match intl.strip_prefix(country_code) {
            Some(national) => national,
            None => return foreign(intl),
        },
        None => match digits.strip_prefix('0') {
            Some(national) => national,
            None => digits.strip_prefix(country_code).unwrap_or(&digits),
        },
    };
    // `+62 0812…` and `+62 (0) 812…` carry the trunk zero into the international form.
    let national = match national.strip_prefix('0') {
        Some(n) if !n.starts_with('0') => n,
        _ => national,
    };
    if national.starts_with('0') {
        return Err("has too many leading zeros");
    }
    let (min, max) = national_len(country_code);
    if national.len() < min {
        return Err("has too few digits");
    }
    if national.len() > max {
        return Err("has too many digits");
    }
    Ok(format!("{country_code}{national}"))
}

/// A number written with `+` or `00` and another country's code: kept as given, within E.164.
fn foreign(digits: &str) -> Result<String, &'static str> {
    if digits.starts_with('0') {
        Err("must have a country code after + or 00")
    } else if digits.len() < 8 {
        Err("has too few digits")
    } else if digits.len() > E164_MAX {
        Err("has too many digits")
    } else {
        Ok(digits.to_owned())
    }
}

/// Everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 - . _ ~`, section 2.3) is
/// percent-encoded, so the text survives as one query value whatever it holds.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A WhatsApp click-to-chat link, `https://wa.me/628123456789?text=Halo%20Budi`.
///
/// `number` should come from [`normalize_msisdn`]; anything but its digits is dropped, as
/// WhatsApp's own instructions for these links ask ("omit any zeroes, brackets, or dashes" and
/// the `+`, with the text URL-encoded). The text is encoded as UTF-8 with RFC 3986 percent
/// escapes (a space is `%20`, a line break `%0A`); an empty text leaves the `text` parameter out.
pub fn wa_me_link(number: &str, text: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if text.is_empty() {
        format!("https://wa.me/{digits}")
    } else {
        format!(
            "https://wa.me/{digits}?text={}",
            utf8_percent_encode(text, NOT_UNRESERVED)
        )
    }
}

/// The calling code of the country a provider billing in `currency` (ISO 4217) is in: the
/// country national numbers (`0812…`) belong to, for [`normalize_msisdn`]. `None` for a
/// currency several countries use (USD, EUR), where only international numbers are read.
pub fn home_country_code(currency: &str) -> Option<&'static str> {
    match currency {
        "IDR" => Some("62"),
        "MYR" => Some("60"),
        "SGD" => Some("65"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_country_follows_the_currency() {
        let cc = home_country_code("IDR").unwrap();
        assert_eq!(
            normalize_msisdn("0812-3456-789", cc).unwrap(),
            "628123456789"
        );
        assert_eq!(home_country_code("EUR"), None);
    }

    #[test]
    fn indonesian_numbers_as_operators_type_them() {
        for (typed, want) in [
            ("08123456789", "628123456789"),
            ("0812-3456-789", "628123456789"),
            ("0812 3456 789", "628123456789"),
            ("0812.3456.789", "628123456789"),
            ("+62 812-3456-789", "628123456789"),
            ("+628123456789", "628123456789"),
            ("+62 (0)812 3456 789", "628123456789"),
            ("+62 0812 3456 789", "628123456789"),
            ("0062 812 3456 789", "628123456789"),
            ("628123456789", "628123456789"),
            ("62 812 3456 789", "628123456789"),
            ("8123456789", "628123456789"),
            ("  08123456789\t", "628123456789"),
            ("0811234567", "62811234567"),
            ("0812-3456-78901", "62812345678901"),
            ("(021) 555-1234", "62215551234"),
            ("021 5551 2345", "622155512345"),
            ("+65 9123 4567", "6591234567"),
            ("0065 9123 4567", "6591234567"),
        ] {
            assert_eq!(
                normalize_msisdn(typed, "62").as_deref(),
                Ok(want),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn bad_numbers_are_refused_with_a_reason() {
        for (typed, why) in [
            ("", "is required"),
            ("   ", "is required"),
            ("+", "has no digits"),
            ("--", "has no digits"),
            (
                "0812 3456 789 ext 2",
                "may contain only digits, spaces, dashes, dots, parentheses and a leading +",
            ),
            (
                "++628123456789",
                "may contain only digits, spaces, dashes, dots, parentheses and a leading +",
            ),
            (
                "0812+3456789",
                "may contain only digits, spaces, dashes, dots, parentheses and a leading +",
            ),
            (
                "٠٨١٢٣٤٥٦٧٨٩",
                "may contain only digits, spaces, dashes, dots, parentheses and a leading +",
            ),
            ("0812-345", "has too few digits"),
            ("0812345678901234", "has too many digits"),
            ("+0812345678", "must have a country code after + or 00"),
            ("+65 123", "has too few digits"),
            ("+1 234 567 890 123 456", "has too many digits"),
            ("+62 00812345678", "has too many leading zeros"),
            ("000812345678", "must have a country code after + or 00"),
        ] {
            assert_eq!(normalize_msisdn(typed, "62"), Err(why), "{typed:?}");
        }
    }

    #[test]
    fn other_home_countries_and_bad_country_codes() {
        assert_eq!(
            normalize_msisdn("012-345 6789", "60").as_deref(),
            Ok("60123456789")
        );
        assert_eq!(
            normalize_msisdn("9123 4567", "65").as_deref(),
            Ok("6591234567")
        );
        for cc in ["", "+62", "062", "6200", "ab"] {
            assert!(normalize_msisdn("08123456789", cc).is_err(), "{cc:?}");
        }
    }

    #[test]
    fn wa_me_links_encode_the_text_per_rfc_3986() {
        assert_eq!(wa_me_link("628123456789", ""), "https://wa.me/628123456789");
        assert_eq!(
            wa_me_link("+62 812-3456-789", "Halo Budi"),
            "https://wa.me/628123456789?text=Halo%20Budi"
        );
        assert_eq!(
            wa_me_link(
                "628123456789",
                "Yth. Budi,\ntagihan Rp 150.000 (INV-2026-000123) & lain-lain: 100%? a+b=c #1 ~ok_"
            ),
            "https://wa.me/628123456789?text=Yth.%20Budi%2C%0Atagihan%20Rp%20150.000%20\
             %28INV-2026-000123%29%20%26%20lain-lain%3A%20100%25%3F%20a%2Bb%3Dc%20%231%20~ok_"
        );
        assert_eq!(
            wa_me_link("628123456789", "Terima kasih 🙏 é"),
            "https://wa.me/628123456789?text=Terima%20kasih%20%F0%9F%99%8F%20%C3%A9"
        );
    }
}
